// Upstream's slowStartBatch: run `count` calls in batches of 1, 2, 4, … so that a failure that would
// hit every call (quota, a bad template) stops after a few requests instead of hundreds. Shared by
// the Job and DaemonSet controllers.

export interface BatchResult {
  /** Calls that succeeded. */
  succeeded: number;
  /** Calls never attempted because an earlier batch failed. */
  skipped: number;
  /** The first error, if any call failed. */
  error?: unknown;
}

export async function slowStartBatch(count: number, initialBatchSize: number, fn: (index: number) => Promise<void>): Promise<BatchResult> {
  let succeeded = 0;
  let pos = 0;
  let error: unknown;
  for (let size = Math.min(count, initialBatchSize); pos < count; size = Math.min(2 * size, count - pos)) {
    const results = await Promise.allSettled(Array.from({ length: size }, (_, i) => fn(pos + i)));
    pos += size;
    for (const r of results) {
      if (r.status === 'fulfilled') succeeded++;
      else error ??= r.reason;
    }
    if (results.some((r) => r.status === 'rejected')) break;
  }
  return { succeeded, skipped: count - pos, error };
}

/** Upstream's SlowStartInitialBatchSize. */
export const SLOW_START_INITIAL_BATCH = 1;
