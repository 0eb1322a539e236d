import { describe, expect, it } from 'vitest';
import { SchedulingQueue } from './queue.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('SchedulingQueue', () => {
  it('pops higher priority first, then in arrival order', async () => {
    const c = clock();
    const q = new SchedulingQueue({ now: c.now });
    q.add('a', 0);
    c.advance(1);
    q.add('b', 10);
    c.advance(1);
    q.add('c', 0);
    expect([(await q.pop())?.key, (await q.pop())?.key, (await q.pop())?.key]).toEqual(['b', 'a', 'c']);
  });

  it('deduplicates keys and hands a waiting pop the next pod', async () => {
    const q = new SchedulingQueue();
    const waiting = q.pop();
    q.add('a', 0);
    q.add('a', 0);
    expect((await waiting)?.key).toBe('a');
    expect(q.popNow()).toBeUndefined();
  });

  it('parks unschedulable pods until an event their plugins care about', () => {
    const c = clock();
    const q = new SchedulingQueue({ now: c.now });
    q.add('p', 0);
    q.popNow();
    q.unschedulable('p', ['NodeResourcesFit']);
    expect(q.state('p')).toBe('unschedulable');
    expect(q.onEvent({ label: 'AssignedPodAdd', plugins: ['InterPodAffinity'] })).toBe(0);
    c.advance(5000);
    expect(q.onEvent({ label: 'AssignedPodDelete', plugins: ['NodeResourcesFit'] })).toBe(1);
    expect(q.state('p')).toBe('active');
  });

  it('ignores events received before the attempt that failed', () => {
    const c = clock();
    const q = new SchedulingQueue({ now: c.now });
    q.add('p', 0);
    const before = q.tick(); // e.g. a node added just before the pod was popped
    q.popNow();
    q.unschedulable('p', ['NodeResourcesFit']);
    c.advance(5000);
    expect(q.onEvents(new Map([['*', before]]))).toBe(0);
    const after = q.tick();
    expect(q.onEvents(new Map([['NodeResourcesFit', after]]))).toBe(1);
  });

  it('respects the backoff when an event arrives right after a failure', () => {
    const c = clock();
    const q = new SchedulingQueue({ now: c.now, initialBackoffMs: 1000 });
    q.add('p', 0);
    q.popNow();
    q.unschedulable('p', ['NodeResourcesFit']);
    q.onEvent({ label: 'NodeAdd' });
    expect(q.state('p')).toBe('backoff');
    c.advance(999);
    q.flush();
    expect(q.state('p')).toBe('backoff');
    c.advance(1);
    q.flush();
    expect(q.state('p')).toBe('active');
  });

  it('doubles the backoff per attempt up to the maximum', () => {
    const q = new SchedulingQueue({ initialBackoffMs: 1000, maxBackoffMs: 10_000 });
    expect([1, 2, 3, 4, 5, 6].map((n) => q.backoffDuration(n))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('flushes pods parked longer than the maximum', () => {
    const c = clock();
    const q = new SchedulingQueue({ now: c.now, maxUnschedulableMs: 60_000 });
    q.add('p', 0);
    q.popNow();
    q.unschedulable('p', ['TaintToleration']);
    c.advance(59_000);
    q.flush();
    expect(q.state('p')).toBe('unschedulable');
    c.advance(1000);
    q.flush();
    expect(q.state('p')).toBe('active');
  });

  it('requeues a parked pod whose spec changed, and forgets deleted ones', () => {
    const c = clock();
    const q = new SchedulingQueue({ now: c.now });
    q.add('p', 0);
    q.popNow();
    q.unschedulable('p', ['NodeAffinity']);
    c.advance(2000);
    q.update('p', 0);
    expect(q.state('p')).toBe('active');
    q.delete('p');
    expect(q.popNow()).toBeUndefined();
    expect(q.counts()).toEqual({ active: 0, backoff: 0, unschedulable: 0, inflight: 0 });
  });

  it('ends waiting pops on close', async () => {
    const q = new SchedulingQueue();
    const waiting = q.pop();
    q.close();
    expect(await waiting).toBeUndefined();
  });
});
