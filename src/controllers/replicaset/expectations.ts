// Controller expectations (upstream pkg/controller/controller_utils.go, UIDTrackingControllerExpectations):
// after creating or deleting pods a controller waits to see those changes in its informer before it
// plans again, so a stale cache cannot make it create (or delete) the same pods twice. Deletions
// are tracked by pod key, so seeing one pod go twice (terminating, then gone) counts once.
// Records expire (5 minutes upstream) so a lost watch event cannot wedge a controller.

export const EXPECTATIONS_TTL_MS = 5 * 60_000;

interface Expectation {
  adds: number;
  deletes: Set<string>;
  at: number;
}

export class PodExpectations {
  private readonly records = new Map<string, Expectation>();

  constructor(
    private readonly ttlMs = EXPECTATIONS_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when every expected create and delete was observed, or the record expired. */
  satisfied(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    if (r.adds <= 0 && r.deletes.size === 0) return true;
    return this.now() - r.at > this.ttlMs;
  }

  expectCreations(key: string, count: number): void {
    this.records.set(key, { adds: count, deletes: new Set(), at: this.now() });
  }

  expectDeletions(key: string, podKeys: string[]): void {
    this.records.set(key, { adds: 0, deletes: new Set(podKeys), at: this.now() });
  }

  creationObserved(key: string): void {
    const r = this.records.get(key);
    if (r) r.adds--;
  }

  deletionObserved(key: string, podKey: string): void {
    this.records.get(key)?.deletes.delete(podKey);
  }

  /** Outstanding counts, for tests and logs. */
  pending(key: string): { adds: number; deletes: number } {
    const r = this.records.get(key);
    return { adds: Math.max(0, r?.adds ?? 0), deletes: r?.deletes.size ?? 0 };
  }

  delete(key: string): void {
    this.records.delete(key);
  }
}
