import { describe, expect, it } from 'vitest';
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { Resources } from '../../client/resources.js';
import {
  decide,
  ownerStateOf,
  removeFinalizerPatch,
  removeOwnerRefsPatch,
  unblockOwnerRefsPatch,
  type ClassifiedOwner,
  type OwnerState,
} from './decide.js';
import { DependencyGraph } from './graph.js';
import { BoundedSet, gcWatches, parseWorkKey, workKey } from './work.js';

const ref = (uid: string, block = true): OwnerReference => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `rs-${uid}`, uid, controller: true, blockOwnerDeletion: block });
const owners = (...states: OwnerState[]): ClassifiedOwner[] => states.map((state, i) => ({ ref: ref(`o${i}`), state }));
const obj = (uid: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({ metadata: { name: `n-${uid}`, namespace: 'ns', uid, resourceVersion: '7', ...extra } });
const noDeps = { hasDependents: false, dependentDeletingDependents: false };

describe('ownerStateOf', () => {
  it('is dangling when absent or replaced, waiting when deleting in foreground', () => {
    expect(ownerStateOf(undefined, ref('a'))).toBe('dangling');
    expect(ownerStateOf(obj('b'), ref('a'))).toBe('dangling');
    expect(ownerStateOf(obj('a'), ref('a'))).toBe('solid');
    expect(ownerStateOf(obj('a', { deletionTimestamp: 'x', finalizers: ['foregroundDeletion'] }), ref('a'))).toBe('waiting');
    expect(ownerStateOf(obj('a', { deletionTimestamp: 'x', finalizers: ['orphan'] }), ref('a'))).toBe('solid');
  });
});

describe('decide', () => {
  it('keeps an object with a solid owner, dropping references to the others', () => {
    expect(decide(obj('x'), owners('solid'), noDeps)).toEqual({ action: 'none' });
    expect(decide(obj('x'), owners('solid', 'dangling', 'waiting'), noDeps)).toEqual({ action: 'removeOwnerRefs', uids: ['o1', 'o2'] });
  });

  it('deletes in Background when every owner is gone', () => {
    expect(decide(obj('x'), owners('dangling', 'dangling'), noDeps)).toEqual({ action: 'delete', policy: 'Background' });
  });

  it('honours a propagation already requested on the object', () => {
    expect(decide(obj('x', { finalizers: ['orphan'] }), owners('dangling'), noDeps)).toEqual({ action: 'delete', policy: 'Orphan' });
    expect(decide(obj('x', { finalizers: ['foregroundDeletion'] }), owners('dangling'), noDeps)).toEqual({ action: 'delete', policy: 'Foreground' });
  });

  it('goes in Foreground when a waiting owner needs our dependents gone first', () => {
    expect(decide(obj('x'), owners('waiting'), { hasDependents: true, dependentDeletingDependents: false })).toEqual({ action: 'delete', policy: 'Foreground', unblockFirst: false });
    expect(decide(obj('x'), owners('waiting'), { hasDependents: true, dependentDeletingDependents: true })).toEqual({ action: 'delete', policy: 'Foreground', unblockFirst: true });
    expect(decide(obj('x'), owners('waiting'), noDeps)).toEqual({ action: 'delete', policy: 'Background' });
  });

  it('does nothing without owners', () => {
    expect(decide(obj('x'), [], noDeps)).toEqual({ action: 'none' });
  });
});

describe('patches', () => {
  it('remove owner references with a resourceVersion precondition', () => {
    const o = obj('x', { ownerReferences: [ref('a'), ref('b')] });
    expect(removeOwnerRefsPatch(o, ['a'])).toEqual({ metadata: { ownerReferences: [ref('b')], resourceVersion: '7' } });
    expect(removeOwnerRefsPatch(o, ['a', 'b'])).toEqual({ metadata: { ownerReferences: null, resourceVersion: '7' } });
  });

  it('remove one finalizer, or say there is nothing to do', () => {
    expect(removeFinalizerPatch(obj('x', { finalizers: ['foregroundDeletion', 'keep'] }), 'foregroundDeletion')).toEqual({ metadata: { finalizers: ['keep'], resourceVersion: '7' } });
    expect(removeFinalizerPatch(obj('x', { finalizers: ['orphan'] }), 'orphan')).toEqual({ metadata: { finalizers: null, resourceVersion: '7' } });
    expect(removeFinalizerPatch(obj('x'), 'orphan')).toBeUndefined();
  });

  it('unblock every owner reference', () => {
    expect(unblockOwnerRefsPatch(obj('x', { ownerReferences: [ref('a'), ref('b', false)] }))).toEqual({
      metadata: { ownerReferences: [{ ...ref('a'), blockOwnerDeletion: false }, ref('b', false)], resourceVersion: '7' },
    });
    expect(unblockOwnerRefsPatch(obj('x', { ownerReferences: [ref('b', false)] }))).toBeUndefined();
  });
});

describe('DependencyGraph', () => {
  const rs = Resources.replicasets;
  const pods = Resources.pods;

  it('indexes dependents and wakes them when the owner goes', () => {
    const g = new DependencyGraph();
    expect(g.upsert(obj('rs1'), rs)).toEqual([]);
    expect(g.upsert(obj('p1', { ownerReferences: [ref('rs1')] }), pods)).toEqual([]);
    expect(g.upsert(obj('p2', { ownerReferences: [ref('rs1', false)] }), pods)).toEqual([]);
    expect(g.dependentsOf('rs1').map((n) => n.uid)).toEqual(['p1', 'p2']);
    expect(g.blockingDependentsOf('rs1').map((n) => n.uid)).toEqual(['p1']);
    expect(g.remove('rs1')).toEqual([{ kind: 'delete', uid: 'p1' }, { kind: 'delete', uid: 'p2' }]);
    // The dependents still name the gone owner; a second removal of an unknown uid is a no-op.
    expect(g.dependentsOf('rs1').map((n) => n.uid)).toEqual(['p1', 'p2']);
    expect(g.remove('rs1')).toEqual([]);
  });

  it('verifies owners never observed once the first lists are in, then on every new reference', () => {
    const g = new DependencyGraph();
    g.upsert(obj('p1', { ownerReferences: [ref('ghost')] }), pods);
    g.upsert(obj('rs1'), rs);
    g.upsert(obj('p2', { ownerReferences: [ref('rs1')] }), pods);
    expect(g.startVerifying()).toEqual([{ kind: 'delete', uid: 'p1' }]);
    expect(g.upsert(obj('p3', { ownerReferences: [ref('ghost2')] }), pods)).toEqual([{ kind: 'delete', uid: 'p3' }]);
    expect(g.upsert(obj('p4', { ownerReferences: [ref('rs1')] }), pods)).toEqual([]);
  });

  it('starts Foreground and Orphan processing on the transition only', () => {
    const g = new DependencyGraph();
    g.upsert(obj('rs1'), rs);
    g.upsert(obj('p1', { ownerReferences: [ref('rs1')] }), pods);
    const fg = obj('rs1', { deletionTimestamp: 't', finalizers: ['foregroundDeletion'] });
    expect(g.upsert(fg, rs)).toEqual([{ kind: 'delete', uid: 'rs1' }, { kind: 'delete', uid: 'p1' }]);
    expect(g.upsert(fg, rs)).toEqual([]);
    // The last blocking dependent gone: the owner looks again.
    expect(g.remove('p1')).toEqual([{ kind: 'delete', uid: 'rs1' }]);

    g.upsert(obj('d1'), Resources.deployments);
    expect(g.upsert(obj('d1', { deletionTimestamp: 't', finalizers: ['orphan'] }), Resources.deployments)).toEqual([{ kind: 'orphan', uid: 'd1' }]);
  });

  it('wakes a waiting owner when a dependent stops blocking it', () => {
    const g = new DependencyGraph();
    g.upsert(obj('rs1', { deletionTimestamp: 't', finalizers: ['foregroundDeletion'] }), rs);
    g.upsert(obj('p1', { ownerReferences: [ref('rs1')] }), pods);
    expect(g.upsert(obj('p1', { ownerReferences: [ref('rs1', false)] }), pods)).toEqual([{ kind: 'delete', uid: 'rs1' }]);
    expect(g.upsert(obj('p1', { ownerReferences: [] }), pods)).toEqual([]);
    expect(g.dependentsOf('rs1')).toEqual([]);
  });
});

describe('helpers', () => {
  it('round-trips work keys', () => {
    expect(parseWorkKey(workKey({ kind: 'orphan', uid: 'a:b' }))).toEqual({ kind: 'orphan', uid: 'a:b' });
    expect(parseWorkKey('bogus')).toBeUndefined();
  });

  it('watches deletable resources but never events', () => {
    const verbs = ['list', 'watch', 'delete'];
    expect(gcWatches({ ...Resources.pods, verbs })).toBe(true);
    expect(gcWatches({ ...Resources.events, verbs })).toBe(false);
    expect(gcWatches({ ...Resources.pods, verbs: ['list', 'watch'] })).toBe(false);
  });

  it('bounded set forgets the oldest', () => {
    const s = new BoundedSet(2);
    s.add('a');
    s.add('b');
    s.add('c');
    expect([s.has('a'), s.has('b'), s.has('c')]).toEqual([false, true, true]);
  });
});
