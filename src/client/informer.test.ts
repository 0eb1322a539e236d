import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { ApiError } from './errors.js';
import { SharedInformer } from './informer.js';
import { Resources } from './resources.js';
import type { Client, ListOptions, WatchEvent, WatchOptions } from './types.js';

interface OpenWatch {
  options: WatchOptions;
  onEvent: (e: WatchEvent) => void;
  onClose: (err?: Error) => void;
  stopped: boolean;
}

/** A scripted server: `objects` is what lists return; watches are driven by the test. */
class FakeServer {
  objects: KubeObject[] = [];
  rv = 10;
  lists: ListOptions[] = [];
  watches: OpenWatch[] = [];
  client = {
    list: async (_ref: unknown, _ns: unknown, options: ListOptions) => {
      this.lists.push(options);
      const start = Number(options.continue ?? 0);
      const limit = options.limit ?? this.objects.length;
      const items = this.objects.slice(start, start + limit);
      const next = start + limit < this.objects.length ? String(start + limit) : undefined;
      return { metadata: { resourceVersion: String(this.rv), continue: next }, items: structuredClone(items) };
    },
    watch: (_ref: unknown, _ns: unknown, options: WatchOptions, onEvent: OpenWatch['onEvent'], onClose: OpenWatch['onClose']) => {
      const w: OpenWatch = { options, onEvent, onClose, stopped: false };
      this.watches.push(w);
      return { stop: () => { if (!w.stopped) { w.stopped = true; onClose(); } } };
    },
  } as unknown as Client;

  get current(): OpenWatch {
    return this.watches.at(-1)!;
  }
}

function pod(name: string, rv: string, nodeName = ''): KubeObject {
  return { metadata: { name, namespace: 'ns', uid: `u-${name}`, resourceVersion: rv }, spec: { nodeName } };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(cond()).toBe(true);
}

function recordingInformer(server: FakeServer, pageSize?: number) {
  const inf = new SharedInformer(server.client, Resources.pods, { pageSize, retryMs: 1 });
  const log: string[] = [];
  inf.addEventHandler({
    add: (o) => log.push(`add ${o.metadata.name}@${o.metadata.resourceVersion}`),
    update: (o, n) => log.push(`update ${o.metadata.name}@${o.metadata.resourceVersion}->${n.metadata.resourceVersion}`),
    delete: (o) => log.push(`delete ${o.metadata.name}`),
  });
  return { inf, log };
}

describe('SharedInformer', () => {
  it('lists in pages, then watches from the list version with bookmarks', async () => {
    const server = new FakeServer();
    server.objects = [pod('a', '1'), pod('b', '2'), pod('c', '3')];
    const { inf, log } = recordingInformer(server, 2);
    expect(inf.hasSynced()).toBe(false);
    await inf.start();
    expect(inf.hasSynced()).toBe(true);
    expect(server.lists.map((l) => [l.limit, l.continue])).toEqual([[2, undefined], [2, '2']]);
    expect(log).toEqual(['add a@1', 'add b@2', 'add c@3']);
    expect(server.current.options).toMatchObject({ resourceVersion: '10', allowWatchBookmarks: true });
    expect(server.current.options.timeoutSeconds).toBeGreaterThanOrEqual(300);
    expect(server.current.options.timeoutSeconds).toBeLessThanOrEqual(600);
    // Cached objects carry their kind even though list items do not.
    expect(inf.get('ns', 'a')).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
    inf.stop();
  });

  it('applies watch events in order, keeps indexes, resumes from the last version', async () => {
    const server = new FakeServer();
    server.objects = [pod('a', '1', 'n1')];
    const { inf, log } = recordingInformer(server);
    inf.addIndex('node', (p) => [(p as { spec: { nodeName: string } }).spec.nodeName]);
    await inf.start();
    const w = server.current;
    w.onEvent({ type: 'ADDED', object: pod('b', '11', 'n1') });
    w.onEvent({ type: 'MODIFIED', object: pod('a', '12', 'n2') });
    w.onEvent({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '15' } } });
    expect(inf.byIndex('node', 'n1').map((p) => p.metadata.name)).toEqual(['b']);
    expect(inf.byIndex('node', 'n2').map((p) => p.metadata.name)).toEqual(['a']);
    w.onEvent({ type: 'DELETED', object: pod('b', '16', 'n1') });
    expect(inf.byIndex('node', 'n1')).toEqual([]);
    expect(log).toEqual(['add a@1', 'add b@11', 'update a@1->12', 'delete b']);
    expect(inf.list('ns').map((p) => p.metadata.name)).toEqual(['a']);
    expect(inf.list('other')).toEqual([]);

    // The server ends the watch normally: the informer re-watches from the bookmark's version.
    w.onClose();
    await until(() => server.watches.length === 2);
    expect(server.current.options.resourceVersion).toBe('16');
    inf.stop();
  });

  it('relists on a 410 and delivers only the differences', async () => {
    const server = new FakeServer();
    server.objects = [pod('a', '1'), pod('b', '2'), pod('c', '3')];
    const { inf, log } = recordingInformer(server);
    await inf.start();
    log.length = 0;
    server.objects = [pod('a', '1'), pod('b', '20'), pod('d', '21')];
    server.rv = 30;
    server.current.onEvent({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old', metadata: {} } as KubeObject });
    await until(() => server.watches.length === 2);
    expect(log).toEqual(['update b@2->20', 'add d@21', 'delete c']);
    expect(server.current.options.resourceVersion).toBe('30');
    expect(server.watches[0]!.stopped).toBe(true);

    // A watch that fails to open with 410 relists too.
    server.objects = [pod('a', '1')];
    server.rv = 40;
    server.current.onClose(new ApiError(410, 'Expired', 'too old'));
    await until(() => server.watches.length === 3);
    expect(log.slice(3)).toEqual(['delete b', 'delete d']);
    inf.stop();
  });

  it('retries a failed watch from the last version and a failed first list', async () => {
    const server = new FakeServer();
    let failLists = 2;
    const list = (server.client as unknown as { list: (...a: unknown[]) => Promise<unknown> }).list;
    (server.client as unknown as { list: unknown }).list = async (...a: unknown[]) => {
      if (failLists-- > 0) throw new Error('connection refused');
      return list(...a);
    };
    server.objects = [pod('a', '5')];
    const { inf } = recordingInformer(server);
    await inf.start();
    expect(server.lists).toHaveLength(1);
    server.current.onEvent({ type: 'MODIFIED', object: pod('a', '12') });
    server.current.onClose(new Error('ECONNRESET'));
    await until(() => server.watches.length === 2);
    expect(server.current.options.resourceVersion).toBe('12');
    inf.stop();
    expect(server.current.stopped).toBe(true);
  });

  it('tells late handlers about cached objects; isolates throwing handlers', async () => {
    const server = new FakeServer();
    server.objects = [pod('a', '1'), pod('b', '2')];
    const inf = new SharedInformer(server.client, Resources.pods);
    inf.addEventHandler({ add: () => { throw new Error('bad handler'); } });
    await inf.start();
    const late: string[] = [];
    inf.addEventHandler({ add: (o) => late.push(o.metadata.name!) });
    expect(late).toEqual(['a', 'b']);
    server.current.onEvent({ type: 'ADDED', object: pod('c', '11') });
    expect(late).toEqual(['a', 'b', 'c']);
    await tick();
    inf.stop();
  });
});
