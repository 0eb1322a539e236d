// The garbage collector (upstream pkg/controller/garbagecollector): watches every resource that
// can be listed, watched and deleted, keeps the owner/dependent graph, and
// - deletes objects whose owners are all gone (Background propagation),
// - for an owner deleted in Foreground (finalizer foregroundDeletion), deletes the dependents
//   that block it and then removes the finalizer,
// - for an owner deleted with Orphan (finalizer orphan), removes the dependents' references to
//   it and then removes the finalizer.
// Keys are "delete:<uid>" and "orphan:<uid>". Owners are checked with a live GET (as upstream's
// isDangling does): a stale cache must never make it delete something whose owner exists.
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { parseApiVersion } from '../../api/types.js';
import type { Informer, ResourceRef } from '../../client/types.js';
import { SharedInformer } from '../../client/informer.js';
import { Resources } from '../../client/resources.js';
import type { Controller, ControllerContext, ControllerFactory } from '../context.js';
import { QueueController } from '../runner.js';
import { isConflictError, isNotFoundError } from '../endpoints/apierrors.js';
import { CachedDiscovery, jsonGetterFor, staticResources, type DiscoveredResource } from '../namespace/discovery.js';
import {
  decide,
  isDeletingDependents,
  isOrphaning,
  ownerStateOf,
  referencesAny,
  removeFinalizerPatch,
  removeOwnerRefsPatch,
  unblockOwnerRefsPatch,
  FOREGROUND_FINALIZER,
  ORPHAN_FINALIZER,
  type ClassifiedOwner,
} from './decide.js';
import { DependencyGraph, type GraphNode, type Work } from './graph.js';
import { BoundedSet, gcWatches, parseWorkKey, workKey } from './work.js';

export const GARBAGE_COLLECTOR_NAME = 'garbage-collector-controller';

/** How often discovery is read again for new resources (CRDs); upstream uses 30 s. */
const RESYNC_PERIOD_MS = 30_000;
/** Owner uids known to be gone; bounded like upstream's absentOwnerCache. */
const ABSENT_CACHE_SIZE = 10_000;
/** After a CRD event, discovery is read again this soon (several events make one read). */
const CRD_RESYNC_DELAY_MS = 500;
/** How long a resync waits for new informers' first lists before going on without them. */
const SYNC_WAIT_MS = 10_000;

/** The resources skiff's own components watch, by group/resource. */
const BUILTIN = new Map<string, ResourceRef>(Object.values(Resources).map((r) => [`${r.group}/${r.resource}`, r]));

function sleep(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms).unref?.());
}

function resourceKey(r: { group: string; resource: string }): string {
  return `${r.group}/${r.resource}`;
}

class GarbageCollector implements Controller {
  readonly name = GARBAGE_COLLECTOR_NAME;
  readonly graph = new DependencyGraph();
  private readonly queue: QueueController;
  private readonly discovery: CachedDiscovery;
  private readonly absent = new BoundedSet(ABSENT_CACHE_SIZE);
  /** group/Kind → where to GET it (any version of a group maps to its preferred one). */
  private readonly kinds = new Map<string, ResourceRef>();
  private readonly watched = new Map<string, Informer>();
  /** Private informers (resources no other skiff component watches, CRDs): stopped when they vanish. */
  private readonly own = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private verifying = false;
  private resyncing = false;
  private resyncAgain = false;

  constructor(private readonly ctx: ControllerContext) {
    this.discovery = new CachedDiscovery(jsonGetterFor(ctx.client), RESYNC_PERIOD_MS / 2);
    this.queue = new QueueController(this.name, (key) => this.sync(key));
  }

  run(workers: number): void {
    this.queue.run(workers);
    // A CRD that comes or goes changes what there is to watch: look again soon, not in 30 s.
    const soon = () => this.resyncSoon();
    this.ctx.informers.informerFor(Resources.customresourcedefinitions).addEventHandler({ add: soon, update: soon, delete: soon });
    void this.resync();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const key of this.own) this.watched.get(key)?.stop();
    this.queue.stop();
  }

  private schedule(work: Work[]): void {
    for (const w of work) this.queue.enqueueKey(workKey(w));
  }

  private resyncSoon(): void {
    if (this.stopped) return;
    this.discovery.invalidate();
    this.scheduleResync(CRD_RESYNC_DELAY_MS);
  }

  private scheduleResync(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.resync(), ms);
    this.timer.unref?.();
  }

  /** Reads discovery, watches new resources, forgets vanished ones, and comes back after a while. */
  private async resync(): Promise<void> {
    if (this.stopped) return;
    if (this.resyncing) {
      this.resyncAgain = true;
      return;
    }
    this.resyncing = true;
    try {
      await this.resyncOnce();
    } finally {
      this.resyncing = false;
    }
    if (this.stopped) return;
    if (this.resyncAgain) {
      this.resyncAgain = false;
      return this.resync();
    }
    this.scheduleResync(RESYNC_PERIOD_MS);
  }

  private async resyncOnce(): Promise<void> {
    let resources: DiscoveredResource[] | undefined;
    try {
      resources = await this.discovery.resources();
    } catch {
      // Discovery failed: keep what is watched; the very first time, start from what skiff knows.
      if (!this.verifying) resources = staticResources();
    }
    if (resources) {
      for (const r of resources) this.kinds.set(`${r.group}/${r.kind}`, r);
      const wanted = new Map(resources.filter(gcWatches).map((r) => [resourceKey(r), r]));
      for (const key of [...this.watched.keys()]) {
        if (wanted.has(key) || !this.own.has(key)) continue;
        this.watched.get(key)!.stop();
        this.watched.delete(key);
        this.own.delete(key);
      }
      const started = [...wanted].filter(([key]) => !this.watched.has(key)).map(([, r]) => this.watch(r));
      // A resource that cannot be listed (forbidden, just removed) must not hold the rest up.
      await Promise.race([Promise.allSettled(started), sleep(SYNC_WAIT_MS)]);
    }
    if (!this.verifying && !this.stopped) {
      this.verifying = true;
      this.schedule(this.graph.startVerifying());
    }
  }

  private watch(r: DiscoveredResource): Promise<void> {
    const key = resourceKey(r);
    // Kinds skiff's components watch share their informer (the static ref, so the version matches).
    const builtin = BUILTIN.get(key);
    const ref: ResourceRef = builtin ?? { group: r.group, version: r.version, resource: r.resource, kind: r.kind, namespaced: r.namespaced };
    const inf = builtin ? this.ctx.informers.informerFor(ref) : new SharedInformer(this.ctx.client, ref);
    if (!builtin) this.own.add(key);
    this.watched.set(key, inf);
    inf.addEventHandler({
      add: (obj) => this.schedule(this.graph.upsert(obj, ref)),
      update: (_old, obj) => this.schedule(this.graph.upsert(obj, ref)),
      delete: (obj) => {
        if (obj.metadata.uid) this.absent.add(obj.metadata.uid);
        this.schedule(this.graph.remove(obj.metadata.uid ?? ''));
      },
    });
    // A handler added late hears every cached object as an add; start() is idempotent.
    return inf.start();
  }

  async sync(key: string): Promise<void> {
    const work = parseWorkKey(key);
    if (!work) return;
    const node = this.graph.get(work.uid);
    if (!node) return;
    if (work.kind === 'orphan') return this.attemptToOrphan(node);
    return this.attemptToDelete(node);
  }

  /** The live object, or undefined when it is gone or another object took its name. */
  private async live(node: GraphNode): Promise<KubeObject | undefined> {
    try {
      const obj = await this.ctx.client.get(node.ref, node.namespace, node.name);
      return obj.metadata.uid === node.uid ? obj : undefined;
    } catch (err) {
      if (isNotFoundError(err)) return undefined;
      throw err;
    }
  }

  private async attemptToDelete(node: GraphNode): Promise<void> {
    // Already going, and not waiting on its own dependents: nothing to add.
    if (node.deletionTimestamp && !isDeletingDependents(node)) return;
    const latest = await this.live(node);
    if (!latest) return;
    if (isDeletingDependents(latest)) return this.processDeletingDependents(node, latest);
    const refs = latest.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const owners = await Promise.all(refs.map((r) => this.classify(r, latest)));
    const dependents = this.graph.dependentsOf(node.uid);
    const decision = decide(latest, owners, {
      hasDependents: dependents.length > 0,
      dependentDeletingDependents: dependents.some(isDeletingDependents),
    });
    switch (decision.action) {
      case 'none':
        return;
      case 'removeOwnerRefs':
        return this.patch(node, removeOwnerRefsPatch(latest, decision.uids));
      case 'delete': {
        if (decision.unblockFirst) {
          const unblock = unblockOwnerRefsPatch(latest);
          if (unblock) await this.patch(node, unblock);
        }
        return this.deleteObject(node, decision.policy);
      }
    }
  }

  private async classify(ref: OwnerReference, dependent: KubeObject): Promise<ClassifiedOwner> {
    if (this.absent.has(ref.uid)) return { ref, state: 'dangling' };
    const target = this.kinds.get(`${parseApiVersion(ref.apiVersion).group}/${ref.kind}`);
    if (!target) {
      // A kind discovery does not know (yet): look again soon rather than guess.
      this.discovery.invalidate();
      throw new Error(`garbage collector: no resource serves ${ref.kind} (${ref.apiVersion})`);
    }
    if (target.namespaced && !dependent.metadata.namespace) {
      // A cluster-scoped object cannot be owned by a namespaced one: upstream treats it as absent.
      return { ref, state: 'dangling' };
    }
    let owner: KubeObject | undefined;
    try {
      owner = await this.ctx.client.get(target, target.namespaced ? dependent.metadata.namespace : undefined, ref.name);
    } catch (err) {
      if (!isNotFoundError(err)) throw err;
    }
    const state = ownerStateOf(owner, ref);
    if (state === 'dangling') this.absent.add(ref.uid);
    return { ref, state };
  }

  /** An owner in Foreground deletion: delete what blocks it, or let it go when nothing does. */
  private async processDeletingDependents(node: GraphNode, latest: KubeObject): Promise<void> {
    const blocking = this.graph.blockingDependentsOf(node.uid);
    if (blocking.length === 0) {
      const patch = removeFinalizerPatch(latest, FOREGROUND_FINALIZER);
      if (patch) await this.patch(node, patch);
      return;
    }
    for (const dep of blocking) {
      if (!isDeletingDependents(dep)) this.queue.enqueueKey(workKey({ kind: 'delete', uid: dep.uid }));
    }
  }

  /** An owner deleted with Orphan: its dependents forget it, then its finalizer goes. */
  private async attemptToOrphan(node: GraphNode): Promise<void> {
    const latest = await this.live(node);
    if (!latest || !isOrphaning(latest)) return;
    await Promise.all(this.graph.dependentsOf(node.uid).map((dep) => this.dropReference(dep, node.uid)));
    const patch = removeFinalizerPatch(latest, ORPHAN_FINALIZER);
    if (patch) await this.patch(node, patch);
  }

  private async dropReference(dep: GraphNode, ownerUid: string): Promise<void> {
    const latest = await this.live(dep);
    if (!latest || !referencesAny(latest, [ownerUid])) return;
    await this.patch(dep, removeOwnerRefsPatch(latest, [ownerUid]));
  }

  private async patch(node: GraphNode, patch: Record<string, unknown>): Promise<void> {
    try {
      await this.ctx.client.patch(node.ref, node.namespace, node.name, 'merge', patch);
    } catch (err) {
      if (isNotFoundError(err)) return;
      throw err; // a Conflict retries with the object read again
    }
  }

  private async deleteObject(node: GraphNode, policy: 'Background' | 'Foreground' | 'Orphan'): Promise<void> {
    try {
      await this.ctx.client.delete(node.ref, node.namespace, node.name, { propagationPolicy: policy, preconditions: { uid: node.uid } });
    } catch (err) {
      // Gone already, or a new object of the same name: neither is ours to delete.
      if (isNotFoundError(err) || isConflictError(err)) return;
      throw err;
    }
  }
}

export const garbageCollector: ControllerFactory = (ctx) => new GarbageCollector(ctx);
