import { describe, expect, it } from 'vitest';
import { Resources } from '../client/resources.js';
import type { Client } from '../client/types.js';
import { SharedInformerFactory } from './informers.js';

function fakeClient() {
  const listed: string[] = [];
  const client = {
    list: async (ref: { resource: string }) => {
      listed.push(ref.resource);
      return { metadata: { resourceVersion: '1' }, items: [] };
    },
    watch: () => ({ stop() {} }),
  } as unknown as Client;
  return { client, listed };
}

describe('SharedInformerFactory', () => {
  it('shares one informer per resource and starts them all', async () => {
    const { client, listed } = fakeClient();
    const f = new SharedInformerFactory(client);
    const a = f.informerFor(Resources.pods);
    expect(f.informerFor({ ...Resources.pods })).toBe(a);
    f.informerFor(Resources.nodes);
    expect(a.hasSynced()).toBe(false);
    await f.start();
    expect(a.hasSynced()).toBe(true);
    expect(listed.sort()).toEqual(['nodes', 'pods']);

    // Made after start(): started at once.
    const late = f.informerFor(Resources.services);
    await f.waitForSync();
    expect(late.hasSynced()).toBe(true);
    expect(listed).toContain('services');
    f.stop();
  });
});
