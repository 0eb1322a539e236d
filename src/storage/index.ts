// The storage entry point: pick a store by kind; everything else imports the contract from here.

import { MemoryStore, type MemoryStoreOptions } from './memory/memory-store.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export * from './store.js';
export { WatchHistory, DEFAULT_HISTORY_SIZE, type WatchHistoryOptions } from './history.js';
export { MemoryStore, type MemoryStoreOptions } from './memory/memory-store.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';

export type OpenStoreOptions =
  | ({ kind: 'sqlite'; path: string } & SqliteStoreOptions)
  | ({ kind: 'memory' } & MemoryStoreOptions);

export function openStore(options: OpenStoreOptions): Store {
  switch (options.kind) {
    case 'sqlite': {
      const { kind: _kind, path, ...rest } = options;
      return new SqliteStore(path, rest);
    }
    case 'memory': {
      const { kind: _kind, ...rest } = options;
      return new MemoryStore(rest);
    }
  }
}
