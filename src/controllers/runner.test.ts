import { describe, expect, it } from 'vitest';
import { ApiError } from '../client/errors.js';
import { QueueController } from './runner.js';

function waitFor(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (cond()) return resolve();
      if (Date.now() > deadline) return reject(new Error('timed out'));
      setTimeout(tick, 2);
    };
    tick();
  });
}

describe('QueueController', () => {
  it('reconciles enqueued objects by key and forgets them on success', async () => {
    const seen: string[] = [];
    const c = new QueueController('test', async (key) => { seen.push(key); });
    c.run(2);
    c.enqueue({ metadata: { namespace: 'ns', name: 'a' } });
    c.enqueue({ metadata: { name: 'cluster-wide' } });
    c.enqueueKey('ns/b');
    await waitFor(() => seen.length === 3);
    expect(seen.sort()).toEqual(['cluster-wide', 'ns/a', 'ns/b']);
    expect(c.queue.numRequeues('ns/a')).toBe(0);
    c.stop();
    await c.drained();
  });

  it('requeues failures with backoff and logs them, without stopping the worker', async () => {
    const logs: string[] = [];
    let calls = 0;
    const c = new QueueController('flaky', async (key) => {
      calls++;
      if (key === 'bad' && calls < 3) throw new Error('boom');
    }, { log: (m) => logs.push(m) });
    c.run(1);
    c.enqueueKey('bad');
    await waitFor(() => calls === 3);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatch(/^flaky: reconcile bad failed .*boom/);
    await waitFor(() => c.queue.numRequeues('bad') === 0);
    c.enqueueKey('good');
    await waitFor(() => calls === 4);
    c.stop();
  });

  it('requeues conflicts quietly', async () => {
    const logs: string[] = [];
    let calls = 0;
    const c = new QueueController('c', async () => {
      if (++calls === 1) throw new ApiError(409, 'Conflict', 'the object has been modified');
    }, { log: (m) => logs.push(m) });
    c.run(1);
    c.enqueueKey('k');
    await waitFor(() => calls === 2);
    expect(logs).toEqual([]);
    c.stop();
  });

  it('never runs one key on two workers at once', async () => {
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    const c = new QueueController('c', async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      calls++;
    });
    c.run(4);
    c.enqueueKey('k');
    await waitFor(() => running === 1);
    c.enqueueKey('k');
    c.enqueueKey('k');
    await waitFor(() => calls === 2);
    expect(maxRunning).toBe(1);
    c.stop();
  });

  it('enqueueAfter delays the key; stop ends the workers', async () => {
    const seen: number[] = [];
    const c = new QueueController('c', async () => { seen.push(Date.now()); });
    c.run(1);
    const t0 = Date.now();
    c.enqueueAfter('k', 40);
    await waitFor(() => seen.length === 1);
    expect(seen[0]! - t0).toBeGreaterThanOrEqual(35);
    c.stop();
    await c.drained();
    c.enqueueKey('k');
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toHaveLength(1);
  });
});
