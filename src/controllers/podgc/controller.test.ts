// PodGC against a fake cluster.
import { afterEach, describe, expect, it } from 'vitest';
import { Resources } from '../../client/resources.js';
import type { Controller } from '../context.js';
import { FakeClient } from '../namespace/fakeclient.js';
import { fakeContext, until } from '../namespace/fakeinformers.js';
import { podGcController } from './index.js';

let running: Controller | undefined;
afterEach(() => running?.stop());

describe('podgc controller', () => {
  it('deletes unscheduled terminating pods, pods of deleted nodes, and terminated pods over the threshold', async () => {
    const client = new FakeClient();
    const ctx = fakeContext(client, { terminatedPodGcThreshold: 1 });
    client.seed(Resources.nodes, { metadata: { name: 'n1' } });
    client.seed(Resources.nodes, { metadata: { name: 'n2' } });
    client.seed(Resources.pods, { metadata: { name: 'unscheduled', namespace: 'ns', deletionTimestamp: 't', finalizers: [] }, spec: {}, status: { phase: 'Pending' } });
    client.seed(Resources.pods, { metadata: { name: 'on-n2', namespace: 'ns' }, spec: { nodeName: 'n2' }, status: { phase: 'Running' } });
    client.seed(Resources.pods, { metadata: { name: 'done-old', namespace: 'ns', creationTimestamp: '2024-01-01T00:00:00Z' }, spec: { nodeName: 'n1' }, status: { phase: 'Succeeded' } });
    client.seed(Resources.pods, { metadata: { name: 'done-new', namespace: 'ns', creationTimestamp: '2024-02-01T00:00:00Z' }, spec: { nodeName: 'n1' }, status: { phase: 'Failed' } });
    client.seed(Resources.pods, { metadata: { name: 'running', namespace: 'ns' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } });
    const c = podGcController(ctx);
    running = c;
    await ctx.informers.start();
    c.run(1);
    await until(() => {
      expect(client.find(Resources.pods, 'ns', 'unscheduled')).toBeUndefined();
      expect(client.find(Resources.pods, 'ns', 'done-old')).toBeUndefined();
    });
    expect(client.find(Resources.pods, 'ns', 'done-new')).toBeDefined();
    expect(client.find(Resources.pods, 'ns', 'on-n2')).toBeDefined();
    expect(client.verbs('delete', 'pods').every((d) => (d.body as { gracePeriodSeconds: number }).gracePeriodSeconds === 0)).toBe(true);

    await client.delete(Resources.nodes, undefined, 'n2');
    await until(() => expect(client.find(Resources.pods, 'ns', 'on-n2')).toBeUndefined());
    const statusPatch = client.verbs('patch', 'pods').find((p) => p.name === 'on-n2')!;
    expect(statusPatch.subresource).toBe('status');
    expect(client.find(Resources.pods, 'ns', 'running')).toBeDefined();
  });
});
