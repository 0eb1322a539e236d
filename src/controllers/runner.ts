// The loop every controller runs (client-go's processNextWorkItem): workers take keys from a
// rate-limited queue and reconcile them; success forgets the key's backoff, failure requeues it
// with backoff. A reconcile error never stops a worker or the process.
import type { KubeObject } from '../api/types.js';
import { isConflict } from '../client/errors.js';
import { objectKey, type WorkQueue } from '../client/types.js';
import { RateLimitedQueue, type QueueOptions } from '../client/workqueue.js';
import type { Controller } from './context.js';

export interface QueueControllerOptions extends QueueOptions {
  /** Where reconcile failures go (console.error by default). */
  log?: (message: string) => void;
}

export class QueueController implements Controller {
  readonly queue: RateLimitedQueue;
  private readonly log: (message: string) => void;
  private stopped = false;
  private readonly workers: Promise<void>[] = [];

  constructor(
    readonly name: string,
    private readonly reconcile: (key: string) => Promise<void>,
    options: QueueControllerOptions = {},
  ) {
    this.queue = new RateLimitedQueue(options);
    this.log = options.log ?? ((message) => console.error(message));
  }

  enqueue(obj: KubeObject): void {
    this.queue.add(objectKey(obj));
  }

  enqueueKey(key: string): void {
    this.queue.add(key);
  }

  enqueueAfter(key: string, ms: number): void {
    this.queue.addAfter(key, ms);
  }

  run(workers: number): void {
    for (let i = 0; i < Math.max(1, workers); i++) this.workers.push(this.worker());
  }

  stop(): void {
    this.stopped = true;
    this.queue.shutDown();
  }

  /** Resolves when every worker has returned after stop() (for tests and orderly shutdown). */
  async drained(): Promise<void> {
    await Promise.all(this.workers);
  }

  private async worker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      await this.process(key);
    }
  }

  private async process(key: string): Promise<void> {
    try {
      await this.reconcile(key);
      this.queue.forget(key);
    } catch (err) {
      if (this.stopped) return;
      // A conflict means our cache was behind the server: retry once the informer catches up.
      if (!isConflict(err)) this.log(`${this.name}: reconcile ${key} failed (retry ${this.queue.numRequeues(key) + 1}): ${describe(err)}`);
      this.queue.addRateLimited(key);
    } finally {
      this.queue.done(key);
    }
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export type { WorkQueue };
