// OpenAPI v3 documents, one per group/version, carrying what kubectl reads from them: the
// operations of each path with x-kubernetes-group-version-kind, and the PATCH operation's
// `fieldValidation` query parameter (so `--validate=strict`, the default, is done by the server).
//
// The PATCH request bodies deliberately leave out application/strategic-merge-patch+json: kubectl
// would then compute strategic patches from these documents' schemas, which they do not carry;
// without it kubectl falls back to its compiled-in patch metadata, as it does against older servers.
import { createHash } from 'node:crypto';
import type { ResourceDef } from '../api/resource.js';
import { apiVersionOf } from '../api/types.js';
import { encodedOpenApiV2 } from './openapi-v2.js';
import type { ResourceRegistry } from './registry.js';

type Operation = Record<string, unknown>;

function queryParam(name: string, description: string): Record<string, unknown> {
  return { name, in: 'query', description, schema: { type: 'string', uniqueItems: true } };
}

const WRITE_PARAMS = [
  queryParam('dryRun', 'When present, indicates that modifications should not be persisted.'),
  queryParam('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  queryParam('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: Ignore, Warn (the default), Strict.'),
];

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

function gvk(def: ResourceDef): Record<string, string> {
  return { group: def.group, version: def.version, kind: def.kind };
}

function operation(def: ResourceDef, action: string, id: string, extra: Operation = {}): Operation {
  return {
    operationId: id,
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk(def),
    ...extra,
  };
}

function objectPathItem(def: ResourceDef, idBase: string): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  const verbs = def.verbs ?? ['get', 'update', 'patch', 'delete'];
  if (verbs.includes('get')) item.get = operation(def, 'get', `read${idBase}`);
  if (verbs.includes('update')) item.put = operation(def, 'put', `replace${idBase}`, { parameters: WRITE_PARAMS });
  if (verbs.includes('patch')) {
    item.patch = operation(def, 'patch', `patch${idBase}`, {
      parameters: [...WRITE_PARAMS, queryParam('force', 'Force is going to "force" Apply requests.')],
      requestBody: { content: Object.fromEntries(PATCH_TYPES.map((t) => [t, { schema: { type: 'object' } }])) },
    });
  }
  if (verbs.includes('delete')) item.delete = operation(def, 'delete', `delete${idBase}`);
  return item;
}

function collectionPathItem(def: ResourceDef, idBase: string): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  const verbs = def.verbs ?? ['list', 'create', 'deletecollection'];
  if (verbs.includes('list')) item.get = operation(def, 'list', `list${idBase}`);
  if (verbs.includes('create')) item.post = operation(def, 'post', `create${idBase}`, { parameters: WRITE_PARAMS });
  if (verbs.includes('deletecollection')) item.delete = operation(def, 'deletecollection', `deleteCollection${idBase}`);
  return item;
}

function basePath(def: ResourceDef): string {
  return def.group ? `/apis/${def.group}/${def.version}` : `/api/${def.version}`;
}

export function groupVersionDocument(defs: ResourceDef[], group: string, version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const def of defs) {
    const idBase = `${def.kind}`;
    const base = basePath(def);
    const collection = def.namespaced ? `${base}/namespaces/{namespace}/${def.plural}` : `${base}/${def.plural}`;
    paths[collection] = collectionPathItem(def, idBase);
    if (!def.virtual) paths[`${collection}/{name}`] = objectPathItem(def, idBase);
  }
  return {
    openapi: '3.0.0',
    info: { title: `Kubernetes ${apiVersionOf(group, version)}`, version: 'unversioned' },
    paths,
    components: {},
  };
}

/** Caches the documents and their hashes; rebuilt when the served resources change. */
export class OpenApiV3 {
  private documents = new Map<string, { json: string; hash: string }>();

  constructor(private readonly registry: ResourceRegistry) {
    registry.onChange(() => this.documents.clear());
  }

  private pathOf(group: string, version: string): string {
    return group ? `apis/${group}/${version}` : `api/${version}`;
  }

  private build(): void {
    for (const gv of this.registry.groupVersions()) {
      const json = JSON.stringify(groupVersionDocument(gv.resources, gv.group, gv.version));
      const hash = createHash('sha512').update(json).digest('hex').slice(0, 128).toUpperCase();
      this.documents.set(this.pathOf(gv.group, gv.version), { json, hash });
    }
  }

  index(): Record<string, unknown> {
    if (this.documents.size === 0) this.build();
    const paths: Record<string, unknown> = {};
    for (const [path, doc] of this.documents) paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${doc.hash}` };
    return { paths };
  }

  /** The document for "apis/apps/v1" (the path below /openapi/v3/). */
  document(path: string): string | undefined {
    if (this.documents.size === 0) this.build();
    return this.documents.get(path)?.json;
  }
}

/**
 * The OpenAPI v2 document (see openapi-v2.ts), for clients that read only v2: kubectl before 1.27
 * fetches it as protobuf (gnostic's openapi_v2.Document) to check dry-run support and, having no
 * definitions there, skips client-side validation and uses its compiled-in patch metadata.
 */
// The Accept header names it "…spec.v2@v1.0+protobuf"; the reply uses the form Go's mime parser accepts.
export const OPENAPI_V2_PROTOBUF_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/** Both encodings, cached per registry until the served resources change. */
export function openApiV2(registry: ResourceRegistry): { json: string; protobuf: Buffer } {
  return encodedOpenApiV2(registry);
}
