// PodTopologySpread: hard constraints (whenUnsatisfiable DoNotSchedule) as a filter, soft ones as a
// score. A pod without constraints of its own gets upstream's system defaults (hostname maxSkew 3,
// zone maxSkew 5, ScheduleAnyway) over the pods of its controller, which is how replicas of one
// Deployment end up spread across nodes.
import { firstUntoleratedTaint, matchesRequiredNodeAffinity } from './filters.js';
import { labelSelectorMatches } from './selectors.js';
import type { FilterStatus, NodeInfo, PodInfo, TopologySpreadConstraint } from './types.js';

export const REASON_SPREAD = "node(s) didn't match pod topology spread constraints";
export const REASON_SPREAD_LABEL = `${REASON_SPREAD} (missing required label)`;

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';

/** A constraint plus how to count matching pods on a node. */
interface Counted {
  c: TopologySpreadConstraint;
  count(node: NodeInfo): number;
}

/** countPodsMatchSelector: same namespace, not terminating, selector matches. */
function selectorCounter(pod: PodInfo, c: TopologySpreadConstraint): (node: NodeInfo) => number {
  return (node) => {
    let n = 0;
    for (const p of node.pods.values()) {
      if (p.terminating || p.namespace !== pod.namespace) continue;
      if (labelSelectorMatches(c.selector, p.labels)) n++;
    }
    return n;
  };
}

function includes(c: TopologySpreadConstraint, pod: PodInfo, node: NodeInfo): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !matchesRequiredNodeAffinity(pod, node)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && firstUntoleratedTaint(node.taints, pod)) return false;
  return true;
}

function hasAllKeys(node: NodeInfo, cs: TopologySpreadConstraint[]): boolean {
  for (const c of cs) if (node.labels[c.topologyKey] === undefined) return false;
  return true;
}

export interface SpreadFilterState {
  constraints: TopologySpreadConstraint[];
  /** Per constraint: matching pods per topology value. */
  counts: Map<string, number>[];
  minMatch: number[];
}

/** PreFilter: counts matching pods per domain over the nodes each constraint considers. */
export function spreadPreFilter(pod: PodInfo, nodes: NodeInfo[]): SpreadFilterState | undefined {
  const constraints = pod.spreadConstraints.filter((c) => c.whenUnsatisfiable === 'DoNotSchedule');
  if (constraints.length === 0) return undefined;
  const counted = constraints.map((c) => ({ c, count: selectorCounter(pod, c) }));
  const counts = constraints.map(() => new Map<string, number>());
  for (const node of nodes) {
    if (!hasAllKeys(node, constraints)) continue;
    counted.forEach(({ c, count }, i) => {
      if (!includes(c, pod, node)) return;
      const value = node.labels[c.topologyKey];
      counts[i].set(value, (counts[i].get(value) ?? 0) + count(node));
    });
  }
  const minMatch = constraints.map((c, i) => {
    const values = [...counts[i].values()];
    // Fewer domains than minDomains: the global minimum is taken as 0.
    if (values.length === 0 || (c.minDomains !== undefined && values.length < c.minDomains)) return 0;
    return Math.min(...values);
  });
  return { constraints, counts, minMatch };
}

export function spreadFilter(s: SpreadFilterState | undefined, pod: PodInfo, node: NodeInfo): FilterStatus | undefined {
  if (!s) return undefined;
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i];
    const value = node.labels[c.topologyKey];
    if (value === undefined) return { code: 'UnschedulableAndUnresolvable', reasons: [REASON_SPREAD_LABEL], plugin: 'PodTopologySpread' };
    const self = labelSelectorMatches(c.selector, pod.labels) ? 1 : 0;
    const skew = (s.counts[i].get(value) ?? 0) + self - s.minMatch[i];
    if (skew > c.maxSkew) return { code: 'Unschedulable', reasons: [REASON_SPREAD], plugin: 'PodTopologySpread' };
  }
  return undefined;
}

/** The constraints that score: the pod's ScheduleAnyway ones, or the system defaults over its controller's pods. */
function scoringConstraints(pod: PodInfo): { counted: Counted[]; systemDefaulted: boolean } {
  if (pod.spreadConstraints.length > 0) {
    const soft = pod.spreadConstraints.filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway');
    return { counted: soft.map((c) => ({ c, count: selectorCounter(pod, c) })), systemDefaulted: false };
  }
  const owner = pod.ownerUid;
  if (!owner) return { counted: [], systemDefaulted: true };
  // Stands in for upstream's selector built from the Services/ReplicaSets/StatefulSets selecting the pod.
  const count = (node: NodeInfo) => node.ownerCounts.get(owner) ?? 0;
  const base = { whenUnsatisfiable: 'ScheduleAnyway' as const, selector: undefined, nodeAffinityPolicy: 'Honor' as const, nodeTaintsPolicy: 'Ignore' as const };
  return {
    counted: [
      { c: { ...base, maxSkew: 3, topologyKey: LABEL_HOSTNAME }, count },
      { c: { ...base, maxSkew: 5, topologyKey: LABEL_ZONE }, count },
    ],
    systemDefaulted: true,
  };
}

/**
 * PreScore + Score + NormalizeScore: fewer matching pods in a node's domains scores higher.
 * Returns one normalized score (0..100) per feasible node, or undefined to skip.
 */
export function spreadScores(pod: PodInfo, allNodes: NodeInfo[], feasible: NodeInfo[]): number[] | undefined {
  const { counted, systemDefaulted } = scoringConstraints(pod);
  if (counted.length === 0) return undefined;
  const constraints = counted.map((x) => x.c);
  const requireAll = !systemDefaulted;
  const ignored = new Set<NodeInfo>();
  const domainCounts = counted.map(() => new Map<string, number>());
  const sizes = counted.map(() => 0);
  for (const node of feasible) {
    if (requireAll && !hasAllKeys(node, constraints)) {
      ignored.add(node);
      continue;
    }
    constraints.forEach((c, i) => {
      if (c.topologyKey === LABEL_HOSTNAME) return; // per-node counts are read during Score
      const value = node.labels[c.topologyKey] ?? '';
      if (!domainCounts[i].has(value)) (domainCounts[i].set(value, 0), sizes[i]++);
    });
  }
  const weights = constraints.map((c, i) => Math.log((c.topologyKey === LABEL_HOSTNAME ? feasible.length - ignored.size : sizes[i]) + 2));
  for (const node of allNodes) {
    if (requireAll && !hasAllKeys(node, constraints)) continue;
    counted.forEach(({ c, count }, i) => {
      if (c.topologyKey === LABEL_HOSTNAME || !includes(c, pod, node)) return;
      const value = node.labels[c.topologyKey] ?? '';
      const current = domainCounts[i].get(value);
      if (current !== undefined) domainCounts[i].set(value, current + count(node));
    });
  }
  const raw = feasible.map((node) => {
    if (ignored.has(node)) return -1;
    let score = 0;
    counted.forEach(({ c, count }, i) => {
      const value = node.labels[c.topologyKey];
      if (value === undefined) return;
      const cnt = c.topologyKey === LABEL_HOSTNAME ? count(node) : (domainCounts[i].get(value) ?? 0);
      score += cnt * weights[i] + (c.maxSkew - 1);
    });
    return Math.round(score);
  });
  return normalizeSpread(raw);
}

/** NormalizeScore: (max + min - s) / max scaled to 100; ignored nodes (-1) score 0. */
export function normalizeSpread(raw: number[]): number[] {
  let min = Number.MAX_SAFE_INTEGER;
  let max = 0;
  for (const s of raw) {
    if (s < 0) continue;
    if (s < min) min = s;
    if (s > max) max = s;
  }
  return raw.map((s) => {
    if (s < 0) return 0;
    if (max === 0) return 100;
    return Math.trunc((100 * (max + min - s)) / max);
  });
}
