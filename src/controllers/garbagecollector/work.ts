// Small pieces of the garbage collector: its work-queue keys, which resources it watches, and
// the bounded set behind its absent-owner cache.
import { supports, type DiscoveredResource } from '../namespace/discovery.js';
import type { Work } from './graph.js';

/** Events are never owners worth collecting for and are the bulk of objects (upstream ignores them too). */
export function gcWatches(r: DiscoveredResource): boolean {
  if (r.resource === 'events' && (r.group === '' || r.group === 'events.k8s.io')) return false;
  return supports(r, 'list', 'watch', 'delete');
}

export function workKey(w: Work): string {
  return `${w.kind}:${w.uid}`;
}

export function parseWorkKey(key: string): Work | undefined {
  const i = key.indexOf(':');
  const kind = key.slice(0, i);
  if (kind !== 'delete' && kind !== 'orphan') return undefined;
  return { kind, uid: key.slice(i + 1) };
}

/** A small insertion-ordered set that forgets its oldest entries. */
export class BoundedSet {
  private readonly items = new Set<string>();
  constructor(private readonly max: number) {}
  add(v: string): void {
    this.items.delete(v);
    this.items.add(v);
    if (this.items.size > this.max) this.items.delete(this.items.values().next().value!);
  }
  has(v: string): boolean {
    return this.items.has(v);
  }
}

