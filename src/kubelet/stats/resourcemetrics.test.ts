import { describe, expect, it } from 'vitest';
import { goFloat, renderResourceMetrics } from './resourcemetrics.js';
import type { Summary } from './summary.js';

describe('goFloat (strconv.FormatFloat(v, \'g\', -1, 64))', () => {
  it('prints the shortest digits, in exponent form below 1e-4 and from 1e6', () => {
    expect(goFloat(0)).toBe('0');
    expect(goFloat(1)).toBe('1');
    expect(goFloat(40.384910049)).toBe('40.384910049');
    expect(goFloat(254.050927655)).toBe('254.050927655');
    expect(goFloat(999999)).toBe('999999');
    expect(goFloat(1e6)).toBe('1e+06');
    expect(goFloat(17391616)).toBe('1.7391616e+07');
    expect(goFloat(1137475584)).toBe('1.137475584e+09');
    expect(goFloat(1.7506078418297591e9)).toBe('1.7506078418297591e+09');
    expect(goFloat(0.0001)).toBe('0.0001');
    expect(goFloat(0.00001234)).toBe('1.234e-05');
    expect(goFloat(1e100)).toBe('1e+100');
    expect(goFloat(Number.NaN)).toBe('NaN');
    expect(goFloat(Infinity)).toBe('+Inf');
  });
});

const t = 1750705774670;

const summary: Summary = {
  node: { nodeName: 'n1', startTime: 0, cpu: { time: t, usageCoreNanoSeconds: 6197005020909 }, memory: { time: t, workingSetBytes: 1137475584 } },
  pods: [
    {
      podRef: { name: 'web', namespace: 'prod', uid: 'u2' },
      startTime: 0,
      containers: [{ name: 'nginx', startTime: 1750607946487, cpu: { time: t - 5, usageCoreNanoSeconds: 44356054006 }, memory: { time: t - 5, workingSetBytes: 4206592 } }],
      cpu: { time: t - 4, usageCoreNanoSeconds: 44421506699 },
      memory: { time: t - 4, workingSetBytes: 4403200 },
    },
    {
      podRef: { name: 'kube-proxy-q4dks', namespace: 'kube-system', uid: 'u1' },
      startTime: 0,
      containers: [
        { name: 'kube-proxy', startTime: 1710211558868, cpu: { time: t - 1, usageCoreNanoSeconds: 27787800906 }, memory: { time: t - 1, workingSetBytes: 13893632 } },
        { name: 'hollow', startTime: 1710211558000 },
      ],
    },
  ],
};

describe('renderResourceMetrics', () => {
  it('prints upstream\'s families sorted by name, series by label values, with millisecond timestamps', () => {
    expect(renderResourceMetrics(summary)).toBe(`# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds
# TYPE container_cpu_usage_seconds_total counter
container_cpu_usage_seconds_total{container="kube-proxy",namespace="kube-system",pod="kube-proxy-q4dks"} 27.787800906 1750705774669
container_cpu_usage_seconds_total{container="nginx",namespace="prod",pod="web"} 44.356054006 1750705774665
# HELP container_memory_working_set_bytes [STABLE] Current working set of the container in bytes
# TYPE container_memory_working_set_bytes gauge
container_memory_working_set_bytes{container="kube-proxy",namespace="kube-system",pod="kube-proxy-q4dks"} 1.3893632e+07 1750705774669
container_memory_working_set_bytes{container="nginx",namespace="prod",pod="web"} 4.206592e+06 1750705774665
# HELP container_start_time_seconds [STABLE] Start time of the container since unix epoch in seconds
# TYPE container_start_time_seconds gauge
container_start_time_seconds{container="hollow",namespace="kube-system",pod="kube-proxy-q4dks"} 1.710211558e+09
container_start_time_seconds{container="kube-proxy",namespace="kube-system",pod="kube-proxy-q4dks"} 1.710211558868e+09
container_start_time_seconds{container="nginx",namespace="prod",pod="web"} 1.750607946487e+09
# HELP node_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the node in core-seconds
# TYPE node_cpu_usage_seconds_total counter
node_cpu_usage_seconds_total 6197.005020909 1750705774670
# HELP node_memory_working_set_bytes [STABLE] Current working set of the node in bytes
# TYPE node_memory_working_set_bytes gauge
node_memory_working_set_bytes 1.137475584e+09 1750705774670
# HELP pod_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the pod in core-seconds
# TYPE pod_cpu_usage_seconds_total counter
pod_cpu_usage_seconds_total{namespace="prod",pod="web"} 44.421506699 1750705774666
# HELP pod_memory_working_set_bytes [STABLE] Current working set of the pod in bytes
# TYPE pod_memory_working_set_bytes gauge
pod_memory_working_set_bytes{namespace="prod",pod="web"} 4.4032e+06 1750705774666
# HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise
# TYPE resource_scrape_error gauge
resource_scrape_error 0
`);
  });

  it('prints only the families with series, and resource_scrape_error 1 when the summary failed', () => {
    expect(renderResourceMetrics({ node: { nodeName: 'n1', startTime: 0 }, pods: [] })).toBe(`# HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise
# TYPE resource_scrape_error gauge
resource_scrape_error 0
`);
    expect(renderResourceMetrics(undefined)).toMatch(/\nresource_scrape_error 1\n$/);
  });

  it('escapes label values', () => {
    const odd: Summary = { node: { nodeName: 'n', startTime: 0 }, pods: [{ podRef: { name: 'a"b\\c', namespace: 'x', uid: 'u' }, startTime: 0, containers: [], memory: { time: 1, workingSetBytes: 1 } }] };
    expect(renderResourceMetrics(odd)).toContain('pod_memory_working_set_bytes{namespace="x",pod="a\\"b\\\\c"} 1 1\n');
  });
});
