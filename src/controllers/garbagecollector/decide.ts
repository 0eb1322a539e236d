// The garbage collector's decisions (upstream pkg/controller/garbagecollector garbagecollector.go
// attemptToDeleteItem, classifyReferences, processDeletingDependentsItem). Pure: given an object
// and what became of its owners, say what to do and build the patches that do it.
import type { KubeObject, OwnerReference } from '../../api/types.js';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

type MetaLike = { metadata: { deletionTimestamp?: string; finalizers?: string[] } } | { deletionTimestamp?: string; finalizers?: string[] };

function metaOf(obj: MetaLike): { deletionTimestamp?: string; finalizers?: string[] } {
  return 'metadata' in obj ? obj.metadata : obj;
}

/** Being deleted in Foreground: it waits for its blocking dependents to go first. */
export function isDeletingDependents(obj: MetaLike): boolean {
  const m = metaOf(obj);
  return Boolean(m.deletionTimestamp) && (m.finalizers ?? []).includes(FOREGROUND_FINALIZER);
}

/** Being deleted with Orphan propagation: its dependents lose their reference to it first. */
export function isOrphaning(obj: MetaLike): boolean {
  const m = metaOf(obj);
  return Boolean(m.deletionTimestamp) && (m.finalizers ?? []).includes(ORPHAN_FINALIZER);
}

/**
 * solid: the owner exists (same uid); dangling: it does not (absent, or a new object with the
 * same name); waiting: it exists and is deleting its dependents in Foreground.
 */
export type OwnerState = 'solid' | 'dangling' | 'waiting';

export interface ClassifiedOwner {
  ref: OwnerReference;
  state: OwnerState;
}

/** What the live owner (undefined when not found) means for a reference to it. */
export function ownerStateOf(owner: KubeObject | undefined, ref: OwnerReference): OwnerState {
  if (!owner || owner.metadata.uid !== ref.uid) return 'dangling';
  return isDeletingDependents(owner) ? 'waiting' : 'solid';
}

export type Decision =
  | { action: 'none' }
  /** Drop references to owners that are gone or waiting: a solid owner keeps the object. */
  | { action: 'removeOwnerRefs'; uids: string[] }
  /** Delete the object; `unblockFirst` clears blockOwnerDeletion on its references to avoid a cycle. */
  | { action: 'delete'; policy: 'Background' | 'Foreground' | 'Orphan'; unblockFirst?: boolean };

export interface DependentsInfo {
  /** The object owns something in the graph. */
  hasDependents: boolean;
  /** One of its dependents is itself deleting its dependents in Foreground. */
  dependentDeletingDependents: boolean;
}

/** attemptToDeleteItem's switch, for an object that has owner references. */
export function decide(item: KubeObject, owners: ClassifiedOwner[], deps: DependentsInfo): Decision {
  if (owners.length === 0) return { action: 'none' };
  const solid = owners.filter((o) => o.state === 'solid');
  const dangling = owners.filter((o) => o.state === 'dangling');
  const waiting = owners.filter((o) => o.state === 'waiting');
  if (solid.length > 0) {
    if (dangling.length === 0 && waiting.length === 0) return { action: 'none' };
    return { action: 'removeOwnerRefs', uids: [...dangling, ...waiting].map((o) => o.ref.uid) };
  }
  if (waiting.length > 0 && deps.hasDependents) {
    // An owner waits for us in Foreground and we have dependents: go in Foreground too, so that
    // the owner sees us only after ours are gone.
    return { action: 'delete', policy: 'Foreground', unblockFirst: deps.dependentDeletingDependents };
  }
  // No owner left to keep it: honour a propagation already asked for, else Background.
  const finalizers = item.metadata.finalizers ?? [];
  if (finalizers.includes(ORPHAN_FINALIZER)) return { action: 'delete', policy: 'Orphan' };
  if (finalizers.includes(FOREGROUND_FINALIZER)) return { action: 'delete', policy: 'Foreground' };
  return { action: 'delete', policy: 'Background' };
}

/** A merge patch keeping the other references; the resourceVersion makes it a precondition. */
export function removeOwnerRefsPatch(item: KubeObject, uids: string[]): Record<string, unknown> {
  const drop = new Set(uids);
  const kept = (item.metadata.ownerReferences ?? []).filter((r) => !drop.has(r.uid));
  return { metadata: { ownerReferences: kept.length ? kept : null, resourceVersion: item.metadata.resourceVersion } };
}

/** Whether the object still references any of these owner uids. */
export function referencesAny(item: KubeObject, uids: string[]): boolean {
  return (item.metadata.ownerReferences ?? []).some((r) => uids.includes(r.uid));
}

/** Every reference with blockOwnerDeletion set to false (unblockOwnerReferences). */
export function unblockOwnerRefsPatch(item: KubeObject): Record<string, unknown> | undefined {
  const refs = item.metadata.ownerReferences ?? [];
  if (!refs.some((r) => r.blockOwnerDeletion)) return undefined;
  return { metadata: { ownerReferences: refs.map((r) => ({ ...r, blockOwnerDeletion: false })), resourceVersion: item.metadata.resourceVersion } };
}

export function removeFinalizerPatch(item: KubeObject, finalizer: string): Record<string, unknown> | undefined {
  const finalizers = item.metadata.finalizers ?? [];
  if (!finalizers.includes(finalizer)) return undefined;
  const kept = finalizers.filter((f) => f !== finalizer);
  return { metadata: { finalizers: kept.length ? kept : null, resourceVersion: item.metadata.resourceVersion } };
}
