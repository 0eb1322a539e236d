// The Recreate strategy (upstream recreate.go): every old ReplicaSet goes to zero, then — once no
// old pod is left at all, terminating ones included — the new ReplicaSet is created at full size.
// The new set is not even created before that, so old and new pods never run side by side.
import type { ReplicaSet } from '../replicaset/types.js';
import type { PodMap, Rollout } from './sync.js';
import { deploymentComplete, filterActive, replicasOf, totalStatus } from './util.js';

export async function rolloutRecreate(r: Rollout): Promise<void> {
  let { newRS, oldRSs } = await r.getAllReplicaSetsAndSyncRevision(false);
  if (await scaleDownOldReplicaSetsForRecreate(r, filterActive(oldRSs))) {
    return r.syncRolloutStatus(r.all(newRS, oldRSs), r.latest(newRS));
  }
  if (oldPodsRunning(r.latest(newRS), r.current(oldRSs), r.podMap)) {
    return r.syncRolloutStatus(r.all(newRS, oldRSs), r.latest(newRS));
  }
  if (!newRS) ({ newRS, oldRSs } = await r.getAllReplicaSetsAndSyncRevision(true));
  await r.scaleReplicaSetAndRecordEvent(r.latest(newRS!), replicasOf(r.d));
  if (deploymentComplete(r.d, r.d.status)) await r.cleanupDeployment(oldRSs);
  return r.syncRolloutStatus(r.all(newRS, oldRSs), r.latest(newRS));
}

/** Scales every active old set to zero; whether any was scaled. */
async function scaleDownOldReplicaSetsForRecreate(r: Rollout, oldRSs: ReplicaSet[]): Promise<boolean> {
  let scaled = false;
  for (const rs of oldRSs) {
    if (replicasOf(rs) === 0) continue;
    if ((await r.scaleReplicaSetAndRecordEvent(rs, 0)).scaled) scaled = true;
  }
  return scaled;
}

/**
 * Whether any old pod may still run: old sets reporting replicas, or a pod of a set other than the
 * new one that is not Succeeded/Failed (Unknown counts: it may well be running).
 */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], podMap: PodMap): boolean {
  if (totalStatus(oldRSs, 'replicas') > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')) return true;
  }
  return false;
}
