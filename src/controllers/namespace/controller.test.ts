// The Namespace controller against a fake cluster.
import { afterEach, describe, expect, it } from 'vitest';
import { Resources } from '../../client/resources.js';
import type { Controller } from '../context.js';
import { FakeClient } from './fakeclient.js';
import { fakeContext, until } from './fakeinformers.js';
import { namespaceController } from './index.js';

let running: Controller | undefined;
afterEach(() => running?.stop());

describe('namespace controller', () => {
  it('empties a deleted namespace, then finalizes it so it goes', async () => {
    const client = new FakeClient();
    const ctx = fakeContext(client);
    client.seed(Resources.namespaces, { metadata: { name: 'x' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    client.seed(Resources.configmaps, { metadata: { name: 'a', namespace: 'x' } });
    client.seed(Resources.configmaps, { metadata: { name: 'held', namespace: 'x', finalizers: ['example.com/hold'] } });
    client.seed(Resources.pods, { metadata: { name: 'p', namespace: 'x' } });
    client.seed(Resources.configmaps, { metadata: { name: 'b', namespace: 'y' } });
    const c = namespaceController(ctx);
    running = c;
    await ctx.informers.start();
    c.run(1);
    await client.delete(Resources.namespaces, undefined, 'x');
    await until(() => {
      expect(client.find(Resources.configmaps, 'x', 'a')).toBeUndefined();
      expect(client.find(Resources.pods, 'x', 'p')).toBeUndefined();
    });
    // Held by a finalizer: the namespace waits.
    await new Promise((r) => setTimeout(r, 300));
    expect(client.find(Resources.namespaces, undefined, 'x')).toBeDefined();
    expect(client.verbs('update', 'namespaces')).toEqual([]);
    await client.patch(Resources.configmaps, 'x', 'held', 'merge', { metadata: { finalizers: null, resourceVersion: client.find(Resources.configmaps, 'x', 'held')!.metadata.resourceVersion } });
    await until(() => expect(client.find(Resources.namespaces, undefined, 'x')).toBeUndefined(), 5000);
    expect(client.verbs('update', 'namespaces')[0]!.subresource).toBe('finalize');
    expect(client.find(Resources.configmaps, 'y', 'b')).toBeDefined();
  });

  it('leaves live namespaces alone', async () => {
    const client = new FakeClient();
    const ctx = fakeContext(client);
    client.seed(Resources.namespaces, { metadata: { name: 'x' }, spec: { finalizers: ['kubernetes'] } });
    client.seed(Resources.configmaps, { metadata: { name: 'a', namespace: 'x' } });
    const c = namespaceController(ctx);
    running = c;
    await ctx.informers.start();
    c.run(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(client.verbs('delete')).toEqual([]);
  });
});
