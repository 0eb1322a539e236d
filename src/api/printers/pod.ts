// Pod and PodTemplate printers (kubernetes pkg/printers/internalversion/printers.go printPod,
// printPodTemplate). The STATUS logic follows upstream step by step: it is what users read.
import type { Cell, PrintContext, TablePrinter } from '../resource.js';
import type { KubeObject } from '../types.js';
import { AGE, NAME, col, wide } from './columns.js';
import { DOCS } from './descriptions.js';
import { humanDuration, parseTime, translateTimestampSince } from './duration.js';
import { formatLabels, layoutContainerCells } from './format.js';
import { at, bool, num, rec, recs, str, type Json } from './json.js';

/** node.NodeUnreachablePodReason: set by the node lifecycle controller on pods of a lost node. */
const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

/** Restart count and the newest last-termination time among some containers. */
interface Restarts {
  count: number;
  last: number | undefined; // ms; undefined is Go's zero time
}

/** Everything printPod works out from the container statuses. */
interface PodState {
  reason: string;
  ready: number;
  total: number;
  restarts: Restarts;
}

/** podutil.IsRestartableInitContainer: a sidecar (init container with restartPolicy Always). */
function isRestartable(container: Json | undefined): boolean {
  return container !== undefined && container.restartPolicy === 'Always';
}

/** Adds a container status's restarts, moving last forward to its last termination. */
function addRestarts(r: Restarts, status: Json): void {
  r.count += num(status.restartCount);
  const finished = parseTime(at(status, 'lastState', 'terminated', 'finishedAt'));
  if (finished !== undefined && (r.last === undefined || finished > r.last)) r.last = finished;
}

function conditionTrue(pod: KubeObject, type: string): boolean {
  const cond = recs(at(pod, 'status', 'conditions')).find((c) => c.type === type);
  return cond !== undefined && cond.status === 'True';
}

/** The initial reason: status.reason over the phase, SchedulingGated over both. */
function baseReason(pod: KubeObject): string {
  const status = rec(pod.status);
  let reason = str(status.reason) || str(status.phase);
  for (const c of recs(status.conditions)) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }
  return reason;
}

/** The reason an init container that stopped initialization reports ("Init:Error", "Init:1/3"...). */
function initReason(status: Json, index: number, initCount: number): string {
  const terminated = at(status, 'state', 'terminated');
  const waiting = rec(at(status, 'state', 'waiting'));
  if (terminated !== undefined && terminated !== null) {
    const t = rec(terminated);
    if (str(t.reason) !== '') return `Init:${str(t.reason)}`;
    return num(t.signal) !== 0 ? `Init:Signal:${num(t.signal)}` : `Init:ExitCode:${num(t.exitCode)}`;
  }
  const waitingReason = str(waiting.reason);
  if (waitingReason !== '' && waitingReason !== 'PodInitializing') return `Init:${waitingReason}`;
  return `Init:${index}/${initCount}`;
}

function isTerminatedOk(status: Json): boolean {
  const t = at(status, 'state', 'terminated');
  return t !== undefined && t !== null && num(rec(t).exitCode) === 0;
}

/** Walks the init container statuses; stops at the first one still initializing. */
function walkInitContainers(pod: KubeObject, state: PodState, sidecarRestarts: Restarts): boolean {
  const initSpecs = recs(at(pod, 'spec', 'initContainers'));
  const specs = new Map(initSpecs.map((c) => [str(c.name), c]));
  const statuses = recs(at(pod, 'status', 'initContainerStatuses'));
  for (let i = 0; i < statuses.length; i++) {
    const s = statuses[i];
    const restartable = isRestartable(specs.get(str(s.name)));
    addRestarts(state.restarts, s);
    if (restartable) addRestarts(sidecarRestarts, s);
    if (isTerminatedOk(s)) continue;
    if (restartable && bool(s.started)) {
      if (bool(s.ready)) state.ready++;
      continue;
    }
    state.reason = initReason(s, i, initSpecs.length);
    return true;
  }
  return false;
}

/** Walks the app container statuses from last to first, as upstream does (the first one wins). */
function walkContainers(pod: KubeObject, state: PodState): void {
  const statuses = recs(at(pod, 'status', 'containerStatuses'));
  let hasRunning = false;
  for (let i = statuses.length - 1; i >= 0; i--) {
    const s = statuses[i];
    addRestarts(state.restarts, s);
    const waiting = at(s, 'state', 'waiting');
    const terminated = at(s, 'state', 'terminated');
    const running = at(s, 'state', 'running');
    const t = rec(terminated);
    if (waiting != null && str(rec(waiting).reason) !== '') {
      state.reason = str(rec(waiting).reason);
    } else if (terminated != null && str(t.reason) !== '') {
      state.reason = str(t.reason);
    } else if (terminated != null) {
      state.reason = num(t.signal) !== 0 ? `Signal:${num(t.signal)}` : `ExitCode:${num(t.exitCode)}`;
    } else if (bool(s.ready) && running != null) {
      hasRunning = true;
      state.ready++;
    }
  }
  // A pod whose other containers still run is not "Completed" because one of them finished.
  if (state.reason === 'Completed' && hasRunning) {
    state.reason = conditionTrue(pod, 'Ready') ? 'Running' : 'NotReady';
  }
}

/** printPod's READY/STATUS/RESTARTS computation. */
function podState(pod: KubeObject): PodState {
  const initSpecs = recs(at(pod, 'spec', 'initContainers'));
  const state: PodState = {
    reason: baseReason(pod),
    ready: 0,
    // Sidecars count as containers of the pod.
    total: recs(at(pod, 'spec', 'containers')).length + initSpecs.filter(isRestartable).length,
    restarts: { count: 0, last: undefined },
  };
  const sidecarRestarts: Restarts = { count: 0, last: undefined };
  const initializing = walkInitContainers(pod, state, sidecarRestarts);
  if (!initializing || conditionTrue(pod, 'Initialized')) {
    // Once initialized, only sidecar restarts count among the init containers.
    state.restarts = sidecarRestarts;
    walkContainers(pod, state);
  }
  const phase = str(at(pod, 'status', 'phase'));
  if (pod.metadata?.deletionTimestamp && str(at(pod, 'status', 'reason')) === NODE_UNREACHABLE_POD_REASON) {
    state.reason = 'Unknown';
  } else if (pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') {
    state.reason = 'Terminating';
  }
  return state;
}

/** "3", or "3 (5m ago)" when the last restart time is known. */
function restartsCell(r: Restarts, now: number): string {
  if (r.count === 0 || r.last === undefined) return String(r.count);
  return `${r.count} (${humanDuration(now - r.last)} ago)`;
}

/** "true/total" of the readiness gates' conditions, "<none>" without gates. */
function readinessGatesCell(pod: KubeObject): string {
  const gates = recs(at(pod, 'spec', 'readinessGates'));
  if (gates.length === 0) return '<none>';
  const conditions = recs(at(pod, 'status', 'conditions'));
  let trueCount = 0;
  for (const gate of gates) {
    const cond = conditions.find((c) => c.type === gate.conditionType);
    if (cond !== undefined && cond.status === 'True') trueCount++;
  }
  return `${trueCount}/${gates.length}`;
}

/** status.podIPs[0] (the internal version's view; v1's podIP fills it when podIPs is empty). */
function podIP(pod: KubeObject): string {
  const ips = recs(at(pod, 'status', 'podIPs'));
  return (ips.length > 0 ? str(ips[0].ip) : str(at(pod, 'status', 'podIP'))) || '<none>';
}

function podRow(pod: KubeObject, ctx: PrintContext): Cell[] {
  const s = podState(pod);
  return [
    pod.metadata.name ?? '',
    `${s.ready}/${s.total}`,
    s.reason,
    restartsCell(s.restarts, ctx.now),
    translateTimestampSince(pod.metadata.creationTimestamp, ctx.now),
    podIP(pod),
    str(at(pod, 'spec', 'nodeName')) || '<none>',
    str(at(pod, 'status', 'nominatedNodeName')) || '<none>',
    readinessGatesCell(pod),
  ];
}

export const podPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE,
    wide('IP', 'string', DOCS.podIP),
    wide('Node', 'string', DOCS.podNodeName),
    wide('Nominated Node', 'string', DOCS.nominatedNodeName),
    wide('Readiness Gates', 'string', DOCS.readinessGates),
  ],
  row: podRow,
};

export const podTemplatePrinter: TablePrinter = {
  columns: [
    NAME,
    col('Containers', 'string', 'Names of each container in the template.'),
    col('Images', 'string', 'Images referenced by each container in the template.'),
    col('Pod Labels', 'string', 'The labels for the pod template.'),
  ],
  row(obj) {
    const template = rec(obj.template);
    const [names, images] = layoutContainerCells(at(template, 'spec', 'containers'));
    return [obj.metadata.name ?? '', names, images, formatLabels(at(template, 'metadata', 'labels'))];
  },
};
