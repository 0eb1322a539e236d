// The garbage collector's dependency graph (upstream graph.go, graph_builder.go): every observed
// object by uid, with its owner references, and for every owner uid the uids that reference it
// (kept even while the owner itself is not, or no longer, observed). Feeding it informer events
// returns the work those changes call for.
import type { KubeObject, OwnerReference } from '../../api/types.js';
import type { ResourceRef } from '../../client/types.js';
import { isDeletingDependents, isOrphaning } from './decide.js';

export interface GraphNode {
  uid: string;
  ref: ResourceRef;
  namespace?: string;
  name: string;
  owners: OwnerReference[];
  deletionTimestamp?: string;
  finalizers: string[];
}

/** attemptToDelete ("delete") or attemptToOrphan ("orphan") an object by uid. */
export interface Work {
  kind: 'delete' | 'orphan';
  uid: string;
}

function nodeOf(obj: KubeObject, ref: ResourceRef): GraphNode {
  const m = obj.metadata;
  return {
    uid: m.uid!,
    ref,
    namespace: m.namespace,
    name: m.name!,
    owners: (m.ownerReferences ?? []).map((r) => ({ ...r })),
    deletionTimestamp: m.deletionTimestamp,
    finalizers: [...(m.finalizers ?? [])],
  };
}

function refsByUid(refs: OwnerReference[]): Map<string, OwnerReference> {
  return new Map(refs.map((r) => [r.uid, r]));
}

export class DependencyGraph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependents = new Map<string, Set<string>>();
  /**
   * While the first lists come in, an owner not seen yet is normal (its kind may simply be
   * listed later); objects whose owners are still missing are checked once all are in.
   */
  private verifying = false;

  get size(): number {
    return this.nodes.size;
  }

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  dependentsOf(uid: string): GraphNode[] {
    return [...(this.dependents.get(uid) ?? [])].map((d) => this.nodes.get(d)).filter((n): n is GraphNode => n !== undefined);
  }

  /** Dependents whose reference to `uid` has blockOwnerDeletion: a Foreground delete waits for them. */
  blockingDependentsOf(uid: string): GraphNode[] {
    return this.dependentsOf(uid).filter((d) => d.owners.some((r) => r.uid === uid && r.blockOwnerDeletion));
  }

  /** Turns on owner verification and returns the objects whose owners were never observed. */
  startVerifying(): Work[] {
    this.verifying = true;
    const work: Work[] = [];
    for (const n of this.nodes.values()) {
      if (n.owners.some((o) => !this.nodes.has(o.uid))) work.push({ kind: 'delete', uid: n.uid });
    }
    return work;
  }

  private link(owner: string, dependent: string): void {
    let set = this.dependents.get(owner);
    if (!set) this.dependents.set(owner, (set = new Set()));
    set.add(dependent);
  }

  private unlink(owner: string, dependent: string): void {
    const set = this.dependents.get(owner);
    if (!set) return;
    set.delete(dependent);
    if (set.size === 0) this.dependents.delete(owner);
  }

  /** An owner in Foreground deletion rechecks whether its blocking dependents are gone. */
  private wakeWaitingOwner(ownerUid: string, work: Work[]): void {
    const owner = this.nodes.get(ownerUid);
    if (owner && isDeletingDependents(owner)) work.push({ kind: 'delete', uid: ownerUid });
  }

  /** An object was added or changed. */
  upsert(obj: KubeObject, ref: ResourceRef): Work[] {
    if (!obj.metadata.uid || !obj.metadata.name) return [];
    const next = nodeOf(obj, ref);
    const old = this.nodes.get(next.uid);
    const work: Work[] = [];
    const oldRefs = refsByUid(old?.owners ?? []);
    const newRefs = refsByUid(next.owners);
    let needsVerify = false;
    for (const [uid, r] of oldRefs) {
      const now = newRefs.get(uid);
      if (!now) {
        this.unlink(uid, next.uid);
        if (r.blockOwnerDeletion) this.wakeWaitingOwner(uid, work);
      } else if (r.blockOwnerDeletion && !now.blockOwnerDeletion) {
        this.wakeWaitingOwner(uid, work);
      }
    }
    for (const uid of newRefs.keys()) {
      if (oldRefs.has(uid)) continue;
      this.link(uid, next.uid);
      if (!this.nodes.has(uid)) needsVerify = true;
    }
    this.nodes.set(next.uid, next);
    if (needsVerify && this.verifying) work.push({ kind: 'delete', uid: next.uid });
    // Transitions into Foreground or Orphan deletion.
    if (isDeletingDependents(next) && !(old && isDeletingDependents(old))) {
      work.push({ kind: 'delete', uid: next.uid });
      for (const d of this.dependents.get(next.uid) ?? []) work.push({ kind: 'delete', uid: d });
    }
    if (isOrphaning(next) && !(old && isOrphaning(old))) work.push({ kind: 'orphan', uid: next.uid });
    return work;
  }

  /** An object is gone: its dependents may now be garbage, a waiting owner may be done. */
  remove(uid: string): Work[] {
    const node = this.nodes.get(uid);
    if (!node) return [];
    this.nodes.delete(uid);
    const work: Work[] = [];
    for (const r of node.owners) {
      this.unlink(r.uid, uid);
      this.wakeWaitingOwner(r.uid, work);
    }
    for (const d of this.dependents.get(uid) ?? []) work.push({ kind: 'delete', uid: d });
    return work;
  }
}
