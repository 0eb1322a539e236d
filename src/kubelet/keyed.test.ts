import { describe, expect, it } from 'vitest';
import { KeyedRunner } from './keyed.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('KeyedRunner', () => {
  it('never runs one key twice at once, and runs it again when enqueued meanwhile', async () => {
    const log: string[] = [];
    let release!: () => void;
    const runner = new KeyedRunner(async (k) => {
      log.push(`start ${k}`);
      if (log.length === 1) await new Promise<void>((r) => { release = r; });
      log.push(`end ${k}`);
    });
    runner.enqueue('a');
    await tick();
    runner.enqueue('a');
    runner.enqueue('a');
    await tick();
    expect(log).toEqual(['start a']);
    release();
    await runner.idle();
    await tick();
    expect(log).toEqual(['start a', 'end a', 'start a', 'end a']);
  });

  it('limits concurrency across keys and reports errors', async () => {
    let active = 0;
    let peak = 0;
    const errors: string[] = [];
    const runner = new KeyedRunner(async (k) => {
      active++;
      peak = Math.max(peak, active);
      await tick();
      active--;
      if (k === 'bad') throw new Error('boom');
    }, 2, (k, err) => errors.push(`${k}: ${(err as Error).message}`));
    for (const k of ['a', 'b', 'c', 'd', 'bad']) runner.enqueue(k);
    await runner.idle();
    expect(peak).toBe(2);
    expect(errors).toEqual(['bad: boom']);
  });

  it('keeps the earliest delayed run of a key, and drops them on stop', async () => {
    const ran: string[] = [];
    const runner = new KeyedRunner(async (k) => { ran.push(k); });
    runner.enqueueAfter('a', 1000);
    runner.enqueueAfter('a', 10);
    runner.enqueueAfter('b', 1000);
    await new Promise((r) => setTimeout(r, 40));
    expect(ran).toEqual(['a']);
    await runner.stop();
    runner.enqueue('c');
    expect(ran).toEqual(['a']);
  });
});
