// /metrics/resource (pkg/kubelet/metrics/collectors/resource_metrics.go): the Summary's CPU and
// memory as Prometheus text, what metrics-server scrapes. Printed as client_golang's text encoder
// (expfmt) prints a gathered registry: families sorted by name, each with `# HELP` (the stability
// level in brackets, as component-base adds it) and `# TYPE`, series sorted by their label values,
// labels sorted by name, values as Go's strconv 'g' shortest form, and the sample's own time as a
// millisecond timestamp (container_start_time_seconds has none). Families without series are left
// out, as the gatherer drops them; resource_scrape_error is always there.
import type { PodStats, Summary } from './summary.js';

/** The exposition format's content type (expfmt FmtText). */
export const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

interface Series {
  labels: [string, string][];
  value: number;
  timestampMs?: number;
}

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  series: Series[];
}

const HELP: Record<string, string> = {
  node_cpu_usage_seconds_total: 'Cumulative cpu time consumed by the node in core-seconds',
  node_memory_working_set_bytes: 'Current working set of the node in bytes',
  container_cpu_usage_seconds_total: 'Cumulative cpu time consumed by the container in core-seconds',
  container_memory_working_set_bytes: 'Current working set of the container in bytes',
  container_start_time_seconds: 'Start time of the container since unix epoch in seconds',
  pod_cpu_usage_seconds_total: 'Cumulative cpu time consumed by the pod in core-seconds',
  pod_memory_working_set_bytes: 'Current working set of the pod in bytes',
  resource_scrape_error: '1 if there was an error while getting container metrics, 0 otherwise',
};

/**
 * Go's strconv.FormatFloat(v, 'g', -1, 64), as expfmt writes sample values: the shortest digits
 * that read back the same, in exponent form when the exponent is below -4 or at least 6 (with a
 * signed, two-digit exponent: 1.7391616e+07).
 */
export function goFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mantissa, exp] = v.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= 6) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return String(v);
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function compareSeries(a: Series, b: Series): number {
  for (let i = 0; i < Math.min(a.labels.length, b.labels.length); i++) {
    const [x, y] = [a.labels[i]![1], b.labels[i]![1]];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function renderFamily(f: Family): string {
  const lines = [`# HELP ${f.name} [STABLE] ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`];
  for (const s of [...f.series].sort(compareSeries)) {
    const labels = s.labels.length ? `{${[...s.labels].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
    lines.push(`${f.name}${labels} ${goFloat(s.value)}${s.timestampMs !== undefined ? ` ${Math.floor(s.timestampMs)}` : ''}`);
  }
  return lines.join('\n') + '\n';
}

function podLabels(p: PodStats): [string, string][] {
  return [['namespace', p.podRef.namespace], ['pod', p.podRef.name]];
}

/** The series of a Summary (CollectWithStability), by family name. */
function collect(summary: Summary): Map<string, Series[]> {
  const out = new Map<string, Series[]>();
  const add = (name: string, s: Series) => out.set(name, [...(out.get(name) ?? []), s]);
  const { node } = summary;
  if (node.cpu?.usageCoreNanoSeconds !== undefined) add('node_cpu_usage_seconds_total', { labels: [], value: node.cpu.usageCoreNanoSeconds / 1e9, timestampMs: node.cpu.time });
  if (node.memory?.workingSetBytes !== undefined) add('node_memory_working_set_bytes', { labels: [], value: node.memory.workingSetBytes, timestampMs: node.memory.time });
  for (const pod of summary.pods) {
    for (const c of pod.containers) {
      const labels: [string, string][] = [['container', c.name], ...podLabels(pod)];
      if (c.startTime / 1000 > 0) add('container_start_time_seconds', { labels, value: c.startTime / 1000 });
      if (c.cpu?.usageCoreNanoSeconds !== undefined) add('container_cpu_usage_seconds_total', { labels, value: c.cpu.usageCoreNanoSeconds / 1e9, timestampMs: c.cpu.time });
      if (c.memory?.workingSetBytes !== undefined) add('container_memory_working_set_bytes', { labels, value: c.memory.workingSetBytes, timestampMs: c.memory.time });
    }
    if (pod.cpu?.usageCoreNanoSeconds !== undefined) add('pod_cpu_usage_seconds_total', { labels: podLabels(pod), value: pod.cpu.usageCoreNanoSeconds / 1e9, timestampMs: pod.cpu.time });
    if (pod.memory?.workingSetBytes !== undefined) add('pod_memory_working_set_bytes', { labels: podLabels(pod), value: pod.memory.workingSetBytes, timestampMs: pod.memory.time });
  }
  return out;
}

const TYPES: Record<string, Family['type']> = {
  node_cpu_usage_seconds_total: 'counter',
  container_cpu_usage_seconds_total: 'counter',
  pod_cpu_usage_seconds_total: 'counter',
};

/** The /metrics/resource body for a Summary, or for a failed one (only resource_scrape_error 1). */
export function renderResourceMetrics(summary: Summary | undefined): string {
  const series = summary ? collect(summary) : new Map<string, Series[]>();
  series.set('resource_scrape_error', [{ labels: [], value: summary ? 0 : 1 }]);
  return [...series.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, s]) => renderFamily({ name, help: HELP[name]!, type: TYPES[name] ?? 'gauge', series: s }))
    .join('');
}
