import { describe, expect, it } from 'vitest';
import type { KubeObject } from './types.js';
import { crdEstablishedStatus, crdPrinter, crdServedNames, resourceDefsForCrd } from './crd.js';

function crd(overrides: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget', shortNames: ['wd'], categories: ['all', 'toys'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
          additionalPrinterColumns: [
            { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            { name: 'Size', type: 'string', jsonPath: '.spec.size', priority: 1, description: 'how big' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          selectableFields: [{ jsonPath: '.spec.color' }, { jsonPath: '.spec.replicas' }],
        },
        { name: 'v1beta1', served: true, storage: false },
        { name: 'v1alpha1', served: false, storage: false },
      ],
      ...overrides,
    },
  };
}

describe('resourceDefsForCrd', () => {
  it('serves one definition per served version, all stored at the storage version', () => {
    const defs = resourceDefsForCrd(crd());
    expect(defs.map((d) => d.version)).toEqual(['v1', 'v1beta1']);
    expect(defs[0]).toMatchObject({
      group: 'example.com',
      kind: 'Widget',
      listKind: 'WidgetList',
      plural: 'widgets',
      singular: 'widget',
      namespaced: true,
      shortNames: ['wd'],
      categories: ['all', 'toys'],
      storageVersion: 'v1',
      subresources: ['status', 'scale'],
      scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'status.selector' },
    });
    expect(defs[0].converter).toBeUndefined();
    expect(defs[1]).toMatchObject({ storageVersion: 'v1' });
    expect(defs[1].subresources).toBeUndefined();
  });

  it('converts the other versions by rewriting apiVersion (strategy None)', () => {
    const beta = resourceDefsForCrd(crd())[1];
    const obj: KubeObject = { apiVersion: 'example.com/v1beta1', kind: 'Widget', metadata: { name: 'w' }, spec: { a: 1 } };
    const stored = beta.converter!.toStorage(obj);
    expect(stored).toEqual({ ...obj, apiVersion: 'example.com/v1' });
    expect(beta.converter!.fromStorage(stored)).toEqual(obj);
  });

  it('is cluster-scoped with scope Cluster', () => {
    expect(resourceDefsForCrd(crd({ scope: 'Cluster' }))[0].namespaced).toBe(false);
  });

  it('prefers the accepted names once the status has them', () => {
    const c = crd();
    c.status = { acceptedNames: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' } };
    expect(crdServedNames(c).shortNames).toBeUndefined();
  });

  it('exposes the version selectableFields', () => {
    const [v1, beta] = resourceDefsForCrd(crd());
    expect(v1.selectableFields!({ metadata: {} })).toEqual({ 'spec.color': '', 'spec.replicas': '' });
    expect(v1.selectableFields!({ metadata: {}, spec: { color: 'red', replicas: 3 } })).toEqual({ 'spec.color': 'red', 'spec.replicas': '3' });
    expect(beta.selectableFields).toBeUndefined();
  });
});

describe('crdPrinter', () => {
  const now = Date.parse('2024-01-01T01:00:00Z');
  const widget: KubeObject = {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w1', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: { replicas: 3, size: { w: 1 } },
    status: { conditions: [{ type: 'Synced', status: 'False' }, { type: 'Ready', status: 'True' }] },
  };

  it('prints NAME then the printer columns', () => {
    const p = crdPrinter(crd(), 'v1');
    expect(p.columns.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0],
      ['Replicas', 'integer', 0],
      ['Ready', 'string', 0],
      ['Size', 'string', 1],
      ['Age', 'date', 0],
    ]);
    expect(p.columns[0].format).toBe('name');
    expect(p.columns[1].description).toBe('Custom resource definition column (in JSONPath format): .spec.replicas');
    expect(p.columns[3].description).toBe('how big');
    expect(p.row(widget, { now })).toEqual(['w1', 3, 'True', 'map[w:1]', '60m']);
  });

  it('prints null for missing values', () => {
    const p = crdPrinter(crd(), 'v1');
    expect(p.row({ metadata: { name: 'bare' } }, { now })).toEqual(['bare', null, null, null, null]);
  });

  it('prints dates as ages, as upstream does for bad and zero times', () => {
    const p = crdPrinter(crd(), 'v1beta1');
    expect(p.row({ metadata: { name: 'x', creationTimestamp: 'garbage' } }, { now })).toEqual(['x', '<invalid>']);
    expect(p.row({ metadata: { name: 'x', creationTimestamp: '' } }, { now })).toEqual(['x', '<unknown>']);
    expect(p.row({ metadata: { name: 'x', creationTimestamp: '2024-01-01T00:57:30Z' } }, { now })).toEqual(['x', '2m30s']);
  });

  it('prints NAME and AGE when no columns are defined', () => {
    const p = crdPrinter(crd(), 'v1beta1');
    expect(p.columns.map((c) => c.name)).toEqual(['Name', 'Age']);
    expect(p.row(widget, { now })).toEqual(['w1', '60m']);
  });
});

describe('crdEstablishedStatus', () => {
  const now = new Date('2024-01-01T00:00:00.123Z');

  it('accepts the names and establishes the CRD', () => {
    const status = crdEstablishedStatus(crd(), [], now);
    expect(status).toEqual({
      conditions: [
        { type: 'NamesAccepted', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z', reason: 'NoConflicts', message: 'no conflicts found' },
        { type: 'Established', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
      ],
      acceptedNames: { plural: 'widgets', singular: 'widget', shortNames: ['wd'], kind: 'Widget', listKind: 'WidgetList', categories: ['all', 'toys'] },
      storedVersions: ['v1'],
    });
  });

  it('keeps transition times when nothing changes', () => {
    const c = crd();
    c.status = crdEstablishedStatus(c, [], now);
    const again = crdEstablishedStatus(c, [], new Date('2024-02-01T00:00:00Z'));
    expect(again).toEqual(c.status);
  });

  it('refuses a plural another CRD of the group holds', () => {
    const other = crd();
    other.metadata = { name: 'gadgets.example.com' };
    other.status = { acceptedNames: { plural: 'widgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' } };
    const status = crdEstablishedStatus(crd(), [other], now) as { conditions: Record<string, unknown>[]; acceptedNames: Record<string, unknown> };
    expect(status.conditions[0]).toMatchObject({ type: 'NamesAccepted', status: 'False', reason: 'PluralConflict', message: '"widgets" is already in use' });
    expect(status.conditions[1]).toMatchObject({ type: 'Established', status: 'False', reason: 'NotAccepted' });
    expect(status.acceptedNames.plural).toBeUndefined();
    expect(status.acceptedNames.kind).toBe('Widget');
  });
});
