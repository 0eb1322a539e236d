import { describe, expect, it } from 'vitest';
import { chooseEndpoints, planService, portEndpoints, type PlanOptions } from './desired.js';
import type { EndpointSlice, Service } from './types.js';

const opts: PlanOptions = { clusterIPs: true, bindAddress: (ip) => ip, nodePortAddress: '0.0.0.0', nodeName: 'n1' };

function svc(spec: Service['spec'], name = 'web'): Service {
  return { metadata: { namespace: 'ns', name }, spec };
}

function slice(ports: EndpointSlice['ports'], endpoints: EndpointSlice['endpoints'], name = 's1'): EndpointSlice {
  return { metadata: { namespace: 'ns', name, labels: { 'kubernetes.io/service-name': 'web' } }, addressType: 'IPv4', ports, endpoints };
}

const ready = (ip: string, nodeName?: string) => ({ addresses: [ip], conditions: { ready: true, serving: true, terminating: false }, nodeName });

describe('planService', () => {
  it('listens on each ClusterIP port and NodePort, sharing one balancer per service port', () => {
    const s = svc({ type: 'NodePort', clusterIP: '10.96.0.5', ports: [{ name: 'http', port: 80, targetPort: 'web', nodePort: 30080 }] });
    const plans = planService(s, [slice([{ name: 'http', port: 8080, protocol: 'TCP' }], [ready('10.100.0.9')])], opts);
    expect(plans).toEqual([
      {
        id: 'ns/web:http/TCP',
        protocol: 'TCP',
        endpoints: [{ ip: '10.100.0.9', port: 8080 }],
        listen: [
          { address: '10.96.0.5', port: 80, kind: 'clusterIP' },
          { address: '0.0.0.0', port: 30080, kind: 'nodePort' },
        ],
      },
    ]);
  });

  it('answers only NodePorts on a node that does not hold the ClusterIPs', () => {
    const s = svc({ type: 'LoadBalancer', clusterIP: '10.96.0.5', ports: [{ port: 80, nodePort: 31000 }] });
    const plans = planService(s, [], { ...opts, clusterIPs: false, nodePortAddress: '127.0.0.1' });
    expect(plans.map((p) => p.listen)).toEqual([[{ address: '127.0.0.1', port: 31000, kind: 'nodePort' }]]);
  });

  it('maps ClusterIPs through bindAddress and skips headless, ExternalName, SCTP and missing services', () => {
    const mapped = planService(svc({ clusterIP: '10.96.0.5', ports: [{ port: 53, protocol: 'UDP' }] }), [], { ...opts, bindAddress: () => '127.0.0.2' });
    expect(mapped[0]!.listen).toEqual([{ address: '127.0.0.2', port: 53, kind: 'clusterIP' }]);
    expect(mapped[0]!.protocol).toBe('UDP');
    expect(planService(svc({ clusterIP: 'None', ports: [{ port: 80 }] }), [], opts)).toEqual([]);
    expect(planService(svc({ type: 'ExternalName', ports: [{ port: 80 }] }), [], opts)).toEqual([]);
    expect(planService(svc({ clusterIP: '10.96.0.5', ports: [{ port: 80, protocol: 'SCTP' }] }), [], opts)).toEqual([]);
    expect(planService(undefined, [], opts)).toEqual([]);
  });

  it('carries ClientIP affinity with its timeout (3 hours by default)', () => {
    const base = { clusterIP: '10.96.0.5', ports: [{ port: 80 }], sessionAffinity: 'ClientIP' };
    expect(planService(svc(base), [], opts)[0]!.affinity).toEqual({ timeoutMs: 10800_000 });
    const short = { ...base, sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } } };
    expect(planService(svc(short), [], opts)[0]!.affinity).toEqual({ timeoutMs: 5000 });
    expect(planService(svc({ ...base, sessionAffinity: 'None' }), [], opts)[0]!.affinity).toBeUndefined();
  });

  it('splits a port whose traffic policies differ, keeping only local endpoints where Local', () => {
    const s = svc({ type: 'NodePort', clusterIP: '10.96.0.5', externalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 30001 }] });
    const sl = slice([{ name: '', port: 8080, protocol: 'TCP' }], [ready('10.100.0.9', 'n1'), ready('10.100.0.10', 'n2')]);
    const plans = planService(s, [sl], opts);
    expect(plans.map((p) => [p.id, p.endpoints.map((e) => e.ip), p.listen.map((l) => l.kind)])).toEqual([
      ['ns/web:/TCP', ['10.100.0.10', '10.100.0.9'], ['clusterIP']],
      ['ns/web:/TCP@local', ['10.100.0.9'], ['nodePort']],
    ]);
  });

  it('does not change the cached objects it reads', () => {
    const s = svc({ clusterIP: '10.96.0.5', ports: [{ port: 80 }] });
    const sl = slice([{ name: '', port: 8080, protocol: 'TCP' }], [ready('10.100.0.9')]);
    const before = JSON.stringify([s, sl]);
    planService(Object.freeze(s), [Object.freeze(sl)], opts);
    expect(JSON.stringify([s, sl])).toBe(before);
  });
});

describe('portEndpoints (named port resolution)', () => {
  it('takes the number from the slice port named like the service port, per slice', () => {
    // Pods serving targetPort "web" on different numbers land in different slices.
    const a = slice([{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }], [ready('10.0.0.1')], 'a');
    const b = slice([{ name: 'http', port: 8081, protocol: 'TCP' }], [ready('10.0.0.2')], 'b');
    const eps = portEndpoints([a, b], { name: 'http', port: 80, targetPort: 'web' });
    expect(eps.map((e) => `${e.ip}:${e.port}`)).toEqual(['10.0.0.1:8080', '10.0.0.2:8081']);
    expect(portEndpoints([a, b], { name: 'metrics', port: 9000 }).map((e) => e.port)).toEqual([9090]);
  });

  it('matches the protocol and ignores slices without the port or of type FQDN', () => {
    const udp = slice([{ name: 'dns', port: 53, protocol: 'UDP' }], [ready('10.0.0.1')]);
    expect(portEndpoints([udp], { name: 'dns', port: 53, protocol: 'TCP' })).toEqual([]);
    expect(portEndpoints([udp], { name: 'dns', port: 53, protocol: 'UDP' })).toHaveLength(1);
    const fqdn = { ...slice([{ name: 'dns', port: 53, protocol: 'UDP' }], [ready('example.com')]), addressType: 'FQDN' };
    expect(portEndpoints([fqdn], { name: 'dns', port: 53, protocol: 'UDP' })).toEqual([]);
  });

  it('dedupes an endpoint listed in two slices, keeping its ready view', () => {
    const ports = [{ name: '', port: 80, protocol: 'TCP' }];
    const a = slice(ports, [{ addresses: ['10.0.0.1'], conditions: { ready: false } }], 'a');
    const b = slice(ports, [ready('10.0.0.1')], 'b');
    expect(portEndpoints([a, b], { port: 80 })).toEqual([expect.objectContaining({ ip: '10.0.0.1', ready: true })]);
  });
});

describe('chooseEndpoints', () => {
  const ports = [{ name: '', port: 80, protocol: 'TCP' }];
  const cands = (endpoints: EndpointSlice['endpoints']) => portEndpoints([slice(ports, endpoints)], { port: 80 });

  it('uses ready endpoints only; unset ready counts as ready', () => {
    const eps = cands([
      { addresses: ['10.0.0.1'], conditions: { ready: true } },
      { addresses: ['10.0.0.2'], conditions: { ready: false, serving: false } },
      { addresses: ['10.0.0.3'] },
      { addresses: ['10.0.0.4'], conditions: { ready: false, serving: true, terminating: true } },
    ]);
    expect(chooseEndpoints(eps).map((e) => e.ip)).toEqual(['10.0.0.1', '10.0.0.3']);
  });

  it('falls back to serving terminating endpoints when none is ready, and never to unready ones', () => {
    const eps = cands([
      { addresses: ['10.0.0.2'], conditions: { ready: false, serving: false, terminating: false } },
      { addresses: ['10.0.0.4'], conditions: { ready: false, serving: true, terminating: true } },
    ]);
    expect(chooseEndpoints(eps).map((e) => e.ip)).toEqual(['10.0.0.4']);
    expect(chooseEndpoints(cands([{ addresses: ['10.0.0.2'], conditions: { ready: false } }]))).toEqual([]);
  });
});
