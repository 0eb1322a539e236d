// A second real client: @kubernetes/client-node's informer (list + watch) sees adds, updates and
// deletes in order, and relists after a 410.
//
// How the 410 is forced, robustly: the informer's ListWatch keeps the resourceVersion of the last
// event it saw, and `start()` after `stop()` resumes the watch from that resourceVersion without
// listing. The server keeps its watch history in memory only (like the kube-apiserver watch cache),
// so after a restart a watch can start only at the revision the store had when it came up. So we
// (1) stop the informer at revision X, (2) write to the watched namespace with kubectl, moving the
// store past X, (3) restart the server on the same data dir and port, and (4) start the informer
// again: its watch from X is older than anything the new history holds, the server answers 410
// Expired, and the informer must list again. The relist is observed both as a second call of the
// list function and as the events it derives from comparing the new list with its cache (a DELETE
// for the object removed while it was away, an ADD for the one created, an UPDATE for the changed).
// A raw watch from X is also checked to answer 410, so a pass cannot come from a plain resume.
import { API_SERVER_ONLY } from '../helpers/controlplane.js';
import {
  CoreV1Api, KubeConfig, ListWatch, PatchStrategy, makeInformer, setHeaderOptions, type KubernetesObject, type V1ConfigMap,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw } from '../helpers/https.js';
import { eventually, useControlPlane } from '../helpers/suite.js';

// The API server alone: objects stay as the test wrote them (no controller acts on them).
const s = useControlPlane(API_SERVER_ONLY);
const k = () => s.kubectl('1.32');
const NS = 'inf';

type Seen = [kind: 'add' | 'update' | 'delete', name: string, value: string];

let kc: KubeConfig;
let api: CoreV1Api;
let listCalls = 0;
const seen: Seen[] = [];
const errors: unknown[] = [];
let informer: ReturnType<typeof makeInformer<V1ConfigMap>>;

function record(kind: Seen[0]) {
  return (obj: KubernetesObject & { data?: Record<string, string> }) => {
    seen.push([kind, obj.metadata?.name ?? '', obj.data?.v ?? '']);
  };
}

async function waitSeen(n: number): Promise<Seen[]> {
  return eventually(async () => {
    if (seen.length < n) throw new Error(`saw ${seen.length} events, want ${n}: ${JSON.stringify(seen)}; errors: ${errors.map(String).join('; ')}`);
    return seen.slice();
  }, 15_000, 50);
}

beforeAll(async () => {
  await k().ok(['create', 'namespace', NS]);
  await k().ok(['create', 'configmap', 'pre', '--from-literal=v=0', '-n', NS]);
  kc = new KubeConfig();
  kc.loadFromFile(s.cp.kubeconfig);
  api = kc.makeApiClient(CoreV1Api);
  informer = makeInformer<V1ConfigMap>(kc, `/api/v1/namespaces/${NS}/configmaps`, async () => {
    listCalls++;
    return api.listNamespacedConfigMap({ namespace: NS });
  });
  informer.on('add', record('add'));
  informer.on('update', record('update'));
  informer.on('delete', record('delete'));
  informer.on('error', (err: unknown) => { errors.push(err); });
  await informer.start();
});

afterAll(async () => {
  await informer?.stop();
});

describe('@kubernetes/client-node informer', () => {
  it('lists the existing objects first', async () => {
    expect(await waitSeen(1)).toEqual([['add', 'pre', '0']]);
    expect(listCalls).toBe(1);
    expect(informer.list(NS).map((o) => o.metadata?.name)).toEqual(['pre']);
  });

  it('sees create, update and delete in order', async () => {
    seen.length = 0;
    await api.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'live' }, data: { v: '1' } } });
    await api.patchNamespacedConfigMap(
      { name: 'live', namespace: NS, body: { data: { v: '2' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await api.replaceNamespacedConfigMap({
      name: 'live', namespace: NS,
      body: { ...(await api.readNamespacedConfigMap({ name: 'live', namespace: NS })), data: { v: '3' } },
    });
    await api.deleteNamespacedConfigMap({ name: 'live', namespace: NS });
    expect(await waitSeen(4)).toEqual([
      ['add', 'live', '1'],
      ['update', 'live', '2'],
      ['update', 'live', '3'],
      ['delete', 'live', '3'],
    ]);
    expect(listCalls).toBe(1);
    expect(errors).toEqual([]);
  });

  it('sees changes made by kubectl', async () => {
    seen.length = 0;
    await k().ok(['create', 'configmap', 'by-kubectl', '--from-literal=v=a', '-n', NS]);
    await k().ok(['patch', 'configmap', 'by-kubectl', '-n', NS, '-p', '{"data":{"v":"b"}}']);
    await k().ok(['delete', 'configmap', 'by-kubectl', '-n', NS]);
    expect(await waitSeen(3)).toEqual([
      ['add', 'by-kubectl', 'a'],
      ['update', 'by-kubectl', 'b'],
      ['delete', 'by-kubectl', 'b'],
    ]);
  });

  it('relists after a 410 Expired', async () => {
    seen.length = 0;
    await k().ok(['create', 'configmap', 'doomed', '--from-literal=v=x', '-n', NS]);
    await waitSeen(1);
    await informer.stop();
    // makeInformer builds a ListWatch; its typed interface just does not expose the revision.
    expect(informer).toBeInstanceOf(ListWatch);
    const staleRv = (informer as unknown as ListWatch<V1ConfigMap>).latestResourceVersion();
    expect(staleRv).toMatch(/^\d+$/);

    // Changes the stopped informer does not see.
    await k().ok(['delete', 'configmap', 'doomed', '-n', NS]);
    await k().ok(['create', 'configmap', 'newcomer', '--from-literal=v=n', '-n', NS]);
    await k().ok(['patch', 'configmap', 'pre', '-n', NS, '-p', '{"data":{"v":"changed"}}']);

    expect((await s.cp.restart()).code).toBe(0);

    // The server itself answers a watch from the stale revision with 410 Expired.
    const probe = await raw(s.cp, { path: `/api/v1/namespaces/${NS}/configmaps?watch=1&resourceVersion=${staleRv}&timeoutSeconds=1` });
    const expired = probe.status === 410 ? probe.json : JSON.parse(probe.body.split('\n')[0]!).object;
    expect(expired).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });

    seen.length = 0;
    errors.length = 0;
    await informer.start();
    const events = await waitSeen(3);
    expect(listCalls).toBe(2);
    expect(events).toHaveLength(3);
    expect(events).toEqual(expect.arrayContaining([
      ['delete', 'doomed', 'x'],
      ['add', 'newcomer', 'n'],
      ['update', 'pre', 'changed'],
    ]));
    expect(informer.list(NS).map((o) => o.metadata?.name).sort()).toEqual(['newcomer', 'pre']);

    // And it watches again from the new list.
    seen.length = 0;
    await k().ok(['create', 'configmap', 'after-relist', '--from-literal=v=z', '-n', NS]);
    expect(await waitSeen(1)).toEqual([['add', 'after-relist', 'z']]);
  });
});
