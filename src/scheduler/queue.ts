// The scheduling queue (upstream's PriorityQueue): an active heap ordered by priority then arrival,
// a backoff set for pods that failed recently, and an unschedulable pool that only cluster events
// (or a five-minute safety flush) move back. Pods failing again and again therefore wait for a
// change that could help them instead of spinning.
import type { PluginName } from './types.js';

export interface QueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Upstream's podMaxInUnschedulablePodsDuration. */
  maxUnschedulableMs?: number;
  now?: () => number;
}

export interface QueuedPod {
  key: string;
  priority: number;
  /** When it entered the active queue (FIFO among equal priorities). */
  timestamp: number;
  attempts: number;
  /** Plugins that rejected it last time; empty means "any event may help". */
  plugins: Set<PluginName>;
  failedAt: number;
  seq: number;
  /** The event tick when it was last popped: only events after that may help it. */
  poppedTick: number;
}

/** A change in the cluster, named by the plugins whose verdict it may flip. */
export interface ClusterEvent {
  label: string;
  /** undefined: every plugin (a node was added). */
  plugins?: PluginName[];
}

type Where = 'active' | 'backoff' | 'unschedulable' | 'inflight';

/** A binary heap over QueuedPod: higher priority first, then earlier timestamp. */
class Heap {
  private items: QueuedPod[] = [];
  get size(): number {
    return this.items.length;
  }
  private less(a: QueuedPod, b: QueuedPod): boolean {
    if (a.priority !== b.priority) return a.priority > b.priority;
    if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp;
    return a.seq < b.seq;
  }
  push(x: QueuedPod): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): QueuedPod | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l], a[m])) m = l;
        if (r < a.length && this.less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

export class SchedulingQueue {
  private readonly active = new Heap();
  /** Where each known key is; the heap may hold stale entries, skipped on pop. */
  private readonly where = new Map<string, { entry: QueuedPod; at: Where }>();
  /** The parked and backing-off pods, kept apart so events and timers do not walk the active ones. */
  private readonly parked = new Map<string, QueuedPod>();
  private readonly backingOff = new Map<string, QueuedPod>();
  private waiters: ((p: QueuedPod | undefined) => void)[] = [];
  private closed = false;
  private seq = 0;
  private eventTick = 0;
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;
  private readonly maxUnschedulable: number;
  private readonly now: () => number;

  constructor(options: QueueOptions = {}) {
    this.initialBackoff = options.initialBackoffMs ?? 1000;
    this.maxBackoff = options.maxBackoffMs ?? 10_000;
    this.maxUnschedulable = options.maxUnschedulableMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** A pod waiting to be scheduled appeared; known keys are left where they are. */
  add(key: string, priority: number): void {
    if (this.closed || this.where.has(key)) return;
    const entry: QueuedPod = { key, priority, timestamp: this.now(), attempts: 0, plugins: new Set(), failedAt: 0, seq: this.seq++, poppedTick: 0 };
    this.toActive(entry);
  }

  /** The pod's spec changed: if it was parked, it may fit now (respecting its backoff). */
  update(key: string, priority: number): void {
    const at = this.where.get(key);
    if (!at) return this.add(key, priority);
    if (at.at === 'unschedulable') this.requeue(at.entry);
  }

  delete(key: string): void {
    this.forget(key);
  }

  has(key: string): boolean {
    return this.where.has(key);
  }

  state(key: string): Where | undefined {
    return this.where.get(key)?.at;
  }

  /** Waits for the next pod to schedule; undefined once closed. */
  pop(): Promise<QueuedPod | undefined> {
    const next = this.popNow();
    if (next || this.closed) return Promise.resolve(next);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The next active pod without waiting, marked in flight. */
  popNow(): QueuedPod | undefined {
    for (;;) {
      const e = this.active.pop();
      if (!e) return undefined;
      const at = this.where.get(e.key);
      if (!at || at.entry !== e || at.at !== 'active') continue; // stale heap entry
      at.at = 'inflight';
      this.markPopped(e);
      return e;
    }
  }

  /** The pod was bound (or vanished): forget it. */
  done(key: string): void {
    this.forget(key);
  }

  /** The attempt failed with these plugins' rejections: park it until an event may help. */
  unschedulable(key: string, plugins: Iterable<PluginName>): void {
    const at = this.where.get(key);
    if (!at) return;
    at.entry.plugins = new Set(plugins);
    at.entry.failedAt = this.now();
    this.setWhere(at.entry, 'unschedulable');
  }

  /** The attempt failed for a transient reason (API error): retry after its backoff. */
  backoff(key: string): void {
    const at = this.where.get(key);
    if (!at) return;
    at.entry.failedAt = this.now();
    this.setWhere(at.entry, 'backoff');
  }

  /** Stamps a cluster event as it is received; the stamp goes to onEvents later. */
  tick(): number {
    return ++this.eventTick;
  }

  /** Moves parked pods whose rejecting plugins care about this event (received now). */
  onEvent(event: ClusterEvent): number {
    const tick = this.tick();
    const latest = new Map<PluginName | '*', number>();
    for (const p of event.plugins ?? ['*' as const]) latest.set(p, tick);
    return this.onEvents(latest);
  }

  /**
   * Moves parked pods for a batch of events: `latest` maps a plugin ('*' for all) to the tick of
   * the newest event concerning it. Events a pod's last attempt already saw do not move it.
   */
  onEvents(latest: Map<PluginName | '*', number>): number {
    let moved = 0;
    const any = latest.get('*') ?? 0;
    let newest = any;
    for (const t of latest.values()) newest = Math.max(newest, t);
    for (const entry of [...this.parked.values()]) {
      if (!movedBy(entry, latest, any, newest)) continue;
      this.requeue(entry);
      moved++;
    }
    return moved;
  }

  /** Backoff finished → active; parked too long → active. Called on a timer. */
  flush(): void {
    const now = this.now();
    for (const entry of [...this.backingOff.values()]) if (now >= this.backoffExpiry(entry)) this.toActive(entry);
    for (const entry of [...this.parked.values()]) if (now - entry.failedAt >= this.maxUnschedulable) this.requeue(entry);
  }

  /** Pending pods per state, for logs and tests. */
  counts(): Record<Where, number> {
    const out: Record<Where, number> = { active: 0, backoff: 0, unschedulable: 0, inflight: 0 };
    for (const { at } of this.where.values()) out[at]++;
    return out;
  }

  close(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  /** calculateBackoffDuration: initial doubled per attempt after the first, capped. */
  backoffDuration(attempts: number): number {
    let d = this.initialBackoff;
    for (let i = 1; i < attempts; i++) {
      d *= 2;
      if (d > this.maxBackoff) return this.maxBackoff;
    }
    return d;
  }

  private backoffExpiry(e: QueuedPod): number {
    return e.failedAt + this.backoffDuration(e.attempts);
  }

  private requeue(entry: QueuedPod): void {
    if (this.now() < this.backoffExpiry(entry)) this.setWhere(entry, 'backoff');
    else this.toActive(entry);
  }

  private markPopped(entry: QueuedPod): void {
    entry.attempts++;
    entry.poppedTick = this.eventTick;
  }

  private setWhere(entry: QueuedPod, at: Where): void {
    this.forget(entry.key);
    this.where.set(entry.key, { entry, at });
    if (at === 'unschedulable') this.parked.set(entry.key, entry);
    else if (at === 'backoff') this.backingOff.set(entry.key, entry);
  }

  private forget(key: string): void {
    this.where.delete(key);
    this.parked.delete(key);
    this.backingOff.delete(key);
  }

  private toActive(entry: QueuedPod): void {
    entry.timestamp = this.now();
    entry.seq = this.seq++;
    this.setWhere(entry, 'active');
    const waiter = this.waiters.shift();
    if (waiter) {
      this.setWhere(entry, 'inflight');
      this.markPopped(entry);
      waiter(entry);
      return;
    }
    this.active.push(entry);
  }
}

function movedBy(entry: QueuedPod, latest: Map<PluginName | '*', number>, any: number, newest: number): boolean {
  if (any > entry.poppedTick) return true;
  // A pod rejected for no particular plugin (an error) is moved by any new event.
  if (entry.plugins.size === 0) return newest > entry.poppedTick;
  for (const p of entry.plugins) if ((latest.get(p) ?? 0) > entry.poppedTick) return true;
  return false;
}
