// kubectl 1.32 reads: get (tables, wide, yaml, json, -A, -l, --show-labels, -w), get all, api-resources.
import { API_SERVER_ONLY } from '../helpers/controlplane.js';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { configMap, deployment } from '../helpers/manifests.js';
import { AGE, header, row, table, useControlPlane } from '../helpers/suite.js';

// The API server alone: objects stay as the test wrote them (no controller acts on them).
const s = useControlPlane(API_SERVER_ONLY);
const k = () => s.kubectl('1.32');
const NS = 'gt';

beforeAll(async () => {
  await k().ok(['create', 'namespace', NS]);
  const manifests = [
    deployment({ name: 'web', namespace: NS, replicas: 2, labels: { tier: 'front' } }),
    deployment({ name: 'api', namespace: NS, replicas: 1, image: 'busybox:1.36', labels: { tier: 'back' } }),
    configMap('app-config', { a: '1', b: '2' }, NS, { app: 'web' }),
    configMap('other', { x: 'y' }, NS),
  ].join('---\n');
  await k().ok(['apply', '-f', await s.file('get-setup.yaml', manifests)]);
  await k().ok(['run', 'pod1', '--image=nginx:1.25', '-n', NS, '--labels=app=pod1']);
  await k().ok(['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '-n', NS]);
});

describe('kubectl get', () => {
  it('lists the built-in namespaces', async () => {
    const out = await k().ok(['get', 'namespaces']);
    expect(header(out)).toEqual(['NAME', 'STATUS', 'AGE']);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', NS]) {
      const [, status, age] = row(out, ns);
      expect(status).toBe('Active');
      expect(age).toMatch(AGE);
    }
  });

  it('prints the deployment table with upstream columns', async () => {
    const out = await k().ok(['get', 'deployments', '-n', NS]);
    expect(header(out)).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    const [name, ready, upToDate, available, age] = row(out, 'web');
    expect([name, ready, upToDate, available]).toEqual(['web', '0/2', '0', '0']);
    expect(age).toMatch(AGE);
  });

  it('prints wide columns with -o wide', async () => {
    const out = await k().ok(['get', 'deploy', 'web', '-n', NS, '-o', 'wide']);
    expect(header(out)).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
    const r = row(out, 'web');
    expect(r.slice(5)).toEqual(['main', 'nginx:1.25', 'app=web']);

    const pods = await k().ok(['get', 'pods', '-n', NS, '-o', 'wide']);
    expect(header(pods)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    const p = row(pods, 'pod1');
    expect(p.slice(0, 4)).toEqual(['pod1', '0/1', 'Pending', '0']);
    expect(p.slice(5)).toEqual(['<none>', '<none>', '<none>', '<none>']);
  });

  it('prints the object with -o yaml', async () => {
    const out = await k().ok(['get', 'deployment', 'web', '-n', NS, '-o', 'yaml']);
    const obj = yaml.load(out) as any;
    expect(obj.apiVersion).toBe('apps/v1');
    expect(obj.kind).toBe('Deployment');
    expect(obj.metadata.name).toBe('web');
    expect(obj.metadata.namespace).toBe(NS);
    expect(obj.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(obj.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(obj.metadata.generation).toBe(1);
    expect(new Date(obj.metadata.creationTimestamp).getTime()).toBeGreaterThan(0);
    expect(obj.spec.replicas).toBe(2);
    expect(obj.spec.template.spec.containers[0]).toMatchObject({ name: 'main', image: 'nginx:1.25' });
  });

  it('prints a List with -o json', async () => {
    const out = await k().ok(['get', 'configmaps', '-n', NS, '-o', 'json']);
    const list = JSON.parse(out);
    expect(list.kind).toBe('List');
    expect(list.apiVersion).toBe('v1');
    const cm = list.items.find((i: any) => i.metadata.name === 'app-config');
    expect(cm).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', data: { a: '1', b: '2' } });
  });

  it('lists across namespaces with -A', async () => {
    const out = await k().ok(['get', 'deployments', '-A']);
    expect(header(out)).toEqual(['NAMESPACE', 'NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(table(out).filter((r) => r[0] === NS).map((r) => r[1]).sort()).toEqual(['api', 'web']);

    const svcs = await k().ok(['get', 'services', '-A']);
    expect(header(svcs)).toEqual(['NAMESPACE', 'NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    const kube = table(svcs).find((r) => r[0] === 'default' && r[1] === 'kubernetes');
    expect(kube?.slice(2, 6)).toEqual(['ClusterIP', '10.96.0.1', '<none>', '443/TCP']);
  });

  it('filters with -l', async () => {
    const front = await k().ok(['get', 'deploy', '-n', NS, '-l', 'tier=front', '-o', 'name']);
    expect(front.trim().split('\n')).toEqual(['deployment.apps/web']);
    const notFront = await k().ok(['get', 'deploy', '-n', NS, '-l', 'tier!=front', '-o', 'name']);
    expect(notFront.trim().split('\n')).toEqual(['deployment.apps/api']);
    const setBased = await k().ok(['get', 'deploy', '-n', NS, '-l', 'tier in (front,back),app', '-o', 'name']);
    expect(setBased.trim().split('\n').sort()).toEqual(['deployment.apps/api', 'deployment.apps/web']);
    const none = await k().run(['get', 'deploy', '-n', NS, '-l', 'tier=nowhere']);
    expect(none.code).toBe(0);
    expect(none.stderr.trim()).toBe(`No resources found in ${NS} namespace.`);
  });

  it('shows labels with --show-labels', async () => {
    const out = await k().ok(['get', 'deploy', '-n', NS, '--show-labels']);
    expect(header(out)).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'LABELS']);
    expect(row(out, 'web').at(-1)).toBe('app=web,tier=front');
    const cm = await k().ok(['get', 'cm', '-n', NS, '-L', 'app']);
    expect(header(cm)).toEqual(['NAME', 'DATA', 'AGE', 'APP']);
    expect(row(cm, 'app-config')[1]).toBe('2');
    expect(row(cm, 'app-config').at(-1)).toBe('web');
  });

  it('reports a missing object like upstream', async () => {
    const r = await k().run(['get', 'configmap', 'nope', '-n', NS]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('Error from server (NotFound): configmaps "nope" not found');
  });

  it('reports an unknown resource type', async () => {
    const r = await k().run(['get', 'flurbs']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the server doesn't have a resource type "flurbs"`);
  });

  it('watches a list with -w and prints new rows', async () => {
    const w = k().stream(['get', 'configmaps', '-n', NS, '-w']);
    try {
      await w.waitForLine(/^NAME\s+DATA\s+AGE$/);
      await w.waitForLine(/^app-config\s+2\s+/);
      await k().ok(['create', 'configmap', 'watched', '--from-literal=k=v', '-n', NS]);
      expect(await w.waitForLine(/^watched\s+1\s+\S+$/)).toMatch(/^watched\s+1\s+\d+s$/);
      await k().ok(['label', 'configmap', 'watched', 'seen=yes', '-n', NS]);
      await w.waitForLine(/^watched\s+/, 15_000, 2);
      expect(w.stderr).toBe('');
    } finally {
      await w.stop();
    }
  });

  it('watches one object with NAME -w (the first event is the current state)', async () => {
    await k().ok(['create', 'configmap', 'single', '--from-literal=a=b', '-n', NS]);
    const w = k().stream(['get', 'configmap', 'single', '-n', NS, '-w']);
    try {
      await w.waitForLine(/^single\s+1\s+/);
      await k().ok(['patch', 'configmap', 'single', '-n', NS, '--type=merge', '-p', '{"data":{"c":"d"}}']);
      await w.waitForLine(/^single\s+2\s+/);
      expect(w.lines.filter((l) => /^single\s/.test(l))).toHaveLength(2);
    } finally {
      await w.stop();
    }
  });

  it('prints every kind in the "all" category with get all', async () => {
    const out = await k().ok(['get', 'all', '-n', NS]);
    expect(out).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
    expect(out).toMatch(/^pod\/pod1\s+0\/1\s+Pending\s+0\s+\S+$/m);
    expect(out).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m);
    expect(out).toMatch(/^service\/web\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80\/TCP\s+\S+$/m);
    expect(out).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
    expect(out).toMatch(/^deployment\.apps\/web\s+0\/2\s+0\s+0\s+\S+$/m);
    expect(out).toMatch(/^deployment\.apps\/api\s+0\/1\s+0\s+0\s+\S+$/m);
    expect(out).not.toContain('configmap');

    await k().ok(['create', 'namespace', 'empty-ns']);
    const empty = await k().run(['get', 'all', '-n', 'empty-ns']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe('');
    expect(empty.stderr.trim()).toBe('No resources found in empty-ns namespace.');
  });
});

describe('kubectl api-resources', () => {
  it('lists the resources of the issue with names, short names, versions and kinds', async () => {
    const out = await k().ok(['api-resources']);
    expect(out.split('\n')[0]).toMatch(/^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/);
    const expected: [string, string, string, string, string][] = [
      ['namespaces', 'ns', 'v1', 'false', 'Namespace'],
      ['pods', 'po', 'v1', 'true', 'Pod'],
      ['services', 'svc', 'v1', 'true', 'Service'],
      ['configmaps', 'cm', 'v1', 'true', 'ConfigMap'],
      ['replicationcontrollers', 'rc', 'v1', 'true', 'ReplicationController'],
      ['persistentvolumeclaims', 'pvc', 'v1', 'true', 'PersistentVolumeClaim'],
      ['deployments', 'deploy', 'apps/v1', 'true', 'Deployment'],
      ['replicasets', 'rs', 'apps/v1', 'true', 'ReplicaSet'],
      ['daemonsets', 'ds', 'apps/v1', 'true', 'DaemonSet'],
      ['statefulsets', 'sts', 'apps/v1', 'true', 'StatefulSet'],
      ['cronjobs', 'cj', 'batch/v1', 'true', 'CronJob'],
      ['ingresses', 'ing', 'networking.k8s.io/v1', 'true', 'Ingress'],
      ['storageclasses', 'sc', 'storage.k8s.io/v1', 'false', 'StorageClass'],
      ['poddisruptionbudgets', 'pdb', 'policy/v1', 'true', 'PodDisruptionBudget'],
      ['horizontalpodautoscalers', 'hpa', 'autoscaling/v2', 'true', 'HorizontalPodAutoscaler'],
      ['customresourcedefinitions', 'crd,crds', 'apiextensions.k8s.io/v1', 'false', 'CustomResourceDefinition'],
    ];
    for (const [name, short, version, namespaced, kind] of expected) {
      expect(out).toMatch(new RegExp(`^${name}\\s+${short}\\s+${version.replace('.', '\\.')}\\s+${namespaced}\\s+${kind}$`, 'm'));
    }
    for (const [name, version, namespaced, kind] of [
      ['secrets', 'v1', 'true', 'Secret'],
      ['jobs', 'batch/v1', 'true', 'Job'],
      ['leases', 'coordination.k8s.io/v1', 'true', 'Lease'],
      ['endpointslices', 'discovery.k8s.io/v1', 'true', 'EndpointSlice'],
      ['clusterroles', 'rbac.authorization.k8s.io/v1', 'false', 'ClusterRole'],
      ['selfsubjectaccessreviews', 'authorization.k8s.io/v1', 'false', 'SelfSubjectAccessReview'],
      ['apiservices', 'apiregistration.k8s.io/v1', 'false', 'APIService'],
    ]) {
      expect(out).toMatch(new RegExp(`^${name}\\s+${version!.replaceAll('.', '\\.')}\\s+${namespaced}\\s+${kind}$`, 'm'));
    }
  });

  it('lists one group by name', async () => {
    const out = await k().ok(['api-resources', '--api-group=apps', '-o', 'name']);
    expect(out.trim().split('\n')).toEqual([
      'controllerrevisions.apps', 'daemonsets.apps', 'deployments.apps', 'replicasets.apps', 'statefulsets.apps',
    ]);
  });

  it('shows verbs and categories with -o wide', async () => {
    const out = await k().ok(['api-resources', '--api-group=apps', '-o', 'wide']);
    expect(out.split('\n')[0]).toMatch(/^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND\s+VERBS\s+CATEGORIES$/);
    const line = out.split('\n').find((l) => l.startsWith('deployments '));
    expect(line).toMatch(/\s+create,delete,deletecollection,get,list,patch,update,watch\s+all$/);
  });

  it('filters cluster-scoped resources', async () => {
    const out = await k().ok(['api-resources', '--namespaced=false', '-o', 'name']);
    const names = out.trim().split('\n');
    expect(names).toContain('namespaces');
    expect(names).toContain('nodes');
    expect(names).toContain('clusterroles.rbac.authorization.k8s.io');
    expect(names).not.toContain('pods');
  });
});
