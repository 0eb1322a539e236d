// The Deployment controller (upstream pkg/controller/deployment). Each sync claims the ReplicaSets
// the selector matches (adopting orphans, releasing sets that stopped matching), then, as
// upstream's syncDeployment: status only while being deleted; scaling only while paused; a
// deprecated rollback request; a change of spec.replicas spread over the sets (proportional
// scaling); otherwise a step of the Recreate or RollingUpdate rollout, and the status with the
// Available and Progressing conditions `kubectl rollout status` reads.
import { deepCopy } from '../../api/types.js';
import { isNotFound } from '../../client/errors.js';
import { Resources } from '../../client/resources.js';
import { splitKey, type EventRecorder, type Informer } from '../../client/types.js';
import type { Controller, ControllerContext, ControllerFactory } from '../context.js';
import { controllerRefOf, labelSelectorMatches, newControllerRef } from '../podutil.js';
import { adoptPatch, CONTROLLER_UID_INDEX, controllerUidIndexFn, orphanIndexValue, planClaim, releasePatch } from '../replicaset/claim.js';
import { QueueController } from '../runner.js';
import { selectorIsEmpty, withKind, type Pod, type ReplicaSet } from '../replicaset/types.js';
import { rolloutRecreate } from './recreate.js';
import { getRollbackTo, rollback } from './rollback.js';
import { rolloutRolling } from './rolling.js';
import { Rollout, type PodMap } from './sync.js';
import { isRollingUpdate, type Deployment } from './util.js';

export const DEPLOYMENT_CONTROLLER_NAME = 'deployment-controller';

export interface DeploymentControllerOptions {
  log?: (message: string) => void;
  /** The clock for conditions and deadlines (tests move it). */
  now?: () => number;
}

type ControllerRef = { kind: string; name: string; uid: string };

export class DeploymentController implements Controller {
  readonly name = DEPLOYMENT_CONTROLLER_NAME;
  readonly queue: QueueController;
  private readonly deployments: Informer<Deployment>;
  private readonly sets: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod>;
  private readonly recorder: EventRecorder;
  private readonly now: () => number;

  constructor(private readonly ctx: ControllerContext, options: DeploymentControllerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.queue = new QueueController(this.name, (key) => this.reconcile(key), { log: options.log });
    this.recorder = ctx.recorder(DEPLOYMENT_CONTROLLER_NAME);
    this.deployments = ctx.informers.informerFor<Deployment>(Resources.deployments);
    this.sets = ctx.informers.informerFor<ReplicaSet>(Resources.replicasets);
    this.pods = ctx.informers.informerFor<Pod>(Resources.pods);
    this.sets.addIndex(CONTROLLER_UID_INDEX, controllerUidIndexFn);
    this.pods.addIndex(CONTROLLER_UID_INDEX, controllerUidIndexFn);
    this.deployments.addEventHandler({
      add: (d) => this.queue.enqueue(d),
      update: (_old, cur) => this.queue.enqueue(cur),
      delete: (d) => this.queue.enqueue(d),
    });
    this.sets.addEventHandler({
      add: (rs) => this.addReplicaSet(rs),
      update: (old, cur) => this.updateReplicaSet(old, cur),
      delete: (rs) => this.deleteReplicaSet(rs),
    });
    this.pods.addEventHandler({ delete: (pod) => this.deletePod(pod) });
  }

  run(workers: number): void {
    this.queue.run(workers);
  }

  stop(): void {
    this.queue.stop();
  }

  // ---- event handlers (upstream addReplicaSet / updateReplicaSet / deleteReplicaSet / deletePod) ----

  /** The Deployment a controller reference names, if it still is that object. */
  private resolve(namespace: string | undefined, ref: ControllerRef | undefined): Deployment | undefined {
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = this.deployments.get(namespace, ref.name);
    return d && d.metadata.uid === ref.uid ? d : undefined;
  }

  /** Deployments whose selector matches an orphan ReplicaSet: one of them may adopt it. */
  private deploymentsForReplicaSet(rs: ReplicaSet): Deployment[] {
    return this.deployments.list(rs.metadata.namespace).filter((d) =>
      !selectorIsEmpty(d.spec.selector) && labelSelectorMatches(d.spec.selector, rs.metadata.labels));
  }

  private addReplicaSet(rs: ReplicaSet): void {
    // Seen first already being deleted (after a restart or relist): as good as deleted.
    if (rs.metadata.deletionTimestamp) return this.deleteReplicaSet(rs);
    const ref = controllerRefOf(rs);
    if (ref) {
      const d = this.resolve(rs.metadata.namespace, ref);
      if (d) this.queue.enqueue(d);
      return;
    }
    for (const d of this.deploymentsForReplicaSet(rs)) this.queue.enqueue(d);
  }

  private updateReplicaSet(old: ReplicaSet, cur: ReplicaSet): void {
    // A periodic relist sends updates for unchanged objects.
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = JSON.stringify(curRef) !== JSON.stringify(oldRef);
    if (refChanged && oldRef) {
      const prev = this.resolve(old.metadata.namespace, oldRef);
      if (prev) this.queue.enqueue(prev);
    }
    if (curRef) {
      const d = this.resolve(cur.metadata.namespace, curRef);
      if (d) this.queue.enqueue(d);
      return;
    }
    const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
    if (labelsChanged || refChanged) for (const d of this.deploymentsForReplicaSet(cur)) this.queue.enqueue(d);
  }

  private deleteReplicaSet(rs: ReplicaSet): void {
    const d = this.resolve(rs.metadata.namespace, controllerRefOf(rs));
    if (d) this.queue.enqueue(d);
  }

  /** pod → its ReplicaSet → that set's Deployment, each through a live controller reference. */
  private deploymentForPod(pod: Pod): Deployment | undefined {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return undefined;
    const rs = this.sets.get(pod.metadata.namespace, ref.name);
    if (!rs || rs.metadata.uid !== ref.uid) return undefined;
    return this.resolve(rs.metadata.namespace, controllerRefOf(rs));
  }

  /** Recreate waits for every old pod to be gone: the last one's deletion is the signal to go on. */
  private deletePod(pod: Pod): void {
    const d = this.deploymentForPod(pod);
    if (!d || d.spec.strategy?.type !== 'Recreate') return;
    const sets = this.sets.byIndex(CONTROLLER_UID_INDEX, d.metadata.uid ?? '');
    const remaining = [...this.podMap(d, sets).values()].reduce((n, pods) => n + pods.length, 0);
    if (remaining === 0) this.queue.enqueue(d);
  }

  // ---- sync (upstream syncDeployment) ----

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.deployments.get(namespace, name);
    if (!cached) return;
    const d = deepCopy(withKind(cached, 'apps/v1', 'Deployment'));
    if (selectorIsEmpty(d.spec.selector)) return this.selectingAll(d);
    const rsList = await this.claimReplicaSets(d);
    const r = new Rollout({
      client: this.ctx.client,
      recorder: this.recorder,
      replicaSets: this.sets,
      now: this.now,
      requeueAfter: (ms) => this.queue.enqueueAfter(key, ms),
    }, d, rsList, this.podMap(d, rsList));
    await this.syncDeployment(r);
    this.requeueForMinReady(key, r);
  }

  private async syncDeployment(r: Rollout): Promise<void> {
    const d = r.d;
    if (d.metadata.deletionTimestamp) return r.syncStatusOnly();
    // Pausing and resuming are marked first, so a resumed rollout is not timed out for the pause.
    await r.checkPausedConditions();
    if (d.spec.paused) return r.sync();
    // Not re-entrant: nothing else happens until the request is cleared from the Deployment.
    if (getRollbackTo(d) !== undefined) return rollback(r);
    if (await r.isScalingEvent()) return r.sync();
    if (d.spec.strategy?.type === 'Recreate') return rolloutRecreate(r);
    if (isRollingUpdate(d)) return rolloutRolling(r);
    throw new Error(`unexpected deployment strategy type: ${d.spec.strategy?.type}`);
  }

  /** An empty selector would select every pod of the namespace: refuse, as upstream, and say so. */
  private async selectingAll(d: Deployment): Promise<void> {
    this.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
    if ((d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)) return;
    d.status = { ...(d.status ?? {}), observedGeneration: d.metadata.generation };
    await this.ctx.client.update(Resources.deployments, d.metadata.namespace, d, 'status');
  }

  /**
   * Ready pods become available only after minReadySeconds. The ReplicaSet controller's status
   * update normally wakes us then; this look is a safety net in case that is missed.
   */
  private requeueForMinReady(key: string, r: Rollout): void {
    const minReady = r.d.spec.minReadySeconds ?? 0;
    if (minReady <= 0) return;
    const waiting = r.rsList.some((rs) => (rs.status?.readyReplicas ?? 0) > (rs.status?.availableReplicas ?? 0));
    if (waiting) this.queue.enqueueAfter(key, minReady * 1000);
  }

  /** The Deployment's pods (by its selector) grouped by their ReplicaSet, for the sets in `sets`. */
  private podMap(d: Deployment, sets: ReplicaSet[]): PodMap {
    const map: PodMap = new Map();
    for (const rs of sets) {
      // Inactive pods too: Recreate must see every old pod gone before it starts new ones.
      const pods = this.pods.byIndex(CONTROLLER_UID_INDEX, rs.metadata.uid ?? '')
        .filter((p) => p.metadata.namespace === d.metadata.namespace && labelSelectorMatches(d.spec.selector, p.metadata.labels));
      map.set(rs.metadata.uid ?? '', pods);
    }
    return map;
  }

  // ---- ReplicaSet ownership (upstream getReplicaSetsForDeployment / ClaimReplicaSets) ----

  /** Adopts matching orphans and releases owned sets that stopped matching; returns the owned sets. */
  private async claimReplicaSets(d: Deployment): Promise<ReplicaSet[]> {
    const candidates = [
      ...this.sets.byIndex(CONTROLLER_UID_INDEX, d.metadata.uid ?? ''),
      ...this.sets.byIndex(CONTROLLER_UID_INDEX, orphanIndexValue(d.metadata.namespace ?? '')),
    ];
    const plan = planClaim(d, d.spec.selector, candidates);
    if (!plan.adopt.length && !plan.release.length) return [...plan.claimed];
    const errors: unknown[] = [];
    const dropped = new Set<ReplicaSet>();
    const adopted = new Map<ReplicaSet, ReplicaSet>();
    if (plan.adopt.length) {
      try {
        await this.canAdopt(d);
      } catch (err) {
        for (const rs of plan.adopt) dropped.add(rs);
        errors.push(err);
      }
    }
    const ownerRef = newControllerRef(d, 'apps/v1', 'Deployment');
    await Promise.all([
      ...plan.adopt.filter((rs) => !dropped.has(rs)).map(async (rs) => {
        try {
          adopted.set(rs, await this.ctx.client.patch<ReplicaSet>(Resources.replicasets, rs.metadata.namespace, rs.metadata.name!, 'merge', adoptPatch(rs, ownerRef)));
        } catch (err) {
          dropped.add(rs);
          if (!isNotFound(err)) errors.push(err);
        }
      }),
      ...plan.release.map(async (rs) => {
        try {
          await this.ctx.client.patch(Resources.replicasets, rs.metadata.namespace, rs.metadata.name!, 'merge', releasePatch(rs, d.metadata.uid!));
        } catch (err) {
          if (!isNotFound(err)) errors.push(err);
        }
      }),
    ]);
    if (errors.length) throw errors[0];
    return plan.claimed.filter((rs) => !dropped.has(rs)).map((rs) => adopted.get(rs) ?? rs);
  }

  /** Upstream RecheckDeletionTimestamp: adopt only for the live, undeleted Deployment (read uncached). */
  private async canAdopt(d: Deployment): Promise<void> {
    const fresh = await this.ctx.client.get(Resources.deployments, d.metadata.namespace, d.metadata.name!);
    if (fresh.metadata.uid !== d.metadata.uid) {
      throw new Error(`original Deployment ${d.metadata.namespace}/${d.metadata.name} is gone: got uid ${fresh.metadata.uid}, wanted ${d.metadata.uid}`);
    }
    if (fresh.metadata.deletionTimestamp) {
      throw new Error(`${d.metadata.namespace}/${d.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }
  }
}

export const deploymentController: ControllerFactory = (ctx) => new DeploymentController(ctx);
