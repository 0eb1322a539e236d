// The RollingUpdate strategy (upstream rolling.go): each sync first scales the new ReplicaSet up
// as far as maxSurge allows, else scales old ones down as far as maxUnavailable allows — unhealthy
// old replicas first, since removing them costs no availability.
import type { ReplicaSet } from '../replicaset/types.js';
import type { Rollout } from './sync.js';
import { byCreation, deploymentComplete, filterActive, maxUnavailable, newRSNewReplicas, replicasOf, totalReplicas, totalStatus } from './util.js';

export async function rolloutRolling(r: Rollout): Promise<void> {
  const { newRS: created, oldRSs } = await r.getAllReplicaSetsAndSyncRevision(true);
  const newRS = created!;
  if (await reconcileNewReplicaSet(r, r.all(newRS, oldRSs), r.latest(newRS))) {
    return r.syncRolloutStatus(r.all(newRS, oldRSs), r.latest(newRS));
  }
  if (await reconcileOldReplicaSets(r, r.all(newRS, oldRSs), filterActive(r.current(oldRSs)), r.latest(newRS))) {
    return r.syncRolloutStatus(r.all(newRS, oldRSs), r.latest(newRS));
  }
  if (deploymentComplete(r.d, r.d.status)) await r.cleanupDeployment(oldRSs);
  return r.syncRolloutStatus(r.all(newRS, oldRSs), r.latest(newRS));
}

/** Scales the new ReplicaSet toward spec.replicas within maxSurge; whether it changed size. */
export async function reconcileNewReplicaSet(r: Rollout, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet): Promise<boolean> {
  const desired = replicasOf(r.d);
  if (replicasOf(newRS) === desired) return false;
  if (replicasOf(newRS) > desired) return (await r.scaleReplicaSetAndRecordEvent(newRS, desired)).scaled;
  const sets = allRSs.filter((rs): rs is ReplicaSet => !!rs);
  return (await r.scaleReplicaSetAndRecordEvent(newRS, newRSNewReplicas(r.d, sets, newRS))).scaled;
}

/**
 * Scales old ReplicaSets down while keeping spec.replicas - maxUnavailable available. The new
 * set's unavailable pods count against the budget, so a broken new template cannot drain the old
 * ones (upstream reconcileOldReplicaSets). Whether anything was scaled down.
 */
export async function reconcileOldReplicaSets(r: Rollout, allRSs: (ReplicaSet | undefined)[], oldRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  if (totalReplicas(oldRSs) === 0) return false;
  const minAvailable = replicasOf(r.d) - maxUnavailable(r.d);
  const newRSUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = totalReplicas(allRSs) - minAvailable - newRSUnavailable;
  if (maxScaledDown <= 0) return false;
  // As upstream, a failed scale-down is not an error of this sync: the next one tries again.
  try {
    const cleaned = await cleanupUnhealthyReplicas(r, oldRSs, maxScaledDown);
    const scaledDown = await scaleDownOldReplicaSetsForRollingUpdate(r, [...cleaned.oldRSs, newRS], cleaned.oldRSs);
    return cleaned.count + scaledDown > 0;
  } catch {
    return false;
  }
}

/**
 * Scales old sets down by their unavailable replicas, oldest first, up to `maxCleanup`: the
 * ReplicaSet controller deletes not-ready pods first, so this costs no availability.
 */
export async function cleanupUnhealthyReplicas(r: Rollout, oldRSs: ReplicaSet[], maxCleanup: number): Promise<{ oldRSs: ReplicaSet[]; count: number }> {
  const sets = [...oldRSs].sort(byCreation);
  let total = 0;
  for (const [i, rs] of sets.entries()) {
    if (total >= maxCleanup) break;
    const replicas = replicasOf(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const count = Math.min(maxCleanup - total, replicas - available);
    const newScale = replicas - count;
    // A status that lags a scale-down (more available than wanted) would make this a scale-up.
    if (newScale > replicas) throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata.namespace}/${rs.metadata.name} ${replicas} -> ${newScale}`);
    sets[i] = (await r.scaleReplicaSetAndRecordEvent(rs, newScale)).rs;
    total += count;
  }
  return { oldRSs: sets, count: total };
}

/** Scales old sets down, oldest first, by what availability above the minimum allows. */
export async function scaleDownOldReplicaSetsForRollingUpdate(r: Rollout, allRSs: ReplicaSet[], oldRSs: ReplicaSet[]): Promise<number> {
  const minAvailable = replicasOf(r.d) - maxUnavailable(r.d);
  const available = totalStatus(allRSs, 'availableReplicas');
  if (available <= minAvailable) return 0;
  const budget = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= budget) break;
    const replicas = replicasOf(rs);
    if (replicas === 0) continue;
    const count = Math.min(replicas, budget - total);
    await r.scaleReplicaSetAndRecordEvent(rs, replicas - count);
    total += count;
  }
  return total;
}
