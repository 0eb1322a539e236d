// The store: a key-value map with one global, monotonic revision (the resourceVersion of
// Kubernetes), compare-and-swap writes, and watches that resume from a revision.
//
// Keys look like "/registry/apps/deployments/default/web". Values are JSON text. Every write
// bumps the global revision by one; an entry's `revision` is the revision of its last write.

export interface Entry {
  key: string;
  value: string;
  /** Revision of the entry's last write (its modRevision). */
  revision: number;
}

export type StoreEventType = 'put' | 'delete';

export interface StoreEvent {
  type: StoreEventType;
  key: string;
  /** For a put, the new value; for a delete, the value the entry had when it was deleted. */
  value: string;
  /** The revision this event happened at. */
  revision: number;
  /** The previous value, when there was one (a put over an existing entry, or a delete). */
  prevValue?: string;
  /** True when the put created the entry. */
  created?: boolean;
}

export interface ListOptions {
  /** At most this many entries (0 or absent: all). */
  limit?: number;
  /** Start strictly after this key (for continuation). */
  after?: string;
}

export interface ListResult {
  entries: Entry[];
  /** The store's revision at the time of the list. */
  revision: number;
  /** True when `limit` cut the list short. */
  more: boolean;
}

export type StoreErrorCode = 'KeyExists' | 'NotFound' | 'Conflict' | 'Compacted';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    readonly key: string,
    message?: string,
    /** For Compacted: the oldest revision a watch can still start from. */
    readonly oldestRevision?: number,
  ) {
    super(message ?? `${code}: ${key}`);
    this.name = 'StoreError';
  }
}

export interface Watch {
  /** Stops delivering events; idempotent. */
  stop(): void;
}

export interface Store {
  /** The revision of the latest write. */
  currentRevision(): Promise<number>;
  get(key: string): Promise<Entry | undefined>;
  /** Entries whose key starts with `prefix`, in key order. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Creates `key`; throws StoreError KeyExists when it is there already. Returns the new revision. */
  create(key: string, value: string): Promise<number>;
  /**
   * Replaces `key`'s value. With `expectedRevision`, only if the entry's revision still equals it
   * (else StoreError Conflict). Throws NotFound when the key is absent. Returns the new revision.
   */
  update(key: string, value: string, expectedRevision?: number): Promise<number>;
  /** Deletes `key` (optionally only at `expectedRevision`). Returns the deletion's revision. */
  delete(key: string, expectedRevision?: number): Promise<number>;
  /**
   * Calls `onEvent` for every event on keys under `prefix` with a revision greater than
   * `afterRevision`, first the ones already past (from the store's recent history), then live ones,
   * in revision order. Throws StoreError Compacted when history no longer reaches `afterRevision`.
   */
  watch(prefix: string, afterRevision: number, onEvent: (event: StoreEvent) => void): Watch;
  close(): Promise<void>;
}
