// The OpenAPI v2 (Swagger 2.0) document at /openapi/v2, for clients that read only v2: kubectl
// before 1.27 fetches it as protobuf (gnostic's openapi_v2.Document) and looks in `paths` for
// the PATCH operation of a kind (x-kubernetes-group-version-kind) and its `dryRun` query parameter
// before it sends `--dry-run=server` (kubectl 1.25/1.26 also look for `fieldValidation` there).
//
// `definitions` stays EMPTY on purpose: kubectl builds its client-side schema validation and its
// strategic-merge patch metadata from the definitions; with none, it skips client-side validation
// (the server validates) and falls back to its compiled-in patch metadata, which matches ours.
// Partial schemas would be worse than none: kubectl would reject fields they do not list.
//
// One model is built and written out twice, as JSON and as protobuf, so both always agree. The
// protobuf is encoded by hand; the field numbers are those of gnostic's openapiv2/OpenAPIv2.proto.
import type { ResourceDef } from '../api/resource.js';
import { KUBERNETES_VERSION } from '../api/version.js';
import type { ResourceRegistry } from './registry.js';

interface Parameter {
  name: string;
  in: 'query' | 'path' | 'body';
  description: string;
  required?: boolean;
  type?: 'string' | 'boolean';
  uniqueItems?: boolean;
  /** Body parameters only: Swagger requires one; left empty, as there are no definitions. */
  schema?: Record<string, never>;
}

/** Vendor extensions as written in JSON; values are strings or flat string maps. */
type Extensions = Record<string, string | Record<string, string>>;

interface Operation {
  description: string;
  operationId: string;
  consumes?: string[];
  produces: string[];
  schemes: string[];
  parameters?: Parameter[];
  responses: Record<string, { description: string }>;
  extensions: Extensions;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
type Method = (typeof METHODS)[number];

type PathItem = Partial<Record<Method, Operation>> & { parameters?: Parameter[] };

export interface SwaggerDocument {
  swagger: string;
  info: { title: string; version: string };
  paths: Map<string, PathItem>;
}

// ---- the model ----

function query(name: string, description: string, type: 'string' | 'boolean' = 'string'): Parameter {
  return { name, in: 'query', description, type, uniqueItems: true };
}

const DRY_RUN = query('dryRun', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed');
const FIELD_MANAGER = query('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.');
const FIELD_VALIDATION = query('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: Ignore, Warn (the default), Strict.');
const FORCE = query('force', 'Force is going to "force" Apply requests. It must be unset for non-apply patch requests.', 'boolean');
const BODY: Parameter = { name: 'body', in: 'body', description: 'the object', required: true, schema: {} };
const WRITE_PARAMS = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION];

const JSON_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

function operation(def: ResourceDef, action: string, id: string, extra: Partial<Operation> = {}): Operation {
  return {
    description: `${action} ${def.kind}`,
    operationId: `${id}${def.kind}`,
    produces: JSON_TYPES,
    schemes: ['https'],
    responses: { '200': { description: 'OK' }, '401': { description: 'Unauthorized' } },
    extensions: {
      'x-kubernetes-action': action,
      // kubectl matches this on `group`, `kind` and `version`; the core group is "".
      'x-kubernetes-group-version-kind': { group: def.group, kind: def.kind, version: def.version },
    },
    ...extra,
  };
}

function pathParams(def: ResourceDef, withName: boolean): Parameter[] {
  const params: Parameter[] = [];
  if (withName) params.push({ name: 'name', in: 'path', description: `name of the ${def.kind}`, required: true, type: 'string', uniqueItems: true });
  if (def.namespaced) params.push({ name: 'namespace', in: 'path', description: 'object name and auth scope, such as for teams and projects', required: true, type: 'string', uniqueItems: true });
  params.push(query('pretty', "If 'true', then the output is pretty printed."));
  return params;
}

function objectPathItem(def: ResourceDef): PathItem {
  const verbs = def.verbs ?? ['get', 'update', 'patch', 'delete'];
  const item: PathItem = { parameters: pathParams(def, true) };
  if (verbs.includes('get')) item.get = operation(def, 'get', 'read');
  if (verbs.includes('update')) item.put = operation(def, 'put', 'replace', { consumes: ['*/*'], parameters: [BODY, ...WRITE_PARAMS] });
  if (verbs.includes('patch')) {
    item.patch = operation(def, 'patch', 'patch', { consumes: PATCH_TYPES, parameters: [BODY, ...WRITE_PARAMS, FORCE] });
  }
  if (verbs.includes('delete')) item.delete = operation(def, 'delete', 'delete', { consumes: ['*/*'], parameters: [DRY_RUN] });
  return item;
}

function collectionPathItem(def: ResourceDef): PathItem {
  const verbs = def.verbs ?? ['list', 'create', 'deletecollection'];
  const item: PathItem = { parameters: pathParams(def, false) };
  if (verbs.includes('list')) item.get = operation(def, 'list', 'list');
  if (verbs.includes('create')) item.post = operation(def, 'post', 'create', { consumes: ['*/*'], parameters: [BODY, ...WRITE_PARAMS] });
  if (verbs.includes('deletecollection')) item.delete = operation(def, 'deletecollection', 'deleteCollection', { consumes: ['*/*'], parameters: [DRY_RUN] });
  return item;
}

function collectionPath(def: ResourceDef): string {
  const base = def.group ? `/apis/${def.group}/${def.version}` : `/api/${def.version}`;
  return def.namespaced ? `${base}/namespaces/{namespace}/${def.plural}` : `${base}/${def.plural}`;
}

export function swaggerDocument(registry: ResourceRegistry): SwaggerDocument {
  const paths = new Map<string, PathItem>();
  for (const gv of registry.groupVersions()) {
    for (const def of gv.resources) {
      const collection = collectionPath(def);
      paths.set(collection, collectionPathItem(def));
      // Virtual kinds (reviews) only take a POST: there is no object to patch.
      if (!def.virtual) paths.set(`${collection}/{name}`, objectPathItem(def));
    }
  }
  return { swagger: '2.0', info: { title: 'Kubernetes', version: `v${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}.0` }, paths };
}

// ---- JSON ----

function operationJson(op: Operation): Record<string, unknown> {
  const { extensions, ...rest } = op;
  return { ...rest, ...extensions };
}

export function toJson(doc: SwaggerDocument): string {
  const paths: Record<string, unknown> = {};
  for (const [path, item] of doc.paths) {
    const out: Record<string, unknown> = {};
    for (const method of METHODS) {
      const op = item[method];
      if (op) out[method] = operationJson(op);
    }
    if (item.parameters) out.parameters = item.parameters;
    paths[path] = out;
  }
  return JSON.stringify({ swagger: doc.swagger, info: doc.info, paths, definitions: {} });
}

// ---- protobuf (gnostic openapi_v2) ----

/** A varint; the values written here (lengths, tags, bools) are all small non-negative numbers. */
function varint(value: number): Buffer {
  const bytes: number[] = [];
  while (value > 0x7f) {
    bytes.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  bytes.push(value);
  return Buffer.from(bytes);
}

/** A length-delimited field (string or embedded message). */
function len(field: number, payload: Buffer | string): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([varint((field << 3) | 2), varint(bytes.length), bytes]);
}

/** Strings and bools are omitted when empty/false, as proto3 does. */
function str(field: number, value: string | undefined): Buffer {
  return value ? len(field, value) : Buffer.alloc(0);
}

function bool(field: number, value: boolean | undefined): Buffer {
  return value ? Buffer.concat([varint(field << 3), varint(1)]) : Buffer.alloc(0);
}

function strings(field: number, values: string[] | undefined): Buffer {
  return Buffer.concat((values ?? []).map((v) => len(field, v)));
}

// A YAML scalar: plain when it cannot be read as anything but that string, JSON-quoted otherwise
// (a JSON string is a valid YAML double-quoted scalar).
function yamlScalar(value: string): string {
  const plain = /^[A-Za-z][A-Za-z0-9._/-]*$/.test(value) && !/^(y|n|yes|no|on|off|true|false|null)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}

/** gnostic's Any keeps a vendor extension's value as YAML text (field 2, `yaml`). */
function yamlOf(value: string | Record<string, string>): string {
  if (typeof value === 'string') return `${yamlScalar(value)}\n`;
  return Object.keys(value)
    .sort()
    .map((k) => `${k}: ${yamlScalar(value[k])}\n`)
    .join('');
}

/** repeated NamedAny { name = 1; Any value = 2 { yaml = 2 } } */
function vendorExtensions(field: number, extensions: Extensions): Buffer {
  return Buffer.concat(Object.entries(extensions).map(([name, value]) => len(field, Buffer.concat([str(1, name), len(2, len(2, yamlOf(value)))]))));
}

// Query: QueryParameterSubSchema { required 1, in 2, description 3, name 4, type 6, unique_items 20 }.
// Path:  PathParameterSubSchema  { required 1, in 2, description 3, name 4, type 5, unique_items 19 }.
function nonBodyParameter(p: Parameter): Buffer {
  const isQuery = p.in === 'query';
  const sub = Buffer.concat([
    bool(1, p.required),
    str(2, p.in),
    str(3, p.description),
    str(4, p.name),
    str(isQuery ? 6 : 5, p.type),
    bool(isQuery ? 20 : 19, p.uniqueItems),
  ]);
  // NonBodyParameter oneof: query_parameter_sub_schema = 3, path_parameter_sub_schema = 4.
  return len(isQuery ? 3 : 4, sub);
}

/** BodyParameter { description 1, name 2, in 3, required 4, schema 5 }; the schema is always empty. */
function bodyParameter(p: Parameter): Buffer {
  const schema = p.schema ? len(5, Buffer.alloc(0)) : Buffer.alloc(0);
  return Buffer.concat([str(1, p.description), str(2, p.name), str(3, p.in), bool(4, p.required), schema]);
}

/** ParametersItem { Parameter parameter = 1 { body_parameter = 1 | non_body_parameter = 2 } } */
function parametersItem(field: number, p: Parameter): Buffer {
  const parameter = p.in === 'body' ? len(1, bodyParameter(p)) : len(2, nonBodyParameter(p));
  return len(field, len(1, parameter));
}

/** Responses { repeated NamedResponseValue response_code = 1 { name 1, ResponseValue value 2 { Response response 1 { description 1 } } } } */
function responses(codes: Operation['responses']): Buffer {
  return Buffer.concat(
    Object.entries(codes).map(([code, r]) => len(1, Buffer.concat([str(1, code), len(2, len(1, str(1, r.description)))]))),
  );
}

/** Operation { description 3, operation_id 5, produces 6, consumes 7, parameters 8, responses 9, schemes 10, vendor_extension 13 } */
function operationProto(op: Operation): Buffer {
  return Buffer.concat([
    str(3, op.description),
    str(5, op.operationId),
    strings(6, op.produces),
    strings(7, op.consumes),
    ...(op.parameters ?? []).map((p) => parametersItem(8, p)),
    len(9, responses(op.responses)),
    strings(10, op.schemes),
    vendorExtensions(13, op.extensions),
  ]);
}

// PathItem fields: get 2, put 3, post 4, delete 5, patch 8; parameters 9.
const METHOD_FIELDS: Record<Method, number> = { get: 2, put: 3, post: 4, delete: 5, patch: 8 };

function pathItemProto(item: PathItem): Buffer {
  const parts: Buffer[] = [];
  for (const method of METHODS) {
    const op = item[method];
    if (op) parts.push(len(METHOD_FIELDS[method], operationProto(op)));
  }
  for (const p of item.parameters ?? []) parts.push(parametersItem(9, p));
  return Buffer.concat(parts);
}

/** Document { swagger 1, info 2 { title 1, version 2 }, paths 8 { repeated NamedPathItem path = 2 }, definitions 9 } */
export function toProtobuf(doc: SwaggerDocument): Buffer {
  const paths = [...doc.paths].map(([name, item]) => len(2, Buffer.concat([str(1, name), len(2, pathItemProto(item))])));
  return Buffer.concat([
    str(1, doc.swagger),
    len(2, Buffer.concat([str(1, doc.info.title), str(2, doc.info.version)])),
    len(8, Buffer.concat(paths)),
    len(9, Buffer.alloc(0)),
  ]);
}

// ---- cache ----

export interface EncodedDocument {
  json: string;
  protobuf: Buffer;
}

// Encoding takes a few milliseconds and kubectl fetches the document on most commands, so each
// registry's encoding is kept until its served resources change (a CRD established or removed).
const cache = new WeakMap<ResourceRegistry, EncodedDocument | null>();

export function encodedOpenApiV2(registry: ResourceRegistry): EncodedDocument {
  let entry = cache.get(registry);
  if (entry === undefined) registry.onChange(() => cache.set(registry, null));
  if (!entry) {
    const doc = swaggerDocument(registry);
    entry = { json: toJson(doc), protobuf: toProtobuf(doc) };
    cache.set(registry, entry);
  }
  return entry;
}
