// The generic registry store: how every resource is created, read, updated, deleted and watched
// (apiserver pkg/registry/generic/registry/store.go), with each kind's defaults, validation and
// admission plugged in.
import { randomUUID } from 'node:crypto';
import { defaulterFor } from '../api/defaults/index.js';
import type { ResourceDef } from '../api/resource.js';
import { apiVersionOf, deepCopy, getPath, groupKind, type KubeObject } from '../api/types.js';
import { findUnknownFields, invalidStatusParts, strictDecodingErrors, validateObjectMeta, validatorFor } from '../api/validation/index.js';
import type { UserInfo } from './auth/user.js';
import { alreadyExists, badRequest, conflict, expired, MODIFIED_CONFLICT, notFound, StatusError } from './errors.js';
import type { ResourceRegistry } from './registry.js';
import type { Selector } from './selectors.js';
import { StoreError, type Store, type StoreEvent, type Watch } from '../storage/store.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface RequestContext {
  user: UserInfo;
  dryRun: boolean;
  fieldValidation: FieldValidation;
  fieldManager?: string;
  /** Warnings to return in `Warning` headers. */
  warnings: string[];
}

/** Hooks that upstream runs as admission plugins and registry strategies beyond defaults/validation. */
export interface Admission {
  /** Before a create is stored: may mutate `obj` or throw a StatusError. */
  create?(def: ResourceDef, obj: KubeObject, ctx: RequestContext): Promise<void> | void;
  /** Before an update is stored. */
  update?(def: ResourceDef, obj: KubeObject, old: KubeObject, ctx: RequestContext): Promise<void> | void;
  /** Before a delete (or the marking for one): may throw a StatusError to forbid it. */
  delete?(def: ResourceDef, obj: KubeObject, ctx: RequestContext): Promise<void> | void;
  /** After a write was abandoned (dry run, failed store write) or an object is gone: release what it held. */
  release?(def: ResourceDef, obj: KubeObject): void;
}

export interface ListQuery {
  labelSelector: Selector;
  fieldSelector: Selector;
  limit?: number;
  continueToken?: string;
}

export interface ListResultObjects {
  items: KubeObject[];
  resourceVersion: string;
  continueToken?: string;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ObjectEvent {
  type: WatchEventType;
  object: KubeObject;
}

/** Kinds whose metadata.generation counts spec changes (their strategies set it). */
const GENERATION_KINDS = new Set([
  'Deployment.apps', 'ReplicaSet.apps', 'DaemonSet.apps', 'StatefulSet.apps', 'ReplicationController',
  'Job.batch', 'CronJob.batch', 'HorizontalPodAutoscaler.autoscaling', 'PodDisruptionBudget.policy',
  'Ingress.networking.k8s.io', 'IngressClass.networking.k8s.io', 'NetworkPolicy.networking.k8s.io',
  'CustomResourceDefinition.apiextensions.k8s.io',
]);

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** generateName: the prefix (cut to 58 characters) and five random characters (storage/names). */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return prefix.slice(0, 58) + suffix;
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { rv: number; start: string };
    if (typeof parsed.start !== 'string') throw new Error('bad token');
    return parsed;
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data or invalid JSON');
  }
}

/** Spec-like content: everything but metadata and status, compared to decide on a generation bump. */
function specOf(obj: KubeObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return JSON.stringify(rest);
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

export class ObjectStore {
  constructor(
    private readonly store: Store,
    private readonly registry: ResourceRegistry,
    private readonly admission: Admission[],
  ) {}

  // ---- keys and conversion -------------------------------------------------------------------

  prefix(def: ResourceDef, namespace?: string): string {
    const { group, resource } = this.registry.storageOf(def);
    const base = `/registry/${group || 'core'}/${resource}/`;
    return def.namespaced && namespace ? `${base}${namespace}/` : base;
  }

  key(def: ResourceDef, namespace: string | undefined, name: string): string {
    return def.namespaced ? `${this.prefix(def, namespace)}${name}` : `${this.prefix(def)}${name}`;
  }

  private storageApiVersion(def: ResourceDef): string {
    return apiVersionOf(def.group, def.storageVersion);
  }

  /**
   * The stored form: the storage version, without the resourceVersion (the store's revision is it),
   * always starting with apiVersion, kind and metadata so that lists can splice it (rawItem).
   */
  private encode(def: ResourceDef, obj: KubeObject): string {
    const stored = def.converter ? def.converter.toStorage(obj) : { ...obj, apiVersion: this.storageApiVersion(def) };
    const { resourceVersion: _rv, ...metadata } = stored.metadata;
    const { apiVersion, kind, metadata: _m, ...rest } = stored;
    return JSON.stringify({ apiVersion, kind, metadata, ...rest });
  }

  /**
   * An entry's JSON as served, with its resourceVersion spliced in: no parse and no re-encode, which
   * is most of the cost of a large list. Undefined when the stored form is not the served one.
   */
  private rawItem(def: ResourceDef, value: string, revision: number): string | undefined {
    if (def.converter) return undefined;
    const head = `{"apiVersion":${JSON.stringify(apiVersionOf(def.group, def.version))},"kind":${JSON.stringify(def.kind)},"metadata":{`;
    if (!value.startsWith(head)) return undefined;
    const rest = value.slice(head.length);
    return `${head}"resourceVersion":"${revision}"${rest.startsWith('}') ? '' : ','}${rest}`;
  }

  decode(def: ResourceDef, value: string, revision: number): KubeObject {
    const stored = JSON.parse(value) as KubeObject;
    stored.metadata.resourceVersion = String(revision);
    if (def.converter) return def.converter.fromStorage(stored);
    stored.apiVersion = apiVersionOf(def.group, def.version);
    stored.kind = def.kind;
    return stored;
  }

  // ---- reads ---------------------------------------------------------------------------------

  async get(def: ResourceDef, namespace: string | undefined, name: string): Promise<KubeObject> {
    const entry = await this.store.get(this.key(def, namespace, name));
    if (!entry) throw notFound(def.group, def.plural, name);
    return this.decode(def, entry.value, entry.revision);
  }

  async tryGet(def: ResourceDef, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    const entry = await this.store.get(this.key(def, namespace, name));
    return entry && this.decode(def, entry.value, entry.revision);
  }

  /** The fields a field selector can test: metadata.name, metadata.namespace and the kind's own. */
  selectableFields(def: ResourceDef, obj: KubeObject): Record<string, string> {
    const fields: Record<string, string> = { 'metadata.name': obj.metadata.name ?? '' };
    if (def.namespaced) fields['metadata.namespace'] = obj.metadata.namespace ?? '';
    return def.selectableFields ? { ...fields, ...def.selectableFields(obj) } : fields;
  }

  matches(def: ResourceDef, obj: KubeObject, query: Pick<ListQuery, 'labelSelector' | 'fieldSelector'>): boolean {
    return query.labelSelector.matches(obj.metadata.labels ?? {}) && query.fieldSelector.matches(this.selectableFields(def, obj));
  }

  /**
   * A list as JSON text, for an unfiltered list of a kind stored as served. Undefined when it does
   * not apply (the caller then uses list()).
   */
  async listRaw(def: ResourceDef, namespace: string | undefined, query: ListQuery): Promise<{ items: string[]; resourceVersion: string; continueToken?: string } | undefined> {
    if (def.converter || !query.labelSelector.isEmpty() || !query.fieldSelector.isEmpty()) return undefined;
    const after = query.continueToken ? decodeContinue(query.continueToken).start : undefined;
    const limit = query.limit && query.limit > 0 ? query.limit : undefined;
    const result = await this.store.list(this.prefix(def, namespace), { limit, after });
    const items: string[] = [];
    for (const entry of result.entries) {
      const raw = this.rawItem(def, entry.value, entry.revision);
      items.push(raw ?? JSON.stringify(this.decode(def, entry.value, entry.revision)));
    }
    const last = result.entries[result.entries.length - 1];
    return {
      items,
      resourceVersion: String(result.revision),
      continueToken: result.more && last ? encodeContinue(result.revision, last.key) : undefined,
    };
  }

  async list(def: ResourceDef, namespace: string | undefined, query: ListQuery): Promise<ListResultObjects> {
    // A metadata.name field selector with a namespace is a point read.
    const name = query.fieldSelector.exactValue('metadata.name');
    if (name !== undefined && (namespace || !def.namespaced)) {
      const revision = await this.store.currentRevision();
      const obj = await this.tryGet(def, namespace, name);
      const items = obj && this.matches(def, obj, query) ? [obj] : [];
      return { items, resourceVersion: String(revision) };
    }
    const prefix = this.prefix(def, namespace);
    let after: string | undefined;
    if (query.continueToken) {
      const token = decodeContinue(query.continueToken);
      after = token.start;
    }
    const filtering = !query.labelSelector.isEmpty() || !query.fieldSelector.isEmpty();
    const limit = query.limit && query.limit > 0 ? query.limit : undefined;
    if (!filtering) {
      const result = await this.store.list(prefix, { limit, after });
      const items = result.entries.map((e) => this.decode(def, e.value, e.revision));
      const last = result.entries[result.entries.length - 1];
      return {
        items,
        resourceVersion: String(result.revision),
        continueToken: result.more && last ? encodeContinue(result.revision, last.key) : undefined,
      };
    }
    const result = await this.store.list(prefix, { after });
    const items: KubeObject[] = [];
    let continueToken: string | undefined;
    for (const entry of result.entries) {
      const obj = this.decode(def, entry.value, entry.revision);
      if (!this.matches(def, obj, query)) continue;
      if (limit && items.length === limit) {
        continueToken = encodeContinue(result.revision, this.key(def, items[items.length - 1].metadata.namespace, items[items.length - 1].metadata.name!));
        break;
      }
      items.push(obj);
    }
    return { items, resourceVersion: String(result.revision), continueToken };
  }

  /**
   * Streams events after `resourceVersion` ("0" or "": the current state as ADDED first).
   * An object that stops matching the selectors is reported DELETED, as the watch cache does.
   */
  async watch(
    def: ResourceDef,
    namespace: string | undefined,
    resourceVersion: string | undefined,
    query: Pick<ListQuery, 'labelSelector' | 'fieldSelector'>,
    onEvent: (event: ObjectEvent) => void,
  ): Promise<Watch> {
    const prefix = this.prefix(def, namespace);
    let from: number;
    if (!resourceVersion || resourceVersion === '0') {
      const current = await this.list(def, namespace, { ...query });
      for (const obj of current.items) onEvent({ type: 'ADDED', object: obj });
      from = Number(current.resourceVersion);
    } else {
      from = Number(resourceVersion);
      if (!Number.isSafeInteger(from) || from < 0) throw badRequest(`invalid resource version "${resourceVersion}"`);
    }
    try {
      return this.store.watch(prefix, from, (event) => {
        const translated = this.translate(def, event, query);
        if (translated) onEvent(translated);
      });
    } catch (err) {
      if (err instanceof StoreError && err.code === 'Compacted') {
        throw expired(`too old resource version: ${from} (${err.oldestRevision ?? 0})`);
      }
      throw err;
    }
  }

  /**
   * One decode per store event and served version, shared by every watcher of it: a pod write
   * reaches the scheduler, the controllers and the agents, and parsing it once for each costs more
   * than the write. Watchers treat the object as read-only.
   */
  // One slot: the store hands an event to every watcher before the next, and keeping decodes for
  // as long as the watch history keeps its events would hold thousands of objects.
  private decodedFor: StoreEvent | undefined;
  private decodedByDef = new Map<ResourceDef, { obj: KubeObject; before?: KubeObject }>();

  private decodedEvent(def: ResourceDef, event: StoreEvent): { obj: KubeObject; before?: KubeObject } {
    if (this.decodedFor !== event) {
      this.decodedFor = event;
      this.decodedByDef = new Map();
    }
    const byDef = this.decodedByDef;
    let decoded = byDef.get(def);
    if (!decoded) byDef.set(def, (decoded = { obj: this.decode(def, event.value, event.revision) }));
    return decoded;
  }

  private translate(def: ResourceDef, event: StoreEvent, query: Pick<ListQuery, 'labelSelector' | 'fieldSelector'>): ObjectEvent | undefined {
    const decoded = this.decodedEvent(def, event);
    const obj = decoded.obj;
    if (event.type === 'delete') return this.matches(def, obj, query) ? { type: 'DELETED', object: obj } : undefined;
    const nowMatches = this.matches(def, obj, query);
    if (event.created || !event.prevValue) return nowMatches ? { type: 'ADDED', object: obj } : undefined;
    // With no selector every version matches: the old one need not be read.
    if (query.labelSelector.isEmpty() && query.fieldSelector.isEmpty()) return { type: 'MODIFIED', object: obj };
    decoded.before ??= this.decode(def, event.prevValue, event.revision);
    const before = decoded.before;
    const wasMatching = this.matches(def, before, query);
    if (nowMatches) return { type: wasMatching ? 'MODIFIED' : 'ADDED', object: obj };
    return wasMatching ? { type: 'DELETED', object: obj } : undefined;
  }

  // ---- writes --------------------------------------------------------------------------------

  private checkUnknownFields(def: ResourceDef, obj: KubeObject, ctx: RequestContext): void {
    if (ctx.fieldValidation === 'Ignore') return;
    const unknown = findUnknownFields(def.group, def.kind, obj);
    if (unknown.length === 0) return;
    if (ctx.fieldValidation === 'Strict') throw badRequest(strictDecodingErrors(unknown, def.kind, def.version));
    for (const path of unknown) ctx.warnings.push(`unknown field "${path}"`);
  }

  private validate(def: ResourceDef, obj: KubeObject, old: KubeObject | undefined): void {
    const errors = [...validateObjectMeta(obj.metadata, def.namespaced, old === undefined, def.kind, { group: def.group, old: old?.metadata })];
    const validator = validatorFor(def.group, def.kind);
    if (validator) errors.push(...validator(obj, old));
    if (errors.length === 0) return;
    const { message, causes } = invalidStatusParts(def.kind, def.group, obj.metadata.name ?? '', errors);
    throw new StatusError(422, 'Invalid', message, { name: obj.metadata.name, group: def.group || undefined, kind: def.kind, causes });
  }

  private usesGeneration(def: ResourceDef): boolean {
    return GENERATION_KINDS.has(groupKind(def.group, def.kind)) || this.registry.isCustom(def);
  }

  private hasStatus(def: ResourceDef): boolean {
    return def.subresources?.includes('status') ?? false;
  }

  /** What a create's strategy does before validation (PrepareForCreate). */
  private prepareForCreate(def: ResourceDef, obj: KubeObject): void {
    const meta = obj.metadata;
    meta.uid = randomUUID();
    meta.creationTimestamp = now();
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (this.usesGeneration(def)) meta.generation = 1;
    else delete meta.generation;
    if (this.hasStatus(def) && !this.registry.isCustom(def)) {
      obj.status = def.kind === 'Pod' ? { phase: 'Pending' } : {};
      if (def.kind === 'Namespace') obj.status = { phase: 'Active' };
    }
    if (this.hasStatus(def) && this.registry.isCustom(def)) delete obj.status;
  }

  async create(def: ResourceDef, namespace: string | undefined, input: KubeObject, ctx: RequestContext): Promise<KubeObject> {
    const obj = deepCopy(input);
    obj.apiVersion = apiVersionOf(def.group, def.version);
    obj.kind = def.kind;
    obj.metadata ??= {};
    if (def.namespaced) {
      if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = namespace ?? obj.metadata.namespace;
    } else {
      delete obj.metadata.namespace;
    }
    this.checkUnknownFields(def, obj, ctx);
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = generateName(obj.metadata.generateName);
    this.prepareForCreate(def, obj);
    defaulterFor(def.group, def.kind)?.(obj);
    for (const plugin of this.admission) await plugin.create?.(def, obj, ctx);
    try {
      this.validate(def, obj, undefined);
      if (ctx.dryRun) {
        if (await this.store.get(this.key(def, obj.metadata.namespace, obj.metadata.name!))) {
          throw alreadyExists(def.group, def.plural, obj.metadata.name!);
        }
        return obj;
      }
      const revision = await this.store.create(this.key(def, obj.metadata.namespace, obj.metadata.name!), this.encode(def, obj));
      obj.metadata.resourceVersion = String(revision);
      return obj;
    } catch (err) {
      this.release(def, obj);
      if (err instanceof StoreError && err.code === 'KeyExists') throw alreadyExists(def.group, def.plural, obj.metadata.name!);
      throw err;
    } finally {
      if (ctx.dryRun) this.release(def, obj);
    }
  }

  private release(def: ResourceDef, obj: KubeObject): void {
    for (const plugin of this.admission) plugin.release?.(def, obj);
  }

  /**
   * Replaces an object (PUT), or its status/other subresource. `input.metadata.resourceVersion`,
   * when set, is a precondition; empty means an unconditional update.
   */
  async update(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    input: KubeObject,
    ctx: RequestContext,
    subresource?: string,
  ): Promise<KubeObject> {
    if (!input.metadata || typeof input.metadata !== 'object') input.metadata = {};
    if (input.metadata.name && input.metadata.name !== name) {
      throw badRequest(`the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (def.namespaced && input.metadata.namespace && namespace && input.metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    this.checkUnknownFields(def, input, ctx);
    const precondition = input.metadata.resourceVersion;
    return this.guaranteedUpdate(def, namespace, name, ctx, () => deepCopy(input), { subresource, precondition });
  }

  /**
   * Reads the current object, computes the new one with `mutate`, and writes it only if nothing
   * changed meanwhile; on a lost race it reads again and retries (unless a precondition was given).
   */
  async guaranteedUpdate(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    ctx: RequestContext,
    mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    options: { subresource?: string; precondition?: string; createIfMissing?: () => KubeObject } = {},
  ): Promise<KubeObject> {
    const key = this.key(def, namespace, name);
    for (let attempt = 0; attempt < 10; attempt++) {
      const entry = await this.store.get(key);
      if (!entry) {
        if (options.createIfMissing) return this.create(def, namespace, options.createIfMissing(), ctx);
        throw notFound(def.group, def.plural, name);
      }
      const current = this.decode(def, entry.value, entry.revision);
      if (options.precondition && options.precondition !== current.metadata.resourceVersion) {
        throw conflict(def.group, def.plural, name, MODIFIED_CONFLICT);
      }
      const next = await mutate(deepCopy(current));
      const obj = this.prepareForUpdate(def, next, current, options.subresource);
      if (options.subresource !== 'status' || def.kind === 'Namespace') defaulterFor(def.group, def.kind)?.(obj);
      for (const plugin of this.admission) await plugin.update?.(def, obj, current, ctx);
      this.validate(def, obj, current);
      if (JSON.stringify(obj) === JSON.stringify(current)) return current; // nothing changed: no write, same resourceVersion
      if (ctx.dryRun) return obj;
      // The last finalizer gone from an object being deleted: the delete completes now.
      if (obj.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).length === 0 && !this.waitsForGrace(def, obj)) {
        try {
          const revision = await this.store.delete(key, entry.revision);
          obj.metadata.resourceVersion = String(revision);
          this.release(def, obj);
          return obj;
        } catch (err) {
          if (err instanceof StoreError && err.code === 'Conflict') continue;
          throw err;
        }
      }
      try {
        const revision = await this.store.update(key, this.encode(def, obj), entry.revision);
        obj.metadata.resourceVersion = String(revision);
        return obj;
      } catch (err) {
        if (err instanceof StoreError && err.code === 'Conflict') {
          if (options.precondition) throw conflict(def.group, def.plural, name, MODIFIED_CONFLICT);
          continue;
        }
        if (err instanceof StoreError && err.code === 'NotFound') throw notFound(def.group, def.plural, name);
        throw err;
      }
    }
    throw conflict(def.group, def.plural, name, MODIFIED_CONFLICT);
  }

  /** A pod with a deletion grace period still running on a node waits for its kubelet. */
  private waitsForGrace(def: ResourceDef, obj: KubeObject): boolean {
    return def.kind === 'Pod' && def.group === '' && (obj.metadata.deletionGracePeriodSeconds ?? 0) > 0 && this.podNeedsGrace(obj);
  }

  private podNeedsGrace(pod: KubeObject): boolean {
    const phase = getPath(pod, ['status', 'phase']);
    return Boolean(getPath(pod, ['spec', 'nodeName'])) && phase !== 'Succeeded' && phase !== 'Failed';
  }

  /** What an update's strategy keeps from the old object (PrepareForUpdate). */
  private prepareForUpdate(def: ResourceDef, next: KubeObject, old: KubeObject, subresource?: string): KubeObject {
    next.apiVersion = old.apiVersion;
    next.kind = old.kind;
    next.metadata ??= {};
    const meta = next.metadata;
    // Fields the server owns.
    meta.name = old.metadata.name;
    if (def.namespaced) meta.namespace = old.metadata.namespace;
    meta.uid = old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    meta.resourceVersion = old.metadata.resourceVersion;
    if (old.metadata.deletionTimestamp) {
      meta.deletionTimestamp = old.metadata.deletionTimestamp;
      if (old.metadata.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    if (old.metadata.generation !== undefined) meta.generation = old.metadata.generation;
    else delete meta.generation;
    if (meta.managedFields === undefined && old.metadata.managedFields !== undefined) meta.managedFields = old.metadata.managedFields;

    let result = next;
    if (subresource === 'status') {
      // A status write changes only the status.
      result = { ...deepCopy(old), status: next.status };
      result.metadata.resourceVersion = old.metadata.resourceVersion;
    } else if (subresource === 'finalize') {
      result = deepCopy(old);
      (result as { spec?: Record<string, unknown> }).spec = { ...(old.spec as object), finalizers: (next.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [] };
    } else if (this.hasStatus(def) && subresource === undefined) {
      // The main resource cannot change the status when a status subresource exists.
      if (old.status === undefined) delete result.status;
      else result.status = old.status;
    }
    if (result.metadata.generation !== undefined && specOf(result) !== specOf(old)) {
      result.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    return result;
  }

  /**
   * Deletes an object: at once, or by marking it (deletionTimestamp) when finalizers, a
   * Foreground/Orphan propagation or a pod's grace period must run first.
   * Returns the object as it was deleted, or as it now is while it waits.
   */
  async delete(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions,
    ctx: RequestContext,
  ): Promise<{ object: KubeObject; deleted: boolean }> {
    const key = this.key(def, namespace, name);
    for (let attempt = 0; attempt < 10; attempt++) {
      const entry = await this.store.get(key);
      if (!entry) throw notFound(def.group, def.plural, name);
      const current = this.decode(def, entry.value, entry.revision);
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== current.metadata.uid) {
        throw conflict(def.group, def.plural, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
        throw conflict(def.group, def.plural, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${current.metadata.resourceVersion}`);
      }
      for (const plugin of this.admission) await plugin.delete?.(def, current, ctx);
      const marked = this.markForDeletion(def, current, options);
      if (marked) {
        if (ctx.dryRun) return { object: marked, deleted: false };
        if (JSON.stringify(marked) === JSON.stringify(current)) return { object: current, deleted: false };
        try {
          const revision = await this.store.update(key, this.encode(def, marked), entry.revision);
          marked.metadata.resourceVersion = String(revision);
          return { object: marked, deleted: false };
        } catch (err) {
          if (err instanceof StoreError && err.code === 'Conflict') continue;
          throw err;
        }
      }
      if (ctx.dryRun) return { object: current, deleted: true };
      try {
        const revision = await this.store.delete(key, entry.revision);
        current.metadata.resourceVersion = String(revision);
        this.release(def, current);
        return { object: current, deleted: true };
      } catch (err) {
        if (err instanceof StoreError && err.code === 'Conflict') continue;
        if (err instanceof StoreError && err.code === 'NotFound') throw notFound(def.group, def.plural, name);
        throw err;
      }
    }
    throw conflict(def.group, def.plural, name, MODIFIED_CONFLICT);
  }

  /** The object marked for a deferred delete, or undefined when it can go at once. */
  private markForDeletion(def: ResourceDef, current: KubeObject, options: DeleteOptions): KubeObject | undefined {
    const next = deepCopy(current);
    const meta = next.metadata;
    const finalizers = new Set(meta.finalizers ?? []);
    const policy = options.propagationPolicy ?? (options.orphanDependents ? 'Orphan' : undefined);
    if (policy === 'Foreground') finalizers.add('foregroundDeletion');
    if (policy === 'Orphan') finalizers.add('orphan');
    const isPod = def.kind === 'Pod' && def.group === '';
    const isNamespace = def.kind === 'Namespace' && def.group === '';
    let grace = 0;
    if (isPod && this.podNeedsGrace(current)) {
      // A requested 0 (kubectl's --force) deletes at once; kubectl itself turns a plain 0 into 1.
      grace = options.gracePeriodSeconds ?? ((getPath(current, ['spec', 'terminationGracePeriodSeconds']) as number | undefined) ?? 30);
    }
    const namespaceFinalizers = isNamespace ? ((getPath(current, ['spec', 'finalizers']) as string[] | undefined) ?? []) : [];
    if (finalizers.size === 0 && grace === 0 && namespaceFinalizers.length === 0) return undefined;
    if (!meta.deletionTimestamp) {
      meta.deletionTimestamp = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      meta.deletionGracePeriodSeconds = grace;
    } else if (isPod && grace < (meta.deletionGracePeriodSeconds ?? 0)) {
      // A shorter grace period may replace a longer one.
      meta.deletionTimestamp = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      meta.deletionGracePeriodSeconds = grace;
    }
    if (finalizers.size > 0) meta.finalizers = [...finalizers];
    if (isNamespace) (next.status as Record<string, unknown>) = { ...(next.status as object), phase: 'Terminating' };
    return next;
  }
}
