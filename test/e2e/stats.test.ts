// The kubelet's resource stats through the API server's nodes/proxy, as metrics-server and
// `kubectl top` read them: /metrics/resource (Prometheus text) and /stats/summary (v1alpha1
// JSON), read with real kubectl 1.32 `get --raw`, for a pod that spins under a CPU limit.
import { beforeAll, describe, expect, it } from 'vitest';
import { useDockerAgent } from '../helpers/dockeragent.js';
import { eventually } from '../helpers/suite.js';

const d = useDockerAgent('sx');
const NODE = d.node;
const k = () => d.kubectl('1.32');

/** A container that burns CPU, held to a fifth of a core by its limit. */
const LIMIT_NANO_CORES = 200_000_000;

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

/** The exposition text's series (what metrics-server's decoder reads), its HELP/TYPE lines checked. */
function parseMetrics(text: string): Series[] {
  const series: Series[] = [];
  const typed = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\w+) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') typed.add(meta[2]!);
      continue;
    }
    const m = /^(\w+)(?:\{(.*)\})? (\S+)(?: (\d+))?$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    if (!typed.has(m[1]!)) throw new Error(`${m[1]} has no TYPE line before its samples`);
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    series.push({ name: m[1]!, labels, value: Number(m[3]), timestampMs: m[4] === undefined ? undefined : Number(m[4]) });
  }
  return series;
}

async function metrics(): Promise<Series[]> {
  return parseMetrics(await k().ok(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/metrics/resource`]));
}

async function summary(): Promise<any> {
  return JSON.parse(await k().ok(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/stats/summary`]));
}

function one(series: Series[], name: string, labels: Record<string, string> = {}): Series {
  const found = series.filter((s) => s.name === name && Object.entries(labels).every(([key, v]) => s.labels[key] === v));
  if (found.length !== 1) throw new Error(`${found.length} series ${name} ${JSON.stringify(labels)}`);
  return found[0]!;
}

beforeAll(async () => {
  await k().ok(['apply', '-f', '-'], {
    stdin: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'busy' },
      spec: { containers: [{ name: 'spin', image: d.image, command: ['sh', '-c', 'while :; do :; done'], resources: { limits: { cpu: '200m', memory: '64Mi' } } }] },
    }),
  });
  await eventually(async () => {
    const pod = JSON.parse(await k().ok(['get', 'pod', 'busy', '-o', 'json']));
    expect(pod.status.containerStatuses?.[0]?.state?.running).toBeDefined();
  }, 60_000, 250).catch((err) => { throw new Error(`${err}\nagent:\n${d.agentOutput()}`); });
}, 120_000);

describe('/metrics/resource', () => {
  it('has the busy container\'s growing CPU time, its working set and start time, its pod\'s, and the node\'s', async () => {
    const labels = { container: 'spin', namespace: 'default', pod: 'busy' };
    const first = await metrics();
    await new Promise((r) => setTimeout(r, 2000));
    const second = await metrics();
    const [a, b] = [one(first, 'container_cpu_usage_seconds_total', labels), one(second, 'container_cpu_usage_seconds_total', labels)];
    expect(b.value).toBeGreaterThan(a.value);
    // Held to 200m by its limit (a busy machine may give it less, never much more).
    const cores = (b.value - a.value) / ((b.timestampMs! - a.timestampMs!) / 1000);
    expect(cores).toBeGreaterThan(0.02);
    expect(cores).toBeLessThan(0.4);
    expect(Math.abs(b.timestampMs! - Date.now())).toBeLessThan(60_000);
    expect(one(second, 'container_memory_working_set_bytes', labels).value).toBeGreaterThan(0);
    const started = Date.parse(JSON.parse(await k().ok(['get', 'pod', 'busy', '-o', 'json'])).status.containerStatuses[0].state.running.startedAt);
    const start = one(second, 'container_start_time_seconds', labels);
    expect(start.timestampMs).toBeUndefined();
    expect(Math.abs(start.value * 1000 - started)).toBeLessThan(2000);
    // The pod is its container plus its sandbox; the node holds every pod.
    const pod = one(second, 'pod_cpu_usage_seconds_total', { namespace: 'default', pod: 'busy' });
    expect(pod.value).toBeGreaterThanOrEqual(b.value);
    expect(one(second, 'pod_memory_working_set_bytes', { namespace: 'default', pod: 'busy' }).value).toBeGreaterThan(0);
    expect(one(second, 'node_cpu_usage_seconds_total').value).toBeGreaterThanOrEqual(pod.value);
    expect(one(second, 'node_memory_working_set_bytes').value).toBeGreaterThan(0);
    expect(one(second, 'resource_scrape_error').value).toBe(0);
  });
});

describe('/stats/summary', () => {
  it('has the node and the busy pod with its container, and usageNanoCores from the previous sample', async () => {
    await summary();
    await new Promise((r) => setTimeout(r, 1500));
    const s = await summary();
    expect(s.node.nodeName).toBe(NODE);
    expect(s.node.cpu.usageCoreNanoSeconds).toBeGreaterThan(0);
    expect(s.node.memory.workingSetBytes).toBeGreaterThan(0);
    const pod = s.pods.find((p: any) => p.podRef.name === 'busy');
    expect(pod.podRef).toMatchObject({ namespace: 'default', uid: JSON.parse(await k().ok(['get', 'pod', 'busy', '-o', 'json'])).metadata.uid });
    const spin = pod.containers.find((c: any) => c.name === 'spin');
    expect(spin.startTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(spin.cpu.usageCoreNanoSeconds).toBeGreaterThan(0);
    expect(spin.cpu.usageNanoCores).toBeGreaterThan(LIMIT_NANO_CORES / 10);
    expect(spin.cpu.usageNanoCores).toBeLessThan(LIMIT_NANO_CORES * 2);
    expect(spin.memory.workingSetBytes).toBeGreaterThan(0);
    expect(spin.memory.workingSetBytes).toBeLessThanOrEqual(spin.memory.usageBytes);
    expect(spin.memory.workingSetBytes).toBeLessThan(64 * 1024 * 1024);
    expect(pod.cpu.usageCoreNanoSeconds).toBeGreaterThanOrEqual(spin.cpu.usageCoreNanoSeconds);
    expect(s.node.cpu.usageCoreNanoSeconds).toBeGreaterThanOrEqual(pod.cpu.usageCoreNanoSeconds);
  });
});
