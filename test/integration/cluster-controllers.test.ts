// The cluster controllers (ServiceAccount + root CA publisher, Namespace, garbage collector,
// Endpoints/EndpointSlices, node lifecycle) against a control plane running its controllers and
// scheduler with two hollow agents, observed with real kubectl 1.32. The control plane runs with a
// short node-monitor grace period and default toleration so that a dead node is noticed and its
// pods replaced within the test's time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sleep } from '../helpers/controlplane.js';
import { useHollowNodes } from '../helpers/agent.js';
import { eventually, row, useControlPlane } from '../helpers/suite.js';

const GRACE_SECONDS = 20;
const TOLERATION_SECONDS = 3;
const NODES = ['cc-node-a', 'cc-node-b'];

const nodeDir = mkdtempSync(join(tmpdir(), 'skiff-cc-it-'));
const nodeKubeconfig = join(nodeDir, 'node-kubeconfig');
const s = useControlPlane({
  extraArgs: [
    '--node-kubeconfig-out', nodeKubeconfig,
    '--node-monitor-grace-period', String(GRACE_SECONDS),
    '--default-toleration-seconds', String(TOLERATION_SECONDS),
  ],
});
const k = () => s.kubectl('1.32');

// Agents authenticate with the node credential, not the admin token.
const agents = useHollowNodes(s, nodeKubeconfig, NODES);

async function json(args: string[]): Promise<any> {
  return JSON.parse(await k().ok([...args, '-o', 'json']));
}

async function notFound(args: string[]): Promise<void> {
  const r = await k().run(['get', ...args]);
  expect(r.code, `expected ${args.join(' ')} to be gone:\n${r.stdout}`).not.toBe(0);
  expect(r.stderr).toMatch(/NotFound|not found/);
}

function readyCondition(node: any): any {
  return (node.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
}

/** The running (not terminating) pods with a label, as {name, node, ip}. */
async function livePods(ns: string, selector: string): Promise<{ name: string; node: string; ip: string; ready: boolean }[]> {
  const list = await json(['get', 'pods', '-n', ns, '-l', selector]);
  return list.items
    .filter((p: any) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running')
    .map((p: any) => ({
      name: p.metadata.name,
      node: p.spec.nodeName,
      ip: p.status.podIP,
      ready: (p.status.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'),
    }));
}

afterAll(() => rmSync(nodeDir, { recursive: true, force: true }));

describe('ServiceAccount controller and root CA publisher', () => {
  it('gives a new namespace a default ServiceAccount and kube-root-ca.crt', async () => {
    await k().ok(['create', 'namespace', 'cc-sa']);
    await eventually(async () => {
      const sa = await json(['get', 'serviceaccount', 'default', '-n', 'cc-sa']);
      expect(sa.metadata.name).toBe('default');
      const cm = await json(['get', 'configmap', 'kube-root-ca.crt', '-n', 'cc-sa']);
      expect(cm.data['ca.crt']).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(cm.data['ca.crt']).toBe((await s.cp.credentials()).ca);
    }, 10_000, 200);
  });

  it('recreates the default ServiceAccount and repairs the ConfigMap', async () => {
    await k().ok(['delete', 'serviceaccount', 'default', '-n', 'cc-sa']);
    await k().ok(['patch', 'configmap', 'kube-root-ca.crt', '-n', 'cc-sa', '--type=merge', '-p', '{"data":{"ca.crt":"tampered"}}']);
    await eventually(async () => {
      await json(['get', 'serviceaccount', 'default', '-n', 'cc-sa']);
      const cm = await json(['get', 'configmap', 'kube-root-ca.crt', '-n', 'cc-sa']);
      expect(cm.data['ca.crt']).toMatch(/^-----BEGIN CERTIFICATE-----/);
    }, 10_000, 200);
  });

  it('covers the namespaces that exist at start', async () => {
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      await eventually(async () => {
        await json(['get', 'serviceaccount', 'default', '-n', ns]);
        await json(['get', 'configmap', 'kube-root-ca.crt', '-n', ns]);
      }, 10_000, 200);
    }
  });
});

describe('Namespace controller', () => {
  it('kubectl delete namespace removes it and its contents', async () => {
    await k().ok(['create', 'namespace', 'cc-gone']);
    await k().ok(['create', 'configmap', 'cfg', '--from-literal=a=1', '-n', 'cc-gone']);
    await k().ok(['create', 'secret', 'generic', 'pw', '--from-literal=p=x', '-n', 'cc-gone']);
    await k().ok(['create', 'deployment', 'web', '--image=busybox', '--replicas=2', '-n', 'cc-gone']);
    await eventually(async () => expect((await livePods('cc-gone', 'app=web')).length).toBe(2), 20_000, 250);

    const started = Date.now();
    const out = await k().ok(['delete', 'namespace', 'cc-gone', '--timeout=60s'], { timeoutMs: 70_000 });
    expect(out.trim()).toBe('namespace "cc-gone" deleted');
    expect(Date.now() - started).toBeLessThan(30_000);
    await notFound(['namespace', 'cc-gone']);
    const pods = await json(['get', 'pods', '-A', '--field-selector', 'metadata.namespace=cc-gone']);
    expect(pods.items).toEqual([]);
  });

  it('shows Terminating while content remains and refuses new content', async () => {
    await k().ok(['create', 'namespace', 'cc-term']);
    // A finalizer nobody removes keeps the namespace Terminating until the test removes it.
    await k().ok(['apply', '-f', '-'], {
      stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  namespace: cc-term\n  finalizers: ["example.com/hold"]\n',
    });
    await k().ok(['delete', 'namespace', 'cc-term', '--wait=false']);
    await eventually(async () => {
      expect(row(await k().ok(['get', 'namespace', 'cc-term']), 'cc-term')[1]).toBe('Terminating');
      const cm = await json(['get', 'configmap', 'held', '-n', 'cc-term']);
      expect(cm.metadata.deletionTimestamp).toBeTruthy();
    }, 10_000, 200);
    const r = await k().run(['create', 'configmap', 'late', '-n', 'cc-term']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/being terminated/);

    await k().ok(['patch', 'configmap', 'held', '-n', 'cc-term', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    await eventually(() => notFound(['namespace', 'cc-term']), 20_000, 250);
  });
});

describe('garbage collector', () => {
  it('kubectl delete deployment removes its ReplicaSets and pods within seconds', async () => {
    await k().ok(['create', 'deployment', 'gc-web', '--image=busybox', '--replicas=3']);
    await eventually(async () => expect((await livePods('default', 'app=gc-web')).length).toBe(3), 20_000, 250);
    const rsBefore = await json(['get', 'rs', '-l', 'app=gc-web']);
    expect(rsBefore.items).toHaveLength(1);

    await k().ok(['delete', 'deployment', 'gc-web']);
    const started = Date.now();
    await eventually(async () => {
      expect((await json(['get', 'rs', '-l', 'app=gc-web'])).items).toEqual([]);
      expect((await json(['get', 'pods', '-l', 'app=gc-web'])).items).toEqual([]);
    }, 15_000, 200);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('--cascade=orphan leaves the ReplicaSet and pods, without the owner reference', async () => {
    await k().ok(['create', 'deployment', 'gc-orphan', '--image=busybox', '--replicas=2']);
    await eventually(async () => expect((await livePods('default', 'app=gc-orphan')).length).toBe(2), 20_000, 250);

    const out = await k().ok(['delete', 'deployment', 'gc-orphan', '--cascade=orphan']);
    expect(out.trim()).toBe('deployment.apps "gc-orphan" deleted');
    await notFound(['deployment', 'gc-orphan']);
    await eventually(async () => {
      const rs = await json(['get', 'rs', '-l', 'app=gc-orphan']);
      expect(rs.items).toHaveLength(1);
      expect(rs.items[0].metadata.ownerReferences ?? []).toEqual([]);
    }, 10_000, 200);
    // Give a wrong collection time to happen: the pods stay.
    await sleep(2000);
    expect((await livePods('default', 'app=gc-orphan')).length).toBe(2);
    const rsName = (await json(['get', 'rs', '-l', 'app=gc-orphan'])).items[0].metadata.name;
    await k().ok(['delete', 'rs', rsName]);
    await eventually(async () => expect((await json(['get', 'pods', '-l', 'app=gc-orphan'])).items).toEqual([]), 15_000, 200);
  });

  it('--cascade=foreground deletes the dependents before the owner', async () => {
    await k().ok(['create', 'deployment', 'gc-fg', '--image=busybox', '--replicas=2']);
    await eventually(async () => expect((await livePods('default', 'app=gc-fg')).length).toBe(2), 20_000, 250);
    await k().ok(['delete', 'deployment', 'gc-fg', '--cascade=foreground', '--timeout=30s'], { timeoutMs: 40_000 });
    await notFound(['deployment', 'gc-fg']);
    expect((await json(['get', 'rs', '-l', 'app=gc-fg'])).items).toEqual([]);
    expect((await json(['get', 'pods', '-l', 'app=gc-fg'])).items).toEqual([]);
  });

  it('collects an object whose owner is gone (a ConfigMap owned by a deleted ConfigMap)', async () => {
    await k().ok(['create', 'configmap', 'gc-owner']);
    const owner = await json(['get', 'configmap', 'gc-owner']);
    await k().ok(['apply', '-f', '-'], {
      stdin: `apiVersion: v1
kind: ConfigMap
metadata:
  name: gc-dependent
  ownerReferences:
  - apiVersion: v1
    kind: ConfigMap
    name: gc-owner
    uid: ${owner.metadata.uid}
`,
    });
    await k().ok(['delete', 'configmap', 'gc-owner']);
    await eventually(() => notFound(['configmap', 'gc-dependent']), 10_000, 200);
  });
});

describe('Endpoints and EndpointSlice controllers', () => {
  it('kubectl get endpoints lists the ready pods\' IPs after kubectl expose', async () => {
    await k().ok(['create', 'deployment', 'ep-web', '--image=busybox', '--replicas=3', '--port=8080']);
    const pods = await eventually(async () => {
      const p = await livePods('default', 'app=ep-web');
      expect(p.length).toBe(3);
      expect(p.every((x) => x.ready && x.ip)).toBe(true);
      return p;
    }, 20_000, 250);
    await k().ok(['expose', 'deployment', 'ep-web', '--port=80', '--target-port=8080']);
    const ips = pods.map((p) => p.ip).sort();

    const ep = await eventually(async () => {
      const e = await json(['get', 'endpoints', 'ep-web']);
      expect((e.subsets?.[0]?.addresses ?? []).map((a: any) => a.ip).sort()).toEqual(ips);
      return e;
    }, 10_000, 200);
    expect(ep.subsets).toHaveLength(1);
    expect(ep.subsets[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(ep.subsets[0].addresses[0].targetRef).toMatchObject({ kind: 'Pod', namespace: 'default' });
    expect(ep.metadata.annotations['endpoints.kubernetes.io/last-change-trigger-time']).toMatch(/^\d{4}-\d\d-\d\dT/);

    const table = await k().ok(['get', 'endpoints', 'ep-web']);
    const cell = row(table, 'ep-web')[1]!;
    for (const ip of ips) expect(cell).toContain(`${ip}:8080`);

    const slices = await json(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=ep-web']);
    expect(slices.items).toHaveLength(1);
    const slice = slices.items[0];
    expect(slice.metadata.name).toMatch(/^ep-web-[a-z0-9]{5}$/);
    expect(slice.metadata.labels['endpointslice.kubernetes.io/managed-by']).toBe('endpointslice-controller.k8s.io');
    expect(slice.addressType).toBe('IPv4');
    expect(slice.endpoints.map((e: any) => e.addresses[0]).sort()).toEqual(ips);
    expect(slice.endpoints.every((e: any) => e.conditions.ready && e.conditions.serving && !e.conditions.terminating)).toBe(true);
    expect(slice.metadata.ownerReferences[0]).toMatchObject({ kind: 'Service', name: 'ep-web', controller: true });
  });

  it('follows scaling and removes both when the Service goes', async () => {
    await k().ok(['scale', 'deployment', 'ep-web', '--replicas=1']);
    await eventually(async () => {
      const e = await json(['get', 'endpoints', 'ep-web']);
      expect((e.subsets ?? []).flatMap((ss: any) => ss.addresses ?? [])).toHaveLength(1);
    }, 15_000, 200);
    await k().ok(['delete', 'service', 'ep-web']);
    await eventually(async () => {
      await notFound(['endpoints', 'ep-web']);
      expect((await json(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=ep-web'])).items).toEqual([]);
    }, 10_000, 200);
    await k().ok(['delete', 'deployment', 'ep-web']);
  });
});

describe('node lifecycle controller', () => {
  it('marks a killed agent\'s node NotReady/Unknown within 50 s and recreates its pods on the other node', async () => {
    await k().ok(['create', 'deployment', 'nl-web', '--image=busybox', '--replicas=4']);
    const before = await eventually(async () => {
      const p = await livePods('default', 'app=nl-web');
      expect(p.length).toBe(4);
      expect(new Set(p.map((x) => x.node)).size).toBe(2); // spread over both nodes
      return p;
    }, 30_000, 250);
    const victim = agents[1]!;
    const victimNode = NODES[1]!;
    const survivor = NODES[0]!;
    expect(before.some((p) => p.node === victimNode)).toBe(true);

    const killedAt = Date.now();
    await victim.kill();

    const node = await eventually(async () => {
      const n = await json(['get', 'node', victimNode]);
      expect(readyCondition(n)).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
      return n;
    }, 50_000, 500);
    expect(Date.now() - killedAt).toBeLessThan(50_000);
    expect(row(await k().ok(['get', 'nodes']), victimNode)[1]).toBe('NotReady');
    const taints = (node.spec.taints ?? []).map((t: any) => `${t.key}:${t.effect}`);
    await eventually(async () => {
      const n = await json(['get', 'node', victimNode]);
      const t = (n.spec.taints ?? []).map((x: any) => `${x.key}:${x.effect}`);
      expect(t).toEqual(expect.arrayContaining(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']));
    }, 10_000, 250).catch((err) => { throw new Error(`${err}\ntaints first seen: ${taints.join(', ')}`); });

    // Evicted after the (short) default toleration; the ReplicaSet replaces them on the survivor.
    await eventually(async () => {
      const p = await livePods('default', 'app=nl-web');
      const onSurvivor = p.filter((x) => x.node === survivor);
      expect(onSurvivor.length).toBe(4);
    }, 60_000, 500);

    const events = await json(['get', 'events', '--field-selector', 'reason=TaintManagerEviction']);
    expect(events.items.map((e: any) => e.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Marking for deletion Pod default\/nl-web-/)]),
    );
    const nodeEvents = await json(['get', 'events', '-A', '--field-selector', `involvedObject.name=${victimNode},reason=NodeNotReady`]);
    expect(nodeEvents.items.length).toBeGreaterThan(0);
  }, 150_000);
});
