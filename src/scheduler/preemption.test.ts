import { describe, expect, it } from 'vitest';
import { schedulePod } from './algorithm.js';
import { fitErrorMessage } from './fiterror.js';
import { newPodInfo, nodeInfoOf } from './nodeinfo.js';
import { pickCandidate, preempt } from './preemption.js';
import { makeNode, makePod } from './testing.js';

const low = (name: string, cpu: string, priority = 0) => newPodInfo(makePod(name, { cpu, priority }));

function attempt(pod: ReturnType<typeof newPodInfo>, nodes: ReturnType<typeof nodeInfoOf>[]) {
  const r = schedulePod(pod, nodes);
  if (r.ok) throw new Error('expected no fit');
  return { r, outcome: preempt(pod, nodes, r.diagnosis) };
}

describe('DefaultPreemption', () => {
  it('evicts only as many lower-priority pods as needed', () => {
    const nodes = [nodeInfoOf(makeNode('a', { cpu: '2' }), [low('l1', '800m'), low('l2', '800m', 5)])];
    const { outcome } = attempt(newPodInfo(makePod('vip', { cpu: '1', priority: 100 })), nodes);
    expect(outcome.message).toBe('');
    // Removing the less important l1 (priority 0) frees enough; l2 is reprieved.
    expect(outcome.candidate?.victims.map((v) => v.name)).toEqual(['l1']);
  });

  it('explains when evicting every lower-priority pod would still not help', () => {
    const nodes = [nodeInfoOf(makeNode('a', { cpu: '1' }), [low('l1', '500m')])];
    const { r, outcome } = attempt(newPodInfo(makePod('vip', { cpu: '2', priority: 100 })), nodes);
    expect(fitErrorMessage(r.diagnosis, outcome.message)).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.',
    );
  });

  it('never preempts with preemptionPolicy Never', () => {
    const nodes = [nodeInfoOf(makeNode('a', { cpu: '1' }), [low('l1', '800m')])];
    const { r, outcome } = attempt(newPodInfo(makePod('p', { cpu: '500m', priority: 100, spec: { preemptionPolicy: 'Never' } })), nodes);
    expect(fitErrorMessage(r.diagnosis, outcome.message)).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
  });

  it('waits while a victim on the nominated node is terminating', () => {
    const victim = newPodInfo(
      makePod('l1', { cpu: '800m', status: { phase: 'Running', conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }] } }),
    );
    victim.terminating = true;
    const nodes = [nodeInfoOf(makeNode('a', { cpu: '1' }), [victim])];
    const p = newPodInfo(makePod('vip', { cpu: '500m', priority: 100, status: { phase: 'Pending', nominatedNodeName: 'a' } }));
    const { outcome } = attempt(p, nodes);
    expect(outcome.message).toBe('preemption: not eligible due to a terminating pod on the nominated node.');
  });

  it('picks the node whose most important victim matters least', () => {
    const v = (n: string, prio: number) => low(n, '1', prio);
    const c = pickCandidate([
      { node: 'a', victims: [v('a1', 50)] },
      { node: 'b', victims: [v('b1', 10), v('b2', 10)] },
      { node: 'c', victims: [v('c1', 10)] },
    ]);
    expect(c?.node).toBe('c');
  });
});
