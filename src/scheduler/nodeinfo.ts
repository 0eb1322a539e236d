// PodInfo and NodeInfo: a pod digested once when seen, and a node with the running totals of the
// pods counted on it, so a scheduling cycle reads numbers instead of walking pod specs.
import type { KubeObject, OwnerReference } from '../api/types.js';
import { addVec, nodeAllocatable, podRequests } from './resources.js';
import {
  emptyVec,
  type AffinityTerm,
  type HostPort,
  type LabelSelector,
  type NodeInfo,
  type NodeSelectorTerm,
  type PodInfo,
  type PreferredSchedulingTerm,
  type Taint,
  type Toleration,
  type TopologySpreadConstraint,
  type WeightedAffinityTerm,
} from './types.js';

type Obj = Record<string, unknown>;

export function podKey(pod: KubeObject): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
}

interface RawAffinityTerm {
  labelSelector?: LabelSelector;
  namespaces?: string[];
  namespaceSelector?: LabelSelector;
  topologyKey?: string;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}

/**
 * getNamespacesFromPodAffinityTerm: no namespaces and no namespaceSelector means the pod's own
 * namespace. A namespaceSelector would need namespace labels; an empty one selects every namespace,
 * which is what we assume for any selector (we do not watch Namespaces).
 */
function affinityTerm(pod: KubeObject, raw: RawAffinityTerm, labels: Record<string, string>): AffinityTerm {
  const namespaces = new Set(raw.namespaces ?? []);
  if (namespaces.size === 0 && !raw.namespaceSelector) namespaces.add(pod.metadata.namespace ?? '');
  // matchLabelKeys / mismatchLabelKeys (1.31+) fold the pod's own label values into the selector.
  let selector = raw.labelSelector;
  const extra = [
    ...(raw.matchLabelKeys ?? []).filter((k) => k in labels).map((k) => ({ key: k, operator: 'In', values: [labels[k]] })),
    ...(raw.mismatchLabelKeys ?? []).filter((k) => k in labels).map((k) => ({ key: k, operator: 'NotIn', values: [labels[k]] })),
  ];
  if (extra.length && selector) selector = { ...selector, matchExpressions: [...(selector.matchExpressions ?? []), ...extra] };
  return { namespaces, allNamespaces: !!raw.namespaceSelector, selector, topologyKey: raw.topologyKey ?? '' };
}

function weighted(pod: KubeObject, list: unknown, labels: Record<string, string>): WeightedAffinityTerm[] {
  if (!Array.isArray(list)) return [];
  return list.map((w: { weight?: number; podAffinityTerm?: RawAffinityTerm }) => ({
    ...affinityTerm(pod, w.podAffinityTerm ?? {}, labels),
    weight: Number(w.weight ?? 0),
  }));
}

function required(pod: KubeObject, list: unknown, labels: Record<string, string>): AffinityTerm[] {
  return Array.isArray(list) ? list.map((t: RawAffinityTerm) => affinityTerm(pod, t, labels)) : [];
}

/** schedutil.GetHostPorts: every container's (and init container's) hostPort, with defaults. */
function hostPorts(spec: Obj): HostPort[] {
  const out: HostPort[] = [];
  for (const list of [spec.initContainers, spec.containers]) {
    if (!Array.isArray(list)) continue;
    for (const c of list as { ports?: { hostPort?: number; hostIP?: string; protocol?: string }[] }[]) {
      for (const p of c.ports ?? []) {
        if (p.hostPort && p.hostPort > 0) out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
      }
    }
  }
  return out;
}

function spreadConstraints(spec: Obj, labels: Record<string, string>): TopologySpreadConstraint[] {
  const list = spec.topologySpreadConstraints;
  if (!Array.isArray(list)) return [];
  return list.map((c: Obj) => {
    let selector = c.labelSelector as LabelSelector | undefined;
    // matchLabelKeys narrow the selector to pods sharing this pod's values (e.g. pod-template-hash).
    const keys = (c.matchLabelKeys as string[] | undefined) ?? [];
    const extra = keys.filter((k) => k in labels).map((k) => ({ key: k, operator: 'In', values: [labels[k]] }));
    if (extra.length && selector) selector = { ...selector, matchExpressions: [...(selector.matchExpressions ?? []), ...extra] };
    return {
      maxSkew: Number(c.maxSkew ?? 1),
      topologyKey: String(c.topologyKey ?? ''),
      whenUnsatisfiable: c.whenUnsatisfiable === 'ScheduleAnyway' ? 'ScheduleAnyway' : 'DoNotSchedule',
      selector,
      minDomains: c.minDomains === undefined ? undefined : Number(c.minDomains),
      nodeAffinityPolicy: c.nodeAffinityPolicy === 'Ignore' ? 'Ignore' : 'Honor',
      nodeTaintsPolicy: c.nodeTaintsPolicy === 'Honor' ? 'Honor' : 'Ignore',
    };
  });
}

function controllerOwner(pod: KubeObject): string | undefined {
  const refs = pod.metadata.ownerReferences as OwnerReference[] | undefined;
  return refs?.find((r) => r.controller)?.uid;
}

/** Everything the filters and scores read about a pod, computed once. */
export function newPodInfo(pod: KubeObject): PodInfo {
  const spec = (pod.spec ?? {}) as Obj;
  const labels = (pod.metadata.labels ?? {}) as Record<string, string>;
  const affinity = (spec.affinity ?? {}) as Obj;
  const nodeAffinity = (affinity.nodeAffinity ?? {}) as Obj;
  const podAffinity = (affinity.podAffinity ?? {}) as Obj;
  const podAntiAffinity = (affinity.podAntiAffinity ?? {}) as Obj;
  const requiredNode = nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution as { nodeSelectorTerms?: NodeSelectorTerm[] } | undefined;
  const requests = podRequests(spec);
  const nonZero = podRequests(spec, true);
  const volumes = Array.isArray(spec.volumes) ? (spec.volumes as Obj[]) : [];
  return {
    key: podKey(pod),
    uid: String(pod.metadata.uid ?? ''),
    namespace: pod.metadata.namespace ?? '',
    name: pod.metadata.name ?? '',
    pod,
    labels,
    priority: Number(spec.priority ?? 0),
    requests,
    nonZeroCpu: nonZero.milliCpu,
    nonZeroMemory: nonZero.memory,
    hostPorts: hostPorts(spec),
    ownerUid: controllerOwner(pod),
    tolerations: (spec.tolerations as Toleration[] | undefined) ?? [],
    nodeSelector: spec.nodeSelector as Record<string, string> | undefined,
    requiredNodeTerms: requiredNode ? (requiredNode.nodeSelectorTerms ?? []) : undefined,
    preferredNodeTerms: (nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution as PreferredSchedulingTerm[] | undefined) ?? [],
    requiredAffinity: required(pod, podAffinity.requiredDuringSchedulingIgnoredDuringExecution, labels),
    requiredAntiAffinity: required(pod, podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution, labels),
    preferredAffinity: weighted(pod, podAffinity.preferredDuringSchedulingIgnoredDuringExecution, labels),
    preferredAntiAffinity: weighted(pod, podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution, labels),
    spreadConstraints: spreadConstraints(spec, labels),
    pvcNames: volumes.map((v) => (v.persistentVolumeClaim as { claimName?: string } | undefined)?.claimName).filter((n): n is string => !!n),
    preemptionPolicy: String(spec.preemptionPolicy ?? 'PreemptLowerPriority'),
    terminating: !!pod.metadata.deletionTimestamp,
  };
}

export function hasAffinity(p: PodInfo): boolean {
  return p.requiredAffinity.length + p.requiredAntiAffinity.length + p.preferredAffinity.length + p.preferredAntiAffinity.length > 0;
}

export function newNodeInfo(name: string): NodeInfo {
  return {
    name,
    node: undefined,
    labels: {},
    taints: [],
    unschedulable: false,
    allocatable: emptyVec(),
    allowedPods: 0,
    requested: emptyVec(),
    nonZeroCpu: 0,
    nonZeroMemory: 0,
    pods: new Map(),
    usedPorts: new Map(),
    podsWithRequiredAntiAffinity: new Set(),
    podsWithAffinity: new Set(),
    ownerCounts: new Map(),
  };
}

/** Copies the node's labels, taints, cordon and allocatable into its NodeInfo. */
export function setNode(info: NodeInfo, node: KubeObject): void {
  const spec = (node.spec ?? {}) as { taints?: Taint[]; unschedulable?: boolean };
  const alloc = nodeAllocatable(node);
  info.node = node;
  info.labels = (node.metadata.labels ?? {}) as Record<string, string>;
  info.taints = spec.taints ?? [];
  info.unschedulable = !!spec.unschedulable;
  info.allocatable = alloc.vec;
  info.allowedPods = alloc.pods;
}

function portKey(protocol: string, port: number): string {
  return `${protocol}/${port}`;
}

function addPorts(info: NodeInfo, ports: HostPort[], sign: 1 | -1): void {
  for (const p of ports) {
    const key = portKey(p.protocol, p.port);
    let ips = info.usedPorts.get(key);
    if (!ips) info.usedPorts.set(key, (ips = new Map()));
    const n = (ips.get(p.ip) ?? 0) + sign;
    if (n <= 0) ips.delete(p.ip);
    else ips.set(p.ip, n);
    if (ips.size === 0) info.usedPorts.delete(key);
  }
}

/** NodeInfo.AddPod / RemovePod: keeps every running total in step with the pods counted. */
export function addPodToNode(info: NodeInfo, p: PodInfo): void {
  if (info.pods.has(p.key)) removePodFromNode(info, p.key);
  info.pods.set(p.key, p);
  adjust(info, p, 1);
}

export function removePodFromNode(info: NodeInfo, key: string): PodInfo | undefined {
  const p = info.pods.get(key);
  if (!p) return undefined;
  info.pods.delete(key);
  adjust(info, p, -1);
  return p;
}

function adjust(info: NodeInfo, p: PodInfo, sign: 1 | -1): void {
  addVec(info.requested, p.requests, sign);
  info.nonZeroCpu += sign * p.nonZeroCpu;
  info.nonZeroMemory += sign * p.nonZeroMemory;
  addPorts(info, p.hostPorts, sign);
  if (p.requiredAntiAffinity.length) {
    if (sign > 0) info.podsWithRequiredAntiAffinity.add(p);
    else info.podsWithRequiredAntiAffinity.delete(p);
  }
  if (hasAffinity(p)) {
    if (sign > 0) info.podsWithAffinity.add(p);
    else info.podsWithAffinity.delete(p);
  }
  if (p.ownerUid) {
    const n = (info.ownerCounts.get(p.ownerUid) ?? 0) + sign;
    if (n <= 0) info.ownerCounts.delete(p.ownerUid);
    else info.ownerCounts.set(p.ownerUid, n);
  }
}

/** Builds a NodeInfo with pods already on it (tests and preemption's what-if copies). */
export function nodeInfoOf(node: KubeObject, pods: PodInfo[] = []): NodeInfo {
  const info = newNodeInfo(node.metadata.name ?? '');
  setNode(info, node);
  for (const p of pods) addPodToNode(info, p);
  return info;
}

/** A what-if copy: same node, same pods, independent totals. */
export function cloneNodeInfo(info: NodeInfo): NodeInfo {
  const copy = newNodeInfo(info.name);
  if (info.node) setNode(copy, info.node);
  for (const p of info.pods.values()) addPodToNode(copy, p);
  return copy;
}
