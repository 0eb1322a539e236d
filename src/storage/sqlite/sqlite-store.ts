// The embedded Store: one SQLite file (better-sqlite3) in WAL mode.
//
// Schema: kv(key, value, create_revision, mod_revision) holds live entries; meta holds one row with
// the global revision. Deleted entries leave no row (the watch history lives in memory, like the
// kube-apiserver watch cache), so meta.revision — not max(mod_revision) — is the store's revision.
// Writes are group-committed, as etcd batches its backend: the writes that arrive in one turn of
// the event loop run in one IMMEDIATE transaction (each reads its row, bumps meta.revision and
// writes the row), committed on the next turn; only then do their callers hear back and watchers
// see their events, in revision order. A crash leaves whole writes or none, never a revision gap,
// and never loses a write that was acknowledged. One commit for many writes is what makes a busy
// cluster fast: a commit costs far more than the statements inside it.
//
// Reads on this connection see the open batch (as a read after an acknowledged write must), so a
// list reports the revision of the newest write it may contain. A failed COMMIT cannot be undone
// for the readers who saw it: the store then fails every waiting write and closes.
//
// One process owns a store file: the revision is cached in memory and the watch history sees only
// this process's writes. Readers elsewhere (backups) are fine; a second writer is not supported.

import fs from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

import { WatchHistory, type WatchHistoryOptions } from '../history.js';
import { effectiveLimit, prefixEnd } from '../keys.js';
import {
  StoreError,
  type Entry,
  type ListOptions,
  type ListResult,
  type Store,
  type StoreEvent,
  type Watch,
} from '../store.js';

export interface SqliteStoreOptions {
  /** Events kept for watches that resume from the past (default 10 000). */
  historySize?: number;
  /** How long a write waits for a lock held by another connection (default 5 000 ms). */
  busyTimeoutMs?: number;
  onWatcherError?: WatchHistoryOptions['onWatcherError'];
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS kv (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    create_revision INTEGER NOT NULL,
    mod_revision INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL
  );
  INSERT OR IGNORE INTO meta (id, revision) VALUES (1, 0);
`;

interface Row {
  key: string;
  value: string;
  create_revision: number;
  mod_revision: number;
}

type Statements = ReturnType<typeof prepareStatements>;

// Prepared once per store: better-sqlite3 statements are reusable and preparing costs more than
// running most of them.
function prepareStatements(db: Database.Database) {
  return {
    get: db.prepare<[string], Row>('SELECT key, value, create_revision, mod_revision FROM kv WHERE key = ?'),
    revision: db.prepare<[], { revision: number }>('SELECT revision FROM meta WHERE id = 1'),
    setRevision: db.prepare<[number]>('UPDATE meta SET revision = ? WHERE id = 1'),
    insert: db.prepare<[string, string, number, number]>(
      'INSERT INTO kv (key, value, create_revision, mod_revision) VALUES (?, ?, ?, ?)',
    ),
    update: db.prepare<[string, number, string]>('UPDATE kv SET value = ?, mod_revision = ? WHERE key = ?'),
    remove: db.prepare<[string]>('DELETE FROM kv WHERE key = ?'),
    // Range scans on the primary key (never LIKE); `LIMIT -1` means no limit. The lower bound is
    // either the prefix (>=) or a continuation key (>), chosen in JS so the index range is tight.
    fromBounded: db.prepare<[string, string, number], Row>(
      'SELECT key, value, create_revision, mod_revision FROM kv WHERE key >= ? AND key < ? ORDER BY key LIMIT ?',
    ),
    fromOpen: db.prepare<[string, number], Row>(
      'SELECT key, value, create_revision, mod_revision FROM kv WHERE key >= ? ORDER BY key LIMIT ?',
    ),
    afterBounded: db.prepare<[string, string, number], Row>(
      'SELECT key, value, create_revision, mod_revision FROM kv WHERE key > ? AND key < ? ORDER BY key LIMIT ?',
    ),
    afterOpen: db.prepare<[string, number], Row>(
      'SELECT key, value, create_revision, mod_revision FROM kv WHERE key > ? ORDER BY key LIMIT ?',
    ),
  };
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly stmt: Statements;
  private readonly history: WatchHistory;
  /** The committed revision (what watchers have seen). */
  private revision: number;
  /** The newest revision written, committed or still in the open batch. */
  private pendingRevision: number;
  private closed = false;
  /** The open group commit: its events in order and the writers waiting for it. */
  private batch: { events: StoreEvent[]; waiters: { resolve: (rev: number) => void; reject: (err: unknown) => void }[] } | undefined;

  constructor(
    readonly path: string,
    options: SqliteStoreOptions = {},
  ) {
    try {
      this.db = openDatabase(path, options.busyTimeoutMs ?? 5_000);
      this.stmt = prepareStatements(this.db);
      this.revision = this.stmt.revision.get()!.revision;
      this.pendingRevision = this.revision;
    } catch (error) {
      throw new Error(`failed to open store at ${path}: ${errorMessage(error)}`, { cause: error });
    }
    // After a restart the history starts empty at the current revision, as the apiserver's watch
    // cache does: older watches get Compacted and relist.
    this.history = new WatchHistory(this.revision, { size: options.historySize, onWatcherError: options.onWatcherError });
  }

  async currentRevision(): Promise<number> {
    this.assertOpen();
    return this.pendingRevision;
  }

  async get(key: string): Promise<Entry | undefined> {
    this.assertOpen();
    const row = this.stmt.get.get(key);
    return row ? toEntry(row) : undefined;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.assertOpen();
    const limit = effectiveLimit(options.limit);
    // Ask for one row past the limit to learn whether the list was cut short.
    const sqlLimit = limit === Infinity ? -1 : limit + 1;
    const rows = this.range(prefix, options.after, sqlLimit);
    const more = rows.length > limit;
    if (more) rows.length = limit;
    // The range is exact for ordinary keys; the filter guards odd code points at the range's end.
    const entries = rows.filter((r) => r.key.startsWith(prefix)).map(toEntry);
    return { entries, revision: this.pendingRevision, more };
  }

  async create(key: string, value: string): Promise<number> {
    this.assertOpen();
    return this.write((): StoreEvent => {
      if (this.stmt.get.get(key)) throw new StoreError('KeyExists', key);
      const revision = this.bump();
      this.stmt.insert.run(key, value, revision, revision);
      return { type: 'put', key, value, revision, created: true };
    });
  }

  async update(key: string, value: string, expectedRevision?: number): Promise<number> {
    this.assertOpen();
    return this.write((): StoreEvent => {
      const row = this.existing(key, expectedRevision);
      const revision = this.bump();
      this.stmt.update.run(value, revision, key);
      return { type: 'put', key, value, revision, prevValue: row.value };
    });
  }

  async delete(key: string, expectedRevision?: number): Promise<number> {
    this.assertOpen();
    return this.write((): StoreEvent => {
      const row = this.existing(key, expectedRevision);
      const revision = this.bump();
      this.stmt.remove.run(key);
      return { type: 'delete', key, value: row.value, revision, prevValue: row.value };
    });
  }

  watch(prefix: string, afterRevision: number, onEvent: (event: StoreEvent) => void): Watch {
    this.assertOpen();
    return this.history.watch(prefix, afterRevision, onEvent);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.commit(); // what was acknowledged-to-be is kept
    this.closed = true;
    this.history.close();
    this.db.close();
  }

  /**
   * Runs `body` in the open batch (opening one, with the write lock, if none is) and resolves
   * with its revision once the batch has committed. `body` throws only before it changes a row
   * (KeyExists, NotFound, Conflict): such a write leaves the batch as it was.
   */
  private write(body: () => StoreEvent): Promise<number> {
    if (!this.batch) {
      this.db.exec('BEGIN IMMEDIATE');
      this.batch = { events: [], waiters: [] };
      setImmediate(() => this.commit());
    }
    let event: StoreEvent;
    try {
      event = body();
    } catch (error) {
      if (error instanceof StoreError) return Promise.reject(error);
      // SQLite itself failed mid-write: nothing in this batch can be trusted.
      this.abort(error);
      return Promise.reject(error);
    }
    this.pendingRevision = event.revision;
    const batch = this.batch!;
    batch.events.push(event);
    return new Promise((resolve, reject) => batch.waiters.push({ resolve, reject }));
  }

  /** COMMIT the open batch; then the revision moves on and watchers hear of each write, in order. */
  private commit(): void {
    const batch = this.batch;
    if (!batch || this.closed) return;
    this.batch = undefined;
    try {
      this.db.exec('COMMIT');
    } catch (error) {
      this.fail(batch, error);
      return;
    }
    batch.events.forEach((event, i) => batch.waiters[i]!.resolve(this.committed(event)));
  }

  private abort(error: unknown): void {
    const batch = this.batch!;
    this.batch = undefined;
    try {
      this.db.exec('ROLLBACK');
    } catch {
      // the failure that brought us here is the one to report
    }
    this.fail(batch, error);
  }

  /** Readers may have seen the lost writes: fail them all and close rather than serve a lie. */
  private fail(batch: NonNullable<SqliteStore['batch']>, error: unknown): void {
    const wrapped = new Error(`store write failed, closing the store: ${errorMessage(error)}`, { cause: error });
    for (const w of batch.waiters) w.reject(wrapped);
    this.closed = true;
    this.history.close();
    try {
      this.db.close();
    } catch {
      // already broken
    }
  }

  /** Rows of `prefix`'s key range, strictly after `after` when that lies inside the range. */
  private range(prefix: string, after: string | undefined, sqlLimit: number): Row[] {
    const end = prefixEnd(prefix);
    if (end !== undefined && after !== undefined && after >= end) return [];
    // Reads run outside a transaction: one statement sees one snapshot.
    if (after !== undefined && after >= prefix) {
      return end === undefined ? this.stmt.afterOpen.all(after, sqlLimit) : this.stmt.afterBounded.all(after, end, sqlLimit);
    }
    return end === undefined ? this.stmt.fromOpen.all(prefix, sqlLimit) : this.stmt.fromBounded.all(prefix, end, sqlLimit);
  }

  /** Inside the batch: the next revision, written to meta. */
  private bump(): number {
    const revision = this.pendingRevision + 1;
    this.stmt.setRevision.run(revision);
    return revision;
  }

  /** After COMMIT, for each write: the cached revision moves on and watchers hear of it, in that order. */
  private committed(event: StoreEvent): number {
    this.revision = event.revision;
    this.history.append(event);
    return event.revision;
  }

  private existing(key: string, expectedRevision: number | undefined): Row {
    const row = this.stmt.get.get(key);
    if (!row) throw new StoreError('NotFound', key);
    if (expectedRevision !== undefined && row.mod_revision !== expectedRevision) {
      throw new StoreError('Conflict', key, `Conflict: ${key} is at revision ${row.mod_revision}, not ${expectedRevision}`);
    }
    return row;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`store at ${this.path} is closed`);
  }
}

function openDatabase(file: string, busyTimeoutMs: number): Database.Database {
  // The store lives on a fresh volume on first start; make its folder rather than fail.
  if (file !== ':memory:') fs.mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    // WAL + NORMAL: a commit is durable against a process crash (no fsync per write); a power cut
    // may lose the last commits but never corrupts the file.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (file !== ':memory:' && String(mode).toLowerCase() !== 'wal') {
      throw new Error(`could not switch to WAL journal mode (got ${String(mode)})`);
    }
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function toEntry(row: Row): Entry {
  return { key: row.key, value: row.value, revision: row.mod_revision };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
