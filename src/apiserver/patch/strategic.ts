// Kubernetes strategic merge patch (application/strategic-merge-patch+json), after the apply
// half of apimachinery's util/strategicpatch: JSON merge patch, except that lists tagged
// `patchStrategy:"merge"` are merged (maps by their merge key, primitives as sets), plus the
// directives $patch, $retainKeys, $deleteFromPrimitiveList/<f> and $setElementOrder/<f>.
// The result never carries a directive: we store plain JSON, with no typed decode to drop them.
import { fieldPatchMeta as fieldMeta, hasPatchStrategy as hasStrategy, type PatchMeta } from '../../api/patchmeta.js';
import { badRequest } from '../errors.js';

type JsonMap = Record<string, unknown>;

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

// apimachinery mergepatch's error texts.
const BAD_PRIMITIVE_LIST = 'invalid patch format of primitive list';
const BAD_RETAIN_KEYS = 'invalid patch format of retainKeys';
const BAD_ELEMENT_ORDER = 'invalid patch format of setElementOrder list';

/** Marks a value that must not be stored at all (a new map carrying `$patch: delete`). */
const DROP = Symbol('drop');
type Fresh = unknown | typeof DROP;

/**
 * Applies `patch` to `original` and returns the result; neither input is modified.
 * `meta` describes the kind's tagged fields; without it every list is replaced.
 */
export function strategicMergePatch(original: unknown, patch: unknown, meta: PatchMeta | undefined): unknown {
  // A JSON null patch decodes upstream to an empty map: nothing changes.
  if (patch === null) return structuredClone(original);
  if (!isMap(patch)) {
    throw badRequest(`json: cannot unmarshal ${jsonKind(patch)} into Go value of type map[string]interface {}`);
  }
  // We work on a copy of the original and only read the patch.
  const target = isMap(original) ? structuredClone(original) : {};
  return mergeMap(target, patch, meta);
}

// ---- maps ----------------------------------------------------------------------------------------

/** Merges `patch` into `target` (owned: modified in place) and returns the merged map. */
function mergeMap(target: JsonMap, patch: JsonMap, meta: PatchMeta | undefined): JsonMap {
  const directive = patch[DIRECTIVE];
  // `$patch: merge` is the default behaviour of maps; upstream rejects it, we let it through.
  if (directive !== undefined && directive !== 'merge') return mapDirective(directive, patch, meta);
  applyRetainKeys(target, patch);
  const ordered = applyElementOrders(target, patch, meta);
  const deletions: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key === DIRECTIVE || key === RETAIN_KEYS || key.startsWith(SET_ELEMENT_ORDER) || ordered.has(key)) continue;
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      deletions.push([extractKey(key, DELETE_FROM_PRIMITIVE_LIST, BAD_PRIMITIVE_LIST), value]);
      continue;
    }
    mergeField(target, key, value, fieldMeta(meta, key));
  }
  // Deletions run last so that a value both added and deleted ends up deleted.
  for (const [field, values] of deletions) deleteFromPrimitiveList(target, field, values);
  return target;
}

/** `$patch: replace` takes the patch's map as is; `$patch: delete` empties the map. */
function mapDirective(directive: unknown, patch: JsonMap, meta: PatchMeta | undefined): JsonMap {
  if (directive === 'replace') {
    const { [DIRECTIVE]: _, ...rest } = patch;
    return mergeMap({}, rest, meta);
  }
  if (directive === 'delete') return {};
  throw badRequest(`unknown patch type: ${goValue(directive)} in map: ${goValue(patch)}`);
}

function mergeField(target: JsonMap, key: string, value: unknown, meta: PatchMeta | undefined): void {
  if (value === null) {
    delete target[key];
    return;
  }
  const current = target[key];
  if (isMap(current) && isMap(value) && !hasStrategy(meta, 'replace')) {
    target[key] = mergeMap(current, value, meta);
  } else if (Array.isArray(current) && Array.isArray(value)) {
    target[key] = mergeList(current, value, meta);
  } else {
    // Absent, a different type, a scalar, or a map tagged `replace`: the patch's value wins.
    assign(target, key, fresh(value, meta));
  }
}

function assign(target: JsonMap, key: string, value: Fresh): void {
  if (value === DROP) delete target[key];
  else target[key] = value;
}

/**
 * A patch value landing where the original has nothing to merge with: merged into emptiness, so
 * that its directives are applied (and dropped) and its nulls vanish, as upstream's
 * removeDirectives and discardNullValuesFromPatch do.
 */
function fresh(value: unknown, meta: PatchMeta | undefined): Fresh {
  if (isMap(value)) return value[DIRECTIVE] === 'delete' ? DROP : mergeMap({}, value, meta);
  if (Array.isArray(value)) return freshList(value, meta);
  return value;
}

/** A list taken from the patch: elements carrying a directive have nothing to act on and go. */
function freshList(list: unknown[], meta: PatchMeta | undefined): unknown[] {
  const out: unknown[] = [];
  for (const element of list) {
    if (isMap(element) && DIRECTIVE in element) continue;
    const value = fresh(element, meta?.items);
    if (value !== DROP) out.push(value);
  }
  return out;
}

// ---- directives on maps --------------------------------------------------------------------------

/**
 * `$retainKeys: [..]` clears every field of the original not listed (a union type switching
 * member, e.g. a Deployment strategy going from RollingUpdate to Recreate).
 */
function applyRetainKeys(target: JsonMap, patch: JsonMap): void {
  if (!(RETAIN_KEYS in patch)) return;
  const listed = patch[RETAIN_KEYS];
  if (!Array.isArray(listed)) throw badRequest(BAD_RETAIN_KEYS);
  const retained = new Set<unknown>(listed);
  // Every field the patch sets must be retained, or the patch contradicts itself.
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || isDirectiveKey(key)) continue;
    if (!retained.has(key)) throw badRequest(BAD_RETAIN_KEYS);
  }
  for (const key of Object.keys(target)) {
    if (!retained.has(key)) delete target[key];
  }
}

function isDirectiveKey(key: string): boolean {
  return (
    key === DIRECTIVE ||
    key === RETAIN_KEYS ||
    key.startsWith(DELETE_FROM_PRIMITIVE_LIST) ||
    key.startsWith(SET_ELEMENT_ORDER)
  );
}

/** `$deleteFromPrimitiveList/<field>: [..]` removes those values from a primitive list. */
function deleteFromPrimitiveList(target: JsonMap, field: string, values: unknown): void {
  if (values === null) return;
  if (!Array.isArray(values)) throw badRequest(BAD_PRIMITIVE_LIST);
  const current = target[field];
  if (!Array.isArray(current)) return;
  target[field] = current.filter((item) => !values.some((value) => sameJson(value, item)));
}

/**
 * `$setElementOrder/<field>: [..]` gives the order of the list after the patch: the listed
 * elements in that order, elements only the server has kept where they were relative to them.
 * Merges the patch's own list for that field too; returns the fields it consumed.
 */
function applyElementOrders(target: JsonMap, patch: JsonMap, meta: PatchMeta | undefined): Set<string> {
  const consumed = new Set<string>();
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const field = extractKey(key, SET_ELEMENT_ORDER, BAD_ELEMENT_ORDER);
    if (!Array.isArray(order)) throw badRequest(BAD_ELEMENT_ORDER);
    const current = target[field];
    const patched = patch[field];
    // A list deleted or of another type is left to the plain merge.
    if ((current !== undefined && !Array.isArray(current)) || (patched !== undefined && !Array.isArray(patched))) continue;
    const listMeta = fieldMeta(meta, field);
    const identity = identityOf(listMeta?.mergeKey);
    if (patched) validateElementOrder(patched, order, identity);
    let merged: MergedList;
    if (current && patched) merged = mergeListWithOrder(current, patched, listMeta);
    else if (current) merged = { list: current, serverOrder: current };
    else if (patched) merged = { list: freshList(patched, listMeta), serverOrder: [] };
    else continue;
    target[field] = enforceOrder(merged.list, order, merged.serverOrder, identity);
    if (patched) consumed.add(field);
  }
  return consumed;
}

/** The patch's own list must follow the order it declares (deletions and directives aside). */
function validateElementOrder(patched: unknown[], order: unknown[], identity: Identity): void {
  if (patched.length === 0 || order.length === 0) return;
  const elements = patched.filter((e) => !(isMap(e) && DIRECTIVE in e));
  let p = 0;
  for (let o = 0; p < elements.length && o < order.length; o++) {
    if (identity(elements[p]) === identity(order[o])) p++;
  }
  if (p < elements.length) {
    throw badRequest(
      `the order in patch list:\n${goValue(patched)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goValue(order)}`,
    );
  }
}

function extractKey(key: string, prefix: string, error: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) throw badRequest(error);
  return key.slice(slash + 1);
}

// ---- lists ---------------------------------------------------------------------------------------

function mergeList(current: unknown[], patch: unknown[], meta: PatchMeta | undefined): unknown[] {
  return mergeListWithOrder(current, patch, meta).list;
}

/**
 * A merged list, and the server order that $setElementOrder then places server-only elements
 * by. Upstream's server order is the live list as the merge left it: Go's in-place deletions and
 * appends rewrite its backing array, so it reads as the elements left after `$patch: delete`
 * followed by the appended ones, cut to the live list's length. We reproduce that, since it
 * decides where kubectl's patches put elements (upstream's own test expectations rely on it).
 */
interface MergedList {
  list: unknown[];
  serverOrder: unknown[];
}

function mergeListWithOrder(current: unknown[], patch: unknown[], meta: PatchMeta | undefined): MergedList {
  if (!hasStrategy(meta, 'merge')) return { list: freshList(patch, meta), serverOrder: current };
  if (current.length === 0 && patch.length === 0) return { list: current, serverOrder: current };
  if (elementKind(current, patch) !== 'map') return { list: mergePrimitiveSet(current, patch), serverOrder: current };
  if (!meta?.mergeKey) throw badRequest('cannot merge lists without merge key for type struct');
  return mergeListOfMaps(current, patch, meta.mergeKey, meta);
}

/** The common kind of the elements of both lists; mixed kinds and nested lists are refused. */
function elementKind(...lists: unknown[][]): string {
  let kind: string | undefined;
  for (const element of lists.flat()) {
    if (Array.isArray(element)) throw badRequest('lists of lists are not supported');
    const k = isMap(element) ? 'map' : element === null ? 'null' : typeof element;
    if (kind !== undefined && k !== kind) {
      throw badRequest(`list element types are not identical: ${goValue(lists)}`);
    }
    kind = k;
  }
  return kind ?? 'none';
}

/** Primitive lists tagged merge are sets: the union, each value once. */
function mergePrimitiveSet(current: unknown[], patch: unknown[]): unknown[] {
  const merged: unknown[] = [];
  for (const value of [...current, ...patch]) {
    if (!merged.includes(value)) merged.push(value);
  }
  return enforceOrder(merged, patch, current, identityOf(undefined));
}

function mergeListOfMaps(current: unknown[], patch: unknown[], mergeKey: string, meta: PatchMeta): MergedList {
  const { base, plain, replace } = applyListDirectives(current, patch, mergeKey);
  if (replace) return { list: freshList(plain, meta), serverOrder: base };
  const merged = [...base];
  const appended: unknown[] = [];
  for (const element of plain as JsonMap[]) {
    if (!(mergeKey in element)) {
      throw badRequest(`map: ${goValue(element)} does not contain declared merge key: ${mergeKey}`);
    }
    const at = merged.findIndex((m) => isMap(m) && m[mergeKey] === element[mergeKey]);
    if (at >= 0) {
      merged[at] = mergeMap(merged[at] as JsonMap, element, meta.items);
    } else {
      const added = fresh(element, meta.items);
      merged.push(added);
      appended.push(added);
    }
  }
  return {
    list: enforceOrder(merged, plain, base, identityOf(mergeKey)),
    serverOrder: [...base, ...appended].slice(0, current.length),
  };
}

/**
 * Elements with `$patch`: `delete` drops the original's elements with that key, `replace` makes
 * the patch's other elements the whole list. Returns the rest of the patch.
 */
function applyListDirectives(current: unknown[], patch: unknown[], mergeKey: string) {
  let base = current;
  let replace = false;
  const plain: unknown[] = [];
  for (const element of patch as JsonMap[]) {
    const directive = element[DIRECTIVE];
    if (directive === undefined) {
      plain.push(element);
    } else if (directive === 'delete') {
      if (!(mergeKey in element)) throw badRequest('delete patch type with no merge key defined');
      base = base.filter((m) => !(isMap(m) && m[mergeKey] === element[mergeKey]));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw badRequest('merging lists cannot yet be specified in the patch');
    } else {
      throw badRequest(`unknown patch type: ${goValue(directive)} in map: ${goValue(element)}`);
    }
  }
  return { base, plain, replace };
}

// ---- order ---------------------------------------------------------------------------------------

type Identity = (element: unknown) => unknown;

/** Elements are told apart by their merge key, primitives by value, other maps by content. */
function identityOf(mergeKey: string | undefined): Identity {
  return (element) => {
    if (isMap(element)) return mergeKey ? element[mergeKey] : JSON.stringify(element);
    return Array.isArray(element) ? JSON.stringify(element) : element;
  };
}

/**
 * Upstream's normalizeElementOrder: the elements named by `order` come in that order, the others
 * keep the order they had in `serverOrder`, and the two runs are interleaved by their positions
 * in `serverOrder` (an element the server never had goes as early as it can).
 */
function enforceOrder(merged: unknown[], order: unknown[], serverOrder: unknown[], identity: Identity): unknown[] {
  const orderIds = order.map(identity);
  const serverIds = serverOrder.map(identity);
  const inOrder = merged.filter((e) => orderIds.includes(identity(e)));
  const serverOnly = merged.filter((e) => !orderIds.includes(identity(e)));
  sortByPosition(inOrder, orderIds, identity);
  sortByPosition(serverOnly, serverIds, identity);
  return interleave(serverOnly, inOrder, serverIds, identity);
}

function sortByPosition(list: unknown[], ids: unknown[], identity: Identity): void {
  const position = (e: unknown) => {
    const at = ids.indexOf(identity(e));
    return at < 0 ? Number.MAX_SAFE_INTEGER : at;
  };
  list.sort((a, b) => position(a) - position(b)); // Array.prototype.sort is stable
}

function interleave(left: unknown[], right: unknown[], serverIds: unknown[], identity: Identity): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) out.push(left[i++]);
    else if (i >= left.length) out.push(right[j++]);
    else {
      const li = serverIds.indexOf(identity(left[i]));
      const ri = serverIds.indexOf(identity(right[j]));
      out.push(li >= 0 && ri >= 0 && li < ri ? left[i++] : right[j++]);
    }
  }
  return out;
}

// ---- helpers -------------------------------------------------------------------------------------

export function isMap(value: unknown): value is JsonMap {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b);
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value === 'boolean' ? 'bool' : typeof value;
}

/** A value as Go's %v prints it, for error messages that read like upstream's. */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goValue).join(' ')}]`;
  if (typeof value === 'object') {
    const map = value as JsonMap;
    return `map[${Object.keys(map).sort().map((k) => `${k}:${goValue(map[k])}`).join(' ')}]`;
  }
  return String(value);
}
