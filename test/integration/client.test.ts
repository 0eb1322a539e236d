// skiff's own client against a real control plane: CRUD, the four patch types, Status errors,
// watches, the shared informer (ordered events, indexes, relist on 410 after a restart) and the
// event recorder as `kubectl get events` shows it.
import { API_SERVER_ONLY } from '../helpers/controlplane.js';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/types.js';
import { ApiClient, isAlreadyExists, isConflict, isNotFound, type ApiError } from '../../src/client/client.js';
import { createEventRecorder } from '../../src/client/events.js';
import { SharedInformer } from '../../src/client/informer.js';
import { Resources } from '../../src/client/resources.js';
import type { Client, WatchEvent } from '../../src/client/types.js';
import { eventually, useControlPlane } from '../helpers/suite.js';

// The API server alone: objects stay as the test wrote them (no controller acts on them).
const s = useControlPlane(API_SERVER_ONLY);
const k = () => s.kubectl('1.32');

let cached: ApiClient | undefined;
function client(): ApiClient {
  cached ??= ApiClient.fromKubeconfig(s.cp.kubeconfig, 'client-test');
  return cached;
}

async function namespace(name: string): Promise<void> {
  await client().create(Resources.namespaces, undefined, { metadata: { name } });
}

function cm(name: string, data: Record<string, string>, labels?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data };
}

function pod(name: string, nodeName?: string): KubeObject {
  return {
    metadata: { name, labels: { app: 'inf' } },
    spec: { nodeName, containers: [{ name: 'main', image: 'busybox' }] },
  };
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    return err as ApiError;
  }
  throw new Error('expected the request to fail');
}

describe('ApiClient', () => {
  it('reads the kubeconfig and creates, gets, lists, updates and deletes', async () => {
    const c = client();
    await namespace('cl-crud');
    const created = await c.create(Resources.configmaps, 'cl-crud', cm('one', { a: '1' }, { app: 'x' }));
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    await c.create(Resources.configmaps, 'cl-crud', cm('two', { b: '2' }));

    const got = await c.get<KubeObject & { data: Record<string, string> }>(Resources.configmaps, 'cl-crud', 'one');
    expect(got.data).toEqual({ a: '1' });

    const all = await c.list(Resources.configmaps, 'cl-crud');
    expect(all.items.map((i) => i.metadata.name)).toEqual(expect.arrayContaining(['one', 'two']));
    const byLabel = await c.list(Resources.configmaps, 'cl-crud', { labelSelector: 'app=x' });
    expect(byLabel.items.map((i) => i.metadata.name)).toEqual(['one']);
    const byField = await c.list(Resources.configmaps, 'cl-crud', { fieldSelector: 'metadata.name=two' });
    expect(byField.items.map((i) => i.metadata.name)).toEqual(['two']);

    const page1 = await c.list(Resources.configmaps, 'cl-crud', { limit: 1 });
    expect(page1.items).toHaveLength(1);
    expect(page1.metadata.continue).toBeTruthy();
    const page2 = await c.list(Resources.configmaps, 'cl-crud', { limit: 1, continue: page1.metadata.continue });
    expect(page2.items[0]!.metadata.name).not.toBe(page1.items[0]!.metadata.name);

    const updated = await c.update(Resources.configmaps, 'cl-crud', { ...got, data: { a: 'changed' } });
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(got.metadata.resourceVersion));

    await c.delete(Resources.configmaps, 'cl-crud', 'one');
    expect(isNotFound(await rejection(c.get(Resources.configmaps, 'cl-crud', 'one')))).toBe(true);

    const nsList = await c.list(Resources.namespaces);
    expect(nsList.items.some((n) => n.metadata.name === 'cl-crud')).toBe(true);
  });

  it('throws Status errors as ApiError with code, reason and message', async () => {
    const c = client();
    await namespace('cl-err');
    const missing = await rejection(c.get(Resources.configmaps, 'cl-err', 'nope'));
    expect(missing).toMatchObject({ code: 404, reason: 'NotFound', message: 'configmaps "nope" not found' });
    expect(isNotFound(missing)).toBe(true);

    const first = await c.create(Resources.configmaps, 'cl-err', cm('dup', {}));
    const dup = await rejection(c.create(Resources.configmaps, 'cl-err', cm('dup', {})));
    expect(dup).toMatchObject({ code: 409, reason: 'AlreadyExists' });
    expect(isAlreadyExists(dup)).toBe(true);
    expect(isConflict(dup)).toBe(false);

    await c.update(Resources.configmaps, 'cl-err', { ...first, data: { v: '2' } });
    const stale = await rejection(c.update(Resources.configmaps, 'cl-err', { ...first, data: { v: '3' } }));
    expect(stale).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(isConflict(stale)).toBe(true);

    const pre = await rejection(c.delete(Resources.configmaps, 'cl-err', 'dup', { preconditions: { uid: '00000000-0000-0000-0000-000000000000' } }));
    expect(isConflict(pre)).toBe(true);

    const invalid = await rejection(c.create(Resources.configmaps, 'cl-err', cm('Bad_Name', {})));
    expect(invalid.code).toBe(422);
    expect(invalid.reason).toBe('Invalid');
    expect(invalid.status?.kind).toBe('Status');
  });

  it('patches with json, merge, strategic and apply patches', async () => {
    const c = client();
    await namespace('cl-patch');
    await c.create(Resources.configmaps, 'cl-patch', cm('p', { a: '1' }));

    const json = await c.patch<KubeObject & { data: Record<string, string> }>(Resources.configmaps, 'cl-patch', 'p', 'json', [
      { op: 'add', path: '/data/b', value: '2' },
    ]);
    expect(json.data).toEqual({ a: '1', b: '2' });
    const merge = await c.patch<KubeObject & { data: Record<string, string> }>(Resources.configmaps, 'cl-patch', 'p', 'merge', { data: { a: null, c: '3' } });
    expect(merge.data).toEqual({ b: '2', c: '3' });

    const deploy = {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'nginx:1' }, { name: 'side', image: 'busybox' }] } },
      },
    };
    await c.create(Resources.deployments, 'cl-patch', deploy);
    const sm = await c.patch<any>(Resources.deployments, 'cl-patch', 'web', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:2' }] } } },
    });
    expect(sm.spec.template.spec.containers.map((x: any) => `${x.name}=${x.image}`)).toEqual(['main=nginx:2', 'side=busybox']);

    const applied = await c.patch<any>(Resources.configmaps, 'cl-patch', 'applied', 'apply',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' }, data: { k: 'v' } }, undefined, { fieldManager: 'skiff-test' });
    expect(applied.data).toEqual({ k: 'v' });
    expect(applied.metadata.managedFields.map((f: any) => f.manager)).toContain('skiff-test');
    // Without a manager, the user agent is the apply's field manager.
    const defaulted = await c.patch<any>(Resources.configmaps, 'cl-patch', 'applied2', 'apply',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied2' }, data: { k: 'v' } });
    expect(defaulted.metadata.managedFields.map((f: any) => f.manager)).toContain('client-test');

    const dry = await c.create(Resources.configmaps, 'cl-patch', cm('dry', {}), { dryRun: true });
    expect(dry.metadata.name).toBe('dry');
    expect(isNotFound(await rejection(c.get(Resources.configmaps, 'cl-patch', 'dry')))).toBe(true);
  });

  it('writes status and posts subresources', async () => {
    const c = client();
    await namespace('cl-sub');
    const p = await c.create<any>(Resources.pods, 'cl-sub', pod('bindme'));
    await c.createSubresource(Resources.pods, 'cl-sub', 'bindme', 'binding', {
      apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bindme' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-a' },
    });
    const bound = await c.get<any>(Resources.pods, 'cl-sub', 'bindme');
    expect(bound.spec.nodeName).toBe('node-a');

    const withStatus = await c.update<any>(Resources.pods, 'cl-sub', { ...bound, status: { ...bound.status, phase: 'Running', podIP: '10.1.0.5' } }, 'status');
    expect(withStatus.status.phase).toBe('Running');
    const viaPatch = await c.patch<any>(Resources.pods, 'cl-sub', 'bindme', 'merge', { status: { podIP: '10.1.0.6' } }, 'status');
    expect(viaPatch.status.podIP).toBe('10.1.0.6');
    expect(p.metadata.uid).toBe(viaPatch.metadata.uid);
  });

  it('streams watch events until stopped', async () => {
    const c = client();
    await namespace('cl-watch');
    const start = await c.list(Resources.configmaps, 'cl-watch');
    const events: WatchEvent[] = [];
    let closed: { err?: Error } | undefined;
    const handle = c.watch(Resources.configmaps, 'cl-watch', { resourceVersion: start.metadata.resourceVersion }, (e) => events.push(e), (err) => { closed = { err }; });
    await c.create(Resources.configmaps, 'cl-watch', cm('w', { a: '1' }));
    await c.patch(Resources.configmaps, 'cl-watch', 'w', 'merge', { data: { a: '2' } });
    await c.delete(Resources.configmaps, 'cl-watch', 'w');
    await eventually(async () => expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED w', 'MODIFIED w', 'DELETED w']));
    handle.stop();
    expect(closed).toEqual({ err: undefined });

  });
});

/** Opens a watch expected to fail and answers the HTTP code (ERROR event or error answer). */
function watchError(c: Client, resourceVersion: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    let code: number | undefined;
    const handle = c.watch(Resources.configmaps, 'cl-inf', { resourceVersion },
      (e) => {
        if (e.type === 'ERROR') code = (e.object as unknown as { code: number }).code;
        handle.stop();
      },
      (err) => resolve((err as ApiError | undefined)?.code ?? code));
  });
}

/** A Client that counts lists, to see the informer relist. */
function counting(inner: Client): { client: Client; lists: () => number } {
  let lists = 0;
  const client = Object.create(inner) as Client;
  client.list = (...args: Parameters<Client['list']>) => {
    lists++;
    return inner.list(...args);
  };
  return { client: client as Client, lists: () => lists };
}

describe('SharedInformer against the API server', () => {
  it('delivers add/update/delete in order, indexes by node, and relists after a restart (410)', async () => {
    await namespace('cl-inf');
    const c = client();
    await c.create(Resources.pods, 'cl-inf', pod('pre', 'node-a'));
    const { client: countingClient, lists } = counting(c);
    const informer = new SharedInformer<KubeObject & { spec: { nodeName?: string } }>(countingClient, Resources.pods, { namespace: 'cl-inf', retryMs: 50, maxRetryMs: 500 });
    informer.addIndex('node', (p) => (p.spec.nodeName ? [p.spec.nodeName] : []));
    const log: string[] = [];
    informer.addEventHandler({
      add: (p) => log.push(`add ${p.metadata.name}`),
      update: (o, n) => log.push(`update ${n.metadata.name} ${o.metadata.labels?.v ?? '-'}->${n.metadata.labels?.v ?? '-'}`),
      delete: (p) => log.push(`delete ${p.metadata.name}`),
    });
    try {
      await informer.start();
      expect(informer.hasSynced()).toBe(true);
      expect(log).toEqual(['add pre']);
      expect(informer.get('cl-inf', 'pre')).toMatchObject({ kind: 'Pod', apiVersion: 'v1' });

      await c.create(Resources.pods, 'cl-inf', pod('a', 'node-a'));
      await c.create(Resources.pods, 'cl-inf', pod('b', 'node-b'));
      await c.patch(Resources.pods, 'cl-inf', 'a', 'merge', { metadata: { labels: { v: '1' } } });
      await c.patch(Resources.pods, 'cl-inf', 'a', 'merge', { metadata: { labels: { v: '2' } } });
      await c.delete(Resources.pods, 'cl-inf', 'b', { gracePeriodSeconds: 0 });
      await eventually(async () => expect(log).toEqual(['add pre', 'add a', 'add b', 'update a -->1', 'update a 1->2', 'delete b']));
      expect(informer.byIndex('node', 'node-a').map((p) => p.metadata.name).sort()).toEqual(['a', 'pre']);
      expect(informer.byIndex('node', 'node-b')).toEqual([]);
      expect(informer.list('cl-inf')).toHaveLength(2);

      // Writes elsewhere move the store past the informer's version; a restarted server keeps no
      // history before its start, so the informer's re-watch gets 410 and it must relist.
      const bump = await c.create(Resources.configmaps, 'cl-inf', cm('bump', {}));
      const listsBefore = lists();
      await s.cp.restart();
      expect(await watchError(c, String(Number(bump.metadata.resourceVersion) - 1))).toBe(410);
      await eventually(async () => expect(lists()).toBeGreaterThan(listsBefore), 30_000, 100);
      await eventually(async () => {
        await c.create(Resources.pods, 'cl-inf', pod(`after-${lists()}`, 'node-b')).catch(() => undefined);
        expect(informer.byIndex('node', 'node-b').length).toBeGreaterThan(0);
      }, 30_000, 500);
      expect(log.filter((l) => l.startsWith('add after-')).length).toBeGreaterThan(0);
      expect(informer.get('cl-inf', 'a')?.metadata.labels?.v).toBe('2');
      await c.delete(Resources.pods, 'cl-inf', 'a', { gracePeriodSeconds: 0 });
      await eventually(async () => expect(log.at(-1)).toBe('delete a'));
    } finally {
      informer.stop();
    }
  });
});

describe('event recorder', () => {
  it('records Events that kubectl shows, aggregating repeats', async () => {
    await namespace('cl-ev');
    const c = client();
    const target = await c.create(Resources.configmaps, 'cl-ev', cm('target', {}));
    const recorder = createEventRecorder(c, 'client-test', 'host-1');
    recorder.event(target, 'Warning', 'TestReason', 'something happened');
    recorder.event(target, 'Warning', 'TestReason', 'something happened');
    recorder.event(target, 'Normal', 'Other', 'fine');
    await recorder.flush();
    const out = await k().ok(['get', 'events', '-n', 'cl-ev']);
    expect(out).toMatch(/Warning\s+TestReason\s+configmap\/target\s+something happened/);
    expect(out).toMatch(/Normal\s+Other\s+configmap\/target\s+fine/);
    const json = JSON.parse(await k().ok(['get', 'events', '-n', 'cl-ev', '-o', 'json']));
    const ev = json.items.find((e: any) => e.reason === 'TestReason');
    expect(ev).toMatchObject({
      count: 2, type: 'Warning', source: { component: 'client-test', host: 'host-1' },
      involvedObject: { kind: 'ConfigMap', name: 'target', namespace: 'cl-ev', uid: target.metadata.uid },
    });
    expect(json.items.filter((e: any) => e.reason === 'TestReason')).toHaveLength(1);
  });
});
