// Server-side apply (application/apply-patch+yaml), minimal but honest: the applied
// configuration is merged into the live object with strategic-merge list semantics (associative
// lists by their merge key, primitive sets as sets, other lists atomic), and the manager's field
// set is recorded in metadata.managedFields (FieldsV1). What users notice follows from that: a
// field the same manager applied before and now leaves out is removed, unless another applier
// still owns it.
//
// Not done (yet): conflicts. Upstream refuses (409) to change a field another manager owns
// unless force=true; we let the last applier win, so `force` is accepted and changes nothing.
// Updates (PUT, non-apply PATCH) are not recorded as managers either.
import { fieldPatchMeta as fieldMeta, hasPatchStrategy as hasStrategy, type PatchMeta } from '../../api/patchmeta.js';
import type { KubeObject } from '../../api/types.js';
import { badRequest } from '../errors.js';
import { isMap, strategicMergePatch } from './strategic.js';

/** A FieldsV1 tree: "f:<field>", "k:<key json>", "v:<value json>" children; "." is the node itself. */
export interface FieldSet {
  [path: string]: FieldSet;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: FieldSet;
  subresource?: string;
}

type JsonMap = Record<string, unknown>;

/** Fields that identify an object rather than configure it: never owned (fieldmanager stripMeta). */
const IDENTITY_FIELDS = ['apiVersion', 'kind'];
const IDENTITY_META_FIELDS = [
  'name',
  'namespace',
  'creationTimestamp',
  'selfLink',
  'uid',
  'clusterName',
  'generation',
  'managedFields',
  'resourceVersion',
];

/** Applies `applied` for `manager` onto `live` (undefined: the object is being created). */
export function serverSideApply(
  live: KubeObject | undefined,
  applied: KubeObject,
  manager: string,
  meta: PatchMeta | undefined,
): KubeObject {
  if (applied.metadata?.managedFields != null) throw badRequest('metadata.managedFields must be nil');
  const config = withoutNulls(applied) as KubeObject;
  const owned = fieldSetOf(withoutIdentity(config), meta);
  const base: KubeObject = live ? structuredClone(live) : { metadata: {} };
  const entries = managedFieldsOf(base);
  const previous = entries.find((e) => e.manager === manager && e.operation === 'Apply' && !e.subresource);
  if (previous) {
    const others = entries.filter((e) => e !== previous).map((e) => e.fieldsV1 ?? {});
    removeDisowned(base, previous.fieldsV1 ?? {}, owned, others, meta);
  }
  const merged = strategicMergePatch(base, config, meta) as KubeObject;
  merged.metadata ??= {};
  const managedFields = recordApply(entries, previous, {
    manager,
    operation: 'Apply',
    apiVersion: applied.apiVersion ?? live?.apiVersion,
    time: nowRfc3339(),
    fieldsType: 'FieldsV1',
    fieldsV1: owned,
  });
  if (managedFields.length > 0) merged.metadata.managedFields = managedFields;
  else delete merged.metadata.managedFields;
  return merged;
}

// ---- field sets ----------------------------------------------------------------------------------

/** The fields a configuration sets, as a FieldsV1 tree. */
export function fieldSetOf(obj: JsonMap, meta: PatchMeta | undefined): FieldSet {
  const set: FieldSet = {};
  for (const [key, value] of Object.entries(obj)) set[`f:${key}`] = fieldNode(value, fieldMeta(meta, key));
  return set;
}

function fieldNode(value: unknown, meta: PatchMeta | undefined): FieldSet {
  if (isMap(value)) return fieldSetOf(value, meta);
  if (Array.isArray(value) && hasStrategy(meta, 'merge')) return listNode(value, meta!);
  return {}; // a scalar, an atomic list: owned as a whole
}

/** Associative lists own their elements by key, sets their values; otherwise the list is atomic. */
function listNode(list: unknown[], meta: PatchMeta): FieldSet {
  const set: FieldSet = {};
  for (const item of list) {
    const key = elementKey(item, meta);
    if (key === undefined) return {};
    set[key] = isMap(item) ? { '.': {}, ...fieldSetOf(item, meta.items) } : {};
  }
  return set;
}

function elementKey(item: unknown, meta: PatchMeta): string | undefined {
  if (isMap(item)) {
    const mergeKey = meta.mergeKey;
    if (!mergeKey || item[mergeKey] === undefined) return undefined;
    return `k:${JSON.stringify({ [mergeKey]: item[mergeKey] })}`;
  }
  return Array.isArray(item) ? undefined : `v:${JSON.stringify(item)}`;
}

/**
 * Removes from `target` what `previous` owned and `current` no longer does, unless another
 * manager owns it; descends into what is still (co-)owned to find disowned children.
 */
function removeDisowned(target: unknown, previous: FieldSet, current: FieldSet | undefined, others: FieldSet[], meta: PatchMeta | undefined): void {
  for (const [path, previousChild] of Object.entries(previous)) {
    if (path === '.') continue;
    const currentChild = current?.[path];
    const otherChildren = others.map((o) => o[path]).filter((c): c is FieldSet => c !== undefined);
    if (currentChild === undefined && otherChildren.length === 0) {
      removePath(target, path);
      continue;
    }
    const child = childAt(target, path);
    if (child !== undefined) removeDisowned(child, previousChild, currentChild, otherChildren, childMeta(meta, path));
  }
}

function removePath(target: unknown, path: string): void {
  const [kind, rest] = [path.slice(0, 2), path.slice(2)];
  if (kind === 'f:' && isMap(target)) {
    delete target[rest];
  } else if ((kind === 'k:' || kind === 'v:') && Array.isArray(target)) {
    for (let i = target.length - 1; i >= 0; i--) {
      if (matchesPath(target[i], kind, rest)) target.splice(i, 1);
    }
  }
}

function childAt(target: unknown, path: string): unknown {
  const [kind, rest] = [path.slice(0, 2), path.slice(2)];
  if (kind === 'f:' && isMap(target)) return target[rest];
  if (kind === 'k:' && Array.isArray(target)) return target.find((item) => matchesPath(item, kind, rest));
  return undefined;
}

function childMeta(meta: PatchMeta | undefined, path: string): PatchMeta | undefined {
  return path.startsWith('f:') ? fieldMeta(meta, path.slice(2)) : meta?.items;
}

/** Whether a list element is the one a "k:{..}" or "v:.." path names. */
function matchesPath(item: unknown, kind: string, json: string): boolean {
  let wanted: unknown;
  try {
    wanted = JSON.parse(json);
  } catch {
    return false;
  }
  if (kind === 'v:') return item === wanted;
  return isMap(item) && isMap(wanted) && Object.entries(wanted).every(([k, v]) => item[k] === v);
}

// ---- managedFields -------------------------------------------------------------------------------

function managedFieldsOf(obj: KubeObject): ManagedFieldsEntry[] {
  const list = obj.metadata?.managedFields;
  return Array.isArray(list) ? (list.filter(isMap) as ManagedFieldsEntry[]) : [];
}

/** Replaces the manager's Apply entry in place (or appends it); an empty field set owns nothing. */
function recordApply(entries: ManagedFieldsEntry[], previous: ManagedFieldsEntry | undefined, entry: ManagedFieldsEntry): ManagedFieldsEntry[] {
  const owns = Object.keys(entry.fieldsV1 ?? {}).length > 0;
  if (!previous) return owns ? [...entries, entry] : entries;
  return entries.flatMap((e) => (e === previous ? (owns ? [entry] : []) : [e]));
}

/** metav1.Time's format: RFC 3339 in UTC, to the second. */
function nowRfc3339(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---- helpers -------------------------------------------------------------------------------------

function withoutIdentity(obj: KubeObject): JsonMap {
  const out: JsonMap = { ...obj };
  for (const field of IDENTITY_FIELDS) delete out[field];
  if (isMap(obj.metadata)) {
    const metadata: JsonMap = { ...obj.metadata };
    for (const field of IDENTITY_META_FIELDS) delete metadata[field];
    if (Object.keys(metadata).length > 0) out.metadata = metadata;
    else delete out.metadata;
  }
  return out;
}

/** Nulls in an apply configuration leave the field unset (and so not owned). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isMap(value)) return value;
  const out: JsonMap = {};
  for (const [key, child] of Object.entries(value)) {
    if (child !== null) out[key] = withoutNulls(child);
  }
  return out;
}
