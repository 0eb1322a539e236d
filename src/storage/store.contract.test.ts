// One behavioural contract, run against every Store implementation.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { MemoryStore } from './memory/memory-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { StoreError, type Store, type StoreEvent } from './store.js';

interface FactoryOptions {
  historySize?: number;
}

type Factory = (options?: FactoryOptions) => Store;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-store-contract-'));
let fileCounter = 0;
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const factories: Record<string, Factory> = {
  memory: (options = {}) => new MemoryStore({ historySize: options.historySize, onWatcherError: () => {} }),
  sqlite: (options = {}) =>
    new SqliteStore(path.join(tmp, `store-${++fileCounter}.db`), {
      historySize: options.historySize,
      onWatcherError: () => {},
    }),
};

async function rejection(promise: Promise<unknown>): Promise<StoreError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return error as StoreError;
  }
  throw new Error('expected a StoreError rejection');
}

function thrown(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return error as StoreError;
  }
  throw new Error('expected a StoreError');
}

const json = (n: number) => JSON.stringify({ n });

for (const [name, factory] of Object.entries(factories)) {
  describe(`Store contract: ${name}`, () => {
    const open: Store[] = [];
    const make = (options?: FactoryOptions) => {
      const store = factory(options);
      open.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    describe('create / get / update / delete', () => {
      it('starts empty at revision 0', async () => {
        const store = make();
        expect(await store.currentRevision()).toBe(0);
        expect(await store.get('/registry/pods/default/a')).toBeUndefined();
        expect(await store.list('/registry/')).toEqual({ entries: [], revision: 0, more: false });
      });

      it('creates and reads back an entry at the new revision', async () => {
        const store = make();
        const rev = await store.create('/registry/pods/default/a', json(1));
        expect(rev).toBe(1);
        expect(await store.get('/registry/pods/default/a')).toEqual({
          key: '/registry/pods/default/a',
          value: json(1),
          revision: 1,
        });
        expect(await store.currentRevision()).toBe(1);
      });

      it('rejects a create over an existing key with KeyExists and does not bump the revision', async () => {
        const store = make();
        await store.create('/k/a', json(1));
        const error = await rejection(store.create('/k/a', json(2)));
        expect(error.code).toBe('KeyExists');
        expect(error.key).toBe('/k/a');
        expect(await store.currentRevision()).toBe(1);
        expect((await store.get('/k/a'))?.value).toBe(json(1));
      });

      it('updates unconditionally and with the right expected revision', async () => {
        const store = make();
        const r1 = await store.create('/k/a', json(1));
        const r2 = await store.update('/k/a', json(2));
        expect(r2).toBe(r1 + 1);
        const r3 = await store.update('/k/a', json(3), r2);
        expect(r3).toBe(r2 + 1);
        expect(await store.get('/k/a')).toEqual({ key: '/k/a', value: json(3), revision: r3 });
      });

      it('rejects a stale expected revision with Conflict and leaves the entry alone', async () => {
        const store = make();
        const r1 = await store.create('/k/a', json(1));
        await store.update('/k/a', json(2));
        const error = await rejection(store.update('/k/a', json(3), r1));
        expect(error.code).toBe('Conflict');
        expect(error.key).toBe('/k/a');
        expect((await store.get('/k/a'))?.value).toBe(json(2));
        expect(await store.currentRevision()).toBe(2);
      });

      it('CAS: of two writers holding the same revision, exactly one wins', async () => {
        const store = make();
        const r1 = await store.create('/k/a', json(0));
        const results = await Promise.allSettled([
          store.update('/k/a', json(1), r1),
          store.update('/k/a', json(2), r1),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect((failed.reason as StoreError).code).toBe('Conflict');
      });

      it('rejects updates and deletes of a missing key with NotFound', async () => {
        const store = make();
        expect((await rejection(store.update('/k/missing', json(1)))).code).toBe('NotFound');
        expect((await rejection(store.update('/k/missing', json(1), 7))).code).toBe('NotFound');
        expect((await rejection(store.delete('/k/missing'))).code).toBe('NotFound');
        expect(await store.currentRevision()).toBe(0);
      });

      it('deletes, conditionally too, and the key can be created again', async () => {
        const store = make();
        const r1 = await store.create('/k/a', json(1));
        await store.update('/k/a', json(2));
        expect((await rejection(store.delete('/k/a', r1))).code).toBe('Conflict');
        expect(await store.get('/k/a')).toBeDefined();
        const rd = await store.delete('/k/a', r1 + 1);
        expect(rd).toBe(3);
        expect(await store.get('/k/a')).toBeUndefined();
        expect(await store.currentRevision()).toBe(3);
        expect(await store.create('/k/a', json(3))).toBe(4);
      });

      it('keeps one monotonic revision across all keys, with no gaps', async () => {
        const store = make();
        const revisions: number[] = [];
        for (let i = 0; i < 20; i++) revisions.push(await store.create(`/k/${i}`, json(i)));
        for (let i = 0; i < 20; i += 2) revisions.push(await store.update(`/k/${i}`, json(-i)));
        for (let i = 1; i < 20; i += 2) revisions.push(await store.delete(`/k/${i}`));
        expect(revisions).toEqual(Array.from({ length: revisions.length }, (_, i) => i + 1));
        expect(await store.currentRevision()).toBe(revisions.length);
        // Failed writes do not consume a revision.
        await rejection(store.create('/k/0', json(0)));
        expect(await store.create('/k/new', json(0))).toBe(revisions.length + 1);
      });
    });

    describe('list', () => {
      async function seed(store: Store) {
        for (const key of [
          '/registry/pods/default/c',
          '/registry/pods/default/a',
          '/registry/pods/kube-system/x',
          '/registry/pods/default/b',
          '/registry/podsx/default/a',
          '/registry/pod/default/a',
          '/registry/pods/defaultx/z',
          '/registry/pods/default',
        ]) {
          await store.create(key, JSON.stringify({ key }));
        }
      }

      it('returns only keys under the prefix, in key order, with the store revision', async () => {
        const store = make();
        await seed(store);
        const result = await store.list('/registry/pods/default/');
        expect(result.entries.map((e) => e.key)).toEqual([
          '/registry/pods/default/a',
          '/registry/pods/default/b',
          '/registry/pods/default/c',
        ]);
        expect(result.revision).toBe(8);
        expect(result.more).toBe(false);
        expect(result.entries[0]).toEqual({
          key: '/registry/pods/default/a',
          value: JSON.stringify({ key: '/registry/pods/default/a' }),
          revision: 2,
        });
      });

      it('isolates sibling prefixes (/registry/pods/ vs /registry/podsx/)', async () => {
        const store = make();
        await seed(store);
        expect((await store.list('/registry/pods/')).entries.map((e) => e.key)).toEqual([
          '/registry/pods/default',
          '/registry/pods/default/a',
          '/registry/pods/default/b',
          '/registry/pods/default/c',
          '/registry/pods/defaultx/z',
          '/registry/pods/kube-system/x',
        ]);
        expect((await store.list('/registry/podsx/')).entries.map((e) => e.key)).toEqual(['/registry/podsx/default/a']);
        expect((await store.list('/registry/nothing/')).entries).toEqual([]);
        expect((await store.list('')).entries).toHaveLength(8);
      });

      it('pages with limit and after, reporting more until the end', async () => {
        const store = make();
        for (let i = 0; i < 25; i++) await store.create(`/registry/cm/ns/k${String(i).padStart(2, '0')}`, json(i));
        await store.create('/registry/cmx/ns/k00', json(0));
        const seen: string[] = [];
        let after: string | undefined;
        let pages = 0;
        for (;;) {
          const page = await store.list('/registry/cm/', { limit: 10, after });
          pages++;
          seen.push(...page.entries.map((e) => e.key));
          expect(page.revision).toBe(26);
          if (!page.more) break;
          expect(page.entries).toHaveLength(10);
          after = page.entries.at(-1)!.key;
        }
        expect(pages).toBe(3);
        expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `/registry/cm/ns/k${String(i).padStart(2, '0')}`));
      });

      it('reports more=false when the limit exactly fits, and treats limit 0 as no limit', async () => {
        const store = make();
        for (let i = 0; i < 5; i++) await store.create(`/r/a/${i}`, json(i));
        const exact = await store.list('/r/a/', { limit: 5 });
        expect(exact.entries).toHaveLength(5);
        expect(exact.more).toBe(false);
        const cut = await store.list('/r/a/', { limit: 4 });
        expect(cut.more).toBe(true);
        expect((await store.list('/r/a/', { limit: 0 })).entries).toHaveLength(5);
      });

      it('handles after keys outside the prefix range', async () => {
        const store = make();
        for (let i = 0; i < 3; i++) await store.create(`/r/b/${i}`, json(i));
        await store.create('/r/c/0', json(0));
        expect((await store.list('/r/b/', { after: '/r/a/zzz' })).entries).toHaveLength(3);
        expect((await store.list('/r/b/', { after: '/r/b/1' })).entries.map((e) => e.key)).toEqual(['/r/b/2']);
        expect((await store.list('/r/b/', { after: '/r/b/9' })).entries).toEqual([]);
        expect((await store.list('/r/b/', { after: '/r/c/' })).entries).toEqual([]);
      });
    });

    describe('watch', () => {
      function collect(): { events: StoreEvent[]; onEvent: (e: StoreEvent) => void } {
        const events: StoreEvent[] = [];
        return { events, onEvent: (e) => events.push(e) };
      }

      it('replays past events after the revision, then streams live ones', async () => {
        const store = make();
        await store.create('/registry/pods/default/a', json(1)); // 1
        await store.create('/registry/pods/default/b', json(2)); // 2
        await store.update('/registry/pods/default/a', json(3)); // 3
        const { events, onEvent } = collect();
        const watch = store.watch('/registry/pods/', 1, onEvent);
        expect(events.map((e) => e.revision)).toEqual([2, 3]);
        await store.delete('/registry/pods/default/b'); // 4
        await store.create('/registry/pods/kube-system/c', json(5)); // 5
        expect(events).toEqual([
          { type: 'put', key: '/registry/pods/default/b', value: json(2), revision: 2, created: true },
          { type: 'put', key: '/registry/pods/default/a', value: json(3), revision: 3, prevValue: json(1) },
          { type: 'delete', key: '/registry/pods/default/b', value: json(2), revision: 4, prevValue: json(2) },
          { type: 'put', key: '/registry/pods/kube-system/c', value: json(5), revision: 5, created: true },
        ]);
        watch.stop();
      });

      it('from the current revision, delivers only new events', async () => {
        const store = make();
        await store.create('/r/a', json(1));
        const { events, onEvent } = collect();
        store.watch('/r/', await store.currentRevision(), onEvent);
        expect(events).toEqual([]);
        await store.create('/r/b', json(2));
        expect(events.map((e) => e.key)).toEqual(['/r/b']);
      });

      it('isolates prefixes (/registry/pods/ vs /registry/podsx/)', async () => {
        const store = make();
        const pods = collect();
        const podsx = collect();
        const ns = collect();
        store.watch('/registry/pods/', 0, pods.onEvent);
        store.watch('/registry/podsx/', 0, podsx.onEvent);
        store.watch('/registry/pods/default/', 0, ns.onEvent);
        await store.create('/registry/pods/default/a', json(1));
        await store.create('/registry/podsx/default/a', json(2));
        await store.create('/registry/pods/defaultx/a', json(3));
        await store.create('/registry/pod/default/a', json(4));
        expect(pods.events.map((e) => e.key)).toEqual(['/registry/pods/default/a', '/registry/pods/defaultx/a']);
        expect(podsx.events.map((e) => e.key)).toEqual(['/registry/podsx/default/a']);
        expect(ns.events.map((e) => e.key)).toEqual(['/registry/pods/default/a']);
        // Replay filters by prefix too.
        const late = collect();
        store.watch('/registry/podsx/', 0, late.onEvent);
        expect(late.events.map((e) => e.revision)).toEqual([2]);
      });

      it('supports the empty prefix and prefixes without a trailing slash', async () => {
        const store = make();
        const all = collect();
        const exact = collect();
        store.watch('', 0, all.onEvent);
        store.watch('/r/a', 0, exact.onEvent);
        await store.create('/r/a', json(1));
        await store.create('/r/ab', json(2));
        await store.create('/s/a', json(3));
        expect(all.events.map((e) => e.key)).toEqual(['/r/a', '/r/ab', '/s/a']);
        expect(exact.events.map((e) => e.key)).toEqual(['/r/a', '/r/ab']);
      });

      it('has no gap and no duplicate when writes happen during the replay', async () => {
        const store = make();
        for (let i = 1; i <= 10; i++) await store.create(`/r/${i}`, json(i));
        const revisions: number[] = [];
        const writes: Promise<number>[] = [];
        // Each replayed event triggers another write, appended while the replay is still running.
        store.watch('/r/', 0, (e) => {
          revisions.push(e.revision);
          if (e.revision <= 10) writes.push(store.create(`/r/w${e.revision}`, json(e.revision)));
        });
        await Promise.all(writes);
        for (let i = 0; i < 5; i++) await store.create(`/r/live${i}`, json(i));
        expect(revisions).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      });

      it('delivers in revision order to every watcher under concurrent writes', async () => {
        const store = make();
        const watchers = Array.from({ length: 5 }, () => collect());
        store.watch('/r/', 0, watchers[0]!.onEvent);
        const writes: Promise<number>[] = [];
        for (let i = 0; i < 200; i++) {
          writes.push(store.create(`/r/${i}`, json(i)));
          // Watchers join at different points of the stream, mid-writes.
          if (i % 50 === 49) store.watch('/r/', i - 10, watchers[(i + 1) / 50]!.onEvent);
        }
        await Promise.all(writes);
        await Promise.all(Array.from({ length: 200 }, (_, i) => store.update(`/r/${i}`, json(-i))));
        for (const [w, { events }] of watchers.entries()) {
          const start = w === 0 ? 0 : w * 50 - 1 - 10;
          expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 400 - start }, (_, i) => start + i + 1));
        }
      });

      it('a writing callback does not reorder events for the watchers after it', async () => {
        const store = make();
        const seenBySecond: number[] = [];
        store.watch('/r/', 0, (e) => {
          if (e.key === '/r/trigger') void store.create('/r/echo', json(0));
        });
        store.watch('/r/', 0, (e) => seenBySecond.push(e.revision));
        await store.create('/r/trigger', json(1));
        await store.create('/r/after', json(2));
        expect(seenBySecond).toEqual([1, 2, 3]);
      });

      it('throws Compacted (with the oldest revision) when history no longer reaches the revision', async () => {
        const store = make({ historySize: 5 });
        for (let i = 1; i <= 12; i++) await store.create(`/r/${i}`, json(i));
        const error = thrown(() => store.watch('/r/', 3, () => {}));
        expect(error.code).toBe('Compacted');
        expect(error.oldestRevision).toBe(7);
        expect(() => store.watch('/r/', 6, () => {})).toThrow(StoreError);
        const { events, onEvent } = collect();
        store.watch('/r/', 7, onEvent);
        expect(events.map((e) => e.revision)).toEqual([8, 9, 10, 11, 12]);
      });

      it('stop() ends delivery, is idempotent, and works from inside a callback', async () => {
        const store = make();
        const { events, onEvent } = collect();
        const watch = store.watch('/r/', 0, onEvent);
        await store.create('/r/a', json(1));
        watch.stop();
        watch.stop();
        await store.create('/r/b', json(2));
        expect(events.map((e) => e.key)).toEqual(['/r/a']);

        const selfStopped: string[] = [];
        const self = store.watch('/r/', 2, (e) => {
          selfStopped.push(e.key);
          self.stop();
        });
        await store.create('/r/c', json(3));
        await store.create('/r/d', json(4));
        expect(selfStopped).toEqual(['/r/c']);
      });

      it('a throwing watcher neither fails the write nor starves other watchers', async () => {
        const store = make();
        const { events, onEvent } = collect();
        store.watch('/r/', 0, () => {
          throw new Error('boom');
        });
        store.watch('/r/', 0, onEvent);
        expect(await store.create('/r/a', json(1))).toBe(1);
        expect(await store.create('/r/b', json(2))).toBe(2);
        expect(events.map((e) => e.revision)).toEqual([1, 2]);
      });

      it('fans out to thousands of watchers on one prefix', async () => {
        const store = make();
        let delivered = 0;
        const watches = Array.from({ length: 2000 }, () => store.watch('/registry/pods/', 0, () => delivered++));
        for (let i = 0; i < 10; i++) await store.create(`/registry/pods/ns/p${i}`, json(i));
        await store.create('/registry/services/ns/s', json(0));
        expect(delivered).toBe(20_000);
        for (const w of watches) w.stop();
        await store.create('/registry/pods/ns/late', json(0));
        expect(delivered).toBe(20_000);
      });
    });

    it('rejects operations after close', async () => {
      const store = factory();
      await store.close();
      await expect(store.get('/r/a')).rejects.toThrow(/closed/);
      await expect(store.create('/r/a', json(1))).rejects.toThrow(/closed/);
      await store.close();
    });
  });
}
