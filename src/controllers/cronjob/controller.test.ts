// The CronJob controller against a fake cluster, with a hand-moved clock: reconcile() is called
// directly (one sync per call), except in the last test, which runs the workers.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../../api/types.js';
import { Resources } from '../../client/resources.js';
import { FakeApiError, FakeClient } from '../namespace/fakeclient.js';
import { fakeContext, until } from '../namespace/fakeinformers.js';
import { CRONJOB_CONTROLLER_NAME, CronJobController, cronJobController } from './index.js';
import type { CronJob, CronJobSpec, CronJobStatus, Job } from './types.js';

const KEY = 'ns/hello';
let controllers: { stop(): void }[] = [];
afterEach(() => {
  for (const c of controllers) c.stop();
  controllers = [];
});

function cronJob(spec: Partial<CronJobSpec> = {}, status?: CronJobStatus, created = '2024-03-01T10:00:00Z'): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello', namespace: 'ns', uid: 'cj-uid', creationTimestamp: created },
    spec: {
      schedule: '*/5 * * * *',
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        metadata: { labels: { app: 'hello' }, annotations: { team: 'a' } },
        spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } },
      },
      ...spec,
    },
    ...(status ? { status } : {}),
  };
}

const owner = { apiVersion: 'batch/v1', kind: 'CronJob', name: 'hello', uid: 'cj-uid', controller: true, blockOwnerDeletion: true };

function ownedJob(name: string, status: Job['status'] = {}, uid = `uid-${name}`): Job {
  return { metadata: { name, namespace: 'ns', uid, ownerReferences: [owner] }, spec: {}, status };
}

const complete = (startTime: string, completionTime: string): Job['status'] => ({
  startTime,
  completionTime,
  conditions: [{ type: 'Complete', status: 'True' }],
});
const failed = (startTime: string): Job['status'] => ({ startTime, conditions: [{ type: 'Failed', status: 'True' }] });

async function setup(now: string, objects: { cj?: CronJob; jobs?: Job[] } = {}) {
  const client = new FakeClient();
  const ctx = fakeContext(client);
  if (objects.cj) client.seed(Resources.cronjobs, objects.cj);
  for (const j of objects.jobs ?? []) client.seed(Resources.jobs, j);
  const clock = { now: new Date(now) };
  const c = new CronJobController(ctx, { now: () => clock.now });
  controllers.push(c);
  await ctx.informers.start();
  const requeues = vi.spyOn(c.queue, 'enqueueAfter');
  const stored = () => client.find(Resources.cronjobs, 'ns', 'hello') as CronJob;
  const jobNames = () => [...client.objects.values()].filter((o) => o.kind === 'Job').map((o) => o.metadata.name).sort();
  const reasons = () => ctx.events.map((e) => e.reason);
  return { client, ctx, c, clock, requeues, stored, jobNames, reasons };
}

describe('cronjob controller: starting runs', () => {
  it('waits for the first schedule time, then creates its job', async () => {
    const s = await setup('2024-03-01T10:03:00Z', { cj: cronJob() });
    await s.c.reconcile(KEY);
    expect(s.jobNames()).toEqual([]);
    expect(s.client.verbs('update', 'cronjobs')).toEqual([]);
    expect(s.requeues).toHaveBeenLastCalledWith(KEY, 2 * 60_000 + 100);

    s.clock.now = new Date('2024-03-01T10:05:00.050Z');
    await s.c.reconcile(KEY);
    const job = s.client.find(Resources.jobs, 'ns', 'hello-28488125') as Job;
    expect(job.metadata.labels).toEqual({ app: 'hello' });
    expect(job.metadata.annotations).toEqual({ team: 'a', 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2024-03-01T10:05:00Z' });
    expect(job.metadata.ownerReferences).toEqual([owner]);
    expect(job.spec).toEqual(cronJob().spec.jobTemplate.spec);
    expect(s.ctx.events).toContainEqual({
      component: CRONJOB_CONTROLLER_NAME,
      object: KEY,
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: 'Created job hello-28488125',
    });
    const update = s.client.verbs('update', 'cronjobs');
    expect(update).toHaveLength(1);
    expect(update[0].subresource).toBe('status');
    expect(s.stored().status).toEqual({
      active: [{ kind: 'Job', namespace: 'ns', name: 'hello-28488125', uid: job.metadata.uid, apiVersion: 'batch/v1', resourceVersion: job.metadata.resourceVersion }],
      lastScheduleTime: '2024-03-01T10:05:00Z',
    });
    // Next at 10:10, plus the skew margin.
    expect(s.requeues).toHaveBeenLastCalledWith(KEY, 5 * 60_000 - 50 + 100);
  });

  it('does not start the same scheduled time twice', async () => {
    const s = await setup('2024-03-01T10:05:30Z', { cj: cronJob() });
    await s.c.reconcile(KEY);
    await s.c.reconcile(KEY);
    expect(s.client.verbs('create', 'jobs')).toHaveLength(1);
    expect(s.client.verbs('update', 'cronjobs')).toHaveLength(1);
  });

  it('does not touch the cached object', async () => {
    const s = await setup('2024-03-01T10:05:30Z', { cj: cronJob() });
    const cached = s.ctx.informers.informerFor<CronJob>(Resources.cronjobs).get('ns', 'hello')!;
    const before = structuredClone(cached);
    await s.c.reconcile(KEY);
    expect(cached).toEqual(before);
  });

  it('runs the latest missed time only, warning when more than 100 were missed', async () => {
    const s = await setup('2024-03-01T13:22:00Z', { cj: cronJob({ schedule: '* * * * *' }) });
    await s.c.reconcile(KEY);
    expect(s.jobNames()).toEqual(['hello-28488322']);
    expect(s.reasons()).toContain('TooManyMissedTimes');
  });

  it('schedules in spec.timeZone and stamps the scheduled time in that zone', async () => {
    const s = await setup('2024-03-01T14:00:30Z', { cj: cronJob({ schedule: '0 9 * * *', timeZone: 'America/New_York' }, undefined, '2024-03-01T00:00:00Z') });
    await s.c.reconcile(KEY);
    const job = s.client.find(Resources.jobs, 'ns', 'hello-28488360') as Job;
    expect(job.metadata.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe('2024-03-01T09:00:00-05:00');
    expect(s.stored().status!.lastScheduleTime).toBe('2024-03-01T14:00:00Z');
  });

  it('lists a job that already exists under its name and is ours, without creating it', async () => {
    const s = await setup('2024-03-01T10:05:30Z', { cj: cronJob(), jobs: [ownedJob('hello-28488125')] });
    // The job informer sees it unlisted: the server copy of the CronJob does not list it either.
    await s.c.reconcile(KEY);
    expect(s.reasons()).toContain('UnexpectedJob');
    expect(s.reasons()).not.toContain('SuccessfulCreate');
    expect(s.stored().status!.active!.map((r) => r.name)).toEqual(['hello-28488125']);
  });

  it('leaves a same-named job of someone else alone', async () => {
    const foreign: Job = { metadata: { name: 'hello-28488125', namespace: 'ns' }, spec: {} };
    const s = await setup('2024-03-01T10:05:30Z', { cj: cronJob(), jobs: [foreign] });
    await s.c.reconcile(KEY);
    expect(s.stored().status).toBeUndefined();
    expect(s.requeues).toHaveBeenCalled();
  });

  it('reports a failed create and retries', async () => {
    const s = await setup('2024-03-01T10:05:30Z', { cj: cronJob() });
    s.client.failures.push({ verb: 'create', resource: 'jobs', error: new FakeApiError(422, 'Invalid', 'bad job') });
    await expect(s.c.reconcile(KEY)).rejects.toThrow('bad job');
    expect(s.ctx.events.find((e) => e.reason === 'FailedCreate')?.message).toBe('Error creating job: bad job');
    await s.c.reconcile(KEY);
    expect(s.jobNames()).toEqual(['hello-28488125']);
  });
});

describe('cronjob controller: concurrency policy', () => {
  const running = () => ownedJob('hello-28488125', { startTime: '2024-03-01T10:05:01Z' });
  const activeRef = { kind: 'Job', namespace: 'ns', name: 'hello-28488125', uid: 'uid-hello-28488125', apiVersion: 'batch/v1' };
  const at1010 = (policy: string) => ({ cj: cronJob({ concurrencyPolicy: policy }, { active: [activeRef], lastScheduleTime: '2024-03-01T10:05:00Z' }), jobs: [running()] });

  it('Allow runs the next one beside the active one', async () => {
    const s = await setup('2024-03-01T10:10:00.100Z', at1010('Allow'));
    await s.c.reconcile(KEY);
    expect(s.jobNames()).toEqual(['hello-28488125', 'hello-28488130']);
    expect(s.stored().status!.active!.map((r) => r.name)).toEqual(['hello-28488125', 'hello-28488130']);
  });

  it('Forbid skips the run while one is active', async () => {
    const s = await setup('2024-03-01T10:10:00.100Z', at1010('Forbid'));
    await s.c.reconcile(KEY);
    expect(s.jobNames()).toEqual(['hello-28488125']);
    expect(s.ctx.events.find((e) => e.reason === 'JobAlreadyActive')?.message).toBe(
      'Not starting job because prior execution is running and concurrency policy is Forbid',
    );
    expect(s.client.verbs('update', 'cronjobs')).toEqual([]);
    expect(s.requeues).toHaveBeenLastCalledWith(KEY, 5 * 60_000);
  });

  it('Forbid runs again once the active job finished', async () => {
    const s = await setup('2024-03-01T10:10:00.100Z', at1010('Forbid'));
    s.client.seed(Resources.jobs, ownedJob('hello-28488125', complete('2024-03-01T10:05:01Z', '2024-03-01T10:06:00Z')));
    await s.c.reconcile(KEY);
    expect(s.ctx.events.find((e) => e.reason === 'SawCompletedJob')?.message).toBe('Saw completed job: hello-28488125, status: Complete');
    expect(s.jobNames()).toEqual(['hello-28488125', 'hello-28488130']);
    const status = s.stored().status!;
    expect(status.active!.map((r) => r.name)).toEqual(['hello-28488130']);
    expect(status.lastSuccessfulTime).toBe('2024-03-01T10:06:00Z');
  });

  it('Replace deletes the active job, in the background, before the new one', async () => {
    const s = await setup('2024-03-01T10:10:00.100Z', at1010('Replace'));
    await s.c.reconcile(KEY);
    const deletes = s.client.verbs('delete', 'jobs');
    expect(deletes.map((d) => [d.name, d.body])).toEqual([['hello-28488125', { propagationPolicy: 'Background' }]]);
    expect(s.ctx.events.find((e) => e.reason === 'SuccessfulDelete')?.message).toBe('Deleted job hello-28488125');
    expect(s.jobNames()).toEqual(['hello-28488130']);
    expect(s.stored().status!.active!.map((r) => r.name)).toEqual(['hello-28488130']);
  });
});

describe('cronjob controller: not starting', () => {
  it('starts nothing while suspended, and does not requeue', async () => {
    const s = await setup('2024-03-01T10:05:30Z', { cj: cronJob({ suspend: true }) });
    await s.c.reconcile(KEY);
    expect(s.jobNames()).toEqual([]);
    expect(s.requeues).not.toHaveBeenCalled();
  });

  it('skips a run missed by more than startingDeadlineSeconds, but starts one within it', async () => {
    const late = await setup('2024-03-01T10:08:00Z', { cj: cronJob({ startingDeadlineSeconds: 120 }) });
    await late.c.reconcile(KEY);
    expect(late.jobNames()).toEqual([]);
    expect(late.requeues).toHaveBeenLastCalledWith(KEY, 2 * 60_000 + 100);

    const inTime = await setup('2024-03-01T10:06:30Z', { cj: cronJob({ startingDeadlineSeconds: 120 }) });
    await inTime.c.reconcile(KEY);
    expect(inTime.jobNames()).toEqual(['hello-28488125']);
  });

  it('reports schedules it cannot use', async () => {
    const bad = await setup('2024-03-01T10:05:30Z', { cj: cronJob({ schedule: '61 * * * *' }) });
    await bad.c.reconcile(KEY);
    expect(bad.reasons()).toEqual(['UnparseableSchedule']);
    expect(bad.requeues).not.toHaveBeenCalled();

    const never = await setup('2024-03-01T10:05:30Z', { cj: cronJob({ schedule: '59 23 31 2 *' }) });
    await never.c.reconcile(KEY);
    expect(never.ctx.events[0].message).toBe('invalid schedule: 59 23 31 2 * : time difference between two schedules is less than 1 second');

    const zone = await setup('2024-03-01T10:05:30Z', { cj: cronJob({ timeZone: 'Mars/Olympus' }) });
    await zone.c.reconcile(KEY);
    expect(zone.ctx.events[0]).toMatchObject({ reason: 'UnknownTimeZone', message: 'invalid timeZone: "Mars/Olympus": unknown time zone Mars/Olympus' });
    expect(zone.jobNames()).toEqual([]);
  });

  it('warns about TZ= in the schedule, yet follows it', async () => {
    const s = await setup('2024-03-01T14:00:10Z', { cj: cronJob({ schedule: 'TZ=America/New_York 0 9 * * *' }, undefined, '2024-03-01T00:00:00Z') });
    await s.c.reconcile(KEY);
    expect(s.ctx.events[0]).toMatchObject({ type: 'Warning', reason: 'UnsupportedSchedule' });
    expect(s.jobNames()).toEqual(['hello-28488360']);
  });

  it('only updates the status of a CronJob being deleted', async () => {
    const cj = cronJob({}, { active: [{ kind: 'Job', namespace: 'ns', name: 'gone', uid: 'uid-gone' }] });
    // Held by a finalizer (foreground deletion), so it is still there to write to.
    cj.metadata.deletionTimestamp = '2024-03-01T10:05:10Z';
    cj.metadata.finalizers = ['foregroundDeletion'];
    const s = await setup('2024-03-01T10:05:30Z', { cj });
    await s.c.reconcile(KEY);
    expect(s.jobNames()).toEqual([]);
    expect(s.reasons()).toEqual(['MissingJob']);
    expect(s.stored().status).toEqual({});
  });
});

describe('cronjob controller: status and history', () => {
  it('drops active entries whose job is gone, checking the server first', async () => {
    const cj = cronJob({}, { active: [{ kind: 'Job', namespace: 'ns', name: 'gone', uid: 'uid-gone' }], lastScheduleTime: '2024-03-01T10:05:00Z' });
    const s = await setup('2024-03-01T10:06:00Z', { cj });
    await s.c.reconcile(KEY);
    expect(s.client.verbs('get', 'jobs').map((c) => c.name)).toEqual(['gone']);
    expect(s.ctx.events[0]).toMatchObject({ reason: 'MissingJob', message: 'Active job went missing: gone' });
    expect(s.stored().status).toEqual({ lastScheduleTime: '2024-03-01T10:05:00Z' });
  });

  it('keeps the newest finished jobs within the history limits', async () => {
    const jobs = [
      ownedJob('ok-1', complete('2024-03-01T09:00:00Z', '2024-03-01T09:01:00Z')),
      ownedJob('ok-2', complete('2024-03-01T09:10:00Z', '2024-03-01T09:11:00Z')),
      ownedJob('ok-3', complete('2024-03-01T09:20:00Z', '2024-03-01T09:21:00Z')),
      ownedJob('ok-4', complete('2024-03-01T09:30:00Z', '2024-03-01T09:31:00Z')),
      ownedJob('ok-5', complete('2024-03-01T09:40:00Z', '2024-03-01T09:41:00Z')),
      ownedJob('bad-1', failed('2024-03-01T09:05:00Z')),
      ownedJob('bad-2', failed('2024-03-01T09:15:00Z')),
      ownedJob('bad-3', failed('2024-03-01T09:25:00Z')),
    ];
    const s = await setup('2024-03-01T10:01:00Z', { cj: cronJob(), jobs });
    await s.c.reconcile(KEY);
    expect(s.jobNames()).toEqual(['bad-3', 'ok-3', 'ok-4', 'ok-5']);
    expect(s.client.verbs('delete', 'jobs').every((d) => (d.body as { propagationPolicy: string }).propagationPolicy === 'Background')).toBe(true);
    expect(s.ctx.events.filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message)).toEqual([
      'Deleted job ok-1',
      'Deleted job ok-2',
      'Deleted job bad-1',
      'Deleted job bad-2',
    ]);
    expect(s.stored().status).toEqual({ lastSuccessfulTime: '2024-03-01T09:41:00Z' });
  });

  it('applies the default limits (3 successful, 1 failed) when none are set', async () => {
    const jobs = [1, 2, 3, 4].map((i) => ownedJob(`ok-${i}`, complete(`2024-03-01T09:0${i}:00Z`, `2024-03-01T09:0${i}:30Z`)));
    jobs.push(ownedJob('bad-1', failed('2024-03-01T09:00:00Z')), ownedJob('bad-2', failed('2024-03-01T09:01:00Z')));
    const s = await setup('2024-03-01T10:01:00Z', { cj: cronJob({ successfulJobsHistoryLimit: undefined, failedJobsHistoryLimit: undefined }), jobs });
    await s.c.reconcile(KEY);
    expect(s.jobNames()).toEqual(['bad-2', 'ok-2', 'ok-3', 'ok-4']);
  });

  it('writes no status when nothing changed', async () => {
    const s = await setup('2024-03-01T10:06:00Z', {
      cj: cronJob({}, { lastScheduleTime: '2024-03-01T10:05:00Z', lastSuccessfulTime: '2024-03-01T10:05:30Z' }),
      jobs: [ownedJob('hello-28488125', complete('2024-03-01T10:05:01Z', '2024-03-01T10:05:30Z'))],
    });
    await s.c.reconcile(KEY);
    expect(s.client.verbs('update')).toEqual([]);
  });
});

describe('cronjob controller: events and workers', () => {
  it('requeues at the new schedule time when the schedule changes', async () => {
    const s = await setup('2024-03-01T10:01:00Z', { cj: cronJob() });
    const cur = s.stored();
    await s.client.update(Resources.cronjobs, 'ns', { ...cur, spec: { ...cur.spec, schedule: '*/2 * * * *' } } as KubeObject);
    expect(s.requeues).toHaveBeenLastCalledWith(KEY, 60_000 + 100);
  });

  it('runs from the informers: creates the due job and tracks it', async () => {
    const client = new FakeClient();
    const ctx = fakeContext(client);
    client.seed(Resources.cronjobs, cronJob({}, undefined, '2024-03-01T10:00:00Z'));
    const c = cronJobController(ctx);
    controllers.push(c);
    expect(c.name).toBe('cronjob-controller');
    await ctx.informers.start();
    // The controller's clock is real here: a CronJob created long ago has a run due right now.
    c.run(1);
    await until(() => expect((client.find(Resources.cronjobs, 'ns', 'hello') as CronJob).status?.active).toHaveLength(1));
    const name = (client.find(Resources.cronjobs, 'ns', 'hello') as CronJob).status!.active![0].name!;
    expect(client.find(Resources.jobs, 'ns', name)).toBeDefined();
    // The job finishing is seen through the job informer, without waiting for the next schedule.
    const job = client.find(Resources.jobs, 'ns', name) as Job;
    client.seed(Resources.jobs, { ...job, status: complete('2024-03-01T10:05:01Z', '2024-03-01T10:06:00Z') });
    await until(() => {
      const status = (client.find(Resources.cronjobs, 'ns', 'hello') as CronJob).status!;
      expect(status.active ?? []).toEqual([]);
      expect(status.lastSuccessfulTime).toBe('2024-03-01T10:06:00Z');
    });
  });
});
