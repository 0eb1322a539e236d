// The scheduler cache: every node with the pods counted on it, fed by the informers and by
// assumptions. A pod is assumed on its node the moment it is chosen, so the next decision already
// sees it; the informer's update with spec.nodeName confirms it, a failed binding forgets it.
import type { KubeObject } from '../api/types.js';
import { addPodToNode, newNodeInfo, removePodFromNode, setNode } from './nodeinfo.js';
import type { NodeInfo, PodInfo } from './types.js';

interface Placement {
  node: string;
  uid: string;
  assumed: boolean;
}

export class SchedulerCache {
  /** Includes "ghost" entries for pods bound to nodes we have not seen (or that were deleted). */
  private readonly infos = new Map<string, NodeInfo>();
  private readonly placements = new Map<string, Placement>();
  private list: NodeInfo[] | undefined;
  private readonly byNameView = new Map<string, NodeInfo>();

  /** Nodes that exist, in a stable order (the round-robin scan relies on it). */
  nodes(): NodeInfo[] {
    if (!this.list) {
      this.list = [...this.infos.values()].filter((n) => n.node).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      this.byNameView.clear();
      for (const n of this.list) this.byNameView.set(n.name, n);
    }
    return this.list;
  }

  byName(): Map<string, NodeInfo> {
    this.nodes();
    return this.byNameView;
  }

  node(name: string): NodeInfo | undefined {
    return this.infos.get(name);
  }

  private infoFor(name: string): NodeInfo {
    let info = this.infos.get(name);
    if (!info) this.infos.set(name, (info = newNodeInfo(name)));
    return info;
  }

  setNode(node: KubeObject): void {
    const name = node.metadata.name ?? '';
    const info = this.infoFor(name);
    const wasReal = !!info.node;
    setNode(info, node);
    if (!wasReal) this.list = undefined;
  }

  removeNode(name: string): void {
    const info = this.infos.get(name);
    if (!info) return;
    info.node = undefined;
    if (info.pods.size === 0) this.infos.delete(name);
    this.list = undefined;
  }

  /** A pod seen bound to `nodeName` (confirms an assumption, or moves a stale one). */
  addPod(p: PodInfo, nodeName: string): void {
    const prev = this.placements.get(p.key);
    if (prev && prev.node !== nodeName) this.detach(p.key, prev.node);
    addPodToNode(this.infoFor(nodeName), p);
    this.placements.set(p.key, { node: nodeName, uid: p.uid, assumed: false });
  }

  /** Counts a pod on the node chosen for it before the binding is confirmed. */
  assume(p: PodInfo, nodeName: string): void {
    this.addPod(p, nodeName);
    this.placements.get(p.key)!.assumed = true;
  }

  isAssumed(key: string): boolean {
    return this.placements.get(key)?.assumed ?? false;
  }

  /** Counted on a node (bound or assumed)? */
  has(key: string): boolean {
    return this.placements.has(key);
  }

  placement(key: string): Placement | undefined {
    return this.placements.get(key);
  }

  /** Drops an assumption whose binding failed; confirmed pods stay. */
  forget(key: string): void {
    const p = this.placements.get(key);
    if (p?.assumed) this.removePod(key);
  }

  /** Removes a pod (deleted or finished); true when it was counted somewhere. */
  removePod(key: string): boolean {
    const p = this.placements.get(key);
    if (!p) return false;
    this.detach(key, p.node);
    this.placements.delete(key);
    return true;
  }

  private detach(key: string, nodeName: string): void {
    const info = this.infos.get(nodeName);
    if (!info) return;
    removePodFromNode(info, key);
    if (!info.node && info.pods.size === 0) this.infos.delete(nodeName);
  }

  podCount(): number {
    return this.placements.size;
  }
}
