// client-go's rate-limited work queue: a FIFO of keys that never holds a key twice, never hands a
// key to two workers at once, delays keys (addAfter) and backs failing keys off exponentially.
import type { WorkQueue } from './types.js';

export const BASE_BACKOFF_MS = 5;
export const MAX_BACKOFF_MS = 1000 * 1000;

/** client-go's ItemExponentialFailureRateLimiter: base × 2^failures, capped. */
export function backoffDelay(failures: number, baseMs = BASE_BACKOFF_MS, maxMs = MAX_BACKOFF_MS): number {
  // 2^n overflows to Infinity long before it matters; the cap keeps the answer finite.
  return Math.min(baseMs * 2 ** failures, maxMs);
}

interface Delayed {
  at: number;
  timer: NodeJS.Timeout;
}

export interface QueueOptions {
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

export class RateLimitedQueue implements WorkQueue {
  private readonly queue: string[] = [];
  /** Keys waiting to be processed (queued, or re-added while processing). */
  private readonly dirty = new Set<string>();
  /** Keys a worker holds between get() and done(). */
  private readonly processing = new Set<string>();
  private readonly delayed = new Map<string, Delayed>();
  private readonly failures = new Map<string, number>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(options: QueueOptions = {}) {
    this.baseMs = options.baseBackoffMs ?? BASE_BACKOFF_MS;
    this.maxMs = options.maxBackoffMs ?? MAX_BACKOFF_MS;
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    // A key being processed is queued again by done(), so two workers never hold it together.
    if (this.processing.has(key)) return;
    this.push(key);
  }

  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + delayMs;
    const existing = this.delayed.get(key);
    // As client-go's delaying queue: a key waiting already keeps the earlier of the two times.
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.delayed.set(key, { at, timer });
  }

  addRateLimited(key: string): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.addAfter(key, backoffDelay(n, this.baseMs, this.maxMs));
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  /** How many times the key failed since its last forget(). */
  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.queue.shift();
    if (key !== undefined) return Promise.resolve(this.take(key));
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key) && !this.shuttingDown) this.push(key);
  }

  len(): number {
    return this.queue.length;
  }

  /** Stops handing out keys: waiting and later get() calls answer undefined; timers are dropped. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  private push(key: string): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(this.take(key));
    else this.queue.push(key);
  }

  private take(key: string): string {
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }
}
