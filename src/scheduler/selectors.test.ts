import { describe, expect, it } from 'vitest';
import { labelSelectorMatches, nodeSelectorTermMatches, requirementMatches, toleratesTaint } from './selectors.js';

describe('labelSelectorMatches', () => {
  const labels = { app: 'web', tier: 'front' };
  it('treats undefined as nothing and {} as everything', () => {
    expect(labelSelectorMatches(undefined, labels)).toBe(false);
    expect(labelSelectorMatches({}, labels)).toBe(true);
  });
  it('ANDs matchLabels and matchExpressions', () => {
    expect(labelSelectorMatches({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'x', operator: 'Exists' }] }, labels)).toBe(false);
  });
});

describe('node selector requirements', () => {
  const labels = { disk: 'ssd', cores: '8' };
  it('supports every operator', () => {
    expect(requirementMatches({ key: 'disk', operator: 'In', values: ['ssd', 'nvme'] }, labels)).toBe(true);
    expect(requirementMatches({ key: 'disk', operator: 'NotIn', values: ['ssd'] }, labels)).toBe(false);
    expect(requirementMatches({ key: 'gpu', operator: 'NotIn', values: ['x'] }, labels)).toBe(true);
    expect(requirementMatches({ key: 'cores', operator: 'Gt', values: ['4'] }, labels)).toBe(true);
    expect(requirementMatches({ key: 'cores', operator: 'Lt', values: ['4'] }, labels)).toBe(false);
    expect(requirementMatches({ key: 'disk', operator: 'Gt', values: ['4'] }, labels)).toBe(false);
  });
  it('matches metadata.name fields and rejects an empty term', () => {
    expect(nodeSelectorTermMatches({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }, 'n1', {})).toBe(true);
    expect(nodeSelectorTermMatches({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }, 'n2', {})).toBe(false);
    expect(nodeSelectorTermMatches({}, 'n1', {})).toBe(false);
  });
});

describe('toleratesTaint', () => {
  const taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };
  it('follows v1.Toleration.ToleratesTaint', () => {
    expect(toleratesTaint({ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }, taint)).toBe(true);
    expect(toleratesTaint({ operator: 'Exists' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }, taint)).toBe(false);
    expect(toleratesTaint({ key: 'dedicated', value: 'gpu' }, { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' })).toBe(true);
    expect(toleratesTaint({ key: 'dedicated', value: 'cpu' }, { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' })).toBe(false);
  });
});
