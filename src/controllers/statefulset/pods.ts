// StatefulSet pod identity (upstream stateful_set_utils.go): pod `<set>-<ordinal>` with hostname
// equal to its name and subdomain the governing Service, the pod-name / pod-index labels, the
// revision label, and one PVC per volumeClaimTemplate named `<claim>-<set>-<ordinal>`.
import { deepCopy } from '../../api/types.js';
import { podFromTemplate } from '../podutil.js';
import type { ClaimTemplate, PersistentVolumeClaim, Pod, StatefulSet, Volume } from './types.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

/** Splits "web-3" into parent "web" and ordinal 3; ordinal -1 when the name has no ordinal. */
export function parentAndOrdinal(pod: Pod): { parent: string; ordinal: number } {
  const m = /^(.*)-([0-9]+)$/.exec(pod.metadata.name ?? '');
  if (!m) return { parent: '', ordinal: -1 };
  const ordinal = Number.parseInt(m[2], 10);
  return { parent: m[1], ordinal: Number.isSafeInteger(ordinal) ? ordinal : -1 };
}

export function ordinalOf(pod: Pod): number {
  return parentAndOrdinal(pod).ordinal;
}

export function isMemberOf(set: StatefulSet, pod: Pod): boolean {
  return parentAndOrdinal(pod).parent === set.metadata.name;
}

export function startOrdinal(set: StatefulSet): number {
  return set.spec.ordinals?.start ?? 0;
}

export function claimName(claim: ClaimTemplate, set: StatefulSet, ordinal: number): string {
  return `${claim.metadata.name}-${set.metadata.name}-${ordinal}`;
}

/** The PVCs a pod needs (upstream getPersistentVolumeClaims), labelled with the set's selector. */
export function claimsFor(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  const selectorLabels = set.spec.selector?.matchLabels ?? {};
  const deleteWithSet = set.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
  return (set.spec.volumeClaimTemplates ?? []).map((tpl) => {
    const claim = deepCopy(tpl) as PersistentVolumeClaim;
    claim.apiVersion = 'v1';
    claim.kind = 'PersistentVolumeClaim';
    const meta = { ...claim.metadata };
    delete meta.creationTimestamp;
    meta.name = claimName(tpl, set, ordinal);
    meta.namespace = set.metadata.namespace;
    meta.labels = { ...(meta.labels ?? {}), ...selectorLabels };
    // whenDeleted: Delete makes the set own its claims so the garbage collector takes them along.
    if (deleteWithSet) {
      meta.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata.name!, uid: set.metadata.uid! }];
    }
    claim.metadata = meta;
    delete (claim as { status?: unknown }).status;
    return claim;
  });
}

/** Points the pod's claim volumes at its own PVCs (upstream updateStorage). */
export function setStorage(set: StatefulSet, pod: Pod, ordinal: number): void {
  const templates = set.spec.volumeClaimTemplates ?? [];
  if (templates.length === 0) return;
  const spec = (pod.spec ??= {});
  const claimVolumes: Volume[] = templates.map((t) => ({ name: t.metadata.name!, persistentVolumeClaim: { claimName: claimName(t, set, ordinal) } }));
  const names = new Set(claimVolumes.map((v) => v.name));
  spec.volumes = [...claimVolumes, ...(spec.volumes ?? []).filter((v) => !names.has(v.name))];
}

/** Name, labels, hostname and subdomain of the pod at `ordinal` (upstream initIdentity). */
export function setIdentity(set: StatefulSet, pod: Pod, ordinal: number): void {
  const name = podName(set, ordinal);
  pod.metadata.name = name;
  delete pod.metadata.generateName;
  pod.metadata.namespace = set.metadata.namespace;
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) };
  const spec = (pod.spec ??= {});
  spec.hostname = name;
  if (set.spec.serviceName) spec.subdomain = set.spec.serviceName;
}

/** A new pod for `ordinal` at the given revision (upstream newStatefulSetPod + setPodRevision). */
export function newStatefulSetPod(set: StatefulSet, ordinal: number, revision: string): Pod {
  const pod = podFromTemplate(set.spec.template, set, 'apps/v1', 'StatefulSet', set.metadata.namespace!, { name: podName(set, ordinal) }) as Pod;
  setIdentity(set, pod, ordinal);
  setStorage(set, pod, ordinal);
  pod.metadata.labels![REVISION_LABEL] = revision;
  return pod;
}

export function podRevision(pod: Pod): string {
  return pod.metadata.labels?.[REVISION_LABEL] ?? '';
}

/** Upstream identityMatches. */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod);
  return (
    ordinal >= 0 &&
    parent === set.metadata.name &&
    pod.metadata.name === podName(set, ordinal) &&
    pod.metadata.namespace === set.metadata.namespace &&
    pod.metadata.labels?.[POD_NAME_LABEL] === pod.metadata.name
  );
}

/** Upstream storageMatches: every claim template has its volume pointing at the pod's own claim. */
export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  return (set.spec.volumeClaimTemplates ?? []).every((t) => volumes.get(t.metadata.name!)?.persistentVolumeClaim?.claimName === claimName(t, set, ordinal));
}
