import { describe, expect, it } from 'vitest';
import { newPodInfo, nodeInfoOf } from './nodeinfo.js';
import { makeNode, makePod } from './testing.js';
import { normalizeSpread, spreadFilter, spreadPreFilter, spreadScores } from './topologyspread.js';

const ZONE = 'topology.kubernetes.io/zone';

const web = (name: string, extra: Record<string, unknown> = {}) => newPodInfo(makePod(name, { labels: { app: 'web' }, spec: extra }));

describe('PodTopologySpread filter', () => {
  const constraint = (maxSkew: number) => ({
    topologySpreadConstraints: [{ maxSkew, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }],
  });
  const nodes = () => [
    nodeInfoOf(makeNode('a', { labels: { [ZONE]: 'z1' } }), [web('w1'), web('w2')]),
    nodeInfoOf(makeNode('b', { labels: { [ZONE]: 'z2' } })),
    nodeInfoOf(makeNode('c')),
  ];

  it('rejects domains that would exceed maxSkew and nodes without the key', () => {
    const p = web('p', constraint(1));
    const ns = nodes();
    const state = spreadPreFilter(p, ns);
    expect(ns.map((n) => spreadFilter(state, p, n)?.reasons[0] ?? 'fits')).toEqual([
      "node(s) didn't match pod topology spread constraints",
      'fits',
      "node(s) didn't match pod topology spread constraints (missing required label)",
    ]);
  });

  it('allows the skew up to maxSkew', () => {
    const p = web('p', constraint(3));
    const ns = nodes();
    const state = spreadPreFilter(p, ns);
    expect(spreadFilter(state, p, ns[0])).toBeUndefined();
  });

  it('has nothing to do without hard constraints', () => {
    expect(spreadPreFilter(web('p'), nodes())).toBeUndefined();
  });
});

describe('PodTopologySpread score (system defaults over the controller)', () => {
  it('prefers nodes with fewer replicas of the same owner', () => {
    const rs = (name: string) => newPodInfo(makePod(name, { owner: 'rs1' }));
    const ns = [nodeInfoOf(makeNode('a'), [rs('r1'), rs('r2')]), nodeInfoOf(makeNode('b'), [rs('r3')]), nodeInfoOf(makeNode('c'))];
    const scores = spreadScores(rs('new'), ns, ns)!;
    expect(scores[2]).toBeGreaterThan(scores[1]);
    expect(scores[1]).toBeGreaterThan(scores[0]);
  });

  it('skips pods without a controller', () => {
    const ns = [nodeInfoOf(makeNode('a'))];
    expect(spreadScores(newPodInfo(makePod('bare')), ns, ns)).toBeUndefined();
  });

  it('normalizes as upstream: (max + min - s) / max, ignored nodes 0', () => {
    expect(normalizeSpread([2, 4, -1])).toEqual([100, 50, 0]);
    expect(normalizeSpread([0, 0])).toEqual([100, 100]);
  });
});
