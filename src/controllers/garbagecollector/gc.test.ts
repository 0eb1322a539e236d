// The garbage collector against a fake cluster (FakeClient + informers that follow it).
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { Resources } from '../../client/resources.js';
import type { Controller } from '../context.js';
import { FakeClient } from '../namespace/fakeclient.js';
import { fakeContext, until } from '../namespace/fakeinformers.js';
import { garbageCollector } from './index.js';

let running: Controller | undefined;
afterEach(() => running?.stop());

function ownerRef(o: KubeObject, block = true): OwnerReference {
  return { apiVersion: o.apiVersion!, kind: o.kind!, name: o.metadata.name!, uid: o.metadata.uid!, controller: true, blockOwnerDeletion: block };
}

async function cluster() {
  const client = new FakeClient();
  const ctx = fakeContext(client);
  const deploy = client.seed(Resources.deployments, { metadata: { name: 'web', namespace: 'ns' } });
  const rs = client.seed(Resources.replicasets, { metadata: { name: 'web-1', namespace: 'ns', ownerReferences: [ownerRef(deploy)] } });
  const pods = [1, 2].map((i) => client.seed(Resources.pods, { metadata: { name: `web-1-${i}`, namespace: 'ns', ownerReferences: [ownerRef(rs)] } }));
  const gc = garbageCollector(ctx);
  await ctx.informers.start();
  gc.run(2);
  running = gc;
  return { client, deploy, rs, pods };
}

const has = (c: FakeClient, ref: typeof Resources.pods, name: string) => c.find(ref, 'ns', name) !== undefined;

describe('garbage collector', () => {
  it('Background: deleting the owner removes ReplicaSets, then their pods', async () => {
    const { client } = await cluster();
    await new Promise((r) => setTimeout(r, 50));
    // Nothing is collected while owners exist.
    expect(client.verbs('delete')).toEqual([]);
    await client.delete(Resources.deployments, 'ns', 'web', { propagationPolicy: 'Background' });
    await until(() => {
      expect(has(client, Resources.replicasets, 'web-1')).toBe(false);
      expect(has(client, Resources.pods, 'web-1-1')).toBe(false);
      expect(has(client, Resources.pods, 'web-1-2')).toBe(false);
    });
    const deletes = client.verbs('delete').map((c) => [c.resource, c.name, (c.body as { propagationPolicy?: string }).propagationPolicy]);
    expect(deletes).toEqual(expect.arrayContaining([['replicasets', 'web-1', 'Background'], ['pods', 'web-1-1', 'Background']]));
  });

  it('Foreground: dependents go first, then the owner loses its finalizer and goes', async () => {
    const { client } = await cluster();
    await client.delete(Resources.deployments, 'ns', 'web', { propagationPolicy: 'Foreground' });
    expect(client.find(Resources.deployments, 'ns', 'web')!.metadata.finalizers).toEqual(['foregroundDeletion']);
    await until(() => {
      expect(has(client, Resources.deployments, 'web')).toBe(false);
    });
    expect(has(client, Resources.replicasets, 'web-1')).toBe(false);
    expect(has(client, Resources.pods, 'web-1-1')).toBe(false);
    // The ReplicaSet had dependents and its owner waited: it went in Foreground too.
    const rsDelete = client.verbs('delete', 'replicasets')[0]!;
    expect((rsDelete.body as { propagationPolicy: string }).propagationPolicy).toBe('Foreground');
  });

  it('Orphan: dependents lose the reference and stay', async () => {
    const { client } = await cluster();
    await client.delete(Resources.deployments, 'ns', 'web', { propagationPolicy: 'Orphan' });
    await until(() => expect(has(client, Resources.deployments, 'web')).toBe(false));
    const rs = client.find(Resources.replicasets, 'ns', 'web-1')!;
    expect(rs.metadata.ownerReferences).toBeUndefined();
    expect(has(client, Resources.pods, 'web-1-1')).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(has(client, Resources.replicasets, 'web-1')).toBe(true);
  });

  it('collects objects whose owner was already gone when it started', async () => {
    const client = new FakeClient();
    const ctx = fakeContext(client);
    client.seed(Resources.configmaps, { metadata: { name: 'orphan', namespace: 'ns', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'gone', uid: 'gone-uid' }] } });
    const owner = client.seed(Resources.configmaps, { metadata: { name: 'owner', namespace: 'ns' } });
    client.seed(Resources.configmaps, { metadata: { name: 'kept', namespace: 'ns', ownerReferences: [ownerRef(owner)] } });
    const gc = garbageCollector(ctx);
    running = gc;
    await ctx.informers.start();
    gc.run(1);
    await until(() => expect(client.find(Resources.configmaps, 'ns', 'orphan')).toBeUndefined());
    expect(client.find(Resources.configmaps, 'ns', 'kept')).toBeDefined();
  });

  it('keeps an object with a live owner, dropping only the dangling reference', async () => {
    const client = new FakeClient();
    const ctx = fakeContext(client);
    const owner = client.seed(Resources.configmaps, { metadata: { name: 'owner', namespace: 'ns' } });
    client.seed(Resources.configmaps, {
      metadata: { name: 'dep', namespace: 'ns', ownerReferences: [ownerRef(owner), { apiVersion: 'v1', kind: 'ConfigMap', name: 'gone', uid: 'gone-uid' }] },
    });
    const gc = garbageCollector(ctx);
    running = gc;
    await ctx.informers.start();
    gc.run(1);
    await until(() => expect(client.find(Resources.configmaps, 'ns', 'dep')!.metadata.ownerReferences).toEqual([ownerRef(owner)]));
  });

  it('removes the foregroundDeletion finalizer of an object without dependents', async () => {
    const { client } = await cluster();
    await client.delete(Resources.pods, 'ns', 'web-1-1', { propagationPolicy: 'Foreground' });
    await until(() => expect(has(client, Resources.pods, 'web-1-1')).toBe(false));
    expect(has(client, Resources.replicasets, 'web-1')).toBe(true);
  });
});
