// ControllerRef bookkeeping (upstream ControllerRefManager.ClaimObject): a controller owns the
// objects whose controller reference points at it and that its selector still matches; it adopts
// orphans its selector matches and releases owned objects that no longer match. Used for pods by
// the ReplicaSet controller and for ReplicaSets by the Deployment controller.
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { controllerRefOf, labelSelectorMatches, type LabelSelector } from '../podutil.js';
import { selectorIsEmpty } from './types.js';

export interface ClaimPlan<T extends KubeObject> {
  /** Owned and matching, plus the orphans to adopt: what the controller manages after the claim. */
  claimed: T[];
  adopt: T[];
  release: T[];
}

/** Index of a shared informer: objects by their controller's uid, orphans under `orphan/<ns>`. */
export const CONTROLLER_UID_INDEX = 'skiff.workloads/controller-uid';

export function controllerUidIndexFn(obj: KubeObject): string[] {
  const ref = controllerRefOf(obj);
  return [ref ? ref.uid : orphanIndexValue(obj.metadata.namespace ?? '')];
}

export function orphanIndexValue(namespace: string): string {
  return `orphan/${namespace}`;
}

/**
 * Decides ownership of `candidates` (objects controlled by `owner` and orphans in its namespace).
 * Nothing is adopted or released while the owner is being deleted; objects being deleted are
 * never adopted.
 */
export function planClaim<T extends KubeObject>(owner: KubeObject, selector: LabelSelector | undefined, candidates: T[]): ClaimPlan<T> {
  const plan: ClaimPlan<T> = { claimed: [], adopt: [], release: [] };
  const ownerDeleting = !!owner.metadata.deletionTimestamp;
  const matches = (obj: T) => !selectorIsEmpty(selector) && labelSelectorMatches(selector, obj.metadata.labels);
  for (const obj of candidates) {
    const ref = controllerRefOf(obj);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (matches(obj)) plan.claimed.push(obj);
      else if (!ownerDeleting) plan.release.push(obj);
      continue;
    }
    if (ownerDeleting || !matches(obj) || obj.metadata.deletionTimestamp) continue;
    if (owner.metadata.namespace && owner.metadata.namespace !== obj.metadata.namespace) continue;
    plan.adopt.push(obj);
    plan.claimed.push(obj);
  }
  return plan;
}

/**
 * The merge patch that adds `ref` to an object's owner references. The whole list is sent with the
 * object's resourceVersion, so a concurrent change (another controller adopting) conflicts instead
 * of being overwritten.
 */
export function adoptPatch(obj: KubeObject, ref: OwnerReference): Record<string, unknown> {
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ref.uid);
  return { metadata: { ownerReferences: [...refs, ref], resourceVersion: obj.metadata.resourceVersion } };
}

/** The merge patch that removes the owner reference with `ownerUid`. */
export function releasePatch(obj: KubeObject, ownerUid: string): Record<string, unknown> {
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
  return { metadata: { ownerReferences: refs.length ? refs : null, resourceVersion: obj.metadata.resourceVersion } };
}
