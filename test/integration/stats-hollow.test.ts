// Stats on a hollow node (`skiff agent --runtime fake`): its containers run no process, so, as a
// kubelet whose runtime has no stats for a container, /stats/summary lists the pod without
// containers or usage and /metrics/resource has no container or pod series; the node's own usage
// is the agent process's. Read through nodes/proxy with real kubectl 1.32.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useHollowNodes } from '../helpers/agent.js';
import { eventually, useControlPlane } from '../helpers/suite.js';

const nodeDir = mkdtempSync(join(tmpdir(), 'skiff-stats-hollow-'));
const nodeKubeconfig = join(nodeDir, 'node-kubeconfig');
const s = useControlPlane({ extraArgs: ['--node-kubeconfig-out', nodeKubeconfig] });
afterAll(() => rmSync(nodeDir, { recursive: true, force: true }));
const k = () => s.kubectl('1.32');

describe('a hollow node\'s stats', () => {
  useHollowNodes(s, nodeKubeconfig, ['hollow-s']);

  it('lists its running pod with no container stats, and the agent process as the node', async () => {
    await k().ok(['run', 'ghost', '--image=busybox', '--', 'sleep', '3600']);
    await eventually(async () => expect(JSON.parse(await k().ok(['get', 'pod', 'ghost', '-o', 'json'])).status.phase).toBe('Running'), 30_000, 200);
    const summary = JSON.parse(await k().ok(['get', '--raw', '/api/v1/nodes/hollow-s/proxy/stats/summary']));
    expect(summary.node.nodeName).toBe('hollow-s');
    expect(summary.node.cpu.usageCoreNanoSeconds).toBeGreaterThan(0);
    expect(summary.node.memory.workingSetBytes).toBeGreaterThan(10 * 1024 * 1024);
    const ghost = summary.pods.find((p: any) => p.podRef.name === 'ghost');
    expect(ghost).toEqual({ podRef: { name: 'ghost', namespace: 'default', uid: expect.any(String) }, startTime: expect.stringMatching(/Z$/), containers: [] });
    const metrics = await k().ok(['get', '--raw', '/api/v1/nodes/hollow-s/proxy/metrics/resource']);
    expect(metrics).toMatch(/\nnode_cpu_usage_seconds_total [\d.e+]+ \d{13}\n/);
    expect(metrics).not.toMatch(/^(container|pod)_/m);
    expect(metrics).toMatch(/\nresource_scrape_error 0\n$/);
  });
});
