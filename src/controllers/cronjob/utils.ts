// The CronJob controller's pure helpers (upstream pkg/controller/cronjob/utils.go): which scheduled
// time is due, when to look again, the Job made for a scheduled time, and small status helpers.
// Times are epoch milliseconds; a schedule's next() answering undefined stands for robfig's zero
// time ("never"), which upstream turns into the same errors and non-answers as here.
import { deepCopy, type OwnerReference } from '../../api/types.js';
import { isValidTimeZone, parseCron, ZoneClock, type CronSchedule } from './cron.js';
import {
  BATCH_API_VERSION,
  CRONJOB_KIND,
  SCHEDULED_TIMESTAMP_ANNOTATION,
  type CronJob,
  type Job,
  type ObjectReference,
} from './types.js';

/** Upstream nextScheduleDelta: requeues land this long after the schedule time, against clock skew. */
export const NEXT_SCHEDULE_DELTA_MS = 100;
/** More missed start times than this draws the TooManyMissedTimes warning. */
export const MANY_MISSED_THRESHOLD = 100;

export type MissedSchedules = 'none' | 'few' | 'many';

export interface MostRecent {
  /** Where the search started: lastScheduleTime, else creation (or the starting deadline). */
  earliest: number;
  /** The latest schedule time in (earliest, now], if any. */
  mostRecent?: number;
  missed: MissedSchedules;
  /** A schedule that parses but never (or too often) fires, e.g. "59 23 31 2 *". */
  error?: string;
}

function parseTime(text: string | null | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function nextAfter(schedule: CronSchedule, ms: number): number | undefined {
  return schedule.next(new Date(ms))?.getTime();
}

/**
 * Where the search for due times starts: the last schedule time, else the creation time (the API
 * server always sets one; a missing one counts as `now` rather than the dawn of time).
 */
function searchStart(cj: CronJob, now: number, includeStartingDeadline: boolean): number {
  let earliest = parseTime(cj.status?.lastScheduleTime) ?? parseTime(cj.metadata.creationTimestamp) ?? now;
  const deadline = cj.spec.startingDeadlineSeconds;
  if (includeStartingDeadline && deadline !== undefined && deadline !== null) {
    // Nothing before the starting deadline can still be started, so do not even look there.
    earliest = Math.max(earliest, now - deadline * 1000);
  }
  return earliest;
}

/**
 * Upstream mostRecentScheduleTime. Rather than walking every missed time (which a wrong clock
 * could make millions), it estimates how many were missed from the gap between the first two and
 * walks only the last stretch.
 */
export function mostRecentScheduleTime(cj: CronJob, now: number, schedule: CronSchedule, includeStartingDeadline: boolean): MostRecent {
  const earliest = searchStart(cj, now, includeStartingDeadline);
  const tooClose = { earliest, missed: 'none' as const, error: 'time difference between two schedules is less than 1 second' };
  const t1 = nextAfter(schedule, earliest);
  if (t1 === undefined) return tooClose;
  if (now < t1) return { earliest, missed: 'none' };
  const t2 = nextAfter(schedule, t1);
  if (t2 === undefined) return tooClose;
  if (now < t2) return { earliest, mostRecent: t1, missed: 'none' };

  const interval = Math.round((t2 - t1) / 1000);
  if (interval < 1) return tooClose;
  const elapsed = Math.trunc((now - t1) / 1000);
  const missedCount = Math.floor(elapsed / interval) + 1;
  // One interval further back than the estimate, so irregular schedules ("30 6-16/4 * * 1-5")
  // still find their true latest time.
  let mostRecent: number | undefined;
  for (let t = nextAfter(schedule, t1 + (missedCount - 2) * interval * 1000); t !== undefined && t <= now; t = nextAfter(schedule, t)) {
    mostRecent = t;
  }
  const missed: MissedSchedules = missedCount > MANY_MISSED_THRESHOLD ? 'many' : missedCount > 0 ? 'few' : 'none';
  return { earliest, mostRecent, missed };
}

/**
 * Upstream nextScheduleTime: the due schedule time to act on now (honouring the starting deadline),
 * or none. `onTooManyMissed` is told when more than 100 starts were missed.
 */
export function nextScheduleTime(cj: CronJob, now: number, schedule: CronSchedule, onTooManyMissed: () => void): { time?: number; error?: string } {
  const r = mostRecentScheduleTime(cj, now, schedule, true);
  if (r.mostRecent === undefined || r.mostRecent > now) return { error: r.error };
  if (r.missed === 'many') onTooManyMissed();
  return { time: r.mostRecent, error: r.error };
}

/**
 * Upstream nextScheduleTimeDuration: how long until the next schedule time after the latest one
 * already due (plus the skew margin); undefined when the schedule never fires again.
 */
export function nextScheduleDelay(cj: CronJob, now: number, schedule: CronSchedule): number | undefined {
  const r = mostRecentScheduleTime(cj, now, schedule, false);
  let from: number;
  if (r.error) from = now; // still aim for the next slot from now
  else if (r.mostRecent !== undefined) from = r.mostRecent;
  else from = r.missed === 'none' ? r.earliest : now;
  const next = nextAfter(schedule, from);
  return next === undefined ? undefined : next - now + NEXT_SCHEDULE_DELTA_MS;
}

/** Whether the schedule text carries its own TZ= / CRON_TZ= zone (upstream warns: unsupported). */
export function scheduleHasTimeZone(cj: CronJob): boolean {
  return (cj.spec.schedule ?? '').includes('TZ');
}

/**
 * Upstream formatSchedule + cron.ParseStandard: a zone in the schedule text wins; otherwise a
 * valid spec.timeZone; otherwise UTC. Throws CronParseError.
 */
export function parseCronJobSchedule(cj: CronJob): CronSchedule {
  const schedule = cj.spec.schedule ?? '';
  const tz = cj.spec.timeZone;
  if (scheduleHasTimeZone(cj) || tz === undefined || tz === null || !isValidTimeZone(tz)) return parseCron(schedule);
  return parseCron(schedule, tz);
}

/** Upstream getJobName: one deterministic name per scheduled minute, so a Job is never made twice. */
export function jobName(cj: CronJob, scheduledTime: number): string {
  return `${cj.metadata.name}-${Math.floor(scheduledTime / 60_000)}`;
}

export function cronJobControllerRef(cj: CronJob): OwnerReference {
  return { apiVersion: BATCH_API_VERSION, kind: CRONJOB_KIND, name: cj.metadata.name!, uid: cj.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** Upstream getJobFromTemplate2: the Job to create for `scheduledTime`. */
export function jobFromTemplate(cj: CronJob, scheduledTime: number): Job {
  const template = cj.spec.jobTemplate ?? {};
  const labels = { ...(template.metadata?.labels ?? {}) };
  const annotations: Record<string, string> = {
    ...(template.metadata?.annotations ?? {}),
    // The time the run was scheduled for, shown in the CronJob's own zone.
    [SCHEDULED_TIMESTAMP_ANNOTATION]: new ZoneClock(cj.spec.timeZone || 'UTC').rfc3339(scheduledTime),
  };
  const job: Job = {
    apiVersion: BATCH_API_VERSION,
    kind: 'Job',
    metadata: {
      name: jobName(cj, scheduledTime),
      namespace: cj.metadata.namespace,
      annotations,
      ownerReferences: [cronJobControllerRef(cj)],
    },
    spec: deepCopy(template.spec ?? {}),
  };
  if (Object.keys(labels).length) job.metadata.labels = labels;
  return job;
}

/** Upstream getRef: the ObjectReference status.active keeps for a Job. */
export function jobReference(job: Job): ObjectReference {
  return {
    kind: 'Job',
    namespace: job.metadata.namespace,
    name: job.metadata.name,
    uid: job.metadata.uid,
    apiVersion: BATCH_API_VERSION,
    resourceVersion: job.metadata.resourceVersion,
  };
}

/** "Complete" or "Failed" once a Job has finished (a True condition of either type). */
export function finishedType(job: Job): 'Complete' | 'Failed' | undefined {
  const c = job.status?.conditions?.find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c?.type as 'Complete' | 'Failed' | undefined;
}

export function isJobFinished(job: Job): boolean {
  return finishedType(job) !== undefined;
}

export function inActiveList(cj: CronJob, uid: string | undefined): boolean {
  return (cj.status?.active ?? []).some((r) => r.uid === uid);
}

export function inActiveListByName(cj: CronJob, namespace: string | undefined, name: string): boolean {
  return (cj.status?.active ?? []).some((r) => r.name === name && r.namespace === namespace);
}

/** Drops a Job from status.active (an emptied list goes away, as Go's omitempty writes it). */
export function deleteFromActiveList(cj: CronJob, uid: string | undefined): void {
  if (!cj.status?.active) return;
  cj.status.active = cj.status.active.filter((r) => r.uid !== uid);
  if (!cj.status.active.length) delete cj.status.active;
}

/** Upstream byJobStartTime: started Jobs first, oldest first, names breaking ties. */
export function compareByStartTime(a: Job, b: Job): number {
  const sa = parseTime(a.status?.startTime);
  const sb = parseTime(b.status?.startTime);
  if (sa === undefined && sb !== undefined) return 1;
  if (sa !== undefined && sb === undefined) return -1;
  if (sa === sb) return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0;
  return sa! - sb!;
}

/** metav1.Time as the API writes it: RFC 3339 in UTC, whole seconds. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.RFC1123Z of a UTC time ("Mon, 02 Jan 2006 15:04:05 +0000"), as MissSchedule prints it. */
export function rfc1123z(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** Whether a completion time is later than the recorded last successful time. */
export function laterTime(candidate: string | null | undefined, current: string | null | undefined): boolean {
  const c = parseTime(candidate);
  if (c === undefined) return false;
  const cur = parseTime(current);
  return cur === undefined || c > cur;
}
