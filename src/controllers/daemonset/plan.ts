// The DaemonSet controller's pure planning (upstream daemon_controller.go and update.go): which pods
// belong to which node, what to create and delete per node, the RollingUpdate steps within
// maxUnavailable / maxSurge, and the status counters.
import { isPodAvailable, isPodReady, podPhase } from '../podutil.js';
import { targetNodeName, type NodeDecision } from './eligibility.js';
import type { DaemonSet, DaemonSetStatus, Pod } from './types.js';

export const HASH_LABEL = 'controller-revision-hash';
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

/** The deprecated template generation the API server may stamp on a DaemonSet. */
export function templateGeneration(ds: DaemonSet): string | undefined {
  return ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
}

/** Upstream IsPodUpdated: the pod carries the current hash (or the current template generation). */
export function isPodUpdated(pod: Pod, hash: string, generation?: string): boolean {
  const labels = pod.metadata.labels ?? {};
  if (hash && labels[HASH_LABEL] === hash) return true;
  return generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === generation;
}

function isTerminal(pod: Pod): boolean {
  const phase = podPhase(pod);
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Upstream getNodesToDaemonPods: the DaemonSet's pods by target node (deleted finished pods left out). */
export function groupPodsByNode(pods: Pod[], includeDeletedTerminal = false): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  for (const pod of pods) {
    if (!includeDeletedTerminal && pod.metadata.deletionTimestamp && isTerminal(pod)) continue;
    const node = targetNodeName(pod);
    if (!node) continue;
    const list = out.get(node);
    if (list) list.push(pod);
    else out.set(node, [pod]);
  }
  return out;
}

/** Upstream podByCreationTimestampAndPhase: scheduled pods first, then oldest first, then by name. */
export function compareByCreation(a: Pod, b: Pod): number {
  const sa = !!a.spec?.nodeName;
  const sb = !!b.spec?.nodeName;
  if (sa !== sb) return sa ? -1 : 1;
  const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  if (ta !== tb) return ta - tb;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0;
}

export interface NodePlan {
  /** A daemon pod is to be created on the node. */
  create: boolean;
  /** Pods to delete: duplicates, or every pod on a node the DaemonSet must leave. */
  remove: Pod[];
  /** Failed pods to replace (the controller paces these with a backoff). */
  failed: Pod[];
}

/** Upstream podsShouldBeOnNode for one node. */
export function planNode(decision: NodeDecision, pods: Pod[] | undefined, hash: string, allowsSurge: boolean): NodePlan {
  const plan: NodePlan = { create: false, remove: [], failed: [] };
  const exists = pods !== undefined && pods.length > 0;
  if (decision.shouldRun && !exists) {
    plan.create = true;
    return plan;
  }
  if (!decision.shouldContinueRunning) {
    if (exists) plan.remove = pods!.filter((p) => !p.metadata.deletionTimestamp);
    return plan;
  }
  const running: Pod[] = [];
  for (const pod of pods ?? []) {
    if (pod.metadata.deletionTimestamp) continue;
    if (podPhase(pod) === 'Failed') plan.failed.push(pod);
    else running.push(pod);
  }
  if (running.length <= 1) return plan;
  running.sort(compareByCreation);
  if (!allowsSurge) {
    // Keep the oldest, delete the rest.
    plan.remove = running.slice(1);
    return plan;
  }
  // With surge, one old and one new pod may overlap: the old goes once the new one is ready.
  let oldestNew: Pod | undefined;
  let oldestOld: Pod | undefined;
  for (const pod of running) {
    const isNew = pod.metadata.labels?.[HASH_LABEL] === hash;
    if (isNew && !oldestNew) oldestNew = pod;
    else if (!isNew && !oldestOld) oldestOld = pod;
    else plan.remove.push(pod);
  }
  if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodReady(oldestNew))) plan.remove.push(oldestOld);
  return plan;
}

/** An int-or-percent against `total` (upstream GetScaledValueFromIntOrPercent). */
export function scaledValue(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) {
    const n = Number.parseInt(value, 10);
    if (Number.isNaN(n)) throw new Error(`invalid value for IntOrString: invalid value "${value}"`);
    return n;
  }
  const exact = (Number.parseInt(m[1], 10) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export function isRollingUpdate(ds: DaemonSet): boolean {
  return (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

export function surgeCount(ds: DaemonSet, desired: number): number {
  if (!isRollingUpdate(ds)) return 0;
  return scaledValue(ds.spec.updateStrategy?.rollingUpdate?.maxSurge, desired, true);
}

/** maxUnavailable, at least 1 when neither surge nor unavailability is allowed (upstream fallback). */
export function unavailableCount(ds: DaemonSet, desired: number): number {
  if (!isRollingUpdate(ds)) return 0;
  const ru = ds.spec.updateStrategy?.rollingUpdate;
  const value = scaledValue(ru?.maxUnavailable ?? 1, desired, true);
  if (desired > 0 && value === 0 && surgeCount(ds, desired) === 0) return 1;
  return value;
}

/** The pods on one node, split into up-to-date and old; undefined when either kind has several. */
export function findUpdatedPods(pods: Pod[], hash: string, generation?: string): { newPod?: Pod; oldPod?: Pod } | undefined {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash, generation)) {
      if (newPod) return undefined;
      newPod = pod;
    } else {
      if (oldPod) return undefined;
      oldPod = pod;
    }
  }
  return { newPod, oldPod };
}

export interface RollingInput {
  /** Pods by node, with an empty entry for every node that should run a pod. */
  byNode: Map<string, Pod[]>;
  hash: string;
  generation?: string;
  maxSurge: number;
  maxUnavailable: number;
  desired: number;
  minReadySeconds: number;
  now: number;
  shouldRun(node: string): boolean;
}

export interface RollingPlan {
  deletePods: Pod[];
  createOn: string[];
}

/** Upstream rollingUpdate: which old pods to delete (and, when surging, where to add new ones). */
export function planRollingUpdate(input: RollingInput): RollingPlan {
  return input.maxSurge === 0 ? planWithoutSurge(input) : planWithSurge(input);
}

function planWithoutSurge(input: RollingInput): RollingPlan {
  const { hash, generation, minReadySeconds, now, maxUnavailable } = input;
  let unavailable = 0;
  const replacements: Pod[] = [];
  const candidates: Pod[] = [];
  for (const [, pods] of [...input.byNode].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const found = findUpdatedPods(pods, hash, generation);
    if (!found) {
      unavailable++; // the manage loop prunes duplicates first
      continue;
    }
    const { newPod, oldPod } = found;
    if ((!oldPod && !newPod) || (oldPod && newPod)) {
      unavailable++;
    } else if (newPod) {
      if (!isPodAvailable(newPod, minReadySeconds, now)) unavailable++;
    } else if (!isPodAvailable(oldPod!, minReadySeconds, now)) {
      // An old pod that is not available anyway can be replaced at once.
      replacements.push(oldPod!);
      unavailable++;
    } else if (unavailable < maxUnavailable) {
      candidates.push(oldPod!);
    }
  }
  const budget = Math.max(0, Math.min(maxUnavailable - unavailable, candidates.length));
  return { deletePods: [...replacements, ...candidates.slice(0, budget)], createOn: [] };
}

function planWithSurge(input: RollingInput): RollingPlan {
  const { hash, generation, minReadySeconds, now, maxSurge } = input;
  const deletePods: Pod[] = [];
  const shouldNotRun: Pod[] = [];
  const candidates: string[] = [];
  const allowed: string[] = [];
  let surging = 0;
  let available = 0;
  for (const [node, pods] of [...input.byNode].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const found = findUpdatedPods(pods, hash, generation);
    if (!found) {
      surging++;
      continue;
    }
    const { newPod, oldPod } = found;
    const current = oldPod ?? newPod;
    if (current && isPodAvailable(current, minReadySeconds, now)) available++;
    if (!oldPod) continue;
    if (!newPod) {
      if (!isPodAvailable(oldPod, minReadySeconds, now)) {
        if (!input.shouldRun(node)) deletePods.push(oldPod);
        else allowed.push(node);
      } else if (!input.shouldRun(node)) {
        shouldNotRun.push(oldPod);
      } else if (surging < maxSurge) {
        candidates.push(node);
      }
      continue;
    }
    // Already surged here: once the new pod is available, the old one goes.
    if (!isPodAvailable(newPod, minReadySeconds, now)) surging++;
    else deletePods.push(oldPod);
  }
  // Pods on nodes the DaemonSet is leaving go only while enough pods elsewhere are available.
  const deletable = Math.min(available - input.desired, shouldNotRun.length);
  if (deletable > 0) deletePods.push(...shouldNotRun.slice(0, deletable));
  const budget = Math.max(0, Math.min(maxSurge - surging, candidates.length));
  return { deletePods, createOn: [...allowed, ...candidates.slice(0, budget)] };
}

export interface StatusInput {
  ds: DaemonSet;
  nodes: string[];
  byNode: Map<string, Pod[]>;
  hash: string;
  now: number;
  decide(node: string): NodeDecision;
}

/** Upstream updateDaemonSetStatus's counters. */
export function computeStatus(input: StatusInput): Required<Pick<DaemonSetStatus, 'desiredNumberScheduled' | 'currentNumberScheduled' | 'numberMisscheduled' | 'numberReady' | 'updatedNumberScheduled' | 'numberAvailable' | 'numberUnavailable'>> {
  const { ds, hash, now } = input;
  const generation = templateGeneration(ds);
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let updated = 0;
  let available = 0;
  for (const node of input.nodes) {
    const pods = input.byNode.get(node) ?? [];
    const scheduled = pods.length > 0;
    if (!input.decide(node).shouldRun) {
      if (scheduled) misscheduled++;
      continue;
    }
    desired++;
    if (!scheduled) continue;
    current++;
    const pod = [...pods].sort(compareByCreation)[0];
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, ds.spec.minReadySeconds ?? 0, now)) available++;
    }
    if (isPodUpdated(pod, hash, generation)) updated++;
  }
  return {
    desiredNumberScheduled: desired,
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    numberReady: ready,
    updatedNumberScheduled: updated,
    numberAvailable: available,
    numberUnavailable: desired - available,
  };
}
