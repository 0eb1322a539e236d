import { describe, expect, it } from 'vitest';
import { newPodInfo, nodeInfoOf } from './nodeinfo.js';
import {
  balancedAllocationScore,
  defaultNormalize,
  intolerablePreferNoScheduleRaw,
  leastAllocatedScore,
  preferredNodeAffinityRaw,
} from './scores.js';
import { makeNode, makePod } from './testing.js';

describe('NodeResourcesFit LeastAllocated', () => {
  it('scores the free share of cpu and memory after placing the pod', () => {
    const node = nodeInfoOf(makeNode('n', { cpu: '4', memory: '8Gi' }), [newPodInfo(makePod('a', { cpu: '1', memory: '2Gi' }))]);
    // cpu (4000-2000)/4000 = 50, memory (8-4)/8 = 50
    expect(leastAllocatedScore(newPodInfo(makePod('p', { cpu: '1', memory: '2Gi' })), node)).toBe(50);
  });

  it('counts pods without requests at the non-zero defaults', () => {
    const empty = nodeInfoOf(makeNode('e', { cpu: '1', memory: '1Gi' }));
    const busy = nodeInfoOf(makeNode('b', { cpu: '1', memory: '1Gi' }), [newPodInfo(makePod('x')), newPodInfo(makePod('y'))]);
    const p = newPodInfo(makePod('p'));
    expect(leastAllocatedScore(p, empty)).toBeGreaterThan(leastAllocatedScore(p, busy));
  });

  it('is 0 when over-committed', () => {
    const node = nodeInfoOf(makeNode('n', { cpu: '1', memory: '1Gi' }));
    expect(leastAllocatedScore(newPodInfo(makePod('p', { cpu: '2', memory: '2Gi' })), node)).toBe(0);
  });
});

describe('NodeResourcesBalancedAllocation', () => {
  it('prefers equal cpu and memory fractions', () => {
    const node = nodeInfoOf(makeNode('n', { cpu: '4', memory: '4Gi' }));
    expect(balancedAllocationScore(newPodInfo(makePod('p', { cpu: '1', memory: '1Gi' })), node)).toBe(100);
    expect(balancedAllocationScore(newPodInfo(makePod('q', { cpu: '4', memory: '0' })), node)).toBe(50);
  });
});

describe('NodeAffinity preferred terms', () => {
  it('sums the weights of matching terms', () => {
    const p = newPodInfo(
      makePod('p', {
        spec: {
          affinity: {
            nodeAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 5, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
                { weight: 2, preference: { matchExpressions: [{ key: 'zone', operator: 'Exists' }] } },
              ],
            },
          },
        },
      }),
    );
    expect(preferredNodeAffinityRaw(p, nodeInfoOf(makeNode('a', { labels: { disk: 'ssd', zone: 'z' } })))).toBe(7);
    expect(preferredNodeAffinityRaw(p, nodeInfoOf(makeNode('b', { labels: { zone: 'z' } })))).toBe(2);
  });
});

describe('TaintToleration PreferNoSchedule', () => {
  it('counts intolerable soft taints; normalizing reverses', () => {
    const node = nodeInfoOf(makeNode('n', { taints: [{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'PreferNoSchedule' }, { key: 'c', effect: 'NoSchedule' }] }));
    const tolerant = newPodInfo(makePod('t', { spec: { tolerations: [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }] } }));
    expect(intolerablePreferNoScheduleRaw(newPodInfo(makePod('p')), node)).toBe(2);
    expect(intolerablePreferNoScheduleRaw(tolerant, node)).toBe(1);
    expect(defaultNormalize([2, 1, 0], true)).toEqual([0, 50, 100]);
    expect(defaultNormalize([0, 0], true)).toEqual([100, 100]);
    expect(defaultNormalize([4, 2], false)).toEqual([100, 50]);
  });
});
