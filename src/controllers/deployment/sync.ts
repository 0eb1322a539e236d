// One sync of one Deployment (upstream sync.go): the working copy of the Deployment and the latest
// known version of each ReplicaSet it owns, and the steps every strategy shares — finding or
// creating the new ReplicaSet and keeping revisions in step, scaling a ReplicaSet (one update of
// spec.replicas and the desired/max-replicas annotations, with upstream's event), proportional
// scaling, history cleanup, and status writes (only when something changed).
import { deepCopy } from '../../api/types.js';
import { isAlreadyExists, isNotFound } from '../../client/errors.js';
import { Resources } from '../../client/resources.js';
import type { Client, EventRecorder, Informer } from '../../client/types.js';
import { controllerRefOf, newControllerRef } from '../podutil.js';
import { rfc3339, type Pod, type ReplicaSet } from '../replicaset/types.js';
import { cloneSelectorAndAddLabel, templateHash } from './hash.js';
import { getRollbackTo } from './rollback.js';
import { calculateStatus, rolloutStatus, statusEqual, stuckRequeueAfterMs } from './status.js';
import {
  POD_TEMPLATE_HASH_LABEL,
  REASON,
  REVISION_ANNOTATION,
  byRevision,
  bySizeNewer,
  bySizeOlder,
  desiredReplicasAnnotation,
  equalIgnoreHash,
  filterActive,
  findActiveOrLatest,
  findNewReplicaSet,
  findOldReplicaSets,
  getCondition,
  getProportion,
  hasProgressDeadline,
  hasRevisionHistoryLimit,
  isRollingUpdate,
  isSaturated,
  maxRevision,
  maxSurge,
  newCondition,
  newRSNewReplicas,
  replicasAnnotationsNeedUpdate,
  replicasOf,
  setCondition,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
  totalReplicas,
  type Deployment,
  type DeploymentStatus,
} from './util.js';

/** What a sync needs from its controller. */
export interface RolloutDeps {
  client: Client;
  recorder: EventRecorder;
  /** The ReplicaSet cache: where a name that already exists is looked at. */
  replicaSets: Informer<ReplicaSet>;
  now(): number;
  /** Look at this Deployment again after `ms`. */
  requeueAfter(ms: number): void;
}

export interface ReplicaSetsOfDeployment {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

/** The Deployment's pods grouped by the uid of the ReplicaSet controlling them (Recreate reads it). */
export type PodMap = Map<string, Pod[]>;

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** upstream errors.HasStatusCause(err, NamespaceTerminatingCause). */
function namespaceTerminating(err: unknown): boolean {
  const details = (err as { status?: { details?: { causes?: { type?: string }[] } } } | undefined)?.status?.details;
  return !!details?.causes?.some((c) => c.type === 'NamespaceTerminating');
}

/** Sets the Deployment's revision annotation (upstream SetDeploymentRevision); whether it changed. */
function setDeploymentRevision(d: Deployment, revision: string): boolean {
  const anns = (d.metadata.annotations ??= {});
  if (anns[REVISION_ANNOTATION] === revision) return false;
  anns[REVISION_ANNOTATION] = revision;
  return true;
}

export class Rollout {
  /** The status as the server has it: sent back unchanged by metadata/spec updates. */
  private serverStatus: DeploymentStatus | undefined;

  constructor(
    private readonly deps: RolloutDeps,
    /** The working copy: mutated by this sync, never the cached object. */
    readonly d: Deployment,
    /** The claimed ReplicaSets, each replaced by what the server answered to our writes. */
    readonly rsList: ReplicaSet[],
    readonly podMap: PodMap,
  ) {
    this.serverStatus = deepCopy(d.status);
  }

  private get namespace(): string {
    return this.d.metadata.namespace!;
  }

  private now(): number {
    return this.deps.now();
  }

  // ---- the latest version of each ReplicaSet ----

  private remember(rs: ReplicaSet): ReplicaSet {
    const i = this.rsList.findIndex((x) => x.metadata.uid === rs.metadata.uid);
    if (i >= 0) this.rsList[i] = rs;
    else this.rsList.push(rs);
    return rs;
  }

  /** What we last saw of `rs` (our own writes included). */
  latest(rs: ReplicaSet): ReplicaSet;
  latest(rs: ReplicaSet | undefined): ReplicaSet | undefined;
  latest(rs: ReplicaSet | undefined): ReplicaSet | undefined {
    if (!rs) return undefined;
    return this.rsList.find((x) => x.metadata.uid === rs.metadata.uid) ?? rs;
  }

  current(sets: ReplicaSet[]): ReplicaSet[] {
    return sets.map((rs) => this.latest(rs));
  }

  /** Old sets then the new one, as upstream's `append(oldRSs, newRS)`, in their latest versions. */
  all(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): (ReplicaSet | undefined)[] {
    return [...this.current(oldRSs), this.latest(newRS)];
  }

  // ---- Deployment writes ----

  /** PUT of the Deployment (annotations, a rollback's template); the server keeps its status. */
  async updateDeployment(): Promise<void> {
    const body: Deployment = { ...deepCopy(this.d), status: this.serverStatus };
    const updated = await this.deps.client.update<Deployment>(Resources.deployments, this.namespace, body);
    this.d.metadata.resourceVersion = updated.metadata.resourceVersion;
  }

  /** PUT of the status subresource with the working copy's status. */
  async updateStatus(): Promise<void> {
    // A copy: this sync goes on changing the working copy while the request may still hold it.
    const updated = await this.deps.client.update<Deployment>(Resources.deployments, this.namespace, deepCopy(this.d), 'status');
    this.d.metadata.resourceVersion = updated.metadata.resourceVersion;
    this.serverStatus = deepCopy(this.d.status);
  }

  /** An event about the Deployment. */
  event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.deps.recorder.event(this.d, type, reason, message);
  }

  private status(): DeploymentStatus {
    return (this.d.status ??= {});
  }

  private setProgressing(status: string, reason: string, message: string): void {
    setCondition(this.status(), newCondition('Progressing', status, reason, message, rfc3339(this.now())));
  }

  // ---- the new ReplicaSet and revisions ----

  /**
   * The new ReplicaSet (created when `create` and missing) and the old ones, with the new one's
   * revision raised above every old one and the Deployment's revision following it (upstream
   * getAllReplicaSetsAndSyncRevision).
   */
  async getAllReplicaSetsAndSyncRevision(create: boolean): Promise<ReplicaSetsOfDeployment> {
    const oldRSs = findOldReplicaSets(this.d, this.rsList);
    const newRS = await this.getNewReplicaSet(oldRSs, create);
    return { newRS, oldRSs };
  }

  private async getNewReplicaSet(oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
    const existing = findNewReplicaSet(this.d, this.rsList);
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing) return this.syncExistingNewReplicaSet(existing, newRevision);
    if (!create) return undefined;
    return this.createNewReplicaSet(oldRSs, newRevision);
  }

  /**
   * Going back to an old template (rollout undo) lands here: the old ReplicaSet becomes the new one
   * and takes the next revision, the one it had moving to its revision-history annotation.
   */
  private async syncExistingNewReplicaSet(existing: ReplicaSet, newRevision: number): Promise<ReplicaSet> {
    let rs = existing;
    const copy = deepCopy(existing);
    const annotationsUpdated = setNewReplicaSetAnnotations(this.d, copy, newRevision, true);
    const minReady = this.d.spec.minReadySeconds ?? 0;
    if (annotationsUpdated || (copy.spec.minReadySeconds ?? 0) !== minReady) {
      copy.spec.minReadySeconds = minReady;
      rs = this.remember(await this.deps.client.update<ReplicaSet>(Resources.replicasets, this.namespace, copy));
    }
    // Upstream stops here after an RS update and finishes on the next sync; carrying on gets the
    // Deployment's revision right in the same pass, with the same result.
    const metaChanged = setDeploymentRevision(this.d, rs.metadata.annotations?.[REVISION_ANNOTATION] ?? '');
    let statusChanged = false;
    // A Deployment that never had a Progressing condition starts its clock now.
    if (hasProgressDeadline(this.d) && !getCondition(this.d.status, 'Progressing')) {
      this.setProgressing('True', REASON.foundNewRS, `Found new replica set "${rs.metadata.name}"`);
      statusChanged = true;
    }
    if (metaChanged) await this.updateDeployment();
    if (statusChanged) await this.updateStatus();
    return rs;
  }

  /** The ReplicaSet for the current template, `<deployment>-<hash>`, sized for the first step. */
  private buildNewReplicaSet(oldRSs: ReplicaSet[], newRevision: number): ReplicaSet {
    const d = this.d;
    const template = deepCopy(d.spec.template ?? {});
    const hash = templateHash(template, d.status?.collisionCount);
    const labels = { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    template.metadata = { ...(template.metadata ?? {}), labels };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        // Deterministic, so a sync repeated on a stale cache finds it instead of making another.
        name: `${d.metadata.name}-${hash}`,
        namespace: this.namespace,
        ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
        labels: { ...labels },
      },
      spec: {
        replicas: 0,
        selector: cloneSelectorAndAddLabel(d.spec.selector, POD_TEMPLATE_HASH_LABEL, hash),
        template,
      },
    };
    if (d.spec.minReadySeconds) rs.spec.minReadySeconds = d.spec.minReadySeconds;
    rs.spec.replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
    setNewReplicaSetAnnotations(d, rs, newRevision, false);
    return rs;
  }

  private async createNewReplicaSet(oldRSs: ReplicaSet[], newRevision: number): Promise<ReplicaSet> {
    const rs = this.buildNewReplicaSet(oldRSs, newRevision);
    const count = replicasOf(rs);
    let created: ReplicaSet;
    let alreadyExists = false;
    try {
      created = await this.deps.client.create<ReplicaSet>(Resources.replicasets, this.namespace, rs);
    } catch (err) {
      if (!isAlreadyExists(err)) return this.failedCreate(rs, err);
      alreadyExists = true;
      created = await this.resolveExisting(rs, err);
    }
    this.remember(created);
    if (!alreadyExists && count > 0) {
      this.event('Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${count}`);
    }
    const metaChanged = setDeploymentRevision(this.d, String(newRevision));
    let statusChanged = false;
    if (!alreadyExists && hasProgressDeadline(this.d)) {
      this.setProgressing('True', REASON.newReplicaSet, `Created new replica set "${created.metadata.name}"`);
      statusChanged = true;
    }
    if (metaChanged) await this.updateDeployment();
    if (statusChanged) await this.updateStatus();
    return created;
  }

  /**
   * The name is taken: ours with this template (a stale cache) is the new ReplicaSet; anything
   * else is a hash collision, resolved by bumping status.collisionCount and trying again.
   */
  private async resolveExisting(rs: ReplicaSet, err: unknown): Promise<ReplicaSet> {
    const found = this.deps.replicaSets.get(this.namespace, rs.metadata.name!);
    if (!found) throw err;
    const ref = controllerRefOf(found);
    if (ref && ref.uid === this.d.metadata.uid && equalIgnoreHash(this.d.spec.template, found.spec.template)) return found;
    const status = this.status();
    status.collisionCount = (status.collisionCount ?? 0) + 1;
    // The create error is what requeues; a failed status write will be retried with it.
    await this.updateStatus().catch(() => undefined);
    throw err;
  }

  private async failedCreate(rs: ReplicaSet, err: unknown): Promise<never> {
    // In a terminating namespace every create fails: nothing worth reporting.
    if (namespaceTerminating(err)) throw err;
    const msg = `Failed to create new replica set "${rs.metadata.name}": ${errorMessage(err)}`;
    if (hasProgressDeadline(this.d)) {
      this.setProgressing('False', REASON.failedRSCreate, msg);
      await this.updateStatus().catch(() => undefined);
    }
    this.event('Warning', REASON.failedRSCreate, msg);
    throw err;
  }

  // ---- scaling ----

  /** Scales `rs` to `newScale` if it is not there (upstream scaleReplicaSetAndRecordEvent). */
  async scaleReplicaSetAndRecordEvent(rs: ReplicaSet, newScale: number): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    if (replicasOf(rs) === newScale) return { scaled: false, rs };
    return this.scaleReplicaSet(rs, newScale, replicasOf(rs) < newScale ? 'up' : 'down');
  }

  /** One update of spec.replicas and the desired/max-replicas annotations; the event on a size change. */
  async scaleReplicaSet(rs: ReplicaSet, newScale: number, operation: string): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    const desired = replicasOf(this.d);
    const max = desired + maxSurge(this.d);
    const sizeNeedsUpdate = replicasOf(rs) !== newScale;
    if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
    const oldScale = replicasOf(rs);
    const copy = deepCopy(rs);
    copy.spec.replicas = newScale;
    setReplicasAnnotations(copy, desired, max);
    const updated = this.remember(await this.deps.client.update<ReplicaSet>(Resources.replicasets, this.namespace, copy));
    if (sizeNeedsUpdate) {
      this.event('Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${updated.metadata.name} from ${oldScale} to ${newScale}`);
    }
    return { scaled: sizeNeedsUpdate, rs: updated };
  }

  /** Whether spec.replicas changed since the active sets were sized (upstream isScalingEvent). */
  async isScalingEvent(): Promise<boolean> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(false);
    for (const rs of filterActive(this.all(newRS, oldRSs))) {
      const desired = desiredReplicasAnnotation(rs);
      if (desired !== undefined && desired !== replicasOf(this.d)) return true;
    }
    return false;
  }

  /**
   * Brings the sets to spec.replicas (upstream scale): one active set takes it all; a saturated
   * new set takes it all; otherwise, mid-rollout, the change is spread in proportion to each
   * set's size, so the rollout carries on where it was.
   */
  async scale(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
    const d = this.d;
    const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
    if (activeOrLatest) {
      if (replicasOf(activeOrLatest) !== replicasOf(d)) await this.scaleReplicaSetAndRecordEvent(activeOrLatest, replicasOf(d));
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const old of filterActive(oldRSs)) await this.scaleReplicaSetAndRecordEvent(old, 0);
      return;
    }
    if (isRollingUpdate(d)) await this.scaleProportionally(filterActive([...oldRSs, newRS]));
  }

  private async scaleProportionally(active: ReplicaSet[]): Promise<void> {
    const d = this.d;
    const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
    const toAdd = allowed - totalReplicas(active);
    let operation = '';
    // Equal sizes: scaling up goes to newer sets first, scaling down takes from older ones first.
    if (toAdd > 0) {
      active.sort(bySizeNewer);
      operation = 'up';
    } else if (toAdd < 0) {
      active.sort(bySizeOlder);
      operation = 'down';
    }
    const sizes = new Map<string, number>();
    let added = 0;
    for (const rs of active) {
      const proportion = toAdd !== 0 ? getProportion(rs, d, toAdd, added) : 0;
      sizes.set(rs.metadata.name!, replicasOf(rs) + proportion);
      added += proportion;
    }
    for (const [i, rs] of active.entries()) {
      const name = rs.metadata.name!;
      // Rounding leftovers go to (or come from) the largest set.
      if (i === 0 && toAdd !== 0) sizes.set(name, Math.max(0, sizes.get(name)! + toAdd - added));
      await this.scaleReplicaSet(rs, sizes.get(name)!, operation);
    }
  }

  // ---- history ----

  /**
   * Deletes the oldest revisions beyond revisionHistoryLimit (upstream cleanupDeployment): only
   * sets scaled to zero, with no pods left, whose latest spec their controller has seen.
   */
  async cleanupDeployment(oldRSs: ReplicaSet[]): Promise<void> {
    if (!hasRevisionHistoryLimit(this.d)) return;
    const cleanable = this.current(oldRSs).filter((rs) => !rs.metadata.deletionTimestamp);
    const diff = cleanable.length - (this.d.spec.revisionHistoryLimit ?? 0);
    if (diff <= 0) return;
    cleanable.sort(byRevision);
    for (const rs of cleanable.slice(0, diff)) {
      if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0) continue;
      if ((rs.metadata.generation ?? 0) > ((rs.status?.observedGeneration as number | undefined) ?? 0)) continue;
      try {
        await this.deps.client.delete(Resources.replicasets, rs.metadata.namespace, rs.metadata.name!);
      } catch (err) {
        // Stop at the first failure rather than pile more deletes on a struggling server.
        if (!isNotFound(err)) throw err;
      }
    }
  }

  // ---- status ----

  /** Counts and the Available condition only (upstream syncDeploymentStatus). */
  async syncDeploymentStatus(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Promise<void> {
    const next = calculateStatus(allRSs, newRS, this.d, this.now());
    if (statusEqual(this.d.status, next)) return;
    this.d.status = next;
    await this.updateStatus();
  }

  /**
   * The status after a rollout step, Progressing included (upstream syncRolloutStatus). Nothing
   * changed: a stuck rollout is looked at again when its progress deadline would pass.
   */
  async syncRolloutStatus(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Promise<void> {
    const now = this.now();
    const next = rolloutStatus(this.d, allRSs, newRS, now);
    if (statusEqual(this.d.status, next)) {
      const after = stuckRequeueAfterMs(this.d, next, now);
      if (after !== undefined) this.deps.requeueAfter(after);
      return;
    }
    this.d.status = next;
    await this.updateStatus();
  }

  /**
   * Marks pausing and resuming in the Progressing condition (Unknown), so time spent paused never
   * counts against the progress deadline (upstream checkPausedConditions).
   */
  async checkPausedConditions(): Promise<void> {
    if (!hasProgressDeadline(this.d)) return;
    const cond = getCondition(this.d.status, 'Progressing');
    // A reported lack of progress stays reported.
    if (cond?.reason === REASON.timedOut) return;
    const pausedCondExists = cond?.reason === REASON.paused;
    if (this.d.spec.paused && !pausedCondExists) {
      this.setProgressing('Unknown', REASON.paused, 'Deployment is paused');
    } else if (!this.d.spec.paused && pausedCondExists) {
      this.setProgressing('Unknown', REASON.resumed, 'Deployment is resumed');
    } else {
      return;
    }
    await this.updateStatus();
  }

  // ---- the non-rollout syncs ----

  /** A Deployment being deleted: status only, no scaling (upstream syncStatusOnly). */
  async syncStatusOnly(): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(false);
    await this.syncDeploymentStatus(this.all(newRS, oldRSs), this.latest(newRS));
  }

  /** A paused Deployment or a scaling event: scale, clean up, status (upstream sync). */
  async sync(): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(false);
    await this.scale(newRS, oldRSs);
    // Clean up when paused, unless a rollback is in flight.
    if (this.d.spec.paused && getRollbackTo(this.d) === undefined) await this.cleanupDeployment(oldRSs);
    await this.syncDeploymentStatus(this.all(newRS, oldRSs), this.latest(newRS));
  }
}
