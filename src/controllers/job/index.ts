// The Job controller (upstream pkg/controller/job, plus the TTL-after-finished controller): runs a
// Job's pods to `completions` with at most `parallelism` active, replaces failed ones with
// exponential backoff until backoffLimit, honours activeDeadlineSeconds and suspend, and finishes
// the Job with the 1.31+ conditions (SuccessCriteriaMet then Complete, FailureTarget then Failed).
// Pods carry the batch.kubernetes.io/job-tracking finalizer: a finished pod is first recorded in
// status.uncountedTerminatedPods, then its finalizer is removed, then it moves into the counters,
// so no pod is counted twice or lost even if pods are deleted early. Finished Jobs with
// ttlSecondsAfterFinished are deleted once it runs out.
import { deepCopy } from '../../api/types.js';
import { isForbidden, isNotFound } from '../../client/errors.js';
import { Resources } from '../../client/resources.js';
import { objectKey, splitKey, type EventRecorder, type Informer } from '../../client/types.js';
import type { Controller, ControllerContext, ControllerFactory } from '../context.js';
import { controllerRefOf, podFromTemplate, podPhase, type PodTemplateSpec } from '../podutil.js';
import { QueueController } from '../runner.js';
import {
  COMPLETION_INDEX_ANNOTATION,
  JOB_TRACKING_FINALIZER,
  MESSAGE_BACKOFF_LIMIT,
  MESSAGE_COMPLETIONS_REACHED,
  MESSAGE_DEADLINE,
  REASON_BACKOFF_LIMIT,
  REASON_COMPLETIONS_REACHED,
  REASON_DEADLINE,
  activeDeadlineRemaining,
  activePods,
  activePodsForRemoval,
  backoffRemaining,
  completionIndex,
  completionsReached,
  countReady,
  countTerminating,
  ensureCondition,
  findCondition,
  finishedCondition,
  firstPendingIndexes,
  formatIndexes,
  generateNameWithIndex,
  hasTrackingFinalizer,
  isIndexed,
  isJobFinished,
  isPodFailed,
  isSuspended,
  managedElsewhere,
  newCondition,
  newFinishedPods,
  nextBackoffRecord,
  onlyReplaceFailedPods,
  pastActiveDeadline,
  pastBackoffLimitOnFailure,
  rfc3339,
  succeededIndexes,
  wantActive,
  type BackoffRecord,
} from './accounting.js';
import { SLOW_START_INITIAL_BATCH, slowStartBatch } from './batch.js';
import { Expectations, UidExpectations } from './expectations.js';
import type { Job, JobCondition, Pod } from './types.js';

export const JOB_CONTROLLER_NAME = 'job-controller';
const POD_OWNER_INDEX = 'job-controller/owner-uid';
/** Upstream MaxPodCreateDeletePerSync and MaxUncountedPods. */
const MAX_POD_CHANGES_PER_SYNC = 500;
const MAX_UNCOUNTED_PODS = 500;

/** What one pass of syncJob knows (upstream syncJobCtx). */
interface SyncCtx {
  key: string;
  job: Job;
  pods: Pod[];
  active: Pod[];
  ready: number;
  terminating: number;
  succeeded: number;
  failed: number;
  succeededIndexes: Set<number>;
  previousSucceededIndexes: Set<number>;
  expectedRemovals: ReadonlySet<string>;
  newBackoff: BackoffRecord;
  /** The condition the Job is heading for, interim (FailureTarget, SuccessCriteriaMet) or terminal. */
  finished?: JobCondition;
}

function isJobOwner(ref: { apiVersion: string; kind: string } | undefined): boolean {
  return !!ref && ref.kind === 'Job' && ref.apiVersion.startsWith('batch/');
}

/** A create refused because the namespace is going away: nothing to retry. */
function isNamespaceTerminating(err: unknown): boolean {
  return isForbidden(err) && err instanceof Error && err.message.includes('being terminated');
}

class JobController implements Controller {
  readonly name = JOB_CONTROLLER_NAME;
  private readonly jobs: Informer<Job>;
  private readonly pods: Informer<Pod>;
  private readonly queue: QueueController;
  /** Pods whose tracking finalizer must go because their Job is gone or finished. */
  private readonly orphans: QueueController;
  private readonly recorder: EventRecorder;
  private readonly expectations = new Expectations();
  private readonly removals = new UidExpectations();
  private readonly backoff = new Map<string, BackoffRecord>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.jobs = ctx.informers.informerFor<Job>(Resources.jobs);
    this.pods = ctx.informers.informerFor<Pod>(Resources.pods);
    this.recorder = ctx.recorder(JOB_CONTROLLER_NAME);
    this.queue = new QueueController(this.name, (key) => this.sync(key));
    this.orphans = new QueueController(`${this.name}-orphan-pods`, (key) => this.syncOrphanPod(key));
    this.pods.addIndex(POD_OWNER_INDEX, (p) => {
      const ref = controllerRefOf(p);
      return isJobOwner(ref) ? [ref!.uid] : [];
    });
    this.watch();
  }

  private watch(): void {
    this.jobs.addEventHandler({
      add: (j) => this.queue.enqueue(j),
      update: (_o, j) => this.queue.enqueue(j),
      delete: (j) => {
        this.queue.enqueue(j);
        // Its pods keep their finalizers until someone removes them.
        for (const p of this.podsOf(j)) if (hasTrackingFinalizer(p)) this.orphans.enqueue(p);
      },
    });
    this.pods.addEventHandler({
      add: (p) => this.onPod(undefined, p),
      update: (o, p) => this.onPod(o, p),
      delete: (p) => this.onPodDeleted(p),
    });
  }

  /** The key of the Job controlling `pod`, when that Job is in the cache. */
  private jobKeyOf(pod: Pod): string | undefined {
    const ref = controllerRefOf(pod);
    if (!isJobOwner(ref)) return undefined;
    const job = this.jobs.get(pod.metadata.namespace, ref!.name);
    return job && job.metadata.uid === ref!.uid ? objectKey(job) : undefined;
  }

  private onPod(old: Pod | undefined, pod: Pod): void {
    const key = this.jobKeyOf(pod);
    if (key) {
      if (!old) this.expectations.creationObserved(key);
      if (old && !old.metadata.deletionTimestamp && pod.metadata.deletionTimestamp) this.expectations.deletionObserved(key);
      if (old && hasTrackingFinalizer(old) && !hasTrackingFinalizer(pod)) this.removals.observed(key, pod.metadata.uid ?? '');
      this.queue.enqueueKey(key);
    } else if (hasTrackingFinalizer(pod) && isJobOwner(controllerRefOf(pod))) {
      this.orphans.enqueue(pod);
    }
    if (old) {
      const oldKey = this.jobKeyOf(old);
      if (oldKey && oldKey !== key) this.queue.enqueueKey(oldKey);
    }
    if (key && hasTrackingFinalizer(pod) && isJobFinished(this.jobs.get(pod.metadata.namespace, splitKey(key).name)!)) this.orphans.enqueue(pod);
  }

  private onPodDeleted(pod: Pod): void {
    const key = this.jobKeyOf(pod);
    if (!key) return;
    if (!pod.metadata.deletionTimestamp) this.expectations.deletionObserved(key);
    this.removals.observed(key, pod.metadata.uid ?? '');
    this.queue.enqueueKey(key);
  }

  private podsOf(job: Job): Pod[] {
    return this.pods.byIndex(POD_OWNER_INDEX, job.metadata.uid ?? '').filter((p) => p.metadata.namespace === job.metadata.namespace);
  }

  run(workers: number): void {
    this.queue.run(workers);
    this.orphans.run(1);
  }

  stop(): void {
    this.queue.stop();
    this.orphans.stop();
  }

  // ---- sync ----

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.jobs.get(namespace, name);
    if (!cached) {
      this.expectations.delete(key);
      this.removals.delete(key);
      this.backoff.delete(key);
      return;
    }
    if (managedElsewhere(cached)) return;
    const job = deepCopy(cached);
    if (isJobFinished(job)) {
      this.backoff.delete(key);
      return this.syncFinished(job);
    }
    const mode = job.spec.completionMode;
    if (mode && mode !== 'NonIndexed' && mode !== 'Indexed') {
      this.recorder.event(job, 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown');
      return;
    }
    await this.syncJob(key, job);
  }

  private newSyncCtx(key: string, job: Job): SyncCtx {
    job.status ??= {};
    job.status.uncountedTerminatedPods ??= {};
    const pods = this.podsOf(job);
    const active = activePods(pods);
    const expectedRemovals = this.removals.get(key);
    const fresh = newFinishedPods(job, pods, expectedRemovals);
    const uncounted = job.status.uncountedTerminatedPods;
    const ctx: SyncCtx = {
      key,
      job,
      pods,
      active,
      ready: countReady(active),
      terminating: countTerminating(pods),
      succeeded: (job.status.succeeded ?? 0) + fresh.succeeded.length + (uncounted.succeeded?.length ?? 0),
      failed: (job.status.failed ?? 0) + fresh.failed.length + (uncounted.failed?.length ?? 0),
      succeededIndexes: new Set(),
      previousSucceededIndexes: new Set(),
      expectedRemovals,
      newBackoff: nextBackoffRecord(this.backoff.get(key) ?? { failuresAfterLastSuccess: 0 }, fresh.succeeded, fresh.failed),
    };
    if (isIndexed(job)) {
      const ix = succeededIndexes(job, pods);
      ctx.previousSucceededIndexes = ix.previous;
      ctx.succeededIndexes = ix.all;
      ctx.succeeded = ix.all.size;
    }
    return ctx;
  }

  private async syncJob(key: string, job: Job): Promise<void> {
    const now = this.now();
    const satisfied = this.expectations.satisfied(key);
    const c = this.newSyncCtx(key, job);
    const status = job.status!;
    let needsFlush = false;
    if (!status.startTime && !isSuspended(job)) {
      status.startTime = rfc3339(now);
      needsFlush = true;
    }
    c.finished = this.pendingFinish(c, now);

    let active = c.active.length;
    let manageError: unknown;
    if (c.finished) {
      // Failing (or succeeded by policy): stop what still runs; finalizers go in tracking below.
      const { deleted, deletedReady, error } = await this.deletePods(c.job, c.active, false);
      if (deleted !== active || !satisfied) c.finished = undefined; // finish on a later, quieter pass
      active -= deleted;
      c.terminating += deleted;
      c.ready -= deletedReady;
      manageError = error;
    } else {
      let managed = false;
      if (satisfied && !job.metadata.deletionTimestamp) {
        try {
          active = await this.manageJob(c, now);
        } catch (err) {
          manageError = err;
        }
        managed = true;
      }
      if (completionsReached(job, c.succeeded, active)) {
        c.finished = newCondition('SuccessCriteriaMet', 'True', REASON_COMPLETIONS_REACHED, MESSAGE_COMPLETIONS_REACHED, now);
      } else if (managed && this.updateSuspendCondition(c, now)) {
        needsFlush = true;
      }
    }

    if (active !== status.active || c.ready !== status.ready || c.terminating !== status.terminating) needsFlush = true;
    status.active = active;
    status.ready = c.ready;
    status.terminating = c.terminating;
    await this.trackAndRemoveFinalizers(c, needsFlush);
    if (manageError) throw manageError;
  }

  /** The condition the Job should head for now, if any (checked in upstream's order). */
  private pendingFinish(c: SyncCtx, now: Date): JobCondition | undefined {
    const { job } = c;
    const met = findCondition(job.status?.conditions, 'SuccessCriteriaMet');
    if (met?.status === 'True') return met;
    const target = findCondition(job.status?.conditions, 'FailureTarget');
    if (target?.status === 'True') return newCondition('Failed', 'True', target.reason ?? '', target.message ?? '', now);
    if (c.failed > (job.spec.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, c.pods)) {
      return newCondition('FailureTarget', 'True', REASON_BACKOFF_LIMIT, MESSAGE_BACKOFF_LIMIT, now);
    }
    if (pastActiveDeadline(job, now)) return newCondition('FailureTarget', 'True', REASON_DEADLINE, MESSAGE_DEADLINE, now);
    const remaining = activeDeadlineRemaining(job, now);
    if (remaining !== undefined) this.queue.enqueueAfter(c.key, remaining + 100);
    return undefined;
  }

  /** Keeps the Suspended condition in step with spec.suspend; true when it changed. */
  private updateSuspendCondition(c: SyncCtx, now: Date): boolean {
    const status = c.job.status!;
    if (isSuspended(c.job)) {
      const r = ensureCondition(status.conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now);
      status.conditions = r.conditions;
      if (r.changed) this.recorder.event(c.job, 'Normal', 'Suspended', 'Job suspended');
      return r.changed;
    }
    const r = ensureCondition(status.conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', now);
    status.conditions = r.conditions;
    if (r.changed) {
      this.recorder.event(c.job, 'Normal', 'Resumed', 'Job resumed');
      // activeDeadlineSeconds counts time continuously active: the clock restarts on resume.
      status.startTime = rfc3339(now);
    }
    return r.changed;
  }

  /** Creates or deletes pods so `active` matches what the Job wants; returns the new active count. */
  private async manageJob(c: SyncCtx, now: Date): Promise<number> {
    const { job } = c;
    const active = c.active.length;
    if (isSuspended(job)) return active - (await this.removePods(c, activePodsForRemoval(job, c.active, active)));
    const want = wantActive(job, c.succeeded, active);
    const toDelete = activePodsForRemoval(job, c.active, Math.max(0, active - want)).slice(0, MAX_POD_CHANGES_PER_SYNC);
    // Deletions win over creations in one pass, as upstream.
    if (toDelete.length > 0) return active - (await this.removePods(c, toDelete));
    const terminating = onlyReplaceFailedPods(job) ? c.terminating : 0;
    let diff = Math.min(want - terminating - active, MAX_POD_CHANGES_PER_SYNC);
    if (diff <= 0) return active;
    const wait = backoffRemaining(c.newBackoff, now.getTime());
    if (wait > 0) {
      this.queue.enqueueAfter(c.key, Math.max(wait, 1000));
      return active;
    }
    let indexes: number[] | undefined;
    if (isIndexed(job)) {
      indexes = firstPendingIndexes(job, c.active, c.succeededIndexes, diff);
      diff = indexes.length;
    }
    return active + (await this.createPods(c, diff, indexes));
  }

  private async createPods(c: SyncCtx, count: number, indexes?: number[]): Promise<number> {
    if (count <= 0) return 0;
    const { job } = c;
    this.expectations.expect(c.key, count, 0);
    const template = deepCopy(job.spec.template);
    if (indexes) addCompletionIndexEnv(template);
    const result = await slowStartBatch(count, SLOW_START_INITIAL_BATCH, (i) => this.createPod(job, template, indexes?.[i]));
    const failed = count - result.succeeded;
    for (let i = 0; i < failed; i++) this.expectations.creationObserved(c.key);
    if (result.error && !isNamespaceTerminating(result.error)) throw result.error;
    return result.succeeded;
  }

  private async createPod(job: Job, template: PodTemplateSpec, index: number | undefined): Promise<void> {
    const ns = job.metadata.namespace!;
    const extra =
      index === undefined
        ? { generateName: `${job.metadata.name}-` }
        : {
            generateName: generateNameWithIndex(job.metadata.name!, index),
            hostname: `${job.metadata.name}-${index}`,
            annotations: { [COMPLETION_INDEX_ANNOTATION]: String(index) },
            labels: { [COMPLETION_INDEX_ANNOTATION]: String(index) },
          };
    const pod = podFromTemplate(template, job, 'batch/v1', 'Job', ns, extra);
    const finalizers = pod.metadata.finalizers ?? [];
    if (!finalizers.includes(JOB_TRACKING_FINALIZER)) pod.metadata.finalizers = [...finalizers, JOB_TRACKING_FINALIZER];
    try {
      const created = await this.ctx.client.create<Pod>(Resources.pods, ns, pod);
      this.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    } catch (err) {
      if (!isNamespaceTerminating(err)) this.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${describe(err)}`);
      throw err;
    }
  }

  /** Deletes pods the Job no longer wants, dropping their finalizer first so they are not counted. */
  private async removePods(c: SyncCtx, pods: Pod[]): Promise<number> {
    if (pods.length === 0) return 0;
    this.expectations.expect(c.key, 0, pods.length);
    const { deleted, deletedReady, error } = await this.deletePods(c.job, pods, true);
    for (let i = deleted; i < pods.length; i++) this.expectations.deletionObserved(c.key);
    c.terminating += deleted;
    c.ready -= deletedReady;
    if (error) throw error;
    return deleted;
  }

  private async deletePods(job: Job, pods: Pod[], dropFinalizer: boolean): Promise<{ deleted: number; deletedReady: number; error?: unknown }> {
    let deleted = 0;
    let deletedReady = 0;
    let error: unknown;
    await Promise.all(
      pods.map(async (pod) => {
        try {
          if (dropFinalizer && hasTrackingFinalizer(pod)) await this.removeFinalizer(pod);
          await this.ctx.client.delete(Resources.pods, pod.metadata.namespace, pod.metadata.name!);
          this.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
        } catch (err) {
          if (!isNotFound(err)) {
            error ??= err;
            this.recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${describe(err)}`);
            return;
          }
        }
        deleted++;
        if (pod.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')) deletedReady++;
      }),
    );
    return { deleted, deletedReady, error };
  }

  private async removeFinalizer(pod: Pod): Promise<void> {
    const patch = { metadata: { '$deleteFromPrimitiveList/finalizers': [JOB_TRACKING_FINALIZER] } };
    await this.ctx.client.patch(Resources.pods, pod.metadata.namespace, pod.metadata.name!, 'strategic', patch);
  }

  // ---- tracking (upstream trackJobStatusAndRemoveFinalizers) ----

  private async trackAndRemoveFinalizers(c: SyncCtx, needsFlushIn: boolean): Promise<void> {
    let needsFlush = needsFlushIn;
    const indexed = isIndexed(c.job);
    const pods = indexed ? [...c.pods].sort((a, b) => completionIndex(a) - completionIndex(b)) : c.pods;
    const withFinalizer = new Set(pods.filter((p) => this.trackable(c, p)).map((p) => p.metadata.uid ?? ''));
    if (moveUncountedToCounters(c.job, withFinalizer)) needsFlush = true;

    const { toRemove, newIndexes, reachedMax, changed } = this.collectFinished(c, pods);
    if (changed) needsFlush = true;
    if (indexed) {
      const all = new Set([...c.succeededIndexes, ...newIndexes]);
      const text = formatIndexes(all);
      if (text !== (c.job.status!.completedIndexes ?? '')) needsFlush = true;
      c.job.status!.completedIndexes = text;
      c.job.status!.succeeded = all.size;
    }
    if (this.recordInterimCondition(c)) needsFlush = true;

    if (needsFlush) {
      await this.flush(c);
      this.backoff.set(c.key, c.newBackoff);
      needsFlush = false;
    }
    const rmError = await this.removeFinalizers(c, toRemove, withFinalizer);
    if (moveUncountedToCounters(c.job, withFinalizer)) needsFlush = true;
    if (rmError) {
      if (needsFlush) await this.flush(c);
      throw rmError;
    }
    const finished = !reachedMax && this.enactFinished(c);
    if (finished) needsFlush = true;
    if (needsFlush) await this.flush(c);
    if (finished) this.recordFinished(c);
  }

  /** A pod whose finish is not yet fully accounted: it still has the finalizer, no removal pending. */
  private trackable(c: SyncCtx, pod: Pod): boolean {
    return hasTrackingFinalizer(pod) && !c.expectedRemovals.has(pod.metadata.uid ?? '');
  }

  /** Finished pods to record in uncountedTerminatedPods (or completedIndexes) and release. */
  private collectFinished(c: SyncCtx, pods: Pod[]): { toRemove: Pod[]; newIndexes: number[]; reachedMax: boolean; changed: boolean } {
    const { job } = c;
    const uncounted = job.status!.uncountedTerminatedPods!;
    const succeededUids = new Set(uncounted.succeeded ?? []);
    const failedUids = new Set(uncounted.failed ?? []);
    const completions = job.spec.completions ?? 0;
    const toRemove: Pod[] = [];
    const newIndexes: number[] = [];
    let changed = false;
    let reachedMax = false;
    const failing = !!c.finished && c.finished.type !== 'SuccessCriteriaMet' && c.finished.type !== 'Complete';
    for (const pod of pods) {
      if (!this.trackable(c, pod)) continue;
      const uid = pod.metadata.uid ?? '';
      const podFailed = isPodFailed(pod, job);
      const succeeded = podPhase(pod) === 'Succeeded';
      // canRemoveFinalizer: the Job is going away or finishing, or the pod is done.
      if (!(job.metadata.deletionTimestamp || c.finished || succeeded || podFailed)) continue;
      toRemove.push(pod);
      const ix = completionIndex(pod);
      if (succeeded && !failedUids.has(uid)) {
        if (isIndexed(job)) {
          if (ix >= 0 && ix < completions && !c.previousSucceededIndexes.has(ix)) {
            newIndexes.push(ix);
            changed = true;
          }
        } else if (!succeededUids.has(uid)) {
          succeededUids.add(uid);
          changed = true;
        }
      } else if (podFailed || failing) {
        // When the Job fails, every pod not yet finished counts as failed.
        if (!failedUids.has(uid) && (!isIndexed(job) || (ix >= 0 && ix < completions))) {
          failedUids.add(uid);
          changed = true;
        }
      }
      if (newIndexes.length + succeededUids.size + failedUids.size >= MAX_UNCOUNTED_PODS) {
        reachedMax = true;
        break;
      }
    }
    uncounted.succeeded = [...succeededUids];
    uncounted.failed = [...failedUids];
    return { toRemove, newIndexes, reachedMax, changed };
  }

  /** Writes FailureTarget / SuccessCriteriaMet before finalizers go; c.finished becomes the terminal one. */
  private recordInterimCondition(c: SyncCtx): boolean {
    const f = c.finished;
    if (!f || (f.type !== 'FailureTarget' && f.type !== 'SuccessCriteriaMet')) return false;
    const status = c.job.status!;
    const now = this.now();
    let changed = false;
    if (!findCondition(status.conditions, f.type)) {
      status.conditions = [...(status.conditions ?? []), f];
      changed = true;
    }
    c.finished = newCondition(f.type === 'FailureTarget' ? 'Failed' : 'Complete', 'True', f.reason ?? '', f.message ?? '', now);
    return changed;
  }

  private async removeFinalizers(c: SyncCtx, pods: Pod[], withFinalizer: Set<string>): Promise<unknown> {
    if (pods.length === 0) return undefined;
    this.removals.expect(c.key, pods.map((p) => p.metadata.uid ?? ''));
    let error: unknown;
    await Promise.all(
      pods.map(async (pod) => {
        const uid = pod.metadata.uid ?? '';
        try {
          await this.removeFinalizer(pod);
        } catch (err) {
          // No pod update will come for this one.
          this.removals.observed(c.key, uid);
          if (!isNotFound(err)) {
            error ??= err;
            return;
          }
        }
        withFinalizer.delete(uid);
      }),
    );
    return error;
  }

  /** Adds the terminal condition once every finished pod is counted and none is terminating. */
  private enactFinished(c: SyncCtx): boolean {
    const f = c.finished;
    if (!f) return false;
    const status = c.job.status!;
    const uncounted = status.uncountedTerminatedPods ?? {};
    if ((uncounted.succeeded?.length ?? 0) + (uncounted.failed?.length ?? 0) > 0) return false;
    if (c.terminating > 0) return false;
    const r = ensureCondition(status.conditions, f.type, f.status, f.reason ?? '', f.message ?? '', this.now());
    status.conditions = r.conditions;
    if (f.type === 'Complete') status.completionTime = findCondition(status.conditions, 'Complete')?.lastTransitionTime;
    return true;
  }

  private recordFinished(c: SyncCtx): void {
    const f = c.finished!;
    const { job } = c;
    if (f.type === 'Complete') {
      const completions = job.spec.completions;
      if (completions != null && (job.status?.succeeded ?? 0) > completions) {
        this.recorder.event(job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
      }
      this.recorder.event(job, 'Normal', 'Completed', 'Job completed');
    } else {
      this.recorder.event(job, 'Warning', f.reason ?? 'Failed', f.message ?? '');
    }
    const ttl = job.spec.ttlSecondsAfterFinished;
    if (ttl != null) this.queue.enqueueAfter(c.key, ttl * 1000 + 100);
  }

  private async flush(c: SyncCtx): Promise<void> {
    const status = c.job.status!;
    const uncounted = status.uncountedTerminatedPods;
    // Empty lists are omitted on the wire, as upstream's omitempty does.
    if (uncounted) {
      if (!uncounted.succeeded?.length) delete uncounted.succeeded;
      if (!uncounted.failed?.length) delete uncounted.failed;
    }
    const updated = await this.ctx.client.update<Job>(Resources.jobs, c.job.metadata.namespace, c.job, 'status');
    c.job.metadata.resourceVersion = updated.metadata.resourceVersion;
  }

  // ---- finished Jobs ----

  private async syncFinished(job: Job): Promise<void> {
    // Pods left with the finalizer (e.g. we stopped mid-way) are released.
    await Promise.all(
      this.podsOf(job)
        .filter(hasTrackingFinalizer)
        .map((p) => this.removeFinalizer(p).catch((err) => {
          if (!isNotFound(err)) throw err;
        })),
    );
    await this.expireIfTtlPassed(job);
  }

  /** ttlSecondsAfterFinished (upstream ttlafterfinished controller): delete the Job once it runs out. */
  private async expireIfTtlPassed(job: Job): Promise<void> {
    const ttl = job.spec.ttlSecondsAfterFinished;
    if (ttl == null || job.metadata.deletionTimestamp) return;
    const finishedAt = Date.parse(finishedCondition(job)?.lastTransitionTime ?? job.status?.completionTime ?? '');
    if (Number.isNaN(finishedAt)) return;
    const left = finishedAt + ttl * 1000 - this.now().getTime();
    if (left > 0) {
      this.queue.enqueueAfter(objectKey(job), left + 100);
      return;
    }
    // Check the live object: the TTL may have been changed after our cache saw it.
    const fresh = await this.ctx.client.get<Job>(Resources.jobs, job.metadata.namespace, job.metadata.name!).catch((err) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    if (!fresh || fresh.metadata.uid !== job.metadata.uid || fresh.spec.ttlSecondsAfterFinished !== ttl) {
      if (fresh) this.queue.enqueue(fresh);
      return;
    }
    try {
      await this.ctx.client.delete(Resources.jobs, job.metadata.namespace, job.metadata.name!, {
        propagationPolicy: 'Foreground',
        preconditions: { uid: job.metadata.uid },
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  // ---- orphan pods (upstream syncOrphanPod) ----

  private async syncOrphanPod(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.pods.get(namespace, name);
    if (!pod || !hasTrackingFinalizer(pod)) return;
    const ref = controllerRefOf(pod);
    if (ref) {
      if (!isJobOwner(ref)) return; // not ours to touch
      let job = this.jobs.get(namespace, ref.name);
      if (!job) {
        // The cache may lag a Job just created: ask the server before releasing its pods.
        job = await this.ctx.client.get<Job>(Resources.jobs, namespace, ref.name).catch((err) => {
          if (isNotFound(err)) return undefined;
          throw err;
        });
      }
      if (job && job.metadata.uid === ref.uid) {
        if (managedElsewhere(job) || !isJobFinished(job)) return;
      }
    }
    try {
      await this.removeFinalizer(pod);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** Removes from uncountedTerminatedPods the pods whose finalizer is gone, counting them. */
export function moveUncountedToCounters(job: Job, withFinalizer: ReadonlySet<string>): boolean {
  const status = job.status!;
  const uncounted = (status.uncountedTerminatedPods ??= {});
  let changed = false;
  const keepS = (uncounted.succeeded ?? []).filter((uid) => withFinalizer.has(uid));
  if (keepS.length !== (uncounted.succeeded?.length ?? 0)) {
    status.succeeded = (status.succeeded ?? 0) + (uncounted.succeeded!.length - keepS.length);
    uncounted.succeeded = keepS;
    changed = true;
  }
  const keepF = (uncounted.failed ?? []).filter((uid) => withFinalizer.has(uid));
  if (keepF.length !== (uncounted.failed?.length ?? 0)) {
    status.failed = (status.failed ?? 0) + (uncounted.failed!.length - keepF.length);
    uncounted.failed = keepF;
    changed = true;
  }
  return changed;
}

/** Indexed Jobs give every container JOB_COMPLETION_INDEX from the pod's annotation. */
function addCompletionIndexEnv(template: PodTemplateSpec): void {
  const spec = template.spec as { containers?: { env?: unknown[] }[]; initContainers?: { env?: unknown[] }[] } | undefined;
  const env = {
    name: 'JOB_COMPLETION_INDEX',
    valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']` } },
  };
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
    const list = (c.env ?? []) as { name?: string }[];
    if (!list.some((e) => e.name === 'JOB_COMPLETION_INDEX')) c.env = [...list, env];
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export const jobController: ControllerFactory = (ctx) => new JobController(ctx);
export { JobController };
