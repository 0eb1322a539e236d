// kube-scheduler, skiff's way: informers feed a cache of nodes and the pods on them, a priority
// queue holds pods without a node, and one loop decides for one pod at a time — filters, scores,
// assume, then bind through pods/binding without waiting, so the next decision starts at once.
// Pods that fit nowhere get the upstream FailedScheduling event and PodScheduled=False condition,
// and wait for a cluster change that could help them.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { KubeObject } from '../api/types.js';
import { Resources } from '../client/resources.js';
import type { ApiErrorShape, Client, EventRecorder, Informer } from '../client/types.js';
import type { SharedInformers } from '../controllers/context.js';
import { schedulePod, type ScheduleContext } from './algorithm.js';
import { SchedulerCache } from './cache.js';
import { fitErrorMessage, NO_NODES_AVAILABLE, truncateMessage } from './fiterror.js';
import { newPodInfo, podKey } from './nodeinfo.js';
import { preempt, type Candidate } from './preemption.js';
import { SchedulingQueue, type ClusterEvent, type QueueOptions } from './queue.js';
import type { PluginName, PodInfo } from './types.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export interface SchedulerOptions {
  /** Bindings allowed in flight before the loop waits (bounds sockets and memory). */
  maxInFlightBinds?: number;
  queue?: QueueOptions;
  /** How often backoff and the unschedulable pool are flushed. */
  flushIntervalMs?: number;
  /** Where diagnostics go (defaults to stderr when SKIFF_SCHEDULER_DEBUG is set). */
  log?: (message: string) => void;
}

export interface SchedulerDeps {
  client: Client;
  informers: SharedInformers;
  recorder: EventRecorder;
  schedulerName?: string;
  options?: SchedulerOptions;
}

type Obj = Record<string, unknown>;

const ALL_PLUGINS: PluginName[] = ['NodeUnschedulable', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'VolumeBinding', 'PodTopologySpread', 'InterPodAffinity'];

const spec = (o: KubeObject) => (o.spec ?? {}) as Obj;
const status = (o: KubeObject) => (o.status ?? {}) as Obj;

function isTerminal(pod: KubeObject): boolean {
  const phase = status(pod).phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

const json = (v: unknown) => JSON.stringify(v ?? null);

/** isPodUpdated: anything but status and bookkeeping changed (our own status patches must not requeue). */
function podSpecChanged(a: KubeObject, b: KubeObject): boolean {
  return json(a.spec) !== json(b.spec) || json(a.metadata.labels) !== json(b.metadata.labels) || json(a.metadata.annotations) !== json(b.metadata.annotations);
}

/** Which plugins' verdicts a node update may flip (heartbeats change none of these). */
function nodeChangePlugins(a: KubeObject, b: KubeObject): PluginName[] {
  const out: PluginName[] = [];
  const sa = spec(a);
  const sb = spec(b);
  if (sa.unschedulable !== sb.unschedulable || json(sa.taints) !== json(sb.taints)) out.push('NodeUnschedulable', 'TaintToleration', 'PodTopologySpread');
  if (json(a.metadata.labels) !== json(b.metadata.labels)) out.push('NodeAffinity', 'PodTopologySpread', 'InterPodAffinity');
  if (json(status(a).allocatable) !== json(status(b).allocatable)) out.push('NodeResourcesFit');
  return out;
}

function errorCode(err: unknown): number | undefined {
  return typeof (err as ApiErrorShape)?.code === 'number' ? (err as ApiErrorShape).code : undefined;
}

export class Scheduler {
  private readonly client: Client;
  private readonly recorder: EventRecorder;
  private readonly schedulerName: string;
  private readonly cache = new SchedulerCache();
  private readonly queue: SchedulingQueue;
  /** Unbound pods this scheduler is responsible for, latest version. */
  private readonly pending = new Map<string, KubeObject>();
  private readonly nodes: Informer;
  private readonly pods: Informer;
  private readonly pvcs: Informer;
  private readonly maxBinds: number;
  private readonly flushIntervalMs: number;
  private readonly log: (message: string) => void;
  private bindsInFlight = 0;
  private bindSlotWaiters: (() => void)[] = [];
  private nextStart = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  /** Cluster events gathered during one turn of the event loop: plugin ('*' all) → newest event tick. */
  private pendingEvents = new Map<PluginName | '*', number>();
  private eventFlushScheduled = false;
  private loopDone: Promise<void> | undefined;
  private loopFailed = false;
  private readonly deps: SchedulerDeps;

  constructor(deps: SchedulerDeps) {
    this.deps = deps;
    this.client = deps.client;
    this.recorder = deps.recorder;
    this.schedulerName = deps.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    const options = deps.options ?? {};
    this.queue = new SchedulingQueue(options.queue);
    this.maxBinds = options.maxInFlightBinds ?? 64;
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.log = options.log ?? (process.env.SKIFF_SCHEDULER_DEBUG ? (m) => process.stderr.write(`scheduler: ${m}\n`) : () => {});
    // Informers are created here so a factory started by the caller already includes them.
    this.nodes = deps.informers.informerFor(Resources.nodes);
    this.pods = deps.informers.informerFor(Resources.pods);
    this.pvcs = deps.informers.informerFor(Resources.persistentvolumeclaims);
    this.nodes.addEventHandler({
      add: (n) => this.nodeAdded(n),
      update: (o, n) => this.nodeUpdated(o, n),
      delete: (n) => this.cache.removeNode(n.metadata.name ?? ''),
    });
    this.pods.addEventHandler({
      add: (p) => this.podChanged(undefined, p),
      update: (o, p) => this.podChanged(o, p),
      delete: (p) => this.podDeleted(p),
    });
    this.pvcs.addEventHandler({
      add: () => this.clusterEvent({ label: 'PvcAdd', plugins: ['VolumeBinding'] }),
      update: () => this.clusterEvent({ label: 'PvcUpdate', plugins: ['VolumeBinding'] }),
    });
  }

  async start(): Promise<void> {
    await this.deps.informers.start();
    // Handlers saw the initial lists; a second pass is idempotent and covers an informer that
    // filled its cache before our handlers were attached.
    for (const n of this.nodes.list()) this.cache.setNode(n);
    for (const p of this.pods.list()) this.podChanged(undefined, p);
    this.timer = setInterval(() => this.queue.flush(), this.flushIntervalMs);
    this.timer.unref();
    this.loopDone = this.loop().catch((err) => {
      this.loopFailed = true;
      process.stderr.write(`scheduler: scheduling loop stopped: ${(err as Error).stack ?? err}\n`);
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.queue.close();
    for (const w of this.bindSlotWaiters.splice(0)) w();
  }

  /** Started, not stopped, and the scheduling loop has not died. */
  running(): boolean {
    return this.loopDone !== undefined && !this.stopped && !this.loopFailed;
  }

  /** Resolves when the scheduling loop has exited after stop() (tests). */
  async whenStopped(): Promise<void> {
    await this.loopDone;
  }

  // ---- informer events -------------------------------------------------------------------------

  private responsible(pod: KubeObject): boolean {
    const s = spec(pod);
    if (s.nodeName || pod.metadata.deletionTimestamp || isTerminal(pod)) return false;
    // Gated pods wait outside the queue until their gates are removed (SchedulingGates PreEnqueue).
    if (Array.isArray(s.schedulingGates) && s.schedulingGates.length > 0) return false;
    return (s.schedulerName ?? DEFAULT_SCHEDULER_NAME) === this.schedulerName;
  }

  private nodeAdded(node: KubeObject): void {
    this.cache.setNode(node);
    this.clusterEvent({ label: 'NodeAdd' });
  }

  private nodeUpdated(old: KubeObject, node: KubeObject): void {
    this.cache.setNode(node);
    const plugins = nodeChangePlugins(old, node);
    if (plugins.length) this.clusterEvent({ label: 'NodeUpdate', plugins });
  }

  private podChanged(old: KubeObject | undefined, pod: KubeObject): void {
    const key = podKey(pod);
    const nodeName = spec(pod).nodeName as string | undefined;
    if (nodeName) return this.assignedPodChanged(old, pod, key, nodeName);
    if (!this.responsible(pod)) {
      if (this.pending.delete(key)) this.queue.delete(key);
      return;
    }
    const prev = this.pending.get(key);
    this.pending.set(key, pod);
    if (this.cache.isAssumed(key)) return; // its binding is in flight
    const priority = Number(spec(pod).priority ?? 0);
    if (!prev) this.queue.add(key, priority);
    else if (podSpecChanged(prev, pod)) this.queue.update(key, priority);
  }

  private assignedPodChanged(old: KubeObject | undefined, pod: KubeObject, key: string, nodeName: string): void {
    if (this.pending.delete(key)) this.queue.done(key);
    if (isTerminal(pod)) {
      // Upstream's scheduler watches only non-terminal pods: a finished pod frees its node.
      if (this.cache.removePod(key)) this.clusterEvent({ label: 'AssignedPodDelete', plugins: ['NodeResourcesFit', 'NodePorts', 'InterPodAffinity', 'PodTopologySpread'] });
      return;
    }
    const known = this.cache.placement(key);
    this.cache.addPod(newPodInfo(pod), nodeName);
    if (!known || known.assumed) this.clusterEvent({ label: 'AssignedPodAdd', plugins: ['InterPodAffinity', 'PodTopologySpread'] });
    else if (old && json(old.metadata.labels) !== json(pod.metadata.labels)) this.clusterEvent({ label: 'AssignedPodUpdate', plugins: ['InterPodAffinity', 'PodTopologySpread'] });
  }

  private podDeleted(pod: KubeObject): void {
    const key = podKey(pod);
    if (this.pending.delete(key)) this.queue.delete(key);
    if (this.cache.removePod(key)) {
      this.clusterEvent({ label: 'AssignedPodDelete', plugins: ['NodeResourcesFit', 'NodePorts', 'InterPodAffinity', 'PodTopologySpread'] });
    }
  }

  /** Coalesces events of one event-loop turn: during a burst of bindings, parked pods are scanned once. */
  private clusterEvent(event: ClusterEvent): void {
    // Stamped now, so a pod whose attempt starts before the batch is applied is not moved by it.
    const tick = this.queue.tick();
    for (const p of event.plugins ?? ['*' as const]) this.pendingEvents.set(p, tick);
    if (this.eventFlushScheduled) return;
    this.eventFlushScheduled = true;
    setImmediate(() => {
      this.eventFlushScheduled = false;
      const pending = this.pendingEvents;
      this.pendingEvents = new Map();
      const moved = this.queue.onEvents(pending);
      if (moved) this.log(`moved ${moved} unschedulable pod(s) back to the queue`);
    });
  }

  // ---- the scheduling loop ---------------------------------------------------------------------

  private async loop(): Promise<void> {
    let sliceStart = performance.now();
    while (!this.stopped) {
      const entry = await this.queue.pop();
      if (!entry || this.stopped) return;
      try {
        this.scheduleOne(entry.key);
      } catch (err) {
        // A bug on one odd pod must not stop scheduling for everyone else.
        this.log(`scheduling ${entry.key} failed: ${(err as Error).stack ?? err}`);
        this.queue.backoff(entry.key);
      }
      // Decisions are synchronous; give watch events and binding replies their turn regularly.
      if (performance.now() - sliceStart > 10) {
        await yieldToEventLoop();
        sliceStart = performance.now();
      }
      while (this.bindsInFlight >= this.maxBinds && !this.stopped) await new Promise<void>((r) => this.bindSlotWaiters.push(r));
    }
  }

  private context(): ScheduleContext {
    return { getPvc: (ns, name) => this.pvcs.get(ns, name), startIndex: this.nextStart };
  }

  /** One scheduling cycle for the pod queued under `key`. */
  private scheduleOne(key: string): void {
    const pod = this.pending.get(key);
    if (!pod || !this.responsible(pod) || this.cache.has(key)) {
      this.queue.done(key);
      return;
    }
    const info = newPodInfo(pod);
    const nodes = this.cache.nodes();
    const ctx = this.context();
    const result = schedulePod(info, nodes, ctx, this.cache.byName());
    if (result.ok) {
      this.nextStart = nodes.length ? (this.nextStart + result.evaluated) % nodes.length : 0;
      this.cache.assume(info, result.node);
      this.bind(info, result.node);
      return;
    }
    let message = NO_NODES_AVAILABLE;
    let nominate: string | undefined;
    if (!result.noNodes) {
      const outcome = preempt(info, nodes, result.diagnosis, ctx);
      if (outcome.candidate) {
        nominate = outcome.candidate.node;
        this.evict(info, outcome.candidate);
      }
      message = fitErrorMessage(result.diagnosis, outcome.message);
    }
    this.queue.unschedulable(key, result.noNodes ? ALL_PLUGINS : result.diagnosis.unschedulablePlugins);
    this.log(`${key}: ${message}`);
    this.recorder.event(pod, 'Warning', 'FailedScheduling', truncateMessage(message));
    void this.setUnschedulableCondition(pod, message, nominate);
  }

  private bind(info: PodInfo, node: string): void {
    this.bindsInFlight++;
    const body = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: info.name, namespace: info.namespace, uid: info.uid || undefined },
      target: { apiVersion: 'v1', kind: 'Node', name: node },
    };
    this.client
      .createSubresource(Resources.pods, info.namespace, info.name, 'binding', body)
      .then(
        () => {
          this.queue.done(info.key);
          this.recorder.event(info.pod, 'Normal', 'Scheduled', `Successfully assigned ${info.namespace}/${info.name} to ${node}`);
        },
        (err: unknown) => this.bindFailed(info, node, err),
      )
      .finally(() => {
        this.bindsInFlight--;
        this.bindSlotWaiters.shift()?.();
      });
  }

  private bindFailed(info: PodInfo, node: string, err: unknown): void {
    this.cache.forget(info.key);
    const code = errorCode(err);
    // Gone, or bound by someone else meanwhile: the informer will tell us the rest.
    if (code === 404 || code === 409) {
      this.queue.done(info.key);
      return;
    }
    this.log(`binding ${info.key} to ${node} failed: ${(err as Error).message}`);
    this.queue.backoff(info.key);
    this.recorder.event(info.pod, 'Warning', 'FailedScheduling', truncateMessage(`binding rejected: ${(err as Error).message}`));
  }

  /** PodScheduled=False/Unschedulable with the message, patched only when it changes (UpdatePodCondition). */
  private async setUnschedulableCondition(pod: KubeObject, message: string, nominate: string | undefined): Promise<void> {
    const st = status(pod) as { conditions?: Obj[]; nominatedNodeName?: string };
    const current = (st.conditions ?? []).find((c) => c.type === 'PodScheduled');
    const nominatedNow = st.nominatedNodeName ?? '';
    const nominatedNext = nominate ?? '';
    const same = current?.status === 'False' && current.reason === 'Unschedulable' && current.message === message;
    if (same && nominatedNow === nominatedNext) return;
    const condition = {
      type: 'PodScheduled',
      status: 'False',
      lastProbeTime: null,
      lastTransitionTime: current?.status === 'False' && current.lastTransitionTime ? current.lastTransitionTime : new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      reason: 'Unschedulable',
      message,
    };
    const patch: Obj = { status: { conditions: [condition] } };
    if (nominatedNow !== nominatedNext) (patch.status as Obj).nominatedNodeName = nominate ?? null;
    try {
      await this.client.patch(Resources.pods, pod.metadata.namespace, pod.metadata.name ?? '', 'strategic', patch, 'status');
    } catch (err) {
      if (errorCode(err) !== 404) this.log(`updating ${podKey(pod)} status failed: ${(err as Error).message}`);
    }
  }

  /** Preemption's prepareCandidate: mark each victim DisruptionTarget, delete it, and say why. */
  private evict(preemptor: PodInfo, candidate: Candidate): void {
    for (const victim of candidate.victims) {
      if (victim.terminating) continue;
      void (async () => {
        const condition = {
          type: 'DisruptionTarget',
          status: 'True',
          lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          reason: 'PreemptionByScheduler',
          message: `${this.schedulerName}: preempting to accommodate a higher priority pod`,
        };
        try {
          await this.client.patch(Resources.pods, victim.namespace, victim.name, 'strategic', { status: { conditions: [condition] } }, 'status');
          await this.client.delete(Resources.pods, victim.namespace, victim.name);
          this.recorder.event(victim.pod, 'Normal', 'Preempted', `Preempted by pod ${preemptor.uid} on node ${candidate.node}`);
        } catch (err) {
          if (errorCode(err) !== 404) this.log(`preempting ${victim.key} failed: ${(err as Error).message}`);
        }
      })();
    }
  }

  /** Queue and cache sizes, for logs and tests. */
  stats(): { queue: ReturnType<SchedulingQueue['counts']>; pending: number; cached: number; bindsInFlight: number } {
    return { queue: this.queue.counts(), pending: this.pending.size, cached: this.cache.podCount(), bindsInFlight: this.bindsInFlight };
  }
}
