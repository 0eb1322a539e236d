import { describe, expect, it } from 'vitest';
import { patchMetaFor } from '../../api/patchmeta.js';
import type { KubeObject } from '../../api/types.js';
import { StatusError } from '../errors.js';
import { serverSideApply, type ManagedFieldsEntry } from './apply.js';

const meta = patchMetaFor('apps', 'Deployment');

interface Container {
  name: string;
  image?: string;
  env?: Array<{ name: string; value?: string }>;
}

function config(opts: { replicas?: number; labels?: Record<string, string>; containers?: Container[]; finalizers?: string[] } = {}): KubeObject {
  const { replicas = 2, labels = { app: 'web', tier: 'front' }, containers = [{ name: 'web', image: 'nginx:1' }] } = opts;
  const obj: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers } },
    },
  };
  if (opts.finalizers) obj.metadata.finalizers = opts.finalizers;
  if (opts.replicas === -1) delete (obj.spec as Record<string, unknown>).replicas;
  return obj;
}

const spec = (obj: KubeObject) => obj.spec as { replicas?: number; template: { spec: { containers: Container[] } } };
const entries = (obj: KubeObject) => obj.metadata.managedFields as ManagedFieldsEntry[];

/** What the store adds on create: identity the applier never owns. */
function stored(obj: KubeObject): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, uid: 'u-1', resourceVersion: '1', creationTimestamp: '2024-01-01T00:00:00Z' } };
}

describe('serverSideApply', () => {
  it('creates the object and records the manager\'s fields (FieldsV1)', () => {
    const created = serverSideApply(undefined, config(), 'kubectl', meta);
    expect(created.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    expect(spec(created).replicas).toBe(2);
    const [entry] = entries(created);
    expect(entry).toMatchObject({ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' });
    expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(entry.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {}, 'f:tier': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': { 'f:matchLabels': { 'f:app': {} } },
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:name': {}, 'f:image': {} } } },
        },
      },
    });
  });

  it('removes what the same manager applied before and now leaves out', () => {
    const live = stored(serverSideApply(undefined, config({ containers: [{ name: 'web', image: 'nginx:1' }, { name: 'side', image: 'busybox' }] }), 'kubectl', meta));
    const next = serverSideApply(live, config({ replicas: -1, labels: { app: 'web' } }), 'kubectl', meta);
    expect(next.metadata.labels).toEqual({ app: 'web' });
    expect(spec(next)).not.toHaveProperty('replicas');
    expect(spec(next).template.spec.containers).toEqual([{ name: 'web', image: 'nginx:1' }]);
    expect(next.metadata.uid).toBe('u-1');
    expect(entries(next)).toHaveLength(1);
  });

  it('keeps fields it never owned (set by others) and merges associative lists by key', () => {
    const live = stored(serverSideApply(undefined, config(), 'kubectl', meta));
    // Someone else (a controller, kubectl edit) adds a sidecar and an annotation.
    spec(live).template.spec.containers.push({ name: 'injected', image: 'proxy' });
    live.metadata.annotations = { note: 'x' };
    const next = serverSideApply(live, config({ containers: [{ name: 'web', image: 'nginx:2', env: [{ name: 'A', value: '1' }] }] }), 'kubectl', meta);
    expect(spec(next).template.spec.containers).toEqual([
      { name: 'web', image: 'nginx:2', env: [{ name: 'A', value: '1' }] },
      { name: 'injected', image: 'proxy' },
    ]);
    expect(next.metadata.annotations).toEqual({ note: 'x' });
  });

  it('removes a nested field of an element it keeps', () => {
    const live = stored(serverSideApply(undefined, config({ containers: [{ name: 'web', image: 'nginx:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }] }), 'kubectl', meta));
    const next = serverSideApply(live, config({ containers: [{ name: 'web', image: 'nginx:1', env: [{ name: 'B', value: '2' }] }] }), 'kubectl', meta);
    expect(spec(next).template.spec.containers).toEqual([{ name: 'web', image: 'nginx:1', env: [{ name: 'B', value: '2' }] }]);
  });

  it('does not remove a field another applier still owns', () => {
    const first = stored(serverSideApply(undefined, config({ labels: { app: 'web', shared: 'yes' } }), 'alice', meta));
    const both = serverSideApply(first, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { shared: 'yes' } } }, 'bob', meta);
    expect(entries(both).map((e) => e.manager)).toEqual(['alice', 'bob']);
    const next = serverSideApply(both, config({ labels: { app: 'web' } }), 'alice', meta);
    expect(next.metadata.labels).toEqual({ app: 'web', shared: 'yes' });
  });

  it('treats primitive sets as sets of owned values (finalizers)', () => {
    const live = stored(serverSideApply(undefined, config({ finalizers: ['a.io/x', 'b.io/y'] }), 'kubectl', meta));
    expect(entries(live)[0].fieldsV1!['f:metadata']['f:finalizers']).toEqual({ 'v:"a.io/x"': {}, 'v:"b.io/y"': {} });
    live.metadata.finalizers!.push('c.io/other');
    const next = serverSideApply(live, config({ finalizers: ['b.io/y'] }), 'kubectl', meta);
    expect(next.metadata.finalizers).toEqual(['b.io/y', 'c.io/other']);
  });

  it('drops the manager\'s entry when it applies nothing', () => {
    const live = stored(serverSideApply(undefined, config(), 'kubectl', meta));
    const next = serverSideApply(live, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } }, 'kubectl', meta);
    expect(next.metadata).not.toHaveProperty('managedFields');
    expect(next.metadata).not.toHaveProperty('labels');
    expect(next).not.toHaveProperty('spec.replicas');
  });

  it('refuses managedFields in the configuration', () => {
    const applied = config();
    applied.metadata.managedFields = [];
    try {
      serverSideApply(undefined, applied, 'kubectl', meta);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(StatusError);
      expect((err as StatusError).message).toBe('metadata.managedFields must be nil');
    }
  });

  it('leaves its inputs alone', () => {
    const live = stored(serverSideApply(undefined, config(), 'kubectl', meta));
    const liveCopy = structuredClone(live);
    const applied = config({ labels: {} });
    const appliedCopy = structuredClone(applied);
    serverSideApply(live, applied, 'kubectl', meta);
    expect(live).toEqual(liveCopy);
    expect(applied).toEqual(appliedCopy);
  });

  it('replaces atomic lists of unknown kinds', () => {
    const live: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { items: [1, 2] } };
    const next = serverSideApply(live, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { items: [3] } }, 'm', undefined);
    expect(next.spec).toEqual({ items: [3] });
    expect(entries(next)[0].fieldsV1).toEqual({ 'f:spec': { 'f:items': {} } });
  });
});
