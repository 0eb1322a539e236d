// Which pods a ReplicaSet deletes first when it scales down (upstream controller.ActivePodsWithRanks
// with LogarithmicScaleDown, on by default since 1.22): the ones that cost the least to lose —
// unscheduled before scheduled, pending before running, not ready before ready, low
// pod-deletion-cost first, pods doubled up on a node with their siblings first, then the most
// recently ready, the most restarted and the newest (age compared in log2 buckets).
import { getPodCondition, isPodActive, isPodReady } from '../podutil.js';
import type { Pod } from './types.js';

export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

export interface RankedPod {
  pod: Pod;
  /** How many related active pods share its node: doubled-up pods go first. */
  rank: number;
}

function nodeName(pod: Pod): string {
  return (pod.spec?.nodeName as string | undefined) ?? '';
}

function phaseOrdinal(pod: Pod): number {
  return PHASE_ORDINAL[pod.status?.phase ?? 'Pending'] ?? 0;
}

export function deletionCost(pod: Pod): number {
  const raw = pod.metadata.annotations?.[POD_DELETION_COST];
  if (raw === undefined) return 0;
  const n = Number(raw);
  // Upstream ignores values that are not a valid int32.
  return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 ? n : 0;
}

function readySince(pod: Pod): number | undefined {
  const c = getPodCondition(pod, 'Ready');
  if (c?.status !== 'True' || !c.lastTransitionTime) return undefined;
  const t = Date.parse(c.lastTransitionTime);
  return Number.isNaN(t) ? undefined : t;
}

function created(pod: Pod): number | undefined {
  const t = pod.metadata.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

function maxRestarts(pod: Pod): number {
  const statuses = (pod.status?.containerStatuses as { restartCount?: number }[] | undefined) ?? [];
  return statuses.reduce((m, s) => Math.max(m, s.restartCount ?? 0), 0);
}

/** floor(log2(age in ns)), -1 for none: upstream's bucket for logarithmic comparison. */
function logBucket(t: number, now: number): number {
  const ageNs = (now - t) * 1e6;
  return ageNs > 0 ? Math.floor(Math.log2(ageNs)) : -1;
}

/**
 * Compares two timestamps: a missing one first, then the newer one, by log2 bucket of age;
 * equal buckets fall back to uid so the order stays stable. undefined when they are equal.
 */
function compareTimes(a: Pod, ta: number | undefined, b: Pod, tb: number | undefined, now: number): number | undefined {
  if (ta === tb) return undefined;
  if (ta === undefined) return -1;
  if (tb === undefined) return 1;
  const diff = logBucket(ta, now) - logBucket(tb, now);
  if (diff !== 0) return diff;
  const ua = a.metadata.uid ?? '';
  const ub = b.metadata.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/** Negative when `a` should be deleted before `b`. */
export function compareForDeletion(a: RankedPod, b: RankedPod, now: number): number {
  const pa = a.pod;
  const pb = b.pod;
  const na = nodeName(pa);
  const nb = nodeName(pb);
  if (na !== nb && (na === '' || nb === '')) return na === '' ? -1 : 1;
  if (phaseOrdinal(pa) !== phaseOrdinal(pb)) return phaseOrdinal(pa) - phaseOrdinal(pb);
  const ra = isPodReady(pa);
  const rb = isPodReady(pb);
  if (ra !== rb) return ra ? 1 : -1;
  if (deletionCost(pa) !== deletionCost(pb)) return deletionCost(pa) - deletionCost(pb);
  if (a.rank !== b.rank) return b.rank - a.rank;
  if (ra && rb) {
    const c = compareTimes(pa, readySince(pa), pb, readySince(pb), now);
    if (c !== undefined) return c;
  }
  const restarts = maxRestarts(pb) - maxRestarts(pa);
  if (restarts !== 0) return restarts;
  return compareTimes(pa, created(pa), pb, created(pb), now) ?? 0;
}

/** Ranks each pod by how many related active pods share its node (upstream getPodsRankedByRelatedPodsOnSameNode). */
export function rankByRelatedPodsOnSameNode(pods: Pod[], related: Pod[]): RankedPod[] {
  const onNode = new Map<string, number>();
  for (const p of related) {
    if (isPodActive(p)) onNode.set(nodeName(p), (onNode.get(nodeName(p)) ?? 0) + 1);
  }
  return pods.map((pod) => ({ pod, rank: onNode.get(nodeName(pod)) ?? 0 }));
}

/** The `count` pods to delete out of `pods`, cheapest first; `related` are siblings for doubling up. */
export function podsToDelete(pods: Pod[], related: Pod[], count: number, now: number = Date.now()): Pod[] {
  if (count >= pods.length) return [...pods];
  const ranked = rankByRelatedPodsOnSameNode(pods, related);
  ranked.sort((a, b) => compareForDeletion(a, b, now));
  return ranked.slice(0, count).map((r) => r.pod);
}
