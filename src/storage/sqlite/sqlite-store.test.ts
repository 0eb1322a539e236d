// SQLite-only behaviour: durability across reopen, pragmas, range scans, open errors.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

import { StoreError } from '../store.js';
import { SqliteStore } from './sqlite-store.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-sqlite-store-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const freshPath = () => path.join(tmp, `s${++n}`, 'store.db');

describe('SqliteStore', () => {
  it('commits the writes of one event-loop turn together, and acknowledges and publishes them only then', async () => {
    const file = freshPath();
    const store = new SqliteStore(file);
    await store.create('/registry/cm/ns/seed', '{}');
    const peek = new Database(file, { readonly: true });
    try {
      const seen: number[] = [];
      store.watch('/registry/cm/', 1, (e) => seen.push(e.revision));
      const acked: number[] = [];
      const writes = [0, 1, 2, 3, 4].map((i) => store.create(`/registry/cm/ns/b${i}`, `{"i":${i}}`).then((rev) => { acked.push(rev); return rev; }));
      const conflict = store.update('/registry/cm/ns/seed', '{}', 99).catch((err: unknown) => err);
      // Issued, not committed: this process's reads see them, another connection does not yet.
      expect((await store.get('/registry/cm/ns/b4'))?.revision).toBe(6);
      expect(peek.prepare('SELECT count(*) AS n FROM kv').get()).toEqual({ n: 1 });
      expect(seen).toEqual([]);
      expect(await Promise.all(writes)).toEqual([2, 3, 4, 5, 6]);
      expect(await conflict).toMatchObject({ code: 'Conflict' });
      expect(acked).toEqual([2, 3, 4, 5, 6]);
      expect(seen).toEqual([2, 3, 4, 5, 6]);
      expect(peek.prepare('SELECT count(*) AS n FROM kv').get()).toEqual({ n: 6 });
      expect(peek.prepare('SELECT revision FROM meta').get()).toEqual({ revision: 6 });
    } finally {
      peek.close();
      await store.close();
    }
  });

  it('keeps writes still in the open batch when it is closed', async () => {
    const file = freshPath();
    const store = new SqliteStore(file);
    const pending = store.create('/registry/cm/ns/late', '{}');
    await store.close();
    await expect(pending).resolves.toBe(1);
    const again = new SqliteStore(file);
    expect((await again.get('/registry/cm/ns/late'))?.revision).toBe(1);
    await again.close();
  });

  it('gives every object back after a reopen, and revisions keep increasing', async () => {
    const file = freshPath();
    const first = new SqliteStore(file);
    for (let i = 0; i < 50; i++) await first.create(`/registry/cm/ns/c${i}`, JSON.stringify({ i }));
    await first.update('/registry/cm/ns/c0', JSON.stringify({ i: 'updated' }));
    await first.delete('/registry/cm/ns/c49'); // revision 52: the last write leaves no row
    await first.close();

    const second = new SqliteStore(file);
    expect(await second.currentRevision()).toBe(52);
    const { entries, revision } = await second.list('/registry/cm/');
    expect(entries).toHaveLength(49);
    expect(revision).toBe(52);
    expect(await second.get('/registry/cm/ns/c0')).toEqual({
      key: '/registry/cm/ns/c0',
      value: JSON.stringify({ i: 'updated' }),
      revision: 51,
    });
    expect(await second.create('/registry/cm/ns/c49', '{}')).toBe(53);
    await second.close();
  });

  it('starts the watch history empty after a reopen, like the apiserver watch cache', async () => {
    const file = freshPath();
    const first = new SqliteStore(file);
    for (let i = 0; i < 5; i++) await first.create(`/r/${i}`, '{}');
    await first.close();

    const second = new SqliteStore(file);
    let error: unknown;
    try {
      second.watch('/r/', 3, () => {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('Compacted');
    expect((error as StoreError).oldestRevision).toBe(5);
    const seen: number[] = [];
    second.watch('/r/', 5, (e) => seen.push(e.revision));
    await second.update('/r/0', '{"x":1}');
    expect(seen).toEqual([6]);
    await second.close();
  });

  it('runs in WAL mode with synchronous=NORMAL and keeps the schema', async () => {
    const file = freshPath();
    const store = new SqliteStore(file);
    await store.create('/r/a', '{}');
    const peek = new Database(file, { readonly: true });
    try {
      expect(peek.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(peek.prepare('SELECT revision FROM meta').get()).toEqual({ revision: 1 });
      expect(peek.prepare('SELECT key, value, create_revision, mod_revision FROM kv').all()).toEqual([
        { key: '/r/a', value: '{}', create_revision: 1, mod_revision: 1 },
      ]);
      // The list query is a primary-key range search, not a scan.
      const plan = peek
        .prepare('EXPLAIN QUERY PLAN SELECT key, value FROM kv WHERE key >= ? AND key < ? ORDER BY key LIMIT ?')
        .all('/r/', '/r0', -1) as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toMatch(/SEARCH kv USING INDEX .*\(key>\? AND key<\?\)/);
    } finally {
      peek.close();
    }
    await store.close();
  });

  it('keeps create_revision across updates', async () => {
    const file = freshPath();
    const store = new SqliteStore(file);
    await store.create('/r/a', '1');
    await store.create('/r/b', '1');
    await store.update('/r/a', '2');
    await store.close();
    const peek = new Database(file, { readonly: true });
    expect(peek.prepare("SELECT create_revision, mod_revision FROM kv WHERE key = '/r/a'").get()).toEqual({
      create_revision: 1,
      mod_revision: 3,
    });
    peek.close();
  });

  it('wraps open errors with the path', () => {
    const notADir = path.join(tmp, 'file-in-the-way');
    fs.writeFileSync(notADir, 'x');
    expect(() => new SqliteStore(path.join(notADir, 'store.db'))).toThrow(
      new RegExp(`^failed to open store at ${notADir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/store\\.db: `),
    );
    const garbage = path.join(tmp, 'garbage.db');
    fs.writeFileSync(garbage, 'this is not a database, but it is long enough to have a header '.repeat(20));
    expect(() => new SqliteStore(garbage)).toThrow(/^failed to open store at .*garbage\.db: file is not a database/);
  });

  it('pages through 10 000 keys with limit/after', async () => {
    const store = new SqliteStore(freshPath());
    for (let i = 0; i < 10_000; i++) await store.create(`/registry/pods/ns${i % 10}/p${i}`, '{}');
    let after: string | undefined;
    let total = 0;
    for (;;) {
      const page = await store.list('/registry/pods/ns3/', { limit: 500, after });
      total += page.entries.length;
      if (!page.more) break;
      after = page.entries.at(-1)!.key;
    }
    expect(total).toBe(1000);
    await store.close();
  });
});
