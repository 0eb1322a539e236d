import { describe, expect, it } from 'vitest';
import { CronParseError, ZoneClock, isValidTimeZone, parseCron, parseGoDuration } from './cron.js';

const utc = (s: string) => new Date(s);
const next = (spec: string, after: string, tz?: string) => parseCron(spec, tz).next(utc(after))?.toISOString();

/** The first `n` activations after `after`. */
function series(spec: string, after: string, n: number, tz?: string): string[] {
  const sched = parseCron(spec, tz);
  const out: string[] = [];
  let t = utc(after);
  for (let i = 0; i < n; i++) {
    const nx = sched.next(t);
    if (!nx) break;
    out.push(nx.toISOString());
    t = nx;
  }
  return out;
}

describe('parseCron (UTC)', () => {
  it('every minute fires at the next whole minute, strictly after', () => {
    expect(next('* * * * *', '2024-03-01T10:00:00.000Z')).toBe('2024-03-01T10:01:00.000Z');
    expect(next('* * * * *', '2024-03-01T10:00:59.900Z')).toBe('2024-03-01T10:01:00.000Z');
    expect(next('*/1 * * * *', '2024-03-01T10:00:00.001Z')).toBe('2024-03-01T10:01:00.000Z');
  });

  it('steps, ranges and lists', () => {
    expect(series('*/15 * * * *', '2024-03-01T10:07:00Z', 3)).toEqual([
      '2024-03-01T10:15:00.000Z',
      '2024-03-01T10:30:00.000Z',
      '2024-03-01T10:45:00.000Z',
    ]);
    expect(series('5,10 1-2 * * *', '2024-03-01T00:00:00Z', 5)).toEqual([
      '2024-03-01T01:05:00.000Z',
      '2024-03-01T01:10:00.000Z',
      '2024-03-01T02:05:00.000Z',
      '2024-03-01T02:10:00.000Z',
      '2024-03-02T01:05:00.000Z',
    ]);
    // "N/step" runs from N to the maximum.
    expect(series('50/5 * * * *', '2024-03-01T10:00:00Z', 3)).toEqual([
      '2024-03-01T10:50:00.000Z',
      '2024-03-01T10:55:00.000Z',
      '2024-03-01T11:50:00.000Z',
    ]);
    expect(series('0 8-18/5 * * *', '2024-03-01T00:00:00Z', 3)).toEqual([
      '2024-03-01T08:00:00.000Z',
      '2024-03-01T13:00:00.000Z',
      '2024-03-01T18:00:00.000Z',
    ]);
  });

  it('month and weekday names, case-insensitive', () => {
    // 2024-03-01 is a Friday.
    expect(series('0 9 * * MON-wed', '2024-03-01T00:00:00Z', 3)).toEqual([
      '2024-03-04T09:00:00.000Z',
      '2024-03-05T09:00:00.000Z',
      '2024-03-06T09:00:00.000Z',
    ]);
    expect(next('0 0 1 jun *', '2024-03-01T00:00:00Z')).toBe('2024-06-01T00:00:00.000Z');
  });

  it('day-of-month and day-of-week are ORed when both are restricted, ANDed with a star', () => {
    // The 13th, or any Friday.
    expect(series('0 0 13 * 5', '2024-03-01T00:00:00Z', 3)).toEqual([
      '2024-03-08T00:00:00.000Z',
      '2024-03-13T00:00:00.000Z',
      '2024-03-15T00:00:00.000Z',
    ]);
    expect(series('0 0 * * 5', '2024-03-01T00:00:00Z', 2)).toEqual(['2024-03-08T00:00:00.000Z', '2024-03-15T00:00:00.000Z']);
    // A stepped star is no longer "a star": */2 days OR Fridays.
    expect(series('0 0 */10 * 5', '2024-03-01T00:00:00Z', 3)).toEqual([
      '2024-03-08T00:00:00.000Z',
      '2024-03-11T00:00:00.000Z',
      '2024-03-15T00:00:00.000Z',
    ]);
  });

  it('descriptors', () => {
    expect(next('@hourly', '2024-03-01T10:30:00Z')).toBe('2024-03-01T11:00:00.000Z');
    expect(next('@daily', '2024-03-01T10:30:00Z')).toBe('2024-03-02T00:00:00.000Z');
    expect(next('@midnight', '2024-03-01T10:30:00Z')).toBe('2024-03-02T00:00:00.000Z');
    expect(next('@weekly', '2024-03-01T10:30:00Z')).toBe('2024-03-03T00:00:00.000Z');
    expect(next('@monthly', '2024-03-01T10:30:00Z')).toBe('2024-04-01T00:00:00.000Z');
    expect(next('@yearly', '2024-03-01T10:30:00Z')).toBe('2025-01-01T00:00:00.000Z');
    expect(next('@annually', '2024-03-01T10:30:00Z')).toBe('2025-01-01T00:00:00.000Z');
  });

  it('@every adds a constant delay', () => {
    expect(next('@every 90s', '2024-03-01T10:00:00.250Z')).toBe('2024-03-01T10:01:30.000Z');
    expect(next('@every 1h30m', '2024-03-01T10:00:00Z')).toBe('2024-03-01T11:30:00.000Z');
    expect(parseGoDuration('1.5h')).toBe(5_400_000);
  });

  it('leap days and impossible dates', () => {
    expect(next('0 0 29 2 *', '2024-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
    expect(next('0 0 31 2 *', '2024-03-01T00:00:00Z')).toBeUndefined();
    expect(next('59 23 31 12 *', '2024-12-31T23:59:00Z')).toBe('2025-12-31T23:59:00.000Z');
  });

  it('rejects malformed schedules', () => {
    for (const bad of ['', '* * * *', '60 * * * *', '* 24 * * *', '* * 0 * *', '* * * 13 *', '* * * * 7', '5-1 * * * *', '*/0 * * * *', '1/2/3 * * * *', '@fortnightly', 'x * * * *']) {
      expect(() => parseCron(bad), bad).toThrow(CronParseError);
    }
  });
});

describe('parseCron with a time zone', () => {
  it('fires at wall-clock times of a fixed-offset zone', () => {
    // Asia/Tokyo is UTC+9 with no DST.
    expect(next('0 9 * * *', '2024-03-01T00:00:00Z', 'Asia/Tokyo')).toBe('2024-03-02T00:00:00.000Z');
    expect(next('30 8 * * *', '2024-03-01T00:00:00Z', 'Asia/Kolkata')).toBe('2024-03-01T03:00:00.000Z');
  });

  it('follows DST: 09:00 New York is 14:00Z in winter, 13:00Z in summer', () => {
    expect(next('0 9 * * *', '2024-01-15T00:00:00Z', 'America/New_York')).toBe('2024-01-15T14:00:00.000Z');
    expect(next('0 9 * * *', '2024-07-15T00:00:00Z', 'America/New_York')).toBe('2024-07-15T13:00:00.000Z');
  });

  it('skips wall times that a spring-forward jump removes, fires once in a fall-back overlap', () => {
    // 2024-03-10 02:30 does not exist in New York.
    expect(series('30 2 * * *', '2024-03-09T12:00:00Z', 2, 'America/New_York')).toEqual([
      '2024-03-11T06:30:00.000Z',
      '2024-03-12T06:30:00.000Z',
    ]);
    // 2024-11-03 01:30 happens twice; only the first (EDT, 05:30Z) fires.
    expect(series('30 1 * * *', '2024-11-02T12:00:00Z', 2, 'America/New_York')).toEqual([
      '2024-11-03T05:30:00.000Z',
      '2024-11-04T06:30:00.000Z',
    ]);
  });

  it('a TZ= prefix selects the zone', () => {
    expect(next('TZ=Asia/Tokyo 0 9 * * *', '2024-03-01T00:00:00Z')).toBe('2024-03-02T00:00:00.000Z');
    expect(next('CRON_TZ=Asia/Tokyo 0 9 * * *', '2024-03-01T00:00:00Z')).toBe('2024-03-02T00:00:00.000Z');
  });

  it('knows which zones exist and prints RFC 3339 with the offset', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(() => parseCron('* * * * *', 'Mars/Olympus')).toThrow(CronParseError);
    expect(new ZoneClock('Asia/Tokyo').rfc3339(Date.parse('2024-03-01T00:00:00Z'))).toBe('2024-03-01T09:00:00+09:00');
    expect(new ZoneClock('America/New_York').rfc3339(Date.parse('2024-01-15T14:00:00Z'))).toBe('2024-01-15T09:00:00-05:00');
    expect(new ZoneClock().rfc3339(Date.parse('2024-01-15T14:00:00.500Z'))).toBe('2024-01-15T14:00:00Z');
  });
});
