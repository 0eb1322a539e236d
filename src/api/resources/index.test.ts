import { describe, expect, it } from 'vitest';
import { ALL_VERBS } from '../resource.js';
import {
  builtinResources,
  findResource,
  findResourceByKind,
  preferredVersion,
  resourcesByGroupVersion,
  resourcesInCategory,
  storageApiVersion,
  storageGroupResource,
} from './index.js';

function get(group: string, version: string, plural: string) {
  const d = findResource(group, version, plural);
  if (!d) throw new Error(`${group}/${version}/${plural} missing`);
  return d;
}

describe('builtinResources', () => {
  it('has one entry per group/version/resource', () => {
    const keys = builtinResources.map((d) => `${d.group}/${d.version}/${d.plural}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('lists groups in the order a real /apis does', () => {
    const groups = [...new Set(builtinResources.map((d) => d.group))];
    expect(groups).toEqual([
      '',
      'apiregistration.k8s.io',
      'apps',
      'events.k8s.io',
      'authentication.k8s.io',
      'authorization.k8s.io',
      'autoscaling',
      'batch',
      'networking.k8s.io',
      'policy',
      'rbac.authorization.k8s.io',
      'storage.k8s.io',
      'apiextensions.k8s.io',
      'scheduling.k8s.io',
      'coordination.k8s.io',
      'discovery.k8s.io',
    ]);
  });

  it('sorts each group/version by name, as upstream discovery does', () => {
    for (const gv of resourcesByGroupVersion()) {
      const names = gv.resources.map((d) => d.plural);
      expect(names).toEqual([...names].sort());
    }
  });

  it('puts every resource of `kubectl get all` in the "all" category', () => {
    const all = resourcesInCategory('all').map((d) => `${d.plural}.${d.version}`);
    expect(all.sort()).toEqual(
      [
        'pods.v1',
        'replicationcontrollers.v1',
        'services.v1',
        'daemonsets.v1',
        'deployments.v1',
        'replicasets.v1',
        'statefulsets.v1',
        'horizontalpodautoscalers.v2',
        'horizontalpodautoscalers.v1',
        'jobs.v1',
        'cronjobs.v1',
      ].sort(),
    );
  });

  it('matches upstream discovery for pods', () => {
    const pods = get('', 'v1', 'pods');
    expect(pods).toMatchObject({ kind: 'Pod', listKind: 'PodList', singular: 'pod', namespaced: true, shortNames: ['po'] });
    expect(pods.subresources).toEqual(['attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'proxy', 'status']);
    expect(pods.verbs ?? ALL_VERBS).toEqual(ALL_VERBS);
  });

  it('matches upstream discovery for names and verbs that differ from the defaults', () => {
    expect(get('', 'v1', 'namespaces').verbs).toEqual(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
    expect(get('', 'v1', 'bindings')).toMatchObject({ verbs: ['create'] });
    expect(get('', 'v1', 'bindings').virtual).toBeUndefined();
    expect(get('', 'v1', 'endpoints').singular).toBe('endpoints');
    expect(get('', 'v1', 'secrets').shortNames).toBeUndefined();
    expect(get('', 'v1', 'serviceaccounts').subresources).toEqual(['token']);
    expect(get('', 'v1', 'nodes')).toMatchObject({ namespaced: false, shortNames: ['no'], subresources: ['proxy', 'status'] });
    expect(get('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')).toMatchObject({
      shortNames: ['crd', 'crds'],
      categories: ['api-extensions'],
      namespaced: false,
    });
    expect(get('apiregistration.k8s.io', 'v1', 'apiservices').categories).toEqual(['api-extensions']);
    expect(get('networking.k8s.io', 'v1', 'ingressclasses').shortNames).toBeUndefined();
    expect(get('apps', 'v1', 'controllerrevisions').subresources).toBeUndefined();
    expect(get('batch', 'v1', 'cronjobs').shortNames).toEqual(['cj']);
    expect(get('scheduling.k8s.io', 'v1', 'priorityclasses')).toMatchObject({ shortNames: ['pc'], namespaced: false });
  });

  it('makes reviews virtual and create-only', () => {
    const reviews = builtinResources.filter((d) => d.kind.endsWith('Review'));
    expect(reviews.map((d) => d.plural).sort()).toEqual([
      'localsubjectaccessreviews',
      'selfsubjectaccessreviews',
      'selfsubjectreviews',
      'selfsubjectrulesreviews',
      'subjectaccessreviews',
      'tokenreviews',
    ]);
    for (const r of reviews) expect(r).toMatchObject({ virtual: true, verbs: ['create'] });
    expect(get('authorization.k8s.io', 'v1', 'localsubjectaccessreviews').namespaced).toBe(true);
  });

  it('gives every scalable resource a scale spec', () => {
    for (const d of builtinResources.filter((x) => x.subresources?.includes('scale'))) {
      expect(d.scale?.specReplicasPath, d.plural).toBe('spec.replicas');
    }
    expect(builtinResources.filter((x) => x.subresources?.includes('scale')).map((d) => d.plural)).toEqual([
      'replicationcontrollers',
      'deployments',
      'replicasets',
      'statefulsets',
    ]);
  });

  it('sets a converter exactly where the stored form differs from the served one', () => {
    const converted = builtinResources.filter((d) => d.converter).map((d) => `${d.group}/${d.version}/${d.plural}`);
    expect(converted).toEqual(['events.k8s.io/v1/events', 'autoscaling/v1/horizontalpodautoscalers']);
    for (const d of builtinResources.filter((x) => !x.converter)) {
      expect(storageApiVersion(d)).toBe(d.group ? `${d.group}/${d.version}` : d.version);
    }
  });
});

describe('storage', () => {
  it('stores both Event APIs in one place, at core v1', () => {
    const core = get('', 'v1', 'events');
    const events = get('events.k8s.io', 'v1', 'events');
    expect(storageGroupResource(events)).toEqual(storageGroupResource(core));
    expect(storageGroupResource(core)).toEqual({ group: '', resource: 'events' });
    expect(storageApiVersion(events)).toBe('v1');
  });

  it('stores both HPA versions in one place, at autoscaling/v2', () => {
    const v1 = get('autoscaling', 'v1', 'horizontalpodautoscalers');
    const v2 = get('autoscaling', 'v2', 'horizontalpodautoscalers');
    expect(storageGroupResource(v1)).toEqual(storageGroupResource(v2));
    expect(storageApiVersion(v1)).toBe('autoscaling/v2');
    expect(storageApiVersion(v2)).toBe('autoscaling/v2');
  });
});

describe('lookups', () => {
  it('finds a resource by plural or by subresource', () => {
    expect(findResource('', 'v1', 'pods/log')?.kind).toBe('Pod');
    expect(findResource('', 'v1', 'pods/scale')).toBeUndefined();
    expect(findResource('', 'v1', 'namespaces/finalize')?.kind).toBe('Namespace');
    expect(findResource('apps', 'v1', 'deployments/scale')?.kind).toBe('Deployment');
    expect(findResource('apps', 'v2', 'deployments')).toBeUndefined();
  });

  it('finds a resource by kind', () => {
    expect(findResourceByKind('autoscaling', 'v1', 'HorizontalPodAutoscaler')?.storageVersion).toBe('v2');
  });

  it('prefers the first version listed', () => {
    expect(preferredVersion('autoscaling')).toBe('v2');
    expect(preferredVersion('apps')).toBe('v1');
    expect(preferredVersion('')).toBe('v1');
    expect(preferredVersion('nope.example.com')).toBeUndefined();
    const autoscaling = resourcesByGroupVersion().filter((gv) => gv.group === 'autoscaling');
    expect(autoscaling.map((gv) => gv.groupVersion)).toEqual(['autoscaling/v2', 'autoscaling/v1']);
  });
});

describe('selectableFields', () => {
  it('reports every label on an empty object, as the server learns them that way', () => {
    const keys = (group: string, plural: string, version = 'v1') => Object.keys(get(group, version, plural).selectableFields!({ metadata: {} })).sort();
    expect(keys('', 'pods')).toEqual(
      [
        'spec.nodeName',
        'spec.restartPolicy',
        'spec.schedulerName',
        'spec.serviceAccountName',
        'spec.hostNetwork',
        'status.phase',
        'status.podIP',
        'status.podIPs',
        'status.nominatedNodeName',
      ].sort(),
    );
    expect(keys('', 'events')).toEqual(
      [
        'involvedObject.kind',
        'involvedObject.namespace',
        'involvedObject.name',
        'involvedObject.uid',
        'involvedObject.apiVersion',
        'involvedObject.resourceVersion',
        'involvedObject.fieldPath',
        'reason',
        'reportingComponent',
        'source',
        'type',
      ].sort(),
    );
    expect(keys('events.k8s.io', 'events')).toEqual(
      [
        'regarding.kind',
        'regarding.namespace',
        'regarding.name',
        'regarding.uid',
        'regarding.apiVersion',
        'regarding.resourceVersion',
        'regarding.fieldPath',
        'reason',
        'reportingController',
        'source',
        'type',
      ].sort(),
    );
    expect(keys('', 'secrets')).toEqual(['type']);
    expect(keys('', 'nodes')).toEqual(['spec.unschedulable']);
    expect(keys('', 'namespaces')).toEqual(['status.phase']);
    expect(keys('', 'replicationcontrollers')).toEqual(['status.replicas']);
    expect(keys('apps', 'replicasets')).toEqual(['status.replicas']);
    expect(keys('batch', 'jobs')).toEqual(['status.successful']);
    expect(keys('', 'services')).toEqual(['spec.clusterIP', 'spec.type']);
  });

  it('formats pod fields as upstream does', () => {
    const fields = get('', 'v1', 'pods').selectableFields!({
      metadata: { name: 'p' },
      spec: { nodeName: 'n1', hostNetwork: true, restartPolicy: 'Always' },
      status: { phase: 'Running', podIP: '10.0.0.9', podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }] },
    });
    expect(fields).toMatchObject({ 'spec.nodeName': 'n1', 'spec.hostNetwork': 'true', 'status.phase': 'Running', 'status.podIP': '10.0.0.1' });
    expect(get('', 'v1', 'pods').selectableFields!({ metadata: {} })['spec.hostNetwork']).toBe('false');
  });

  it('formats counts as integers and booleans as words', () => {
    expect(get('batch', 'v1', 'jobs').selectableFields!({ metadata: {}, status: { succeeded: 2 } })).toEqual({ 'status.successful': '2' });
    expect(get('', 'v1', 'nodes').selectableFields!({ metadata: {}, spec: { unschedulable: true } })).toEqual({ 'spec.unschedulable': 'true' });
  });

  it('falls back to the reporting controller for an event source', () => {
    const core = get('', 'v1', 'events').selectableFields!;
    expect(core({ metadata: {}, source: { component: 'kubelet' }, reportingComponent: 'x' }).source).toBe('kubelet');
    expect(core({ metadata: {}, source: {}, reportingComponent: 'ctrl' }).source).toBe('ctrl');
    const ev = get('events.k8s.io', 'v1', 'events').selectableFields!;
    const fields = ev({ metadata: {}, regarding: { kind: 'Pod', name: 'p' }, reportingController: 'ctrl', type: 'Normal' });
    expect(fields).toMatchObject({ 'regarding.kind': 'Pod', 'regarding.name': 'p', reportingController: 'ctrl', source: 'ctrl', type: 'Normal' });
  });
});
