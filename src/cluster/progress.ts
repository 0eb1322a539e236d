// Progress events: what core code (cluster start, stop, delete…) tells the user while it works.
// Core code only emits; a reporter chosen by the CLI decides how they look (ink, plain lines, NDJSON).
// Progress goes to stderr; a command's data goes to stdout, so `skiff … -o json | jq` stays clean.

export type ProgressEvent =
  | { type: 'step-start'; id: string; title: string }
  | { type: 'step-done'; id: string; ms: number }
  | { type: 'step-failed'; id: string; error: string }
  | { type: 'info'; message: string }
  | { type: 'warn'; message: string }
  | { type: 'done'; ms: number };

export interface EventSink {
  emit(event: ProgressEvent): void;
}

/** A sink that is also closed when the command ends, so a live view can draw its last frame. */
export interface Reporter extends EventSink {
  close(): Promise<void>;
}

/** For core code run without a CLI (tests, the control plane itself). */
export const nullSink: EventSink = { emit: () => {} };

/** Seconds with one decimal, as the reporters show durations: 340 → "0.3s". */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Runs one step between step-start and step-done (or step-failed, rethrowing), timing it. */
export async function runStep<T>(sink: EventSink, id: string, title: string, fn: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  sink.emit({ type: 'step-start', id, title });
  try {
    const result = await fn();
    sink.emit({ type: 'step-done', id, ms: Math.round(performance.now() - started) });
    return result;
  } catch (err) {
    sink.emit({ type: 'step-failed', id, error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}
