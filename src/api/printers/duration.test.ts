import { describe, expect, it } from 'vitest';
import { humanDuration, translateTimestampSince } from './duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration (apimachinery util/duration.HumanDuration)', () => {
  it.each([
    [-2 * S, '<invalid>'],
    [-1999, '0s'], // truncates to -1 s: tolerated skew
    [-S, '0s'],
    [0, '0s'],
    [999, '0s'],
    [59 * S, '59s'],
    [60 * S, '60s'],
    [119 * S + 999, '119s'],
    [2 * M, '2m'],
    [2 * M + 5 * S, '2m5s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M, '10m'],
    [10 * M + 30 * S, '10m'],
    [119 * M, '119m'],
    [179 * M + 59 * S, '179m'],
    [3 * H, '3h'],
    [3 * H + 4 * M, '3h4m'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H, '8h'],
    [8 * H + 30 * M, '8h'],
    [47 * H + 59 * M, '47h'],
    [48 * H, '2d'],
    [5 * D + 3 * H, '5d3h'],
    [7 * D + 23 * H, '7d23h'],
    [8 * D, '8d'],
    [8 * D + 5 * H, '8d'],
    [729 * D, '729d'],
    [730 * D, '2y'],
    [730 * D + 30 * D, '2y30d'],
    [8 * 365 * D - D, '7y364d'],
    [8 * 365 * D, '8y'],
    [20 * 365 * D + 100 * D, '20y'],
  ])('%d ms → %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});

describe('translateTimestampSince', () => {
  const now = Date.parse('2024-06-01T12:00:00Z');
  it('is "<unknown>" for the zero time', () => {
    expect(translateTimestampSince(undefined, now)).toBe('<unknown>');
    expect(translateTimestampSince(null, now)).toBe('<unknown>');
    expect(translateTimestampSince('', now)).toBe('<unknown>');
  });
  it('humanizes the age', () => {
    expect(translateTimestampSince('2024-06-01T11:55:00Z', now)).toBe('5m');
    expect(translateTimestampSince('2024-05-31T12:00:00Z', now)).toBe('24h');
    expect(translateTimestampSince('2024-06-01T11:59:59.500000Z', now)).toBe('0s');
  });
  it('reports timestamps in the future as "<invalid>"', () => {
    expect(translateTimestampSince('2024-06-01T12:00:05Z', now)).toBe('<invalid>');
  });
});
