// An in-memory Client for the unit tests of the namespace, garbage-collector, pod-GC and node
// controllers: objects by resource, uids and resourceVersions, finalizers that hold a delete, merge
// patches with a resourceVersion precondition. Not a server: just enough to observe decisions.
import type { Client, DeleteOptions, ListOptions, ObjectList, PatchType, ResourceRef, WatchHandle } from '../../client/types.js';
import type { KubeObject } from '../../api/types.js';

export class FakeApiError extends Error {
  constructor(readonly code: number, readonly reason: string, message: string) {
    super(message);
  }
}

export interface Call {
  verb: string;
  resource: string;
  namespace?: string;
  name?: string;
  body?: unknown;
  subresource?: string;
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export type ChangeListener = (type: 'ADDED' | 'MODIFIED' | 'DELETED', ref: ResourceRef, obj: KubeObject) => void;

export class FakeClient implements Client {
  readonly objects = new Map<string, KubeObject>();
  /** Told of every stored change (FakeInformers feed their caches from it). */
  readonly listeners: ChangeListener[] = [];
  readonly calls: Call[] = [];
  private rv = 1;
  private uid = 1;
  /** Errors to throw for the next call matching verb/resource. */
  readonly failures: { verb: string; resource: string; error: Error }[] = [];

  private emit(type: 'ADDED' | 'MODIFIED' | 'DELETED', ref: ResourceRef, obj: KubeObject): void {
    for (const l of this.listeners) l(type, ref, structuredClone(obj));
  }

  private key(ref: ResourceRef, namespace: string | undefined, name: string): string {
    return `${ref.group}/${ref.resource}/${ref.namespaced ? namespace ?? '' : ''}/${name}`;
  }

  private fail(verb: string, ref: ResourceRef): void {
    const i = this.failures.findIndex((f) => f.verb === verb && f.resource === ref.resource);
    if (i >= 0) throw this.failures.splice(i, 1)[0]!.error;
  }

  private notFound(ref: ResourceRef, name: string): FakeApiError {
    return new FakeApiError(404, 'NotFound', `${ref.resource} "${name}" not found`);
  }

  /** Puts an object in place (test setup), filling uid and resourceVersion. */
  seed(ref: ResourceRef, obj: KubeObject): KubeObject {
    const copy = structuredClone(obj);
    copy.metadata.uid ??= `uid-${this.uid++}`;
    copy.metadata.resourceVersion = String(this.rv++);
    copy.kind ??= ref.kind;
    copy.apiVersion ??= ref.group ? `${ref.group}/${ref.version}` : ref.version;
    const key = this.key(ref, copy.metadata.namespace, copy.metadata.name!);
    const existed = this.objects.has(key);
    this.objects.set(key, copy);
    this.emit(existed ? 'MODIFIED' : 'ADDED', ref, copy);
    return structuredClone(copy);
  }

  find(ref: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(this.key(ref, namespace, name));
  }

  async get<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, name: string): Promise<T> {
    this.calls.push({ verb: 'get', resource: ref.resource, namespace, name });
    this.fail('get', ref);
    const obj = this.find(ref, namespace, name);
    if (!obj) throw this.notFound(ref, name);
    return structuredClone(obj) as T;
  }

  async list<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace?: string, _options?: ListOptions): Promise<ObjectList<T>> {
    this.calls.push({ verb: 'list', resource: ref.resource, namespace });
    this.fail('list', ref);
    const prefix = `${ref.group}/${ref.resource}/`;
    const items = [...this.objects.entries()]
      .filter(([k, o]) => k.startsWith(prefix) && (!namespace || o.metadata.namespace === namespace))
      .map(([, o]) => structuredClone(o) as T);
    return { metadata: { resourceVersion: String(this.rv) }, items };
  }

  async create<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, obj: KubeObject): Promise<T> {
    this.calls.push({ verb: 'create', resource: ref.resource, namespace, name: obj.metadata.name, body: obj });
    this.fail('create', ref);
    const copy = structuredClone(obj);
    if (!copy.metadata.name && copy.metadata.generateName) copy.metadata.name = `${copy.metadata.generateName}${(this.uid + 10000).toString(36)}`;
    if (ref.namespaced) copy.metadata.namespace = namespace;
    if (this.find(ref, copy.metadata.namespace, copy.metadata.name!)) {
      throw new FakeApiError(409, 'AlreadyExists', `${ref.resource} "${copy.metadata.name}" already exists`);
    }
    return this.seed(ref, copy) as T;
  }

  private write(ref: ResourceRef, obj: KubeObject): KubeObject {
    // The last finalizer gone from an object being deleted: it goes.
    if (obj.metadata.deletionTimestamp && !(obj.metadata.finalizers ?? []).length &&
        !(ref.resource === 'namespaces' && ((obj.spec as { finalizers?: string[] })?.finalizers ?? []).length)) {
      this.remove(ref, obj);
      return obj;
    }
    obj.metadata.resourceVersion = String(this.rv++);
    this.objects.set(this.key(ref, obj.metadata.namespace, obj.metadata.name!), obj);
    this.emit('MODIFIED', ref, obj);
    return structuredClone(obj);
  }

  private remove(ref: ResourceRef, obj: KubeObject): void {
    this.objects.delete(this.key(ref, obj.metadata.namespace, obj.metadata.name!));
    this.emit('DELETED', ref, obj);
  }

  async update<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, obj: KubeObject, subresource?: string): Promise<T> {
    this.calls.push({ verb: 'update', resource: ref.resource, namespace, name: obj.metadata.name, body: obj, subresource });
    this.fail('update', ref);
    const cur = this.find(ref, namespace, obj.metadata.name!);
    if (!cur) throw this.notFound(ref, obj.metadata.name!);
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== cur.metadata.resourceVersion) {
      throw new FakeApiError(409, 'Conflict', 'the object has been modified');
    }
    let next = structuredClone(obj);
    if (subresource === 'status') next = { ...structuredClone(cur), status: structuredClone(obj.status) };
    if (subresource === 'finalize') next = { ...structuredClone(cur), spec: { ...(cur.spec as object), finalizers: (obj.spec as { finalizers?: string[] }).finalizers } };
    next.metadata.uid = cur.metadata.uid;
    next.metadata.deletionTimestamp = cur.metadata.deletionTimestamp;
    return this.write(ref, next) as T;
  }

  async patch<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, name: string, type: PatchType, patch: unknown, subresource?: string): Promise<T> {
    this.calls.push({ verb: 'patch', resource: ref.resource, namespace, name, body: patch, subresource });
    this.fail('patch', ref);
    const cur = this.find(ref, namespace, name);
    if (!cur) throw this.notFound(ref, name);
    if (type !== 'merge' && type !== 'strategic') throw new Error(`fake client: ${type} patches are not supported`);
    const next = mergePatch(structuredClone(cur), patch) as KubeObject;
    if (next.metadata.resourceVersion !== cur.metadata.resourceVersion) throw new FakeApiError(409, 'Conflict', 'the object has been modified');
    next.metadata.uid = cur.metadata.uid;
    return this.write(ref, next) as T;
  }

  async delete(ref: ResourceRef, namespace: string | undefined, name: string, options?: DeleteOptions): Promise<void> {
    this.calls.push({ verb: 'delete', resource: ref.resource, namespace, name, body: options });
    this.fail('delete', ref);
    const cur = this.find(ref, namespace, name);
    if (!cur) throw this.notFound(ref, name);
    if (options?.preconditions?.uid && options.preconditions.uid !== cur.metadata.uid) throw new FakeApiError(409, 'Conflict', 'Precondition failed: UID');
    const finalizers = new Set(cur.metadata.finalizers ?? []);
    if (options?.propagationPolicy === 'Foreground') finalizers.add('foregroundDeletion');
    if (options?.propagationPolicy === 'Orphan') finalizers.add('orphan');
    const nsFinalizers = ref.resource === 'namespaces' ? ((cur.spec as { finalizers?: string[] })?.finalizers ?? []) : [];
    if (finalizers.size === 0 && nsFinalizers.length === 0) {
      this.remove(ref, cur);
      return;
    }
    const next = structuredClone(cur);
    next.metadata.deletionTimestamp ??= new Date().toISOString();
    if (finalizers.size) next.metadata.finalizers = [...finalizers];
    this.write(ref, next);
  }

  async createSubresource<T = unknown>(ref: ResourceRef, namespace: string | undefined, name: string, subresource: string, body: unknown): Promise<T> {
    this.calls.push({ verb: 'create', resource: ref.resource, namespace, name, body, subresource });
    return body as T;
  }

  watch(): WatchHandle {
    return { stop() {} };
  }

  verbs(verb: string, resource?: string): Call[] {
    return this.calls.filter((c) => c.verb === verb && (!resource || c.resource === resource));
  }
}
