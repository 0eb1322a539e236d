// The StatefulSet controller (upstream pkg/controller/statefulset): stable pods `<set>-0..N-1` with
// their own PVCs, created in order (OrderedReady) or all at once (Parallel), removed from the highest
// ordinal, and rolled to a new template from the highest ordinal down to the partition; revisions
// are ControllerRevisions. Each pass plans with plan.ts, does the steps in order, writes status.
import { deepCopy } from '../../api/types.js';
import { isAlreadyExists, isNotFound } from '../../client/errors.js';
import { Resources } from '../../client/resources.js';
import { objectKey, splitKey, type EventRecorder, type Informer } from '../../client/types.js';
import type { Controller, ControllerContext, ControllerFactory } from '../context.js';
import { controllerRefOf } from '../podutil.js';
import { QueueController } from '../runner.js';
import { completeRollingUpdate, planStatefulSet, statusChanged, type Action } from './plan.js';
import { claimsFor, isMemberOf, podRevision, setIdentity, setStorage } from './pods.js';
import { applyRevision, equalRevision, newRevision, nextRevisionNumber, revisionsToTruncate, sortRevisions } from './revisions.js';
import type { ControllerRevision, PersistentVolumeClaim, Pod, StatefulSet, StatefulSetStatus } from './types.js';

export const STATEFULSET_CONTROLLER_NAME = 'statefulset-controller';
const OWNER_INDEX = 'statefulset-controller/owner-uid';

function isSetOwner(ref: { apiVersion: string; kind: string } | undefined): boolean {
  return !!ref && ref.kind === 'StatefulSet' && ref.apiVersion.startsWith('apps/');
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

class StatefulSetController implements Controller {
  readonly name = STATEFULSET_CONTROLLER_NAME;
  private readonly sets: Informer<StatefulSet>;
  private readonly pods: Informer<Pod>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly queue: QueueController;
  private readonly recorder: EventRecorder;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly now: () => number = Date.now,
  ) {
    this.sets = ctx.informers.informerFor<StatefulSet>(Resources.statefulsets);
    this.pods = ctx.informers.informerFor<Pod>(Resources.pods);
    this.revisions = ctx.informers.informerFor<ControllerRevision>(Resources.controllerrevisions);
    this.claims = ctx.informers.informerFor<PersistentVolumeClaim>(Resources.persistentvolumeclaims);
    this.recorder = ctx.recorder(STATEFULSET_CONTROLLER_NAME);
    this.queue = new QueueController(this.name, (key) => this.sync(key));
    const ownerUid = (o: Pod | ControllerRevision) => {
      const ref = controllerRefOf(o);
      return isSetOwner(ref) ? [ref!.uid] : [];
    };
    this.pods.addIndex(OWNER_INDEX, ownerUid);
    this.revisions.addIndex(OWNER_INDEX, ownerUid);
    this.watch();
  }

  private watch(): void {
    this.sets.addEventHandler({
      add: (s) => this.queue.enqueue(s),
      update: (_o, s) => this.queue.enqueue(s),
      delete: (s) => this.queue.enqueue(s),
    });
    const owner = (o: Pod | ControllerRevision) => {
      const key = this.ownerKey(o);
      if (key) this.queue.enqueueKey(key);
    };
    this.pods.addEventHandler({
      add: owner,
      update: (o, p) => {
        owner(p);
        if (this.ownerKey(o) !== this.ownerKey(p)) owner(o);
      },
      delete: owner,
    });
    this.revisions.addEventHandler({ add: owner, update: (_o, r) => owner(r), delete: owner });
  }

  private ownerKey(obj: Pod | ControllerRevision): string | undefined {
    const ref = controllerRefOf(obj);
    if (!isSetOwner(ref)) return undefined;
    const set = this.sets.get(obj.metadata.namespace, ref!.name);
    return set && set.metadata.uid === ref!.uid ? objectKey(set) : undefined;
  }

  private owned<T extends Pod | ControllerRevision>(informer: Informer<T>, set: StatefulSet): T[] {
    return informer.byIndex(OWNER_INDEX, set.metadata.uid ?? '').filter((o) => o.metadata.namespace === set.metadata.namespace);
  }

  run(workers: number): void {
    this.queue.run(workers);
  }

  stop(): void {
    this.queue.stop();
  }

  // ---- sync ----

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.sets.get(namespace, name);
    if (!cached) return;
    const set = deepCopy(cached);
    const pods = this.owned(this.pods, set).filter((p) => isMemberOf(set, p));
    const revisions = sortRevisions(this.owned(this.revisions, set));
    const { current, update, collisionCount } = await this.getRevisions(set, revisions);
    const plan = planStatefulSet({
      set,
      currentSet: applyRevision(set, current),
      updateSet: applyRevision(set, update),
      currentRevision: current.metadata.name!,
      updateRevision: update.metadata.name!,
      collisionCount,
      pods,
      now: this.now(),
    });
    let error: unknown;
    try {
      for (const action of plan.actions) await this.act(set, action);
      await this.writeStatus(set, plan.status);
    } catch (err) {
      error = err;
    }
    await this.truncateHistory(set, pods, revisions, current, update);
    if (error) throw error;
    const minReady = set.spec.minReadySeconds ?? 0;
    if (minReady > 0 && plan.status.readyReplicas !== plan.status.availableReplicas) this.queue.enqueueAfter(key, minReady * 1000);
  }

  private async act(set: StatefulSet, action: Action): Promise<void> {
    switch (action.type) {
      case 'create':
        return this.createPod(set, action.pod, action.ordinal);
      case 'delete':
        if (action.reason === 'failed') {
          this.recorder.event(set, 'Warning', 'RecreatingFailedPod', `StatefulSet ${set.metadata.namespace}/${set.metadata.name} is recreating failed Pod ${action.pod.metadata.name}`);
        }
        return this.deletePod(set, action.pod);
      case 'fixIdentity':
        return this.fixIdentity(set, action.pod, action.ordinal);
    }
  }

  /** Creates the pod's claims (those missing), then the pod (upstream CreateStatefulPod). */
  private async createPod(set: StatefulSet, pod: Pod, ordinal: number): Promise<void> {
    await this.createClaims(set, pod, ordinal);
    const podName = pod.metadata.name!;
    try {
      await this.ctx.client.create(Resources.pods, set.metadata.namespace, pod);
      this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${set.metadata.name} successful`);
    } catch (err) {
      this.recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${podName} in StatefulSet ${set.metadata.name} failed error: ${describe(err)}`);
      throw err;
    }
  }

  private async createClaims(set: StatefulSet, pod: Pod, ordinal: number): Promise<void> {
    const ns = set.metadata.namespace;
    for (const claim of claimsFor(set, ordinal)) {
      const claimName = claim.metadata.name!;
      const existing = this.claims.get(ns, claimName);
      if (existing) {
        if (existing.metadata.deletionTimestamp) throw new Error(`pvc ${claimName} is being deleted`);
        continue;
      }
      try {
        await this.ctx.client.create(Resources.persistentvolumeclaims, ns, claim);
        this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claimName} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`);
      } catch (err) {
        if (isAlreadyExists(err)) continue; // our cache was behind
        this.recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${claimName} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${describe(err)}`);
        throw err;
      }
    }
  }

  private async deletePod(set: StatefulSet, pod: Pod): Promise<void> {
    const podName = pod.metadata.name!;
    try {
      await this.ctx.client.delete(Resources.pods, pod.metadata.namespace, podName);
      this.recorder.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${podName} in StatefulSet ${set.metadata.name} successful`);
    } catch (err) {
      if (isNotFound(err)) return;
      this.recorder.event(set, 'Warning', 'FailedDelete', `delete Pod ${podName} in StatefulSet ${set.metadata.name} failed error: ${describe(err)}`);
      throw err;
    }
  }

  /** Puts back a pod's identity labels and claim volumes (upstream UpdateStatefulPod). */
  private async fixIdentity(set: StatefulSet, cached: Pod, ordinal: number): Promise<void> {
    const pod = deepCopy(cached);
    setIdentity(set, pod, ordinal);
    // Volumes of a running pod cannot change; only missing claims can be made.
    await this.createClaims(set, pod, ordinal);
    const wanted = deepCopy(pod);
    setStorage(set, wanted, ordinal);
    try {
      await this.ctx.client.update(Resources.pods, pod.metadata.namespace, pod);
      this.recorder.event(set, 'Normal', 'SuccessfulUpdate', `update Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    } catch (err) {
      this.recorder.event(set, 'Warning', 'FailedUpdate', `update Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${describe(err)}`);
      throw err;
    }
  }

  private async writeStatus(set: StatefulSet, computed: StatefulSetStatus): Promise<void> {
    const status = { ...computed };
    completeRollingUpdate(set, status);
    if (!statusChanged(set, status)) return;
    const next = deepCopy(set);
    next.status = { ...(set.status ?? {}), ...status };
    await this.ctx.client.update(Resources.statefulsets, set.metadata.namespace, next, 'status');
  }

  // ---- revisions (upstream getStatefulSetRevisions / truncateHistory) ----

  private async getRevisions(
    set: StatefulSet,
    sorted: ControllerRevision[],
  ): Promise<{ current: ControllerRevision; update: ControllerRevision; collisionCount: number }> {
    let collisionCount = set.status?.collisionCount ?? 0;
    const candidate = newRevision(set, nextRevisionNumber(sorted), collisionCount);
    const equal = sorted.filter((r) => equalRevision(r, candidate));
    let update: ControllerRevision;
    const last = sorted[sorted.length - 1];
    if (equal.length > 0 && last && equal[equal.length - 1].metadata.name === last.metadata.name) {
      update = last; // the template did not change
    } else if (equal.length > 0) {
      // Back to an earlier template (rollback): that revision becomes the newest.
      const rev = deepCopy(equal[equal.length - 1]);
      rev.revision = candidate.revision;
      update = await this.ctx.client.update<ControllerRevision>(Resources.controllerrevisions, set.metadata.namespace, rev);
    } else {
      ({ revision: update, collisionCount } = await this.createRevision(set, candidate.revision, collisionCount));
    }
    const current = sorted.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
    return { current, update, collisionCount };
  }

  /** Creates the revision, stepping collisionCount past names another template already holds. */
  private async createRevision(set: StatefulSet, revision: number, collisionCount: number): Promise<{ revision: ControllerRevision; collisionCount: number }> {
    const ns = set.metadata.namespace;
    for (let count = collisionCount; count < collisionCount + 20; count++) {
      const rev = newRevision(set, revision, count);
      try {
        return { revision: await this.ctx.client.create<ControllerRevision>(Resources.controllerrevisions, ns, rev), collisionCount: count };
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        const existing = await this.ctx.client.get<ControllerRevision>(Resources.controllerrevisions, ns, rev.metadata.name!);
        if (equalRevision(existing, rev)) return { revision: existing, collisionCount: count };
      }
    }
    throw new Error(`StatefulSet ${set.metadata.name}: too many ControllerRevision name collisions`);
  }

  private async truncateHistory(set: StatefulSet, pods: Pod[], sorted: ControllerRevision[], current: ControllerRevision, update: ControllerRevision): Promise<void> {
    const live = new Set([current.metadata.name!, update.metadata.name!, ...pods.map(podRevision)]);
    for (const rev of revisionsToTruncate(sorted, live, set.spec.revisionHistoryLimit ?? 10)) {
      await this.ctx.client.delete(Resources.controllerrevisions, rev.metadata.namespace, rev.metadata.name!).catch((err) => {
        if (!isNotFound(err)) throw err;
      });
    }
  }
}

export const statefulSetController: ControllerFactory = (ctx) => new StatefulSetController(ctx);
export { StatefulSetController };
