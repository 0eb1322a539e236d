// The Endpoints and EndpointSlice controllers against a fake cluster.
import { afterEach, describe, expect, it } from 'vitest';
import { Resources } from '../../client/resources.js';
import type { Controller } from '../context.js';
import { FakeClient } from '../namespace/fakeclient.js';
import { fakeContext, until } from '../namespace/fakeinformers.js';
import { endpointSliceController } from '../endpointslice/index.js';
import { endpointsController } from './index.js';
import type { EndpointSlice, Endpoints, Pod } from './types.js';

const running: Controller[] = [];
afterEach(() => { for (const c of running.splice(0)) c.stop(); });

function pod(name: string, ip: string, ready = true): Pod {
  return {
    metadata: { name, namespace: 'ns', labels: { app: 'web' } },
    spec: { nodeName: 'n1', containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

async function start() {
  const client = new FakeClient();
  const ctx = fakeContext(client);
  client.seed(Resources.services, { metadata: { name: 'web', namespace: 'ns' }, spec: { selector: { app: 'web' }, clusterIP: '10.96.0.9', ports: [{ port: 80, targetPort: 'http', protocol: 'TCP' }] } });
  client.seed(Resources.services, { metadata: { name: 'kubernetes', namespace: 'default' }, spec: { clusterIP: '10.96.0.1', ports: [{ port: 443 }] } });
  client.seed(Resources.pods, pod('a', '10.244.0.2'));
  client.seed(Resources.pods, pod('b', '10.244.0.3', false));
  client.seed(Resources.endpoints, { metadata: { name: 'stale', namespace: 'ns' }, subsets: [] });
  const cs = [endpointsController(ctx), endpointSliceController(ctx)];
  running.push(...cs);
  await ctx.informers.start();
  for (const c of cs) c.run(2);
  return client;
}

const endpoints = (c: FakeClient) => c.find(Resources.endpoints, 'ns', 'web') as Endpoints | undefined;
const slices = (c: FakeClient) => [...c.objects.values()].filter((o) => o.kind === 'EndpointSlice') as EndpointSlice[];

describe('endpoints and endpointslice controllers', () => {
  it('publish ready and not-ready pods and follow changes', async () => {
    const client = await start();
    await until(() => {
      const ep = endpoints(client)!;
      expect(ep.subsets).toEqual([{
        addresses: [expect.objectContaining({ ip: '10.244.0.2' })],
        notReadyAddresses: [expect.objectContaining({ ip: '10.244.0.3' })],
        ports: [{ port: 8080, protocol: 'TCP' }],
      }]);
      expect(slices(client)).toHaveLength(1);
      expect(client.find(Resources.endpoints, 'ns', 'stale')).toBeUndefined();
    });
    const slice = slices(client)[0]!;
    expect(slice.metadata.name).toMatch(/^web-/);
    expect(slice.endpoints!.map((e) => [e.addresses[0], e.conditions.ready])).toEqual([['10.244.0.2', true], ['10.244.0.3', false]]);
    // The leftover Endpoints of a gone Service were removed at start (checked above).
    expect(client.find(Resources.endpoints, 'default', 'kubernetes')).toBeUndefined();

    const b = client.find(Resources.pods, 'ns', 'b')!;
    await client.update(Resources.pods, 'ns', { ...b, status: { ...(b.status as object), conditions: [{ type: 'Ready', status: 'True' }] } }, 'status');
    await until(() => {
      expect(endpoints(client)!.subsets![0]!.addresses!.map((a) => a.ip)).toEqual(['10.244.0.2', '10.244.0.3']);
      expect(slices(client)[0]!.endpoints!.every((e) => e.conditions.ready)).toBe(true);
    });
    // Still one slice: updates rewrite it in place.
    expect(slices(client)).toHaveLength(1);
    expect(client.verbs('create', 'endpointslices')).toHaveLength(1);

    await client.delete(Resources.services, 'ns', 'web');
    await until(() => {
      expect(endpoints(client)).toBeUndefined();
      expect(slices(client)).toEqual([]);
    });
  });

  it('does not write again when nothing changed', async () => {
    const client = await start();
    await until(() => expect(slices(client)).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 50));
    const writes = client.calls.filter((c) => ['create', 'update'].includes(c.verb)).length;
    const a = client.find(Resources.pods, 'ns', 'a')!;
    await client.update(Resources.pods, 'ns', { ...a, metadata: { ...a.metadata, annotations: { note: 'x' } } });
    await new Promise((r) => setTimeout(r, 50));
    expect(client.calls.filter((c) => ['create', 'update'].includes(c.verb)).length).toBe(writes + 1); // only our own pod update
  });
});
