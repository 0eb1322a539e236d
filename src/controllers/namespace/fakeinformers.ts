// Informers over a FakeClient for controller unit tests: each cache lists from the fake on start
// and follows its changes synchronously, so a test sees a controller's writes come back as events.
import type { EventHandler, Informer, ResourceRef } from '../../client/types.js';
import type { KubeObject } from '../../api/types.js';
import { DEFAULT_CONTROLLER_OPTIONS, type ControllerContext, type ControllerOptions, type SharedInformers } from '../context.js';
import type { FakeClient } from './fakeclient.js';

function objKey(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name!;
}

export class FakeInformer<T extends KubeObject = KubeObject> implements Informer<T> {
  private readonly items = new Map<string, T>();
  private readonly handlers: EventHandler<T>[] = [];
  private readonly indexes = new Map<string, (obj: T) => string[]>();
  private synced = false;

  constructor(private readonly client: FakeClient, readonly ref: ResourceRef) {
    client.listeners.push((type, r, obj) => {
      if (!this.synced || r.group !== ref.group || r.resource !== ref.resource) return;
      this.apply(type, obj as T);
    });
  }

  private apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void {
    const key = objKey(obj);
    const old = this.items.get(key);
    if (type === 'DELETED') {
      this.items.delete(key);
      for (const h of this.handlers) h.delete?.(obj);
      return;
    }
    this.items.set(key, obj);
    for (const h of this.handlers) {
      if (old) h.update?.(old, obj);
      else h.add?.(obj);
    }
  }

  addEventHandler(handler: EventHandler<T>): void {
    this.handlers.push(handler);
    if (handler.add) for (const obj of this.items.values()) handler.add(obj);
  }

  async start(): Promise<void> {
    if (this.synced) return;
    const list = await this.client.list<T>(this.ref);
    this.synced = true;
    for (const obj of list.items) this.apply('ADDED', obj);
  }

  stop(): void {}

  hasSynced(): boolean {
    return this.synced;
  }

  list(namespace?: string): T[] {
    return [...this.items.values()].filter((o) => namespace === undefined || o.metadata.namespace === namespace);
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  addIndex(name: string, fn: (obj: T) => string[]): void {
    this.indexes.set(name, fn);
  }

  byIndex(name: string, value: string): T[] {
    const fn = this.indexes.get(name);
    if (!fn) throw new Error(`no index ${name}`);
    return [...this.items.values()].filter((o) => fn(o).includes(value));
  }
}

export class FakeInformers implements SharedInformers {
  readonly informers = new Map<string, FakeInformer>();
  private started = false;

  constructor(private readonly client: FakeClient) {}

  informerFor<T extends KubeObject = KubeObject>(ref: ResourceRef): Informer<T> {
    const key = `${ref.group}/${ref.resource}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new FakeInformer(this.client, ref);
      this.informers.set(key, inf);
      if (this.started) void inf.start();
    }
    return inf as unknown as Informer<T>;
  }

  async start(): Promise<void> {
    this.started = true;
    await Promise.all([...this.informers.values()].map((i) => i.start()));
  }

  stop(): void {}
}

export interface RecordedEvent {
  component: string;
  object: string;
  type: string;
  reason: string;
  message: string;
}

/** A ControllerContext over a FakeClient; recorded events land in `events`. */
export function fakeContext(client: FakeClient, options: Partial<ControllerOptions> = {}): ControllerContext & { events: RecordedEvent[] } {
  const events: RecordedEvent[] = [];
  return {
    client,
    informers: new FakeInformers(client),
    recorder: (component) => ({
      event: (obj, type, reason, message) => events.push({ component, object: objKey(obj), type, reason, message }),
    }),
    options: { ...DEFAULT_CONTROLLER_OPTIONS, ...options },
    clusterCaPem: '-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n',
    events,
  };
}

/** Polls until `check` stops throwing (or returns true), for controllers working in the background. */
export async function until(check: () => unknown, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await check()) !== false) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
