// An in-memory Store for unit tests and hollow benchmarks: same semantics as the SQLite store,
// nothing survives the process.

import { WatchHistory, type WatchHistoryOptions } from '../history.js';
import { effectiveLimit } from '../keys.js';
import {
  StoreError,
  type Entry,
  type ListOptions,
  type ListResult,
  type Store,
  type StoreEvent,
  type Watch,
} from '../store.js';

export interface MemoryStoreOptions {
  /** Events kept for watches that resume from the past (default 10 000). */
  historySize?: number;
  onWatcherError?: WatchHistoryOptions['onWatcherError'];
}

interface Row {
  value: string;
  createRevision: number;
  modRevision: number;
}

export class MemoryStore implements Store {
  private readonly rows = new Map<string, Row>();
  // Keys in ascending order, for prefix lists with continuation; kept sorted on insert/delete.
  private readonly sortedKeys: string[] = [];
  private revision = 0;
  private readonly history: WatchHistory;
  private closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.history = new WatchHistory(0, { size: options.historySize, onWatcherError: options.onWatcherError });
  }

  async currentRevision(): Promise<number> {
    this.assertOpen();
    return this.revision;
  }

  async get(key: string): Promise<Entry | undefined> {
    this.assertOpen();
    const row = this.rows.get(key);
    return row ? { key, value: row.value, revision: row.modRevision } : undefined;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.assertOpen();
    const limit = effectiveLimit(options.limit);
    const from = options.after !== undefined && options.after >= prefix ? options.after : prefix;
    let i = lowerBound(this.sortedKeys, from);
    if (i < this.sortedKeys.length && this.sortedKeys[i] === options.after) i++;
    const entries: Entry[] = [];
    for (; i < this.sortedKeys.length; i++) {
      const key = this.sortedKeys[i]!;
      if (!key.startsWith(prefix)) break;
      if (entries.length === limit) return { entries, revision: this.revision, more: true };
      const row = this.rows.get(key)!;
      entries.push({ key, value: row.value, revision: row.modRevision });
    }
    return { entries, revision: this.revision, more: false };
  }

  async create(key: string, value: string): Promise<number> {
    this.assertOpen();
    if (this.rows.has(key)) throw new StoreError('KeyExists', key);
    const revision = ++this.revision;
    this.rows.set(key, { value, createRevision: revision, modRevision: revision });
    this.sortedKeys.splice(lowerBound(this.sortedKeys, key), 0, key);
    this.publish({ type: 'put', key, value, revision, created: true });
    return revision;
  }

  async update(key: string, value: string, expectedRevision?: number): Promise<number> {
    this.assertOpen();
    const row = this.existing(key, expectedRevision);
    const revision = ++this.revision;
    const prevValue = row.value;
    this.rows.set(key, { value, createRevision: row.createRevision, modRevision: revision });
    this.publish({ type: 'put', key, value, revision, prevValue });
    return revision;
  }

  async delete(key: string, expectedRevision?: number): Promise<number> {
    this.assertOpen();
    const row = this.existing(key, expectedRevision);
    const revision = ++this.revision;
    this.rows.delete(key);
    this.sortedKeys.splice(lowerBound(this.sortedKeys, key), 1);
    this.publish({ type: 'delete', key, value: row.value, revision, prevValue: row.value });
    return revision;
  }

  watch(prefix: string, afterRevision: number, onEvent: (event: StoreEvent) => void): Watch {
    this.assertOpen();
    return this.history.watch(prefix, afterRevision, onEvent);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.history.close();
  }

  /** The row for a conditional write: NotFound first, then Conflict on a stale revision. */
  private existing(key: string, expectedRevision: number | undefined): Row {
    const row = this.rows.get(key);
    if (!row) throw new StoreError('NotFound', key);
    if (expectedRevision !== undefined && row.modRevision !== expectedRevision) {
      throw new StoreError('Conflict', key, `Conflict: ${key} is at revision ${row.modRevision}, not ${expectedRevision}`);
    }
    return row;
  }

  private publish(event: StoreEvent): void {
    this.history.append(event);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }
}

/** First index whose key is >= `key`. */
function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
