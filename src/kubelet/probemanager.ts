// The real prober (pkg/kubelet/prober, manager.go + worker.go): one worker per container and probe
// type, probing every periodSeconds once initialDelaySeconds have passed, counting consecutive
// results against successThreshold / failureThreshold and caching the result. The pod sync reads
// the cache through `check` (as the kubelet's status manager reads the results managers); a cached
// result that changes asks for a pod sync, which updates readiness or kills a failed container.
import type { KubeObject } from '../api/types.js';
import type { EventRecorder } from '../client/types.js';
import { realClock, type Clock } from './clock.js';
import { runProbe, type ProbeOutcome, type ProbeTarget } from './probehandlers.js';
import type { Json } from './podstatus.js';
import type { Prober, ProbeResult } from './prober.js';
import type { ExecSyncResult, RuntimeContainer } from './runtime.js';

export type ProbeKind = 'startup' | 'liveness' | 'readiness';

const KINDS: ProbeKind[] = ['startup', 'liveness', 'readiness'];
const FIELD: Record<ProbeKind, string> = { startup: 'startupProbe', liveness: 'livenessProbe', readiness: 'readinessProbe' };
const TITLE: Record<ProbeKind, string> = { startup: 'Startup', liveness: 'Liveness', readiness: 'Readiness' };

/** The worker's cached result before its first verdict (worker.go's initialValue). */
const INITIAL: Record<ProbeKind, boolean | undefined> = { startup: undefined, liveness: true, readiness: false };

export interface ProbeManagerDeps {
  /** Runs commands in containers (exec probes). */
  exec?: (containerId: string, cmd: string[], timeoutMs: number) => Promise<ExecSyncResult>;
  recorder?: EventRecorder;
  /** A cached result changed: the pod needs a sync. */
  onChange(podUid: string): void;
  clock?: Clock;
  /** Runs one probe (tests count and script them). */
  run?: (probe: Json, target: ProbeTarget) => Promise<ProbeOutcome>;
}

/** The probe fields with the API's defaults (the API server defaults them too; old objects may not). */
export function probeTiming(probe: Json): { initialDelayMs: number; periodMs: number; timeoutMs: number; successThreshold: number; failureThreshold: number } {
  const n = (v: unknown, d: number, min: number) => (typeof v === 'number' && Number.isFinite(v) && v >= min ? v : d);
  return {
    initialDelayMs: n(probe.initialDelaySeconds, 0, 0) * 1000,
    periodMs: n(probe.periodSeconds, 10, 1) * 1000,
    timeoutMs: n(probe.timeoutSeconds, 1, 1) * 1000,
    successThreshold: n(probe.successThreshold, 1, 1),
    failureThreshold: n(probe.failureThreshold, 3, 1),
  };
}

interface Worker {
  podUid: string;
  name: string;
  kind: ProbeKind;
  probe: Json;
  pod: KubeObject;
  spec: Json;
  containerId: string;
  startedAt: number;
  podIP: string;
  running: boolean;
  result: boolean | undefined;
  lastResult?: boolean;
  resultRun: number;
  /** After a liveness or startup failure: no more probes until the container is replaced. */
  onHold: boolean;
  timer?: unknown;
  inFlight: boolean;
  stopped: boolean;
}

export class ProbeManager implements Prober {
  private readonly workers = new Map<string, Worker>();
  private readonly clock: Clock;
  private readonly run: (probe: Json, target: ProbeTarget) => Promise<ProbeOutcome>;

  constructor(private readonly deps: ProbeManagerDeps) {
    this.clock = deps.clock ?? realClock;
    this.run = deps.run ?? runProbe;
  }

  check(pod: KubeObject, spec: Json, container: RuntimeContainer, _now: number, knownIP?: string): ProbeResult {
    const uid = pod.metadata.uid!;
    const name = String(spec.name);
    const podIP = knownIP ?? String((pod.status as Json | undefined)?.podIP ?? '');
    const byKind: Partial<Record<ProbeKind, Worker>> = {};
    for (const kind of KINDS) {
      const key = `${uid}/${name}/${kind}`;
      const probe = spec[FIELD[kind]] as Json | undefined;
      let w = this.workers.get(key);
      if (!probe) {
        if (w) this.stopWorker(key, w);
        continue;
      }
      if (!w) {
        w = { podUid: uid, name, kind, probe, pod, spec, containerId: '', startedAt: 0, podIP, running: false, result: INITIAL[kind], resultRun: 0, onHold: false, inFlight: false, stopped: false };
        this.workers.set(key, w);
      }
      w.pod = pod;
      w.spec = spec;
      w.probe = probe;
      if (podIP) w.podIP = podIP;
      if (w.containerId !== container.id) this.reset(w, container);
      else if (!w.running) {
        w.running = true;
        this.schedule(w, 0);
      }
      byKind[kind] = w;
    }
    const started = !byKind.startup || byKind.startup.result === true;
    const ready = started && (!byKind.readiness || byKind.readiness.result === true);
    let unhealthy: ProbeResult['unhealthy'];
    if (byKind.liveness?.result === false) unhealthy = 'liveness';
    else if (byKind.startup?.result === false) unhealthy = 'startup';
    return { ready, started, unhealthy };
  }

  /** The container is not running (exited, or waiting to restart): its probes pause. */
  stopped(podUid: string, containerName: string): void {
    for (const kind of KINDS) {
      const w = this.workers.get(`${podUid}/${containerName}/${kind}`);
      if (!w || !w.running) continue;
      w.running = false;
      this.clearTimer(w);
      if (kind === 'readiness' && w.result !== false) w.result = false;
    }
  }

  forget(podUid: string): void {
    for (const [key, w] of this.workers) if (w.podUid === podUid) this.stopWorker(key, w);
  }

  close(): void {
    for (const [key, w] of this.workers) this.stopWorker(key, w);
  }

  /** For tests: the cached result of one probe. */
  cached(podUid: string, containerName: string, kind: ProbeKind): boolean | undefined {
    return this.workers.get(`${podUid}/${containerName}/${kind}`)?.result;
  }

  // ---- workers --------------------------------------------------------------------------------

  /** A new container instance: the worker starts over from its initial value. */
  private reset(w: Worker, container: RuntimeContainer): void {
    this.clearTimer(w);
    w.containerId = container.id;
    w.startedAt = Date.parse(container.startedAt ?? container.createdAt);
    w.result = INITIAL[w.kind];
    w.lastResult = undefined;
    w.resultRun = 0;
    w.onHold = false;
    w.running = true;
    const { initialDelayMs } = probeTiming(w.probe);
    this.schedule(w, Math.max(0, w.startedAt + initialDelayMs - this.clock.now()));
  }

  private schedule(w: Worker, delayMs: number): void {
    this.clearTimer(w);
    if (w.stopped || !w.running) return;
    w.timer = this.clock.setTimeout(() => {
      w.timer = undefined;
      void this.tick(w);
    }, delayMs);
  }

  private clearTimer(w: Worker): void {
    if (w.timer !== undefined) this.clock.clearTimeout(w.timer);
    w.timer = undefined;
  }

  private stopWorker(key: string, w: Worker): void {
    w.stopped = true;
    this.clearTimer(w);
    this.workers.delete(key);
  }

  private startupDone(w: Worker): boolean {
    const startup = this.workers.get(`${w.podUid}/${w.name}/startup`);
    return !startup || startup.result === true;
  }

  /** One probe period (worker.doProbe). */
  private async tick(w: Worker): Promise<void> {
    if (w.stopped || !w.running || w.inFlight) return;
    const timing = probeTiming(w.probe);
    const next = () => this.schedule(w, timing.periodMs);
    if (w.onHold) return next();
    // Liveness and readiness wait for the startup probe; the startup probe stops once it passed.
    if (w.kind !== 'startup' && !this.startupDone(w)) return next();
    if (w.kind === 'startup' && w.result === true) return next();
    const wait = w.startedAt + timing.initialDelayMs - this.clock.now();
    if (wait > 0) return this.schedule(w, wait);
    const containerId = w.containerId;
    w.inFlight = true;
    let outcome: ProbeOutcome;
    try {
      outcome = await this.run(w.probe, {
        podIP: w.podIP,
        container: w.spec,
        timeoutMs: timing.timeoutMs,
        exec: this.deps.exec && ((cmd, timeoutMs) => this.deps.exec!(containerId, cmd, timeoutMs)),
      });
    } finally {
      w.inFlight = false;
    }
    // The container was replaced, or stopped, while the probe ran: its answer is stale.
    if (w.stopped || !w.running || w.containerId !== containerId) return;
    this.record(w, outcome);
    const success = outcome.result === 'success' || outcome.result === 'warning';
    if (w.lastResult === success) w.resultRun++;
    else {
      w.lastResult = success;
      w.resultRun = 1;
    }
    const reached = success ? w.resultRun >= timing.successThreshold : w.resultRun >= timing.failureThreshold;
    if (reached && w.result !== success) {
      w.result = success;
      this.deps.onChange(w.podUid);
      if (w.kind === 'startup' && success) this.wakeAfterStartup(w);
    }
    if (reached && !success && w.kind !== 'readiness') {
      // The container is about to be killed: probing it again would only repeat the failure.
      w.onHold = true;
      w.resultRun = 0;
    }
    next();
  }

  /** Liveness and readiness waited for the startup probe: they probe at once when it passes. */
  private wakeAfterStartup(w: Worker): void {
    for (const kind of ['liveness', 'readiness'] as const) {
      const other = this.workers.get(`${w.podUid}/${w.name}/${kind}`);
      if (other && other.running && !other.inFlight) this.schedule(other, 0);
    }
  }

  /** The Unhealthy event of a failed probe (prober.probe records one for every failure). */
  private record(w: Worker, outcome: ProbeOutcome): void {
    if (outcome.result === 'success') return;
    if (outcome.result === 'warning') {
      this.deps.recorder?.event(w.pod, 'Warning', 'ProbeWarning', `${TITLE[w.kind]} probe warning: ${outcome.output}`);
      return;
    }
    const message = outcome.result === 'error'
      ? `${TITLE[w.kind]} probe errored and resulted in unknown state: ${outcome.output}`
      : `${TITLE[w.kind]} probe failed: ${outcome.output}`;
    this.deps.recorder?.event(w.pod, 'Warning', 'Unhealthy', message);
  }
}
