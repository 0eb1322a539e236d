// The watch history shared by every store: a bounded ring of the most recent events (the role of
// the kube-apiserver watch cache) plus the live fan-out to watchers.
//
// Stores call `append` once per committed write, in revision order. Everything here is synchronous:
// a watcher's callback runs before `append` returns, so a write's events reach every watcher in
// write order without any buffering of our own.

import { StoreError, type StoreEvent, type Watch } from './store.js';

/** Default number of events kept for watches that resume from a past revision. */
export const DEFAULT_HISTORY_SIZE = 10_000;

export interface WatchHistoryOptions {
  /** How many events the ring keeps (default 10 000). */
  size?: number;
  /** Where a throwing watcher's error goes (default: stderr); other watchers still get the event. */
  onWatcherError?: (error: unknown, event: StoreEvent) => void;
}

interface Watcher {
  prefix: string;
  onEvent: (event: StoreEvent) => void;
  /** The highest revision delivered (or deliberately skipped): guards against duplicates. */
  lastRevision: number;
  stopped: boolean;
  /** While the watcher replays, live events queue here so they follow the replayed ones. */
  backlog?: StoreEvent[];
}

export class WatchHistory {
  private readonly ring: (StoreEvent | undefined)[];
  private readonly capacity: number;
  /** Index in `ring` of the oldest event kept. */
  private head = 0;
  private count = 0;
  /** Every event after this revision is in the ring; a watch may start from it or later. */
  private floor: number;
  private latest: number;

  // Watchers are indexed by prefix, so an event costs one map lookup per "/" in its key plus the
  // watchers that actually match — not a scan of every watcher.
  private readonly bySlashPrefix = new Map<string, Set<Watcher>>();
  // Prefixes that do not end in "/" (rare: exact-key watches, or the "" prefix) are scanned.
  private readonly otherPrefixes = new Map<string, Set<Watcher>>();

  // Events appended while a delivery is under way (a callback that writes) wait here, so every
  // watcher still sees revisions in order.
  private readonly pending: StoreEvent[] = [];
  private delivering = false;
  private closed = false;
  private readonly onWatcherError: (error: unknown, event: StoreEvent) => void;

  /** `startRevision`: the store's revision when the history starts (nothing before it is kept). */
  constructor(startRevision: number, options: WatchHistoryOptions = {}) {
    const size = options.size ?? DEFAULT_HISTORY_SIZE;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`history size must be a positive integer, got ${size}`);
    this.capacity = size;
    this.ring = new Array<StoreEvent | undefined>(size);
    this.floor = startRevision;
    this.latest = startRevision;
    this.onWatcherError = options.onWatcherError ?? defaultWatcherError;
  }

  /** The oldest revision a watch can start from. */
  oldestRevision(): number {
    return this.floor;
  }

  /** Records a committed event and delivers it to matching watchers. */
  append(event: StoreEvent): void {
    if (event.revision <= this.latest) {
      throw new Error(`history: event revision ${event.revision} is not after ${this.latest}`);
    }
    this.latest = event.revision;
    // One object goes to every watcher: freezing it keeps one watcher from changing another's.
    Object.freeze(event);
    this.push(event);
    this.pending.push(event);
    if (!this.delivering) this.drain();
  }

  watch(prefix: string, afterRevision: number, onEvent: (event: StoreEvent) => void): Watch {
    if (this.closed) throw new Error('history: watch on a closed store');
    if (!Number.isSafeInteger(afterRevision) || afterRevision < 0) {
      throw new RangeError(`watch revision must be a non-negative integer, got ${afterRevision}`);
    }
    if (afterRevision < this.floor) {
      throw new StoreError(
        'Compacted',
        prefix,
        `required revision ${afterRevision} has been compacted; the oldest available is ${this.floor}`,
        this.floor,
      );
    }
    const watcher: Watcher = { prefix, onEvent, lastRevision: afterRevision, stopped: false, backlog: [] };
    // The replay works on a copy taken up front and the watcher is registered at once: events
    // appended meanwhile (by a callback that writes) wait in its backlog, and a ring that wraps
    // during a long replay cannot open a gap. `lastRevision` drops anything seen twice.
    const past = this.eventsAfter(afterRevision);
    this.register(watcher);
    for (const event of past) this.deliver(watcher, event);
    for (let event = watcher.backlog!.shift(); event; event = watcher.backlog!.shift()) this.deliver(watcher, event);
    watcher.backlog = undefined;
    return { stop: () => this.unregister(watcher) };
  }

  /** Drops every watcher; later appends are still kept (the store decides when it is closed). */
  close(): void {
    this.closed = true;
    for (const set of [...this.bySlashPrefix.values(), ...this.otherPrefixes.values()]) {
      for (const w of set) w.stopped = true;
    }
    this.bySlashPrefix.clear();
    this.otherPrefixes.clear();
  }

  /** Number of live watchers (for tests and metrics). */
  watcherCount(): number {
    let n = 0;
    for (const set of this.bySlashPrefix.values()) n += set.size;
    for (const set of this.otherPrefixes.values()) n += set.size;
    return n;
  }

  private push(event: StoreEvent): void {
    if (this.count < this.capacity) {
      this.ring[(this.head + this.count) % this.capacity] = event;
      this.count++;
      return;
    }
    // Full: the oldest event falls off and watches can no longer start before it.
    const evicted = this.ring[this.head]!;
    this.floor = evicted.revision;
    this.ring[this.head] = event;
    this.head = (this.head + 1) % this.capacity;
  }

  private at(i: number): StoreEvent {
    return this.ring[(this.head + i) % this.capacity]!;
  }

  /** Index of the first kept event with revision > `revision` (binary search; revisions ascend). */
  private firstAfter(revision: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The kept events with a revision above `revision`, oldest first. */
  private eventsAfter(revision: number): StoreEvent[] {
    const events: StoreEvent[] = [];
    for (let i = this.firstAfter(revision); i < this.count; i++) events.push(this.at(i));
    return events;
  }

  private drain(): void {
    this.delivering = true;
    try {
      for (let event = this.pending.shift(); event; event = this.pending.shift()) this.fanOut(event);
    } finally {
      this.delivering = false;
    }
  }

  private fanOut(event: StoreEvent): void {
    const key = event.key;
    for (let i = key.indexOf('/'); i !== -1; i = key.indexOf('/', i + 1)) {
      const set = this.bySlashPrefix.get(key.slice(0, i + 1));
      if (set) this.deliverAll(set, event);
    }
    for (const [prefix, set] of this.otherPrefixes) {
      if (key.startsWith(prefix)) this.deliverAll(set, event);
    }
  }

  private deliverAll(set: Set<Watcher>, event: StoreEvent): void {
    // A Set iterator tolerates callbacks that stop watchers; a watcher added meanwhile has
    // replayed this event already, and `deliver` skips it by revision.
    for (const watcher of set) {
      if (watcher.backlog) watcher.backlog.push(event);
      else this.deliver(watcher, event);
    }
  }

  private deliver(watcher: Watcher, event: StoreEvent): void {
    if (watcher.stopped || event.revision <= watcher.lastRevision) return;
    watcher.lastRevision = event.revision;
    if (!event.key.startsWith(watcher.prefix)) return;
    try {
      watcher.onEvent(event);
    } catch (error) {
      this.reportWatcherError(error, event);
    }
  }

  private reportWatcherError(error: unknown, event: StoreEvent): void {
    try {
      this.onWatcherError(error, event);
    } catch {
      // The reporter itself failed; there is nowhere left to send it, and the write must go on.
    }
  }

  private indexFor(prefix: string): Map<string, Set<Watcher>> {
    return prefix.endsWith('/') ? this.bySlashPrefix : this.otherPrefixes;
  }

  private register(watcher: Watcher): void {
    const index = this.indexFor(watcher.prefix);
    let set = index.get(watcher.prefix);
    if (!set) index.set(watcher.prefix, (set = new Set()));
    set.add(watcher);
  }

  private unregister(watcher: Watcher): void {
    watcher.stopped = true;
    const index = this.indexFor(watcher.prefix);
    const set = index.get(watcher.prefix);
    if (!set) return;
    set.delete(watcher);
    if (set.size === 0) index.delete(watcher.prefix);
  }
}

function defaultWatcherError(error: unknown, event: StoreEvent): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`store: a watcher failed on ${event.type} ${event.key}@${event.revision}: ${detail}\n`);
}
