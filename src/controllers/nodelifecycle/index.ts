// The node lifecycle controller (upstream pkg/controller/nodelifecycle and the taint-eviction
// controller): a node whose Lease goes unrenewed for ctx.options.nodeMonitorGracePeriodSeconds has
// its conditions set Unknown; nodes get the not-ready / unreachable / unschedulable / pressure
// taints their state calls for; pods on an Unknown node are marked not Ready; pods on a node with
// NoExecute taints they do not tolerate (long enough) are deleted. Keys are node names; every
// deadline (staleness, eviction) is a delayed requeue of the node, not a poll.
import type { EventRecorder, Informer } from '../../client/types.js';
import { Resources } from '../../client/resources.js';
import type { Controller, ControllerContext, ControllerFactory } from '../context.js';
import { QueueController } from '../runner.js';
import { isNotFoundError } from '../endpoints/apierrors.js';
import type { Pod } from '../endpoints/types.js';
import { planEvictions, shouldMarkNotReady } from './eviction.js';
import {
  allNodesDown,
  conditionOf,
  desiredTaints,
  readyStatus,
  rfc3339,
  staleness,
  unknownConditions,
  NODE_LEASE_NAMESPACE,
  type Lease,
  type Node,
} from './health.js';

export const NODE_LIFECYCLE_CONTROLLER_NAME = 'node-controller';
const POD_NODE_INDEX = 'nodelifecycle/nodeName';
/** A little past a deadline, so that the check that follows it sees it passed. */
const DEADLINE_SLACK_MS = 20;

class NodeLifecycleController implements Controller {
  readonly name = NODE_LIFECYCLE_CONTROLLER_NAME;
  private readonly nodes: Informer<Node>;
  private readonly leases: Informer<Lease>;
  private readonly pods: Informer<Pod>;
  private readonly queue: QueueController;
  private readonly recorder: EventRecorder;
  /** When this controller first saw each node: a fresh start gives every node a full grace period. */
  private readonly firstSeen = new Map<string, number>();

  constructor(private readonly ctx: ControllerContext) {
    this.nodes = ctx.informers.informerFor<Node>(Resources.nodes);
    this.leases = ctx.informers.informerFor<Lease>(Resources.leases);
    this.pods = ctx.informers.informerFor<Pod>(Resources.pods);
    this.pods.addIndex(POD_NODE_INDEX, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
    this.recorder = ctx.recorder(this.name);
    this.queue = new QueueController(this.name, (key) => this.sync(key));
    this.watch();
  }

  private watch(): void {
    this.nodes.addEventHandler({
      add: (n) => {
        this.firstSeen.set(n.metadata.name!, Date.now());
        this.recorder.event(n, 'Normal', 'RegisteredNode', `Registered Node ${n.metadata.name} in Controller`);
        this.queue.enqueueKey(n.metadata.name!);
      },
      update: (o, n) => this.nodeUpdated(o, n),
      delete: (n) => this.firstSeen.delete(n.metadata.name!),
    });
    const onLease = (l: Lease) => {
      if (l.metadata.namespace === NODE_LEASE_NAMESPACE) this.queue.enqueueKey(l.metadata.name!);
    };
    this.leases.addEventHandler({ add: onLease, update: (_o, n) => onLease(n) });
    const onPod = (p: Pod) => {
      const nodeName = p.spec?.nodeName;
      if (!nodeName || p.metadata.deletionTimestamp) return;
      const node = this.nodes.get(undefined, nodeName);
      // Only pods on troubled nodes can need marking or eviction.
      if (node && (readyStatus(node) !== 'True' || (node.spec?.taints ?? []).some((t) => t.effect === 'NoExecute'))) {
        this.queue.enqueueKey(nodeName);
      }
    };
    this.pods.addEventHandler({ add: onPod, update: (_o, n) => onPod(n) });
  }

  private nodeUpdated(old: Node, node: Node): void {
    const name = node.metadata.name!;
    const was = readyStatus(old);
    const now = readyStatus(node);
    if (was !== now) {
      // RecordNodeStatusChange: upstream reports each transition once, on the node.
      if (was === 'True') this.recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
      else if (now === 'True') this.recorder.event(node, 'Normal', 'NodeReady', `Node ${name} status is now: NodeReady`);
      // Readiness of one node decides whether evictions happen anywhere (all nodes down or not).
      for (const n of this.nodes.list()) this.queue.enqueueKey(n.metadata.name!);
      return;
    }
    this.queue.enqueueKey(name);
  }

  run(workers: number): void {
    for (const n of this.nodes.list()) {
      if (!this.firstSeen.has(n.metadata.name!)) this.firstSeen.set(n.metadata.name!, Date.now());
      this.queue.enqueueKey(n.metadata.name!);
    }
    this.queue.run(workers);
  }

  stop(): void {
    this.queue.stop();
  }

  async sync(name: string): Promise<void> {
    let node = this.nodes.get(undefined, name);
    if (!node) return;
    const nowMs = Date.now();
    const deadlines: number[] = [];
    node = await this.monitorHealth(node, nowMs, deadlines);
    if (!node) return;
    node = await this.reconcileTaints(node, nowMs);
    if (!node) return;
    if (readyStatus(node) === 'Unknown') await this.markPodsNotReady(node, nowMs);
    await this.evictPods(node, nowMs, deadlines);
    const next = Math.min(...deadlines);
    if (Number.isFinite(next)) this.queue.enqueueAfter(name, Math.max(0, next - Date.now()) + DEADLINE_SLACK_MS);
  }

  /** Sets the conditions Unknown when the node went silent; else notes when it would. */
  private async monitorHealth(node: Node, nowMs: number, deadlines: number[]): Promise<Node | undefined> {
    const name = node.metadata.name!;
    const lease = this.leases.get(NODE_LEASE_NAMESPACE, name);
    const firstSeen = this.firstSeen.get(name) ?? nowMs;
    const graceMs = this.ctx.options.nodeMonitorGracePeriodSeconds * 1000;
    const health = staleness(node, lease, firstSeen, nowMs, graceMs);
    if (!health.stale) {
      deadlines.push(health.staleAt);
      return node;
    }
    const conditions = unknownConditions(node, nowMs);
    if (!conditions) return node;
    const next: Node = { ...structuredClone(node), status: { ...structuredClone(node.status ?? {}), conditions } };
    try {
      return await this.ctx.client.update<Node>(Resources.nodes, undefined, next, 'status');
    } catch (err) {
      if (isNotFoundError(err)) return undefined;
      throw err; // a Conflict: the kubelet wrote meanwhile, look again
    }
  }

  private async reconcileTaints(node: Node, nowMs: number): Promise<Node | undefined> {
    const noExecute = !allNodesDown(this.nodes.list().map((n) => (n.metadata.name === node.metadata.name ? node : n)));
    const taints = desiredTaints(node, noExecute, nowMs);
    if (!taints) return node;
    try {
      return await this.ctx.client.patch<Node>(Resources.nodes, undefined, node.metadata.name!, 'merge', {
        metadata: { resourceVersion: node.metadata.resourceVersion },
        spec: { taints: taints.length ? taints : null },
      });
    } catch (err) {
      if (isNotFoundError(err)) return undefined;
      throw err;
    }
  }

  private podsOn(node: Node): Pod[] {
    return this.pods.byIndex(POD_NODE_INDEX, node.metadata.name!);
  }

  /**
   * MarkPodsNotReady: nobody else will tell that these pods stopped serving. Once per outage:
   * a pod that turned Ready after the node went Unknown was set so by a kubelet that is talking
   * again, and is left alone rather than fought over.
   */
  private async markPodsNotReady(node: Node, nowMs: number): Promise<void> {
    const now = rfc3339(nowMs);
    const unknownSince = conditionOf(node, 'Ready')?.lastTransitionTime ?? undefined;
    for (const pod of this.podsOn(node)) {
      if (pod.spec?.nodeName !== node.metadata.name || !shouldMarkNotReady(pod, unknownSince)) continue;
      try {
        await this.ctx.client.patch(Resources.pods, pod.metadata.namespace, pod.metadata.name!, 'strategic', {
          status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: now }] },
        }, 'status');
        this.recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (err) {
        if (!isNotFoundError(err)) throw err;
      }
    }
  }

  private async evictPods(node: Node, nowMs: number, deadlines: number[]): Promise<void> {
    const plan = planEvictions(this.podsOn(node), node.spec?.taints ?? [], this.ctx.options.defaultTolerationSeconds, nowMs);
    if (plan.nextAt !== undefined) deadlines.push(plan.nextAt);
    for (const pod of plan.now) await this.evict(pod, nowMs);
  }

  /** addConditionAndDeletePod: a DisruptionTarget condition says why, then the (graceful) delete. */
  private async evict(pod: Pod, nowMs: number): Promise<void> {
    const ns = pod.metadata.namespace;
    const name = pod.metadata.name!;
    this.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${ns}/${name}`);
    try {
      await this.ctx.client.patch(Resources.pods, ns, name, 'strategic', {
        status: { conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: rfc3339(nowMs) }] },
      }, 'status');
    } catch (err) {
      if (isNotFoundError(err)) return;
      // The delete matters more than the condition.
    }
    try {
      await this.ctx.client.delete(Resources.pods, ns, name, { preconditions: { uid: pod.metadata.uid } });
    } catch (err) {
      if (!isNotFoundError(err)) throw err;
    }
  }
}

export const nodeLifecycleController: ControllerFactory = (ctx) => new NodeLifecycleController(ctx);
