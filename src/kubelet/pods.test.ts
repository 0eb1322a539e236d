import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { Resources } from '../client/resources.js';
import { Backoff } from './backoff.js';
import { FakeRuntime, type FakeClock } from './fake/runtime.js';
import { IpAllocator } from './ipam.js';
import { KeyedRunner } from './keyed.js';
import { MemoryClient } from './memclient.js';
import { PodSyncer } from './pods.js';
import type { Json } from './podstatus.js';
import { FakeProber } from './prober.js';

class ManualClock implements FakeClock {
  t = Date.parse('2025-01-01T00:00:00Z');
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  advance(ms: number): void {
    this.t += ms;
    const due = this.timers.filter((x) => x.at <= this.t);
    this.timers = this.timers.filter((x) => x.at > this.t);
    for (const x of due) x.fn();
  }
}

interface Harness {
  client: MemoryClient;
  clock: ManualClock;
  ips: IpAllocator;
  syncer: PodSyncer;
  runner: KeyedRunner;
  settle(): Promise<void>;
  create(name: string, spec: Json, annotations?: Record<string, string>, finalizers?: string[]): Promise<KubeObject>;
  pod(name: string): KubeObject | undefined;
  statusPatches(name: string): number;
}

let current: Harness | undefined;
afterEach(async () => {
  await current?.runner.stop();
  current = undefined;
});

/** A runtime whose node lacks some images (and there is no registry to pull them from). */
class MissingImagesRuntime extends FakeRuntime {
  readonly missing = new Set<string>();
  override async pullImage(image: string) {
    if (this.missing.has(image)) throw new Error(`image "${image}" is not present on the node`);
    return super.pullImage(image);
  }
}

function harness(runtimeFor: (clock: ManualClock) => FakeRuntime = (clock) => new FakeRuntime(clock)): Harness {
  const client = new MemoryClient();
  const clock = new ManualClock();
  const ips = new IpAllocator('10.244.0.0/24');
  let syncer!: PodSyncer;
  const runner = new KeyedRunner((uid) => syncer.sync(uid), 8, (_k, err) => { throw err; });
  syncer = new PodSyncer({
    nodeName: 'n1',
    hostIP: '192.168.1.10',
    client,
    runtime: runtimeFor(clock),
    prober: new FakeProber(),
    ips,
    scheduler: runner,
    backoff: new Backoff(() => clock.now()),
    now: () => clock.now(),
  });
  client.onChange = (ref, obj, deleted) => {
    if (ref.resource !== 'pods' || (obj.spec as Json).nodeName !== 'n1') return;
    if (deleted) syncer.remove(obj);
    else syncer.upsert(obj);
  };
  const h: Harness = {
    client, clock, ips, syncer, runner,
    async settle() {
      for (let i = 0; i < 10; i++) {
        await runner.idle();
        await new Promise((r) => setImmediate(r));
      }
    },
    async create(name, spec, annotations, finalizers) {
      const pod = await client.create(Resources.pods, 'default', {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name, namespace: 'default', annotations, finalizers },
        spec: { nodeName: 'n1', restartPolicy: 'Always', terminationGracePeriodSeconds: 30, ...spec },
        status: { phase: 'Pending', qosClass: 'BestEffort' },
      });
      await h.settle();
      return pod;
    },
    pod: (name) => client.peek(Resources.pods, 'default', name),
    statusPatches: (name) => client.calls.filter((c) => c.verb === 'patch' && c.subresource === 'status' && c.name === name).length,
  };
  current = h;
  return h;
}

const status = (p: KubeObject | undefined): Json => (p?.status ?? {}) as Json;
const cs = (p: KubeObject | undefined, i = 0): Json => (status(p).containerStatuses as Json[])[i];
const cond = (p: KubeObject | undefined, type: string): Json | undefined => (status(p).conditions as Json[] | undefined)?.find((c) => c.type === type);

describe('PodSyncer', () => {
  it('runs a pod: Running with a pod IP, ready containers, one status write with a uid test', async () => {
    const h = harness();
    const created = await h.create('web', { containers: [{ name: 'c', image: 'nginx' }] });
    const p = h.pod('web');
    expect(status(p).phase).toBe('Running');
    expect(status(p).podIP).toBe('10.244.0.2');
    expect(status(p).hostIP).toBe('192.168.1.10');
    expect(status(p).qosClass).toBe('BestEffort');
    expect(cond(p, 'Ready')?.status).toBe('True');
    expect(cs(p)).toMatchObject({ name: 'c', ready: true, started: true, restartCount: 0, state: { running: {} } });
    expect(String(cs(p).containerID)).toMatch(/^fake:\/\//);
    const patches = h.client.calls.filter((c) => c.verb === 'patch');
    expect(patches).toHaveLength(1);
    expect((patches[0].body as Json[])[0]).toEqual({ op: 'test', path: '/metadata/uid', value: created.metadata.uid });
    // Nothing changed: another sync writes nothing.
    h.runner.enqueue(created.metadata.uid!);
    await h.settle();
    expect(h.statusPatches('web')).toBe(1);
  });

  it('gives every pod its own IP and frees it when the pod is deleted', async () => {
    const h = harness();
    await h.create('a', { containers: [{ name: 'c', image: 'x' }] });
    await h.create('b', { containers: [{ name: 'c', image: 'x' }] });
    expect(status(h.pod('a')).podIP).not.toBe(status(h.pod('b')).podIP);
    expect(h.ips.used).toBe(2);
    await h.client.delete(Resources.pods, 'default', 'a');
    await h.settle();
    expect(h.ips.used).toBe(1);
  });

  it('restartPolicy Always: a container that exits 1 restarts at once, then waits in CrashLoopBackOff (10 s, 20 s …)', async () => {
    const h = harness();
    const p0 = await h.create('crash', { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'exit 1'] }] });
    let p = h.pod('crash');
    expect(status(p).phase).toBe('Running');
    expect(cs(p).restartCount).toBe(1);
    expect(cs(p).state).toEqual({ waiting: { reason: 'CrashLoopBackOff', message: `back-off 10s restarting failed container=c pod=crash_default(${p0.metadata.uid})` } });
    expect((cs(p).lastState as Json).terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(cond(p, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
    // Not yet: 9 s later nothing moves.
    h.clock.advance(9_000);
    h.runner.enqueue(p0.metadata.uid!);
    await h.settle();
    expect(cs(h.pod('crash')).restartCount).toBe(1);
    h.clock.advance(1_100);
    h.runner.enqueue(p0.metadata.uid!);
    await h.settle();
    p = h.pod('crash');
    expect(cs(p).restartCount).toBe(2);
    expect(String((cs(p).state as Json).waiting && ((cs(p).state as Json).waiting as Json).message)).toMatch(/^back-off 20s /);
  });

  it('an image that cannot be pulled: ErrImagePull, then ImagePullBackOff, then Running once it is there', async () => {
    let runtime!: MissingImagesRuntime;
    const h = harness((clock) => (runtime = new MissingImagesRuntime(clock)));
    runtime.missing.add('example.com/app:1');
    const p0 = await h.create('pull', { containers: [{ name: 'app', image: 'example.com/app:1' }] });
    expect(status(h.pod('pull')).phase).toBe('Pending');
    expect(cs(h.pod('pull')).state).toEqual({ waiting: { reason: 'ErrImagePull', message: 'image "example.com/app:1" is not present on the node' } });
    // The next sync, inside the 10 s image back-off, shows the back-off.
    h.clock.advance(1_000);
    h.runner.enqueue(p0.metadata.uid!);
    await h.settle();
    expect(cs(h.pod('pull')).state).toEqual({ waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "example.com/app:1"' } });
    // Loaded meanwhile: after the back-off the pull succeeds and the container runs.
    runtime.missing.clear();
    h.clock.advance(9_100);
    h.runner.enqueue(p0.metadata.uid!);
    await h.settle();
    expect(status(h.pod('pull')).phase).toBe('Running');
    expect(cs(h.pod('pull'))).toMatchObject({ ready: true, state: { running: {} } });
  });

  it('restartPolicy OnFailure/Never: a container that exits 0 completes the pod and frees its IP', async () => {
    const h = harness();
    await h.create('job', { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox', command: ['true'] }] });
    const p = h.pod('job');
    expect(status(p).phase).toBe('Succeeded');
    expect(cond(p, 'PodReadyToStartContainers')?.status).toBe('False');
    expect(cond(p, 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(status(p).podIP).toBe('10.244.0.2'); // kept in the status, as upstream does
    expect(h.ips.used).toBe(0);
    await h.create('fail', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'exit 3'] }] });
    expect(status(h.pod('fail')).phase).toBe('Failed');
    expect((cs(h.pod('fail')).state as Json).terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
  });

  it('sleep N: Running, then Succeeded N seconds later (restartPolicy Never)', async () => {
    const h = harness();
    await h.create('nap', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sleep', '5'] }] });
    expect(status(h.pod('nap')).phase).toBe('Running');
    h.clock.advance(5_000);
    await h.settle();
    expect(status(h.pod('nap')).phase).toBe('Succeeded');
  });

  it('runs init containers in order before the containers', async () => {
    const h = harness();
    await h.create('init', {
      initContainers: [{ name: 'i1', image: 'x', command: ['true'] }, { name: 'i2', image: 'x', command: ['sleep', '2'] }],
      containers: [{ name: 'c', image: 'x' }],
    });
    let p = h.pod('init');
    expect(status(p).phase).toBe('Pending');
    expect((status(p).initContainerStatuses as Json[]).map((s) => Object.keys(s.state as Json)[0])).toEqual(['terminated', 'running']);
    expect((cs(p).state as Json).waiting).toEqual({ reason: 'PodInitializing' });
    expect(cond(p, 'Initialized')?.status).toBe('False');
    h.clock.advance(2_000);
    await h.settle();
    p = h.pod('init');
    expect(status(p).phase).toBe('Running');
    expect(cond(p, 'Initialized')?.status).toBe('True');
    expect(cond(p, 'Ready')?.status).toBe('True');
  });

  it('honours readiness: the skiff.dev/fake-ready annotation, re-read on change, and initialDelaySeconds', async () => {
    const h = harness();
    const p0 = await h.create('r', { containers: [{ name: 'c', image: 'x' }] }, { 'skiff.dev/fake-ready': 'false' });
    expect(status(h.pod('r')).phase).toBe('Running');
    expect(cond(h.pod('r'), 'Ready')?.status).toBe('False');
    expect(cs(h.pod('r')).ready).toBe(false);
    await h.client.patch(Resources.pods, 'default', 'r', 'merge', { metadata: { annotations: { 'skiff.dev/fake-ready': 'true' } } });
    await h.settle();
    expect(cond(h.pod('r'), 'Ready')?.status).toBe('True');
    expect(p0.metadata.uid).toBeTruthy();

    await h.create('delayed', { containers: [{ name: 'c', image: 'x', readinessProbe: { initialDelaySeconds: 5, exec: { command: ['true'] } } }] });
    expect(cond(h.pod('delayed'), 'Ready')?.status).toBe('False');
    h.clock.advance(5_000);
    h.runner.enqueue(h.pod('delayed')!.metadata.uid!);
    await h.settle();
    expect(cond(h.pod('delayed'), 'Ready')?.status).toBe('True');
  });

  it('finishes a graceful delete: stops the containers, then DELETE with grace 0 and the uid', async () => {
    const h = harness();
    const p0 = await h.create('bye', { containers: [{ name: 'c', image: 'x' }] });
    await h.client.patch(Resources.pods, 'default', 'bye', 'merge', { metadata: { deletionTimestamp: '2025-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 } });
    await h.settle();
    const del = h.client.calls.filter((c) => c.verb === 'delete');
    expect(del).toHaveLength(1);
    expect(del[0].options).toEqual({ gracePeriodSeconds: 0, preconditions: { uid: p0.metadata.uid } });
    expect(h.pod('bye')).toBeUndefined();
    expect(h.ips.used).toBe(0);
  });

  it('leaves a pod held by finalizers with a terminal status', async () => {
    const h = harness();
    await h.create('held', { containers: [{ name: 'c', image: 'x' }] }, undefined, ['example.com/hold']);
    // The in-memory client deletes at once; model the API server keeping a finalized pod.
    const real = h.client.delete.bind(h.client);
    h.client.delete = async (ref, ns, name, opts) => {
      h.client.calls.push({ verb: 'delete', resource: ref.resource, namespace: ns, name, options: opts });
    };
    await h.client.patch(Resources.pods, 'default', 'held', 'merge', { metadata: { deletionTimestamp: '2025-01-01T00:00:30Z' } });
    await h.settle();
    const p = h.pod('held');
    expect(status(p).phase).toBe('Failed');
    expect((cs(p).state as Json).terminated).toMatchObject({ exitCode: 137 });
    expect(cond(p, 'Ready')?.status).toBe('False');
    h.client.delete = real;
  });

  it('ignores pods bound to another node', async () => {
    const h = harness();
    const other = await h.client.create(Resources.pods, 'default', {
      metadata: { name: 'x', namespace: 'default' }, spec: { nodeName: 'n2', containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Pending' },
    });
    h.syncer.upsert(other);
    await h.settle();
    expect(h.statusPatches('x')).toBe(0);
    expect(h.ips.used).toBe(0);
  });

  it('adopts the IP, start time and restart count a pod had before the agent restarted', async () => {
    const h = harness();
    const pod = h.client.seed(Resources.pods, {
      metadata: { name: 'old', namespace: 'default' },
      spec: { nodeName: 'n1', restartPolicy: 'Always', containers: [{ name: 'c', image: 'x' }] },
      status: { phase: 'Running', podIP: '10.244.0.77', startTime: '2024-06-01T00:00:00Z', containerStatuses: [{ name: 'c', restartCount: 4, state: { running: {} } }] },
    });
    h.syncer.upsert(pod);
    await h.settle();
    const p = h.pod('old');
    expect(status(p).podIP).toBe('10.244.0.77');
    expect(status(p).startTime).toBe('2024-06-01T00:00:00Z');
    expect(cs(p).restartCount).toBe(4);
  });
});
