import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, RateLimitedQueue } from './workqueue.js';

async function pending(p: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  return (await Promise.race([p, new Promise((r) => setTimeout(() => r(marker), 10))])) === marker;
}

describe('RateLimitedQueue', () => {
  afterEach(() => vi.useRealTimers());

  it('dedupes keys that are queued', async () => {
    const q = new RateLimitedQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.len()).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
    expect(q.len()).toBe(0);
  });

  it('does not hand a key being processed to a second worker; requeues it after done', async () => {
    const q = new RateLimitedQueue();
    q.add('a');
    expect(await q.get()).toBe('a');
    q.add('a');
    q.add('a');
    expect(q.len()).toBe(0);
    const next = q.get();
    expect(await pending(next)).toBe(true);
    q.done('a');
    expect(await next).toBe('a');
    q.done('a');
    expect(q.len()).toBe(0);
  });

  it('done without a re-add does not requeue', async () => {
    const q = new RateLimitedQueue();
    q.add('a');
    await q.get();
    q.done('a');
    expect(q.len()).toBe(0);
  });

  it('wakes waiting workers in order', async () => {
    const q = new RateLimitedQueue();
    const first = q.get();
    const second = q.get();
    q.add('x');
    q.add('y');
    expect(await first).toBe('x');
    expect(await second).toBe('y');
  });

  it('adds after a delay, keeping the earlier of two delays', async () => {
    vi.useFakeTimers();
    const q = new RateLimitedQueue();
    q.addAfter('a', 100);
    q.addAfter('a', 500);
    vi.advanceTimersByTime(99);
    expect(q.len()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(q.len()).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(q.len()).toBe(1);
    q.addAfter('b', 500);
    q.addAfter('b', 50);
    vi.advanceTimersByTime(50);
    expect(q.len()).toBe(2);
    q.addAfter('c', 0);
    expect(q.len()).toBe(3);
  });

  it('delay timers do not keep the process alive', () => {
    const q = new RateLimitedQueue();
    const spy = vi.spyOn(globalThis, 'setTimeout');
    q.addAfter('a', 60_000);
    const timer = spy.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    spy.mockRestore();
    q.shutDown();
  });

  it('backs off per key exponentially from 5 ms, capped at 1000 s, until forget', () => {
    vi.useFakeTimers();
    const q = new RateLimitedQueue();
    expect([0, 1, 2, 3].map((n) => backoffDelay(n))).toEqual([5, 10, 20, 40]);
    expect(backoffDelay(30)).toBe(1_000_000);
    expect(backoffDelay(5000)).toBe(1_000_000);

    q.addRateLimited('a'); // 5 ms
    vi.advanceTimersByTime(4);
    expect(q.len()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(q.len()).toBe(1);
    q.addRateLimited('a'); // already queued: nothing new, but the failure counts
    expect(q.numRequeues('a')).toBe(2);
    q.addRateLimited('b'); // b has its own count: 5 ms
    vi.advanceTimersByTime(5);
    expect(q.len()).toBe(2);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
    expect(q.numRequeues('b')).toBe(1);
  });

  it('backoff doubles for a key that keeps failing', async () => {
    vi.useFakeTimers();
    const q = new RateLimitedQueue();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      q.addRateLimited('k');
      let waited = 0;
      while (q.len() === 0) {
        vi.advanceTimersByTime(1);
        waited++;
      }
      delays.push(waited);
      expect(await q.get()).toBe('k');
      q.done('k');
    }
    expect(delays).toEqual([5, 10, 20, 40]);
  });

  it('shutDown releases waiting workers, refuses new keys and drops delayed ones', async () => {
    vi.useFakeTimers();
    const q = new RateLimitedQueue();
    const waiting = q.get();
    q.addAfter('later', 10);
    q.shutDown();
    expect(await waiting).toBeUndefined();
    q.add('x');
    vi.advanceTimersByTime(100);
    expect(q.len()).toBe(0);
    expect(await q.get()).toBeUndefined();
    expect(q.isShuttingDown()).toBe(true);
  });
});
