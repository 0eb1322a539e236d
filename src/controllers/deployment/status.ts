// A Deployment's status (upstream calculateStatus and syncRolloutStatus): counts summed over its
// ReplicaSets, the Available condition from minimum availability, and — during a rollout — the
// Progressing condition that `kubectl rollout status` reads, with upstream's reasons and messages.
import { rfc3339 } from '../replicaset/types.js';
import type { ReplicaSet } from '../replicaset/types.js';
import {
  REASON,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  hasProgressDeadline,
  maxUnavailable,
  newCondition,
  removeCondition,
  replicasOf,
  setCondition,
  totalReplicas,
  totalStatus,
  type Deployment,
  type DeploymentCondition,
  type DeploymentStatus,
} from './util.js';

/** Counts and the Available condition; other conditions are carried over (upstream calculateStatus). */
export function calculateStatus(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, nowMs: number = Date.now()): DeploymentStatus {
  const available = totalStatus(allRSs, 'availableReplicas');
  const unavailable = Math.max(0, totalReplicas(allRSs) - available);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: totalStatus(allRSs, 'replicas'),
    updatedReplicas: totalStatus([newRS], 'replicas'),
    readyReplicas: totalStatus(allRSs, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: unavailable,
    collisionCount: d.status?.collisionCount,
    conditions: (d.status?.conditions ?? []).map((c) => ({ ...c })),
  };
  const now = rfc3339(nowMs);
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', REASON.minimumReplicasAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition('Available', 'False', REASON.minimumReplicasUnavailable, 'Deployment does not have minimum availability.', now));
  }
  return normalizeStatus(status);
}

/** ReplicaFailure conditions of the new ReplicaSet, else of any other (upstream getReplicaFailures). */
function replicaFailures(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): DeploymentCondition[] {
  const from = (rs: ReplicaSet | undefined) => (rs?.status?.conditions ?? [])
    .filter((c) => c.type === 'ReplicaFailure')
    .map((c) => ({ type: c.type, status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message }));
  const own = from(newRS);
  return own.length ? own : allRSs.flatMap(from);
}

/** The status after a rollout step, Progressing condition included (upstream syncRolloutStatus). */
export function rolloutStatus(d: Deployment, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, nowMs: number = Date.now()): DeploymentStatus {
  const status = calculateStatus(allRSs, newRS, d, nowMs);
  if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
  const current = getCondition(d.status, 'Progressing');
  const complete = status.replicas === status.updatedReplicas && current?.reason === REASON.newRSAvailable;
  const now = rfc3339(nowMs);
  const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
  if (hasProgressDeadline(d) && !complete) {
    if (deploymentComplete(d, status)) {
      setCondition(status, newCondition('Progressing', 'True', REASON.newRSAvailable, `${subject} has successfully progressed.`, now));
    } else if (deploymentProgressing(d, status)) {
      // Progress refreshes lastUpdateTime even when the reason stays, which setCondition alone would not.
      const cond = newCondition('Progressing', 'True', REASON.replicaSetUpdated, `${subject} is progressing.`, now);
      if (current) {
        if (current.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, 'Progressing');
      }
      setCondition(status, cond);
    } else if (deploymentTimedOut(d, status, nowMs)) {
      setCondition(status, newCondition('Progressing', 'False', REASON.timedOut, `${subject} has timed out progressing.`, now));
    }
  }
  const failures = replicaFailures(allRSs, newRS);
  if (failures.length) setCondition(status, failures[0]!);
  else removeCondition(status, 'ReplicaFailure');
  return normalizeStatus(status);
}

/** When to look again at a rollout that is not progressing, to notice its deadline (upstream requeueStuckDeployment). */
export function stuckRequeueAfterMs(d: Deployment, status: DeploymentStatus, nowMs: number = Date.now()): number | undefined {
  const cond = getCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !cond) return undefined;
  if (deploymentComplete(d, status) || cond.reason === REASON.timedOut) return undefined;
  const from = cond.lastUpdateTime ? Date.parse(cond.lastUpdateTime) : NaN;
  if (Number.isNaN(from)) return undefined;
  const after = from + (d.spec.progressDeadlineSeconds ?? 0) * 1000 - nowMs;
  // Upstream requeues (rate-limited) under a second; a one-second floor keeps it from spinning.
  return after < 1000 ? 1000 : after + 1000;
}

/** The status as the API serialises it: zero counts omitted (all omitempty), no empty conditions. */
export function normalizeStatus(status: DeploymentStatus): DeploymentStatus {
  const out: DeploymentStatus = { ...status };
  for (const key of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) {
    if (!out[key]) delete out[key];
  }
  if (out.collisionCount === undefined || out.collisionCount === null) delete out.collisionCount;
  if (!out.conditions?.length) delete out.conditions;
  return out;
}

/** Upstream compares the whole status (reflect.DeepEqual): so do we, in canonical form. */
export function statusEqual(a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean {
  const canon = (s: DeploymentStatus | undefined) => {
    const n = normalizeStatus(s ?? {});
    const { conditions, ...rest } = n;
    const sorted = Object.fromEntries(Object.entries(rest).sort(([x], [y]) => (x < y ? -1 : 1)));
    return JSON.stringify([sorted, (conditions ?? []).map((c) => [c.type, c.status, c.reason ?? '', c.message ?? '', c.lastUpdateTime ?? '', c.lastTransitionTime ?? ''])]);
  };
  return canon(a) === canon(b);
}
