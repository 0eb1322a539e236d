// DaemonSet history (upstream update.go constructHistory / snapshot / cleanupHistory): every distinct
// pod template is kept as a ControllerRevision named "<ds>-<hash>", labelled with that hash; the
// current one's hash labels the pods (controller-revision-hash), which is how rolling updates
// and `kubectl rollout history|undo daemonset` tell old pods from new.
import { deepCopy } from '../../api/types.js';
import { computeHash, newControllerRef, stableStringify } from '../podutil.js';
import { HASH_LABEL } from './plan.js';
import type { ControllerRevision, DaemonSet } from './types.js';

/** What a revision stores: a strategic merge patch that puts the template back (upstream getPatch). */
export function revisionData(ds: DaemonSet): unknown {
  return { spec: { template: { ...deepCopy(ds.spec.template), $patch: 'replace' } } };
}

/** Whether a revision holds exactly this DaemonSet's template (upstream Match). */
export function matchesRevision(ds: DaemonSet, rev: ControllerRevision): boolean {
  return stableStringify(rev.data) === stableStringify(revisionData(ds));
}

/** The template hash upstream puts in revision names and pod labels (ComputeHash with collisions). */
export function templateHash(ds: DaemonSet): string {
  return computeHash(ds.spec.template, ds.status?.collisionCount);
}

/** A new revision object for the DaemonSet's current template. */
export function newRevision(ds: DaemonSet, revision: number): ControllerRevision {
  const hash = templateHash(ds);
  const metadata: ControllerRevision['metadata'] = {
    name: `${ds.metadata.name}-${hash}`,
    namespace: ds.metadata.namespace,
    labels: { ...(ds.spec.template.metadata?.labels ?? {}), [HASH_LABEL]: hash },
    ownerReferences: [newControllerRef(ds, 'apps/v1', 'DaemonSet')],
  };
  if (ds.metadata.annotations) metadata.annotations = { ...ds.metadata.annotations };
  return { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata, data: revisionData(ds), revision };
}

export function maxRevision(revisions: ControllerRevision[]): number {
  return revisions.reduce((m, r) => Math.max(m, r.revision ?? 0), 0);
}

/** Old revisions beyond revisionHistoryLimit whose hash no pod carries, oldest first. */
export function revisionsToDelete(old: ControllerRevision[], limit: number, liveHashes: ReadonlySet<string>): ControllerRevision[] {
  let toKill = old.length - limit;
  if (toKill <= 0) return [];
  const out: ControllerRevision[] = [];
  for (const rev of [...old].sort((a, b) => a.revision - b.revision)) {
    if (toKill <= 0) break;
    if (liveHashes.has(rev.metadata.labels?.[HASH_LABEL] ?? '')) continue;
    out.push(rev);
    toKill--;
  }
  return out;
}
