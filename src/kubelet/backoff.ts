// The kubelet's crash-loop back-off (client-go flowcontrol.Backoff as kubelet uses it): the first
// restart of a container that exited is immediate, the next waits 10 s after it exited, then 20 s,
// 40 s … up to 5 min; a container that stayed up for twice the maximum starts over at 10 s.

export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number = Date.now,
    readonly initialMs = INITIAL_BACKOFF_MS,
    readonly maxMs = MAX_BACKOFF_MS,
  ) {}

  /** Still waiting: the container that exited at `eventTime` may not restart yet. */
  isInBackOffSince(key: string, eventTime: number): boolean {
    const entry = this.entries.get(key);
    if (!entry || this.expired(entry, eventTime)) return false;
    return this.now() - eventTime < entry.backoffMs;
  }

  /** Records a restart: the back-off the next exit will wait. */
  next(key: string, eventTime: number): void {
    const entry = this.entries.get(key);
    if (!entry || this.expired(entry, eventTime)) {
      this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: this.now() });
      return;
    }
    entry.backoffMs = Math.min(entry.backoffMs * 2, this.maxMs);
    entry.lastUpdate = this.now();
  }

  /** The current back-off (for "back-off 20s restarting failed container…"). */
  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** When a container that exited at `eventTime` may restart (ms since the epoch). */
  readyAt(key: string, eventTime: number): number {
    return eventTime + this.get(key);
  }

  /** Drops the keys of a pod that is gone (keys start with "<uid>/"). */
  forgetPrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  private expired(entry: Entry, eventTime: number): boolean {
    return eventTime - entry.lastUpdate > 2 * this.maxMs;
  }
}

/** Go's Duration.String() for whole seconds and minutes, as the back-off message prints it. */
export function formatBackoff(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  return `${m}m${rest}s`;
}
