// PodGC (upstream pkg/controller/podgc): deletes pods no kubelet will finish — those bound to
// nodes that no longer exist, those deleted before they were ever scheduled — and terminated pods
// above ctx.options.terminatedPodGcThreshold. One key ("sweep") covers everything: it is queued
// when a node goes or a pod needs it, and again every 20 s as upstream's periodic check.
import type { Informer } from '../../client/types.js';
import type { KubeObject } from '../../api/types.js';
import { Resources } from '../../client/resources.js';
import type { Controller, ControllerContext, ControllerFactory } from '../context.js';
import { QueueController } from '../runner.js';
import { isConflictError, isNotFoundError } from '../endpoints/apierrors.js';
import type { Pod } from '../endpoints/types.js';
import {
  GC_CHECK_PERIOD_MS,
  MissingNodes,
  isPodTerminated,
  podsOnMissingNodes,
  terminatedPodsToCollect,
  unscheduledTerminatingPods,
} from './select.js';

export const PODGC_CONTROLLER_NAME = 'pod-garbage-collector';
const SWEEP = 'sweep';

class PodGcController implements Controller {
  readonly name = PODGC_CONTROLLER_NAME;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer;
  private readonly queue: QueueController;
  private readonly missing = new MissingNodes();
  /** Nodes whose deletion we watched happen: their pods need no quarantine. */
  private readonly deletedNodes = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {
    this.pods = ctx.informers.informerFor<Pod>(Resources.pods);
    this.nodes = ctx.informers.informerFor(Resources.nodes);
    this.queue = new QueueController(this.name, () => this.sync());
    this.nodes.addEventHandler({
      add: (n: KubeObject) => this.deletedNodes.delete(n.metadata.name!),
      delete: (n: KubeObject) => {
        this.deletedNodes.add(n.metadata.name!);
        this.queue.enqueueKey(SWEEP);
      },
    });
    const onPod = (p: Pod) => {
      if (this.needsSweep(p)) this.queue.enqueueKey(SWEEP);
    };
    this.pods.addEventHandler({ add: onPod, update: (_o, n) => onPod(n) });
  }

  /**
   * Pod events that call for a sweep now; terminated pods over the threshold wait for the
   * periodic one (counting them on every pod event would scan all pods each time).
   */
  private needsSweep(p: Pod): boolean {
    if (p.metadata.deletionTimestamp && !p.spec?.nodeName) return true;
    return Boolean(p.spec?.nodeName) && !this.nodes.get(undefined, p.spec!.nodeName!);
  }

  run(workers: number): void {
    this.queue.enqueueKey(SWEEP);
    this.queue.run(Math.min(workers, 1));
  }

  stop(): void {
    this.queue.stop();
  }

  async sync(): Promise<void> {
    const pods = this.pods.list();
    const errors: unknown[] = [];
    const collect = async (list: Pod[], markFailed?: string) => {
      await Promise.all(list.map((p) => this.deletePod(p, markFailed).catch((err) => { errors.push(err); })));
    };
    await collect(terminatedPodsToCollect(pods, this.ctx.options.terminatedPodGcThreshold));
    const nextCheck = await this.collectOrphans(pods, collect);
    await collect(unscheduledTerminatingPods(pods), 'PodGC: pod was deleted before it was scheduled');
    this.queue.enqueueAfter(SWEEP, Math.min(nextCheck ?? GC_CHECK_PERIOD_MS, GC_CHECK_PERIOD_MS));
    if (errors.length) throw errors[0];
  }

  /** Orphans: pods on nodes missing past quarantine and confirmed gone by a live GET. */
  private async collectOrphans(pods: Pod[], collect: (list: Pod[], markFailed?: string) => Promise<void>): Promise<number | undefined> {
    const byNode = podsOnMissingNodes(pods, (name) => this.nodes.get(undefined, name) !== undefined);
    const quarantined = [...byNode.keys()].filter((n) => !this.deletedNodes.has(n));
    const { expired, nextCheckMs } = this.missing.observe(quarantined, Date.now());
    const ready = [...byNode.keys()].filter((n) => this.deletedNodes.has(n) || expired.includes(n));
    for (const node of ready) {
      if (await this.nodeExists(node)) continue;
      await collect(byNode.get(node)!, 'PodGC: node no longer exists');
    }
    return nextCheckMs;
  }

  private async nodeExists(name: string): Promise<boolean> {
    try {
      await this.ctx.client.get(Resources.nodes, undefined, name);
      return true;
    } catch (err) {
      if (isNotFoundError(err)) return false;
      throw err;
    }
  }

  /**
   * Deletes at once (grace 0). A pod that is not terminal is first marked Failed with a
   * DisruptionTarget condition, as upstream's markFailedAndDeletePodWithCondition does.
   */
  private async deletePod(pod: Pod, markFailedMessage?: string): Promise<void> {
    const ns = pod.metadata.namespace;
    const name = pod.metadata.name!;
    if (markFailedMessage && !isPodTerminated(pod)) {
      const condition = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: markFailedMessage, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
      try {
        await this.ctx.client.patch(Resources.pods, ns, name, 'strategic', { status: { phase: 'Failed', conditions: [condition] } }, 'status');
      } catch (err) {
        if (isNotFoundError(err)) return;
        // The delete below matters more than the status; carry on.
      }
    }
    try {
      await this.ctx.client.delete(Resources.pods, ns, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    } catch (err) {
      if (!isNotFoundError(err) && !isConflictError(err)) throw err;
    }
  }
}

export const podGcController: ControllerFactory = (ctx) => new PodGcController(ctx);
