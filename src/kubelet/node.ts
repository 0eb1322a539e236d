// The Node object a kubelet registers and the status it reports (pkg/kubelet/kubelet_node_status.go
// and nodestatus/setters.go): labels, capacity, addresses, nodeInfo and the four conditions.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { networkInterfaces, release } from 'node:os';
import type { KubeObject } from '../api/types.js';
import { KUBERNETES_VERSION } from '../api/version.js';
import type { Json } from './podstatus.js';

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface NodeConfig {
  name: string;
  cpu: string;
  memory: string;
  pods: string;
  ephemeralStorage: string;
  /** Extra labels (--node-labels); the kubelet's own labels win over them. */
  labels: Record<string, string>;
  /** Registered with the node (--register-with-taints); never re-applied to an existing Node. */
  taints: Taint[];
  hostIP: string;
  podCidr?: string;
  runtimeVersion: string;
  bootID: string;
  /** The port the kubelet server listens on (status.daemonEndpoints). */
  kubeletPort?: number;
}

export const KUBELET_PORT = 10250;

/** Node arch names: Go's GOARCH for Node.js's process.arch. */
export function goArch(arch: string = process.arch): string {
  return ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[arch] ?? arch;
}

/** The labels the kubelet sets on its Node (and reconciles on every start). */
export function kubeletLabels(name: string): Record<string, string> {
  const arch = goArch();
  return {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
  };
}

/** The Node to create: metadata and spec (the API server ignores status on create). */
export function buildNode(cfg: NodeConfig): KubeObject {
  const spec: Json = {};
  if (cfg.podCidr) {
    spec.podCIDR = cfg.podCidr;
    spec.podCIDRs = [cfg.podCidr];
  }
  if (cfg.taints.length > 0) spec.taints = cfg.taints.map((t) => ({ ...t }));
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: cfg.name,
      labels: { ...cfg.labels, ...kubeletLabels(cfg.name) },
      annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec,
  };
}

export function resources(cfg: NodeConfig): Json {
  return {
    cpu: cfg.cpu,
    'ephemeral-storage': cfg.ephemeralStorage,
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: cfg.memory,
    pods: cfg.pods,
  };
}

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/** The conditions a healthy kubelet reports, in its order. */
export function desiredConditions(ready = true): NodeCondition[] {
  return [
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    ready
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
      : { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down' },
  ];
}

/** The new conditions: ours stamped with heartbeat and transition times, others kept. */
export function stampConditions(desired: NodeCondition[], old: Json[], now: string): Json[] {
  const ours = desired.map((c) => {
    const prev = old.find((o) => o.type === c.type);
    const transition = prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now;
    return { ...c, lastHeartbeatTime: now, lastTransitionTime: transition };
  });
  const types = new Set(desired.map((c) => c.type));
  return [...ours, ...old.filter((o) => !types.has(String(o.type)))];
}

/** True when the Node's conditions differ from what we would report (heartbeat times aside). */
export function conditionsChanged(desired: NodeCondition[], old: Json[]): boolean {
  return desired.some((c) => {
    const prev = old.find((o) => o.type === c.type);
    return !prev || prev.status !== c.status || prev.reason !== c.reason || prev.message !== c.message;
  });
}

/** A stable id from the node name: machineID and systemUUID survive restarts, as on a real host. */
function stableId(name: string, salt: string): string {
  return createHash('sha256').update(`${salt}:${name}`).digest('hex').slice(0, 32);
}

function uuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

let osImageCache: string | undefined;

/** PRETTY_NAME of /etc/os-release, as the kubelet reports the node's OS image. */
export function osImage(): string {
  if (osImageCache !== undefined) return osImageCache;
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const m = /^PRETTY_NAME=(.*)$/m.exec(text);
    osImageCache = m ? m[1].trim().replace(/^"(.*)"$/, '$1') : 'Linux';
  } catch {
    osImageCache = 'Linux';
  }
  return osImageCache;
}

export function nodeInfo(cfg: NodeConfig): Json {
  return {
    architecture: goArch(),
    bootID: cfg.bootID,
    containerRuntimeVersion: cfg.runtimeVersion,
    kernelVersion: release(),
    kubeProxyVersion: '',
    kubeletVersion: KUBERNETES_VERSION.gitVersion,
    machineID: stableId(cfg.name, 'machine'),
    operatingSystem: 'linux',
    osImage: osImage(),
    systemUUID: uuid(stableId(cfg.name, 'system')),
  };
}

/** The whole status at registration: everything but images and volumes. */
export function fullStatus(cfg: NodeConfig, oldConditions: Json[], now: string, ready = true): Json {
  return {
    capacity: resources(cfg),
    allocatable: resources(cfg),
    conditions: stampConditions(desiredConditions(ready), oldConditions, now),
    addresses: [
      { type: 'InternalIP', address: cfg.hostIP },
      { type: 'Hostname', address: cfg.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: cfg.kubeletPort ?? KUBELET_PORT } },
    nodeInfo: nodeInfo(cfg),
  };
}

/** The address a kubelet without --node-ip reports: the first non-loopback IPv4, else loopback. */
export function defaultNodeIp(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const addr of list ?? []) {
      if (addr.family === 'IPv4' && !addr.internal) return addr.address;
    }
  }
  return '127.0.0.1';
}

/** metav1.Time: RFC 3339 with second precision. */
export function rfc3339(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** metav1.MicroTime: RFC 3339 with six fraction digits. */
export function microTime(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The conditions of a cached Node. */
export function conditionsOf(node: KubeObject | undefined): Json[] {
  const list = (node?.status as Json | undefined)?.conditions;
  return Array.isArray(list) ? (list as Json[]) : [];
}

/** Parses --register-with-taints "k=v:NoSchedule,k2:NoExecute". */
export function parseTaints(text: string): Taint[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
    const m = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(s);
    if (!m) throw new Error(`invalid taint "${s}" (want key[=value]:NoSchedule|PreferNoSchedule|NoExecute)`);
    const taint: Taint = { key: m[1], effect: m[3] as Taint['effect'] };
    if (m[2] !== undefined && m[2] !== '') taint.value = m[2];
    return taint;
  });
}

/** Parses --node-labels "k=v,k2=v2". */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`invalid label "${part}" (want key=value)`);
    labels[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return labels;
}
