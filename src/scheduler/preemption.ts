// DefaultPreemption (PostFilter): when a pod fits nowhere, find a node where evicting lower-priority
// pods would make room, keeping as many of them as still fit (reprieve). With no such node, the
// outcome is the "preemption: …" part of the FailedScheduling message.
import { filterNode, preFilter, type ScheduleContext } from './algorithm.js';
import { NO_PREEMPTION_VICTIMS, NOT_ELIGIBLE_NEVER, NOT_ELIGIBLE_TERMINATING, preemptionMessage, type Diagnosis } from './fiterror.js';
import { addPodToNode, cloneNodeInfo, removePodFromNode } from './nodeinfo.js';
import type { FilterStatus, NodeInfo, PodInfo } from './types.js';

export interface Candidate {
  node: string;
  victims: PodInfo[];
}

export interface PreemptionOutcome {
  /** The PostFilter message ("preemption: …"), empty when a candidate was found. */
  message: string;
  candidate?: Candidate;
}

/** Terminating because a scheduler preempted it (DisruptionTarget, reason PreemptionByScheduler). */
function terminatingByPreemption(p: PodInfo): boolean {
  if (!p.terminating) return false;
  const conditions = ((p.pod.status as { conditions?: { type?: string; reason?: string }[] } | undefined)?.conditions) ?? [];
  return conditions.some((c) => c.type === 'DisruptionTarget' && c.reason === 'PreemptionByScheduler');
}

/** PodEligibleToPreemptOthers: why a pod may not preempt, or undefined when it may. */
export function notEligibleReason(pod: PodInfo, byName: Map<string, NodeInfo>, diagnosis: Diagnosis): string | undefined {
  if (pod.preemptionPolicy === 'Never') return NOT_ELIGIBLE_NEVER;
  const nominated = (pod.pod.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName;
  if (!nominated) return undefined;
  const status = diagnosis.statuses.get(nominated) ?? diagnosis.absent;
  if (status?.code === 'UnschedulableAndUnresolvable') return undefined;
  const node = byName.get(nominated);
  if (!node) return undefined;
  for (const p of node.pods.values()) if (p.priority < pod.priority && terminatingByPreemption(p)) return NOT_ELIGIBLE_TERMINATING;
  return undefined;
}

/** MoreImportantPod: higher priority, then the one that started earlier. */
function moreImportantFirst(a: PodInfo, b: PodInfo): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const start = (p: PodInfo) => String((p.pod.status as { startTime?: string } | undefined)?.startTime ?? p.pod.metadata.creationTimestamp ?? '');
  return start(a) < start(b) ? -1 : start(a) > start(b) ? 1 : 0;
}

/** Runs every filter for `pod` on a what-if node, with PreFilter state computed over the what-if cluster. */
function fitsOn(pod: PodInfo, whatIf: NodeInfo, nodes: NodeInfo[], ctx: ScheduleContext): FilterStatus | undefined {
  const replaced = nodes.map((n) => (n.name === whatIf.name ? whatIf : n));
  const pre = preFilter(pod, replaced, ctx);
  if (pre.rejected) return pre.rejected;
  return filterNode(pod, whatIf, pre.state);
}

/** SelectVictimsOnNode: remove every lower-priority pod; if the pod fits, give back all that still fit. */
export function selectVictimsOnNode(pod: PodInfo, node: NodeInfo, nodes: NodeInfo[], ctx: ScheduleContext = {}): { victims: PodInfo[] } | { status: FilterStatus } {
  const lower = [...node.pods.values()].filter((p) => p.priority < pod.priority);
  if (lower.length === 0) return { status: { code: 'UnschedulableAndUnresolvable', reasons: [NO_PREEMPTION_VICTIMS], plugin: 'NodeResourcesFit' } };
  const whatIf = cloneNodeInfo(node);
  for (const p of lower) removePodFromNode(whatIf, p.key);
  const status = fitsOn(pod, whatIf, nodes, ctx);
  if (status) return { status };
  const victims: PodInfo[] = [];
  for (const p of lower.sort(moreImportantFirst)) {
    addPodToNode(whatIf, p);
    if (fitsOn(pod, whatIf, nodes, ctx)) {
      removePodFromNode(whatIf, p.key);
      victims.push(p);
    }
  }
  return { victims };
}

/** pickOneNodeForPreemption, without PDBs: lowest top victim priority, then lowest sum, then fewest victims. */
export function pickCandidate(candidates: Candidate[]): Candidate | undefined {
  const top = (c: Candidate) => Math.max(...c.victims.map((v) => v.priority));
  const sum = (c: Candidate) => c.victims.reduce((s, v) => s + v.priority + 2 ** 31, 0);
  let best: Candidate | undefined;
  for (const c of candidates) {
    if (!best) best = c;
    else if (top(c) !== top(best)) best = top(c) < top(best) ? c : best;
    else if (sum(c) !== sum(best)) best = sum(c) < sum(best) ? c : best;
    else if (c.victims.length < best.victims.length) best = c;
  }
  return best;
}

/** Preempt: a candidate to evict for, or the message explaining why preemption cannot help. */
export function preempt(pod: PodInfo, nodes: NodeInfo[], diagnosis: Diagnosis, ctx: ScheduleContext = {}): PreemptionOutcome {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const notEligible = notEligibleReason(pod, byName, diagnosis);
  if (notEligible) return { message: `preemption: ${notEligible}` };
  const statuses = new Map<string, FilterStatus>();
  const candidates: Candidate[] = [];
  for (const [name, status] of diagnosis.statuses) {
    if (status.code !== 'Unschedulable') continue; // preemption cannot fix unresolvable rejections
    const node = byName.get(name);
    if (!node) continue;
    const result = selectVictimsOnNode(pod, node, nodes, ctx);
    if ('status' in result) statuses.set(name, result.status);
    else if (result.victims.length) candidates.push({ node: name, victims: result.victims });
  }
  const best = pickCandidate(candidates);
  if (best) return { message: '', candidate: best };
  return { message: preemptionMessage(diagnosis.numAllNodes, statuses) };
}
