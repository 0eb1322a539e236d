// The FailedScheduling message, byte for byte as kube-scheduler 1.28–1.32 writes it
// (framework.FitError.Error plus DefaultPreemption's "preemption: " suffix):
//   0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable. preemption: 0/2 nodes
//   are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.
import type { FilterStatus, PluginName } from './types.js';

/** Why a pod fits nowhere: per-node statuses, plus the status of nodes not listed. */
export interface Diagnosis {
  numAllNodes: number;
  statuses: Map<string, FilterStatus>;
  /** Applies to every node absent from `statuses` (PreFilter rejections, PreFilter node restrictions). */
  absent?: FilterStatus;
  /** A PreFilter rejection's message: replaces the per-node histogram. */
  preFilterMsg?: string;
  unschedulablePlugins: Set<PluginName>;
}

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';
export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';
export const NOT_ELIGIBLE_NEVER = 'not eligible due to preemptionPolicy=Never.';
export const NOT_ELIGIBLE_TERMINATING = 'not eligible due to a terminating pod on the nominated node.';

/** "N reason" strings, sorted as Go's sort.Strings does (byte order, so "10 …" sorts before "2 …"). */
export function reasonHistogram(d: Pick<Diagnosis, 'numAllNodes' | 'statuses' | 'absent'>): string[] {
  const counts = new Map<string, number>();
  for (const status of d.statuses.values()) for (const r of status.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const missing = d.numAllNodes - d.statuses.size;
  if (missing > 0 && d.absent) for (const r of d.absent.reasons) counts.set(r, (counts.get(r) ?? 0) + missing);
  const out = [...counts].map(([reason, n]) => `${n} ${reason}`);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** FitError.Error(): "0/N nodes are available: <PreFilterMsg>. <histogram>. <PostFilterMsg>" */
export function fitErrorMessage(d: Diagnosis, postFilterMsg = ''): string {
  let msg = `0/${d.numAllNodes} nodes are available:`;
  if (d.preFilterMsg) {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const histogram = reasonHistogram(d);
    if (histogram.length) msg += ` ${histogram.join(', ')}.`;
  }
  if (postFilterMsg) msg += ` ${postFilterMsg}`;
  return msg;
}

/**
 * Preempt's status when no candidate exists: a FitError over the nodes preemption tried (absent
 * ones "Preemption is not helpful for scheduling").
 */
export function noCandidateMessage(numAllNodes: number, statuses: Map<string, FilterStatus>): string {
  const absent: FilterStatus = { code: 'UnschedulableAndUnresolvable', reasons: [PREEMPTION_NOT_HELPFUL], plugin: 'NodeResourcesFit' };
  return fitErrorMessage({ numAllNodes, statuses, absent, unschedulablePlugins: new Set() });
}

/** DefaultPreemption.PostFilter prefixes whatever Preempt said. */
export function preemptionMessage(numAllNodes: number, statuses: Map<string, FilterStatus>): string {
  return `preemption: ${noCandidateMessage(numAllNodes, statuses)}`;
}

/** Event notes are capped (validation.NoteLengthLimit = 1024), as truncateMessage does. */
export function truncateMessage(message: string, max = 1024): string {
  if (message.length <= max) return message;
  const suffix = ' ...';
  return message.slice(0, max - suffix.length) + suffix;
}
