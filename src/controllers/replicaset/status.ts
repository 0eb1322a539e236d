// A ReplicaSet's (or ReplicationController's) status as upstream's calculateStatus computes it
// from the pods it owns: replicas, fullyLabeledReplicas, readyReplicas, availableReplicas,
// observedGeneration and the ReplicaFailure condition that reports create/delete errors.
import { isPodAvailable, isPodReady } from '../podutil.js';
import { rfc3339, specReplicas, type Pod, type ReplicaSet, type ReplicaSetCondition, type ReplicaSetStatus } from './types.js';

export const REPLICA_FAILURE = 'ReplicaFailure';

function labelsContain(have: Record<string, string> | undefined, want: Record<string, string> | undefined): boolean {
  return Object.entries(want ?? {}).every(([k, v]) => have?.[k] === v);
}

/**
 * The status for `rs` given the active pods it owns and the error (if any) of this sync's
 * creates/deletes. Conditions other than ReplicaFailure are kept as they are.
 */
export function computeStatus(rs: ReplicaSet, pods: Pod[], manageError: Error | undefined, now: number = Date.now()): ReplicaSetStatus {
  const minReady = rs.spec.minReadySeconds ?? 0;
  const templateLabels = rs.spec.template?.metadata?.labels;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (labelsContain(pod.metadata.labels, templateLabels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
    }
  }
  let conditions = [...(rs.status?.conditions ?? [])];
  const failure = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (manageError && !failure) {
    const diff = pods.length - specReplicas(rs);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const cond: ReplicaSetCondition = { type: REPLICA_FAILURE, status: 'True', lastTransitionTime: rfc3339(now), reason, message: manageError.message };
    conditions.push(cond);
  } else if (!manageError && failure) {
    conditions = conditions.filter((c) => c.type !== REPLICA_FAILURE);
  }
  return normalizeStatus({
    ...(rs.status ?? {}),
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata.generation ?? rs.status?.observedGeneration,
    conditions,
  });
}

/** The status as the API serialises it: zero counts omitted (omitempty) except replicas, no empty conditions. */
export function normalizeStatus(status: ReplicaSetStatus): ReplicaSetStatus {
  const out: ReplicaSetStatus = { ...status, replicas: status.replicas ?? 0 };
  for (const key of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'] as const) {
    if (!out[key]) delete out[key];
  }
  if (!out.conditions?.length) delete out.conditions;
  return out;
}

/** Whether a status write would change anything (upstream compares the counts, generation and conditions). */
export function statusDiffers(rs: ReplicaSet, next: ReplicaSetStatus): boolean {
  const cur = normalizeStatus(rs.status ?? {});
  return JSON.stringify(canonical(cur)) !== JSON.stringify(canonical(next));
}

function canonical(status: ReplicaSetStatus): unknown[] {
  return [
    status.replicas ?? 0,
    status.fullyLabeledReplicas ?? 0,
    status.readyReplicas ?? 0,
    status.availableReplicas ?? 0,
    status.observedGeneration ?? 0,
    (status.conditions ?? []).map((c) => [c.type, c.status, c.reason ?? '', c.message ?? '']),
  ];
}
