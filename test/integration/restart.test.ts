// Restart on the same data dir: every object comes back unchanged, resourceVersions keep
// increasing, allocated ClusterIPs and NodePorts stay taken, and the old kubeconfig still works.
import { API_SERVER_ONLY } from '../helpers/controlplane.js';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { configMap, deployment, widget, widgetCrd } from '../helpers/manifests.js';
import { useControlPlane } from '../helpers/suite.js';

// The API server alone: objects stay as the test wrote them (no controller acts on them).
const s = useControlPlane(API_SERVER_ONLY);
const k = () => s.kubectl('1.32');
const NS = 'rs';

interface Snapshot {
  [ref: string]: { uid: string; resourceVersion: string; body: string };
}

const REFS = [
  'namespace/rs', 'namespace/default', 'namespace/kube-system', 'namespace/kube-public', 'namespace/kube-node-lease',
];
const NS_REFS = ['configmap/cfg', 'secret/sec', 'deployment.apps/web', 'service/web', 'service/np', 'pod/p1', 'widget.example.com/w1'];

async function snapshot(): Promise<Snapshot> {
  const snap: Snapshot = {};
  const objects = [
    ...(await Promise.all(REFS.map((r) => k().ok(['get', r, '-o', 'json'])))),
    ...(await Promise.all(NS_REFS.map((r) => k().ok(['get', r, '-n', NS, '-o', 'json'])))),
    await k().ok(['get', 'service/kubernetes', '-n', 'default', '-o', 'json']),
  ].map((t) => JSON.parse(t));
  for (const o of objects) {
    const ref = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    snap[ref] = { uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, body: JSON.stringify(o) };
  }
  return snap;
}

function maxRv(snap: Snapshot): bigint {
  return Object.values(snap).reduce((m, e) => (BigInt(e.resourceVersion) > m ? BigInt(e.resourceVersion) : m), 0n);
}

describe('restart on the same data dir', () => {
  let before: Snapshot = {};
  let kubeconfigBefore = '';

  it('stores a varied set of objects', async () => {
    await k().ok(['create', 'namespace', NS]);
    await k().ok(['apply', '-f', await s.file('objs.yaml', [
      configMap('cfg', { a: '1' }, NS),
      deployment({ name: 'web', namespace: NS, replicas: 2 }),
      widgetCrd,
    ].join('---\n'))]);
    await k().ok(['create', 'secret', 'generic', 'sec', '--from-literal=k=v', '-n', NS]);
    await k().ok(['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '-n', NS]);
    await k().ok(['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '-n', NS]);
    await k().ok(['run', 'p1', '--image=nginx:1.25', '-n', NS]);
    await k().ok(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=20s']);
    await k().ok(['apply', '-f', await s.file('w1.yaml', widget('w1', 4, NS))]);
    // A deleted object must stay deleted.
    await k().ok(['create', 'configmap', 'gone', '-n', NS]);
    await k().ok(['delete', 'configmap', 'gone', '-n', NS]);
    before = await snapshot();
    kubeconfigBefore = await readFile(s.cp.kubeconfig, 'utf8');
  });

  it('stops cleanly on SIGTERM and starts again', async () => {
    const exit = await s.cp.restart();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(s.cp.running).toBe(true);
  });

  it('has every object back, unchanged', async () => {
    const after = await snapshot();
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const [ref, entry] of Object.entries(before)) {
      expect(after[ref]!.uid, ref).toBe(entry.uid);
      expect(after[ref]!.resourceVersion, ref).toBe(entry.resourceVersion);
      expect(JSON.parse(after[ref]!.body), ref).toEqual(JSON.parse(entry.body));
    }
    const gone = await k().run(['get', 'configmap', 'gone', '-n', NS]);
    expect(gone.stderr.trim()).toBe('Error from server (NotFound): configmaps "gone" not found');
  });

  it('still accepts the kubeconfig written before the restart', async () => {
    const { token } = await s.cp.credentials();
    expect(kubeconfigBefore).toContain(token);
  });

  it('keeps increasing resourceVersions', async () => {
    await k().ok(['label', 'configmap', 'cfg', 'after=restart', '-n', NS]);
    const cfg = JSON.parse(await k().ok(['get', 'configmap', 'cfg', '-n', NS, '-o', 'json']));
    expect(BigInt(cfg.metadata.resourceVersion)).toBeGreaterThan(maxRv(before));
    await k().ok(['create', 'configmap', 'fresh', '-n', NS]);
    const fresh = JSON.parse(await k().ok(['get', 'configmap', 'fresh', '-n', NS, '-o', 'json']));
    expect(BigInt(fresh.metadata.resourceVersion)).toBeGreaterThan(BigInt(cfg.metadata.resourceVersion));
    const list = JSON.parse(await k().ok(['get', '--raw', `/api/v1/namespaces/${NS}/configmaps`]));
    expect(BigInt(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(BigInt(fresh.metadata.resourceVersion));
  });

  it('never hands out an allocated ClusterIP or NodePort again', async () => {
    const taken = JSON.parse(await k().ok(['get', 'services', '-A', '-o', 'json'])).items as any[];
    const ips = new Set(taken.map((svc) => svc.spec.clusterIP));
    const ports = new Set(taken.flatMap((svc) => (svc.spec.ports ?? []).map((p: any) => p.nodePort).filter(Boolean)));
    for (let i = 0; i < 5; i++) {
      await k().ok(['create', 'service', 'nodeport', `n${i}`, '--tcp=80:80', '-n', NS]);
      const svc = JSON.parse(await k().ok(['get', 'service', `n${i}`, '-n', NS, '-o', 'json']));
      expect(ips.has(svc.spec.clusterIP), svc.spec.clusterIP).toBe(false);
      expect(ports.has(svc.spec.ports[0].nodePort), String(svc.spec.ports[0].nodePort)).toBe(false);
      ips.add(svc.spec.clusterIP);
      ports.add(svc.spec.ports[0].nodePort);
    }
  });

  it('survives a second restart with the new writes', async () => {
    await s.cp.restart();
    const out = await k().ok(['get', 'configmaps', '-n', NS, '-o', 'name']);
    expect(out.trim().split('\n').sort()).toEqual(['configmap/cfg', 'configmap/fresh']);
    const cfg = JSON.parse(await k().ok(['get', 'configmap', 'cfg', '-n', NS, '-o', 'json']));
    expect(cfg.metadata.labels).toEqual({ after: 'restart' });
    expect((await k().ok(['get', 'widgets', '-n', NS, '-o', 'name'])).trim()).toBe('widget.example.com/w1');
  });
});
