import { describe, expect, it } from 'vitest';
import { parseCron } from './cron.js';
import type { CronJob, Job } from './types.js';
import {
  compareByStartTime,
  deleteFromActiveList,
  jobFromTemplate,
  jobName,
  mostRecentScheduleTime,
  nextScheduleDelay,
  nextScheduleTime,
  parseCronJobSchedule,
  rfc1123z,
  rfc3339,
} from './utils.js';

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function cj(spec: Partial<CronJob['spec']> = {}, status: CronJob['status'] = {}, created = '2024-03-01T10:00:00Z'): CronJob {
  return {
    metadata: { name: 'hello', namespace: 'ns', uid: 'cj-uid', creationTimestamp: created },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: {} }, ...spec },
    status,
  };
}

describe('mostRecentScheduleTime', () => {
  const every5 = parseCron('*/5 * * * *');

  it('finds nothing before the first schedule time', () => {
    const r = mostRecentScheduleTime(cj(), t('2024-03-01T10:04:59Z'), every5, false);
    expect(r).toEqual({ earliest: t('2024-03-01T10:00:00Z'), missed: 'none' });
  });

  it('finds the one due time, counted from the last schedule time when there is one', () => {
    expect(iso(mostRecentScheduleTime(cj(), t('2024-03-01T10:05:00Z'), every5, false).mostRecent)).toBe('2024-03-01T10:05:00.000Z');
    const r = mostRecentScheduleTime(cj({}, { lastScheduleTime: '2024-03-01T10:05:00Z' }), t('2024-03-01T10:09:00Z'), every5, false);
    expect(r.mostRecent).toBeUndefined();
    expect(iso(r.earliest)).toBe('2024-03-01T10:05:00.000Z');
  });

  it('answers the latest of several missed times', () => {
    const r = mostRecentScheduleTime(cj(), t('2024-03-01T10:27:00Z'), every5, false);
    expect(iso(r.mostRecent)).toBe('2024-03-01T10:25:00.000Z');
    expect(r.missed).toBe('few');
  });

  it('counts more than 100 misses as many', () => {
    const r = mostRecentScheduleTime(cj({}, {}, '2024-01-01T00:00:00Z'), t('2024-03-01T10:27:00Z'), every5, false);
    expect(iso(r.mostRecent)).toBe('2024-03-01T10:25:00.000Z');
    expect(r.missed).toBe('many');
  });

  it('finds the true latest time of irregular schedules', () => {
    // Weekdays at 06:30, 10:30 and 14:30; 2024-03-01 is a Friday.
    const sched = parseCron('30 6-16/4 * * 1-5');
    const r = mostRecentScheduleTime(cj({}, {}, '2024-02-20T00:00:00Z'), t('2024-03-04T07:00:00Z'), sched, false);
    expect(iso(r.mostRecent)).toBe('2024-03-04T06:30:00.000Z');
  });

  it('handles @every schedules', () => {
    const sched = parseCron('@every 90s');
    const r = mostRecentScheduleTime(cj({}, {}, '2024-03-01T10:00:00Z'), t('2024-03-01T10:10:00Z'), sched, false);
    // 10:00 + k × 90 s: the latest not after 10:10 is 10:09:00.
    expect(iso(r.mostRecent)).toBe('2024-03-01T10:09:00.000Z');
  });

  it('does not look before the starting deadline', () => {
    const r = mostRecentScheduleTime(cj({ startingDeadlineSeconds: 60 }), t('2024-03-01T10:27:00Z'), every5, true);
    expect(r.mostRecent).toBeUndefined();
    expect(iso(r.earliest)).toBe('2024-03-01T10:26:00.000Z');
    const within = mostRecentScheduleTime(cj({ startingDeadlineSeconds: 180 }), t('2024-03-01T10:27:00Z'), every5, true);
    expect(iso(within.mostRecent)).toBe('2024-03-01T10:25:00.000Z');
  });

  it('reports schedules that never fire', () => {
    const r = mostRecentScheduleTime(cj(), t('2024-03-01T10:27:00Z'), parseCron('59 23 31 2 *'), false);
    expect(r.error).toBe('time difference between two schedules is less than 1 second');
  });
});

describe('nextScheduleTime and nextScheduleDelay', () => {
  const every5 = parseCron('*/5 * * * *');

  it('warns about too many missed times but still answers the latest', () => {
    let warned = 0;
    const r = nextScheduleTime(cj({}, {}, '2024-01-01T00:00:00Z'), t('2024-03-01T10:27:00Z'), every5, () => warned++);
    expect(iso(r.time)).toBe('2024-03-01T10:25:00.000Z');
    expect(warned).toBe(1);
  });

  it('waits until the next schedule time plus 100 ms', () => {
    expect(nextScheduleDelay(cj(), t('2024-03-01T10:03:00Z'), every5)).toBe(2 * 60_000 + 100);
    // After 10:05 was handled, the next is 10:10.
    expect(nextScheduleDelay(cj({}, { lastScheduleTime: '2024-03-01T10:05:00Z' }), t('2024-03-01T10:05:01Z'), every5)).toBe(4 * 60_000 + 59_000 + 100);
    // With missed times, from the latest of them.
    expect(nextScheduleDelay(cj(), t('2024-03-01T10:27:00Z'), every5)).toBe(3 * 60_000 + 100);
  });

  it('has no next time for a schedule that never fires', () => {
    expect(nextScheduleDelay(cj(), t('2024-03-01T10:27:00Z'), parseCron('59 23 31 2 *'))).toBeUndefined();
  });
});

describe('jobs made from the template', () => {
  it('are named after the scheduled minute and carry labels, annotations, owner and spec', () => {
    const c = cj({
      timeZone: 'Europe/Berlin',
      jobTemplate: { metadata: { labels: { app: 'x' }, annotations: { note: 'y' } }, spec: { backoffLimit: 2, template: { spec: { containers: [] } } } },
    });
    const job = jobFromTemplate(c, t('2024-03-01T10:05:00Z'));
    expect(jobName(c, t('2024-03-01T10:05:00Z'))).toBe('hello-28488125');
    expect(job.metadata).toEqual({
      name: 'hello-28488125',
      namespace: 'ns',
      labels: { app: 'x' },
      annotations: { note: 'y', 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2024-03-01T11:05:00+01:00' },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'hello', uid: 'cj-uid', controller: true, blockOwnerDeletion: true }],
    });
    expect(job.spec).toEqual({ backoffLimit: 2, template: { spec: { containers: [] } } });
    expect(job.spec).not.toBe(c.spec.jobTemplate.spec);
  });

  it('use UTC for the annotation without a time zone', () => {
    expect(jobFromTemplate(cj(), t('2024-03-01T10:05:00Z')).metadata.annotations).toEqual({
      'batch.kubernetes.io/cronjob-scheduled-timestamp': '2024-03-01T10:05:00Z',
    });
  });
});

describe('small helpers', () => {
  it('parses the schedule in spec.timeZone unless the text names its own', () => {
    expect(iso(parseCronJobSchedule(cj({ schedule: '0 9 * * *', timeZone: 'America/New_York' })).next(new Date('2024-03-01T00:00:00Z'))?.getTime())).toBe(
      '2024-03-01T14:00:00.000Z',
    );
    expect(iso(parseCronJobSchedule(cj({ schedule: 'TZ=Asia/Tokyo 0 9 * * *', timeZone: 'America/New_York' })).next(new Date('2024-03-01T00:00:00Z'))?.getTime())).toBe(
      '2024-03-02T00:00:00.000Z',
    );
  });

  it('sorts jobs by start time, unstarted last, names breaking ties', () => {
    const job = (name: string, startTime?: string): Job => ({ metadata: { name }, status: { startTime } });
    const sorted = [job('d'), job('c', '2024-01-02T00:00:00Z'), job('b', '2024-01-01T00:00:00Z'), job('a', '2024-01-02T00:00:00Z')].sort(compareByStartTime);
    expect(sorted.map((j) => j.metadata.name)).toEqual(['b', 'a', 'c', 'd']);
  });

  it('formats times as Go does', () => {
    expect(rfc1123z(t('2024-03-01T09:05:07Z'))).toBe('Fri, 01 Mar 2024 09:05:07 +0000');
    expect(rfc3339(t('2024-03-01T09:05:07.250Z'))).toBe('2024-03-01T09:05:07Z');
  });

  it('drops an emptied active list', () => {
    const c = cj({}, { active: [{ uid: 'a', name: 'x' }] });
    deleteFromActiveList(c, 'a');
    expect(c.status).toEqual({});
  });
});
