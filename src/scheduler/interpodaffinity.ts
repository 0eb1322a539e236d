// InterPodAffinity: required pod affinity and anti-affinity (filter) and preferred terms (score).
// As upstream, one pass over the cluster per cycle counts matching pods per topology pair
// (topologyKey=value); every node is then checked against those counts in O(its labels).
import { labelSelectorMatches } from './selectors.js';
import type { AffinityTerm, FilterStatus, NodeInfo, PodInfo } from './types.js';

export const REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

type Counts = Map<string, number>;

const pair = (key: string, value: string) => `${key}\u0000${value}`;

function bump(counts: Counts, node: NodeInfo, topologyKey: string, by: number): void {
  const value = node.labels[topologyKey];
  if (value === undefined) return;
  const k = pair(topologyKey, value);
  const n = (counts.get(k) ?? 0) + by;
  if (n === 0) counts.delete(k);
  else counts.set(k, n);
}

/** AffinityTerm.Matches: the pod is in one of the term's namespaces and its labels match. */
export function termMatches(term: AffinityTerm, pod: PodInfo): boolean {
  if (!term.allNamespaces && !term.namespaces.has(pod.namespace)) return false;
  return labelSelectorMatches(term.selector, pod.labels);
}

function matchesAll(terms: AffinityTerm[], pod: PodInfo): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!termMatches(t, pod)) return false;
  return true;
}

export interface InterPodState {
  pod: PodInfo;
  existingAntiAffinity: Counts;
  affinity: Counts;
  antiAffinity: Counts;
}

/** PreFilter: undefined when neither the pod nor any pod in the cluster has a required (anti-)affinity term (Skip). */
export function interPodPreFilter(pod: PodInfo, nodes: NodeInfo[]): InterPodState | undefined {
  const existingAntiAffinity: Counts = new Map();
  for (const node of nodes) {
    for (const existing of node.podsWithRequiredAntiAffinity) {
      for (const t of existing.requiredAntiAffinity) if (termMatches(t, pod)) bump(existingAntiAffinity, node, t.topologyKey, 1);
    }
  }
  if (existingAntiAffinity.size === 0 && pod.requiredAffinity.length === 0 && pod.requiredAntiAffinity.length === 0) return undefined;
  const affinity: Counts = new Map();
  const antiAffinity: Counts = new Map();
  if (pod.requiredAffinity.length || pod.requiredAntiAffinity.length) {
    for (const node of nodes) {
      for (const existing of node.pods.values()) {
        if (matchesAll(pod.requiredAffinity, existing)) for (const t of pod.requiredAffinity) bump(affinity, node, t.topologyKey, 1);
        for (const t of pod.requiredAntiAffinity) if (termMatches(t, existing)) bump(antiAffinity, node, t.topologyKey, 1);
      }
    }
  }
  return { pod, existingAntiAffinity, affinity, antiAffinity };
}

function satisfiesExistingAntiAffinity(s: InterPodState, node: NodeInfo): boolean {
  if (s.existingAntiAffinity.size === 0) return true;
  for (const [k, v] of Object.entries(node.labels)) if ((s.existingAntiAffinity.get(pair(k, v)) ?? 0) > 0) return false;
  return true;
}

function satisfiesAntiAffinity(s: InterPodState, node: NodeInfo): boolean {
  if (s.antiAffinity.size === 0) return true;
  for (const t of s.pod.requiredAntiAffinity) {
    const value = node.labels[t.topologyKey];
    if (value !== undefined && (s.antiAffinity.get(pair(t.topologyKey, value)) ?? 0) > 0) return false;
  }
  return true;
}

function satisfiesAffinity(s: InterPodState, node: NodeInfo): boolean {
  let podsExist = true;
  for (const t of s.pod.requiredAffinity) {
    const value = node.labels[t.topologyKey];
    if (value === undefined) return false; // every topology label must exist on the node
    if ((s.affinity.get(pair(t.topologyKey, value)) ?? 0) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself may go anywhere the topology labels exist.
  return s.affinity.size === 0 && matchesAll(s.pod.requiredAffinity, s.pod);
}

export function interPodAffinityFilter(s: InterPodState | undefined, node: NodeInfo): FilterStatus | undefined {
  if (!s) return undefined;
  if (!satisfiesAffinity(s, node)) return { code: 'UnschedulableAndUnresolvable', reasons: [REASON_AFFINITY], plugin: 'InterPodAffinity' };
  if (!satisfiesAntiAffinity(s, node)) return { code: 'Unschedulable', reasons: [REASON_ANTI_AFFINITY], plugin: 'InterPodAffinity' };
  if (!satisfiesExistingAntiAffinity(s, node)) return { code: 'Unschedulable', reasons: [REASON_EXISTING_ANTI_AFFINITY], plugin: 'InterPodAffinity' };
  return undefined;
}

/** Upstream's default hardPodAffinityWeight: an existing pod's required affinity to us counts as a preference of 1. */
const HARD_POD_AFFINITY_WEIGHT = 1;

/**
 * InterPodAffinity PreScore + Score: weights of matching preferred terms (ours, and existing pods'
 * towards us) summed per topology pair, then read back per node. undefined means Skip.
 */
export function interPodScores(pod: PodInfo, allNodes: NodeInfo[], feasible: NodeInfo[]): number[] | undefined {
  const ownPreferred = pod.preferredAffinity.length + pod.preferredAntiAffinity.length > 0;
  const topo = new Map<string, number>();
  let any = false;
  for (const node of allNodes) {
    const pods = ownPreferred ? node.pods.values() : node.podsWithAffinity.values();
    for (const existing of pods) {
      for (const t of pod.preferredAffinity) if (termMatches(t, existing)) (bump(topo, node, t.topologyKey, t.weight), (any = true));
      for (const t of pod.preferredAntiAffinity) if (termMatches(t, existing)) (bump(topo, node, t.topologyKey, -t.weight), (any = true));
      for (const t of existing.requiredAffinity) if (termMatches(t, pod)) (bump(topo, node, t.topologyKey, HARD_POD_AFFINITY_WEIGHT), (any = true));
      for (const t of existing.preferredAffinity) if (termMatches(t, pod)) (bump(topo, node, t.topologyKey, t.weight), (any = true));
      for (const t of existing.preferredAntiAffinity) if (termMatches(t, pod)) (bump(topo, node, t.topologyKey, -t.weight), (any = true));
    }
  }
  if (!any) return undefined;
  const raw = feasible.map((node) => {
    let s = 0;
    for (const [k, v] of Object.entries(node.labels)) s += topo.get(pair(k, v)) ?? 0;
    return s;
  });
  // NormalizeScore: min-max scaled to 0..100.
  const min = Math.min(...raw);
  const max = Math.max(...raw);
  return raw.map((s) => (max - min > 0 ? Math.trunc((100 * (s - min)) / (max - min)) : 0));
}
