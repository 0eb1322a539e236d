// CustomResourceDefinitions (apiextensions.k8s.io/v1): the resources a CRD serves, its table
// printer, and the status the server sets when it is created.
// Facts from kubernetes apiextensions-apiserver: the naming and establishing controllers
// (pkg/controller/status/naming_controller.go, pkg/controller/establish), the table convertor
// (pkg/registry/customresource/tableconvertor) and apihelpers' default columns.
import type { Cell, Column, PrintContext, ResourceDef, ScaleSpec, Subresource, TablePrinter, VersionConverter } from './resource.js';
import type { KubeObject } from './types.js';
import { apiVersionOf } from './types.js';
import { arr, isObject, obj, type Json } from './conversion/json.js';
import { evaluateJsonPath, goFormat, parseJsonPath, type Step } from './resources/jsonpath.js';
// The printers' own module (src/api/printers/index.ts was not there yet when this was written).
import { humanDuration } from './printers/duration.js';

export interface CrdNames {
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  shortNames?: string[];
  categories?: string[];
}

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  subresources: Json;
  additionalPrinterColumns: Json[];
  selectableFields: Json[];
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function strings(value: unknown): string[] | undefined {
  const list = arr(value).filter((x): x is string => typeof x === 'string');
  return list.length > 0 ? list : undefined;
}

/** spec.names with upstream's defaults: singular = lowercase kind, listKind = kind + "List". */
export function crdRequestedNames(crd: KubeObject): CrdNames {
  const names = obj(obj(crd.spec).names);
  const kind = str(names.kind);
  const out: CrdNames = {
    plural: str(names.plural),
    singular: str(names.singular) || kind.toLowerCase(),
    kind,
    listKind: str(names.listKind) || (kind ? `${kind}List` : ''),
  };
  const shortNames = strings(names.shortNames);
  if (shortNames) out.shortNames = shortNames;
  const categories = strings(names.categories);
  if (categories) out.categories = categories;
  return out;
}

/** The names the CRD is served under: status.acceptedNames once set, else the requested ones. */
export function crdServedNames(crd: KubeObject): CrdNames {
  const accepted = obj(obj(crd.status).acceptedNames);
  if (!str(accepted.plural) || !str(accepted.kind)) return crdRequestedNames(crd);
  const requested = crdRequestedNames(crd);
  const out: CrdNames = {
    plural: str(accepted.plural),
    singular: str(accepted.singular) || requested.singular,
    kind: str(accepted.kind),
    listKind: str(accepted.listKind) || requested.listKind,
  };
  const shortNames = strings(accepted.shortNames);
  if (shortNames) out.shortNames = shortNames;
  const categories = strings(accepted.categories);
  if (categories) out.categories = categories;
  return out;
}

function crdVersions(crd: KubeObject): CrdVersion[] {
  return arr(obj(crd.spec).versions).map(obj).map((v) => ({
    name: str(v.name),
    served: v.served === true,
    storage: v.storage === true,
    subresources: obj(v.subresources),
    additionalPrinterColumns: arr(v.additionalPrinterColumns).map(obj),
    selectableFields: arr(v.selectableFields).map(obj),
  }));
}

/** The version marked `storage: true` (validation guarantees exactly one). */
export function crdStorageVersion(crd: KubeObject): string {
  const versions = crdVersions(crd);
  return (versions.find((v) => v.storage) ?? versions[0])?.name ?? '';
}

/** ".spec.replicas" → "spec.replicas" (ScaleSpec paths are dotted, without the leading dot). */
function dotted(path: unknown): string {
  return str(path).replace(/^\./, '');
}

function scaleSpec(scale: Json): ScaleSpec {
  const spec: ScaleSpec = { specReplicasPath: dotted(scale.specReplicasPath), statusReplicasPath: dotted(scale.statusReplicasPath) };
  if (str(scale.labelSelectorPath)) spec.labelSelectorPath = dotted(scale.labelSelectorPath);
  return spec;
}

/**
 * With the None conversion strategy, versions differ only in apiVersion. (Webhook conversion is
 * not supported: objects are served as stored.)
 */
function noneConverter(group: string, served: string, storage: string): VersionConverter {
  return {
    toStorage: (o) => ({ ...o, apiVersion: apiVersionOf(group, storage) }),
    fromStorage: (o) => ({ ...o, apiVersion: apiVersionOf(group, served) }),
  };
}

/** A selectable field's value: strings as they are, integers and booleans formatted, else "". */
function fieldValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/** spec.versions[].selectableFields (1.30+): label "spec.color" for jsonPath ".spec.color". */
function selectableFieldsFn(fields: Json[]): ((o: KubeObject) => Record<string, string>) | undefined {
  const paths = fields.map((f) => str(f.jsonPath)).filter((p) => p !== '');
  if (paths.length === 0) return undefined;
  const parsed = paths.map((p): [string, Step[]] => [dotted(p), parseJsonPath(p)]);
  return (o) => Object.fromEntries(parsed.map(([label, steps]) => [label, fieldValue(evaluateJsonPath(steps, o)[0])]));
}

/** One definition per served version of the CRD, with the storage version and subresources. */
export function resourceDefsForCrd(crd: KubeObject): ResourceDef[] {
  const spec = obj(crd.spec);
  const group = str(spec.group);
  const names = crdServedNames(crd);
  const storage = crdStorageVersion(crd);
  return crdVersions(crd)
    .filter((v) => v.served)
    .map((v) => {
      const subresources: Subresource[] = [];
      // status before scale, as the apiextensions discovery lists them.
      if (isObject(v.subresources.status)) subresources.push('status');
      if (isObject(v.subresources.scale)) subresources.push('scale');
      const d: ResourceDef = {
        group,
        version: v.name,
        kind: names.kind,
        listKind: names.listKind,
        plural: names.plural,
        singular: names.singular,
        namespaced: spec.scope !== 'Cluster',
        storageVersion: storage,
      };
      if (names.shortNames) d.shortNames = names.shortNames;
      if (names.categories) d.categories = names.categories;
      if (subresources.length > 0) d.subresources = subresources;
      if (isObject(v.subresources.scale)) d.scale = scaleSpec(v.subresources.scale);
      if (v.name !== storage) d.converter = noneConverter(group, v.name, storage);
      const selectable = selectableFieldsFn(v.selectableFields);
      if (selectable) d.selectableFields = selectable;
      return d;
    });
}

// ---- printing ----------------------------------------------------------------------------------

// The swagger descriptions of ObjectMeta's name and creationTimestamp (the convertor's defaults).
const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const CREATION_TIMESTAMP_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** With no additionalPrinterColumns a version is served with an Age column (serveDefaultColumnsIfEmpty). */
const DEFAULT_COLUMNS: Json[] = [
  { name: 'Age', type: 'date', description: CREATION_TIMESTAMP_DESCRIPTION, jsonPath: '.metadata.creationTimestamp' },
];

const COLUMN_TYPES = new Set<Column['type']>(['string', 'integer', 'number', 'boolean', 'date']);

/** metatable.ConvertToHumanReadableDateType on an RFC3339 string. */
function dateCell(value: string, now: number): string {
  if (value === '' || value === 'null') return '<unknown>'; // the zero time
  const t = Date.parse(value);
  if (Number.isNaN(t)) return '<invalid>';
  return humanDuration(now - t);
}

/** cellForJSONValue, plus the jsonpath text printing used for string columns. */
function cellFor(type: Column['type'], value: unknown, now: number): Cell {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : goFormat(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      return typeof value === 'string' ? dateCell(value, now) : null;
  }
}

interface PrinterColumn {
  column: Column;
  steps: Step[] | undefined; // undefined: the path does not parse, the cell is null
}

function printerColumn(col: Json): PrinterColumn {
  const jsonPath = str(col.jsonPath);
  const type = COLUMN_TYPES.has(col.type as Column['type']) ? (col.type as Column['type']) : 'string';
  let steps: Step[] | undefined;
  try {
    steps = parseJsonPath(jsonPath);
  } catch {
    steps = undefined;
  }
  return {
    column: {
      name: str(col.name),
      type,
      format: str(col.format),
      description: str(col.description) || `Custom resource definition column (in JSONPath format): ${jsonPath}`,
      priority: typeof col.priority === 'number' ? col.priority : 0,
    },
    steps,
  };
}

/** The server-side Table printer for one version of a CRD: NAME, then its printer columns. */
export function crdPrinter(crd: KubeObject, version: string): TablePrinter {
  const v = crdVersions(crd).find((x) => x.name === version);
  const defined = v?.additionalPrinterColumns ?? [];
  const columns = (defined.length > 0 ? defined : DEFAULT_COLUMNS).map(printerColumn);
  return {
    columns: [{ name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0 }, ...columns.map((c) => c.column)],
    row(o: KubeObject, ctx: PrintContext): Cell[] {
      const cells = columns.map(({ column, steps }) => {
        // Only simple paths are supported upstream too: the first result is the cell.
        const value = steps ? evaluateJsonPath(steps, o)[0] : undefined;
        return cellFor(column.type, value, ctx.now);
      });
      return [o.metadata.name ?? '', ...cells];
    },
  };
}

// ---- status --------------------------------------------------------------------------------------

export interface CrdCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime: string;
  reason: string;
  message: string;
}

function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The names other CRDs of the same group already hold (getAcceptedNamesForGroup). */
function namesInUse(crd: KubeObject, others: KubeObject[]): { resources: Set<string>; kinds: Set<string> } {
  const resources = new Set<string>();
  const kinds = new Set<string>();
  const group = obj(crd.spec).group;
  for (const other of others) {
    if (other.metadata.name === crd.metadata.name || obj(other.spec).group !== group) continue;
    const accepted = obj(obj(other.status).acceptedNames);
    for (const name of [accepted.plural, accepted.singular, ...arr(accepted.shortNames)]) if (str(name)) resources.add(str(name));
    for (const name of [accepted.kind, accepted.listKind]) if (str(name)) kinds.add(str(name));
  }
  return { resources, kinds };
}

/** equalToAcceptedOrFresh: a name is fine if already ours or unused. */
function conflict(requested: string, accepted: string, used: Set<string>): string | undefined {
  return requested === accepted || !used.has(requested) ? undefined : `"${requested}" is already in use`;
}

/** The naming controller's accepted names and, on a conflict, the NamesAccepted failure. */
function acceptNames(crd: KubeObject, others: KubeObject[]): { names: Json; failure?: [string, string] } {
  const requested = crdRequestedNames(crd);
  const accepted = obj(obj(crd.status).acceptedNames);
  const names: Json = { ...accepted };
  const { resources, kinds } = namesInUse(crd, others);
  // Every name is checked; a conflicting one keeps its old accepted value, and the last failure wins.
  const failures: [string, string][] = [];
  const check = (key: keyof CrdNames, reason: string, used: Set<string>): void => {
    const error = conflict(str(requested[key]), str(accepted[key]), used);
    if (error) failures.push([reason, error]);
    else names[key] = requested[key];
  };
  check('plural', 'PluralConflict', resources);
  check('singular', 'SingularConflict', resources);
  const ours = new Set(arr(accepted.shortNames).map(str));
  const shortErrors = (requested.shortNames ?? [])
    .filter((s) => !ours.has(s))
    .map((s) => conflict(s, '', resources))
    .filter((e): e is string => e !== undefined);
  if (shortErrors.length > 0) failures.push(['ShortNamesConflict', shortErrors.length === 1 ? shortErrors[0] : `[${shortErrors.join(', ')}]`]);
  else if (requested.shortNames) names.shortNames = requested.shortNames;
  else delete names.shortNames;
  check('kind', 'KindConflict', kinds);
  check('listKind', 'ListKindConflict', kinds);
  if (requested.categories) names.categories = requested.categories;
  else delete names.categories;
  return { names: orderedNames(names), failure: failures[failures.length - 1] };
}

/** acceptedNames in the field order the API writes them. */
function orderedNames(names: Json): Json {
  const out: Json = {};
  for (const key of ['plural', 'singular', 'shortNames', 'kind', 'listKind', 'categories']) {
    if (names[key] !== undefined && names[key] !== '') out[key] = names[key];
  }
  return out;
}

/** Keeps a condition's lastTransitionTime when its status did not change. */
function withTransition(next: Omit<CrdCondition, 'lastTransitionTime'>, previous: unknown[], now: Date): CrdCondition {
  const old = previous.map(obj).find((c) => c.type === next.type);
  const time = old && old.status === next.status && str(old.lastTransitionTime) ? str(old.lastTransitionTime) : rfc3339(now);
  return { type: next.type, status: next.status, lastTransitionTime: time, reason: next.reason, message: next.message };
}

/**
 * The status the server sets on a CRD when it is created (or its names change): acceptedNames,
 * the NamesAccepted and Established conditions (what `kubectl wait --for condition=established`
 * waits for) and storedVersions. `others` are the existing CRDs, to detect name conflicts.
 */
export function crdEstablishedStatus(crd: KubeObject, others: KubeObject[] = [], now: Date = new Date()): Json {
  const status = obj(crd.status);
  const previous = arr(status.conditions);
  const { names, failure } = acceptNames(crd, others);
  const accepted = failure === undefined;
  const namesAccepted = failure
    ? { type: 'NamesAccepted', status: 'False' as const, reason: failure[0], message: failure[1] }
    : { type: 'NamesAccepted', status: 'True' as const, reason: 'NoConflicts', message: 'no conflicts found' };
  // The establishing controller flips Installing to InitialNamesAccepted as soon as names are accepted.
  const established = accepted
    ? { type: 'Established', status: 'True' as const, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }
    : { type: 'Established', status: 'False' as const, reason: 'NotAccepted', message: 'not all names are accepted' };
  const keptEstablished = previous.map(obj).find((c) => c.type === 'Established' && c.status === 'True');
  const otherConditions = previous.map(obj).filter((c) => c.type !== 'NamesAccepted' && c.type !== 'Established');
  const storedVersions = arr(status.storedVersions).map(str).filter((s) => s);
  const storage = crdStorageVersion(crd);
  if (storage && !storedVersions.includes(storage)) storedVersions.push(storage);
  return {
    conditions: [
      withTransition(namesAccepted, previous, now),
      // Once established, a CRD stays established (upstream keeps the old condition).
      keptEstablished ?? withTransition(established, previous, now),
      ...otherConditions,
    ],
    acceptedNames: names,
    storedVersions,
  };
}
