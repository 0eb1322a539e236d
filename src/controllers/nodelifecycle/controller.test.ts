// The node lifecycle controller against a fake cluster, with a grace period of a fraction of a
// second so that staleness and eviction deadlines pass during the test.
import { afterEach, describe, expect, it } from 'vitest';
import { Resources } from '../../client/resources.js';
import type { Controller } from '../context.js';
import { FakeClient } from '../namespace/fakeclient.js';
import { fakeContext, until } from '../namespace/fakeinformers.js';
import type { Pod } from '../endpoints/types.js';
import { nodeLifecycleController } from './index.js';
import type { Node } from './health.js';

let running: Controller | undefined;
afterEach(() => running?.stop());

const now = () => new Date().toISOString();

function node(name: string): Node {
  return {
    metadata: { name },
    spec: {},
    status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: now(), lastTransitionTime: now() }] },
  };
}

function pod(name: string, nodeName: string, tolerationSeconds?: number): Pod {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}` },
    spec: {
      nodeName,
      tolerations: tolerationSeconds === undefined ? undefined : [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds }],
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

async function start(graceSeconds: number, defaultTolerationSeconds = 300) {
  const client = new FakeClient();
  const ctx = fakeContext(client, { nodeMonitorGracePeriodSeconds: graceSeconds, defaultTolerationSeconds });
  for (const n of ['alive', 'dead']) {
    client.seed(Resources.nodes, node(n));
    client.seed(Resources.leases, { metadata: { name: n, namespace: 'kube-node-lease' }, spec: { holderIdentity: n, renewTime: now() } });
  }
  client.seed(Resources.pods, pod('quick', 'dead', 0));
  client.seed(Resources.pods, pod('patient', 'dead', 1));
  client.seed(Resources.pods, pod('default-tol', 'dead'));
  client.seed(Resources.pods, pod('elsewhere', 'alive', 0));
  const c = nodeLifecycleController(ctx);
  running = c;
  await ctx.informers.start();
  c.run(2);
  // The live node keeps renewing its lease.
  const renew = setInterval(() => {
    const l = client.find(Resources.leases, 'kube-node-lease', 'alive')!;
    void client.update(Resources.leases, 'kube-node-lease', { ...l, spec: { ...(l.spec as object), renewTime: now() } });
  }, 50);
  const stop = c.stop.bind(c);
  c.stop = () => { clearInterval(renew); stop(); };
  return { client, ctx };
}

describe('node lifecycle controller', () => {
  it('marks a silent node Unknown, taints it, marks its pods not ready and evicts by toleration', async () => {
    const { client, ctx } = await start(0.3);
    const started = Date.now();
    await until(() => {
      const n = client.find(Resources.nodes, undefined, 'dead') as Node;
      expect(n.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
      expect((n.spec!.taints ?? []).map((t) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    }, 3000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    // The node that renews stays Ready, untainted.
    const alive = client.find(Resources.nodes, undefined, 'alive') as Node;
    expect(alive.status!.conditions![0]!.status).toBe('True');
    expect(alive.spec!.taints).toBeUndefined();

    // tolerationSeconds 0 goes at once; 1 s a second after the taint; the default (300 s) stays.
    await until(() => expect(client.find(Resources.pods, 'ns', 'quick')).toBeUndefined(), 1000);
    expect(client.find(Resources.pods, 'ns', 'patient')).toBeDefined();
    await until(() => expect(client.find(Resources.pods, 'ns', 'patient')).toBeUndefined(), 3000);
    const remaining = client.find(Resources.pods, 'ns', 'default-tol') as Pod;
    expect(remaining).toBeDefined();
    expect(remaining.status!.conditions!.find((c) => c.type === 'Ready')!.status).toBe('False');
    expect(client.find(Resources.pods, 'ns', 'elsewhere')).toBeDefined();

    const reasons = ctx.events.map((e) => `${e.object} ${e.reason} ${e.message}`);
    expect(reasons).toEqual(expect.arrayContaining([
      'dead NodeNotReady Node dead status is now: NodeNotReady',
      'ns/quick TaintManagerEviction Marking for deletion Pod ns/quick',
      'ns/default-tol NodeNotReady Node is not ready',
    ]));
  });

  it('removes the taints when the node reports Ready again', async () => {
    const { client } = await start(0.2);
    await until(() => expect((client.find(Resources.nodes, undefined, 'dead') as Node).spec!.taints?.length).toBe(2), 3000);
    const n = client.find(Resources.nodes, undefined, 'dead') as Node;
    const l = client.find(Resources.leases, 'kube-node-lease', 'dead')!;
    await client.update(Resources.leases, 'kube-node-lease', { ...l, spec: { ...(l.spec as object), renewTime: now() } });
    await client.update(Resources.nodes, undefined, { ...n, status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: now() }] } }, 'status');
    await until(() => expect((client.find(Resources.nodes, undefined, 'dead') as Node).spec!.taints).toBeUndefined(), 2000);
  });

  it('evicts nothing when every node is down', async () => {
    const client = new FakeClient();
    const ctx = fakeContext(client, { nodeMonitorGracePeriodSeconds: 0.2 });
    client.seed(Resources.nodes, node('only'));
    client.seed(Resources.pods, pod('p', 'only', 0));
    const c = nodeLifecycleController(ctx);
    running = c;
    await ctx.informers.start();
    c.run(1);
    await until(() => expect((client.find(Resources.nodes, undefined, 'only') as Node).status!.conditions![0]!.status).toBe('Unknown'), 3000);
    await new Promise((r) => setTimeout(r, 200));
    expect((client.find(Resources.nodes, undefined, 'only') as Node).spec!.taints).toEqual([{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }]);
    expect(client.find(Resources.pods, 'ns', 'p')).toBeDefined();
  });
});
