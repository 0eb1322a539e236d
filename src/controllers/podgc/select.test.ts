import { describe, expect, it } from 'vitest';
import type { Pod } from '../endpoints/types.js';
import { MissingNodes, podsOnMissingNodes, terminatedPodsToCollect, unscheduledTerminatingPods } from './select.js';

const pod = (name: string, opts: { phase?: string; created?: string; reason?: string; node?: string; deleting?: boolean } = {}): Pod => ({
  metadata: { name, namespace: 'ns', creationTimestamp: opts.created ?? '2024-01-01T00:00:00Z', ...(opts.deleting ? { deletionTimestamp: 't' } : {}) },
  spec: { nodeName: opts.node },
  status: { phase: opts.phase ?? 'Running', reason: opts.reason },
});

describe('terminatedPodsToCollect', () => {
  it('removes the excess over the threshold: evicted first, then oldest', () => {
    const pods = [
      pod('new', { phase: 'Succeeded', created: '2024-01-03T00:00:00Z' }),
      pod('old', { phase: 'Failed', created: '2024-01-01T00:00:00Z' }),
      pod('evicted', { phase: 'Failed', created: '2024-01-05T00:00:00Z', reason: 'Evicted' }),
      pod('running', { created: '2023-01-01T00:00:00Z' }),
    ];
    expect(terminatedPodsToCollect(pods, 1).map((p) => p.metadata.name)).toEqual(['evicted', 'old']);
    expect(terminatedPodsToCollect(pods, 3)).toEqual([]);
    expect(terminatedPodsToCollect(pods, 0)).toEqual([]);
  });
});

describe('unscheduledTerminatingPods', () => {
  it('finds deleted pods that never got a node', () => {
    const pods = [pod('a', { deleting: true }), pod('b', { deleting: true, node: 'n1' }), pod('c')];
    expect(unscheduledTerminatingPods(pods).map((p) => p.metadata.name)).toEqual(['a']);
  });
});

describe('orphans', () => {
  it('groups pods by missing node', () => {
    const pods = [pod('a', { node: 'gone' }), pod('b', { node: 'n1' }), pod('c', { node: 'gone' }), pod('d')];
    const m = podsOnMissingNodes(pods, (n) => n === 'n1');
    expect([...m.keys()]).toEqual(['gone']);
    expect(m.get('gone')!.map((p) => p.metadata.name)).toEqual(['a', 'c']);
  });

  it('waits out the quarantine per node and forgets nodes that came back', () => {
    const m = new MissingNodes();
    expect(m.observe(['x'], 1000, 100)).toEqual({ expired: [], nextCheckMs: 100 });
    expect(m.observe(['x', 'y'], 1050, 100)).toEqual({ expired: [], nextCheckMs: 50 });
    expect(m.observe(['x', 'y'], 1100, 100)).toEqual({ expired: ['x'], nextCheckMs: 50 });
    expect(m.observe(['y'], 1120, 100)).toEqual({ expired: [], nextCheckMs: 30 });
    expect(m.observe(['x'], 1200, 100)).toEqual({ expired: [], nextCheckMs: 100 });
  });
});
