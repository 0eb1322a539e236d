// Which pods PodGC removes (upstream pkg/controller/podgc/gc_controller.go). Pure: the controller
// feeds it the cached pods and nodes and deletes what it returns.
import type { Pod } from '../endpoints/types.js';

/** Upstream waits this long before trusting that a pod's node is really gone (quarantineTime). */
export const ORPHAN_QUARANTINE_MS = 40_000;
/** And sweeps this often (gcCheckPeriod). */
export const GC_CHECK_PERIOD_MS = 20_000;

export function isPodTerminated(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function ts(pod: Pod): number {
  const t = pod.metadata.creationTimestamp;
  return t ? Date.parse(t) : 0;
}

/** Evicted pods go first, then the oldest (byEvictionAndCreationTimestamp). */
export function compareForTerminatedGc(a: Pod, b: Pod): number {
  const ea = a.status?.reason === 'Evicted' ? 0 : 1;
  const eb = b.status?.reason === 'Evicted' ? 0 : 1;
  if (ea !== eb) return ea - eb;
  const d = ts(a) - ts(b);
  if (d !== 0) return d;
  const ka = `${a.metadata.namespace}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Terminated pods above the threshold, oldest first; a threshold of 0 or less turns this off. */
export function terminatedPodsToCollect(pods: Pod[], threshold: number): Pod[] {
  if (threshold <= 0) return [];
  const terminated = pods.filter(isPodTerminated);
  const excess = terminated.length - threshold;
  if (excess <= 0) return [];
  return terminated.sort(compareForTerminatedGc).slice(0, excess);
}

/** Pods being deleted that never reached a node: no kubelet will ever finish them. */
export function unscheduledTerminatingPods(pods: Pod[]): Pod[] {
  return pods.filter((p) => p.metadata.deletionTimestamp && !p.spec?.nodeName);
}

/** Pods bound to nodes that the cache does not have, grouped by node name. */
export function podsOnMissingNodes(pods: Pod[], nodeExists: (name: string) => boolean): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  for (const p of pods) {
    const node = p.spec?.nodeName;
    if (!node || nodeExists(node)) continue;
    let list = out.get(node);
    if (!list) out.set(node, (list = []));
    list.push(p);
  }
  return out;
}

/**
 * Tracks since when each node has been missing, so that a pod bound to a node that is not in
 * the cache yet (just registered) is not mistaken for an orphan.
 */
export class MissingNodes {
  private readonly since = new Map<string, number>();

  /** Records the nodes missing now and forgets the others; returns those past quarantine and the wait for the rest. */
  observe(missing: Iterable<string>, now: number, quarantineMs = ORPHAN_QUARANTINE_MS): { expired: string[]; nextCheckMs?: number } {
    const seen = new Set(missing);
    for (const name of [...this.since.keys()]) if (!seen.has(name)) this.since.delete(name);
    const expired: string[] = [];
    let next: number | undefined;
    for (const name of seen) {
      const since = this.since.get(name) ?? now;
      this.since.set(name, since);
      const left = since + quarantineMs - now;
      if (left <= 0) expired.push(name);
      else next = next === undefined ? left : Math.min(next, left);
    }
    return { expired, nextCheckMs: next };
  }

  forget(name: string): void {
    this.since.delete(name);
  }
}
