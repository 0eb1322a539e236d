// The contract of skiff's thin Kubernetes client, informers and work queues (client-go's shape).
// Controllers, the scheduler and the node agent talk to the API server only through these.
import type { KubeObject } from '../api/types.js';

/** Where a resource lives in the API. */
export interface ResourceRef {
  group: string; // "" for core
  version: string;
  resource: string; // plural: "pods"
  kind: string;
  namespaced: boolean;
}

export interface ClientConfig {
  server: string; // https://127.0.0.1:6443
  caPem: string;
  token: string;
  /** Sent as User-Agent (shows in logs and events). */
  userAgent?: string;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface ObjectList<T extends KubeObject = KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  timeoutSeconds?: number;
  allowWatchBookmarks?: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T; // for ERROR: a Status
}

export interface WatchHandle {
  stop(): void;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  /** For apply patches. */
  force?: boolean;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** A Status error answered by the server, with its HTTP code and reason. */
export interface ApiErrorShape extends Error {
  code: number;
  reason: string;
  status?: Record<string, unknown>;
}

export interface Client {
  get<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, name: string, subresource?: string): Promise<T>;
  list<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace?: string, options?: ListOptions): Promise<ObjectList<T>>;
  create<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, obj: KubeObject, options?: WriteOptions): Promise<T>;
  /** PUT; `subresource` "status" writes only the status. */
  update<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, obj: KubeObject, subresource?: string, options?: WriteOptions): Promise<T>;
  patch<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    subresource?: string,
    options?: WriteOptions,
  ): Promise<T>;
  delete(ref: ResourceRef, namespace: string | undefined, name: string, options?: DeleteOptions): Promise<void>;
  /** POST to a subresource (binding, eviction, token): returns the response body. */
  createSubresource<T = unknown>(ref: ResourceRef, namespace: string | undefined, name: string, subresource: string, body: unknown): Promise<T>;
  /** Streams events until stopped, the server closes, or an error; `onClose` is told which. */
  watch<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    namespace: string | undefined,
    options: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
    onClose: (err?: Error) => void,
  ): WatchHandle;
}

export type EventHandler<T extends KubeObject> = {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  delete?(obj: T): void;
};

/** A shared informer: list + watch into a local cache, relisting on 410; handlers see every change. */
export interface Informer<T extends KubeObject = KubeObject> {
  readonly ref: ResourceRef;
  addEventHandler(handler: EventHandler<T>): void;
  /** Resolves once the first list is in the cache. */
  start(): Promise<void>;
  stop(): void;
  hasSynced(): boolean;
  /** Cached objects (do not mutate them: deep-copy before changing). */
  list(namespace?: string): T[];
  get(namespace: string | undefined, name: string): T | undefined;
  /** An index over the cache, e.g. pods by spec.nodeName; `fn` returns the index values of an object. */
  addIndex(name: string, fn: (obj: T) => string[]): void;
  byIndex(name: string, value: string): T[];
}

/** "namespace/name", or "name" for cluster-scoped objects: the work queue's keys. */
export function objectKey(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name!;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/**
 * A deduplicating, rate-limited work queue of keys (client-go workqueue): a key added while queued
 * is queued once; a key being processed is not handed to a second worker until done(); keys added
 * while processing are queued again after done().
 */
export interface WorkQueue {
  add(key: string): void;
  addAfter(key: string, delayMs: number): void;
  /** Requeue with per-key exponential backoff (5 ms doubling up to 1000 s, like client-go's default). */
  addRateLimited(key: string): void;
  /** Forget a key's backoff after a success. */
  forget(key: string): void;
  /** Waits for the next key; undefined once shut down. */
  get(): Promise<string | undefined>;
  done(key: string): void;
  len(): number;
  shutDown(): void;
}

/** Records Events (core/v1) about objects, as `kubectl describe` shows them; repeated ones bump count. */
export interface EventRecorder {
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}
