import { describe, expect, it } from 'vitest';
import {
  computeSubsets,
  desiredEndpoints,
  findPort,
  lastChangeTriggerTime,
  managesEndpointsOf,
  repackSubsets,
  truncateSubsets,
  HEADLESS_LABEL,
  TRIGGER_TIME_ANNOTATION,
} from './compute.js';
import type { Pod, Service } from './types.js';

function svc(extra: Partial<Service['spec']> = {}, meta: Partial<Service['metadata']> = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', creationTimestamp: '2024-01-01T00:00:00Z', labels: { app: 'web' }, ...meta },
    spec: { selector: { app: 'web' }, clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], ...extra },
  };
}

function pod(name: string, ip: string, opts: { ready?: boolean; labels?: Record<string, string>; phase?: string; deleting?: boolean; ports?: { name: string; containerPort: number }[]; readyAt?: string; hostname?: string; subdomain?: string } = {}): Pod {
  return {
    metadata: {
      name,
      namespace: 'ns',
      uid: `uid-${name}`,
      labels: opts.labels ?? { app: 'web' },
      creationTimestamp: '2024-01-01T00:00:01Z',
      ...(opts.deleting ? { deletionTimestamp: '2024-01-01T00:10:00Z' } : {}),
    },
    spec: { nodeName: 'node-a', containers: [{ name: 'c', ports: opts.ports }], hostname: opts.hostname, subdomain: opts.subdomain },
    status: {
      phase: opts.phase ?? 'Running',
      podIP: ip,
      podIPs: ip ? [{ ip }] : [],
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True', lastTransitionTime: opts.readyAt ?? '2024-01-01T00:00:05Z' }],
    },
  };
}

describe('computeSubsets', () => {
  it('lists ready pods as addresses and unready ones as notReadyAddresses', () => {
    const { subsets, ready, notReady } = computeSubsets(svc(), [pod('a', '10.1.0.2'), pod('b', '10.1.0.3', { ready: false }), pod('c', '10.1.0.10')]);
    expect(ready).toBe(2);
    expect(notReady).toBe(1);
    expect(subsets).toEqual([
      {
        addresses: [
          { ip: '10.1.0.2', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' } },
          { ip: '10.1.0.10', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'ns', name: 'c', uid: 'uid-c' } },
        ],
        notReadyAddresses: [{ ip: '10.1.0.3', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'ns', name: 'b', uid: 'uid-b' } }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  it('skips pods without an IP, terminal, terminating, or not selected', () => {
    const pods = [
      pod('noip', ''),
      pod('done', '10.1.0.4', { phase: 'Succeeded' }),
      pod('going', '10.1.0.5', { deleting: true }),
      pod('other', '10.1.0.6', { labels: { app: 'db' } }),
    ];
    expect(computeSubsets(svc(), pods).subsets).toEqual([]);
  });

  it('publishNotReadyAddresses lists unready and terminating pods as ready', () => {
    const { subsets } = computeSubsets(svc({ publishNotReadyAddresses: true }), [pod('a', '10.1.0.2', { ready: false }), pod('b', '10.1.0.3', { deleting: true })]);
    expect(subsets[0]!.addresses!.map((a) => a.ip)).toEqual(['10.1.0.2', '10.1.0.3']);
    expect(subsets[0]!.notReadyAddresses).toBeUndefined();
  });

  it('resolves named target ports per pod and splits subsets by port set', () => {
    const s = svc({ ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }] });
    const pods = [pod('a', '10.1.0.2', { ports: [{ name: 'web', containerPort: 8080 }] }), pod('b', '10.1.0.3', { ports: [{ name: 'web', containerPort: 9090 }] }), pod('c', '10.1.0.4')];
    const { subsets } = computeSubsets(s, pods);
    expect(subsets.map((ss) => [ss.addresses!.map((a) => a.ip), ss.ports!.map((p) => p.port)])).toEqual([
      [['10.1.0.2'], [8080]],
      [['10.1.0.3'], [9090]],
    ]);
  });

  it('headless services without ports still list their pods', () => {
    const { subsets } = computeSubsets(svc({ clusterIP: 'None', ports: [] }), [pod('a', '10.1.0.2')]);
    expect(subsets).toEqual([{ addresses: [expect.objectContaining({ ip: '10.1.0.2' })] }]);
  });

  it('sets the hostname of pods whose subdomain is the service', () => {
    const { subsets } = computeSubsets(svc(), [pod('a', '10.1.0.2', { hostname: 'a', subdomain: 'web' }), pod('b', '10.1.0.3', { hostname: 'b', subdomain: 'other' })]);
    expect(subsets[0]!.addresses!.map((a) => a.hostname)).toEqual(['a', undefined]);
  });
});

describe('repackSubsets', () => {
  it('merges ports served by the same addresses; not ready on one port means not ready', () => {
    const a = { ip: '1.1.1.1' };
    const b = { ip: '1.1.1.2' };
    const out = repackSubsets([
      { addresses: [a], ports: [{ name: 'x', port: 1 }] },
      { addresses: [a], ports: [{ name: 'y', port: 2 }] },
      { addresses: [b], ports: [{ name: 'x', port: 1 }] },
      { notReadyAddresses: [b], ports: [{ name: 'x', port: 1 }] },
    ]);
    expect(out).toEqual([
      { addresses: [a], notReadyAddresses: [b], ports: [{ name: 'x', port: 1 }] },
      { addresses: [a], ports: [{ name: 'y', port: 2 }] },
    ]);
  });

  it('puts ports with the same addresses in one subset', () => {
    const a = { ip: '1.1.1.1' };
    const out = repackSubsets([
      { addresses: [a], ports: [{ name: 'y', port: 2 }] },
      { addresses: [a], ports: [{ name: 'x', port: 1 }] },
    ]);
    expect(out).toEqual([{ addresses: [a], ports: [{ name: 'x', port: 1 }, { name: 'y', port: 2 }] }]);
  });
});

describe('findPort', () => {
  it('uses numbers as they are, defaults to the port, and matches names with protocol', () => {
    const p = pod('a', '1.1.1.1', { ports: [{ name: 'dns', containerPort: 53 }] });
    expect(findPort(p, { port: 80 })).toBe(80);
    expect(findPort(p, { port: 80, targetPort: 8080 })).toBe(8080);
    expect(findPort(p, { port: 80, targetPort: '8081' })).toBe(8081);
    expect(findPort(p, { port: 53, targetPort: 'dns', protocol: 'TCP' })).toBe(53);
    expect(findPort(p, { port: 53, targetPort: 'dns', protocol: 'UDP' })).toBeUndefined();
    expect(findPort(p, { port: 53, targetPort: 'nope' })).toBeUndefined();
  });
});

describe('desiredEndpoints', () => {
  it('builds a new object with labels and the trigger time', () => {
    const ep = desiredEndpoints(svc(), [pod('a', '10.1.0.2', { readyAt: '2024-01-02T00:00:00Z' })], undefined)!;
    expect(ep.metadata).toMatchObject({ name: 'web', namespace: 'ns', labels: { app: 'web' }, annotations: { [TRIGGER_TIME_ANNOTATION]: '2024-01-02T00:00:00Z' } });
    expect(ep.subsets).toHaveLength(1);
  });

  it('writes nothing when the current object already matches', () => {
    const pods = [pod('a', '10.1.0.2')];
    const first = desiredEndpoints(svc(), pods, undefined)!;
    const stored = { ...first, metadata: { ...first.metadata, resourceVersion: '5' } };
    expect(desiredEndpoints(svc(), pods, stored)).toBeUndefined();
  });

  it('updates a copy, never the current (cached) object', () => {
    const current = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'ns', resourceVersion: '3', labels: { app: 'web' } }, subsets: [] };
    const frozen = JSON.stringify(current);
    const next = desiredEndpoints(svc(), [pod('a', '10.1.0.2')], current)!;
    expect(next.metadata.resourceVersion).toBe('3');
    expect(JSON.stringify(current)).toBe(frozen);
  });

  it('marks headless services and drops empty subsets', () => {
    const ep = desiredEndpoints(svc({ clusterIP: 'None' }), [], undefined)!;
    expect(ep.metadata.labels).toEqual({ app: 'web', [HEADLESS_LABEL]: '' });
    expect(ep.subsets).toBeUndefined();
  });
});

describe('managesEndpointsOf', () => {
  it('skips selector-less, ExternalName and the kubernetes service', () => {
    expect(managesEndpointsOf(svc())).toBe(true);
    expect(managesEndpointsOf(svc({ selector: undefined }))).toBe(false);
    expect(managesEndpointsOf(svc({ selector: {} }))).toBe(false);
    expect(managesEndpointsOf(svc({ type: 'ExternalName' }))).toBe(false);
    expect(managesEndpointsOf(svc({}, { name: 'kubernetes', namespace: 'default' }))).toBe(false);
  });
});

describe('truncateSubsets and trigger time', () => {
  it('keeps at most max addresses, ready first', () => {
    const subsets = [{ addresses: [{ ip: '1' }, { ip: '2' }], notReadyAddresses: [{ ip: '3' }], ports: [{ port: 1 }] }];
    expect(truncateSubsets(subsets, 2)).toEqual({ subsets: [{ addresses: [{ ip: '1' }, { ip: '2' }], ports: [{ port: 1 }] }], truncated: true });
    expect(truncateSubsets(subsets, 3).truncated).toBe(false);
  });

  it('is the latest of service creation and pod readiness changes', () => {
    expect(lastChangeTriggerTime(svc(), [])).toBe('2024-01-01T00:00:00Z');
    expect(lastChangeTriggerTime(svc(), [pod('a', '1', { readyAt: '2024-03-01T00:00:00Z' }), pod('b', '2', { readyAt: '2024-02-01T00:00:00Z' })])).toBe('2024-03-01T00:00:00Z');
  });
});
