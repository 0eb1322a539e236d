import { describe, expect, it } from 'vitest';
import { numFeasibleNodesToFind, schedulePod, selectHost } from './algorithm.js';
import { fitErrorMessage } from './fiterror.js';
import { addPodToNode, newPodInfo, nodeInfoOf } from './nodeinfo.js';
import { preempt } from './preemption.js';
import { makeNode, makePod } from './testing.js';
import type { NodeInfo } from './types.js';

function failMessage(pod: ReturnType<typeof newPodInfo>, nodes: NodeInfo[]): string {
  const r = schedulePod(pod, nodes);
  if (r.ok) throw new Error(`unexpectedly scheduled on ${r.node}`);
  return fitErrorMessage(r.diagnosis, preempt(pod, nodes, r.diagnosis).message);
}

describe('schedulePod', () => {
  it('prefers the least allocated node', () => {
    const nodes = [nodeInfoOf(makeNode('busy'), [newPodInfo(makePod('x', { cpu: '1500m' }))]), nodeInfoOf(makeNode('idle'))];
    const r = schedulePod(newPodInfo(makePod('p', { cpu: '100m' })), nodes);
    expect(r).toMatchObject({ ok: true, node: 'idle' });
  });

  it('spreads replicas of one owner when placed one after another (assume)', () => {
    const nodes = [nodeInfoOf(makeNode('a')), nodeInfoOf(makeNode('b'))];
    const placed: Record<string, number> = {};
    for (let i = 0; i < 4; i++) {
      const p = newPodInfo(makePod(`web-${i}`, { owner: 'rs', cpu: '10m' }));
      const r = schedulePod(p, nodes);
      if (!r.ok) throw new Error('no fit');
      addPodToNode(nodes.find((n) => n.name === r.node)!, p);
      placed[r.node] = (placed[r.node] ?? 0) + 1;
    }
    expect(placed).toEqual({ a: 2, b: 2 });
  });

  it('gives the upstream message for a pod that fits nowhere', () => {
    const nodes = [nodeInfoOf(makeNode('a', { cpu: '1' })), nodeInfoOf(makeNode('b', { cpu: '1' }))];
    expect(failMessage(newPodInfo(makePod('big', { cpu: '4' })), nodes)).toBe(
      '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
    );
  });

  it('mixes cordoned and full nodes, as in the issue', () => {
    const nodes = [nodeInfoOf(makeNode('a', { cpu: '1', unschedulable: true })), nodeInfoOf(makeNode('b', { cpu: '1' }))];
    expect(failMessage(newPodInfo(makePod('big', { cpu: '4' })), nodes)).toBe(
      '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
    );
  });

  it('stops at the first failing filter per node, in upstream order', () => {
    // Tainted and too small: the taint is reported, not the resources.
    const nodes = [nodeInfoOf(makeNode('a', { cpu: '1', taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] }))];
    expect(failMessage(newPodInfo(makePod('big', { cpu: '4' })), nodes)).toBe(
      '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
  });

  it('reports "no nodes" when the cluster has none', () => {
    const r = schedulePod(newPodInfo(makePod('p')), []);
    expect(r).toMatchObject({ ok: false, noNodes: true });
  });

  it('rejects missing and unbound claims in PreFilter', () => {
    const nodes = [nodeInfoOf(makeNode('a'))];
    const p = newPodInfo(makePod('p', { spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] } }));
    const missing = schedulePod(p, nodes, { getPvc: () => undefined });
    expect(!missing.ok && fitErrorMessage(missing.diagnosis)).toBe('0/1 nodes are available: persistentvolumeclaim "data" not found.');
    const pending = schedulePod(p, nodes, { getPvc: () => ({ metadata: { name: 'data' }, status: { phase: 'Pending' } }) });
    expect(!pending.ok && fitErrorMessage(pending.diagnosis, preempt(p, nodes, pending.diagnosis).message)).toBe(
      '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
    const bound = schedulePod(p, nodes, { getPvc: () => ({ metadata: { name: 'data' }, spec: { volumeName: 'pv1' }, status: { phase: 'Bound' } }) });
    expect(bound.ok).toBe(true);
  });

  it('considers only the named node for DaemonSet-style pods', () => {
    const nodes = [nodeInfoOf(makeNode('a', { cpu: '1' })), nodeInfoOf(makeNode('b')), nodeInfoOf(makeNode('c'))];
    const term = { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] };
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } } };
    const r = schedulePod(newPodInfo(makePod('ds', { cpu: '2', spec: { affinity } })), nodes);
    expect(!r.ok && fitErrorMessage(r.diagnosis)).toBe("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].");
    expect(schedulePod(newPodInfo(makePod('ds2', { cpu: '100m', spec: { affinity } })), nodes)).toMatchObject({ ok: true, node: 'a' });
  });

  it('tries the nominated node first', () => {
    const nodes = [nodeInfoOf(makeNode('a')), nodeInfoOf(makeNode('b'), [newPodInfo(makePod('x', { cpu: '1' }))])];
    const p = newPodInfo(makePod('p', { status: { phase: 'Pending', nominatedNodeName: 'b' } }));
    expect(schedulePod(p, nodes)).toMatchObject({ ok: true, node: 'b', evaluated: 1 });
  });
});

describe('selectHost', () => {
  it('picks the maximum and breaks ties at random', () => {
    expect(selectHost([1, 5, 3])).toBe(1);
    expect(selectHost([5, 5, 5], () => 0)).toBe(2);
    expect(selectHost([5, 5, 5], () => 0.99)).toBe(0);
  });
});

describe('numFeasibleNodesToFind', () => {
  it('evaluates every node in small clusters and an adaptive share in large ones', () => {
    expect(numFeasibleNodesToFind(50)).toBe(50);
    expect(numFeasibleNodesToFind(100)).toBe(100);
    expect(numFeasibleNodesToFind(1000)).toBe(420);
    expect(numFeasibleNodesToFind(5000)).toBe(500);
  });
});
