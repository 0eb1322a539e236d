import { describe, expect, it } from 'vitest';
import type { ResourceSample, Runtime, RuntimeContainer, RuntimeSandbox } from '../runtime.js';
import { buildSummary, CpuRates, RuntimeSummaryProvider, summaryJson, type SummaryInput } from './summary.js';

function sample(time: string, cpu: number, workingSet: number, extra: Partial<ResourceSample['memory']> = {}): ResourceSample {
  return { time, cpuUsageCoreNanoSeconds: cpu, memory: { usageBytes: workingSet + 1000, workingSetBytes: workingSet, ...extra } };
}

const sandbox: RuntimeSandbox = { id: 'sb1', podUid: 'uid-1', namespace: 'default', name: 'busy', ip: '10.1.0.2', state: 'ready', createdAt: '2026-12-06T21:00:00Z' };

function container(name: string, id: string): RuntimeContainer {
  return { id: `docker://${id}`, sandboxId: 'sb1', name, attempt: 0, image: 'busybox', imageRef: 'sha256:x', state: 'running', createdAt: '2026-12-06T21:00:01Z', startedAt: '2026-12-06T21:00:02Z' };
}

function input(t: string, spin: number, side: number, node: number): SummaryInput {
  return {
    nodeName: 'n1',
    nodeStartTime: Date.parse('2026-12-06T20:00:00Z'),
    node: sample(t, node, 50_000_000, { rssBytes: 40_000_000 }),
    pods: [{
      sandbox,
      sandboxSample: sample(t, 1_000_000, 200_000, { rssBytes: 100_000 }),
      containers: [
        { container: container('spin', 'c1'), sample: sample(t, spin, 3_000_000, { rssBytes: 2_000_000, pageFaults: 10 }) },
        { container: container('side', 'c2'), sample: sample(t, side, 1_000_000, { rssBytes: 500_000, pageFaults: 5 }) },
      ],
    }],
  };
}

describe('buildSummary', () => {
  it('sums a pod from its sandbox and containers, and the node from its own part and its pods', () => {
    const s = buildSummary(input('2026-12-06T21:10:00.250Z', 2_000_000_000, 10_000_000, 5_000_000_000), new CpuRates());
    const t = Date.parse('2026-12-06T21:10:00.250Z');
    expect(s.node).toEqual({
      nodeName: 'n1',
      startTime: Date.parse('2026-12-06T20:00:00Z'),
      cpu: { time: t, usageCoreNanoSeconds: 7_011_000_000 },
      // pageFaults: the node's own part has none, so the sum has none either.
      memory: { time: t, usageBytes: 54_204_000, workingSetBytes: 54_200_000, rssBytes: 42_600_000 },
    });
    const [pod] = s.pods;
    expect(pod!.podRef).toEqual({ name: 'busy', namespace: 'default', uid: 'uid-1' });
    expect(pod!.startTime).toBe(Date.parse('2026-12-06T21:00:00Z'));
    expect(pod!.cpu).toEqual({ time: t, usageCoreNanoSeconds: 2_011_000_000 });
    expect(pod!.memory).toEqual({ time: t, usageBytes: 4_203_000, workingSetBytes: 4_200_000, rssBytes: 2_600_000 });
    expect(pod!.containers.map((c) => c.name)).toEqual(['side', 'spin']);
    expect(pod!.containers[1]).toEqual({
      name: 'spin',
      startTime: Date.parse('2026-12-06T21:00:02Z'),
      cpu: { time: t, usageCoreNanoSeconds: 2_000_000_000 },
      memory: { time: t, usageBytes: 3_001_000, workingSetBytes: 3_000_000, rssBytes: 2_000_000, pageFaults: 10 },
    });
  });

  it('gives usageNanoCores from the previous sample of the same cgroup, none for the first', () => {
    const rates = new CpuRates();
    buildSummary(input('2026-12-06T21:10:00Z', 2_000_000_000, 10_000_000, 5_000_000_000), rates);
    // Ten seconds later: spin used 5 s of CPU (half a core), side 0.1 s, the node's own part 2 s.
    const s = buildSummary(input('2026-12-06T21:10:10Z', 7_000_000_000, 110_000_000, 7_000_000_000), rates);
    const spin = s.pods[0]!.containers.find((c) => c.name === 'spin')!;
    expect(spin.cpu!.usageNanoCores).toBe(500_000_000);
    expect(s.pods[0]!.containers.find((c) => c.name === 'side')!.cpu!.usageNanoCores).toBe(10_000_000);
    expect(s.pods[0]!.cpu!.usageNanoCores).toBe(510_000_000);
    expect(s.node.cpu!.usageNanoCores).toBe(710_000_000);
  });

  it('starts a new window when a summed counter went down, and forgets removed cgroups', () => {
    const rates = new CpuRates();
    buildSummary(input('2026-12-06T21:10:00Z', 2_000_000_000, 10_000_000, 5_000_000_000), rates);
    const lower = buildSummary(input('2026-12-06T21:10:10Z', 1_000_000, 10_000_000, 5_000_000_000), rates);
    expect(lower.pods[0]!.containers.find((c) => c.name === 'spin')!.cpu!.usageNanoCores).toBeUndefined();
    buildSummary({ ...input('2026-12-06T21:10:20Z', 0, 0, 5_000_000_000), pods: [] }, rates);
    const back = buildSummary(input('2026-12-06T21:10:30Z', 2_000_000_000, 10_000_000, 5_000_000_000), rates);
    expect(back.pods[0]!.containers[0]!.cpu!.usageNanoCores).toBeUndefined();
  });

  it('lists a pod whose containers have no stats (hollow ones) without cpu or memory', () => {
    const s = buildSummary({ nodeName: 'n1', nodeStartTime: 0, pods: [{ sandbox, containers: [{ container: container('spin', 'c1') }] }] }, new CpuRates());
    expect(s.pods).toEqual([{ podRef: { name: 'busy', namespace: 'default', uid: 'uid-1' }, startTime: Date.parse(sandbox.createdAt), containers: [] }]);
    expect(s.node).toEqual({ nodeName: 'n1', startTime: 0 });
  });
});

describe('summaryJson', () => {
  it('prints v1alpha1\'s shape with metav1.Time in RFC 3339 seconds', () => {
    const s = buildSummary(input('2026-12-06T21:10:00.250Z', 2_000_000_000, 10_000_000, 5_000_000_000), new CpuRates());
    const json = summaryJson(s) as any;
    expect(json.node.startTime).toBe('2026-12-06T20:00:00Z');
    expect(json.node.cpu).toEqual({ time: '2026-12-06T21:10:00Z', usageCoreNanoSeconds: 7_011_000_000 });
    expect(json.pods[0].containers[1]).toEqual({
      name: 'spin',
      startTime: '2026-12-06T21:00:02Z',
      cpu: { time: '2026-12-06T21:10:00Z', usageCoreNanoSeconds: 2_000_000_000 },
      memory: { time: '2026-12-06T21:10:00Z', usageBytes: 3_001_000, workingSetBytes: 3_000_000, rssBytes: 2_000_000, pageFaults: 10 },
    });
    expect(Object.keys(json.pods[0])).toEqual(['podRef', 'startTime', 'containers', 'cpu', 'memory']);
  });
});

describe('RuntimeSummaryProvider', () => {
  it('samples ready sandboxes and the latest running attempt of each container', async () => {
    const asked: string[] = [];
    const old = { ...container('spin', 'c0'), state: 'exited' as const };
    const restarted = { ...container('spin', 'c1'), attempt: 1 };
    const runtime = {
      listPodSandboxes: async () => [sandbox, { ...sandbox, id: 'sb0', state: 'notready' }],
      listContainers: async () => [old, restarted, { ...container('side', 'c2'), sandboxId: 'sb0' }],
      containerStats: async (id: string) => {
        asked.push(id);
        return sample('2026-12-06T21:10:00Z', 1, 1);
      },
    } as unknown as Runtime;
    const own = sample('2026-12-06T21:10:00Z', 100, 100);
    const s = await new RuntimeSummaryProvider({ nodeName: 'n1', runtime, startTime: 0, ownUsage: () => own }).summary();
    expect(asked.sort()).toEqual(['docker://c1', 'sb1']);
    expect(s.pods.map((p) => p.containers.map((c) => c.name))).toEqual([['spin']]);
    expect(s.node.cpu!.usageCoreNanoSeconds).toBe(102);
  });
});
