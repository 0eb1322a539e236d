import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import {
  configMapPrinter,
  endpointsPrinter,
  formatEndpoints,
  namespacePrinter,
  nodePrinter,
  nodeRoles,
  persistentVolumeClaimPrinter,
  persistentVolumePrinter,
  resourceQuotaPrinter,
  secretPrinter,
  serviceAccountPrinter,
  servicePrinter,
} from './core.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ctx = { now: NOW };
const ago = (ms: number) => new Date(NOW - ms).toISOString().replace('.000Z', 'Z');
const DAY = 24 * 3600_000;

function obj(extra: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name: 'x', creationTimestamp: ago(3 * DAY), ...meta }, ...extra };
}

describe('service printer', () => {
  const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => obj({ spec, status });

  it('has the upstream columns', () => {
    expect(servicePrinter.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Type', 0],
      ['Cluster-IP', 0],
      ['External-IP', 0],
      ['Port(s)', 0],
      ['Age', 0],
      ['Selector', 1],
    ]);
  });

  it('ClusterIP: <none> external IP, port/protocol list, selector', () => {
    const s = svc({
      type: 'ClusterIP',
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }, { port: 9153, protocol: 'TCP' }],
      selector: { 'k8s-app': 'kube-dns' },
    });
    expect(servicePrinter.row(s, ctx)).toEqual(['x', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP,9153/TCP', '3d', 'k8s-app=kube-dns']);
  });

  it('NodePort: port:nodePort/protocol, external IPs when set', () => {
    const s = svc({ type: 'NodePort', clusterIP: '10.96.1.1', externalIPs: ['1.2.3.4', '5.6.7.8'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] });
    expect(servicePrinter.row(s, ctx).slice(1, 5)).toEqual(['NodePort', '10.96.1.1', '1.2.3.4,5.6.7.8', '80:30080/TCP']);
  });

  it('LoadBalancer: <pending> until an ingress exists, then sorted unique ingress + external IPs', () => {
    const spec = { type: 'LoadBalancer', clusterIPs: ['10.96.2.2'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] };
    expect(servicePrinter.row(svc(spec), ctx)[3]).toBe('<pending>');
    const status = { loadBalancer: { ingress: [{ ip: '172.18.0.9' }, { hostname: 'lb.example.com' }, { ip: '172.18.0.9' }] } };
    expect(servicePrinter.row(svc(spec, status), ctx)[3]).toBe('172.18.0.9,lb.example.com');
    expect(servicePrinter.row(svc({ ...spec, externalIPs: ['9.9.9.9'] }, status), ctx)[3]).toBe('172.18.0.9,lb.example.com,9.9.9.9');
  });

  it('ExternalName and headless', () => {
    const ext = svc({ type: 'ExternalName', externalName: 'db.example.com' });
    expect(servicePrinter.row(ext, ctx).slice(1, 7)).toEqual(['ExternalName', '<none>', 'db.example.com', '<none>', '3d', '<none>']);
    const headless = svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] });
    expect(servicePrinter.row(headless, ctx)[2]).toBe('None');
  });
});

describe('endpoints printer', () => {
  it('<none> without subsets', () => {
    expect(endpointsPrinter.row(obj({}), ctx)).toEqual(['x', '<none>', '3d']);
  });

  it('ip:port, capped at three with "+ N more..."', () => {
    const subsets = [
      { addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443 }] },
    ];
    expect(formatEndpoints(subsets)).toBe('10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...');
    expect(formatEndpoints([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }] }])).toBe('10.0.0.1:80,10.0.0.2:80');
    expect(formatEndpoints([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: '10.0.0.3' }], ports: [{ port: 80 }] }])).toBe(
      '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80',
    );
  });

  it('headless subsets without ports list bare IPs; IPv6 is bracketed', () => {
    expect(formatEndpoints([{ addresses: [{ ip: '10.0.0.1' }] }])).toBe('10.0.0.1');
    expect(formatEndpoints([{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 8080 }] }])).toBe('[fd00::1]:8080');
    expect(formatEndpoints([{ notReadyAddresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }])).toBe('');
  });
});

describe('node printer', () => {
  const node = (labels: Record<string, string>, spec: Record<string, unknown>, conditions: unknown[]) =>
    obj(
      {
        spec,
        status: {
          conditions,
          addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '172.18.0.2' }],
          nodeInfo: { kubeletVersion: 'v1.33.1', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.8.0', containerRuntimeVersion: 'containerd://1.7.24' },
        },
      },
      { labels },
    );
  const ready = [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }];

  it('has the upstream columns', () => {
    expect(nodePrinter.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Status', 0],
      ['Roles', 0],
      ['Age', 0],
      ['Version', 0],
      ['Internal-IP', 1],
      ['External-IP', 1],
      ['OS-Image', 1],
      ['Kernel-Version', 1],
      ['Container-Runtime', 1],
    ]);
  });

  it('a ready control-plane node', () => {
    const n = node({ 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/hostname': 'n1' }, {}, ready);
    expect(nodePrinter.row(n, ctx)).toEqual([
      'x', 'Ready', 'control-plane', '3d', 'v1.33.1', '172.18.0.2', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.8.0', 'containerd://1.7.24',
    ]);
  });

  it('cordoned / not ready / unknown status', () => {
    expect(nodePrinter.row(node({}, { unschedulable: true }, ready), ctx)[1]).toBe('Ready,SchedulingDisabled');
    expect(nodePrinter.row(node({}, {}, [{ type: 'Ready', status: 'False' }]), ctx)[1]).toBe('NotReady');
    expect(nodePrinter.row(node({}, {}, [{ type: 'Ready', status: 'Unknown' }]), ctx)[1]).toBe('NotReady');
    expect(nodePrinter.row(node({}, { unschedulable: true }, []), ctx)[1]).toBe('Unknown,SchedulingDisabled');
  });

  it('roles: sorted, deduplicated, <none> without any', () => {
    expect(nodeRoles({ 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': 'true', 'kubernetes.io/role': 'worker' })).toEqual([
      'control-plane',
      'worker',
    ]);
    expect(nodeRoles({ 'node-role.kubernetes.io/': '' })).toEqual([]);
    expect(nodePrinter.row(node({}, {}, ready), ctx)[2]).toBe('<none>');
  });

  it('wide: <unknown> for empty node info', () => {
    const n = obj({ status: {} });
    expect(nodePrinter.row(n, ctx).slice(4)).toEqual(['', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
  });
});

describe('namespace / configmap / secret / serviceaccount', () => {
  it('namespace prints its phase', () => {
    expect(namespacePrinter.row(obj({ status: { phase: 'Terminating' } }), ctx)).toEqual(['x', 'Terminating', '3d']);
  });
  it('configmap counts data and binaryData keys', () => {
    expect(configMapPrinter.row(obj({ data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }), ctx)).toEqual(['x', 3, '3d']);
    expect(configMapPrinter.row(obj({}), ctx)).toEqual(['x', 0, '3d']);
  });
  it('secret prints type and data count', () => {
    expect(secretPrinter.columns.map((c) => c.name)).toEqual(['Name', 'Type', 'Data', 'Age']);
    expect(secretPrinter.row(obj({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } }), ctx)).toEqual(['x', 'kubernetes.io/tls', 2, '3d']);
  });
  it('serviceaccount counts secrets', () => {
    expect(serviceAccountPrinter.row(obj({}), ctx)).toEqual(['x', 0, '3d']);
    expect(serviceAccountPrinter.row(obj({ secrets: [{ name: 's' }] }), ctx)).toEqual(['x', 1, '3d']);
  });
});

describe('persistentvolume(claim) printers', () => {
  it('PV: capacity, modes, claim, class; Terminating on deletion', () => {
    const pv = obj({
      spec: {
        capacity: { storage: '10Gi' },
        accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        claimRef: { namespace: 'default', name: 'data' },
        storageClassName: 'standard',
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Bound' },
    });
    expect(persistentVolumePrinter.columns).toHaveLength(11);
    expect(persistentVolumePrinter.row(pv, ctx)).toEqual(['x', '10Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data', 'standard', '<unset>', '', '3d', 'Filesystem']);
    const deleting = obj({ spec: {}, status: { phase: 'Released' } }, { deletionTimestamp: ago(0), annotations: { 'volume.beta.kubernetes.io/storage-class': 'old' } });
    expect(persistentVolumePrinter.row(deleting, ctx)).toEqual(['x', '0', '', '', 'Terminating', '', 'old', '<unset>', '', '3d', '<unset>']);
  });

  it('PVC: capacity and modes only once bound', () => {
    const pending = obj({ spec: { storageClassName: 'standard', resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } });
    expect(persistentVolumeClaimPrinter.row(pending, ctx)).toEqual(['x', 'Pending', '', '', '', 'standard', '<unset>', '3d', '<unset>']);
    const bound = obj({
      spec: { volumeName: 'pv-1', storageClassName: 'standard', volumeMode: 'Filesystem' },
      status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOncePod'] },
    });
    expect(persistentVolumeClaimPrinter.row(bound, ctx)).toEqual(['x', 'Bound', 'pv-1', '1Gi', 'RWOP', 'standard', '<unset>', '3d', 'Filesystem']);
  });
});

describe('resourcequota printer', () => {
  it('splits requests and limits, sorted by resource name', () => {
    const rq = obj({
      status: {
        hard: { pods: '10', 'limits.memory': '2Gi', 'requests.cpu': '1', 'limits.cpu': '2' },
        used: { pods: '3', 'requests.cpu': '500m', 'limits.cpu': '1' },
      },
    });
    expect(resourceQuotaPrinter.row(rq, ctx)).toEqual(['x', 'pods: 3/10, requests.cpu: 500m/1', 'limits.cpu: 1/2, limits.memory: 0/2Gi', '3d']);
    expect(resourceQuotaPrinter.row(obj({}), ctx)).toEqual(['x', '', '', '3d']);
  });
});
