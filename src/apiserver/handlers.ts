// Serves resource requests: the verbs on a resource and its subresources, answered in the shape
// the client negotiated (object, Table, PartialObjectMetadata) — apiserver pkg/endpoints/handlers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { patchMetaFor } from '../api/patchmeta.js';
import { printerFor } from '../api/printers/index.js';
import { crdPrinter } from '../api/crd.js';
import type { ResourceDef, TablePrinter } from '../api/resource.js';
import { apiVersionOf, getPath, setPath, type KubeObject } from '../api/types.js';
import { findUnknownFields, strictDecodingErrors } from '../api/validation/index.js';
import type { UserInfo } from './auth/user.js';
import { badRequest, conflict, methodNotSupported, MODIFIED_CONFLICT, StatusError, successStatus, unsupportedMediaType, type Status } from './errors.js';
import { decodeObject, decodeOptions, negotiate, readBody, type ResponseShape } from './negotiation.js';
import { applyPatch, PATCH_CONTENT_TYPES } from './patch/index.js';
import { serverSideApply } from './patch/apply.js';
import type { ResourceRegistry } from './registry.js';
import type { RequestInfo } from './requestinfo.js';
import type { DeleteOptions, FieldValidation, ObjectStore, RequestContext } from './rest.js';
import { formatLabelSelector, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { parseIncludeObject, partialObjectMetadata, toTable } from './table.js';
import { defaultWatchTimeoutSeconds, WatchStream } from './watch.js';

export interface Subresources {
  /** POST pods/NAME/binding and POST namespaces/NS/bindings. */
  bind(namespace: string, name: string, binding: KubeObject, ctx: RequestContext): Promise<Status>;
  evict(namespace: string, name: string, eviction: KubeObject, ctx: RequestContext): Promise<Status>;
  token(namespace: string, name: string, request: KubeObject, ctx: RequestContext): Promise<KubeObject>;
  /** Virtual kinds (access reviews, whoami): answered, never stored. */
  review(def: ResourceDef, body: KubeObject, user: UserInfo, namespace: string | undefined): Promise<KubeObject>;
  /** log, exec, attach, portforward and proxy: routed to the node agent. */
  stream(def: ResourceDef, info: RequestInfo, req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export interface HandlerDeps {
  registry: ResourceRegistry;
  objects: ObjectStore;
  subresources: Subresources;
}

export function sendJson(res: ServerResponse, code: number, body: unknown, warnings: string[] = []): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | string[]> = {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
  };
  if (warnings.length > 0) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  res.end(text);
}

function printerOf(deps: HandlerDeps, def: ResourceDef, crd?: KubeObject): TablePrinter {
  if (crd) return crdPrinter(crd, def.version);
  return printerFor(def.group, def.kind);
}

function fieldValidationOf(params: URLSearchParams): FieldValidation {
  const value = params.get('fieldValidation');
  if (!value) return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw badRequest(`fieldValidation parameter unsupported: ${value}. Valid values are Ignore, Warn and Strict`);
}

function dryRunOf(params: URLSearchParams): boolean {
  const values = params.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw badRequest(`Invalid dry run value: ${v}; supported values are: All`);
  return values.length > 0;
}

export function requestContext(user: UserInfo, params: URLSearchParams): RequestContext {
  return {
    user,
    dryRun: dryRunOf(params),
    fieldValidation: fieldValidationOf(params),
    fieldManager: params.get('fieldManager') ?? undefined,
    warnings: [],
  };
}

export class ResourceHandler {
  private crdFor: (def: ResourceDef) => KubeObject | undefined;

  constructor(private readonly deps: HandlerDeps, crdFor: (def: ResourceDef) => KubeObject | undefined) {
    this.crdFor = crdFor;
  }

  private shape(req: IncomingMessage): ResponseShape {
    return negotiate(req.headers.accept);
  }

  /** Renders one object in the negotiated shape. */
  private renderOne(def: ResourceDef, obj: KubeObject, shape: ResponseShape, params: URLSearchParams): unknown {
    if (shape.as === 'Table') {
      return toTable(printerOf(this.deps, def, this.crdFor(def)), [obj], {
        version: shape.version,
        include: parseIncludeObject(params.get('includeObject')),
        resourceVersion: obj.metadata.resourceVersion,
      });
    }
    if (shape.as === 'PartialObjectMetadata') return partialObjectMetadata(obj, shape.version);
    return obj;
  }

  async handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo, url: URL, user: UserInfo): Promise<void> {
    const def = this.deps.registry.find(info.apiGroup, info.apiVersion, info.resource!);
    if (!def) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    const namespace = def.namespaced ? info.namespace : undefined;
    if (!def.namespaced && info.namespace && def.plural !== 'namespaces') {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    }
    const name = info.name;
    const params = url.searchParams;
    if (info.subresource) return this.handleSubresource(req, res, def, info, namespace, name!, params, user);
    const ctx = requestContext(user, params);
    if (def.verbs && !def.verbs.includes(info.verb)) throw methodNotSupported(def.group, def.plural, info.verb);
    switch (info.verb) {
      case 'get':
        return sendJson(res, 200, this.renderOne(def, await this.deps.objects.get(def, namespace, name!), this.shape(req), params));
      case 'list':
        return this.list(req, res, def, namespace, params);
      case 'watch':
        return this.watch(req, res, def, namespace, name, params);
      case 'create':
        return this.create(req, res, def, namespace, params, ctx);
      case 'update':
        return this.update(req, res, def, namespace, name!, params, ctx);
      case 'patch':
        return this.patch(req, res, def, namespace, name!, params, ctx);
      case 'delete':
        return this.delete(req, res, def, namespace, name!, params, ctx);
      case 'deletecollection':
        return this.deleteCollection(req, res, def, namespace, params, ctx);
      default:
        throw methodNotSupported(def.group, def.plural, info.verb);
    }
  }

  private listQuery(def: ResourceDef, params: URLSearchParams) {
    const fieldSupported = (field: string) =>
      field === 'metadata.name' || (field === 'metadata.namespace' && def.namespaced) || this.selectableFieldNames(def).has(field);
    const limit = params.get('limit');
    return {
      labelSelector: parseLabelSelector(params.get('labelSelector')),
      fieldSelector: parseFieldSelector(params.get('fieldSelector'), fieldSupported),
      limit: limit ? Number(limit) : undefined,
      continueToken: params.get('continue') ?? undefined,
    };
  }

  private selectableCache = new Map<ResourceDef, Set<string>>();

  /** The field names a kind supports in selectors, learned from its selectableFields on an empty object. */
  private selectableFieldNames(def: ResourceDef): Set<string> {
    let names = this.selectableCache.get(def);
    if (!names) {
      names = new Set(Object.keys(def.selectableFields?.({ metadata: {} }) ?? {}));
      this.selectableCache.set(def, names);
    }
    return names;
  }

  private async list(req: IncomingMessage, res: ServerResponse, def: ResourceDef, namespace: string | undefined, params: URLSearchParams): Promise<void> {
    const query = this.listQuery(def, params);
    const shape = this.shape(req);
    if (shape.as === 'object') {
      const raw = await this.deps.objects.listRaw(def, namespace, query);
      if (raw) {
        const metadata: Record<string, unknown> = { resourceVersion: raw.resourceVersion };
        if (raw.continueToken) metadata.continue = raw.continueToken;
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
        res.end(`{"kind":${JSON.stringify(def.listKind)},"apiVersion":${JSON.stringify(apiVersionOf(def.group, def.version))},"metadata":${JSON.stringify(metadata)},"items":[${raw.items.join(',')}]}`);
        return;
      }
    }
    const result = await this.deps.objects.list(def, namespace, query);
    if (shape.as === 'Table') {
      return sendJson(res, 200, toTable(printerOf(this.deps, def, this.crdFor(def)), result.items, {
        version: shape.version,
        include: parseIncludeObject(params.get('includeObject')),
        resourceVersion: result.resourceVersion,
        continueToken: result.continueToken,
      }));
    }
    const metadata: Record<string, unknown> = { resourceVersion: result.resourceVersion };
    if (result.continueToken) metadata.continue = result.continueToken;
    if (shape.as === 'PartialObjectMetadata') {
      return sendJson(res, 200, {
        kind: 'PartialObjectMetadataList',
        apiVersion: `meta.k8s.io/${shape.version}`,
        metadata,
        items: result.items.map((o) => partialObjectMetadata(o, shape.version)),
      });
    }
    sendJson(res, 200, { kind: def.listKind, apiVersion: apiVersionOf(def.group, def.version), metadata, items: result.items });
  }

  private async watch(req: IncomingMessage, res: ServerResponse, def: ResourceDef, namespace: string | undefined, name: string | undefined, params: URLSearchParams): Promise<void> {
    const query = this.listQuery(def, params);
    if (name) query.fieldSelector = parseFieldSelector(`metadata.name=${name}`, () => true);
    const shape = this.shape(req);
    const include = parseIncludeObject(params.get('includeObject'));
    const printer = shape.as === 'Table' ? printerOf(this.deps, def, this.crdFor(def)) : undefined;
    const timeout = params.get('timeoutSeconds');
    const stream = new WatchStream(req, res, {
      timeoutSeconds: timeout ? Number(timeout) : defaultWatchTimeoutSeconds(),
      bookmarks: params.get('allowWatchBookmarks') === 'true',
      render: (obj, first) => {
        if (shape.as === 'Table') return toTable(printer!, [obj], { version: shape.version, include, noHeaders: !first });
        if (shape.as === 'PartialObjectMetadata') return partialObjectMetadata(obj, shape.version);
        return obj;
      },
      bookmark: (rv) => {
        const metadata = { resourceVersion: rv };
        if (shape.as === 'Table') return { kind: 'Table', apiVersion: `meta.k8s.io/${shape.version}`, metadata, columnDefinitions: null, rows: [] };
        return { kind: def.kind, apiVersion: apiVersionOf(def.group, def.version), metadata };
      },
    });
    await stream.start((send) => this.deps.objects.watch(def, namespace, params.get('resourceVersion') ?? undefined, query, send));
  }

  private async readObject(req: IncomingMessage, def: ResourceDef): Promise<KubeObject> {
    const body = await readBody(req);
    const obj = await decodeObject(body, req.headers['content-type']);
    this.checkKind(def, obj);
    return obj;
  }

  /** The body's apiVersion and kind must name this resource (a missing one is filled in). */
  private checkKind(def: ResourceDef, obj: KubeObject): void {
    const expected = apiVersionOf(def.group, def.version);
    if (obj.apiVersion && obj.apiVersion !== expected) {
      const served = this.deps.registry.all().some((d) => apiVersionOf(d.group, d.version) === obj.apiVersion && d.kind === obj.kind && d.plural === def.plural);
      if (!served) {
        throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expected})`);
      }
    }
    if (obj.kind && obj.kind !== def.kind) {
      throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${def.kind})`);
    }
    if (obj.metadata !== undefined && (obj.metadata === null || typeof obj.metadata !== 'object' || Array.isArray(obj.metadata))) {
      throw badRequest('metadata must be an object');
    }
  }

  private async create(req: IncomingMessage, res: ServerResponse, def: ResourceDef, namespace: string | undefined, params: URLSearchParams, ctx: RequestContext): Promise<void> {
    const obj = await this.readObject(req, def);
    if (def.virtual) {
      return sendJson(res, 201, await this.deps.subresources.review(def, obj, ctx.user, namespace));
    }
    if (def.kind === 'Binding' && def.group === '') {
      return sendJson(res, 201, await this.deps.subresources.bind(namespace!, obj.metadata?.name ?? '', obj, ctx));
    }
    const created = await this.deps.objects.create(def, namespace, obj, ctx);
    sendJson(res, 201, this.renderOne(def, created, this.shape(req), params), ctx.warnings);
  }

  private async update(req: IncomingMessage, res: ServerResponse, def: ResourceDef, namespace: string | undefined, name: string, params: URLSearchParams, ctx: RequestContext): Promise<void> {
    const obj = await this.readObject(req, def);
    const updated = await this.deps.objects.update(def, namespace, name, obj, ctx);
    sendJson(res, 200, this.renderOne(def, updated, this.shape(req), params), ctx.warnings);
  }

  /** Patches and the unknown-field check on the patched result (the fields a patch introduced). */
  private patched(def: ResourceDef, contentType: string, current: KubeObject, body: Buffer, ctx: RequestContext): KubeObject {
    const next = applyPatch(contentType, current, body, patchMetaFor(def.group, def.kind));
    if (next.metadata?.resourceVersion && next.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(def.group, def.plural, current.metadata.name!, MODIFIED_CONFLICT);
    }
    this.checkUnknown(def, next, ctx);
    return next;
  }

  private checkUnknown(def: ResourceDef, obj: KubeObject, ctx: RequestContext): void {
    if (ctx.fieldValidation === 'Ignore') return;
    const unknown = findUnknownFields(def.group, def.kind, obj);
    if (unknown.length === 0) return;
    if (ctx.fieldValidation === 'Strict') throw badRequest(strictDecodingErrors(unknown));
    for (const path of unknown) ctx.warnings.push(`unknown field "${path}"`);
  }

  private async patch(req: IncomingMessage, res: ServerResponse, def: ResourceDef, namespace: string | undefined, name: string, params: URLSearchParams, ctx: RequestContext, subresource?: string): Promise<void> {
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim();
    const body = await readBody(req);
    if (contentType === 'application/apply-patch+yaml') {
      return this.apply(req, res, def, namespace, name, params, ctx, body);
    }
    // Custom resources have no patch metadata, so upstream refuses strategic merge patches on them.
    if (contentType === 'application/strategic-merge-patch+json' && this.deps.registry.isCustom(def)) {
      throw unsupportedMediaType(PATCH_CONTENT_TYPES.filter((t) => t !== contentType));
    }
    const updated = await this.deps.objects.guaranteedUpdate(def, namespace, name, ctx, (current) => this.patched(def, contentType, current, body, ctx), { subresource });
    sendJson(res, 200, this.renderOne(def, updated, this.shape(req), params), ctx.warnings);
  }

  /** Server-side apply: creates the object when missing (kubectl sends no prior GET). */
  private async apply(req: IncomingMessage, res: ServerResponse, def: ResourceDef, namespace: string | undefined, name: string, params: URLSearchParams, ctx: RequestContext, body: Buffer): Promise<void> {
    const applied = await decodeObject(body, 'application/yaml');
    this.checkKind(def, applied);
    applied.metadata ??= {};
    if (applied.metadata.name && applied.metadata.name !== name) {
      throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
    }
    const manager = ctx.fieldManager;
    if (!manager) throw badRequest('PATCH, application/apply-patch+yaml: fieldManager is required for apply requests');
    this.checkUnknown(def, applied, ctx);
    const meta = patchMetaFor(def.group, def.kind);
    let created = false;
    const result = await this.deps.objects.guaranteedUpdate(def, namespace, name, ctx, (current) => serverSideApply(current, applied, manager, meta), {
      createIfMissing: () => {
        created = true;
        return serverSideApply(undefined, { ...applied, metadata: { ...applied.metadata, name, namespace } }, manager, meta);
      },
    });
    sendJson(res, created ? 201 : 200, this.renderOne(def, result, this.shape(req), params), ctx.warnings);
  }

  private async deleteOptions(req: IncomingMessage, params: URLSearchParams): Promise<DeleteOptions> {
    const body = (await decodeOptions(await readBody(req), req.headers['content-type'])) ?? {};
    const options = { ...body } as DeleteOptions;
    const grace = params.get('gracePeriodSeconds');
    if (grace !== null) options.gracePeriodSeconds = Number(grace);
    const policy = params.get('propagationPolicy');
    if (policy) options.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
    const orphan = params.get('orphanDependents');
    if (orphan !== null) options.orphanDependents = orphan === 'true';
    if (options.propagationPolicy && !['Foreground', 'Background', 'Orphan'].includes(options.propagationPolicy)) {
      throw new StatusError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${options.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`);
    }
    return options;
  }

  private async delete(req: IncomingMessage, res: ServerResponse, def: ResourceDef, namespace: string | undefined, name: string, params: URLSearchParams, ctx: RequestContext): Promise<void> {
    const options = await this.deleteOptions(req, params);
    if (options.dryRun?.includes('All')) ctx.dryRun = true;
    const { object, deleted } = await this.deps.objects.delete(def, namespace, name, options, ctx);
    if (!deleted || (def.group === '' && (def.kind === 'Pod' || def.kind === 'Service'))) {
      return sendJson(res, 200, object, ctx.warnings);
    }
    sendJson(res, 200, successStatus({ name, group: def.group || undefined, kind: def.plural, uid: object.metadata.uid }), ctx.warnings);
  }

  private async deleteCollection(req: IncomingMessage, res: ServerResponse, def: ResourceDef, namespace: string | undefined, params: URLSearchParams, ctx: RequestContext): Promise<void> {
    const options = await this.deleteOptions(req, params);
    if (options.dryRun?.includes('All')) ctx.dryRun = true;
    const { items, resourceVersion } = await this.deps.objects.list(def, namespace, { ...this.listQuery(def, params), limit: undefined, continueToken: undefined });
    const deleted: KubeObject[] = [];
    for (const item of items) {
      try {
        deleted.push((await this.deps.objects.delete(def, item.metadata.namespace, item.metadata.name!, options, ctx)).object);
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
    sendJson(res, 200, { kind: def.listKind, apiVersion: apiVersionOf(def.group, def.version), metadata: { resourceVersion }, items: deleted }, ctx.warnings);
  }

  // ---- subresources --------------------------------------------------------------------------

  private async handleSubresource(
    req: IncomingMessage,
    res: ServerResponse,
    def: ResourceDef,
    info: RequestInfo,
    namespace: string | undefined,
    name: string,
    params: URLSearchParams,
    user: UserInfo,
  ): Promise<void> {
    const sub = info.subresource!;
    const known = (def.subresources as string[] | undefined)?.includes(sub) || (sub === 'finalize' && def.plural === 'namespaces' && def.group === '');
    if (!known) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    const ctx = requestContext(user, params);
    const verb = info.verb;
    switch (sub) {
      case 'status':
      case 'finalize':
      case 'ephemeralcontainers':
        return this.statusLike(req, res, def, namespace, name, params, ctx, sub === 'ephemeralcontainers' ? undefined : sub, verb);
      case 'scale':
        return this.scale(req, res, def, namespace, name, params, ctx, verb);
      case 'binding':
        if (verb !== 'create') throw methodNotSupported(def.group, `${def.plural}/binding`, verb);
        return sendJson(res, 201, await this.deps.subresources.bind(namespace!, name, await this.readAny(req), ctx));
      case 'eviction':
        if (verb !== 'create') throw methodNotSupported(def.group, `${def.plural}/eviction`, verb);
        return sendJson(res, 201, await this.deps.subresources.evict(namespace!, name, await this.readAny(req), ctx));
      case 'token':
        if (verb !== 'create') throw methodNotSupported(def.group, `${def.plural}/token`, verb);
        return sendJson(res, 201, await this.deps.subresources.token(namespace!, name, await this.readAny(req), ctx));
      default:
        return this.deps.subresources.stream(def, info, req, res);
    }
  }

  private async readAny(req: IncomingMessage): Promise<KubeObject> {
    return await decodeObject(await readBody(req), req.headers['content-type']);
  }

  private async statusLike(req: IncomingMessage, res: ServerResponse, def: ResourceDef, namespace: string | undefined, name: string, params: URLSearchParams, ctx: RequestContext, subresource: string | undefined, verb: string): Promise<void> {
    switch (verb) {
      case 'get':
        return sendJson(res, 200, this.renderOne(def, await this.deps.objects.get(def, namespace, name), this.shape(req), params));
      case 'update': {
        const obj = await this.readObject(req, def);
        return sendJson(res, 200, await this.deps.objects.update(def, namespace, name, obj, ctx, subresource), ctx.warnings);
      }
      case 'patch':
        return this.patch(req, res, def, namespace, name, params, ctx, subresource);
      default:
        throw methodNotSupported(def.group, `${def.plural}/${subresource}`, verb);
    }
  }

  private scalePaths(def: ResourceDef) {
    const spec = def.scale ?? { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' };
    return {
      spec: spec.specReplicasPath.replace(/^\./, '').split('.'),
      status: spec.statusReplicasPath.replace(/^\./, '').split('.'),
      selector: spec.labelSelectorPath?.replace(/^\./, '').split('.'),
    };
  }

  /** The autoscaling/v1 Scale view of an object. */
  private toScale(def: ResourceDef, obj: KubeObject): KubeObject {
    const paths = this.scalePaths(def);
    const selectorValue = paths.selector ? getPath(obj, paths.selector) : undefined;
    let selector = '';
    if (typeof selectorValue === 'string') selector = selectorValue;
    else if (selectorValue && typeof selectorValue === 'object') {
      const s = selectorValue as Record<string, unknown>;
      selector = 'matchLabels' in s || 'matchExpressions' in s
        ? formatLabelSelector(s)
        : Object.entries(s).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(',');
    }
    const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
    const status: Record<string, unknown> = { replicas: (getPath(obj, paths.status) as number | undefined) ?? 0 };
    if (selector) status.selector = selector;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
      spec: { replicas: (getPath(obj, paths.spec) as number | undefined) ?? 0 },
      status,
    };
  }

  private async scale(req: IncomingMessage, res: ServerResponse, def: ResourceDef, namespace: string | undefined, name: string, params: URLSearchParams, ctx: RequestContext, verb: string): Promise<void> {
    if (verb === 'get') return sendJson(res, 200, this.toScale(def, await this.deps.objects.get(def, namespace, name)));
    if (verb !== 'update' && verb !== 'patch') throw methodNotSupported(def.group, `${def.plural}/scale`, verb);
    const body = await readBody(req);
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim();
    const paths = this.scalePaths(def);
    const updated = await this.deps.objects.guaranteedUpdate(def, namespace, name, ctx, async (current) => {
      const scale = this.toScale(def, current);
      const next = verb === 'update' ? await decodeObject(body, contentType) : applyPatch(contentType, scale, body, undefined);
      const rv = next.metadata?.resourceVersion;
      if (rv && rv !== current.metadata.resourceVersion) throw conflict(def.group, def.plural, name, MODIFIED_CONFLICT);
      const replicas = getPath(next, ['spec', 'replicas']);
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
        throw new StatusError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, {
          name,
          group: 'autoscaling',
          kind: 'Scale',
          causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, field: 'spec.replicas' }],
        });
      }
      setPath(current, paths.spec, replicas);
      return current;
    });
    sendJson(res, 200, this.toScale(def, updated), ctx.warnings);
  }
}
