import { describe, expect, it } from 'vitest';
import { SchedulerCache } from './cache.js';
import { newPodInfo } from './nodeinfo.js';
import { makeNode, makePod } from './testing.js';

describe('SchedulerCache', () => {
  it('counts an assumed pod once, also after the informer confirms it', () => {
    const cache = new SchedulerCache();
    cache.setNode(makeNode('a'));
    const p = newPodInfo(makePod('p', { cpu: '500m' }));
    cache.assume(p, 'a');
    expect(cache.isAssumed('default/p')).toBe(true);
    expect(cache.node('a')!.requested.milliCpu).toBe(500);
    cache.addPod(newPodInfo(makePod('p', { cpu: '500m', nodeName: 'a' })), 'a');
    expect(cache.isAssumed('default/p')).toBe(false);
    expect(cache.node('a')!.requested.milliCpu).toBe(500);
    expect(cache.node('a')!.pods.size).toBe(1);
  });

  it('forgets a failed assumption but keeps confirmed pods', () => {
    const cache = new SchedulerCache();
    cache.setNode(makeNode('a'));
    cache.assume(newPodInfo(makePod('p', { cpu: '500m' })), 'a');
    cache.forget('default/p');
    expect(cache.node('a')!.requested.milliCpu).toBe(0);
    cache.addPod(newPodInfo(makePod('q', { cpu: '1' })), 'a');
    cache.forget('default/q');
    expect(cache.node('a')!.requested.milliCpu).toBe(1000);
  });

  it('moves a pod the informer shows on another node', () => {
    const cache = new SchedulerCache();
    cache.setNode(makeNode('a'));
    cache.setNode(makeNode('b'));
    cache.assume(newPodInfo(makePod('p', { cpu: '1' })), 'a');
    cache.addPod(newPodInfo(makePod('p', { cpu: '1', nodeName: 'b' })), 'b');
    expect(cache.node('a')!.requested.milliCpu).toBe(0);
    expect(cache.node('b')!.requested.milliCpu).toBe(1000);
  });

  it('keeps pods of unknown nodes out of the node list until the node appears', () => {
    const cache = new SchedulerCache();
    cache.addPod(newPodInfo(makePod('p', { cpu: '1', nodeName: 'later' })), 'later');
    expect(cache.nodes()).toEqual([]);
    cache.setNode(makeNode('later'));
    expect(cache.nodes().map((n) => n.name)).toEqual(['later']);
    expect(cache.nodes()[0].requested.milliCpu).toBe(1000);
    cache.removeNode('later');
    expect(cache.nodes()).toEqual([]);
    expect(cache.removePod('default/p')).toBe(true);
  });
});
