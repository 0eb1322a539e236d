import { describe, expect, it } from 'vitest';
import { fromStatsJson, workingSetBytes, type DockerStatsJson } from './stats.js';

/** What Docker 20.10 on a cgroup v1 host answered for a busybox container (trimmed). */
const V1: DockerStatsJson = {
  read: '2026-12-06T21:50:21.186233248Z',
  cpu_stats: { cpu_usage: { total_usage: 25087255 } },
  memory_stats: {
    usage: 643072,
    stats: {
      active_file: 20480, cache: 28672, hierarchical_memory_limit: 9223372036854771712, inactive_file: 8192,
      pgfault: 1228, pgmajfault: 0, rss: 53248, total_inactive_file: 12288, total_pgfault: 1300, total_rss: 57344,
    },
  },
};

/** The same engine on a cgroup v2 host: memory.stat's flat keys, no total_*. */
const V2: DockerStatsJson = {
  read: '2026-12-06T21:50:22.5Z',
  cpu_stats: { cpu_usage: { total_usage: 91000000 } },
  memory_stats: {
    usage: 1048576,
    stats: { anon: 430080, file: 520192, inactive_file: 262144, active_file: 258048, pgfault: 2211, pgmajfault: 3 },
  },
};

describe('the working set (cadvisor\'s)', () => {
  it('is the usage less total_inactive_file on cgroup v1 (not the non-hierarchical inactive_file)', () => {
    expect(workingSetBytes(643072, V1.memory_stats!.stats!)).toBe(643072 - 12288);
  });

  it('is the usage less inactive_file on cgroup v2', () => {
    expect(workingSetBytes(1048576, V2.memory_stats!.stats!)).toBe(1048576 - 262144);
  });

  it('is never negative, and the whole usage when the engine reports no inactive file cache', () => {
    expect(workingSetBytes(4096, { total_inactive_file: 8192 })).toBe(0);
    expect(workingSetBytes(4096, { inactive_file: 8192 })).toBe(0);
    expect(workingSetBytes(4096, {})).toBe(4096);
  });
});

describe('fromStatsJson', () => {
  it('reads a cgroup v1 sample: cumulative CPU, hierarchical RSS, the container\'s page faults', () => {
    expect(fromStatsJson(V1)).toEqual({
      time: '2026-12-06T21:50:21.186233248Z',
      cpuUsageCoreNanoSeconds: 25087255,
      memory: { usageBytes: 643072, workingSetBytes: 630784, rssBytes: 57344, pageFaults: 1228, majorPageFaults: 0 },
    });
  });

  it('reads a cgroup v2 sample: RSS is anon', () => {
    expect(fromStatsJson(V2)).toEqual({
      time: '2026-12-06T21:50:22.5Z',
      cpuUsageCoreNanoSeconds: 91000000,
      memory: { usageBytes: 1048576, workingSetBytes: 786432, rssBytes: 430080, pageFaults: 2211, majorPageFaults: 3 },
    });
  });

  it('has no sample for a container that is not running (zero read time, empty memory stats)', () => {
    expect(fromStatsJson({ read: '0001-01-01T00:00:00Z', cpu_stats: { cpu_usage: { total_usage: 0 } }, memory_stats: {} })).toBeUndefined();
    expect(fromStatsJson({ read: '2026-12-06T21:50:21Z', memory_stats: {} })).toBeUndefined();
  });
});
