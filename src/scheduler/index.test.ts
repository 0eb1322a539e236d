import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import type { Client, EventHandler, EventRecorder, Informer, ResourceRef } from '../client/types.js';
import type { SharedInformers } from '../controllers/context.js';
import { Scheduler } from './index.js';
import { makeNode, makePod } from './testing.js';

/** An informer over an in-memory map: tests push objects through it like a watch would. */
class FakeInformer implements Informer {
  private readonly objects = new Map<string, KubeObject>();
  private readonly handlers: EventHandler<KubeObject>[] = [];
  constructor(readonly ref: ResourceRef) {}
  addEventHandler(h: EventHandler<KubeObject>): void {
    this.handlers.push(h);
  }
  async start(): Promise<void> {}
  stop(): void {}
  hasSynced(): boolean {
    return true;
  }
  list(): KubeObject[] {
    return [...this.objects.values()];
  }
  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(`${namespace ?? ''}/${name}`);
  }
  addIndex(): void {}
  byIndex(): KubeObject[] {
    return [];
  }
  upsert(obj: KubeObject): void {
    const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    const old = this.objects.get(key);
    this.objects.set(key, obj);
    for (const h of this.handlers) old ? h.update?.(old, obj) : h.add?.(obj);
  }
  remove(obj: KubeObject): void {
    this.objects.delete(`${obj.metadata.namespace ?? ''}/${obj.metadata.name}`);
    for (const h of this.handlers) h.delete?.(obj);
  }
}

interface Harness {
  scheduler: Scheduler;
  nodes: FakeInformer;
  pods: FakeInformer;
  events: { reason: string; message: string; name: string }[];
  patches: { name: string; patch: { status: { conditions: { message: string; reason: string }[] } } }[];
  bindings: { name: string; node: string }[];
  failBinds: number;
}

function harness(): Harness {
  const informers = new Map<string, FakeInformer>();
  const informerFor = (ref: ResourceRef) => {
    let inf = informers.get(ref.resource);
    if (!inf) informers.set(ref.resource, (inf = new FakeInformer(ref)));
    return inf;
  };
  const shared = { informerFor, start: async () => {}, stop: () => {} } as unknown as SharedInformers;
  const h = { events: [], patches: [], bindings: [], failBinds: 0 } as unknown as Harness;
  const recorder: EventRecorder = { event: (obj, _type, reason, message) => h.events.push({ reason, message, name: obj.metadata.name ?? '' }) };
  const client = {
    async createSubresource(_ref: ResourceRef, ns: string, name: string, _sub: string, body: { target: { name: string } }) {
      if (h.failBinds > 0) {
        h.failBinds--;
        throw Object.assign(new Error('etcd hiccup'), { code: 500, reason: 'InternalError' });
      }
      h.bindings.push({ name, node: body.target.name });
      // The API server sets spec.nodeName; the watch then delivers the update.
      const pod = h.pods.get(ns, name)!;
      setImmediate(() => h.pods.upsert({ ...pod, spec: { ...(pod.spec as object), nodeName: body.target.name } }));
      return {};
    },
    async patch(_ref: ResourceRef, ns: string, name: string, _t: string, patch: Harness['patches'][number]['patch']) {
      h.patches.push({ name, patch });
      const pod = h.pods.get(ns, name)!;
      setImmediate(() => h.pods.upsert({ ...pod, status: { ...(pod.status as object), conditions: patch.status.conditions } }));
      return pod;
    },
    async delete() {},
  } as unknown as Client;
  h.nodes = informerFor({ group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false });
  h.pods = informerFor({ group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true });
  h.scheduler = new Scheduler({ client, informers: shared, recorder, options: { flushIntervalMs: 20, queue: { initialBackoffMs: 20, maxBackoffMs: 40 } } });
  return h;
}

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let current: Harness | undefined;
afterEach(() => current?.scheduler.stop());

describe('Scheduler', () => {
  it('binds pending pods, spreads replicas and records Scheduled events', async () => {
    const h = (current = harness());
    h.nodes.upsert(makeNode('n1'));
    h.nodes.upsert(makeNode('n2'));
    await h.scheduler.start();
    for (let i = 0; i < 4; i++) h.pods.upsert(makePod(`web-${i}`, { owner: 'rs', cpu: '100m' }));
    await until(() => h.bindings.length === 4);
    const perNode = h.bindings.reduce<Record<string, number>>((acc, b) => ({ ...acc, [b.node]: (acc[b.node] ?? 0) + 1 }), {});
    expect(perNode).toEqual({ n1: 2, n2: 2 });
    await until(() => h.events.filter((e) => e.reason === 'Scheduled').length === 4);
    expect(h.events.find((e) => e.name === 'web-0')?.message).toMatch(/^Successfully assigned default\/web-0 to n[12]$/);
  });

  it('leaves pods of other schedulers and bound pods alone', async () => {
    const h = (current = harness());
    h.nodes.upsert(makeNode('n1'));
    await h.scheduler.start();
    h.pods.upsert(makePod('mine'));
    h.pods.upsert(makePod('theirs', { spec: { schedulerName: 'other' } }));
    h.pods.upsert(makePod('bound', { nodeName: 'n1' }));
    await until(() => h.bindings.length === 1);
    await sleep(50);
    expect(h.bindings.map((b) => b.name)).toEqual(['mine']);
  });

  it('reports a pod that fits nowhere once, then schedules it when a node that fits appears', async () => {
    const h = (current = harness());
    h.nodes.upsert(makeNode('small', { cpu: '1' }));
    await h.scheduler.start();
    h.pods.upsert(makePod('big', { cpu: '4' }));
    await until(() => h.patches.length === 1);
    const message = '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';
    expect(h.events).toEqual([{ reason: 'FailedScheduling', message, name: 'big' }]);
    expect(h.patches[0].patch.status.conditions[0]).toMatchObject({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message });
    // Our own status patch comes back through the watch; heartbeats change nothing relevant: no retry.
    const small = makeNode('small', { cpu: '1' });
    h.nodes.upsert({ ...small, status: { ...(small.status as object), conditions: [{ type: 'Ready', status: 'True' }] } });
    await sleep(150);
    expect(h.events).toEqual([{ reason: "FailedScheduling", message, name: "big" }]);
    expect(h.bindings.length).toBe(0);
    h.nodes.upsert(makeNode('large', { cpu: '8' }));
    await until(() => h.bindings.length === 1);
    expect(h.bindings[0]).toEqual({ name: 'big', node: 'large' });
  });

  it('retries after a failed binding', async () => {
    const h = (current = harness());
    h.nodes.upsert(makeNode('n1'));
    h.failBinds = 1;
    await h.scheduler.start();
    h.pods.upsert(makePod('p'));
    await until(() => h.bindings.length === 1);
    expect(h.events.map((e) => e.reason)).toEqual(['FailedScheduling', 'Scheduled']);
    expect(h.events[0].message).toBe('binding rejected: etcd hiccup');
  });

  it('says so when there are no nodes, and schedules once one registers', async () => {
    const h = (current = harness());
    await h.scheduler.start();
    h.pods.upsert(makePod('p'));
    await until(() => h.events.length === 1);
    expect(h.events[0].message).toBe('no nodes available to schedule pods');
    h.nodes.upsert(makeNode('n1'));
    await until(() => h.bindings.length === 1);
  });

  it('counts assumed pods so a burst does not overfill a node', async () => {
    const h = (current = harness());
    h.nodes.upsert(makeNode('n1', { cpu: '1' }));
    await h.scheduler.start();
    for (let i = 0; i < 3; i++) h.pods.upsert(makePod(`p${i}`, { cpu: '400m' }));
    await until(() => h.bindings.length === 2 && h.events.some((e) => e.reason === 'FailedScheduling'));
    await sleep(50);
    expect(h.bindings.length).toBe(2);
    // Deleting a bound pod frees room for the third.
    h.pods.remove(h.pods.get('default', h.bindings[0].name)!);
    await until(() => h.bindings.length === 3);
  });
});
