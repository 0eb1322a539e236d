// StatefulSet history (upstream controller/history and stateful_set_utils): each pod template is a
// ControllerRevision `<set>-<hash>` holding a patch that restores the template; pods are labelled
// with the revision's name (controller-revision-hash); status.currentRevision / updateRevision
// name the revisions below and above the rollout.
import { deepCopy } from '../../api/types.js';
import { computeHash, newControllerRef, stableStringify } from '../podutil.js';
import type { ControllerRevision, StatefulSet } from './types.js';

/** The label upstream's history package puts on revisions (ControllerRevisionHashLabel). */
export const REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';

export function revisionData(set: StatefulSet): unknown {
  return { spec: { template: { ...deepCopy(set.spec.template), $patch: 'replace' } } };
}

export function newRevision(set: StatefulSet, revision: number, collisionCount: number): ControllerRevision {
  const data = revisionData(set);
  const hash = computeHash(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${set.metadata.name}-${hash}`,
      namespace: set.metadata.namespace,
      labels: { ...(set.spec.template.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash },
      ownerReferences: [newControllerRef(set, 'apps/v1', 'StatefulSet')],
    },
    data,
    revision,
  };
}

/**
 * Upstream history.EqualRevision. Its hash labels never parse as numbers (they are safe-encoded),
 * so in practice only the data decides, which is what this does.
 */
export function equalRevision(a: ControllerRevision, b: ControllerRevision): boolean {
  return stableStringify(a.data) === stableStringify(b.data);
}

/** Oldest first: by revision number, then creation time, then name (upstream SortControllerRevisions). */
export function sortRevisions(revisions: ControllerRevision[]): ControllerRevision[] {
  return [...revisions].sort((a, b) => {
    if (a.revision !== b.revision) return a.revision - b.revision;
    const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
    const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
    if (ta !== tb) return ta - tb;
    return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
  });
}

export function nextRevisionNumber(sorted: ControllerRevision[]): number {
  return sorted.length === 0 ? 1 : sorted[sorted.length - 1].revision + 1;
}

/** The set with its template replaced by the revision's (upstream ApplyRevision). */
export function applyRevision(set: StatefulSet, rev: ControllerRevision): StatefulSet {
  const clone = deepCopy(set);
  const template = (rev.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template;
  if (template) {
    const { $patch: _ignored, ...rest } = deepCopy(template);
    clone.spec.template = rest as StatefulSet['spec']['template'];
  }
  return clone;
}

/** Revisions beyond revisionHistoryLimit that neither the status nor any pod uses, oldest first. */
export function revisionsToTruncate(sorted: ControllerRevision[], live: ReadonlySet<string>, limit: number): ControllerRevision[] {
  const history = sorted.filter((r) => !live.has(r.metadata.name ?? ''));
  return history.length <= limit ? [] : history.slice(0, history.length - limit);
}
