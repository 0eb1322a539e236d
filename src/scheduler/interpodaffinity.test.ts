import { describe, expect, it } from 'vitest';
import { interPodAffinityFilter, interPodPreFilter, interPodScores } from './interpodaffinity.js';
import { newPodInfo, nodeInfoOf } from './nodeinfo.js';
import { makeNode, makePod } from './testing.js';
import type { NodeInfo } from './types.js';

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

function antiAffinity(app: string, topologyKey = HOST) {
  return { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app } }, topologyKey }] } };
}

function affinity(app: string, topologyKey = HOST) {
  return { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app } }, topologyKey }] } };
}

const pod = (name: string, labels: Record<string, string>, spec: Record<string, unknown> = {}) => newPodInfo(makePod(name, { labels, spec }));

function verdicts(p: ReturnType<typeof pod>, nodes: NodeInfo[]) {
  const state = interPodPreFilter(p, nodes);
  return nodes.map((n) => interPodAffinityFilter(state, n)?.reasons[0] ?? 'fits');
}

describe('InterPodAffinity filter', () => {
  it('skips when nobody has required terms', () => {
    const nodes = [nodeInfoOf(makeNode('a'), [pod('x', { app: 'web' })])];
    expect(interPodPreFilter(pod('p', { app: 'web' }), nodes)).toBeUndefined();
  });

  it('keeps replicas with hostname anti-affinity on different nodes', () => {
    const nodes = [nodeInfoOf(makeNode('a'), [pod('w1', { app: 'web' })]), nodeInfoOf(makeNode('b'))];
    expect(verdicts(pod('w2', { app: 'web' }, { affinity: antiAffinity('web') }), nodes)).toEqual(["node(s) didn't match pod anti-affinity rules", 'fits']);
  });

  it("honours existing pods' anti-affinity towards the incoming pod", () => {
    const guard = pod('g', { app: 'db' }, { affinity: antiAffinity('web') });
    const nodes = [nodeInfoOf(makeNode('a'), [guard]), nodeInfoOf(makeNode('b'))];
    expect(verdicts(pod('w', { app: 'web' }), nodes)).toEqual(["node(s) didn't satisfy existing pods anti-affinity rules", 'fits']);
  });

  it('requires affinity targets in the same topology domain (zones)', () => {
    const nodes = [
      nodeInfoOf(makeNode('a', { labels: { [ZONE]: 'z1' } }), [pod('cache', { app: 'cache' })]),
      nodeInfoOf(makeNode('b', { labels: { [ZONE]: 'z1' } })),
      nodeInfoOf(makeNode('c', { labels: { [ZONE]: 'z2' } })),
      nodeInfoOf(makeNode('d')),
    ];
    expect(verdicts(pod('w', { app: 'web' }, { affinity: affinity('cache', ZONE) }), nodes)).toEqual([
      'fits',
      'fits',
      "node(s) didn't match pod affinity rules",
      "node(s) didn't match pod affinity rules",
    ]);
  });

  it('lets the first pod of a self-affine group go anywhere with the topology label', () => {
    const nodes = [nodeInfoOf(makeNode('a')), nodeInfoOf(makeNode('b'))];
    expect(verdicts(pod('w', { app: 'web' }, { affinity: affinity('web') }), nodes)).toEqual(['fits', 'fits']);
  });

  it('looks only in the pod namespace by default', () => {
    const other = newPodInfo(makePod('w1', { namespace: 'other', labels: { app: 'web' } }));
    const nodes = [nodeInfoOf(makeNode('a'), [other])];
    expect(verdicts(pod('w2', { app: 'web' }, { affinity: antiAffinity('web') }), nodes)).toEqual(['fits']);
  });
});

describe('InterPodAffinity score', () => {
  it('prefers nodes near preferred pods and away from disliked ones', () => {
    const nodes = [nodeInfoOf(makeNode('a'), [pod('c', { app: 'cache' })]), nodeInfoOf(makeNode('b')), nodeInfoOf(makeNode('x'), [pod('n', { app: 'noisy' })])];
    const p = pod('w', { app: 'web' }, {
      affinity: {
        podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: HOST } }] },
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { labelSelector: { matchLabels: { app: 'noisy' } }, topologyKey: HOST } }] },
      },
    });
    expect(interPodScores(p, nodes, nodes)).toEqual([100, 50, 0]);
    expect(interPodScores(pod('q', {}), nodes, nodes)).toBeUndefined();
  });
});
