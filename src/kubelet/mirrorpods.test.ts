import { describe, expect, it } from 'vitest';
import { Resources } from '../client/resources.js';
import { FakeClient } from '../controllers/namespace/fakeclient.js';
import { isMirrorPod, MirrorPods, type StaticComponent } from './mirrorpods.js';

function node(client: FakeClient, name = 'cp') {
  return client.seed(Resources.nodes, {
    apiVersion: 'v1', kind: 'Node', metadata: { name },
    status: { addresses: [{ type: 'InternalIP', address: '10.100.0.2' }] },
  });
}

function setup(healthy: { value: boolean }) {
  const client = new FakeClient();
  const components: StaticComponent[] = [
    { name: 'kube-apiserver', command: ['skiff', 'control-plane'], healthy: () => healthy.value },
    { name: 'kube-scheduler', command: ['skiff', 'control-plane'], healthy: () => true },
  ];
  return { client, mirrors: new MirrorPods({ client, nodeName: 'cp', components }) };
}

describe('MirrorPods', () => {
  it('waits for its Node, then creates mirror pods owned by it, Running and Ready', async () => {
    const { client, mirrors } = setup({ value: true });
    await mirrors.sync();
    expect(client.verbs('create')).toEqual([]);
    const n = node(client);
    await mirrors.sync();
    const pod = client.find(Resources.pods, 'kube-system', 'kube-apiserver-cp')!;
    expect(isMirrorPod(pod)).toBe(true);
    expect(pod.metadata.labels).toEqual({ component: 'kube-apiserver', tier: 'control-plane' });
    expect(pod.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'cp', uid: n.metadata.uid }]);
    expect((pod.spec as any).nodeName).toBe('cp');
    const status = pod.status as any;
    expect(status.phase).toBe('Running');
    expect(status.podIP).toBe('10.100.0.2');
    expect(status.conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
    expect(client.find(Resources.pods, 'kube-system', 'kube-scheduler-cp')).toBeDefined();
  });

  it('writes status only when health changes, and reports an unhealthy component not Ready', async () => {
    const health = { value: true };
    const { client, mirrors } = setup(health);
    node(client);
    await mirrors.sync();
    const writes = () => client.calls.filter((c) => c.subresource === 'status').length;
    const before = writes();
    await mirrors.sync();
    expect(writes()).toBe(before);
    health.value = false;
    await mirrors.sync();
    expect(writes()).toBe(before + 1);
    const pod = client.find(Resources.pods, 'kube-system', 'kube-apiserver-cp')!;
    expect((pod.status as any).conditions.find((c: any) => c.type === 'Ready').status).toBe('False');
    expect((pod.status as any).containerStatuses[0].ready).toBe(false);
  });

  it('replaces a mirror pod left by an older Node of the same name', async () => {
    const { client, mirrors } = setup({ value: true });
    const old = node(client);
    await mirrors.sync();
    client.objects.clear();
    const fresh = node(client);
    expect(fresh.metadata.uid).not.toBe(old.metadata.uid);
    const stale = client.seed(Resources.pods, {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'kube-apiserver-cp', namespace: 'kube-system', annotations: { 'kubernetes.io/config.mirror': 'x' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'cp', uid: old.metadata.uid! }] },
    });
    await mirrors.sync();
    expect(client.find(Resources.pods, 'kube-system', 'kube-apiserver-cp')).toBeUndefined();
    await mirrors.sync();
    const pod = client.find(Resources.pods, 'kube-system', 'kube-apiserver-cp')!;
    expect(pod.metadata.uid).not.toBe(stale.metadata.uid);
    expect(pod.metadata.ownerReferences![0]!.uid).toBe(fresh.metadata.uid);
  });
});
