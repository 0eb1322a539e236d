// The Engine API's container stats (GET /containers/{id}/stats?stream=false&one-shot=true) in
// the kubelet's terms, with cadvisor's arithmetic (container/libcontainer/handler.go): the working
// set is the usage less the inactive file cache, the page cache the kernel drops first under
// pressure. cgroup v1 engines report hierarchical counters (total_*, covering child cgroups), cgroup
// v2 ones the flat memory.stat keys (inactive_file, anon).
import type { EngineStats } from '../engine.js';

/** The part of the Engine API's stats answer read here (types/stats.go StatsJSON). */
export interface DockerStatsJson {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; stats?: Record<string, number | undefined> };
}

/** Docker's zero time: a container that is not running reports it as `read`. */
const ZERO_TIME_PREFIX = '0001-01-01';

/**
 * cadvisor's working set: usage minus inactive_file (cgroup v2) or total_inactive_file (v1),
 * never below zero (the counters are read at slightly different moments).
 */
export function workingSetBytes(usage: number, stats: Record<string, number | undefined>): number {
  const inactive = isCgroupV1(stats) ? stats.total_inactive_file : stats.inactive_file;
  if (inactive === undefined) return usage;
  return usage < inactive ? 0 : usage - inactive;
}

/** v1's memory.stat always carries the hierarchical total_* counters; v2's never does. */
function isCgroupV1(stats: Record<string, number | undefined>): boolean {
  return stats.total_inactive_file !== undefined || stats.hierarchical_memory_limit !== undefined;
}

/**
 * The sample, or undefined for a container that is not running (the engine then answers with a
 * zero `read` time and empty memory stats).
 */
export function fromStatsJson(raw: DockerStatsJson): EngineStats | undefined {
  if (!raw.read || raw.read.startsWith(ZERO_TIME_PREFIX)) return undefined;
  const memory = raw.memory_stats ?? {};
  if (memory.usage === undefined) return undefined;
  const stats = memory.stats ?? {};
  const v1 = isCgroupV1(stats);
  const result: EngineStats = {
    time: raw.read,
    cpuUsageCoreNanoSeconds: raw.cpu_stats?.cpu_usage?.total_usage ?? 0,
    memory: { usageBytes: memory.usage, workingSetBytes: workingSetBytes(memory.usage, stats) },
  };
  // cadvisor: RSS is total_rss on v1 and anon on v2; page faults the container's own counters.
  const rss = v1 ? stats.total_rss : stats.anon;
  if (rss !== undefined) result.memory.rssBytes = rss;
  if (stats.pgfault !== undefined) result.memory.pageFaults = stats.pgfault;
  if (stats.pgmajfault !== undefined) result.memory.majorPageFaults = stats.pgmajfault;
  return result;
}
