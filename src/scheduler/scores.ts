// Node scores of upstream's default profile, each 0..100 after normalizing, combined with the
// default plugin weights. Scores read the NodeInfo totals, so a cycle costs O(nodes).
import { nodeSelectorTermMatches, tolerationsTolerateTaint } from './selectors.js';
import type { NodeInfo, PodInfo } from './types.js';

export const MAX_NODE_SCORE = 100;

/** Weights of upstream's default plugin set (apis/config/v1 default_plugins.go). */
export const WEIGHTS = {
  TaintToleration: 3,
  NodeAffinity: 2,
  PodTopologySpread: 2,
  InterPodAffinity: 2,
  NodeResourcesFit: 1,
  NodeResourcesBalancedAllocation: 1,
} as const;

/** ((allocatable - requested) * 100) / allocatable, 0 when over-committed or nothing is allocatable. */
function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/**
 * NodeResourcesFit with the LeastAllocated strategy over cpu and memory (weight 1 each), using
 * non-zero requests so pods that ask for nothing still spread.
 */
export function leastAllocatedScore(pod: PodInfo, node: NodeInfo): number {
  const cpu = leastRequested(node.nonZeroCpu + pod.nonZeroCpu, node.allocatable.milliCpu);
  const mem = leastRequested(node.nonZeroMemory + pod.nonZeroMemory, node.allocatable.memory);
  return Math.trunc((cpu + mem) / 2);
}

export function isBestEffort(pod: PodInfo): boolean {
  const r = pod.requests;
  return r.milliCpu === 0 && r.memory === 0 && r.ephemeralStorage === 0 && r.scalar.size === 0;
}

/** NodeResourcesBalancedAllocation: 100 * (1 - std of the cpu and memory fractions); skipped for BestEffort pods. */
export function balancedAllocationScore(pod: PodInfo, node: NodeInfo): number {
  const frac = (req: number, cap: number) => (cap === 0 ? 0 : Math.min(1, req / cap));
  const cpu = frac(node.requested.milliCpu + pod.requests.milliCpu, node.allocatable.milliCpu);
  const mem = frac(node.requested.memory + pod.requests.memory, node.allocatable.memory);
  const std = Math.abs(cpu - mem) / 2;
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

/** NodeAffinity Score: the summed weights of the preferred terms the node matches (normalized later). */
export function preferredNodeAffinityRaw(pod: PodInfo, node: NodeInfo): number {
  let total = 0;
  for (const t of pod.preferredNodeTerms) {
    if (t.weight !== 0 && nodeSelectorTermMatches(t.preference, node.name, node.labels)) total += t.weight;
  }
  return total;
}

/** TaintToleration Score: PreferNoSchedule taints the pod does not tolerate (fewer is better, normalized reversed). */
export function intolerablePreferNoScheduleRaw(pod: PodInfo, node: NodeInfo): number {
  let n = 0;
  const tolerations = pod.tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  for (const taint of node.taints) {
    if (taint.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, taint)) n++;
  }
  return n;
}

/** helper.DefaultNormalizeScore: scale to 0..100 by the maximum, optionally reversed. */
export function defaultNormalize(scores: number[], reverse: boolean): number[] {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) return scores.map(() => (reverse ? MAX_NODE_SCORE : 0));
  return scores.map((s) => {
    const v = Math.trunc((MAX_NODE_SCORE * s) / max);
    return reverse ? MAX_NODE_SCORE - v : v;
  });
}
