// The scheduler's own view of pods and nodes: plain JSON objects, digested once into the numbers
// and sets the filters and scores read on every scheduling cycle (upstream's PodInfo / NodeInfo).
import type { KubeObject } from '../api/types.js';

/** A resource vector in the units upstream compares: millicores, bytes, counts. */
export interface ResourceVec {
  milliCpu: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended and hugepages resources ("nvidia.com/gpu", "hugepages-2Mi"), as integers. */
  scalar: Map<string, number>;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface PreferredSchedulingTerm {
  weight: number;
  preference: NodeSelectorTerm;
}

/** A required pod (anti-)affinity term with its namespaces resolved (upstream's AffinityTerm). */
export interface AffinityTerm {
  /** Namespaces the term looks in; `allNamespaces` when a namespaceSelector is given (we do not watch namespaces). */
  namespaces: Set<string>;
  allNamespaces: boolean;
  selector: LabelSelector | undefined;
  topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  selector: LabelSelector | undefined;
  minDomains?: number;
  /** Honor (default) counts only nodes matching the pod's node affinity/selector. */
  nodeAffinityPolicy: 'Honor' | 'Ignore';
  /** Ignore (default) counts nodes whatever their taints. */
  nodeTaintsPolicy: 'Honor' | 'Ignore';
}

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** What the scheduler keeps of a pod: computed once when the pod is seen. */
export interface PodInfo {
  key: string; // namespace/name
  uid: string;
  namespace: string;
  name: string;
  pod: KubeObject;
  labels: Record<string, string>;
  priority: number;
  requests: ResourceVec;
  /** Requests with upstream's defaults for containers that ask for nothing (100m cpu, 200Mi memory). */
  nonZeroCpu: number;
  nonZeroMemory: number;
  hostPorts: HostPort[];
  /** The controller owner's uid, for spreading replicas of one workload. */
  ownerUid: string | undefined;
  tolerations: Toleration[];
  nodeSelector: Record<string, string> | undefined;
  requiredNodeTerms: NodeSelectorTerm[] | undefined;
  preferredNodeTerms: PreferredSchedulingTerm[];
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: WeightedAffinityTerm[];
  preferredAntiAffinity: WeightedAffinityTerm[];
  spreadConstraints: TopologySpreadConstraint[];
  pvcNames: string[];
  preemptionPolicy: string;
  terminating: boolean;
}

/** A node with the pods the scheduler counts on it (bound or assumed). */
export interface NodeInfo {
  name: string;
  node: KubeObject | undefined;
  labels: Record<string, string>;
  taints: Taint[];
  unschedulable: boolean;
  allocatable: ResourceVec;
  allowedPods: number;
  requested: ResourceVec;
  nonZeroCpu: number;
  nonZeroMemory: number;
  pods: Map<string, PodInfo>;
  /** "TCP/8080" → host IPs in use ("0.0.0.0" for any). */
  usedPorts: Map<string, Map<string, number>>;
  /** Pods here with required anti-affinity terms (checked against every incoming pod). */
  podsWithRequiredAntiAffinity: Set<PodInfo>;
  /** Pods here with any affinity term (for preferred inter-pod affinity scoring). */
  podsWithAffinity: Set<PodInfo>;
  /** Pods per controller owner uid, for replica spreading. */
  ownerCounts: Map<string, number>;
}

/** Upstream framework status codes that matter here. */
export type Code = 'Unschedulable' | 'UnschedulableAndUnresolvable';

/** A filter's verdict on one node: why it does not fit. */
export interface FilterStatus {
  code: Code;
  reasons: string[];
  plugin: PluginName;
}

export type PluginName =
  | 'NodeUnschedulable'
  | 'TaintToleration'
  | 'NodeAffinity'
  | 'NodePorts'
  | 'NodeResourcesFit'
  | 'VolumeBinding'
  | 'PodTopologySpread'
  | 'InterPodAffinity';

export function emptyVec(): ResourceVec {
  return { milliCpu: 0, memory: 0, ephemeralStorage: 0, scalar: new Map() };
}
