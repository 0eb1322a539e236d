// The Job controller's pure bookkeeping (upstream pkg/controller/job): which pods count as active,
// succeeded or failed, completion indexes, how many pods to want, pod-failure backoff, deadlines and
// the Job's conditions. Nothing here talks to the API; the controller feeds it cached objects.
import { isPodActive, isPodReady, podPhase } from '../podutil.js';
import type { Job, JobCondition, Pod } from './types.js';

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
export const JOB_CONTROLLER_MANAGER = 'kubernetes.io/job-controller';

/** Upstream DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff. */
export const POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 6 * 60_000;

export const REASON_BACKOFF_LIMIT = 'BackoffLimitExceeded';
export const REASON_DEADLINE = 'DeadlineExceeded';
export const REASON_COMPLETIONS_REACHED = 'CompletionsReached';
export const MESSAGE_BACKOFF_LIMIT = 'Job has reached the specified backoff limit';
export const MESSAGE_DEADLINE = 'Job was active longer than specified deadline';
export const MESSAGE_COMPLETIONS_REACHED = 'Reached expected number of succeeded pods';

// ---- jobs ----

/** The terminal condition (Complete or Failed, status True) of a finished Job. */
export function finishedCondition(job: Job): JobCondition | undefined {
  return job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

export function isJobFinished(job: Job): boolean {
  return finishedCondition(job) !== undefined;
}

export function isIndexed(job: Job): boolean {
  return job.spec.completionMode === 'Indexed';
}

export function isSuspended(job: Job): boolean {
  return job.spec.suspend === true;
}

/** A Job another controller manages (spec.managedBy, 1.30+) is left alone. */
export function managedElsewhere(job: Job): boolean {
  const by = job.spec.managedBy;
  return typeof by === 'string' && by !== '' && by !== JOB_CONTROLLER_MANAGER;
}

/** podReplacementPolicy: Failed (or a podFailurePolicy) replaces pods only once they have failed. */
export function onlyReplaceFailedPods(job: Job): boolean {
  return job.spec.podReplacementPolicy === 'Failed' || job.spec.podFailurePolicy != null;
}

export function findCondition(conditions: JobCondition[] | undefined, type: string): JobCondition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function newCondition(type: string, status: string, reason: string, message: string, now: Date): JobCondition {
  const at = rfc3339(now);
  return { type, status, reason, message, lastProbeTime: at, lastTransitionTime: at };
}

/**
 * Sets a condition's status, reason and message (upstream ensureJobConditionStatus): appends it
 * unless the new status is False, replaces it when anything differs. Returns a new list.
 */
export function ensureCondition(
  conditions: JobCondition[] | undefined,
  type: string,
  status: string,
  reason: string,
  message: string,
  now: Date,
): { conditions: JobCondition[]; changed: boolean } {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = list[i];
    if (c.status === status && (c.reason ?? '') === reason && (c.message ?? '') === message) return { conditions: list, changed: false };
    list[i] = newCondition(type, status, reason, message, now);
    return { conditions: list, changed: true };
  }
  if (status === 'False') return { conditions: list, changed: false };
  list.push(newCondition(type, status, reason, message, now));
  return { conditions: list, changed: true };
}

/** Seconds-precision RFC 3339, as metav1.Time serializes. */
export function rfc3339(d: Date): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function pastActiveDeadline(job: Job, now: Date): boolean {
  const limit = job.spec.activeDeadlineSeconds;
  const start = job.status?.startTime;
  if (limit == null || !start || isSuspended(job)) return false;
  return now.getTime() - Date.parse(start) >= limit * 1000;
}

/** Milliseconds until activeDeadlineSeconds runs out, or undefined when there is no deadline. */
export function activeDeadlineRemaining(job: Job, now: Date): number | undefined {
  const limit = job.spec.activeDeadlineSeconds;
  const start = job.status?.startTime;
  if (limit == null || !start || isSuspended(job)) return undefined;
  return Math.max(0, Date.parse(start) + limit * 1000 - now.getTime());
}

/** For restartPolicy OnFailure, container restarts of running pods count against backoffLimit. */
export function pastBackoffLimitOnFailure(job: Job, pods: Pod[]): boolean {
  if (job.spec.template.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const pod of pods) {
    const phase = podPhase(pod);
    if (phase !== 'Running' && phase !== 'Pending') continue;
    for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) restarts += s.restartCount ?? 0;
  }
  const limit = job.spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

// ---- pods ----

export function hasTrackingFinalizer(pod: Pod): boolean {
  return pod.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER) ?? false;
}

/** A failed pod, or (unless only failed pods are replaced) a deleted one that did not succeed. */
export function isPodFailed(pod: Pod, job: Job): boolean {
  const phase = podPhase(pod);
  if (phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return !!pod.metadata.deletionTimestamp && phase !== 'Succeeded';
}

/** Pods being deleted that have not finished (upstream CountTerminatingPods). */
export function countTerminating(pods: Pod[]): number {
  return pods.filter((p) => p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(podPhase(p))).length;
}

export function countReady(pods: Pod[]): number {
  return pods.filter(isPodReady).length;
}

export function activePods(pods: Pod[]): Pod[] {
  return pods.filter(isPodActive);
}

/** The pod's completion index, or -1 when it has none or an unparsable one. */
export function completionIndex(pod: Pod): number {
  const text = pod.metadata.annotations?.[COMPLETION_INDEX_ANNOTATION];
  if (text === undefined || !/^\d+$/.test(text)) return -1;
  return Number.parseInt(text, 10);
}

function validIndex(job: Job, pod: Pod): boolean {
  const ix = completionIndex(pod);
  return ix >= 0 && ix < (job.spec.completions ?? 0);
}

/**
 * Finished pods not yet counted in the status (upstream getNewFinishedPods): they still carry the
 * tracking finalizer, are not in uncountedTerminatedPods, and no finalizer removal is in flight.
 */
export function newFinishedPods(job: Job, pods: Pod[], expectedRemovals: ReadonlySet<string>): { succeeded: Pod[]; failed: Pod[] } {
  const uncounted = job.status?.uncountedTerminatedPods ?? {};
  const countedS = new Set(uncounted.succeeded ?? []);
  const countedF = new Set(uncounted.failed ?? []);
  const candidates = pods.filter((p) => hasTrackingFinalizer(p) && !expectedRemovals.has(p.metadata.uid ?? '') && (!isIndexed(job) || validIndex(job, p)));
  return {
    succeeded: candidates.filter((p) => !countedS.has(p.metadata.uid ?? '') && podPhase(p) === 'Succeeded'),
    failed: candidates.filter((p) => !countedF.has(p.metadata.uid ?? '') && isPodFailed(p, job)),
  };
}

// ---- completion indexes ----

/** Parses "1,3-5" (status.completedIndexes) into the indexes below `completions`. */
export function parseIndexes(text: string | undefined, completions: number): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    if (!part) continue;
    const [a, b] = part.split('-');
    const first = Number.parseInt(a, 10);
    const last = b === undefined ? first : Number.parseInt(b, 10);
    if (Number.isNaN(first) || Number.isNaN(last)) continue;
    for (let i = first; i <= last && i < completions; i++) out.add(i);
  }
  return out;
}

/** Formats indexes as upstream does: ascending, consecutive runs of 2+ as "a-b". */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Succeeded indexes: those recorded in the status plus those of succeeded pods seen now. */
export function succeededIndexes(job: Job, pods: Pod[]): { previous: Set<number>; all: Set<number> } {
  const completions = job.spec.completions ?? 0;
  const previous = parseIndexes(job.status?.completedIndexes, completions);
  const all = new Set(previous);
  for (const pod of pods) {
    const ix = completionIndex(pod);
    if (podPhase(pod) === 'Succeeded' && ix >= 0 && ix < completions) all.add(ix);
  }
  return { previous, all };
}

/** The lowest `count` indexes neither succeeded nor held by an active pod. */
export function firstPendingIndexes(job: Job, active: Pod[], succeeded: Set<number>, count: number): number[] {
  const completions = job.spec.completions ?? 0;
  const taken = new Set(active.map(completionIndex));
  const out: number[] = [];
  for (let i = 0; i < completions && out.length < count; i++) {
    if (!succeeded.has(i) && !taken.has(i)) out.push(i);
  }
  return out;
}

// ---- how many pods ----

/** How many pods should be active (upstream manageJob's wantActive). */
export function wantActive(job: Job, succeeded: number, active: number): number {
  const parallelism = job.spec.parallelism ?? 1;
  if (job.spec.completions == null) return succeeded > 0 ? active : parallelism;
  return Math.max(0, Math.min(job.spec.completions - succeeded, parallelism));
}

/** Whether the Job has met its completions (upstream's complete check in syncJob). */
export function completionsReached(job: Job, succeeded: number, active: number): boolean {
  if (job.spec.completions == null) return succeeded > 0 && active === 0;
  return succeeded >= job.spec.completions && active === 0;
}

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** Upstream controller.ActivePods order: the pods best deleted first come first. */
export function compareForDeletion(a: Pod, b: Pod): number {
  const na = a.spec?.nodeName ?? '';
  const nb = b.spec?.nodeName ?? '';
  if (na !== nb && (!na || !nb)) return na ? 1 : -1;
  const pa = PHASE_ORDER[podPhase(a)] ?? 0;
  const pb = PHASE_ORDER[podPhase(b)] ?? 0;
  if (pa !== pb) return pa - pb;
  if (isPodReady(a) !== isPodReady(b)) return isPodReady(a) ? 1 : -1;
  const ca = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const cb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  // Newer pods go first.
  return cb - ca;
}

/**
 * Active pods to delete (upstream activePodsForRemoval): for Indexed Jobs, pods with a duplicate or
 * out-of-range index first; then the best candidates until `atLeast` are chosen.
 */
export function activePodsForRemoval(job: Job, active: Pod[], atLeast: number): Pod[] {
  const remove: Pod[] = [];
  let rest = active;
  if (isIndexed(job)) {
    rest = [];
    const seen = new Set<number>();
    const sorted = [...active].sort((a, b) => completionIndex(a) - completionIndex(b) || -compareForDeletion(a, b));
    for (const pod of sorted) {
      const ix = completionIndex(pod);
      if (!validIndex(job, pod) || seen.has(ix)) remove.push(pod);
      else {
        seen.add(ix);
        rest.push(pod);
      }
    }
  }
  if (remove.length < atLeast) remove.push(...[...rest].sort(compareForDeletion).slice(0, atLeast - remove.length));
  return remove;
}

// ---- pod failure backoff ----

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

/** When a pod finished: its containers' last finish, the Ready=False transition, or its deletion. */
export function finishedTime(pod: Pod): number {
  const statuses = pod.status?.containerStatuses ?? [];
  let latest: number | undefined;
  let allTerminated = statuses.length > 0;
  for (const s of statuses) {
    const at = s.state?.terminated?.finishedAt ? Date.parse(s.state.terminated.finishedAt) : NaN;
    if (Number.isNaN(at)) allTerminated = false;
    else latest = Math.max(latest ?? at, at);
  }
  if (allTerminated && latest !== undefined) return latest;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'False' && ready.lastTransitionTime) return Date.parse(ready.lastTransitionTime);
  if (pod.metadata.deletionTimestamp) return Date.parse(pod.metadata.deletionTimestamp) - (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  return Date.parse(pod.metadata.creationTimestamp ?? '') || 0;
}

/** Folds newly finished pods into the backoff record (upstream newBackoffRecord). */
export function nextBackoffRecord(old: BackoffRecord, succeeded: Pod[], failed: Pod[]): BackoffRecord {
  if (failed.length === 0) return succeeded.length === 0 ? { ...old } : { failuresAfterLastSuccess: 0 };
  const failTimes = failed.map(finishedTime).sort((a, b) => a - b);
  if (succeeded.length === 0) {
    return { failuresAfterLastSuccess: old.failuresAfterLastSuccess + failed.length, lastFailureTime: failTimes[failTimes.length - 1] };
  }
  const lastSuccess = Math.max(...succeeded.map(finishedTime));
  const after = failTimes.filter((t) => t > lastSuccess);
  return after.length === 0 ? { failuresAfterLastSuccess: 0 } : { failuresAfterLastSuccess: after.length, lastFailureTime: after[after.length - 1] };
}

/** How long new pods must wait after failures: 10 s doubling per failure, at most 6 minutes. */
export function backoffRemaining(record: BackoffRecord, now: number): number {
  if (record.failuresAfterLastSuccess === 0 || record.lastFailureTime === undefined) return 0;
  let delay = POD_FAILURE_BACKOFF_MS;
  for (let i = 1; i < record.failuresAfterLastSuccess && delay < MAX_POD_FAILURE_BACKOFF_MS; i++) delay *= 2;
  delay = Math.min(delay, MAX_POD_FAILURE_BACKOFF_MS);
  const elapsed = now - record.lastFailureTime;
  return elapsed > delay ? 0 : delay - elapsed;
}

// ---- names ----

/** Upstream podGenerateNameWithIndex: "<job>-<index>-", the job name cut to fit 58 characters. */
export function generateNameWithIndex(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const max = 58 - suffix.length;
  return `${jobName.length > max ? jobName.slice(0, max) : jobName}${suffix}`;
}
