import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import {
  apiServicePrinter,
  clusterRoleBindingPrinter,
  endpointSlicePrinter,
  ingressClassPrinter,
  ingressPrinter,
  leasePrinter,
  networkPolicyPrinter,
  roleBindingPrinter,
  storageClassPrinter,
} from './misc.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ctx = { now: NOW };
const ago = (ms: number) => new Date(NOW - ms).toISOString().replace('.000Z', 'Z');
const H = 3600_000;

function obj(extra: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name: 'x', creationTimestamp: ago(3 * H + 4 * 60_000), ...meta }, ...extra };
}

describe('endpointslice printer', () => {
  it('ports, endpoints, "+ N more..." and <unset>', () => {
    const eps = obj({
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'metrics' }, {}],
      endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2', '10.0.0.3'] }, { addresses: ['10.0.0.4'] }],
    });
    expect(endpointSlicePrinter.row(eps, ctx)).toEqual(['x', 'IPv4', '80,metrics,*', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '3h4m']);
    expect(endpointSlicePrinter.row(obj({ addressType: 'IPv6' }), ctx)).toEqual(['x', 'IPv6', '<unset>', '<unset>', '3h4m']);
  });
});

describe('ingress printers', () => {
  it('class, hosts, address, ports', () => {
    const ing = obj({
      spec: { ingressClassName: 'nginx', rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }], tls: [{ hosts: ['a.example.com'] }] },
      status: { loadBalancer: { ingress: [{ ip: '172.18.0.5' }] } },
    });
    expect(ingressPrinter.columns.map((c) => c.name)).toEqual(['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age']);
    expect(ingressPrinter.row(ing, ctx)).toEqual(['x', 'nginx', 'a.example.com,b.example.com', '172.18.0.5', '80, 443', '3h4m']);
  });

  it('defaults: <none> class, * hosts, empty address, port 80; more than three hosts', () => {
    expect(ingressPrinter.row(obj({ spec: { rules: [{ http: {} }] } }), ctx)).toEqual(['x', '<none>', '*', '', '80', '3h4m']);
    const many = obj({ spec: { rules: ['a', 'b', 'c', 'd', 'e'].map((h) => ({ host: `${h}.io` })) } });
    expect(ingressPrinter.row(many, ctx)[2]).toBe('a.io,b.io,c.io + 2 more...');
  });

  it('ingressclass parameters', () => {
    const ic = obj({ spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p' } } });
    expect(ingressClassPrinter.row(ic, ctx)).toEqual(['x', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/p', '3h4m']);
    expect(ingressClassPrinter.row(obj({ spec: { controller: 'c' } }), ctx)[2]).toBe('<none>');
  });
});

describe('networkpolicy / lease / storageclass', () => {
  it('networkpolicy pod selector, <none> for the empty one', () => {
    expect(networkPolicyPrinter.row(obj({ spec: { podSelector: { matchLabels: { role: 'db' } } } }), ctx)).toEqual(['x', 'role=db', '3h4m']);
    expect(networkPolicyPrinter.row(obj({ spec: { podSelector: {} } }), ctx)[1]).toBe('<none>');
  });

  it('lease holder', () => {
    expect(leasePrinter.row(obj({ spec: { holderIdentity: 'node-1' } }), ctx)).toEqual(['x', 'node-1', '3h4m']);
    expect(leasePrinter.row(obj({ spec: {} }), ctx)).toEqual(['x', '', '3h4m']);
  });

  it('storageclass defaults and the (default) marker', () => {
    const sc = obj({ provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' }, {
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
    });
    expect(storageClassPrinter.row(sc, ctx)).toEqual(['x (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '3h4m']);
    const other = obj({ provisioner: 'p', reclaimPolicy: 'Retain', allowVolumeExpansion: true });
    expect(storageClassPrinter.row(other, ctx)).toEqual(['x', 'p', 'Retain', 'Immediate', true, '3h4m']);
  });
});

describe('rbac binding printers', () => {
  it('role ref and wide subjects', () => {
    const rb = obj({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [
        { kind: 'User', name: 'alice' },
        { kind: 'Group', name: 'devs' },
        { kind: 'User', name: 'bob' },
        { kind: 'ServiceAccount', namespace: 'ci', name: 'runner' },
      ],
    });
    expect(roleBindingPrinter.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Role', 0],
      ['Age', 0],
      ['Users', 1],
      ['Groups', 1],
      ['ServiceAccounts', 1],
    ]);
    expect(roleBindingPrinter.row(rb, ctx)).toEqual(['x', 'ClusterRole/view', '3h4m', 'alice, bob', 'devs', 'ci/runner']);
    expect(clusterRoleBindingPrinter.columns[3].description).toBe('Users in the clusterRoleBinding');
    expect(clusterRoleBindingPrinter.row(obj({ roleRef: { kind: 'ClusterRole', name: 'admin' } }), ctx)).toEqual(['x', 'ClusterRole/admin', '3h4m', '', '', '']);
  });
});

describe('apiservice printer', () => {
  it('Local / service reference and the Available condition', () => {
    const local = obj({ spec: { group: 'apps', version: 'v1' }, status: { conditions: [{ type: 'Available', status: 'True', reason: 'Local' }] } });
    expect(apiServicePrinter.row(local, ctx)).toEqual(['x', 'Local', 'True', '3h4m']);
    const remote = obj({
      spec: { service: { namespace: 'kube-system', name: 'metrics-server' } },
      status: { conditions: [{ type: 'Available', status: 'False', reason: 'MissingEndpoints' }] },
    });
    expect(apiServicePrinter.row(remote, ctx)).toEqual(['x', 'kube-system/metrics-server', 'False (MissingEndpoints)', '3h4m']);
    expect(apiServicePrinter.row(obj({ spec: {} }), ctx)[2]).toBe('Unknown');
  });
});
