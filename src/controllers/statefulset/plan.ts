// The StatefulSet controller's ordinal planning (upstream stateful_set_control.go updateStatefulSet):
// given the set's pods, what to do next and what the status will be once done. With OrderedReady
// ("monotonic") a pass takes at most one step: pods are created in ordinal order, each only once all
// lower ordinals are Running and Ready, scaled down from the highest ordinal, and rolled to the
// update revision from the highest ordinal down to the partition. Parallel creates and deletes
// without waiting.
import { isPodAvailable, isPodReady, podPhase } from '../podutil.js';
import { newStatefulSetPod, identityMatches, ordinalOf, podRevision, startOrdinal, storageMatches } from './pods.js';
import type { Pod, StatefulSet, StatefulSetStatus } from './types.js';

export type Action =
  | { type: 'create'; pod: Pod; ordinal: number }
  | { type: 'delete'; pod: Pod; reason: 'failed' | 'scaleDown' | 'update' }
  | { type: 'fixIdentity'; pod: Pod; ordinal: number };

export interface Plan {
  actions: Action[];
  status: StatefulSetStatus;
  /** Why the pass stopped early (for logs and tests). */
  waitingFor?: string;
}

export interface PlanInput {
  set: StatefulSet;
  /** The set with its template taken from the current revision (what pods below the partition get). */
  currentSet: StatefulSet;
  /** The set with its template taken from the update revision. */
  updateSet: StatefulSet;
  currentRevision: string;
  updateRevision: string;
  collisionCount: number;
  /** The set's pods (members with its controller reference). */
  pods: Pod[];
  now: number;
}

/** A pod object the plan will create (it has no phase yet). */
const planned = new WeakSet<Pod>();

export function isTerminating(pod: Pod): boolean {
  return !!pod.metadata.deletionTimestamp;
}

export function isFailed(pod: Pod): boolean {
  return pod.status?.phase === 'Failed';
}

export function isSucceeded(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded';
}

export function isRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

export function isRunningAndAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  return pod.status?.phase === 'Running' && isPodAvailable(pod, minReadySeconds, now);
}

export function isHealthy(pod: Pod): boolean {
  return isRunningAndReady(pod) && !isTerminating(pod);
}

export function allowsBurst(set: StatefulSet): boolean {
  return set.spec.podManagementPolicy === 'Parallel';
}

/** Upstream newVersionedStatefulSetPod: below the partition pods keep the current revision. */
export function newVersionedPod(input: PlanInput, ordinal: number): Pod {
  const { currentSet, updateSet } = input;
  const strategy = currentSet.spec.updateStrategy;
  if ((strategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
    const partition = strategy?.rollingUpdate?.partition;
    const below =
      partition === undefined || partition === null
        ? ordinal < startOrdinal(currentSet) + (currentSet.status?.currentReplicas ?? 0)
        : ordinal < startOrdinal(currentSet) + partition;
    if (below) return newStatefulSetPod(currentSet, ordinal, input.currentRevision);
  }
  return newStatefulSetPod(updateSet, ordinal, input.updateRevision);
}

export function planStatefulSet(input: PlanInput): Plan {
  const { set, currentRevision, updateRevision, now } = input;
  const minReady = set.spec.minReadySeconds ?? 0;
  const status: StatefulSetStatus = {
    observedGeneration: set.metadata.generation,
    currentRevision,
    updateRevision,
    collisionCount: input.collisionCount,
    replicas: 0,
    readyReplicas: 0,
    currentReplicas: 0,
    updatedReplicas: 0,
    availableReplicas: 0,
  };
  const count = (pod: Pod, delta: number) => {
    const rev = podRevision(pod);
    if (rev === currentRevision) status.currentReplicas! += delta;
    if (rev === updateRevision) status.updatedReplicas! += delta;
  };
  const replicaCount = set.spec.replicas ?? 1;
  const start = startOrdinal(set);
  const replicas: (Pod | undefined)[] = new Array(replicaCount).fill(undefined);
  const condemned: Pod[] = [];
  for (const pod of input.pods) {
    status.replicas!++;
    if (isRunningAndReady(pod)) {
      status.readyReplicas!++;
      if (isRunningAndAvailable(pod, minReady, now)) status.availableReplicas!++;
    }
    if (!isTerminating(pod)) count(pod, 1);
    const ord = ordinalOf(pod);
    if (ord >= start && ord < start + replicaCount) replicas[ord - start] = pod;
    else if (ord >= 0) condemned.push(pod);
  }
  const plan: Plan = { actions: [], status };
  const fresh = (i: number) => {
    const pod = newVersionedPod(input, start + i);
    planned.add(pod);
    return pod;
  };
  for (let i = 0; i < replicaCount; i++) replicas[i] ??= fresh(i);
  condemned.sort((a, b) => ordinalOf(a) - ordinalOf(b));

  // The lowest-ordinal unhealthy pod (only it may be deleted while others are unhealthy).
  let firstUnhealthy: Pod | undefined;
  for (const pod of [...(replicas as Pod[]), ...condemned]) {
    if (!isHealthy(pod) && (!firstUnhealthy || ordinalOf(pod) < ordinalOf(firstUnhealthy))) firstUnhealthy = pod;
  }
  if (set.metadata.deletionTimestamp) return plan;
  const monotonic = !allowsBurst(set);

  for (let i = 0; i < replicaCount; i++) {
    const pod = replicas[i]!;
    // Finished pods (failed, or evicted with exit 0) are deleted; the next pass makes them again.
    if (!planned.has(pod) && (isFailed(pod) || isSucceeded(pod))) {
      if (!isTerminating(pod)) plan.actions.push({ type: 'delete', pod, reason: 'failed' });
      if (monotonic) return { ...plan, waitingFor: `${pod.metadata.name} to be replaced` };
      continue;
    }
    if (planned.has(pod)) {
      plan.actions.push({ type: 'create', pod, ordinal: start + i });
      status.replicas!++;
      count(pod, 1);
      if (monotonic) return { ...plan, waitingFor: `${pod.metadata.name} to be created` };
      continue;
    }
    if (isTerminating(pod) && monotonic) return { ...plan, waitingFor: `${pod.metadata.name} to terminate` };
    if (!isRunningAndAvailable(pod, minReady, now) && monotonic) return { ...plan, waitingFor: `${pod.metadata.name} to be Running and Ready` };
    if (!identityMatches(set, pod) || !storageMatches(set, pod)) plan.actions.push({ type: 'fixIdentity', pod, ordinal: start + i });
  }

  // Scale down from the highest ordinal, once every remaining replica is Running and Ready.
  for (let t = condemned.length - 1; t >= 0; t--) {
    const pod = condemned[t];
    if (isTerminating(pod)) {
      if (monotonic) return { ...plan, waitingFor: `${pod.metadata.name} to terminate before scale down` };
      continue;
    }
    if (!isRunningAndReady(pod) && monotonic && pod !== firstUnhealthy) {
      return { ...plan, waitingFor: `${firstUnhealthy?.metadata.name} to be Running and Ready before scale down` };
    }
    plan.actions.push({ type: 'delete', pod, reason: 'scaleDown' });
    count(pod, -1);
    if (monotonic) return plan;
  }

  if (set.spec.updateStrategy?.type === 'OnDelete') return plan;
  const partition = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  // Roll from the highest ordinal down to the partition, one pod at a time.
  for (let t = replicaCount - 1; t >= Math.max(0, partition - start); t--) {
    const pod = replicas[t]!;
    if (podRevision(pod) !== updateRevision && !isTerminating(pod)) {
      plan.actions.push({ type: 'delete', pod, reason: 'update' });
      status.currentReplicas!--;
      return plan;
    }
    if (!isHealthy(pod)) return { ...plan, waitingFor: `${pod.metadata.name} to update` };
  }
  return plan;
}

/** Upstream completeRollingUpdate: once every pod runs the update revision, it becomes current. */
export function completeRollingUpdate(set: StatefulSet, status: StatefulSetStatus): void {
  const type = set.spec.updateStrategy?.type ?? 'RollingUpdate';
  if (type === 'RollingUpdate' && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
}

const STATUS_FIELDS = ['observedGeneration', 'replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'currentRevision', 'updateRevision', 'collisionCount'] as const;

/** Whether the computed status differs from the stored one (upstream inconsistentStatus). */
export function statusChanged(set: StatefulSet, status: StatefulSetStatus): boolean {
  const cur = set.status ?? {};
  return STATUS_FIELDS.some((f) => (cur[f] ?? 0) !== (status[f] ?? 0));
}
