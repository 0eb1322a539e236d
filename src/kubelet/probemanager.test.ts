import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import type { EventRecorder } from '../client/types.js';
import type { FakeClock } from './fake/runtime.js';
import type { ProbeOutcome } from './probehandlers.js';
import { ProbeManager, probeTiming } from './probemanager.js';
import type { Json } from './podstatus.js';
import type { RuntimeContainer } from './runtime.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');

class ManualClock implements FakeClock {
  t = T0;
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
  /** Moves time on timer by timer, letting each fired probe finish before the next one fires. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= this.t);
      if (due.length > 0) {
        this.timers = this.timers.filter((x) => x.at > this.t);
        for (const x of due) x.fn();
        await new Promise((r) => setImmediate(r));
        continue;
      }
      const next = Math.min(end, ...this.timers.map((x) => x.at));
      if (next <= this.t) return;
      this.t = next;
    }
  }
}

interface Harness {
  clock: ManualClock;
  manager: ProbeManager;
  /** When each probe ran (ms after T0), by probe field. */
  runs: Map<string, number[]>;
  changes: string[];
  events: string[];
  /** What the next probes of a kind answer. */
  answer: Record<string, ProbeOutcome>;
}

function harness(): Harness {
  const clock = new ManualClock();
  const runs = new Map<string, number[]>();
  const changes: string[] = [];
  const events: string[] = [];
  const answer: Record<string, ProbeOutcome> = {};
  const recorder: EventRecorder = { event: (_o, type, reason, message) => events.push(`${type} ${reason} ${message}`) };
  const manager = new ProbeManager({
    clock,
    recorder,
    onChange: (uid) => changes.push(uid),
    run: async (probe) => {
      const kind = String(probe.kind);
      runs.set(kind, [...(runs.get(kind) ?? []), clock.now() - T0]);
      return answer[kind] ?? { result: 'success', output: '' };
    },
  });
  return { clock, manager, runs, changes, events, answer };
}

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u1' }, status: { podIP: '10.0.0.5' } };

function container(id = 'docker://c1', startedAt = T0): RuntimeContainer {
  const at = new Date(startedAt).toISOString();
  return { id, sandboxId: 's', name: 'app', attempt: 0, image: 'i', imageRef: 'sha256:x', state: 'running', createdAt: at, startedAt: at };
}

function spec(probes: Record<string, Json>): Json {
  const out: Json = { name: 'app' };
  for (const [field, p] of Object.entries(probes)) out[field] = { kind: field, ...p };
  return out;
}

describe('probeTiming', () => {
  it('applies the API defaults', () => {
    expect(probeTiming({})).toEqual({ initialDelayMs: 0, periodMs: 10_000, timeoutMs: 1000, successThreshold: 1, failureThreshold: 3 });
  });
});

describe('ProbeManager', () => {
  it('is not ready before the first successful readiness probe, which waits for initialDelaySeconds', async () => {
    const h = harness();
    const s = spec({ readinessProbe: { initialDelaySeconds: 3, periodSeconds: 2 } });
    expect(h.manager.check(pod, s, container(), h.clock.now())).toEqual({ ready: false, started: true, unhealthy: undefined });
    await h.clock.advance(2900);
    expect(h.runs.get('readinessProbe')).toBeUndefined();
    await h.clock.advance(200);
    expect(h.runs.get('readinessProbe')).toEqual([3000]);
    expect(h.changes).toEqual(['u1']);
    expect(h.manager.check(pod, s, container(), h.clock.now()).ready).toBe(true);
    await h.clock.advance(4000);
    expect(h.runs.get('readinessProbe')).toEqual([3000, 5000, 7000]);
  });

  it('turns unready only after failureThreshold failures in a row, with an Unhealthy event for each', async () => {
    const h = harness();
    const s = spec({ readinessProbe: { periodSeconds: 1, failureThreshold: 3 } });
    h.manager.check(pod, s, container(), h.clock.now());
    await h.clock.advance(100);
    expect(h.manager.check(pod, s, container(), h.clock.now()).ready).toBe(true);
    h.answer.readinessProbe = { result: 'failure', output: 'HTTP probe failed with statuscode: 500' };
    await h.clock.advance(2000);
    expect(h.manager.check(pod, s, container(), h.clock.now()).ready).toBe(true);
    await h.clock.advance(1000);
    expect(h.manager.check(pod, s, container(), h.clock.now()).ready).toBe(false);
    expect(h.events).toEqual(Array(3).fill('Warning Unhealthy Readiness probe failed: HTTP probe failed with statuscode: 500'));
    expect(h.changes).toEqual(['u1', 'u1']);
    // successThreshold 1: one success makes it ready again.
    h.answer.readinessProbe = { result: 'success', output: '' };
    await h.clock.advance(1000);
    expect(h.manager.check(pod, s, container(), h.clock.now()).ready).toBe(true);
  });

  it('reports a failed liveness probe once, stops probing, and starts over for a new container', async () => {
    const h = harness();
    const s = spec({ livenessProbe: { periodSeconds: 1, failureThreshold: 2 } });
    h.answer.livenessProbe = { result: 'failure', output: "cat: can't open '/tmp/alive': No such file or directory" };
    expect(h.manager.check(pod, s, container(), h.clock.now()).unhealthy).toBeUndefined();
    await h.clock.advance(1100);
    expect(h.manager.check(pod, s, container(), h.clock.now()).unhealthy).toBe('liveness');
    await h.clock.advance(5000);
    expect(h.runs.get('livenessProbe')).toEqual([0, 1000]); // on hold until the container is replaced
    h.manager.stopped('u1', 'app');
    h.answer.livenessProbe = { result: 'success', output: '' };
    const next = container('docker://c2', h.clock.now());
    expect(h.manager.check(pod, s, next, h.clock.now()).unhealthy).toBeUndefined();
    await h.clock.advance(100);
    expect(h.runs.get('livenessProbe')).toHaveLength(3);
    expect(h.manager.check(pod, s, next, h.clock.now()).unhealthy).toBeUndefined();
  });

  it('holds liveness and readiness until the startup probe passes', async () => {
    const h = harness();
    const s = spec({ startupProbe: { periodSeconds: 1, failureThreshold: 10 }, readinessProbe: { periodSeconds: 5 }, livenessProbe: { periodSeconds: 5 } });
    h.answer.startupProbe = { result: 'failure', output: 'dial tcp 10.0.0.5:80: connect: connection refused' };
    expect(h.manager.check(pod, s, container(), h.clock.now())).toMatchObject({ ready: false, started: false });
    await h.clock.advance(3000);
    expect(h.runs.get('readinessProbe')).toBeUndefined();
    expect(h.runs.get('livenessProbe')).toBeUndefined();
    h.answer.startupProbe = { result: 'success', output: '' };
    await h.clock.advance(1000);
    // Startup passed at 4 s: the others probe at once, then every 5 s; startup stops.
    expect(h.runs.get('readinessProbe')).toEqual([4000]);
    expect(h.runs.get('livenessProbe')).toEqual([4000]);
    expect(h.manager.check(pod, s, container(), h.clock.now())).toMatchObject({ ready: true, started: true });
    await h.clock.advance(5000);
    expect(h.runs.get('startupProbe')).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(h.runs.get('readinessProbe')).toEqual([4000, 9000]);
  });

  it('kills a container whose startup probe never passes', async () => {
    const h = harness();
    const s = spec({ startupProbe: { periodSeconds: 1, failureThreshold: 3 } });
    h.answer.startupProbe = { result: 'failure', output: 'x' };
    h.manager.check(pod, s, container(), h.clock.now());
    await h.clock.advance(2100);
    expect(h.manager.check(pod, s, container(), h.clock.now())).toMatchObject({ started: false, unhealthy: 'startup' });
  });

  it('says when a probe errored', async () => {
    const h = harness();
    const s = spec({ readinessProbe: { periodSeconds: 1 } });
    h.answer.readinessProbe = { result: 'error', output: 'strconv.Atoi: parsing "web": invalid syntax' };
    h.manager.check(pod, s, container(), h.clock.now());
    await h.clock.advance(100);
    expect(h.events).toEqual(['Warning Unhealthy Readiness probe errored and resulted in unknown state: strconv.Atoi: parsing "web": invalid syntax']);
  });

  it('counts a warning as a success and says so', async () => {
    const h = harness();
    const s = spec({ readinessProbe: { periodSeconds: 1 } });
    h.answer.readinessProbe = { result: 'warning', output: 'Probe terminated redirects, Response body: ' };
    h.manager.check(pod, s, container(), h.clock.now());
    await h.clock.advance(100);
    expect(h.manager.check(pod, s, container(), h.clock.now()).ready).toBe(true);
    expect(h.events).toEqual(['Warning ProbeWarning Readiness probe warning: Probe terminated redirects, Response body: ']);
  });

  it('pauses the probes of a stopped container and forgets a pod', async () => {
    const h = harness();
    const s = spec({ readinessProbe: { periodSeconds: 1 } });
    h.manager.check(pod, s, container(), h.clock.now());
    await h.clock.advance(1100);
    expect(h.runs.get('readinessProbe')).toEqual([0, 1000]);
    h.manager.stopped('u1', 'app');
    expect(h.manager.cached('u1', 'app', 'readiness')).toBe(false);
    await h.clock.advance(3000);
    expect(h.runs.get('readinessProbe')).toHaveLength(2);
    h.manager.check(pod, s, container(), h.clock.now());
    await h.clock.advance(100);
    expect(h.runs.get('readinessProbe')).toHaveLength(3);
    h.manager.forget('u1');
    await h.clock.advance(3000);
    expect(h.runs.get('readinessProbe')).toHaveLength(3);
    expect(h.manager.cached('u1', 'app', 'readiness')).toBeUndefined();
  });
});
