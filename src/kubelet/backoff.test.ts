import { describe, expect, it } from 'vitest';
import { Backoff, formatBackoff } from './backoff.js';

describe('crash-loop back-off', () => {
  it('restarts at once the first time, then waits 10 s, 20 s, … up to 5 min', () => {
    let now = 1_000_000;
    const b = new Backoff(() => now);
    const k = 'uid/c';
    // First exit: no back-off yet.
    expect(b.isInBackOffSince(k, now)).toBe(false);
    b.next(k, now);
    expect(b.get(k)).toBe(10_000);
    // Second exit: waits 10 s after it exited.
    const exited = now;
    expect(b.isInBackOffSince(k, exited)).toBe(true);
    now += 9_999;
    expect(b.isInBackOffSince(k, exited)).toBe(true);
    now += 1;
    expect(b.isInBackOffSince(k, exited)).toBe(false);
    b.next(k, exited);
    expect(b.get(k)).toBe(20_000);
    const delays = [];
    for (let i = 0; i < 6; i++) {
      b.next(k, now);
      delays.push(b.get(k));
    }
    expect(delays).toEqual([40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  });

  it('starts over once a container stayed up for twice the maximum', () => {
    let now = 0;
    const b = new Backoff(() => now);
    b.next('k', 0);
    b.next('k', 0);
    expect(b.get('k')).toBe(20_000);
    now = 700_000;
    expect(b.isInBackOffSince('k', now)).toBe(false);
    b.next('k', now);
    expect(b.get('k')).toBe(10_000);
  });

  it('forgets a pod', () => {
    const b = new Backoff(() => 0);
    b.next('u1/a', 0);
    b.next('u2/a', 0);
    b.forgetPrefix('u1/');
    expect(b.get('u1/a')).toBe(0);
    expect(b.get('u2/a')).toBe(10_000);
  });

  it('prints durations as Go does', () => {
    expect(formatBackoff(10_000)).toBe('10s');
    expect(formatBackoff(160_000)).toBe('2m40s');
    expect(formatBackoff(300_000)).toBe('5m0s');
  });
});
