// Rollback through the deprecated `deprecated.deployment.rollback.to` annotation (upstream
// rollback.go, the extensions/v1beta1 rollback subresource's leftover): the template of the asked
// revision is copied into the Deployment and the annotation dropped; the next sync rolls out.
// kubectl rollout undo does not come this way — it patches the template itself — and ends up in
// the same place: the old ReplicaSet found again as the new one, with the next revision.
import { deepCopy } from '../../api/types.js';
import type { ReplicaSet } from '../replicaset/types.js';
import type { Rollout } from './sync.js';
import {
  DEPRECATED_ROLLBACK_TO,
  DESIRED_REPLICAS_ANNOTATION,
  LAST_APPLIED_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  equalIgnoreHash,
  revisionOf,
  type Deployment,
} from './util.js';

export const ROLLBACK_REASON = {
  revisionNotFound: 'DeploymentRollbackRevisionNotFound',
  templateUnchanged: 'DeploymentRollbackTemplateUnchanged',
  done: 'DeploymentRollback',
} as const;

/** Bookkeeping of the Deployment itself, never copied from a ReplicaSet (change-cause is copied). */
const OWN_ANNOTATIONS = new Set([
  LAST_APPLIED_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  DEPRECATED_ROLLBACK_TO,
]);

/** The revision asked for, or undefined when there is none or it is not a number (ignored, as upstream). */
export function getRollbackTo(d: Deployment): number | undefined {
  const v = d.metadata.annotations?.[DEPRECATED_ROLLBACK_TO];
  if (!v || !/^-?\d+$/.test(v)) return undefined;
  return Number(v);
}

/** The second highest revision: "the previous one" (upstream LastRevision). */
export function lastRevision(sets: ReplicaSet[]): number {
  let max = 0;
  let second = 0;
  for (const rs of sets) {
    const v = revisionOf(rs);
    if (Number.isNaN(v)) continue;
    if (v >= max) {
      second = max;
      max = v;
    } else if (v > second) {
      second = v;
    }
  }
  return second;
}

export async function rollback(r: Rollout): Promise<void> {
  const { newRS, oldRSs } = await r.getAllReplicaSetsAndSyncRevision(true);
  const sets = r.all(newRS, oldRSs).filter((rs): rs is ReplicaSet => !!rs);
  let revision = getRollbackTo(r.d)!;
  if (revision === 0) {
    revision = lastRevision(sets);
    if (revision === 0) return giveUp(r, 'Unable to find last revision.');
  }
  const target = sets.find((rs) => revisionOf(rs) === revision);
  if (!target) return giveUp(r, 'Unable to find the revision to rollback to.');
  // The revision number moves on in the next sync, which finds `target` as the new ReplicaSet.
  if (equalIgnoreHash(r.d.spec.template, target.spec.template)) {
    r.event('Warning', ROLLBACK_REASON.templateUnchanged, `The rollback revision contains the same template as current deployment "${r.d.metadata.name}"`);
    return clearRollbackTo(r);
  }
  setFromReplicaSetTemplate(r.d, target);
  setDeploymentAnnotationsTo(r.d, target);
  await clearRollbackTo(r);
  r.event('Normal', ROLLBACK_REASON.done, `Rolled back deployment "${r.d.metadata.name}" to revision ${revision}`);
}

async function giveUp(r: Rollout, message: string): Promise<void> {
  r.event('Warning', ROLLBACK_REASON.revisionNotFound, message);
  return clearRollbackTo(r);
}

async function clearRollbackTo(r: Rollout): Promise<void> {
  delete r.d.metadata.annotations?.[DEPRECATED_ROLLBACK_TO];
  await r.updateDeployment();
}

/** The ReplicaSet's template without its pod-template-hash label (upstream SetFromReplicaSetTemplate). */
function setFromReplicaSetTemplate(d: Deployment, rs: ReplicaSet): void {
  const template = deepCopy(rs.spec.template ?? {});
  if (template.metadata?.labels) delete template.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  d.spec.template = template;
}

/**
 * The Deployment's annotations become the ReplicaSet's, apart from its own bookkeeping, so the
 * current ones are not copied onto the old set when it becomes new again.
 */
function setDeploymentAnnotationsTo(d: Deployment, rs: ReplicaSet): void {
  const kept = Object.entries(d.metadata.annotations ?? {}).filter(([k]) => OWN_ANNOTATIONS.has(k));
  const copied = Object.entries(rs.metadata.annotations ?? {}).filter(([k]) => !OWN_ANNOTATIONS.has(k));
  d.metadata.annotations = Object.fromEntries([...kept, ...copied]);
}
