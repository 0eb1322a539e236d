// Records core/v1 Events about objects the way client-go's recorder does: one Event per distinct
// (object, type, reason, message); a repeat within 10 minutes bumps count and lastTimestamp on the
// existing Event (the correlator), so `kubectl describe` shows "x5 over 2m" instead of a flood.
// Writes never block or fail the caller: events are best-effort, errors are only logged.
import type { KubeObject } from '../api/types.js';
import { isNotFound } from './errors.js';
import { Resources } from './resources.js';
import type { Client, EventRecorder } from './types.js';

/** client-go's aggregation window: a repeat after this long starts a new Event. */
export const EVENT_AGGREGATION_WINDOW_MS = 10 * 60 * 1000;
/** client-go keeps this many correlations (an LRU) per recorder. */
const MAX_CACHED = 4096;
/** Longer messages are cut, as the API would reject them. */
const MAX_MESSAGE_LENGTH = 1024;

interface Seen {
  name: string;
  namespace: string;
  count: number;
  lastSeenMs: number;
  /** Writes for one Event go in order, so a repeat never patches an Event still being created. */
  pending: Promise<void>;
}

export interface EventRecorderOptions {
  /** The clock, for tests. */
  now?: () => number;
  /** Where write failures go (console.error by default). */
  log?: (message: string) => void;
}

export interface FlushableEventRecorder extends EventRecorder {
  /** Resolves once every write issued so far has finished (for tests and shutdown). */
  flush(): Promise<void>;
}

let sequence = 0;

/** Upstream names events "<object>.<hex nanoseconds>"; the sequence keeps names unique within a ms. */
function eventName(objectName: string, nowMs: number): string {
  const nanos = BigInt(nowMs) * 1_000_000n + BigInt(sequence++ % 1_000_000);
  return `${objectName}.${nanos.toString(16)}`;
}

/** metav1.Time: RFC 3339 with whole seconds. */
function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

function correlationKey(obj: KubeObject, type: string, reason: string, message: string): string {
  const m = obj.metadata;
  return JSON.stringify([obj.apiVersion, obj.kind, m.namespace, m.name, m.uid, type, reason, message]);
}

export function createEventRecorder(client: Client, component: string, host?: string, options: EventRecorderOptions = {}): FlushableEventRecorder {
  const now = options.now ?? Date.now;
  const log = options.log ?? ((msg: string) => console.error(msg));
  const seen = new Map<string, Seen>();
  const inflight = new Set<Promise<void>>();

  const track = (p: Promise<void>): Promise<void> => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
    return p;
  };

  const create = async (obj: KubeObject, type: string, reason: string, message: string, entry: Seen): Promise<void> => {
    const timestamp = rfc3339(entry.lastSeenMs);
    const event = buildEvent(obj, { component, host, type, reason, message, name: entry.name, namespace: entry.namespace, timestamp });
    await client.create(Resources.events, entry.namespace, event);
  };

  const bump = async (obj: KubeObject, type: string, reason: string, message: string, entry: Seen): Promise<void> => {
    const lastTimestamp = rfc3339(entry.lastSeenMs);
    try {
      await client.patch(Resources.events, entry.namespace, entry.name, 'merge', { count: entry.count, lastTimestamp });
    } catch (err) {
      // The Event expired or was deleted: start a fresh one, as client-go does.
      if (!isNotFound(err)) throw err;
      entry.name = eventName(obj.metadata.name ?? 'unknown', entry.lastSeenMs);
      entry.count = 1;
      await create(obj, type, reason, message, entry);
    }
  };

  const remember = (key: string, entry: Seen): void => {
    seen.delete(key);
    seen.set(key, entry);
    if (seen.size > MAX_CACHED) seen.delete(seen.keys().next().value!);
  };

  return {
    event(obj, type, reason, rawMessage) {
      try {
        const message = rawMessage.length > MAX_MESSAGE_LENGTH ? rawMessage.slice(0, MAX_MESSAGE_LENGTH) : rawMessage;
        const key = correlationKey(obj, type, reason, message);
        const t = now();
        const prev = seen.get(key);
        const namespace = obj.metadata.namespace || 'default';
        let entry: Seen;
        let write: (e: Seen) => Promise<void>;
        if (prev && t - prev.lastSeenMs < EVENT_AGGREGATION_WINDOW_MS) {
          entry = prev;
          entry.count++;
          entry.lastSeenMs = t;
          write = (e) => bump(obj, type, reason, message, e);
        } else {
          entry = { name: eventName(obj.metadata.name ?? 'unknown', t), namespace, count: 1, lastSeenMs: t, pending: Promise.resolve() };
          write = (e) => create(obj, type, reason, message, e);
        }
        remember(key, entry);
        entry.pending = track(entry.pending.then(() => write(entry)).catch((err: unknown) => {
          log(`${component}: failed to record event ${reason} on ${obj.kind ?? 'object'} ${namespace}/${obj.metadata.name}: ${(err as Error)?.message ?? err}`);
        }));
      } catch (err) {
        log(`${component}: failed to record event ${reason}: ${(err as Error)?.message ?? err}`);
      }
    },
    async flush() {
      while (inflight.size > 0) await Promise.all([...inflight]);
    },
  };
}

interface EventFields {
  component: string;
  host?: string;
  type: string;
  reason: string;
  message: string;
  name: string;
  namespace: string;
  timestamp: string;
}

/** The core/v1 Event for an object (the shape client-go's recorder posts). */
export function buildEvent(obj: KubeObject, f: EventFields): KubeObject {
  const m = obj.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: f.name, namespace: f.namespace },
    involvedObject: {
      kind: obj.kind,
      namespace: m.namespace,
      name: m.name,
      uid: m.uid,
      apiVersion: obj.apiVersion,
      resourceVersion: m.resourceVersion,
    },
    reason: f.reason,
    message: f.message,
    source: f.host ? { component: f.component, host: f.host } : { component: f.component },
    firstTimestamp: f.timestamp,
    lastTimestamp: f.timestamp,
    count: 1,
    type: f.type,
    eventTime: null,
    reportingComponent: f.component,
    reportingInstance: f.host ?? '',
  };
}
