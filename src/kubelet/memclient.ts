// An in-memory Client for the agent's unit tests: objects with resourceVersions, 404/409 Status
// errors, JSON and merge patches, the status subresource and delete preconditions. It records
// every write so tests can assert what the agent sent. No watch (tests drive the handlers).
import { randomUUID } from 'node:crypto';
import jsonpatch from 'fast-json-patch';
import type { KubeObject } from '../api/types.js';
import type {
  ApiErrorShape,
  Client,
  DeleteOptions,
  ListOptions,
  ObjectList,
  PatchType,
  ResourceRef,
  WatchEvent,
  WatchHandle,
  WatchOptions,
} from '../client/types.js';

export interface RecordedCall {
  verb: 'create' | 'update' | 'patch' | 'delete';
  resource: string;
  namespace?: string;
  name: string;
  subresource?: string;
  body?: unknown;
  options?: DeleteOptions;
}

function apiError(code: number, reason: string, message: string): ApiErrorShape {
  return Object.assign(new Error(message), { code, reason });
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export class MemoryClient implements Client {
  private readonly objects = new Map<string, KubeObject>();
  private revision = 0;
  readonly calls: RecordedCall[] = [];
  /** Called after every successful write (tests feed it to their handlers). */
  onChange: (ref: ResourceRef, obj: KubeObject, deleted: boolean) => void = () => {};

  private key(ref: ResourceRef, namespace: string | undefined, name: string): string {
    return `${ref.group}/${ref.resource}/${ref.namespaced ? (namespace ?? '') : ''}/${name}`;
  }

  /** Puts an object in place (a test's fixture), assigning uid and resourceVersion. */
  seed(ref: ResourceRef, obj: KubeObject): KubeObject {
    const copy = structuredClone(obj);
    copy.metadata.uid ??= randomUUID();
    copy.metadata.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    copy.metadata.resourceVersion = String(++this.revision);
    this.objects.set(this.key(ref, copy.metadata.namespace, copy.metadata.name!), copy);
    return structuredClone(copy);
  }

  peek(ref: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined {
    const o = this.objects.get(this.key(ref, namespace, name));
    return o && structuredClone(o);
  }

  async get<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, name: string): Promise<T> {
    const o = this.objects.get(this.key(ref, namespace, name));
    if (!o) throw apiError(404, 'NotFound', `${ref.resource} "${name}" not found`);
    return structuredClone(o) as T;
  }

  async list<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace?: string, _options?: ListOptions): Promise<ObjectList<T>> {
    const prefix = `${ref.group}/${ref.resource}/`;
    const items = [...this.objects.entries()]
      .filter(([k, o]) => k.startsWith(prefix) && (namespace === undefined || o.metadata.namespace === namespace))
      .map(([, o]) => structuredClone(o) as T);
    return { metadata: { resourceVersion: String(this.revision) }, items };
  }

  async create<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, obj: KubeObject): Promise<T> {
    const key = this.key(ref, namespace, obj.metadata.name!);
    this.calls.push({ verb: 'create', resource: ref.resource, namespace, name: obj.metadata.name!, body: structuredClone(obj) });
    if (this.objects.has(key)) throw apiError(409, 'AlreadyExists', `${ref.resource} "${obj.metadata.name}" already exists`);
    const copy = structuredClone(obj);
    if (ref.namespaced) copy.metadata.namespace = namespace;
    if (ref.kind === 'Node') delete copy.status; // the status subresource owns it
    const stored = this.seed(ref, copy);
    this.onChange(ref, stored, false);
    return stored as T;
  }

  async update<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, obj: KubeObject, subresource?: string): Promise<T> {
    this.calls.push({ verb: 'update', resource: ref.resource, namespace, name: obj.metadata.name!, subresource, body: structuredClone(obj) });
    const current = await this.get(ref, namespace, obj.metadata.name!);
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw apiError(409, 'Conflict', 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const next = subresource === 'status' ? { ...current, status: obj.status } : { ...structuredClone(obj), status: current.status };
    return this.store(ref, next as KubeObject) as T;
  }

  async patch<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    subresource?: string,
  ): Promise<T> {
    this.calls.push({ verb: 'patch', resource: ref.resource, namespace, name, subresource, body: structuredClone(patch) });
    const current = await this.get(ref, namespace, name);
    let next: KubeObject;
    if (type === 'json') {
      try {
        next = jsonpatch.applyPatch(structuredClone(current), patch as jsonpatch.Operation[], true, false).newDocument;
      } catch {
        throw apiError(422, 'Invalid', 'the server rejected our request due to an error in our request');
      }
    } else if (type === 'merge') {
      next = mergePatch(current, patch) as KubeObject;
    } else {
      throw new Error(`MemoryClient: ${type} patches are not supported`);
    }
    if (subresource === 'status') next = { ...current, status: next.status };
    else next = { ...next, status: current.status };
    next.metadata = { ...next.metadata, uid: current.metadata.uid, resourceVersion: current.metadata.resourceVersion };
    return this.store(ref, next) as T;
  }

  async delete(ref: ResourceRef, namespace: string | undefined, name: string, options?: DeleteOptions): Promise<void> {
    this.calls.push({ verb: 'delete', resource: ref.resource, namespace, name, options });
    const current = await this.get(ref, namespace, name);
    if (options?.preconditions?.uid && options.preconditions.uid !== current.metadata.uid) {
      throw apiError(409, 'Conflict', `Precondition failed: UID in precondition: ${options.preconditions.uid}, UID in object meta: ${current.metadata.uid}`);
    }
    this.objects.delete(this.key(ref, namespace, name));
    this.onChange(ref, current, true);
  }

  async createSubresource<T = unknown>(): Promise<T> {
    throw new Error('MemoryClient: subresources are not supported');
  }

  watch<T extends KubeObject = KubeObject>(
    _ref: ResourceRef,
    _namespace: string | undefined,
    _options: WatchOptions,
    _onEvent: (event: WatchEvent<T>) => void,
    _onClose: (err?: Error) => void,
  ): WatchHandle {
    return { stop: () => {} };
  }

  /** Writes through to the store (no change → no new resourceVersion, like the API server). */
  private store(ref: ResourceRef, next: KubeObject): KubeObject {
    const key = this.key(ref, next.metadata.namespace, next.metadata.name!);
    const current = this.objects.get(key)!;
    if (JSON.stringify(current) === JSON.stringify(next)) return structuredClone(current);
    const copy = structuredClone(next);
    copy.metadata.resourceVersion = String(++this.revision);
    this.objects.set(key, copy);
    this.onChange(ref, structuredClone(copy), false);
    return structuredClone(copy);
  }
}
