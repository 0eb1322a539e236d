// The per-node filters that need nothing beyond the pod and the node (upstream plugins
// NodeUnschedulable, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit). Each returns
// undefined when the pod fits, or the status upstream returns, with its exact reason text.
import { nodeSelectorTermsMatch, tolerationsTolerateTaint } from './selectors.js';
import type { FilterStatus, NodeInfo, PodInfo, Taint } from './types.js';

export const REASON_UNSCHEDULABLE = "node(s) were unschedulable";
export const REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
export const REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";
export const REASON_TOO_MANY_PODS = 'Too many pods';

export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** NodeUnschedulable: a cordoned node takes only pods tolerating node.kubernetes.io/unschedulable:NoSchedule. */
export function nodeUnschedulableFilter(pod: PodInfo, node: NodeInfo): FilterStatus | undefined {
  if (!node.unschedulable) return undefined;
  if (tolerationsTolerateTaint(pod.tolerations, { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' })) return undefined;
  return { code: 'UnschedulableAndUnresolvable', reasons: [REASON_UNSCHEDULABLE], plugin: 'NodeUnschedulable' };
}

/** The first NoSchedule/NoExecute taint no toleration covers (v1helper.FindMatchingUntoleratedTaint). */
export function firstUntoleratedTaint(taints: Taint[], pod: PodInfo): Taint | undefined {
  for (const taint of taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerationsTolerateTaint(pod.tolerations, taint)) return taint;
  }
  return undefined;
}

/** TaintToleration: node-lifecycle taints (not-ready, unreachable, ...) keep pods off unhealthy nodes. */
export function taintTolerationFilter(pod: PodInfo, node: NodeInfo): FilterStatus | undefined {
  const taint = firstUntoleratedTaint(node.taints, pod);
  if (!taint) return undefined;
  return { code: 'UnschedulableAndUnresolvable', reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`], plugin: 'TaintToleration' };
}

/** nodeSelector and required node affinity both hold (nodeaffinity.GetRequiredNodeAffinity). */
export function matchesRequiredNodeAffinity(pod: PodInfo, node: NodeInfo): boolean {
  if (pod.nodeSelector) {
    for (const [k, v] of Object.entries(pod.nodeSelector)) if (node.labels[k] !== v) return false;
  }
  if (pod.requiredNodeTerms !== undefined && !nodeSelectorTermsMatch(pod.requiredNodeTerms, node.name, node.labels)) return false;
  return true;
}

export function nodeAffinityFilter(pod: PodInfo, node: NodeInfo): FilterStatus | undefined {
  if (matchesRequiredNodeAffinity(pod, node)) return undefined;
  return { code: 'UnschedulableAndUnresolvable', reasons: [REASON_NODE_AFFINITY], plugin: 'NodeAffinity' };
}

/**
 * NodeAffinity's PreFilter: when every required term names nodes through matchFields
 * metadata.name In [...], only those nodes are considered. undefined means "all nodes".
 */
export function nodeAffinityPreFilterNames(pod: PodInfo): Set<string> | undefined {
  const terms = pod.requiredNodeTerms;
  if (!terms || terms.length === 0) return undefined;
  const names = new Set<string>();
  for (const t of terms) {
    let termNames: Set<string> | undefined;
    for (const r of t.matchFields ?? []) {
      if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
      const s = new Set(r.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => s.has(n))) : s;
    }
    if (!termNames) return undefined; // a term without a name constraint admits every node (terms are ORed)
    for (const n of termNames) names.add(n);
  }
  return names;
}

/** NodePorts: a wildcard host IP conflicts with every IP on the same protocol and port. */
export function nodePortsFilter(pod: PodInfo, node: NodeInfo): FilterStatus | undefined {
  for (const want of pod.hostPorts) {
    const used = node.usedPorts.get(`${want.protocol}/${want.port}`);
    if (!used || used.size === 0) continue;
    if (want.ip === '0.0.0.0' || used.has('0.0.0.0') || used.has(want.ip)) {
      return { code: 'Unschedulable', reasons: [REASON_NODE_PORTS], plugin: 'NodePorts' };
    }
  }
  return undefined;
}

/** noderesources.fitsRequest: the reasons, in upstream's order (pods, cpu, memory, ephemeral-storage, extended). */
export function insufficientResources(pod: PodInfo, node: NodeInfo): string[] {
  const reasons: string[] = [];
  if (node.pods.size + 1 > node.allowedPods) reasons.push(REASON_TOO_MANY_PODS);
  const r = pod.requests;
  if (r.milliCpu === 0 && r.memory === 0 && r.ephemeralStorage === 0 && r.scalar.size === 0) return reasons;
  const a = node.allocatable;
  const used = node.requested;
  if (r.milliCpu > 0 && r.milliCpu > a.milliCpu - used.milliCpu) reasons.push('Insufficient cpu');
  if (r.memory > 0 && r.memory > a.memory - used.memory) reasons.push('Insufficient memory');
  if (r.ephemeralStorage > 0 && r.ephemeralStorage > a.ephemeralStorage - used.ephemeralStorage) reasons.push('Insufficient ephemeral-storage');
  for (const [name, q] of r.scalar) {
    if (q > 0 && q > (a.scalar.get(name) ?? 0) - (used.scalar.get(name) ?? 0)) reasons.push(`Insufficient ${name}`);
  }
  return reasons;
}

export function nodeResourcesFitFilter(pod: PodInfo, node: NodeInfo): FilterStatus | undefined {
  const reasons = insufficientResources(pod, node);
  return reasons.length ? { code: 'Unschedulable', reasons, plugin: 'NodeResourcesFit' } : undefined;
}

/** The simple filters in upstream's default plugin order; the first failure decides a node's status. */
export const SIMPLE_FILTERS = [nodeUnschedulableFilter, taintTolerationFilter, nodeAffinityFilter, nodePortsFilter, nodeResourcesFitFilter];
