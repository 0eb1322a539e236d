import { describe, expect, it } from 'vitest';
import type { Pod, Toleration } from '../endpoints/types.js';
import { effectiveTolerations, evictionTime, minTolerationSeconds, planEvictions, shouldMarkNotReady, toleratesTaint } from './eviction.js';
import {
  allNodesDown,
  desiredTaints,
  lastHeardFrom,
  staleness,
  unknownConditions,
  NOT_READY_TAINT,
  UNREACHABLE_TAINT,
  UNSCHEDULABLE_TAINT,
  type Lease,
  type Node,
  type Taint,
} from './health.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

function node(ready: string | undefined, extra: { taints?: Taint[]; heartbeat?: number; unschedulable?: boolean; memoryPressure?: string } = {}): Node {
  const conditions = [];
  if (ready) conditions.push({ type: 'Ready', status: ready, reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: iso(extra.heartbeat ?? T0), lastTransitionTime: iso(T0) });
  if (extra.memoryPressure) conditions.push({ type: 'MemoryPressure', status: extra.memoryPressure, lastHeartbeatTime: iso(T0) });
  return {
    metadata: { name: 'n1', uid: 'n1-uid', creationTimestamp: iso(T0 - 60_000) },
    spec: { taints: extra.taints, unschedulable: extra.unschedulable },
    status: { conditions },
  };
}

const lease = (renew: number): Lease => ({ metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: { renewTime: new Date(renew).toISOString().replace('Z', '000Z') } });

describe('lease staleness', () => {
  it('takes the latest of lease renewal, Ready heartbeat and first sighting', () => {
    expect(lastHeardFrom(node('True'), lease(T0 + 5000), 0)).toBe(T0 + 5000);
    expect(lastHeardFrom(node('True', { heartbeat: T0 + 9000 }), lease(T0 + 5000), 0)).toBe(T0 + 9000);
    expect(lastHeardFrom(node('True'), undefined, T0 + 20_000)).toBe(T0 + 20_000);
  });

  it('is stale once the grace period passed without a renewal', () => {
    const n = node('True');
    expect(staleness(n, lease(T0), 0, T0 + 39_999, 40_000)).toEqual({ stale: false, staleAt: T0 + 40_000 });
    expect(staleness(n, lease(T0), 0, T0 + 40_000, 40_000).stale).toBe(true);
    // A renewal pushes it out.
    expect(staleness(n, lease(T0 + 30_000), 0, T0 + 40_000, 40_000)).toEqual({ stale: false, staleAt: T0 + 70_000 });
  });

  it('gives a node that never posted Ready the startup grace period', () => {
    expect(staleness(node(undefined), undefined, T0, T0 + 40_000, 10_000).stale).toBe(false);
    expect(staleness(node(undefined), undefined, T0, T0 + 60_000, 10_000).stale).toBe(true);
  });
});

describe('unknownConditions', () => {
  it('sets Ready and pressure conditions Unknown, keeping heartbeats', () => {
    const conds = unknownConditions(node('True', { memoryPressure: 'False' }), T0 + 50_000)!;
    const ready = conds.find((c) => c.type === 'Ready')!;
    expect(ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: iso(T0), lastTransitionTime: iso(T0 + 50_000) });
    expect(conds.find((c) => c.type === 'MemoryPressure')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    expect(conds.find((c) => c.type === 'DiskPressure')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
    expect(conds.map((c) => c.type).sort()).toEqual(['DiskPressure', 'MemoryPressure', 'PIDPressure', 'Ready']);
  });

  it('writes nothing when already Unknown', () => {
    const n = node('True');
    n.status!.conditions = unknownConditions(n, T0)!;
    expect(unknownConditions(n, T0 + 1000)).toBeUndefined();
  });
});

describe('desiredTaints', () => {
  it('adds unreachable NoSchedule and NoExecute (with timeAdded) for an Unknown node', () => {
    const taints = desiredTaints(node('Unknown'), true, T0)!;
    expect(taints).toEqual([
      { key: UNREACHABLE_TAINT, effect: 'NoSchedule' },
      { key: UNREACHABLE_TAINT, effect: 'NoExecute', timeAdded: iso(T0) },
    ]);
  });

  it('switches to not-ready for Ready=False and keeps foreign taints', () => {
    const foreign = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
    const prev = [foreign, { key: UNREACHABLE_TAINT, effect: 'NoSchedule' }, { key: UNREACHABLE_TAINT, effect: 'NoExecute', timeAdded: iso(T0) }];
    expect(desiredTaints(node('False', { taints: prev }), true, T0 + 5000)).toEqual([
      foreign,
      { key: NOT_READY_TAINT, effect: 'NoSchedule' },
      { key: NOT_READY_TAINT, effect: 'NoExecute', timeAdded: iso(T0 + 5000) },
    ]);
  });

  it('keeps timeAdded while the taint stays, and removes everything on recovery', () => {
    const prev = [{ key: UNREACHABLE_TAINT, effect: 'NoSchedule' }, { key: UNREACHABLE_TAINT, effect: 'NoExecute', timeAdded: iso(T0) }];
    expect(desiredTaints(node('Unknown', { taints: prev }), true, T0 + 99_000)).toBeUndefined();
    expect(desiredTaints(node('True', { taints: prev }), true, T0 + 99_000)).toEqual([]);
    expect(desiredTaints(node('True'), true, T0)).toBeUndefined();
  });

  it('cordon and pressure conditions give NoSchedule taints', () => {
    expect(desiredTaints(node('True', { unschedulable: true, memoryPressure: 'True' }), true, T0)).toEqual([
      { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' },
      { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' },
    ]);
  });

  it('adds no NoExecute taint (and drops one) when every node is down', () => {
    const prev = [{ key: UNREACHABLE_TAINT, effect: 'NoSchedule' }, { key: UNREACHABLE_TAINT, effect: 'NoExecute', timeAdded: iso(T0) }];
    expect(desiredTaints(node('Unknown', { taints: prev }), false, T0)).toEqual([{ key: UNREACHABLE_TAINT, effect: 'NoSchedule' }]);
    expect(allNodesDown([node('Unknown'), node('False')])).toBe(true);
    expect(allNodesDown([node('Unknown'), node('True')])).toBe(false);
    expect(allNodesDown([])).toBe(false);
  });
});

function pod(name: string, tolerations?: Toleration[], deleting = false): Pod {
  return { metadata: { name, namespace: 'ns', ...(deleting ? { deletionTimestamp: 't' } : {}) }, spec: { nodeName: 'n1', tolerations } };
}

const unreachable = (added: number): Taint[] => [{ key: UNREACHABLE_TAINT, effect: 'NoSchedule' }, { key: UNREACHABLE_TAINT, effect: 'NoExecute', timeAdded: iso(added) }];

describe('taint-based eviction', () => {
  it('tolerations match by key, effect, operator and value', () => {
    const taint = { key: 'k', value: 'v', effect: 'NoExecute' };
    expect(toleratesTaint({ key: 'k', operator: 'Exists' }, taint)).toBe(true);
    expect(toleratesTaint({ operator: 'Exists' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'k', value: 'v' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'k', value: 'x', operator: 'Equal' }, taint)).toBe(false);
    expect(toleratesTaint({ key: 'k', operator: 'Exists', effect: 'NoSchedule' }, taint)).toBe(false);
  });

  it('min toleration time: 0 for non-positive, -1 when none limits', () => {
    expect(minTolerationSeconds([])).toBe(0);
    expect(minTolerationSeconds([{ tolerationSeconds: 30 }, { tolerationSeconds: 10 }, {}])).toBe(10);
    expect(minTolerationSeconds([{ tolerationSeconds: -5 }])).toBe(0);
    expect(minTolerationSeconds([{}])).toBe(-1);
  });

  it('evicts at timeAdded + tolerationSeconds', () => {
    const p = pod('a', [{ key: UNREACHABLE_TAINT, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }]);
    expect(evictionTime(p, unreachable(T0), 300, T0 + 1000)).toBe(T0 + 30_000);
  });

  it('evicts at once a pod that does not tolerate a NoExecute taint', () => {
    const taints = [{ key: 'custom', effect: 'NoExecute' }];
    expect(evictionTime(pod('a'), taints, 300, T0)).toBe(T0);
  });

  it('never evicts a pod tolerating forever, nor when there is no NoExecute taint', () => {
    expect(evictionTime(pod('a', [{ operator: 'Exists' }]), unreachable(T0), 300, T0)).toBeUndefined();
    expect(evictionTime(pod('a'), [{ key: UNREACHABLE_TAINT, effect: 'NoSchedule' }], 300, T0)).toBeUndefined();
  });

  it('uses the default toleration seconds for pods admitted without the default tolerations', () => {
    expect(effectiveTolerations(pod('a'), 7).map((t) => [t.key, t.tolerationSeconds])).toEqual([[NOT_READY_TAINT, 7], [UNREACHABLE_TAINT, 7]]);
    expect(evictionTime(pod('a'), unreachable(T0), 7, T0)).toBe(T0 + 7000);
  });

  it('plans the pods due now and when to look again', () => {
    const pods = [
      pod('now', [{ key: UNREACHABLE_TAINT, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }]),
      pod('later', [{ key: UNREACHABLE_TAINT, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }]),
      pod('soon', [{ key: UNREACHABLE_TAINT, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 20 }]),
      pod('going', undefined, true),
    ];
    const plan = planEvictions(pods, unreachable(T0), 300, T0 + 10_000);
    expect(plan.now.map((p) => p.metadata.name)).toEqual(['now']);
    expect(plan.nextAt).toBe(T0 + 20_000);
  });
});

describe('shouldMarkNotReady', () => {
  const withReady = (status: string, at?: string): Pod => ({ metadata: { name: 'p' }, status: { conditions: [{ type: 'Ready', status, lastTransitionTime: at }] } });
  it('marks pods ready since before the outage, once', () => {
    expect(shouldMarkNotReady(withReady('True', iso(T0)), iso(T0 + 10_000))).toBe(true);
    expect(shouldMarkNotReady(withReady('True', iso(T0 + 20_000)), iso(T0 + 10_000))).toBe(false);
    expect(shouldMarkNotReady(withReady('False', iso(T0)), iso(T0 + 10_000))).toBe(false);
    expect(shouldMarkNotReady(withReady('True'), iso(T0))).toBe(true);
  });
});
