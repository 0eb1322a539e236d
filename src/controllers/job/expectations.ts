// Controller expectations (upstream pkg/controller/controller_utils.go): after a controller creates
// or deletes pods it waits to see those changes in its informer before it plans again, so a stale
// cache cannot make it create the same pods twice. Records expire (5 minutes upstream) so a lost
// watch event cannot wedge a controller forever. Also used by the DaemonSet controller.

const EXPECTATIONS_TTL_MS = 5 * 60_000;

interface Record {
  add: number;
  del: number;
  at: number;
}

export class Expectations {
  private readonly records = new Map<string, Record>();

  constructor(
    private readonly ttlMs = EXPECTATIONS_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when every expected create and delete was observed, or the record expired. */
  satisfied(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    if (r.add <= 0 && r.del <= 0) return true;
    return this.now() - r.at > this.ttlMs;
  }

  expect(key: string, add: number, del: number): void {
    this.records.set(key, { add, del, at: this.now() });
  }

  creationObserved(key: string): void {
    const r = this.records.get(key);
    if (r) r.add--;
  }

  deletionObserved(key: string): void {
    const r = this.records.get(key);
    if (r) r.del--;
  }

  delete(key: string): void {
    this.records.delete(key);
  }
}

/** Per-key sets of UIDs still expected to change (upstream's finalizer-removal expectations). */
export class UidExpectations {
  private readonly sets = new Map<string, Set<string>>();

  expect(key: string, uids: Iterable<string>): void {
    let set = this.sets.get(key);
    if (!set) this.sets.set(key, (set = new Set()));
    for (const uid of uids) set.add(uid);
  }

  observed(key: string, uid: string): void {
    const set = this.sets.get(key);
    if (!set) return;
    set.delete(uid);
    if (set.size === 0) this.sets.delete(key);
  }

  get(key: string): ReadonlySet<string> {
    return this.sets.get(key) ?? new Set();
  }

  delete(key: string): void {
    this.sets.delete(key);
  }
}
