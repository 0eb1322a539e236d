// kubectl 1.32 writes: create, run, apply (client- and server-side), edit, label, annotate, scale,
// describe, delete, wait --for=delete.
import { API_SERVER_ONLY } from '../helpers/controlplane.js';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { configMap, deployment, replicaSet, replicationController } from '../helpers/manifests.js';
import { row, useControlPlane } from '../helpers/suite.js';

// The API server alone: objects stay as the test wrote them (no controller acts on them).
const s = useControlPlane(API_SERVER_ONLY);
const k = () => s.kubectl('1.32');
const NS = 'wr';

async function getJson(...args: string[]): Promise<any> {
  return JSON.parse(await k().ok(['get', ...args, '-n', NS, '-o', 'json']));
}

beforeAll(async () => {
  expect((await k().ok(['create', 'namespace', NS])).trim()).toBe(`namespace/${NS} created`);
});

describe('kubectl create', () => {
  it('creates a namespace', async () => {
    expect((await k().ok(['create', 'namespace', 'made-here'])).trim()).toBe('namespace/made-here created');
    const ns = JSON.parse(await k().ok(['get', 'ns', 'made-here', '-o', 'json']));
    expect(ns.status.phase).toBe('Active');
    expect(ns.metadata.labels['kubernetes.io/metadata.name']).toBe('made-here');
    const again = await k().run(['create', 'namespace', 'made-here']);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe('Error from server (AlreadyExists): namespaces "made-here" already exists');
  });

  it('creates a deployment', async () => {
    const out = await k().ok(['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2', '-n', NS]);
    expect(out.trim()).toBe('deployment.apps/web created');
    const d = await getJson('deployment', 'web');
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(d.spec.template.metadata.labels).toEqual({ app: 'web' });
    expect(d.spec.template.spec.containers[0]).toMatchObject({ name: 'nginx', image: 'nginx:1.25' });
    // Server-side defaults.
    expect(d.spec.strategy.type).toBe('RollingUpdate');
    expect(d.spec.revisionHistoryLimit).toBe(10);
    expect(d.spec.template.spec.restartPolicy).toBe('Always');
  });

  it('creates a configmap', async () => {
    const out = await k().ok(['create', 'configmap', 'cfg', '--from-literal=a=1', '--from-literal=b=two', '-n', NS]);
    expect(out.trim()).toBe('configmap/cfg created');
    expect((await getJson('configmap', 'cfg')).data).toEqual({ a: '1', b: 'two' });
  });

  it('creates a secret', async () => {
    const out = await k().ok(['create', 'secret', 'generic', 'pw', '--from-literal=password=hunter2', '-n', NS]);
    expect(out.trim()).toBe('secret/pw created');
    const sec = await getJson('secret', 'pw');
    expect(sec.type).toBe('Opaque');
    expect(Buffer.from(sec.data.password, 'base64').toString()).toBe('hunter2');
    const tbl = await k().ok(['get', 'secret', 'pw', '-n', NS]);
    expect(row(tbl, 'pw').slice(0, 3)).toEqual(['pw', 'Opaque', '1']);
  });

  it('creates services with a ClusterIP and a NodePort', async () => {
    const out = await k().ok(['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '-n', NS]);
    expect(out.trim()).toBe('service/web created');
    const svc = await getJson('service', 'web');
    expect(svc.spec.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(svc.spec.clusterIP).not.toBe('10.96.0.1');
    expect(svc.spec.clusterIPs).toEqual([svc.spec.clusterIP]);
    expect(svc.spec.ports[0]).toMatchObject({ port: 80, targetPort: 8080, protocol: 'TCP' });
    expect(svc.spec.selector).toEqual({ app: 'web' });

    const np = await k().ok(['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '-n', NS]);
    expect(np.trim()).toBe('service/np created');
    const nps = await getJson('service', 'np');
    expect(nps.spec.type).toBe('NodePort');
    expect(nps.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect(nps.spec.ports[0].nodePort).toBeLessThanOrEqual(32767);
    expect(nps.spec.clusterIP).not.toBe(svc.spec.clusterIP);
    const tbl = await k().ok(['get', 'svc', 'np', '-n', NS]);
    expect(row(tbl, 'np').slice(1, 5)).toEqual(['NodePort', nps.spec.clusterIP, '<none>', `80:${nps.spec.ports[0].nodePort}/TCP`]);
  });

  it('creates every object of a file with create -f', async () => {
    const file = await s.file('create.yaml', [
      configMap('from-file', { k: 'v' }, NS),
      deployment({ name: 'ff', namespace: NS }),
    ].join('---\n'));
    const out = await k().ok(['create', '-f', file]);
    expect(out.trim().split('\n')).toEqual(['configmap/from-file created', 'deployment.apps/ff created']);
    const again = await k().run(['create', '-f', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`Error from server (AlreadyExists): error when creating "${file}": configmaps "from-file" already exists`);
  });
});

describe('kubectl run', () => {
  it('prints a client-side dry run without creating anything', async () => {
    const out = await k().ok(['run', 'dry', '--image=nginx:1.25', '-n', NS, '--dry-run=client', '-o', 'yaml']);
    const pod = yaml.load(out) as any;
    expect(pod).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'dry', labels: { run: 'dry' } } });
    expect(pod.spec.containers[0]).toMatchObject({ name: 'dry', image: 'nginx:1.25' });
    expect(pod.metadata.uid).toBeUndefined();
    await expectAbsent('pod', 'dry');
  });

  it('prints a server-side dry run with server defaults without creating anything', async () => {
    const out = await k().ok(['run', 'sdry', '--image=nginx:1.25', '-n', NS, '--dry-run=server', '-o', 'yaml']);
    const pod = yaml.load(out) as any;
    expect(pod).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sdry', namespace: NS } });
    expect(pod.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(pod.metadata.creationTimestamp).toBeTruthy();
    expect(pod.spec.schedulerName).toBe('default-scheduler');
    expect(pod.spec.terminationGracePeriodSeconds).toBe(30);
    expect(pod.spec.containers[0].terminationMessagePath).toBe('/dev/termination-log');
    expect(pod.status.phase).toBe('Pending');
    await expectAbsent('pod', 'sdry');
  });

  it('creates a pod', async () => {
    expect((await k().ok(['run', 'real', '--image=nginx:1.25', '-n', NS])).trim()).toBe('pod/real created');
    const pods = await k().ok(['get', 'pods', '-n', NS]);
    expect(row(pods, 'real').slice(0, 4)).toEqual(['real', '0/1', 'Pending', '0']);
  });
});

describe('kubectl apply', () => {
  it('creates, leaves unchanged, then configures on a change', async () => {
    const v1 = await s.file('apply-v1.yaml', deployment({ name: 'ap', namespace: NS, replicas: 1 }));
    expect((await k().ok(['apply', '-f', v1])).trim()).toBe('deployment.apps/ap created');
    expect((await k().ok(['apply', '-f', v1])).trim()).toBe('deployment.apps/ap unchanged');

    const v2 = await s.file('apply-v2.yaml', deployment({ name: 'ap', namespace: NS, replicas: 3, image: 'nginx:1.26', labels: { stage: 'two' } }));
    expect((await k().ok(['apply', '-f', v2])).trim()).toBe('deployment.apps/ap configured');
    const d = await getJson('deployment', 'ap');
    expect(d.spec.replicas).toBe(3);
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:1.26');
    expect(d.metadata.labels).toEqual({ app: 'ap', stage: 'two' });
    expect(d.metadata.generation).toBe(2);
    const last = JSON.parse(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    expect(last.spec.replicas).toBe(3);
    expect(last.metadata.labels).toEqual({ app: 'ap', stage: 'two' });
  });

  it('removes a field dropped from the manifest (three-way merge)', async () => {
    const v3 = await s.file('apply-v3.yaml', deployment({ name: 'ap', namespace: NS, replicas: 3, image: 'nginx:1.26' }));
    expect((await k().ok(['apply', '-f', v3])).trim()).toBe('deployment.apps/ap configured');
    expect((await getJson('deployment', 'ap')).metadata.labels).toEqual({ app: 'ap' });
  });

  it('applies server-side', async () => {
    const v1 = await s.file('ssa-v1.yaml', configMap('ssa', { a: '1', b: '2' }, NS));
    expect((await k().ok(['apply', '--server-side', '-f', v1])).trim()).toBe('configmap/ssa serverside-applied');
    const v2 = await s.file('ssa-v2.yaml', configMap('ssa', { a: '10' }, NS));
    expect((await k().ok(['apply', '--server-side', '-f', v2])).trim()).toBe('configmap/ssa serverside-applied');
    // kubectl 1.21+ hides managedFields unless asked.
    const cm = await getJson('configmap', 'ssa', '--show-managed-fields');
    expect(cm.data).toEqual({ a: '10' });
    const managers = (cm.metadata.managedFields ?? []).map((m: any) => `${m.manager}/${m.operation}`);
    expect(managers).toContain('kubectl/Apply');
  });

  it('applies a deployment server-side', async () => {
    const file = await s.file('ssa-deploy.yaml', deployment({ name: 'ssa-web', namespace: NS, replicas: 2 }));
    expect((await k().ok(['apply', '--server-side', '-f', file])).trim()).toBe('deployment.apps/ssa-web serverside-applied');
    expect((await getJson('deployment', 'ssa-web')).spec.replicas).toBe(2);
  });
});

describe('kubectl edit', () => {
  it('saves the change made by the editor', async () => {
    await k().ok(['apply', '-f', await s.file('edit.yaml', deployment({ name: 'ed', namespace: NS, replicas: 2 }))]);
    const r = await k().run(['edit', 'deployment', 'ed', '-n', NS], {
      env: { KUBE_EDITOR: 'sed -i -e "s/replicas: 2/replicas: 4/"', EDITOR: '' },
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('deployment.apps/ed edited');
    expect(r.code).toBe(0);
    expect((await getJson('deployment', 'ed')).spec.replicas).toBe(4);
  });

  it('cancels when nothing changed', async () => {
    const r = await k().run(['edit', 'deployment', 'ed', '-n', NS], { env: { KUBE_EDITOR: 'true' } });
    expect(r.code).toBe(0);
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('Edit cancelled, no changes made.');
  });
});

describe('kubectl label and annotate', () => {
  it('adds, refuses to overwrite, overwrites and removes a label', async () => {
    expect((await k().ok(['label', 'deployment', 'web', 'tier=front', '-n', NS])).trim()).toBe('deployment.apps/web labeled');
    const clash = await k().run(['label', 'deployment', 'web', 'tier=back', '-n', NS]);
    expect(clash.code).toBe(1);
    expect(clash.stderr.trim()).toBe("error: 'tier' already has a value (front), and --overwrite is false");
    expect((await k().ok(['label', 'deployment', 'web', 'tier=back', '--overwrite', '-n', NS])).trim()).toBe('deployment.apps/web labeled');
    expect((await getJson('deployment', 'web')).metadata.labels.tier).toBe('back');
    expect((await k().ok(['label', 'deployment', 'web', 'tier-', '-n', NS])).trim()).toBe('deployment.apps/web unlabeled');
    expect((await getJson('deployment', 'web')).metadata.labels.tier).toBeUndefined();
  });

  it('labels several objects by selector', async () => {
    const out = await k().ok(['label', 'configmaps', '-l', 'app!=none', 'swept=yes', '-n', NS]);
    expect(out).toMatch(/^configmap\/cfg labeled$/m);
    expect(out).toMatch(/^configmap\/from-file labeled$/m);
  });

  it('adds and removes an annotation', async () => {
    expect((await k().ok(['annotate', 'deployment', 'web', 'note=hello world', '-n', NS])).trim()).toBe('deployment.apps/web annotated');
    expect((await getJson('deployment', 'web')).metadata.annotations.note).toBe('hello world');
    expect((await k().ok(['annotate', 'deployment', 'web', 'note-', '-n', NS])).trim()).toBe('deployment.apps/web annotated');
    expect((await getJson('deployment', 'web')).metadata.annotations?.note).toBeUndefined();
  });
});

describe('kubectl scale', () => {
  it('scales a deployment', async () => {
    expect((await k().ok(['scale', 'deployment', 'web', '--replicas=3', '-n', NS])).trim()).toBe('deployment.apps/web scaled');
    expect((await getJson('deployment', 'web')).spec.replicas).toBe(3);
  });

  it('checks --current-replicas', async () => {
    const r = await k().run(['scale', 'deployment', 'web', '--current-replicas=1', '--replicas=5', '-n', NS]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Expected replicas to be 1, was 3');
  });

  it('scales a replicaset', async () => {
    await k().ok(['apply', '-f', await s.file('rs.yaml', replicaSet('rs1', NS, 1))]);
    expect((await k().ok(['scale', 'rs', 'rs1', '--replicas=2', '-n', NS])).trim()).toBe('replicaset.apps/rs1 scaled');
    expect((await getJson('replicaset', 'rs1')).spec.replicas).toBe(2);
  });

  it('scales a replicationcontroller', async () => {
    await k().ok(['apply', '-f', await s.file('rc.yaml', replicationController('rc1', NS, 1))]);
    expect((await k().ok(['scale', 'rc', 'rc1', '--replicas=4', '-n', NS])).trim()).toBe('replicationcontroller/rc1 scaled');
    expect((await getJson('rc', 'rc1')).spec.replicas).toBe(4);
  });

  it('scales what a file names', async () => {
    const file = await s.file('scale-f.yaml', deployment({ name: 'sf', namespace: NS, replicas: 1 }));
    await k().ok(['apply', '-f', file]);
    expect((await k().ok(['scale', '-f', file, '--replicas=5'])).trim()).toBe('deployment.apps/sf scaled');
    expect((await getJson('deployment', 'sf')).spec.replicas).toBe(5);
  });
});

describe('kubectl describe', () => {
  it('describes a deployment', async () => {
    const out = await k().ok(['describe', 'deployment', 'web', '-n', NS]);
    expect(out).toMatch(/^Name:\s+web$/m);
    expect(out).toMatch(new RegExp(`^Namespace:\\s+${NS}$`, 'm'));
    expect(out).toMatch(/^Selector:\s+app=web$/m);
    expect(out).toMatch(/^Replicas:\s+3 desired \| 0 updated \| 0 total \| 0 available \| 0 unavailable$/m);
    expect(out).toMatch(/^StrategyType:\s+RollingUpdate$/m);
    expect(out).toMatch(/^Pod Template:$/m);
    expect(out).toMatch(/^\s+Image:\s+nginx:1\.25$/m);
    expect(out).toMatch(/^Events:\s+<none>$/m);
  });

  it('describes a configmap, a pod and a namespace', async () => {
    const cm = await k().ok(['describe', 'configmap', 'cfg', '-n', NS]);
    expect(cm).toMatch(/^Name:\s+cfg$/m);
    // kubectl prints the keys in Go map order, which varies run to run.
    expect(cm).toMatch(/^Data\n====\n/m);
    expect(cm).toMatch(/^a:\n----\n1\n/m);
    const pod = await k().ok(['describe', 'pod', 'real', '-n', NS]);
    expect(pod).toMatch(/^Status:\s+Pending$/m);
    expect(pod).toMatch(/^\s+Image:\s+nginx:1\.25$/m);
    const ns = await k().ok(['describe', 'namespace', NS]);
    expect(ns).toMatch(/^Status:\s+Active$/m);
    expect(ns).toMatch(/^No resource quota\.$/m);
    expect(ns).toMatch(/^No LimitRange resource\.$/m);
  });
});

describe('kubectl delete and wait', () => {
  it('deletes by name', async () => {
    await k().ok(['create', 'configmap', 'del-me', '--from-literal=a=b', '-n', NS]);
    expect((await k().ok(['delete', 'configmap', 'del-me', '-n', NS])).trim()).toMatch(/^configmap "del-me" deleted/);
    await expectAbsent('configmap', 'del-me');
    expect((await k().ok(['delete', 'pod', 'real', '-n', NS])).trim()).toMatch(/^pod "real" deleted/);
    await expectAbsent('pod', 'real');
  });

  it('deletes what a file names', async () => {
    const out = await k().ok(['delete', '-f', await s.file('create.yaml', [
      configMap('from-file', { k: 'v' }, NS), deployment({ name: 'ff', namespace: NS }),
    ].join('---\n'))]);
    expect(out.trim().split('\n')).toEqual(['configmap "from-file" deleted', 'deployment.apps "ff" deleted']);
    await expectAbsent('deployment', 'ff');
  });

  it('deletes by label selector', async () => {
    for (const n of ['l1', 'l2', 'l3']) {
      await k().ok(['create', 'configmap', n, '-n', NS]);
    }
    await k().ok(['label', 'configmap', 'l1', 'l2', 'doomed=yes', '-n', NS]);
    const out = await k().ok(['delete', 'configmap', '-l', 'doomed=yes', '-n', NS]);
    expect(out.trim().split('\n').sort()).toEqual(['configmap "l1" deleted', 'configmap "l2" deleted']);
    await expectAbsent('configmap', 'l1');
    await k().ok(['get', 'configmap', 'l3', '-n', NS]);
  });

  it('deletes everything of a kind with --all', async () => {
    await k().ok(['create', 'namespace', 'wipe']);
    for (const n of ['a1', 'a2']) await k().ok(['create', 'secret', 'generic', n, '--from-literal=x=y', '-n', 'wipe']);
    const out = await k().ok(['delete', 'secrets', '--all', '-n', 'wipe']);
    expect(out.trim().split('\n').sort()).toEqual(['secret "a1" deleted', 'secret "a2" deleted']);
    const left = await k().run(['get', 'secrets', '-n', 'wipe']);
    expect(left.stderr.trim()).toBe('No resources found in wipe namespace.');
  });

  it('waits for a deletion held by a finalizer', async () => {
    await k().ok(['apply', '-f', await s.file('fin.yaml', `apiVersion: v1
kind: ConfigMap
metadata:
  name: fin
  namespace: ${NS}
  finalizers: [skiff.dev/test-hold]
data: {a: b}
`)]);
    expect((await k().ok(['delete', 'configmap', 'fin', '-n', NS, '--wait=false'])).trim()).toMatch(/^configmap "fin" deleted/);
    const held = await getJson('configmap', 'fin');
    expect(held.metadata.deletionTimestamp).toBeTruthy();

    const wait = k().stream(['wait', '--for=delete', 'configmap/fin', '-n', NS, '--timeout=30s']);
    try {
      await new Promise((r) => setTimeout(r, 500));
      await k().ok(['patch', 'configmap', 'fin', '-n', NS, '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
      expect(await wait.waitForLine(/condition met/, 20_000)).toBe('configmap/fin condition met');
    } finally {
      await wait.stop();
    }
    await expectAbsent('configmap', 'fin');
  });

  it('waits for a plain deletion', async () => {
    await k().ok(['create', 'configmap', 'w1', '-n', NS]);
    const wait = k().stream(['wait', '--for=delete', 'configmap/w1', '-n', NS, '--timeout=30s']);
    try {
      await new Promise((r) => setTimeout(r, 500));
      await k().ok(['delete', 'configmap', 'w1', '-n', NS, '--wait=false']);
      expect(await wait.waitForLine(/condition met/, 20_000)).toBe('configmap/w1 condition met');
    } finally {
      await wait.stop();
    }
  });
});

async function expectAbsent(kind: string, name: string): Promise<void> {
  const r = await k().run(['get', kind, name, '-n', NS]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/Error from server \(NotFound\): \S+ "\S+" not found/);
}
