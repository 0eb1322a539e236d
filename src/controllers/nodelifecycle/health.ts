// Node health as the node lifecycle controller judges it (upstream
// pkg/controller/nodelifecycle/node_lifecycle_controller.go tryUpdateNodeHealth,
// doNoScheduleTaintingPass, doNoExecuteTaintingPass). Pure: staleness of a node's heartbeats,
// the conditions to write when it went silent, and the taints its conditions call for.
import type { KubeObject } from '../../api/types.js';

export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';
export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';
export const MEMORY_PRESSURE_TAINT = 'node.kubernetes.io/memory-pressure';
export const DISK_PRESSURE_TAINT = 'node.kubernetes.io/disk-pressure';
export const PID_PRESSURE_TAINT = 'node.kubernetes.io/pid-pressure';
export const NETWORK_UNAVAILABLE_TAINT = 'node.kubernetes.io/network-unavailable';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** A node that never posted Ready gets this long (upstream --node-startup-grace-period). */
export const NODE_STARTUP_GRACE_MS = 60_000;

export interface NodeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string | null;
  lastTransitionTime?: string | null;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string | null;
}

export interface Node extends KubeObject {
  spec?: { taints?: Taint[]; unschedulable?: boolean; [key: string]: unknown };
  status?: { conditions?: NodeCondition[]; [key: string]: unknown };
}

export interface Lease extends KubeObject {
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string | null; [key: string]: unknown };
}

/** The conditions the controller sets to Unknown when the kubelet goes silent. */
export const MONITORED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export function conditionOf(node: Node, type: string): NodeCondition | undefined {
  return (node.status?.conditions ?? []).find((c) => c.type === type);
}

/** "True", "False", "Unknown", or undefined when the kubelet never posted Ready. */
export function readyStatus(node: Node): string | undefined {
  return conditionOf(node, 'Ready')?.status;
}

function parse(t: string | null | undefined): number {
  if (!t) return 0;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : ms;
}

/** Metav1 time: RFC 3339 in whole seconds. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * The last time anything said the node is alive: its Lease renewal, the Ready heartbeat, or when
 * this controller first saw it (so a controller that restarts gives every node a full period).
 */
export function lastHeardFrom(node: Node, lease: Lease | undefined, firstSeenMs: number): number {
  return Math.max(firstSeenMs, parse(lease?.spec?.renewTime), parse(conditionOf(node, 'Ready')?.lastHeartbeatTime));
}

export interface Staleness {
  stale: boolean;
  /** When the node turns (or turned) stale, in ms since the epoch. */
  staleAt: number;
}

export function staleness(node: Node, lease: Lease | undefined, firstSeenMs: number, nowMs: number, graceMs: number): Staleness {
  const grace = readyStatus(node) === undefined ? Math.max(graceMs, NODE_STARTUP_GRACE_MS) : graceMs;
  const staleAt = lastHeardFrom(node, lease, firstSeenMs) + grace;
  return { stale: nowMs >= staleAt, staleAt };
}

/**
 * The conditions of a silent node: each monitored one Unknown ("Kubelet stopped posting node
 * status."), missing ones added ("Kubelet never posted node status."). Undefined when they
 * already say so. Heartbeat times are kept: they record the kubelet's last word.
 */
export function unknownConditions(node: Node, nowMs: number): NodeCondition[] | undefined {
  const now = rfc3339(nowMs);
  const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  let changed = false;
  for (const type of MONITORED_CONDITIONS) {
    const c = conditions.find((x) => x.type === type);
    if (!c) {
      conditions.push({
        type,
        status: 'Unknown',
        reason: 'NodeStatusNeverUpdated',
        message: 'Kubelet never posted node status.',
        lastHeartbeatTime: node.metadata.creationTimestamp ?? now,
        lastTransitionTime: now,
      });
      changed = true;
    } else if (c.status !== 'Unknown') {
      c.status = 'Unknown';
      c.reason = 'NodeStatusUnknown';
      c.message = 'Kubelet stopped posting node status.';
      c.lastTransitionTime = now;
      changed = true;
    }
  }
  return changed ? conditions : undefined;
}

/** The taints this controller owns: NoSchedule for conditions and cordon, NoExecute for readiness. */
const NO_SCHEDULE_KEYS = new Set([
  NOT_READY_TAINT, UNREACHABLE_TAINT, UNSCHEDULABLE_TAINT, MEMORY_PRESSURE_TAINT, DISK_PRESSURE_TAINT, PID_PRESSURE_TAINT, NETWORK_UNAVAILABLE_TAINT,
]);
const NO_EXECUTE_KEYS = new Set([NOT_READY_TAINT, UNREACHABLE_TAINT]);

function isManaged(t: Taint): boolean {
  return (t.effect === 'NoSchedule' && NO_SCHEDULE_KEYS.has(t.key)) || (t.effect === 'NoExecute' && NO_EXECUTE_KEYS.has(t.key));
}

/** Condition type → status → NoSchedule taint key (nodeConditionToTaintKeyStatusMap). */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: NOT_READY_TAINT, Unknown: UNREACHABLE_TAINT },
  MemoryPressure: { True: MEMORY_PRESSURE_TAINT },
  DiskPressure: { True: DISK_PRESSURE_TAINT },
  PIDPressure: { True: PID_PRESSURE_TAINT },
  NetworkUnavailable: { True: NETWORK_UNAVAILABLE_TAINT },
};

function taintId(t: Taint): string {
  return `${t.key}:${t.effect}`;
}

/**
 * The taints the node should carry: its own (not ours) untouched, NoSchedule ones for its
 * conditions and cordon, and a NoExecute not-ready/unreachable one for a node that is not Ready —
 * unless `noExecute` is false (every node is down: upstream stops evicting then). A NoExecute
 * taint keeps its timeAdded while it stays. Undefined when the node already has exactly these.
 */
export function desiredTaints(node: Node, noExecute: boolean, nowMs: number): Taint[] | undefined {
  const current = node.spec?.taints ?? [];
  const wanted: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) wanted.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) wanted.push({ key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' });
  const ready = readyStatus(node);
  if (noExecute && (ready === 'False' || ready === 'Unknown')) {
    const key = ready === 'False' ? NOT_READY_TAINT : UNREACHABLE_TAINT;
    const existing = current.find((t) => t.key === key && t.effect === 'NoExecute');
    wanted.push({ key, effect: 'NoExecute', timeAdded: existing?.timeAdded ?? rfc3339(nowMs) });
  }
  const kept = current.filter((t) => !isManaged(t));
  const next = [...kept];
  for (const w of wanted) {
    if (next.some((t) => taintId(t) === taintId(w))) continue;
    // Keep an identical taint already there as it is (its value, its timeAdded).
    next.push(current.find((t) => taintId(t) === taintId(w)) ?? w);
  }
  const same = next.length === current.length && next.every((t) => current.some((c) => taintId(c) === taintId(t)));
  return same ? undefined : next;
}

/** Every node down: upstream's "master disruption mode", where taint-based eviction stops. */
export function allNodesDown(nodes: Node[]): boolean {
  return nodes.length > 0 && nodes.every((n) => readyStatus(n) !== 'True');
}
