// The CronJob controller (upstream pkg/controller/cronjob, the v2 controller): for each CronJob it
// finds the latest schedule time that is due, creates that run's Job (named after the scheduled
// minute, so a retry never makes it twice), applies the concurrency policy, removes finished Jobs
// beyond the history limits, keeps status.active / lastScheduleTime / lastSuccessfulTime, and
// requeues itself for the next schedule time instead of polling.
import { deepCopy } from '../../api/types.js';
import { isAlreadyExists, isForbidden, isNotFound } from '../../client/errors.js';
import { Resources } from '../../client/resources.js';
import { objectKey, splitKey, type EventRecorder, type Informer } from '../../client/types.js';
import type { Controller, ControllerContext, ControllerFactory } from '../context.js';
import { controllerRefOf, isControlledBy, stableStringify } from '../podutil.js';
import { QueueController } from '../runner.js';
import { isValidTimeZone, type CronSchedule } from './cron.js';
import {
  CRONJOB_KIND,
  DEFAULT_FAILED_JOBS_HISTORY_LIMIT,
  DEFAULT_SUCCESSFUL_JOBS_HISTORY_LIMIT,
  type CronJob,
  type CronJobStatus,
  type Job,
} from './types.js';
import {
  compareByStartTime,
  deleteFromActiveList,
  finishedType,
  inActiveList,
  inActiveListByName,
  jobFromTemplate,
  jobName,
  jobReference,
  laterTime,
  nextScheduleDelay,
  nextScheduleTime,
  parseCronJobSchedule,
  rfc1123z,
  rfc3339,
  scheduleHasTimeZone,
} from './utils.js';

export const CRONJOB_CONTROLLER_NAME = 'cronjob-controller';
/** Jobs by the "namespace/name" of the CronJob controlling them. */
const JOB_OWNER_INDEX = 'cronjob-controller/owner';

export interface CronJobControllerOptions {
  /** The clock (tests move it by hand). */
  now?: () => Date;
  log?: (message: string) => void;
}

/** What one sync decided: look again after `requeueAfter` ms, or retry with backoff on `error`. */
interface SyncResult {
  requeueAfter?: number;
  error?: unknown;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A create refused because the namespace is going away (upstream NamespaceTerminatingCause). */
function isNamespaceTerminating(err: unknown): boolean {
  if (!isForbidden(err)) return false;
  const causes = ((err as { status?: { details?: { causes?: { type?: string }[] } } }).status?.details?.causes ?? []);
  return causes.some((c) => c.type === 'NamespaceTerminating') || errorMessage(err).includes('being terminated');
}

/** The status as the API would store it: an empty active list is the same as none. */
function normalizedStatus(status: CronJobStatus | undefined): string {
  const s: CronJobStatus = { ...(status ?? {}) };
  if (!s.active?.length) delete s.active;
  for (const k of ['lastScheduleTime', 'lastSuccessfulTime'] as const) if (s[k] === null || s[k] === undefined) delete s[k];
  return stableStringify(s);
}

function historyLimit(value: number | null | undefined, fallback: number): number {
  return value === undefined || value === null ? fallback : value;
}

export class CronJobController implements Controller {
  readonly name = CRONJOB_CONTROLLER_NAME;
  readonly queue: QueueController;
  private readonly cronJobs: Informer<CronJob>;
  private readonly jobs: Informer<Job>;
  private readonly recorder: EventRecorder;
  private readonly now: () => Date;

  constructor(private readonly ctx: ControllerContext, options: CronJobControllerOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.queue = new QueueController(this.name, (key) => this.reconcile(key), { log: options.log });
    this.recorder = ctx.recorder(CRONJOB_CONTROLLER_NAME);
    this.cronJobs = ctx.informers.informerFor<CronJob>(Resources.cronjobs);
    this.jobs = ctx.informers.informerFor<Job>(Resources.jobs);
    this.jobs.addIndex(JOB_OWNER_INDEX, (job) => {
      const ref = controllerRefOf(job);
      return ref?.kind === CRONJOB_KIND ? [`${job.metadata.namespace}/${ref.name}`] : [];
    });
    this.cronJobs.addEventHandler({
      add: (cj) => this.queue.enqueue(cj),
      update: (old, cur) => this.onCronJobUpdate(old, cur),
      delete: (cj) => this.queue.enqueue(cj),
    });
    this.jobs.addEventHandler({
      add: (job) => (job.metadata.deletionTimestamp ? this.onJobDeleted(job) : this.enqueueOwner(job)),
      update: (old, cur) => this.onJobUpdate(old, cur),
      delete: (job) => this.onJobDeleted(job),
    });
  }

  run(workers: number): void {
    this.queue.run(workers);
  }

  stop(): void {
    this.queue.stop();
  }

  // ---- event handlers ----

  /** The CronJob a controller reference names, if it is still the same object. */
  private resolve(namespace: string | undefined, ref: { kind: string; name: string; uid: string } | undefined): CronJob | undefined {
    if (!ref || ref.kind !== CRONJOB_KIND) return undefined;
    const cj = this.cronJobs.get(namespace, ref.name);
    return cj && cj.metadata.uid === ref.uid ? cj : undefined;
  }

  private enqueueOwner(job: Job): void {
    const cj = this.resolve(job.metadata.namespace, controllerRefOf(job));
    if (cj) this.queue.enqueue(cj);
  }

  private onJobUpdate(old: Job, cur: Job): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const oldRef = controllerRefOf(old);
    if (oldRef && stableStringify(oldRef) !== stableStringify(controllerRefOf(cur))) this.enqueueOwner(old);
    this.enqueueOwner(cur);
  }

  private onJobDeleted(job: Job): void {
    this.enqueueOwner(job);
  }

  /**
   * A changed schedule (or zone) moves the next wake-up: queue the key for the new time. The
   * queue keeps the earlier of two delays, and a sync that wakes early just requeues again.
   */
  private onCronJobUpdate(old: CronJob, cur: CronJob): void {
    if (old.spec.schedule === cur.spec.schedule && (old.spec.timeZone ?? null) === (cur.spec.timeZone ?? null)) {
      this.queue.enqueue(cur);
      return;
    }
    let schedule: CronSchedule;
    try {
      schedule = parseCronJobSchedule(cur);
    } catch {
      this.recorder.event(cur, 'Warning', 'UnParseableCronJobSchedule', `unparseable schedule for cronjob: ${cur.spec.schedule}`);
      return;
    }
    const delay = nextScheduleDelay(cur, this.now().getTime(), schedule);
    if (delay !== undefined) this.queue.enqueueAfter(objectKey(cur), delay);
  }

  // ---- sync ----

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.cronJobs.get(namespace, name);
    if (!cached) return;
    const jobs = this.jobs.byIndex(JOB_OWNER_INDEX, key);
    // One working copy collects every change, so the status is written once at the end.
    const work = { cj: deepCopy(cached), base: normalizedStatus(cached.status) };
    await this.cleanupFinishedJobs(work.cj, jobs);
    const result = await this.syncCronJob(work, jobs);
    await this.writeStatus(work);
    if (result.requeueAfter !== undefined) {
      this.queue.enqueueAfter(key, result.requeueAfter);
      return;
    }
    if (result.error !== undefined) throw result.error;
  }

  private async writeStatus(work: { cj: CronJob; base: string }): Promise<void> {
    if (normalizedStatus(work.cj.status) === work.base) return;
    const status = { ...(work.cj.status ?? {}) };
    if (!status.active?.length) delete status.active;
    try {
      await this.ctx.client.update(Resources.cronjobs, work.cj.metadata.namespace, { ...work.cj, status }, 'status');
    } catch (err) {
      // Gone: nothing left to report on. A conflict: the runner retries once the cache catches up.
      if (isNotFound(err)) return;
      throw err;
    }
  }

  /** Upstream syncCronJob: reconciles status.active with the Jobs, then starts the due run, if any. */
  private async syncCronJob(work: { cj: CronJob; base: string }, jobs: Job[]): Promise<SyncResult> {
    const now = this.now().getTime();
    try {
      await this.reconcileActive(work, jobs);
    } catch (error) {
      return { error };
    }
    const cj = work.cj;
    // A CronJob being deleted only gets its status brought up to date.
    if (cj.metadata.deletionTimestamp) return {};
    const tz = cj.spec.timeZone;
    if (tz !== undefined && tz !== null && !isValidTimeZone(tz)) {
      this.recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(tz)}: unknown time zone ${tz}`);
      return {};
    }
    // Suspended, or a schedule that cannot work: nothing to wait for until the spec changes.
    if (cj.spec.suspend) return {};
    const schedule = this.parseSchedule(cj);
    if (!schedule) return {};
    return this.startDueRun(cj, now, schedule);
  }

  private parseSchedule(cj: CronJob): CronSchedule | undefined {
    if (scheduleHasTimeZone(cj)) {
      this.recorder.event(
        cj,
        'Warning',
        'UnsupportedSchedule',
        `CRON_TZ or TZ used in schedule ${JSON.stringify(cj.spec.schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`,
      );
    }
    try {
      return parseCronJobSchedule(cj);
    } catch (err) {
      this.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec.schedule)} : ${errorMessage(err)}`);
      return undefined;
    }
  }

  /**
   * Moves finished Jobs out of status.active, records the latest success, notices unfinished Jobs
   * the status does not know, and drops active entries whose Job is gone.
   */
  private async reconcileActive(work: { cj: CronJob; base: string }, jobs: Job[]): Promise<void> {
    for (const job of jobs) {
      const uid = job.metadata.uid;
      const finished = finishedType(job);
      if (!finished) {
        if (inActiveList(work.cj, uid)) continue;
        // Our cache may simply lag behind our own last status write: ask the server.
        const fresh = await this.ctx.client.get<CronJob>(Resources.cronjobs, work.cj.metadata.namespace, work.cj.metadata.name!);
        if (inActiveList(fresh, uid)) {
          work.cj = deepCopy(fresh);
          work.base = normalizedStatus(fresh.status);
          continue;
        }
        // Created by us just before a crash, or by someone else for us to adopt: either way not ours to list.
        this.recorder.event(work.cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${job.metadata.name}`);
        continue;
      }
      if (inActiveList(work.cj, uid)) {
        deleteFromActiveList(work.cj, uid);
        this.recorder.event(work.cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata.name}, status: ${finished}`);
      }
      // A success counts whether or not it was still listed as active.
      if (finished === 'Complete' && laterTime(job.status?.completionTime, work.cj.status?.lastSuccessfulTime)) {
        work.cj.status ??= {};
        work.cj.status.lastSuccessfulTime = job.status!.completionTime;
      }
    }
    await this.dropMissingActive(work.cj, jobs);
  }

  /** An active entry with no Job in the cache is checked on the server (the watch may lag). */
  private async dropMissingActive(cj: CronJob, jobs: Job[]): Promise<void> {
    const known = new Set(jobs.map((j) => j.metadata.uid));
    for (const ref of [...(cj.status?.active ?? [])]) {
      if (known.has(ref.uid)) continue;
      try {
        await this.ctx.client.get(Resources.jobs, ref.namespace, ref.name!);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        this.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        deleteFromActiveList(cj, ref.uid);
      }
    }
  }

  /** The due schedule time, if any, becomes a Job, subject to the deadline and concurrency policy. */
  private async startDueRun(cj: CronJob, now: number, schedule: CronSchedule): Promise<SyncResult> {
    const requeue = (): SyncResult => ({ requeueAfter: nextScheduleDelay(cj, now, schedule) });
    const due = nextScheduleTime(cj, now, schedule, () =>
      this.recorder.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew'),
    );
    if (due.error) {
      this.recorder.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${cj.spec.schedule} : ${due.error}`);
      return {};
    }
    // Nothing due: normally we are woken at the schedule time, so this is a wake-up after a restart.
    if (due.time === undefined) return requeue();
    const scheduled = due.time;
    const deadline = cj.spec.startingDeadlineSeconds;
    // The search above already starts at the deadline, so a run missed by more than it is simply
    // not found; this check stays as upstream's guard.
    if (deadline !== undefined && deadline !== null && scheduled + deadline * 1000 < now) {
      this.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
      return requeue();
    }
    const lastScheduled = cj.status?.lastScheduleTime ? Date.parse(cj.status.lastScheduleTime) : undefined;
    if (inActiveListByName(cj, cj.metadata.namespace, jobName(cj, scheduled)) || lastScheduled === scheduled) return requeue();
    if (cj.spec.concurrencyPolicy === 'Forbid' && cj.status?.active?.length) {
      this.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return requeue();
    }
    if (cj.spec.concurrencyPolicy === 'Replace') {
      const error = await this.replaceActive(cj);
      if (error) return { error };
    }
    const created = await this.createJob(cj, scheduled);
    if ('error' in created) return { error: created.error };
    if (!created.job) return requeue();
    cj.status ??= {};
    cj.status.active = [...(cj.status.active ?? []), jobReference(created.job)];
    cj.status.lastScheduleTime = rfc3339(scheduled);
    return requeue();
  }

  /** Concurrency policy Replace: the runs still active make way for the new one. */
  private async replaceActive(cj: CronJob): Promise<unknown> {
    for (const ref of [...(cj.status?.active ?? [])]) {
      let job: Job;
      try {
        job = await this.ctx.client.get<Job>(Resources.jobs, ref.namespace, ref.name!);
      } catch (err) {
        this.recorder.event(cj, 'Warning', 'FailedGet', `Get job: ${errorMessage(err)}`);
        return err;
      }
      if (!(await this.deleteJob(cj, job))) return new Error(`could not replace job ${job.metadata.namespace}/${job.metadata.name}`);
    }
    return undefined;
  }

  /**
   * Creates the run's Job. Answers the Job to list as active, no Job when there is nothing to add
   * (it exists already and is listed, or belongs to someone else), or the error to retry on.
   */
  private async createJob(cj: CronJob, scheduled: number): Promise<{ job?: Job } | { error: unknown }> {
    const request = jobFromTemplate(cj, scheduled);
    try {
      const job = await this.ctx.client.create<Job>(Resources.jobs, cj.metadata.namespace, request);
      this.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${job.metadata.name}`);
      return { job };
    } catch (err) {
      // Every create would fail while the namespace goes away: just retry quietly.
      if (isNamespaceTerminating(err)) return { error: err };
      if (!isAlreadyExists(err)) {
        this.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${errorMessage(err)}`);
        return { error: err };
      }
    }
    // The name is the lock: it exists, so this run was started, maybe by us before the status write failed.
    let existing: Job;
    try {
      existing = await this.ctx.client.get<Job>(Resources.jobs, cj.metadata.namespace, request.metadata.name!);
    } catch (error) {
      return { error };
    }
    if (!isControlledBy(existing, cj) || inActiveList(cj, existing.metadata.uid)) return {};
    return { job: existing };
  }

  /** Deletes a Job (its pods follow in the background) and its active entry; false on failure. */
  private async deleteJob(cj: CronJob, job: Job): Promise<boolean> {
    try {
      await this.ctx.client.delete(Resources.jobs, job.metadata.namespace, job.metadata.name!, { propagationPolicy: 'Background' });
    } catch (err) {
      this.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${errorMessage(err)}`);
      return false;
    }
    deleteFromActiveList(cj, job.metadata.uid);
    this.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
    return true;
  }

  /** Upstream cleanupFinishedJobs: keeps the newest finished Jobs of each outcome up to its limit. */
  private async cleanupFinishedJobs(cj: CronJob, jobs: Job[]): Promise<void> {
    const succeeded = jobs.filter((j) => finishedType(j) === 'Complete');
    const failed = jobs.filter((j) => finishedType(j) === 'Failed');
    await this.removeOldestJobs(cj, succeeded, historyLimit(cj.spec.successfulJobsHistoryLimit, DEFAULT_SUCCESSFUL_JOBS_HISTORY_LIMIT));
    await this.removeOldestJobs(cj, failed, historyLimit(cj.spec.failedJobsHistoryLimit, DEFAULT_FAILED_JOBS_HISTORY_LIMIT));
  }

  private async removeOldestJobs(cj: CronJob, jobs: Job[], keep: number): Promise<void> {
    const excess = jobs.length - keep;
    if (excess <= 0) return;
    const oldest = [...jobs].sort(compareByStartTime).slice(0, excess);
    // A failed delete is reported as an event and tried again on a later sync.
    for (const job of oldest) await this.deleteJob(cj, job);
  }
}

export const cronJobController: ControllerFactory = (ctx) => new CronJobController(ctx);
