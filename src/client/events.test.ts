import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { ApiError } from './errors.js';
import { createEventRecorder, EVENT_AGGREGATION_WINDOW_MS } from './events.js';
import type { Client } from './types.js';

interface Call { op: string; namespace?: string; name?: string; body: any }

/** Only create and patch are used by the recorder. */
function fakeClient(opts: { failCreate?: boolean; patchNotFound?: boolean } = {}): { client: Client; calls: Call[] } {
  const calls: Call[] = [];
  const client = {
    async create(_ref: unknown, namespace: string, obj: KubeObject) {
      calls.push({ op: 'create', namespace, name: obj.metadata.name, body: obj });
      if (opts.failCreate) throw new ApiError(403, 'Forbidden', 'nope');
      await new Promise((r) => setTimeout(r, 5));
      return obj;
    },
    async patch(_ref: unknown, namespace: string, name: string, type: string, patch: unknown) {
      calls.push({ op: `patch:${type}`, namespace, name, body: patch });
      if (opts.patchNotFound) throw new ApiError(404, 'NotFound', 'gone');
      return {};
    },
  } as unknown as Client;
  return { client, calls };
}

const pod: KubeObject = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'apps', uid: 'u-1', resourceVersion: '42' },
};
const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'u-n' } };

describe('createEventRecorder', () => {
  it('creates an Event in the object namespace with upstream fields', async () => {
    const { client, calls } = fakeClient();
    const t = Date.parse('2024-05-01T10:00:00.500Z');
    const rec = createEventRecorder(client, 'default-scheduler', 'host-a', { now: () => t });
    rec.event(pod, 'Normal', 'Scheduled', 'Successfully assigned apps/web-1 to n1');
    await rec.flush();
    expect(calls).toHaveLength(1);
    const ev = calls[0]!.body;
    expect(calls[0]!.namespace).toBe('apps');
    expect(ev.metadata.name).toMatch(/^web-1\.[0-9a-f]+$/);
    expect(ev).toMatchObject({
      apiVersion: 'v1', kind: 'Event',
      involvedObject: { kind: 'Pod', namespace: 'apps', name: 'web-1', uid: 'u-1', apiVersion: 'v1', resourceVersion: '42' },
      source: { component: 'default-scheduler', host: 'host-a' },
      reportingComponent: 'default-scheduler',
      reportingInstance: 'host-a',
      type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned apps/web-1 to n1',
      count: 1, firstTimestamp: '2024-05-01T10:00:00Z', lastTimestamp: '2024-05-01T10:00:00Z',
    });
  });

  it('puts events of cluster-scoped objects in default', async () => {
    const { client, calls } = fakeClient();
    const rec = createEventRecorder(client, 'node-controller');
    rec.event(node, 'Normal', 'RegisteredNode', 'Node n1 event');
    await rec.flush();
    expect(calls[0]!.namespace).toBe('default');
    expect(calls[0]!.body.source).toEqual({ component: 'node-controller' });
  });

  it('aggregates repeats within 10 minutes into count and lastTimestamp patches', async () => {
    const { client, calls } = fakeClient();
    let t = Date.parse('2024-05-01T10:00:00Z');
    const rec = createEventRecorder(client, 'kubelet', 'n1', { now: () => t });
    rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting');
    t += 30_000;
    rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting'); // issued while the create is in flight
    t += 30_000;
    rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting');
    await rec.flush();
    expect(calls.map((c) => c.op)).toEqual(['create', 'patch:merge', 'patch:merge']);
    expect(calls[1]!.name).toBe(calls[0]!.name);
    expect(calls[2]!.body).toEqual({ count: 3, lastTimestamp: '2024-05-01T10:01:00Z' });

    // A different message or reason is a different Event.
    rec.event(pod, 'Warning', 'BackOff', 'other message');
    rec.event(pod, 'Normal', 'Pulled', 'Back-off restarting');
    await rec.flush();
    expect(calls.slice(3).map((c) => c.op)).toEqual(['create', 'create']);

    // After the window a repeat starts a new Event.
    t += EVENT_AGGREGATION_WINDOW_MS;
    rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting');
    await rec.flush();
    expect(calls.at(-1)!.op).toBe('create');
    expect(calls.at(-1)!.name).not.toBe(calls[0]!.name);
    expect(calls.at(-1)!.body.count).toBe(1);
  });

  it('recreates an Event that vanished before a repeat', async () => {
    const { client, calls } = fakeClient({ patchNotFound: true });
    const rec = createEventRecorder(client, 'c');
    rec.event(pod, 'Normal', 'R', 'm');
    rec.event(pod, 'Normal', 'R', 'm');
    await rec.flush();
    expect(calls.map((c) => c.op)).toEqual(['create', 'patch:merge', 'create']);
    expect(calls[2]!.body.count).toBe(1);
  });

  it('never throws to the caller; failures are logged', async () => {
    const { client } = fakeClient({ failCreate: true });
    const logs: string[] = [];
    const rec = createEventRecorder(client, 'c', undefined, { log: (m) => logs.push(m) });
    expect(() => rec.event(pod, 'Normal', 'R', 'm')).not.toThrow();
    await rec.flush();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/c: failed to record event R on Pod apps\/web-1: nope/);
    const broken = createEventRecorder({} as Client, 'c', undefined, { log: (m) => logs.push(m) });
    expect(() => broken.event(pod, 'Normal', 'R', 'm')).not.toThrow();
    await broken.flush();
    expect(logs).toHaveLength(2);
  });
});
