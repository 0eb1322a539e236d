// One scheduling decision, as upstream's schedulePod: PreFilter, Filter over the nodes (in
// upstream's plugin order, the first failure decides), Score the feasible ones, pick the best with
// ties broken at random. Pure over the snapshot it is given, so it is unit-tested on plain objects.
import type { KubeObject } from '../api/types.js';
import { nodeAffinityPreFilterNames, SIMPLE_FILTERS } from './filters.js';
import type { Diagnosis } from './fiterror.js';
import { interPodAffinityFilter, interPodPreFilter, interPodScores, type InterPodState } from './interpodaffinity.js';
import {
  balancedAllocationScore,
  defaultNormalize,
  intolerablePreferNoScheduleRaw,
  isBestEffort,
  leastAllocatedScore,
  preferredNodeAffinityRaw,
  WEIGHTS,
} from './scores.js';
import { spreadFilter, spreadPreFilter, spreadScores, type SpreadFilterState } from './topologyspread.js';
import type { FilterStatus, NodeInfo, PodInfo } from './types.js';

/** What PreFilter computed once per cycle for the Filter of every node. */
export interface CycleState {
  interPod: InterPodState | undefined;
  spread: SpreadFilterState | undefined;
}

export interface ScheduleContext {
  /** Looks up a PersistentVolumeClaim; undefined disables the volume check. */
  getPvc?: (namespace: string, name: string) => KubeObject | undefined;
  /** [0,1) random source (tests pin it). */
  random?: () => number;
  /** Where the round-robin scan of nodes starts (upstream's nextStartNodeIndex). */
  startIndex?: number;
}

export type ScheduleResult =
  | { ok: true; node: string; evaluated: number; feasible: number }
  | { ok: false; diagnosis: Diagnosis; noNodes?: boolean };

const MIN_FEASIBLE_NODES = 100;
const MIN_FEASIBLE_PERCENT = 5;

/** numFeasibleNodesToFind: all nodes up to 100, then an adaptive percentage (50% - nodes/125, at least 5%). */
export function numFeasibleNodesToFind(numAll: number): number {
  if (numAll < MIN_FEASIBLE_NODES) return numAll;
  const percent = Math.max(MIN_FEASIBLE_PERCENT, 50 - Math.trunc(numAll / 125));
  return Math.max(MIN_FEASIBLE_NODES, Math.trunc((numAll * percent) / 100));
}

/** VolumeBinding's PreFilter, reduced to claims: they must exist, not be deleting, and be bound. */
function volumePreFilter(pod: PodInfo, ctx: ScheduleContext): FilterStatus | undefined {
  if (!ctx.getPvc || pod.pvcNames.length === 0) return undefined;
  let unbound = false;
  for (const name of pod.pvcNames) {
    const pvc = ctx.getPvc(pod.namespace, name);
    const fail = (reason: string): FilterStatus => ({ code: 'UnschedulableAndUnresolvable', reasons: [reason], plugin: 'VolumeBinding' });
    if (!pvc) return fail(`persistentvolumeclaim "${name}" not found`);
    if (pvc.metadata.deletionTimestamp) return fail(`persistentvolumeclaim "${name}" is being deleted`);
    const phase = (pvc.status as { phase?: string } | undefined)?.phase;
    const volumeName = (pvc.spec as { volumeName?: string } | undefined)?.volumeName;
    if (phase !== 'Bound' && !volumeName) unbound = true;
  }
  if (unbound) return { code: 'UnschedulableAndUnresolvable', reasons: ['pod has unbound immediate PersistentVolumeClaims'], plugin: 'VolumeBinding' };
  return undefined;
}

export interface PreFilterOutcome {
  state: CycleState;
  /** Nodes PreFilter narrowed the search to (NodeAffinity on metadata.name). */
  only?: Set<string>;
  rejected?: FilterStatus;
}

export function preFilter(pod: PodInfo, nodes: NodeInfo[], ctx: ScheduleContext = {}): PreFilterOutcome {
  const state: CycleState = { interPod: undefined, spread: undefined };
  const only = nodeAffinityPreFilterNames(pod);
  if (only && only.size === 0) {
    return { state, rejected: { code: 'UnschedulableAndUnresolvable', reasons: ['pod affinity terms conflict'], plugin: 'NodeAffinity' } };
  }
  const volumes = volumePreFilter(pod, ctx);
  if (volumes) return { state, rejected: volumes };
  state.spread = spreadPreFilter(pod, nodes);
  state.interPod = interPodPreFilter(pod, nodes);
  return { state, only };
}

/** RunFilterPlugins: the first plugin that rejects decides. */
export function filterNode(pod: PodInfo, node: NodeInfo, state: CycleState): FilterStatus | undefined {
  for (const f of SIMPLE_FILTERS) {
    const status = f(pod, node);
    if (status) return status;
  }
  return spreadFilter(state.spread, pod, node) ?? interPodAffinityFilter(state.interPod, node);
}

/** Weighted sum of every score plugin for each feasible node. */
export function scoreNodes(pod: PodInfo, allNodes: NodeInfo[], feasible: NodeInfo[]): number[] {
  const totals = feasible.map((n) => WEIGHTS.NodeResourcesFit * leastAllocatedScore(pod, n));
  if (!isBestEffort(pod)) feasible.forEach((n, i) => (totals[i] += WEIGHTS.NodeResourcesBalancedAllocation * balancedAllocationScore(pod, n)));
  if (pod.preferredNodeTerms.length) {
    const s = defaultNormalize(feasible.map((n) => preferredNodeAffinityRaw(pod, n)), false);
    s.forEach((v, i) => (totals[i] += WEIGHTS.NodeAffinity * v));
  }
  const taints = defaultNormalize(feasible.map((n) => intolerablePreferNoScheduleRaw(pod, n)), true);
  taints.forEach((v, i) => (totals[i] += WEIGHTS.TaintToleration * v));
  const spread = spreadScores(pod, allNodes, feasible);
  spread?.forEach((v, i) => (totals[i] += WEIGHTS.PodTopologySpread * v));
  const inter = interPodScores(pod, allNodes, feasible);
  inter?.forEach((v, i) => (totals[i] += WEIGHTS.InterPodAffinity * v));
  return totals;
}

/** selectHost: the highest total, ties broken by reservoir sampling. */
export function selectHost(scores: number[], random: () => number = Math.random): number {
  let best = 0;
  let ties = 1;
  for (let i = 1; i < scores.length; i++) {
    if (scores[i] > scores[best]) {
      best = i;
      ties = 1;
    } else if (scores[i] === scores[best]) {
      ties++;
      if (Math.floor(random() * ties) === 0) best = i;
    }
  }
  return best;
}

function diagnosisOf(numAllNodes: number): Diagnosis {
  return { numAllNodes, statuses: new Map(), unschedulablePlugins: new Set() };
}

/** The nominated node (set by an earlier preemption) is tried alone first, as upstream does. */
function tryNominated(pod: PodInfo, byName: Map<string, NodeInfo>, state: CycleState): string | undefined {
  const nominated = (pod.pod.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName;
  const node = nominated ? byName.get(nominated) : undefined;
  if (!node) return undefined;
  return filterNode(pod, node, state) ? undefined : node.name;
}

/** schedulePod: the node to bind to, or why none fits. */
export function schedulePod(pod: PodInfo, nodes: NodeInfo[], ctx: ScheduleContext = {}, byName?: Map<string, NodeInfo>): ScheduleResult {
  const diagnosis = diagnosisOf(nodes.length);
  if (nodes.length === 0) return { ok: false, diagnosis, noNodes: true };
  const pre = preFilter(pod, nodes, ctx);
  if (pre.rejected) {
    diagnosis.absent = pre.rejected;
    diagnosis.preFilterMsg = pre.rejected.reasons.join(', ');
    diagnosis.unschedulablePlugins.add(pre.rejected.plugin);
    return { ok: false, diagnosis };
  }
  const lookup = byName ?? new Map(nodes.map((n) => [n.name, n]));
  const nominated = tryNominated(pod, lookup, pre.state);
  if (nominated) return { ok: true, node: nominated, evaluated: 1, feasible: 1 };
  let candidates = nodes;
  if (pre.only) {
    candidates = [...pre.only].map((n) => lookup.get(n)).filter((n): n is NodeInfo => !!n);
    diagnosis.absent = { code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't satisfy plugin(s) [NodeAffinity]"], plugin: 'NodeAffinity' };
    diagnosis.unschedulablePlugins.add('NodeAffinity');
  }
  const want = numFeasibleNodesToFind(candidates.length);
  const feasible: NodeInfo[] = [];
  const start = candidates.length ? (ctx.startIndex ?? 0) % candidates.length : 0;
  let evaluated = 0;
  for (; evaluated < candidates.length && feasible.length < want; evaluated++) {
    const node = candidates[(start + evaluated) % candidates.length];
    const status = filterNode(pod, node, pre.state);
    if (!status) feasible.push(node);
    else {
      diagnosis.statuses.set(node.name, status);
      diagnosis.unschedulablePlugins.add(status.plugin);
    }
  }
  if (feasible.length === 0) return { ok: false, diagnosis };
  if (feasible.length === 1) return { ok: true, node: feasible[0].name, evaluated, feasible: 1 };
  const scores = scoreNodes(pod, nodes, feasible);
  return { ok: true, node: feasible[selectHost(scores, ctx.random)].name, evaluated, feasible: feasible.length };
}
