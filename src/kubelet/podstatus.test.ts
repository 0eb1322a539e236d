import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { podPrinter } from '../api/printers/pod.js';
import {
  canonical,
  jsonEqual,
  containerApiStatus,
  generatePodStatus,
  getPhase,
  mergeOwnedStatus,
  type ContainerRecord,
  type Json,
} from './podstatus.js';
import type { RuntimeContainer } from './runtime.js';

const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-01T00:00:05Z';

function pod(spec: Json, status: Json = { phase: 'Pending' }, annotations?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u1', annotations, creationTimestamp: T0 }, spec, status };
}

function running(name: string, id = `fake://${name}`): RuntimeContainer {
  return { id, sandboxId: 's', name, attempt: 0, image: 'busybox', imageRef: 'busybox@sha256:x', state: 'running', createdAt: T0, startedAt: T0 };
}

function exited(name: string, exitCode: number, reason = exitCode === 0 ? 'Completed' : 'Error'): RuntimeContainer {
  return { ...running(name), state: 'exited', exitCode, reason, finishedAt: T1 };
}

function rec(current?: RuntimeContainer, extra: Partial<ContainerRecord> = {}): ContainerRecord {
  const ready = current?.state === 'running';
  return { restartCount: 0, current, ready, started: ready, ...extra };
}

function status(p: KubeObject, records: Record<string, ContainerRecord>, sandboxReady = true): Json {
  return generatePodStatus({ pod: p, records: new Map(Object.entries(records)), sandboxReady, podIP: '10.244.0.2', hostIP: '192.168.1.10', startTime: T0, now: T1 });
}

/** READY and STATUS as `kubectl get pods` prints them (the server-side table). */
function printed(p: KubeObject, s: Json): { ready: string; status: string; restarts: string } {
  const cells = podPrinter.row({ ...p, status: s }, { now: Date.parse(T1) });
  return { ready: String(cells[1]), status: String(cells[2]), restarts: String(cells[3]).replace(/ \(.*\)$/, '') };
}

function cond(s: Json, type: string): Json | undefined {
  return (s.conditions as Json[]).find((c) => c.type === type);
}

const one = { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Always' };

describe('pod status generation', () => {
  it('a running, ready pod: Running, 1/1, every condition True, IPs and container status', () => {
    const p = pod(one);
    const s = status(p, { c: rec(running('c')) });
    expect(s.phase).toBe('Running');
    expect(s.podIP).toBe('10.244.0.2');
    expect(s.podIPs).toEqual([{ ip: '10.244.0.2' }]);
    expect(s.hostIPs).toEqual([{ ip: '192.168.1.10' }]);
    expect(s.startTime).toBe(T0);
    expect((s.conditions as Json[]).map((c) => [c.type, c.status])).toEqual([
      ['PodReadyToStartContainers', 'True'],
      ['Initialized', 'True'],
      ['Ready', 'True'],
      ['ContainersReady', 'True'],
      ['PodScheduled', 'True'],
    ]);
    expect((s.containerStatuses as Json[])[0]).toEqual({
      name: 'c',
      image: 'busybox',
      imageID: 'busybox@sha256:x',
      containerID: 'fake://c',
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: T0 } },
      lastState: {},
    });
    expect(printed(p, s)).toEqual({ ready: '1/1', status: 'Running', restarts: '0' });
  });

  it('a container not yet created waits in ContainerCreating; the pod is Pending', () => {
    const p = pod(one);
    const s = status(p, {}, false);
    expect(s.phase).toBe('Pending');
    expect((s.containerStatuses as Json[])[0].state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    expect(cond(s, 'PodReadyToStartContainers')?.status).toBe('False');
    expect(cond(s, 'ContainersReady')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [c]' });
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
    expect(printed(p, s)).toEqual({ ready: '0/1', status: 'ContainerCreating', restarts: '0' });
  });

  it('an unready container (readiness failing): Running but 0/1 and Ready False', () => {
    const p = pod({ containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x' }] });
    const s = status(p, { a: rec(running('a')), b: rec(running('b'), { ready: false }) });
    expect(s.phase).toBe('Running');
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [b]' });
    expect(printed(p, s).ready).toBe('1/2');
  });

  it('Succeeded when every container exited 0 under OnFailure/Never', () => {
    for (const restartPolicy of ['OnFailure', 'Never']) {
      const p = pod({ ...one, restartPolicy });
      const s = status(p, { c: rec(exited('c', 0)) });
      expect(s.phase).toBe('Succeeded');
      expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
      expect(cond(s, 'ContainersReady')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
      expect(cond(s, 'Initialized')).toMatchObject({ status: 'True', reason: 'PodCompleted' });
      expect((s.containerStatuses as Json[])[0].state).toEqual({
        terminated: { exitCode: 0, reason: 'Completed', startedAt: T0, finishedAt: T1, containerID: 'fake://c' },
      });
      expect(printed(p, s).status).toBe('Completed');
    }
  });

  it('Failed under Never when a container exited non-zero; Running under OnFailure (it restarts)', () => {
    const never = pod({ ...one, restartPolicy: 'Never' });
    const failed = status(never, { c: rec(exited('c', 1)) });
    expect(failed.phase).toBe('Failed');
    expect(cond(failed, 'Ready')).toMatchObject({ status: 'False', reason: 'PodFailed' });
    expect(printed(never, failed).status).toBe('Error');
    expect(status(pod({ ...one, restartPolicy: 'OnFailure' }), { c: rec(exited('c', 1)) }).phase).toBe('Running');
  });

  it('RestartPolicy Always: a container in CrashLoopBackOff keeps the pod Running, shown as CrashLoopBackOff', () => {
    const p = pod(one);
    const waiting = { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=c pod=p_default(u1)' };
    const s = status(p, { c: rec({ ...exited('c', 1), attempt: 1 }, { restartCount: 1, waiting, ready: false, started: false, lastTerminated: { exitCode: 1 } }) });
    expect(s.phase).toBe('Running');
    const cs = (s.containerStatuses as Json[])[0];
    expect(cs.state).toEqual({ waiting });
    expect((cs.lastState as Json).terminated).toMatchObject({ exitCode: 1, reason: 'Error', containerID: 'fake://c' });
    expect(cs.restartCount).toBe(1);
    expect(cs.ready).toBe(false);
    expect(printed(p, s)).toEqual({ ready: '0/1', status: 'CrashLoopBackOff', restarts: '1' });
  });

  it('init containers: Pending with Init:0/2 while the first runs, Init:1/2 after it, then Running', () => {
    const spec = { initContainers: [{ name: 'i1', image: 'x' }, { name: 'i2', image: 'x' }], containers: [{ name: 'c', image: 'x' }] };
    const p = pod(spec);
    const first = status(p, { i1: rec(running('i1'), { ready: false }) });
    expect(first.phase).toBe('Pending');
    expect(cond(first, 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [i1 i2]' });
    expect((first.containerStatuses as Json[])[0].state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(printed(p, first).status).toBe('Init:0/2');
    const second = status(p, { i1: rec(exited('i1', 0)), i2: rec(running('i2'), { ready: false }) });
    expect(printed(p, second).status).toBe('Init:1/2');
    expect((second.initContainerStatuses as Json[])[0].ready).toBe(true);
    const done = status(p, { i1: rec(exited('i1', 0)), i2: rec(exited('i2', 0)), c: rec(running('c')) });
    expect(done.phase).toBe('Running');
    expect(cond(done, 'Initialized')?.status).toBe('True');
    expect(printed(p, done)).toEqual({ ready: '1/1', status: 'Running', restarts: '0' });
  });

  it('a failed init container fails the pod under Never and shows Init:Error', () => {
    const p = pod({ initContainers: [{ name: 'i', image: 'x' }], containers: [{ name: 'c', image: 'x' }], restartPolicy: 'Never' });
    const s = status(p, { i: rec(exited('i', 1)) });
    expect(s.phase).toBe('Failed');
    expect(printed(p, s).status).toBe('Init:Error');
    const always = pod({ initContainers: [{ name: 'i', image: 'x' }], containers: [{ name: 'c', image: 'x' }] });
    expect(status(always, { i: rec(exited('i', 1)) }).phase).toBe('Pending');
  });

  it('sidecars (restartable init containers) count as containers once started', () => {
    const p = pod({ initContainers: [{ name: 'side', image: 'x', restartPolicy: 'Always' }], containers: [{ name: 'c', image: 'x' }] });
    const s = status(p, { side: rec(running('side')), c: rec(running('c')) });
    expect(s.phase).toBe('Running');
    expect(cond(s, 'Initialized')?.status).toBe('True');
    expect(printed(p, s).ready).toBe('2/2');
  });

  it('readiness gates hold Ready back until their condition is True', () => {
    const p = pod({ ...one, readinessGates: [{ conditionType: 'example.com/lb' }] });
    const s = status(p, { c: rec(running('c')) });
    expect(cond(s, 'ContainersReady')?.status).toBe('True');
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'ReadinessGatesNotReady', message: 'corresponding condition of pod readiness gate "example.com/lb" does not exist.' });
    const gated = pod(p.spec as Json, { phase: 'Running', conditions: [{ type: 'example.com/lb', status: 'True' }] });
    const s2 = status(gated, { c: rec(running('c')) });
    expect(cond(s2, 'Ready')?.status).toBe('True');
    expect((s2.conditions as Json[]).map((c) => c.type)).toContain('example.com/lb');
  });

  it('keeps transition times while a condition holds, and the scheduler\'s PodScheduled', () => {
    const old = { phase: 'Running', conditions: [
      { type: 'Ready', status: 'True', lastTransitionTime: '2024-12-31T00:00:00Z', lastProbeTime: null },
      { type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-12-30T00:00:00Z', lastProbeTime: null },
    ] };
    const s = status(pod(one, old), { c: rec(running('c')) });
    expect(cond(s, 'Ready')?.lastTransitionTime).toBe('2024-12-31T00:00:00Z');
    expect(cond(s, 'PodScheduled')?.lastTransitionTime).toBe('2024-12-30T00:00:00Z');
    expect(cond(s, 'ContainersReady')?.lastTransitionTime).toBe(T1);
    const unready = status(pod(one, old), { c: rec(running('c'), { ready: false }) });
    expect(cond(unready, 'Ready')?.lastTransitionTime).toBe(T1);
  });

  it('never moves a terminal phase back', () => {
    const p = pod({ ...one, restartPolicy: 'Never' }, { phase: 'Succeeded' });
    expect(status(p, { c: rec(running('c')) }).phase).toBe('Succeeded');
  });

  it('a deleted pod is terminal: its killed containers fail it', () => {
    const p = pod(one);
    const s = generatePodStatus({ pod: p, records: new Map([['c', rec(exited('c', 137))]]), sandboxReady: false, hostIP: 'h', startTime: T0, now: T1, podIsTerminal: true });
    expect(s.phase).toBe('Failed');
  });
});

describe('getPhase', () => {
  it('is Pending while any container waits without having run', () => {
    const p = pod({ containers: [{ name: 'a' }, { name: 'b' }] });
    const statuses = [
      containerApiStatus({ name: 'a', image: 'x' }, rec(running('a')), 'ContainerCreating'),
      containerApiStatus({ name: 'b', image: 'x' }, undefined, 'ContainerCreating'),
    ];
    expect(getPhase(p, statuses)).toBe('Pending');
  });
});

describe('status merge', () => {
  it('keeps the keys the kubelet does not own and compares regardless of key order', () => {
    const merged = mergeOwnedStatus({ qosClass: 'BestEffort', phase: 'Pending', reason: 'Old' }, { phase: 'Running' });
    expect(merged).toEqual({ qosClass: 'BestEffort', phase: 'Running' });
    expect(canonical({ a: 1, b: { d: 1, c: [2, { f: 1, e: 0 }] } })).toBe(canonical({ b: { c: [2, { e: 0, f: 1 }], d: 1 }, a: 1 }));
  });

  it('mirrors volume mounts into the container status', () => {
    const s = containerApiStatus({ name: 'c', image: 'x', volumeMounts: [{ name: 'v', mountPath: '/v', readOnly: true }, { name: 'w', mountPath: '/w' }] }, rec(running('c')), 'ContainerCreating');
    expect(s.volumeMounts).toEqual([{ name: 'v', mountPath: '/v', readOnly: true, recursiveReadOnly: 'Disabled' }, { name: 'w', mountPath: '/w' }]);
  });
});

describe('jsonEqual', () => {
  it('ignores key order and undefined members, not array order', () => {
    expect(jsonEqual({ a: 1, b: { c: [1, { d: null }] } }, { b: { c: [1, { d: null }] }, a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1, x: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: null }, { a: {} })).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
  });
});
