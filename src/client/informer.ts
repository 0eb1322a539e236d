// client-go's shared informer: list (paged) into a local cache, then watch from the list's
// resourceVersion; re-watch where the last watch ended; relist on 410 Expired and hand handlers
// the differences, so handlers see every change in order and the cache matches the server.
import type { KubeObject } from '../api/types.js';
import { isGone } from './errors.js';
import { objectKey, type Client, type EventHandler, type Informer, type ResourceRef, type WatchEvent, type WatchHandle } from './types.js';

export interface InformerOptions {
  /** Watch one namespace only (all namespaces when unset). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size of lists (500 as client-go's reflector). */
  pageSize?: number;
  /** First retry delay after a failed list or watch; doubles up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
}

interface Index<T> {
  fn: (obj: T) => string[];
  values: Map<string, Set<string>>;
}

const NAMESPACE_INDEX = '__namespace';

/** client-go's reflector watches for minWatchTimeout..2× (5–10 minutes), spreading reconnects. */
function watchTimeoutSeconds(): number {
  return 300 + Math.floor(Math.random() * 300);
}

export class SharedInformer<T extends KubeObject = KubeObject> implements Informer<T> {
  private readonly items = new Map<string, T>();
  private readonly indexes = new Map<string, Index<T>>();
  private readonly indexed = new Map<string, Map<string, string[]>>();
  private readonly handlers: EventHandler<T>[] = [];
  private resourceVersion = '';
  private watchHandle?: WatchHandle;
  private synced = false;
  private stopped = false;
  private starting?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private failures = 0;
  private watchStartedAt = 0;
  /** Bumped on every (re)list or re-watch so events of a superseded watch are dropped. */
  private generation = 0;

  constructor(
    private readonly client: Client,
    readonly ref: ResourceRef,
    private readonly options: InformerOptions = {},
  ) {
    this.addIndex(NAMESPACE_INDEX, (obj) => [obj.metadata.namespace ?? '']);
  }

  addEventHandler(handler: EventHandler<T>): void {
    this.handlers.push(handler);
    // As client-go: a handler added late first hears of every cached object as an add.
    if (handler.add) for (const obj of this.items.values()) this.call(() => handler.add!(obj));
  }

  start(): Promise<void> {
    if (!this.starting) {
      this.stopped = false;
      this.starting = new Promise<void>((resolve) => this.listAndWatch(resolve));
    }
    return this.starting;
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    clearTimeout(this.retryTimer);
    this.watchHandle?.stop();
    this.watchHandle = undefined;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** The resourceVersion the cache is at (the last list, event or bookmark). */
  lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  list(namespace?: string): T[] {
    if (namespace === undefined) return [...this.items.values()];
    return this.byIndex(NAMESPACE_INDEX, namespace);
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  addIndex(name: string, fn: (obj: T) => string[]): void {
    const index: Index<T> = { fn, values: new Map() };
    this.indexes.set(name, index);
    this.indexed.set(name, new Map());
    for (const [key, obj] of this.items) this.indexOne(name, index, key, obj);
  }

  byIndex(name: string, value: string): T[] {
    const index = this.indexes.get(name);
    if (!index) throw new Error(`informer ${this.ref.resource}: no index ${name}`);
    const keys = index.values.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const key of keys) {
      const obj = this.items.get(key);
      if (obj) out.push(obj);
    }
    return out;
  }

  // ---- list and watch ----

  /** Lists, replaces the cache, then watches; retried with backoff until it works or stop(). */
  private listAndWatch(onSynced?: () => void): void {
    if (this.stopped) return;
    const generation = ++this.generation;
    this.watchHandle?.stop();
    this.watchHandle = undefined;
    this.listAll().then(
      ({ items, resourceVersion }) => {
        if (generation !== this.generation) return;
        this.replace(items, resourceVersion);
        this.synced = true;
        this.failures = 0;
        onSynced?.();
        this.watch();
      },
      (err: unknown) => {
        if (generation !== this.generation) return;
        this.logError('list', err);
        this.retry(() => this.listAndWatch(onSynced));
      },
    );
  }

  private async listAll(): Promise<{ items: T[]; resourceVersion: string }> {
    const items: T[] = [];
    let cont: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.client.list<T>(this.ref, this.options.namespace, {
        labelSelector: this.options.labelSelector,
        fieldSelector: this.options.fieldSelector,
        limit: this.options.pageSize ?? 500,
        continue: cont,
      });
      for (const item of page.items) items.push(this.withTypeMeta(item));
      resourceVersion = page.metadata.resourceVersion ?? resourceVersion;
      cont = page.metadata.continue || undefined;
    } while (cont);
    return { items, resourceVersion };
  }

  private watch(): void {
    if (this.stopped) return;
    const generation = ++this.generation;
    this.watchStartedAt = Date.now();
    this.watchHandle = this.client.watch<T>(
      this.ref,
      this.options.namespace,
      {
        labelSelector: this.options.labelSelector,
        fieldSelector: this.options.fieldSelector,
        resourceVersion: this.resourceVersion || undefined,
        allowWatchBookmarks: true,
        timeoutSeconds: watchTimeoutSeconds(),
      },
      (event) => {
        if (generation === this.generation) this.onEvent(event);
      },
      (err) => {
        if (generation === this.generation) this.onWatchClosed(err);
      },
    );
  }

  private onEvent(event: WatchEvent<T>): void {
    if (event.type === 'ERROR') {
      const status = event.object as unknown as { code?: number; message?: string };
      if (status.code === 410) return this.relist();
      this.logError('watch', new Error(status.message ?? JSON.stringify(status)));
      // Drop the failed watch without its close re-watching at once, then retry with backoff.
      const handle = this.watchHandle;
      this.generation++;
      handle?.stop();
      this.retry(() => this.watch());
      return;
    }
    this.failures = 0;
    const rv = event.object?.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (event.type === 'BOOKMARK') return;
    const obj = this.withTypeMeta(event.object);
    if (event.type === 'DELETED') this.remove(obj);
    else this.upsert(obj);
  }

  private onWatchClosed(err?: Error): void {
    if (this.stopped) return;
    this.watchHandle = undefined;
    if (isGone(err)) return this.relist();
    if (!err && Date.now() - this.watchStartedAt >= 1000) {
      // A watch that timed out normally resumes at once from the last version seen.
      this.failures = 0;
      this.watch();
      return;
    }
    // A watch the server ends at once, again and again, must not spin: back off as for errors.
    if (err) this.logError('watch', err);
    this.retry(() => this.watch());
  }

  /** The resourceVersion is too old for the server: start over from a fresh list. */
  private relist(): void {
    this.resourceVersion = '';
    this.listAndWatch();
  }

  private retry(fn: () => void): void {
    if (this.stopped) return;
    const base = this.options.retryMs ?? 200;
    const delay = Math.min(base * 2 ** this.failures, this.options.maxRetryMs ?? 5000);
    this.failures++;
    this.generation++;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(fn, delay);
    this.retryTimer.unref();
  }

  // ---- cache ----

  /** Swaps in a fresh list and tells handlers what changed since the cache last looked. */
  private replace(items: T[], resourceVersion: string): void {
    const seen = new Set<string>();
    for (const obj of items) {
      seen.add(objectKey(obj));
      this.upsert(obj);
    }
    for (const [key, obj] of [...this.items]) {
      if (!seen.has(key)) this.remove(obj);
    }
    this.resourceVersion = resourceVersion;
  }

  private upsert(obj: T): void {
    const key = objectKey(obj);
    const old = this.items.get(key);
    // A relist returns unchanged objects too; they are not news.
    if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion && old.metadata.uid === obj.metadata.uid) return;
    this.items.set(key, obj);
    this.reindex(key, obj);
    if (old) this.dispatch((h) => h.update?.(old, obj));
    else this.dispatch((h) => h.add?.(obj));
  }

  private remove(obj: T): void {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (!old) return;
    this.items.delete(key);
    this.unindex(key);
    this.dispatch((h) => h.delete?.(obj));
  }

  private reindex(key: string, obj: T): void {
    this.unindex(key);
    for (const [name, index] of this.indexes) this.indexOne(name, index, key, obj);
  }

  private indexOne(name: string, index: Index<T>, key: string, obj: T): void {
    let values: string[];
    try {
      values = index.fn(obj);
    } catch (err) {
      this.logError(`index ${name}`, err);
      values = [];
    }
    this.indexed.get(name)!.set(key, values);
    for (const value of values) {
      let keys = index.values.get(value);
      if (!keys) index.values.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  private unindex(key: string): void {
    for (const [name, index] of this.indexes) {
      const byKey = this.indexed.get(name)!;
      for (const value of byKey.get(key) ?? []) {
        const keys = index.values.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.values.delete(value);
      }
      byKey.delete(key);
    }
  }

  private dispatch(fn: (h: EventHandler<T>) => void): void {
    for (const handler of this.handlers) this.call(() => fn(handler));
  }

  /** A throwing handler must not stop the others or the informer. */
  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.logError('handler', err);
    }
  }

  /** Lists answer items without kind/apiVersion; fill them in so every cached object has them. */
  private withTypeMeta(obj: T): T {
    if (obj.kind && obj.apiVersion) return obj;
    const apiVersion = this.ref.group ? `${this.ref.group}/${this.ref.version}` : this.ref.version;
    return { ...obj, apiVersion: obj.apiVersion ?? apiVersion, kind: obj.kind ?? this.ref.kind };
  }

  private logError(what: string, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`informer ${this.ref.resource}: ${what} failed: ${message}`);
  }
}
