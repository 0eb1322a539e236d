import { describe, expect, it } from 'vitest';
import { Resources } from '../../client/resources.js';
import { deleteAllContent, deletableNamespacedResources, finalizeNamespace, recheckDelayMs } from './deleter.js';
import { CachedDiscovery, discoverResources, staticResources, type DiscoveredResource } from './discovery.js';
import { FakeApiError, FakeClient } from './fakeclient.js';

const ALL = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const res = (group: string, resource: string, kind: string, namespaced = true, verbs = ALL): DiscoveredResource =>
  ({ group, version: 'v1', resource, kind, namespaced, verbs });

const RESOURCES = [
  res('', 'pods', 'Pod'),
  res('', 'configmaps', 'ConfigMap'),
  res('', 'nodes', 'Node', false),
  res('', 'bindings', 'Binding', true, ['create']),
  res('apps', 'deployments', 'Deployment'),
];

describe('deletableNamespacedResources', () => {
  it('keeps namespaced resources that can be listed and deleted', () => {
    expect(deletableNamespacedResources(RESOURCES).map((r) => r.resource)).toEqual(['pods', 'configmaps', 'deployments']);
  });
});

describe('deleteAllContent', () => {
  it('deletes every object in the namespace with Background propagation and counts what was there', async () => {
    const c = new FakeClient();
    c.seed(Resources.configmaps, { metadata: { name: 'a', namespace: 'x' } });
    c.seed(Resources.configmaps, { metadata: { name: 'b', namespace: 'other' } });
    c.seed(Resources.deployments, { metadata: { name: 'web', namespace: 'x' } });
    c.seed(Resources.pods, { metadata: { name: 'p', namespace: 'x', deletionTimestamp: '2024-01-01T00:00:00Z' } });
    const r = await deleteAllContent(c, RESOURCES, 'x');
    expect(r.remaining).toBe(3);
    expect(r.resourcesRemaining).toEqual(['configmaps', 'deployments.apps', 'pods']);
    expect(r.errors).toEqual([]);
    expect(c.verbs('delete').map((d) => [d.resource, d.name])).toEqual(expect.arrayContaining([['configmaps', 'a'], ['deployments', 'web']]));
    // An object already terminating is waited for, not deleted again.
    expect(c.verbs('delete', 'pods')).toEqual([]);
    expect((c.verbs('delete')[0]!.body as { propagationPolicy: string }).propagationPolicy).toBe('Background');
    expect(c.find(Resources.configmaps, 'other', 'b')).toBeDefined();

    c.objects.delete('/pods/x/p');
    const again = await deleteAllContent(c, RESOURCES, 'x');
    expect(again.remaining).toBe(0);
  });

  it('ignores resources that vanished and reports other errors', async () => {
    const c = new FakeClient();
    c.failures.push({ verb: 'list', resource: 'deployments', error: new FakeApiError(404, 'NotFound', 'gone') });
    c.failures.push({ verb: 'list', resource: 'pods', error: new FakeApiError(500, 'InternalError', 'boom') });
    const r = await deleteAllContent(c, RESOURCES, 'x');
    expect(r.errors).toHaveLength(1);
    expect(r.remaining).toBe(0);
  });
});

describe('finalizeNamespace', () => {
  it('removes only the kubernetes finalizer through the finalize subresource', async () => {
    const c = new FakeClient();
    c.seed(Resources.namespaces, { metadata: { name: 'x', deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['example.com/keep'] }, spec: { finalizers: ['kubernetes', 'other'] } });
    await finalizeNamespace(c, 'x');
    const upd = c.verbs('update', 'namespaces')[0]!;
    expect(upd.subresource).toBe('finalize');
    expect((c.find(Resources.namespaces, undefined, 'x')!.spec as { finalizers: string[] }).finalizers).toEqual(['other']);
  });

  it('lets the namespace go when nothing else holds it', async () => {
    const c = new FakeClient();
    c.seed(Resources.namespaces, { metadata: { name: 'x', deletionTimestamp: '2024-01-01T00:00:00Z' }, spec: { finalizers: ['kubernetes'] } });
    await finalizeNamespace(c, 'x');
    expect(c.find(Resources.namespaces, undefined, 'x')).toBeUndefined();
    await finalizeNamespace(c, 'x'); // gone: nothing to do, no error
  });
});

describe('discovery', () => {
  it('reads /api/v1 and each group preferred version, without subresources', async () => {
    const docs: Record<string, unknown> = {
      '/api/v1': { resources: [{ name: 'pods', kind: 'Pod', namespaced: true, verbs: ['list'] }, { name: 'pods/status', kind: 'Pod', namespaced: true, verbs: ['get'] }] },
      '/apis': { groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }, { name: 'broken', preferredVersion: { version: 'v1' } }] },
      '/apis/apps/v1': { resources: [{ name: 'deployments', kind: 'Deployment', namespaced: true, verbs: ['list', 'delete'] }] },
    };
    const get = async (p: string) => {
      if (!(p in docs)) throw new FakeApiError(503, 'ServiceUnavailable', p);
      return docs[p];
    };
    const found = await discoverResources(get);
    expect(found.map((r) => `${r.group}/${r.version}/${r.resource}`)).toEqual(['/v1/pods', 'apps/v1/deployments']);
  });

  it('caches for the ttl and falls back to the static list without a getter', async () => {
    let now = 0;
    let calls = 0;
    const d = new CachedDiscovery(async () => { calls++; return { resources: [], groups: [] }; }, 1000, () => now);
    await d.resources();
    await d.resources();
    expect(calls).toBe(2); // /api/v1 and /apis, once
    now = 2000;
    await d.resources();
    expect(calls).toBe(4);
    expect((await new CachedDiscovery(undefined).resources()).length).toBe(staticResources().length);
  });

  it('waits longer each time content remains', () => {
    expect([0, 1, 2, 3, 4, 9].map(recheckDelayMs)).toEqual([100, 250, 500, 1000, 2000, 2000]);
  });
});
