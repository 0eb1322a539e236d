// A core smoke set run by every kubectl the issue names: 1.32 (PATH), 1.27 and 1.33 (beside it)
// and Debian's kubernetes-client 1.20. Each version works in its own namespace.
import { API_SERVER_ONLY } from '../helpers/controlplane.js';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCEPTANCE_VERSIONS, type Kubectl, type KubectlVersion } from '../helpers/kubectl.js';
import { configMap, deployment, widget, widgetCrd } from '../helpers/manifests.js';
import { AGE, header, row, useControlPlane } from '../helpers/suite.js';

// The API server alone: objects stay as the test wrote them (no controller acts on them).
const s = useControlPlane(API_SERVER_ONLY);

beforeAll(async () => {
  const k = s.kubectl('1.32');
  await k.ok(['apply', '-f', await s.file('crd.yaml', widgetCrd)]);
  await k.ok(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=20s']);
});

describe.each(ACCEPTANCE_VERSIONS.map((v) => [v]))('kubectl %s', (version: KubectlVersion) => {
  const NS = `v-${version.replace('.', '-')}`;
  const k = (): Kubectl => s.kubectl(version);
  const json = async (...args: string[]): Promise<any> => JSON.parse(await k().ok(['get', ...args, '-n', NS, '-o', 'json']));

  it('creates a namespace, deployment, configmap, secret and service', async () => {
    expect((await k().ok(['create', 'namespace', NS])).trim()).toBe(`namespace/${NS} created`);
    expect((await k().ok(['create', 'deployment', 'd', '--image=nginx:1.25', '--replicas=2', '-n', NS])).trim()).toBe('deployment.apps/d created');
    expect((await k().ok(['create', 'configmap', 'c', '--from-literal=a=1', '-n', NS])).trim()).toBe('configmap/c created');
    expect((await k().ok(['create', 'secret', 'generic', 's', '--from-literal=p=q', '-n', NS])).trim()).toBe('secret/s created');
    expect((await k().ok(['create', 'service', 'clusterip', 'svc', '--tcp=80:8080', '-n', NS])).trim()).toBe('service/svc created');
    expect((await json('deployment', 'd')).spec.replicas).toBe(2);
    expect((await json('configmap', 'c')).data).toEqual({ a: '1' });
    expect((await json('service', 'svc')).spec.clusterIP).toMatch(/^10\.96\./);
  });

  it('creates from a file and applies twice with a change', async () => {
    const cf = await s.file(`${NS}-create.yaml`, configMap('from-file', { k: 'v' }, NS));
    expect((await k().ok(['create', '-f', cf])).trim()).toBe('configmap/from-file created');
    const v1 = await s.file(`${NS}-apply1.yaml`, deployment({ name: 'ap', namespace: NS, replicas: 1, labels: { tier: 'front' } }));
    expect((await k().ok(['apply', '-f', v1])).trim()).toBe('deployment.apps/ap created');
    expect((await k().ok(['apply', '-f', v1])).trim()).toBe('deployment.apps/ap unchanged');
    const v2 = await s.file(`${NS}-apply2.yaml`, deployment({ name: 'ap', namespace: NS, replicas: 3, labels: { tier: 'front' } }));
    expect((await k().ok(['apply', '-f', v2])).trim()).toBe('deployment.apps/ap configured');
    const d = await json('deployment', 'ap');
    expect(d.spec.replicas).toBe(3);
    expect(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('"replicas":3');
  });

  it('applies server-side', async () => {
    const f = await s.file(`${NS}-ssa.yaml`, configMap('ssa', { a: '1' }, NS));
    expect((await k().ok(['apply', '--server-side', '-f', f])).trim()).toBe('configmap/ssa serverside-applied');
    expect((await json('configmap', 'ssa')).data).toEqual({ a: '1' });
  });

  it('gets tables: plain, wide, -A, -l, --show-labels', async () => {
    const plain = await k().ok(['get', 'deployments', '-n', NS]);
    expect(header(plain)).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(row(plain, 'd').slice(0, 4)).toEqual(['d', '0/2', '0', '0']);
    expect(row(plain, 'd')[4]).toMatch(AGE);
    const wide = await k().ok(['get', 'deployment', 'ap', '-n', NS, '-o', 'wide']);
    expect(header(wide)).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
    expect(row(wide, 'ap').slice(5)).toEqual(['main', 'nginx:1.25', 'app=ap']);
    const all = await k().ok(['get', 'configmaps', '-A']);
    expect(header(all)).toEqual(['NAMESPACE', 'NAME', 'DATA', 'AGE']);
    expect(all).toMatch(new RegExp(`^${NS}\\s+c\\s+1\\s+`, 'm'));
    const sel = await k().ok(['get', 'deployments', '-n', NS, '-l', 'tier=front', '-o', 'name']);
    expect(sel.trim()).toBe('deployment.apps/ap');
    const labels = await k().ok(['get', 'deployment', 'ap', '-n', NS, '--show-labels']);
    expect(header(labels).at(-1)).toBe('LABELS');
    expect(row(labels, 'ap').at(-1)).toBe('app=ap,tier=front');
  });

  it('gets yaml and json', async () => {
    const y = yaml.load(await k().ok(['get', 'configmap', 'c', '-n', NS, '-o', 'yaml'])) as any;
    expect(y).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: NS }, data: { a: '1' } });
    const list = JSON.parse(await k().ok(['get', 'configmaps', '-n', NS, '-o', 'json']));
    expect(list.kind).toBe('List');
    expect(list.items.map((i: any) => i.metadata.name)).toContain('c');
  });

  it('watches with -w', async () => {
    const w = k().stream(['get', 'configmaps', '-n', NS, '-w']);
    try {
      await w.waitForLine(/^c\s+1\s+/);
      await k().ok(['create', 'configmap', 'watched', '--from-literal=x=y', '-n', NS]);
      await w.waitForLine(/^watched\s+1\s+/);
    } finally {
      await w.stop();
    }
  });

  it('gets all and lists api-resources', async () => {
    const all = await k().ok(['get', 'all', '-n', NS]);
    expect(all).toMatch(/^deployment\.apps\/d\s+0\/2\s+0\s+0\s+\S+$/m);
    expect(all).toMatch(/^service\/svc\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80\/TCP\s+\S+$/m);
    const res = await k().ok(['api-resources']);
    expect(res.split('\n')[0]).toMatch(/^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/);
    expect(res).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(res).toMatch(/^widgets\s+wd\s+example\.com\/v1\s+true\s+Widget$/m);
  });

  it('runs pods with client and server dry runs', async () => {
    const client = yaml.load(await k().ok(['run', 'p', '--image=nginx:1.25', '-n', NS, '--dry-run=client', '-o', 'yaml'])) as any;
    expect(client).toMatchObject({ kind: 'Pod', metadata: { name: 'p' } });
    const server = yaml.load(await k().ok(['run', 'p', '--image=nginx:1.25', '-n', NS, '--dry-run=server', '-o', 'yaml'])) as any;
    expect(server).toMatchObject({ kind: 'Pod', metadata: { name: 'p', namespace: NS }, spec: { schedulerName: 'default-scheduler' } });
    expect(server.metadata.uid).toBeTruthy();
    const get = await k().run(['get', 'pod', 'p', '-n', NS]);
    expect(get.stderr.trim()).toBe('Error from server (NotFound): pods "p" not found');
  });

  it('patches with all three types', async () => {
    const smp = await k().ok(['patch', 'deployment', 'd', '-n', NS, '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.26"}]}}}}']);
    expect(smp.trim()).toBe('deployment.apps/d patched');
    const merge = await k().ok(['patch', 'deployment', 'd', '-n', NS, '--type=merge', '-p', '{"metadata":{"labels":{"m":"1"}}}']);
    expect(merge.trim()).toBe('deployment.apps/d patched');
    const jp = await k().ok(['patch', 'deployment', 'd', '-n', NS, '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":4}]']);
    expect(jp.trim()).toBe('deployment.apps/d patched');
    const d = await json('deployment', 'd');
    expect(d.spec.template.spec.containers).toHaveLength(1);
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:1.26');
    expect(d.metadata.labels.m).toBe('1');
    expect(d.spec.replicas).toBe(4);
  });

  it('edits with KUBE_EDITOR', async () => {
    const r = await k().run(['edit', 'configmap', 'c', '-n', NS], { env: { KUBE_EDITOR: 'sed -i -e "s/a: \\"1\\"/a: \\"edited\\"/"' } });
    expect(r.stdout.trim(), r.stderr).toBe('configmap/c edited');
    expect((await json('configmap', 'c')).data).toEqual({ a: 'edited' });
  });

  it('labels, annotates and scales', async () => {
    expect((await k().ok(['label', 'configmap', 'c', 'l=v', '-n', NS])).trim()).toBe('configmap/c labeled');
    // kubectl 1.27 itself prints "annotate" (its own wording, not the server's).
    expect((await k().ok(['annotate', 'configmap', 'c', 'n=v', '-n', NS])).trim()).toMatch(/^configmap\/c annotated?$/);
    expect((await k().ok(['scale', 'deployment', 'd', '--replicas=1', '-n', NS])).trim()).toBe('deployment.apps/d scaled');
    const c = await json('configmap', 'c');
    expect(c.metadata.labels).toEqual({ l: 'v' });
    expect(c.metadata.annotations.n).toBe('v');
    expect((await json('deployment', 'd')).spec.replicas).toBe(1);
  });

  it('describes', async () => {
    const out = await k().ok(['describe', 'deployment', 'd', '-n', NS]);
    expect(out).toMatch(/^Name:\s+d$/m);
    expect(out).toMatch(/^Replicas:\s+1 desired \| 0 updated \| 0 total \| 0 available \| 0 unavailable$/m);
  });

  it('creates, lists and deletes custom objects', async () => {
    const f = await s.file(`${NS}-widget.yaml`, widget('w', 2, NS));
    expect((await k().ok(['create', '-f', f])).trim()).toBe('widget.example.com/w created');
    const out = await k().ok(['get', 'widgets', '-n', NS]);
    expect(header(out)).toEqual(['NAME', 'SIZE', 'AGE']);
    expect(row(out, 'w')[1]).toBe('2');
    expect((await k().ok(['delete', '-f', f])).trim()).toMatch(/^widget\.example\.com "w" deleted/);
  });

  it('answers auth can-i', async () => {
    const r = await k().run(['auth', 'can-i', 'create', 'deployments', '-n', NS]);
    expect(r.stdout.trim()).toBe('yes');
  });

  it('deletes by name, -f, -l and --all, and waits for a deletion', async () => {
    expect((await k().ok(['delete', 'secret', 's', '-n', NS])).trim()).toMatch(/^secret "s" deleted/);
    const cf = await s.file(`${NS}-create.yaml`, configMap('from-file', { k: 'v' }, NS));
    expect((await k().ok(['delete', '-f', cf])).trim()).toMatch(/^configmap "from-file" deleted/);
    expect((await k().ok(['delete', 'configmap', '-l', 'l=v', '-n', NS])).trim()).toMatch(/^configmap "c" deleted/);

    const wait = k().stream(['wait', '--for=delete', 'configmap/watched', '-n', NS, '--timeout=30s']);
    try {
      await new Promise((r) => setTimeout(r, 500));
      const out = await k().ok(['delete', 'configmaps', '--all', '-n', NS]);
      expect(out.trim().split('\n').sort()).toEqual(['configmap "ssa" deleted', 'configmap "watched" deleted']);
      expect(await wait.waitForLine(/condition met/, 20_000)).toBe('configmap/watched condition met');
    } finally {
      await wait.stop();
    }
    const left = await k().run(['get', 'configmaps', '-n', NS]);
    expect(left.stderr.trim()).toBe(`No resources found in ${NS} namespace.`);
  });
});
