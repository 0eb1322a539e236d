// Pod status as the kubelet generates it (pkg/kubelet/kubelet_pods.go getPhase and
// convertToAPIContainerStatuses, pkg/kubelet/status/generate.go): pure functions of the pod spec,
// what the agent knows about each container, and the previous status (for transition times).
import type { KubeObject } from '../api/types.js';
import type { RuntimeContainer } from './runtime.js';

export type Json = Record<string, unknown>;

/** What the agent knows about one spec container across its instances. */
export interface ContainerRecord {
  /** Instances started before `current` (CRI attempt of the current instance). */
  restartCount: number;
  /** The latest instance, once one was started. */
  current?: RuntimeContainer;
  /** lastState.terminated: how the instance before `current` ended. */
  lastTerminated?: Json;
  /** Set while a restart waits (CrashLoopBackOff) or a start failed; shown instead of `current`. */
  waiting?: { reason: string; message?: string };
  /** Running and passing readiness. */
  ready: boolean;
  /** Running and past its startup probe. */
  started: boolean;
}

export const CONTAINER_CREATING = 'ContainerCreating';
export const POD_INITIALIZING = 'PodInitializing';

// ---- container statuses -------------------------------------------------------------------------

export function terminatedState(c: RuntimeContainer): Json {
  const t: Json = { exitCode: c.exitCode ?? 0, reason: c.reason ?? '' };
  if (c.message) t.message = c.message;
  t.startedAt = c.startedAt ?? c.createdAt;
  t.finishedAt = c.finishedAt ?? c.startedAt ?? c.createdAt;
  t.containerID = c.id;
  return t;
}

/** status.volumeMounts mirrors the spec's mounts (RecursiveReadOnlyMounts, on by default in 1.32). */
function statusVolumeMounts(spec: Json): Json[] | undefined {
  const mounts = spec.volumeMounts as Json[] | undefined;
  if (!Array.isArray(mounts) || mounts.length === 0) return undefined;
  return mounts.map((m) => {
    const out: Json = { name: m.name, mountPath: m.mountPath };
    if (m.readOnly) {
      out.readOnly = true;
      out.recursiveReadOnly = 'Disabled';
    }
    return out;
  });
}

/** One entry of containerStatuses / initContainerStatuses. */
export function containerApiStatus(spec: Json, rec: ContainerRecord | undefined, defaultWaitingReason: string): Json {
  const status: Json = {
    name: spec.name,
    image: spec.image,
    imageID: '',
    ready: false,
    restartCount: rec?.restartCount ?? 0,
    started: false,
    state: { waiting: { reason: defaultWaitingReason } },
    lastState: {},
  };
  const current = rec?.current;
  if (rec && current) {
    status.containerID = current.id;
    status.imageID = current.imageRef;
    if (rec.waiting) {
      status.state = { waiting: { ...rec.waiting } };
      status.lastState = current.state === 'exited' ? { terminated: terminatedState(current) } : lastState(rec);
    } else if (current.state === 'running') {
      status.state = { running: { startedAt: current.startedAt ?? current.createdAt } };
      status.ready = rec.ready;
      status.started = rec.started;
      status.lastState = lastState(rec);
    } else if (current.state === 'exited') {
      status.state = { terminated: terminatedState(current) };
      status.lastState = lastState(rec);
    }
  } else if (rec?.waiting) {
    status.state = { waiting: { ...rec.waiting } };
  }
  const mounts = statusVolumeMounts(spec);
  if (mounts) status.volumeMounts = mounts;
  return status;
}

function lastState(rec: ContainerRecord): Json {
  return rec.lastTerminated ? { terminated: rec.lastTerminated } : {};
}

// ---- phase --------------------------------------------------------------------------------------

function specContainers(pod: KubeObject, field: 'containers' | 'initContainers'): Json[] {
  const list = (pod.spec as Json | undefined)?.[field];
  return Array.isArray(list) ? (list as Json[]) : [];
}

export function isRestartableInit(container: Json): boolean {
  return container.restartPolicy === 'Always';
}

function findStatus(statuses: Json[], name: unknown): Json | undefined {
  return statuses.find((s) => s.name === name);
}

function state(status: Json): { running?: Json; terminated?: Json; waiting?: Json } {
  return (status.state ?? {}) as { running?: Json; terminated?: Json; waiting?: Json };
}

function lastTerminatedOf(status: Json): Json | undefined {
  return (status.lastState as Json | undefined)?.terminated as Json | undefined;
}

/** kubecontainer.HasAnyRegularContainerStarted. */
export function hasAnyRegularContainerStarted(pod: KubeObject, statuses: Json[]): boolean {
  const names = new Set(specContainers(pod, 'containers').map((c) => c.name));
  return statuses.some((s) => names.has(s.name) && (state(s).running !== undefined || state(s).terminated !== undefined));
}

/** Counts how init containers stand: some still to run, some failed. */
function initProgress(pod: KubeObject, statuses: Json[]): { pending: number; failed: number } {
  let pending = 0;
  let failed = 0;
  for (const c of specContainers(pod, 'initContainers')) {
    const s = findStatus(statuses, c.name);
    if (!s) {
      pending++;
      continue;
    }
    const st = state(s);
    if (st.running) {
      if (!isRestartableInit(c) || !s.started) pending++;
    } else if (st.terminated) {
      if (Number(st.terminated.exitCode) !== 0) failed++;
    } else if (st.waiting && lastTerminatedOf(s)) {
      if (Number(lastTerminatedOf(s)!.exitCode) !== 0) failed++;
    } else {
      pending++;
    }
  }
  return { pending, failed };
}

/** kubelet getPhase: the pod phase from its container statuses (init and regular together). */
export function getPhase(pod: KubeObject, statuses: Json[], podIsTerminal = false): string {
  const restartPolicy = String((pod.spec as Json | undefined)?.restartPolicy ?? 'Always');
  const init = initProgress(pod, statuses);
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of specContainers(pod, 'containers')) {
    const s = findStatus(statuses, c.name);
    const st = s ? state(s) : undefined;
    if (!s || !st) unknown++;
    else if (st.running) running++;
    else if (st.terminated) {
      stopped++;
      if (Number(st.terminated.exitCode) === 0) succeeded++;
    } else if (st.waiting) {
      if (lastTerminatedOf(s)) stopped++;
      else waiting++;
    } else unknown++;
  }
  if (init.failed > 0 && restartPolicy === 'Never') return 'Failed';
  if ((init.pending > 0 && !hasAnyRegularContainerStarted(pod, statuses)) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

// ---- conditions ---------------------------------------------------------------------------------

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/** Go's fmt %s of a []string: "[a b]". */
function goList(names: unknown[]): string {
  return `[${names.join(' ')}]`;
}

export function containersReadyCondition(pod: KubeObject, statuses: Json[], phase: string): Condition {
  const unknown: unknown[] = [];
  const unready: unknown[] = [];
  const considered = [
    ...specContainers(pod, 'initContainers').filter(isRestartableInit),
    ...specContainers(pod, 'containers'),
  ];
  for (const c of considered) {
    const s = findStatus(statuses, c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  if ((phase === 'Succeeded' && unknown.length === 0) || phase === 'Failed') {
    return { type: 'ContainersReady', status: 'False', reason: phase === 'Failed' ? 'PodFailed' : 'PodCompleted' };
  }
  const messages: string[] = [];
  if (unknown.length > 0) messages.push(`containers with unknown status: ${goList(unknown)}`);
  if (unready.length > 0) messages.push(`containers with unready status: ${goList(unready)}`);
  if (messages.length > 0) return { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: messages.join(', ') };
  return { type: 'ContainersReady', status: 'True' };
}

export function podReadyCondition(pod: KubeObject, conditions: Json[], statuses: Json[], phase: string): Condition {
  const containersReady = containersReadyCondition(pod, statuses, phase);
  if (containersReady.status !== 'True') return { ...containersReady, type: 'Ready' };
  const gates = ((pod.spec as Json | undefined)?.readinessGates ?? []) as Json[];
  const messages: string[] = [];
  for (const gate of gates) {
    const c = conditions.find((x) => x.type === gate.conditionType);
    if (!c) messages.push(`corresponding condition of pod readiness gate "${String(gate.conditionType)}" does not exist.`);
    else if (c.status !== 'True') messages.push(`the status of pod readiness gate "${String(gate.conditionType)}" is not "True", but ${String(c.status)}`);
  }
  if (messages.length > 0) return { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: messages.join(', ') };
  return { type: 'Ready', status: 'True' };
}

export function initializedCondition(pod: KubeObject, statuses: Json[], phase: string): Condition {
  const unknown: unknown[] = [];
  const incomplete: unknown[] = [];
  for (const c of specContainers(pod, 'initContainers')) {
    const s = findStatus(statuses, c.name);
    if (!s) unknown.push(c.name);
    else if (isRestartableInit(c) ? !s.started : !s.ready) incomplete.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return { type: 'Initialized', status: 'True', reason: 'PodCompleted' };
  if (hasAnyRegularContainerStarted(pod, statuses)) return { type: 'Initialized', status: 'True' };
  const messages: string[] = [];
  if (unknown.length > 0) messages.push(`containers with unknown status: ${goList(unknown)}`);
  if (incomplete.length > 0) messages.push(`containers with incomplete status: ${goList(incomplete)}`);
  if (messages.length > 0) return { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: messages.join(', ') };
  return { type: 'Initialized', status: 'True' };
}

/** The conditions the kubelet owns; any other condition type (readiness gates, DisruptionTarget…) is kept. */
export const KUBELET_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']);

/** Adds lastProbeTime/lastTransitionTime, keeping the old transition time while the status holds. */
function stamp(c: Condition, old: Json[], now: string): Json {
  const prev = old.find((o) => o.type === c.type);
  const out: Json = { type: c.type, status: c.status, lastProbeTime: null };
  out.lastTransitionTime = prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now;
  if (c.reason) out.reason = c.reason;
  if (c.message) out.message = c.message;
  return out;
}

/** Every condition of the new status, in the kubelet's order, then the ones it does not own. */
export function podConditions(pod: KubeObject, statuses: Json[], phase: string, sandboxReady: boolean, now: string): Json[] {
  const old = (((pod.status as Json | undefined)?.conditions ?? []) as Json[]).filter((c) => c && typeof c === 'object');
  const others = old.filter((c) => !KUBELET_CONDITIONS.has(String(c.type)));
  const owned: Condition[] = [
    { type: 'PodReadyToStartContainers', status: sandboxReady ? 'True' : 'False' },
    initializedCondition(pod, statuses, phase),
    podReadyCondition(pod, old, statuses, phase),
    containersReadyCondition(pod, statuses, phase),
  ];
  const result = owned.map((c) => stamp(c, old, now));
  if (!others.some((c) => c.type === 'PodScheduled')) result.push(stamp({ type: 'PodScheduled', status: 'True' }, old, now));
  return [...result, ...others];
}

// ---- the whole status ---------------------------------------------------------------------------

export interface PodStatusInput {
  pod: KubeObject;
  /** Records by container name (init and regular containers share one namespace of names). */
  records: Map<string, ContainerRecord>;
  sandboxReady: boolean;
  podIP?: string;
  hostIP: string;
  startTime: string;
  now: string;
  /** Already terminal: the phase never moves back. */
  podIsTerminal?: boolean;
}

/** The keys of pod status the kubelet writes; others (qosClass, nominatedNodeName…) are kept. */
export const KUBELET_STATUS_KEYS = [
  'phase', 'conditions', 'hostIP', 'hostIPs', 'podIP', 'podIPs', 'startTime',
  'initContainerStatuses', 'containerStatuses', 'reason', 'message',
] as const;

export function generatePodStatus(input: PodStatusInput): Json {
  const { pod, records } = input;
  const inits = specContainers(pod, 'initContainers');
  const regular = specContainers(pod, 'containers');
  const defaultWaiting = inits.length > 0 ? POD_INITIALIZING : CONTAINER_CREATING;
  const initStatuses = inits.map((c) => containerApiStatus(c, records.get(String(c.name)), defaultWaiting));
  // A completed init container counts as ready (what Initialized reads).
  for (const s of initStatuses) {
    const t = state(s).terminated;
    if (t && Number(t.exitCode) === 0) s.ready = true;
  }
  const statuses = regular.map((c) => containerApiStatus(c, records.get(String(c.name)), defaultWaiting));
  const all = [...statuses, ...initStatuses];
  const oldPhase = String((pod.status as Json | undefined)?.phase ?? '');
  const terminal = input.podIsTerminal || oldPhase === 'Succeeded' || oldPhase === 'Failed';
  const phase = terminal && (oldPhase === 'Succeeded' || oldPhase === 'Failed') ? oldPhase : getPhase(pod, all, terminal);
  const status: Json = {
    phase,
    conditions: podConditions(pod, all, phase, input.sandboxReady, input.now),
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
  };
  if (input.podIP) {
    status.podIP = input.podIP;
    status.podIPs = [{ ip: input.podIP }];
  }
  status.startTime = input.startTime;
  if (initStatuses.length > 0) status.initContainerStatuses = initStatuses;
  status.containerStatuses = statuses;
  return status;
}

/** The status to write: the kubelet's keys from `owned`, everything else as the pod has it. */
export function mergeOwnedStatus(current: Json | undefined, owned: Json): Json {
  const merged: Json = {};
  for (const [k, v] of Object.entries(current ?? {})) {
    if (!(KUBELET_STATUS_KEYS as readonly string[]).includes(k)) merged[k] = v;
  }
  return { ...merged, ...owned };
}

/** Deep equality of JSON values, whatever the key order (cheaper than comparing canonical text). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ao = a as Json;
  const bo = b as Json;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k]));
}

/** JSON with sorted keys: equal statuses compare equal whatever the key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Json).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}
