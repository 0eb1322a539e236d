import { describe, expect, it } from 'vitest';
import { Resources } from '../client/resources.js';
import { LeaseRenewer } from './lease.js';
import { MemoryClient } from './memclient.js';
import {
  buildNode,
  conditionsChanged,
  desiredConditions,
  fullStatus,
  microTime,
  parseLabels,
  parseTaints,
  stampConditions,
  type NodeConfig,
} from './node.js';
import { NodeReporter } from './nodestatus.js';
import type { Json } from './podstatus.js';

function config(name = 'n1'): NodeConfig {
  return {
    name, cpu: '4', memory: '8Gi', pods: '110', ephemeralStorage: '100Gi', labels: { tier: 'x' },
    taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }], hostIP: '192.168.1.10',
    podCidr: '10.244.3.0/24', runtimeVersion: 'fake://0.1', bootID: 'b',
  };
}

describe('the Node object', () => {
  it('carries the kubelet labels, pod CIDR and registration taints', () => {
    const node = buildNode(config());
    expect(node.metadata.labels).toMatchObject({
      'kubernetes.io/hostname': 'n1', 'kubernetes.io/os': 'linux', 'beta.kubernetes.io/os': 'linux', tier: 'x',
    });
    expect(node.metadata.labels!['kubernetes.io/arch']).toMatch(/^(amd64|arm64|arm|386|ppc64le|s390x)$/);
    expect(node.spec).toEqual({ podCIDR: '10.244.3.0/24', podCIDRs: ['10.244.3.0/24'], taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
  });

  it('reports capacity, addresses, nodeInfo and the four conditions with upstream reasons', () => {
    const s = fullStatus(config(), [], '2025-01-01T00:00:00Z');
    expect(s.capacity).toEqual({ cpu: '4', 'ephemeral-storage': '100Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '8Gi', pods: '110' });
    expect(s.allocatable).toEqual(s.capacity);
    expect(s.addresses).toEqual([{ type: 'InternalIP', address: '192.168.1.10' }, { type: 'Hostname', address: 'n1' }]);
    expect(s.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.0-skiff', containerRuntimeVersion: 'fake://0.1', operatingSystem: 'linux' });
    expect(String((s.nodeInfo as Json).kernelVersion)).not.toBe('');
    const conds = s.conditions as Json[];
    expect(conds.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
      ['Ready', 'True', 'KubeletReady'],
    ]);
    expect(conds[3].message).toBe('kubelet is posting ready status');
    // machineID is stable across restarts (derived from the name).
    expect((fullStatus(config(), [], 'x').nodeInfo as Json).machineID).toBe((s.nodeInfo as Json).machineID);
  });

  it('keeps transition times while a condition holds and other components\' conditions', () => {
    const old = [
      { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', lastTransitionTime: 'T0' },
      { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastTransitionTime: 'T0' },
      { type: 'NetworkUnavailable', status: 'False', lastTransitionTime: 'T0' },
    ];
    const next = stampConditions(desiredConditions(), old, 'T1');
    expect(next.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', lastTransitionTime: 'T1', lastHeartbeatTime: 'T1' });
    expect(next.find((c) => c.type === 'MemoryPressure')).toMatchObject({ lastTransitionTime: 'T0', lastHeartbeatTime: 'T1' });
    expect(next.find((c) => c.type === 'NetworkUnavailable')).toBeDefined();
    expect(conditionsChanged(desiredConditions(), old)).toBe(true);
    expect(conditionsChanged(desiredConditions(), next)).toBe(false);
  });

  it('parses the flags', () => {
    expect(parseTaints('a=b:NoSchedule, c:NoExecute')).toEqual([{ key: 'a', value: 'b', effect: 'NoSchedule' }, { key: 'c', effect: 'NoExecute' }]);
    expect(() => parseTaints('a=b')).toThrow(/invalid taint/);
    expect(parseLabels('a=1,b.io/c=')).toEqual({ a: '1', 'b.io/c': '' });
    expect(() => parseLabels('nolabel')).toThrow(/invalid label/);
  });

  it('writes MicroTime with six fraction digits', () => {
    expect(microTime(Date.parse('2025-01-02T03:04:05.678Z'))).toBe('2025-01-02T03:04:05.678000Z');
  });
});

describe('NodeReporter', () => {
  it('registers the Node, then its status; a restarted agent keeps the same Node', async () => {
    const client = new MemoryClient();
    const r = new NodeReporter({ client, config: config() });
    const node = await r.register();
    const uid = node.metadata.uid;
    expect((node.status as Json).nodeInfo).toBeDefined();
    expect(client.calls.map((c) => `${c.verb} ${c.resource}${c.subresource ? '/' + c.subresource : ''}`)).toEqual(['create nodes', 'patch nodes/status']);
    // Restart: the Node exists; no second Node, the same uid, taints not re-applied.
    await client.patch(Resources.nodes, undefined, 'n1', 'merge', { spec: { taints: null } });
    const again = await new NodeReporter({ client, config: config() }).register();
    expect(again.metadata.uid).toBe(uid);
    expect((again.spec as Json).taints).toBeUndefined();
    expect((again.spec as Json).podCIDR).toBe('10.244.3.0/24');
  });

  it('writes conditions only when they change or the report is due', async () => {
    const client = new MemoryClient();
    let now = Date.parse('2025-01-01T00:00:00Z');
    const r = new NodeReporter({ client, config: config(), now: () => now });
    await r.register();
    const writes = () => client.calls.filter((c) => c.subresource === 'status').length;
    expect(writes()).toBe(1);
    now += 10_000;
    await r.check();
    expect(writes()).toBe(1);
    // The node lifecycle controller marked it Unknown: written at once.
    await client.patch(Resources.nodes, undefined, 'n1', 'merge', { status: { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' }] } }, 'status');
    r['node'] = client.peek(Resources.nodes, undefined, 'n1');
    await r.check();
    expect(writes()).toBe(3);
    const ready = ((client.peek(Resources.nodes, undefined, 'n1')!.status as Json).conditions as Json[]).find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    now += 60_000;
    await r.check();
    expect(writes()).toBe(4);
  });

  it('registers again when its Node was deleted (found at the next report)', async () => {
    const client = new MemoryClient();
    const r = new NodeReporter({ client, config: config(), reportIntervalMs: 0 });
    const first = await r.register();
    await client.delete(Resources.nodes, undefined, 'n1');
    await r.check();
    const again = client.peek(Resources.nodes, undefined, 'n1');
    expect(again?.metadata.uid).not.toBe(first.metadata.uid);
    expect(((again?.status as Json).conditions as Json[]).length).toBe(4);
  });
});

describe('LeaseRenewer', () => {
  it('creates kube-node-lease/<node> owned by the Node, then renews it', async () => {
    const client = new MemoryClient();
    let now = Date.parse('2025-01-01T00:00:00.250Z');
    const lease = new LeaseRenewer({ client, nodeName: 'n1', nodeUid: () => 'node-uid', now: () => now, intervalMs: 3_600_000 });
    await lease.start();
    let l = client.peek(Resources.leases, 'kube-node-lease', 'n1')!;
    expect(l.spec).toEqual({ holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: '2025-01-01T00:00:00.250000Z' });
    expect(l.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'node-uid' }]);
    now += 10_000;
    await lease['renew']();
    l = client.peek(Resources.leases, 'kube-node-lease', 'n1')!;
    expect((l.spec as Json).renewTime).toBe('2025-01-01T00:00:10.250000Z');
    // Someone else changed it: a conflict makes it read the Lease again and retry.
    await client.patch(Resources.leases, 'kube-node-lease', 'n1', 'merge', { metadata: { labels: { x: 'y' } } });
    now += 10_000;
    await lease['renew']();
    l = client.peek(Resources.leases, 'kube-node-lease', 'n1')!;
    expect((l.spec as Json).renewTime).toBe('2025-01-01T00:00:20.250000Z');
    expect(l.metadata.labels).toEqual({ x: 'y' });
    await lease.stop();
  });
});
