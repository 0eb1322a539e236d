// The ServiceAccount controller and root CA publisher against a fake cluster.
import { afterEach, describe, expect, it } from 'vitest';
import { Resources } from '../../client/resources.js';
import type { Controller } from '../context.js';
import { FakeClient } from '../namespace/fakeclient.js';
import { fakeContext, until } from '../namespace/fakeinformers.js';
import { rootCaCertPublisher, serviceAccountController } from './index.js';

const running: Controller[] = [];
afterEach(() => { for (const c of running.splice(0)) c.stop(); });

async function start() {
  const client = new FakeClient();
  const ctx = fakeContext(client);
  client.seed(Resources.namespaces, { metadata: { name: 'a' }, status: { phase: 'Active' } });
  client.seed(Resources.namespaces, { metadata: { name: 'going', deletionTimestamp: 't' }, status: { phase: 'Terminating' } });
  const cs = [serviceAccountController(ctx), rootCaCertPublisher(ctx)];
  running.push(...cs);
  await ctx.informers.start();
  for (const c of cs) c.run(1);
  return { client, ctx };
}

describe('serviceaccount controller and root CA publisher', () => {
  it('creates default and kube-root-ca.crt in active namespaces only, and in new ones', async () => {
    const { client, ctx } = await start();
    await until(() => {
      expect(client.find(Resources.serviceaccounts, 'a', 'default')).toBeDefined();
      expect(client.find(Resources.configmaps, 'a', 'kube-root-ca.crt')!.data).toEqual({ 'ca.crt': ctx.clusterCaPem });
    });
    expect(client.find(Resources.serviceaccounts, 'going', 'default')).toBeUndefined();
    client.seed(Resources.namespaces, { metadata: { name: 'b' } });
    await until(() => {
      expect(client.find(Resources.serviceaccounts, 'b', 'default')).toBeDefined();
      expect(client.find(Resources.configmaps, 'b', 'kube-root-ca.crt')).toBeDefined();
    });
  });

  it('recreates what is deleted and repairs what is edited', async () => {
    const { client, ctx } = await start();
    await until(() => expect(client.find(Resources.configmaps, 'a', 'kube-root-ca.crt')).toBeDefined());
    await client.delete(Resources.serviceaccounts, 'a', 'default');
    const cm = client.find(Resources.configmaps, 'a', 'kube-root-ca.crt')!;
    await client.update(Resources.configmaps, 'a', { ...cm, data: { 'ca.crt': 'x' } });
    await until(() => {
      expect(client.find(Resources.serviceaccounts, 'a', 'default')).toBeDefined();
      expect(client.find(Resources.configmaps, 'a', 'kube-root-ca.crt')!.data).toEqual({ 'ca.crt': ctx.clusterCaPem });
    });
    await client.delete(Resources.configmaps, 'a', 'kube-root-ca.crt');
    await until(() => expect(client.find(Resources.configmaps, 'a', 'kube-root-ca.crt')).toBeDefined());
  });
});
