// The kubelet's stats Summary (pkg/kubelet/server/stats/summary.go; the types are
// k8s.io/kubelet/pkg/apis/stats/v1alpha1): the node's and each running pod's CPU and memory, with
// their containers. Only what the runtime really measures is filled in: no network, filesystem,
// volume, rlimit or swap stats, no availableBytes (fields upstream leaves out when it cannot tell).
//
// Where the numbers come from (the CRI stats provider's shape): the runtime's ready sandboxes and
// running containers, one sample each. A pod's usage is its containers' plus its sandbox's (the pod
// cgroup upstream). The node's is its own part (the node container, or the agent process when it
// runs outside one) plus every pod's: on skiff the pods are the node container's siblings on the
// engine, not its children, so no single cgroup holds the whole node as the root cgroup does.
import type { ResourceSample, Runtime, RuntimeContainer, RuntimeSandbox } from '../runtime.js';

/** Times are Unix milliseconds here; the JSON form has metav1.Time's RFC 3339 seconds. */
export interface CpuStats {
  time: number;
  /** Core-nanoseconds per second over the window since the previous sample (none for the first). */
  usageNanoCores?: number;
  usageCoreNanoSeconds?: number;
}

export interface MemoryStats {
  time: number;
  usageBytes?: number;
  workingSetBytes?: number;
  rssBytes?: number;
  pageFaults?: number;
  majorPageFaults?: number;
}

export interface ContainerStats {
  name: string;
  startTime: number;
  cpu?: CpuStats;
  memory?: MemoryStats;
}

export interface PodStats {
  podRef: { name: string; namespace: string; uid: string };
  startTime: number;
  containers: ContainerStats[];
  cpu?: CpuStats;
  memory?: MemoryStats;
}

export interface NodeStats {
  nodeName: string;
  startTime: number;
  cpu?: CpuStats;
  memory?: MemoryStats;
}

export interface Summary {
  node: NodeStats;
  pods: PodStats[];
}

/** What answers /stats/summary and /metrics/resource for one node. */
export interface SummaryProvider {
  summary(): Promise<Summary>;
}

/**
 * usageNanoCores from two cumulative samples, as cadvisor and the CRI stats provider compute it:
 * the previous sample of each cgroup is kept between calls. A counter that went down (a container
 * of the sum restarted) starts a new window with no rate.
 */
export class CpuRates {
  private previous = new Map<string, { time: number; cpu: number; rate?: number }>();
  private seen = new Set<string>();

  rate(key: string, time: number, cpu: number): number | undefined {
    this.seen.add(key);
    const last = this.previous.get(key);
    if (last && time <= last.time) return last.rate; // the same sample again
    let rate: number | undefined;
    if (last && cpu >= last.cpu) rate = Math.round(((cpu - last.cpu) / (time - last.time)) * 1e3);
    this.previous.set(key, { time, cpu, rate });
    return rate;
  }

  /** Forgets the cgroups not asked about since the last sweep (removed containers and pods). */
  sweep(): void {
    for (const key of this.previous.keys()) if (!this.seen.has(key)) this.previous.delete(key);
    this.seen = new Set();
  }
}

/** One pod as the runtime has it: its sandbox and running containers, with their samples. */
export interface PodSamples {
  sandbox: RuntimeSandbox;
  sandboxSample?: ResourceSample;
  containers: { container: RuntimeContainer; sample?: ResourceSample }[];
}

export interface SummaryInput {
  nodeName: string;
  nodeStartTime: number;
  /** The node's own part, outside its pods. */
  node?: ResourceSample;
  pods: PodSamples[];
}

function timeOf(sample: ResourceSample): number {
  return Date.parse(sample.time);
}

function cpuOf(key: string, sample: ResourceSample, rates: CpuRates): CpuStats {
  const time = timeOf(sample);
  const cpu: CpuStats = { time, usageCoreNanoSeconds: sample.cpuUsageCoreNanoSeconds };
  const rate = rates.rate(key, time, sample.cpuUsageCoreNanoSeconds);
  if (rate !== undefined) cpu.usageNanoCores = rate;
  return cpu;
}

function memoryOf(sample: ResourceSample): MemoryStats {
  const m = sample.memory;
  const memory: MemoryStats = { time: timeOf(sample), usageBytes: m.usageBytes, workingSetBytes: m.workingSetBytes };
  if (m.rssBytes !== undefined) memory.rssBytes = m.rssBytes;
  if (m.pageFaults !== undefined) memory.pageFaults = m.pageFaults;
  if (m.majorPageFaults !== undefined) memory.majorPageFaults = m.majorPageFaults;
  return memory;
}

/** Optional counters add up only when every part has them. */
function sumOptional(samples: ResourceSample[], pick: (m: ResourceSample['memory']) => number | undefined): number | undefined {
  let total = 0;
  for (const s of samples) {
    const v = pick(s.memory);
    if (v === undefined) return undefined;
    total += v;
  }
  return total;
}

/** Several cgroups as one (a pod, the node): sums, read at the latest of their times. */
export function sumSamples(samples: ResourceSample[]): ResourceSample | undefined {
  if (samples.length === 0) return undefined;
  const latest = samples.reduce((a, b) => (timeOf(b) > timeOf(a) ? b : a));
  const memory: ResourceSample['memory'] = {
    usageBytes: samples.reduce((t, s) => t + s.memory.usageBytes, 0),
    workingSetBytes: samples.reduce((t, s) => t + s.memory.workingSetBytes, 0),
  };
  const rss = sumOptional(samples, (m) => m.rssBytes);
  const faults = sumOptional(samples, (m) => m.pageFaults);
  const major = sumOptional(samples, (m) => m.majorPageFaults);
  if (rss !== undefined) memory.rssBytes = rss;
  if (faults !== undefined) memory.pageFaults = faults;
  if (major !== undefined) memory.majorPageFaults = major;
  return { time: latest.time, cpuUsageCoreNanoSeconds: samples.reduce((t, s) => t + s.cpuUsageCoreNanoSeconds, 0), memory };
}

function withUsage<T extends object>(base: T, key: string, sample: ResourceSample | undefined, rates: CpuRates): T & { cpu?: CpuStats; memory?: MemoryStats } {
  if (!sample) return base;
  return { ...base, cpu: cpuOf(key, sample, rates), memory: memoryOf(sample) };
}

/** The Summary of these samples; `rates` carries the previous samples from call to call. */
export function buildSummary(input: SummaryInput, rates: CpuRates): Summary {
  const podParts: ResourceSample[] = [];
  const pods = input.pods.map((p): PodStats => {
    const containers = p.containers
      .filter((c) => c.sample)
      .map((c) => withUsage({ name: c.container.name, startTime: Date.parse(c.container.startedAt ?? c.container.createdAt) }, `container:${c.container.id}`, c.sample, rates))
      .sort((a, b) => a.name.localeCompare(b.name));
    const parts = [...(p.sandboxSample ? [p.sandboxSample] : []), ...p.containers.flatMap((c) => (c.sample ? [c.sample] : []))];
    podParts.push(...parts);
    const podRef = { name: p.sandbox.name, namespace: p.sandbox.namespace, uid: p.sandbox.podUid };
    return withUsage({ podRef, startTime: Date.parse(p.sandbox.createdAt), containers }, `pod:${p.sandbox.id}`, sumSamples(parts), rates);
  });
  pods.sort((a, b) => a.podRef.namespace.localeCompare(b.podRef.namespace) || a.podRef.name.localeCompare(b.podRef.name));
  const nodeTotal = sumSamples([...(input.node ? [input.node] : []), ...podParts]);
  const node = withUsage({ nodeName: input.nodeName, startTime: input.nodeStartTime }, 'node', nodeTotal, rates);
  rates.sweep();
  return { node, pods };
}

/** Of each container name in a sandbox, the latest attempt (removeTerminatedContainers). */
function latestAttempts(containers: RuntimeContainer[]): RuntimeContainer[] {
  const latest = new Map<string, RuntimeContainer>();
  for (const c of containers) {
    const key = `${c.sandboxId}/${c.name}`;
    const other = latest.get(key);
    if (!other || c.attempt > other.attempt) latest.set(key, c);
  }
  return [...latest.values()];
}

export interface RuntimeSummaryOptions {
  nodeName: string;
  runtime: Runtime;
  /** When the agent began measuring the node (NodeStats.startTime). */
  startTime: number;
  /** The node's own usage when the runtime cannot measure it (the agent process's). */
  ownUsage?: () => ResourceSample;
}

/** A node's Summary from its runtime, sampled on each call. */
export class RuntimeSummaryProvider implements SummaryProvider {
  private readonly rates = new CpuRates();

  constructor(private readonly o: RuntimeSummaryOptions) {}

  async summary(): Promise<Summary> {
    const runtime = this.o.runtime;
    const [sandboxes, containers, nodeSample] = await Promise.all([
      runtime.listPodSandboxes(),
      runtime.listContainers(),
      runtime.nodeStats ? runtime.nodeStats() : Promise.resolve(undefined),
    ]);
    const running = latestAttempts(containers.filter((c) => c.state === 'running'));
    const pods = await Promise.all(sandboxes.filter((s) => s.state === 'ready').map(async (sandbox): Promise<PodSamples> => {
      const own = running.filter((c) => c.sandboxId === sandbox.id);
      const [sandboxSample, ...samples] = await Promise.all([runtime.containerStats(sandbox.id), ...own.map((c) => runtime.containerStats(c.id))]);
      return { sandbox, sandboxSample, containers: own.map((container, i) => ({ container, sample: samples[i] })) };
    }));
    return buildSummary({ nodeName: this.o.nodeName, nodeStartTime: this.o.startTime, node: nodeSample ?? this.o.ownUsage?.(), pods }, this.rates);
  }
}

/** The agent process's own CPU time and resident memory (when no node container holds it). */
export function processUsage(): ResourceSample {
  const cpu = process.cpuUsage();
  const rss = process.memoryUsage.rss();
  return { time: new Date().toISOString(), cpuUsageCoreNanoSeconds: (cpu.user + cpu.system) * 1000, memory: { usageBytes: rss, workingSetBytes: rss, rssBytes: rss } };
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

function cpuJson(c: CpuStats | undefined): Record<string, unknown> | undefined {
  return c && { ...c, time: rfc3339(c.time) };
}

function memoryJson(m: MemoryStats | undefined): Record<string, unknown> | undefined {
  return m && { ...m, time: rfc3339(m.time) };
}

/** The v1alpha1 JSON: metav1.Time is RFC 3339 in seconds; absent stats are left out. */
export function summaryJson(s: Summary): unknown {
  const usage = (x: { cpu?: CpuStats; memory?: MemoryStats }) => ({ ...(x.cpu ? { cpu: cpuJson(x.cpu) } : {}), ...(x.memory ? { memory: memoryJson(x.memory) } : {}) });
  return {
    node: { nodeName: s.node.nodeName, startTime: rfc3339(s.node.startTime), ...usage(s.node) },
    pods: s.pods.map((p) => ({
      podRef: p.podRef,
      startTime: rfc3339(p.startTime),
      containers: p.containers.map((c) => ({ name: c.name, startTime: rfc3339(c.startTime), ...usage(c) })),
      ...usage(p),
    })),
  };
}
