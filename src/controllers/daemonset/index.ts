// The DaemonSet controller (upstream pkg/controller/daemon): one pod per eligible node, each created
// unbound with required node affinity `metadata.name In [node]` so the default scheduler binds it
// there; pods leave nodes the DaemonSet no longer fits; failed pods are replaced with a backoff;
// template changes roll out within maxUnavailable / maxSurge, tracked by ControllerRevisions.
import { deepCopy } from '../../api/types.js';
import { isAlreadyExists, isForbidden, isNotFound } from '../../client/errors.js';
import { Resources } from '../../client/resources.js';
import { objectKey, splitKey, type EventRecorder, type Informer } from '../../client/types.js';
import type { Controller, ControllerContext, ControllerFactory } from '../context.js';
import { SLOW_START_INITIAL_BATCH, slowStartBatch } from '../job/batch.js';
import { Expectations } from '../job/expectations.js';
import { controllerRefOf, podFromTemplate, type PodTemplateSpec } from '../podutil.js';
import { QueueController } from '../runner.js';
import { daemonPodSpec, nodeShouldRunDaemonPod, pinToNode, type NodeDecision } from './eligibility.js';
import {
  HASH_LABEL,
  TEMPLATE_GENERATION_LABEL,
  computeStatus,
  groupPodsByNode,
  isRollingUpdate,
  planNode,
  planRollingUpdate,
  surgeCount,
  templateGeneration,
  unavailableCount,
} from './plan.js';
import { matchesRevision, maxRevision, newRevision, revisionsToDelete } from './revisions.js';
import type { ControllerRevision, DaemonSet, Node, Pod } from './types.js';

export const DAEMONSET_CONTROLLER_NAME = 'daemonset-controller';
const OWNER_INDEX = 'daemonset-controller/owner-uid';
/** Upstream BurstReplicas: at most this many creates or deletes per sync. */
const BURST_REPLICAS = 250;
const FAILED_POD_BACKOFF_MS = 1000;
const FAILED_POD_MAX_BACKOFF_MS = 15 * 60_000;

function isDaemonSetOwner(ref: { apiVersion: string; kind: string } | undefined): boolean {
  return !!ref && ref.kind === 'DaemonSet' && ref.apiVersion.startsWith('apps/');
}

function isNamespaceTerminating(err: unknown): boolean {
  return isForbidden(err) && err instanceof Error && err.message.includes('being terminated');
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Upstream flowcontrol.Backoff for failed daemon pods, per DaemonSet and node. */
class FailedPodBackoff {
  private readonly entries = new Map<string, { delay: number; at: number }>();

  /** Milliseconds left before this key may act again (0: go). */
  remaining(key: string, now: number): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    return Math.max(0, e.at + e.delay - now);
  }

  next(key: string, now: number): void {
    const e = this.entries.get(key);
    const delay = !e || now - e.at > 2 * FAILED_POD_MAX_BACKOFF_MS ? FAILED_POD_BACKOFF_MS : Math.min(e.delay * 2, FAILED_POD_MAX_BACKOFF_MS);
    this.entries.set(key, { delay, at: now });
  }
}

class DaemonSetController implements Controller {
  readonly name = DAEMONSET_CONTROLLER_NAME;
  private readonly daemonSets: Informer<DaemonSet>;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly queue: QueueController;
  private readonly recorder: EventRecorder;
  private readonly expectations = new Expectations();
  private readonly failedBackoff = new FailedPodBackoff();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly now: () => number = Date.now,
  ) {
    this.daemonSets = ctx.informers.informerFor<DaemonSet>(Resources.daemonsets);
    this.pods = ctx.informers.informerFor<Pod>(Resources.pods);
    this.nodes = ctx.informers.informerFor<Node>(Resources.nodes);
    this.revisions = ctx.informers.informerFor<ControllerRevision>(Resources.controllerrevisions);
    this.recorder = ctx.recorder(DAEMONSET_CONTROLLER_NAME);
    this.queue = new QueueController(this.name, (key) => this.sync(key));
    const ownerUid = (o: Pod | ControllerRevision) => {
      const ref = controllerRefOf(o);
      return isDaemonSetOwner(ref) ? [ref!.uid] : [];
    };
    this.pods.addIndex(OWNER_INDEX, ownerUid);
    this.revisions.addIndex(OWNER_INDEX, ownerUid);
    this.watch();
  }

  private watch(): void {
    this.daemonSets.addEventHandler({
      add: (ds) => this.queue.enqueue(ds),
      update: (_o, ds) => this.queue.enqueue(ds),
      delete: (ds) => this.queue.enqueue(ds),
    });
    this.pods.addEventHandler({
      add: (p) => {
        const key = this.ownerKey(p);
        if (!key) return;
        this.expectations.creationObserved(key);
        this.queue.enqueueKey(key);
      },
      update: (o, p) => {
        const key = this.ownerKey(p);
        if (key) {
          if (!o.metadata.deletionTimestamp && p.metadata.deletionTimestamp) this.expectations.deletionObserved(key);
          this.queue.enqueueKey(key);
        }
        const oldKey = this.ownerKey(o);
        if (oldKey && oldKey !== key) this.queue.enqueueKey(oldKey);
      },
      delete: (p) => {
        const key = this.ownerKey(p);
        if (!key) return;
        if (!p.metadata.deletionTimestamp) this.expectations.deletionObserved(key);
        this.queue.enqueueKey(key);
      },
    });
    // Any node change may change where daemons belong.
    const all = () => {
      for (const ds of this.daemonSets.list()) this.queue.enqueue(ds);
    };
    this.nodes.addEventHandler({
      add: all,
      update: (o, n) => {
        if (nodeChangeMatters(o, n)) all();
      },
      delete: all,
    });
    this.revisions.addEventHandler({
      add: (r) => this.enqueueOwner(r),
      update: (_o, r) => this.enqueueOwner(r),
      delete: (r) => this.enqueueOwner(r),
    });
  }

  private ownerKey(obj: Pod | ControllerRevision): string | undefined {
    const ref = controllerRefOf(obj);
    if (!isDaemonSetOwner(ref)) return undefined;
    const ds = this.daemonSets.get(obj.metadata.namespace, ref!.name);
    return ds && ds.metadata.uid === ref!.uid ? objectKey(ds) : undefined;
  }

  private enqueueOwner(obj: ControllerRevision): void {
    const key = this.ownerKey(obj);
    if (key) this.queue.enqueueKey(key);
  }

  private podsOf(ds: DaemonSet): Pod[] {
    return this.pods.byIndex(OWNER_INDEX, ds.metadata.uid ?? '').filter((p) => p.metadata.namespace === ds.metadata.namespace);
  }

  private revisionsOf(ds: DaemonSet): ControllerRevision[] {
    return this.revisions.byIndex(OWNER_INDEX, ds.metadata.uid ?? '').filter((r) => r.metadata.namespace === ds.metadata.namespace);
  }

  run(workers: number): void {
    this.queue.run(workers);
  }

  stop(): void {
    this.queue.stop();
  }

  // ---- sync ----

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const ds = this.daemonSets.get(namespace, name);
    if (!ds) {
      this.expectations.delete(key);
      return;
    }
    const selector = ds.spec.selector;
    if (!selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)) {
      this.recorder.event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    // Being deleted: the garbage collector may be taking its revisions; make nothing new.
    if (ds.metadata.deletionTimestamp) return;
    const nodes = this.nodes.list();
    const { current, old } = await this.constructHistory(ds);
    const hash = current.metadata.labels?.[HASH_LABEL] ?? '';
    if (!this.expectations.satisfied(key)) return this.updateStatus(ds, nodes, hash, false);
    let error: unknown;
    try {
      await this.manage(key, ds, nodes, hash);
      if (this.expectations.satisfied(key) && isRollingUpdate(ds)) await this.rollingUpdate(key, ds, nodes, hash);
      await this.cleanupHistory(ds, old);
    } catch (err) {
      error = err;
    }
    await this.updateStatus(ds, nodes, hash, true);
    if (error) throw error;
  }

  private decider(ds: DaemonSet, nodes: Node[]): (node: string) => NodeDecision {
    const byName = new Map(nodes.map((n) => [n.metadata.name!, n]));
    const no: NodeDecision = { shouldRun: false, shouldContinueRunning: false };
    return (name) => {
      const node = byName.get(name);
      return node ? nodeShouldRunDaemonPod(node, ds) : no;
    };
  }

  /** Upstream manage: create missing daemon pods, delete misplaced, duplicate and failed ones. */
  private async manage(key: string, ds: DaemonSet, nodes: Node[], hash: string): Promise<void> {
    const byNode = groupPodsByNode(this.podsOf(ds));
    const surge = surgeCount(ds, 1) > 0; // upstream AllowsSurge
    const now = this.now();
    const createOn: string[] = [];
    const toDelete: Pod[] = [];
    let retryAfter = 0;
    for (const node of nodes) {
      const name = node.metadata.name!;
      const plan = planNode(nodeShouldRunDaemonPod(node, ds), byNode.get(name), hash, surge);
      if (plan.create) createOn.push(name);
      toDelete.push(...plan.remove);
      for (const pod of plan.failed) {
        // Kubelets that reject a pod make it fail at once: pace the kill-and-recreate loop.
        const backoffKey = `${key}/${name}`;
        const wait = this.failedBackoff.remaining(backoffKey, now);
        if (wait > 0) {
          retryAfter = retryAfter ? Math.min(retryAfter, wait) : wait;
          continue;
        }
        this.failedBackoff.next(backoffKey, now);
        this.recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${name}, will try to kill it`);
        toDelete.push(pod);
      }
    }
    // Unbound pods aimed at nodes that no longer exist would wait forever.
    const known = new Set(nodes.map((n) => n.metadata.name!));
    for (const [node, pods] of byNode) {
      if (!known.has(node)) toDelete.push(...pods.filter((p) => !p.spec?.nodeName && !p.metadata.deletionTimestamp));
    }
    if (retryAfter > 0) this.queue.enqueueAfter(key, retryAfter);
    await this.syncNodes(key, ds, toDelete, createOn, hash);
  }

  private async rollingUpdate(key: string, ds: DaemonSet, nodes: Node[], hash: string): Promise<void> {
    const byNode = groupPodsByNode(this.podsOf(ds));
    const decide = this.decider(ds, nodes);
    let desired = 0;
    for (const node of nodes) {
      const name = node.metadata.name!;
      if (!decide(name).shouldRun) continue;
      desired++;
      if (!byNode.has(name)) byNode.set(name, []);
    }
    const plan = planRollingUpdate({
      byNode,
      hash,
      generation: templateGeneration(ds),
      maxSurge: surgeCount(ds, desired),
      maxUnavailable: unavailableCount(ds, desired),
      desired,
      minReadySeconds: ds.spec.minReadySeconds ?? 0,
      now: this.now(),
      shouldRun: (n) => decide(n).shouldRun,
    });
    await this.syncNodes(key, ds, plan.deletePods, plan.createOn, hash);
  }

  /** The pod template with the default tolerations and the revision labels (upstream CreatePodTemplate). */
  private podTemplate(ds: DaemonSet, hash: string): PodTemplateSpec {
    const template = deepCopy(ds.spec.template);
    const labels: Record<string, string> = { ...(template.metadata?.labels ?? {}) };
    const generation = templateGeneration(ds);
    if (generation !== undefined) labels[TEMPLATE_GENERATION_LABEL] = generation;
    if (hash) labels[HASH_LABEL] = hash;
    return { metadata: { ...(template.metadata ?? {}), labels }, spec: deepCopy(daemonPodSpec(ds)) };
  }

  private async syncNodes(key: string, ds: DaemonSet, toDelete: Pod[], createOn: string[], hash: string): Promise<void> {
    const creates = createOn.slice(0, BURST_REPLICAS);
    const deletes = toDelete.slice(0, BURST_REPLICAS);
    if (creates.length === 0 && deletes.length === 0) return;
    this.expectations.expect(key, creates.length, deletes.length);
    const template = this.podTemplate(ds, hash);
    const result = await slowStartBatch(creates.length, SLOW_START_INITIAL_BATCH, (i) => this.createPod(ds, template, creates[i]));
    for (let i = result.succeeded; i < creates.length; i++) this.expectations.creationObserved(key);
    let error: unknown = result.error && !isNamespaceTerminating(result.error) ? result.error : undefined;
    await Promise.all(
      deletes.map(async (pod) => {
        try {
          await this.ctx.client.delete(Resources.pods, pod.metadata.namespace, pod.metadata.name!);
          this.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
        } catch (err) {
          this.expectations.deletionObserved(key);
          if (isNotFound(err)) return;
          error ??= err;
          this.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${describe(err)}`);
        }
      }),
    );
    if (error) throw error;
  }

  private async createPod(ds: DaemonSet, template: PodTemplateSpec, node: string): Promise<void> {
    const ns = ds.metadata.namespace!;
    const pod = podFromTemplate(template, ds, 'apps/v1', 'DaemonSet', ns, { generateName: `${ds.metadata.name}-` });
    const spec = (pod.spec ??= {}) as Pod['spec'] & object;
    spec.affinity = pinToNode(spec.affinity, node);
    try {
      const created = await this.ctx.client.create<Pod>(Resources.pods, ns, pod);
      this.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    } catch (err) {
      if (!isNamespaceTerminating(err)) this.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${describe(err)}`);
      throw err;
    }
  }

  // ---- status ----

  private async updateStatus(ds: DaemonSet, nodes: Node[], hash: string, observed: boolean): Promise<void> {
    const now = this.now();
    const counts = computeStatus({
      ds,
      nodes: nodes.map((n) => n.metadata.name!),
      byNode: groupPodsByNode(this.podsOf(ds)),
      hash,
      now,
      decide: this.decider(ds, nodes),
    });
    const status = ds.status ?? {};
    const generation = ds.metadata.generation ?? 0;
    const same = Object.entries(counts).every(([k, v]) => (status[k] ?? 0) === v);
    if (same && (status.observedGeneration ?? 0) >= generation) return;
    const next = deepCopy(ds);
    next.status = { ...status, ...counts };
    if (observed) next.status.observedGeneration = generation;
    await this.ctx.client.update(Resources.daemonsets, ds.metadata.namespace, next, 'status');
    // Pods become available minReadySeconds after ready: look again then.
    const minReady = ds.spec.minReadySeconds ?? 0;
    if (minReady > 0 && counts.numberReady !== counts.numberAvailable) this.queue.enqueueAfter(objectKey(ds), minReady * 1000);
  }

  // ---- history ----

  private async constructHistory(ds: DaemonSet): Promise<{ current: ControllerRevision; old: ControllerRevision[] }> {
    const all = this.revisionsOf(ds);
    const matching = all.filter((r) => matchesRevision(ds, r));
    const old = all.filter((r) => !matchesRevision(ds, r));
    const next = maxRevision(old) + 1;
    if (matching.length === 0) return { current: await this.snapshot(ds, next), old };
    const current = await this.dedupCurrent(ds, matching);
    if (current.revision < next) {
      const bumped = deepCopy(current);
      bumped.revision = next;
      return { current: await this.ctx.client.update<ControllerRevision>(Resources.controllerrevisions, ds.metadata.namespace, bumped), old };
    }
    return { current, old };
  }

  private async snapshot(ds: DaemonSet, revision: number): Promise<ControllerRevision> {
    const rev = newRevision(ds, revision);
    const ns = ds.metadata.namespace;
    try {
      return await this.ctx.client.create<ControllerRevision>(Resources.controllerrevisions, ns, rev);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const existing = await this.ctx.client.get<ControllerRevision>(Resources.controllerrevisions, ns, rev.metadata.name!);
      if (matchesRevision(ds, existing)) return existing;
      // A different template hashed to the same name: bump collisionCount and try again.
      const fresh = await this.ctx.client.get<DaemonSet>(Resources.daemonsets, ns, ds.metadata.name!);
      if ((fresh.status?.collisionCount ?? 0) !== (ds.status?.collisionCount ?? 0)) throw new Error(`stale collision count for DaemonSet ${ds.metadata.name}; retrying`);
      fresh.status = { ...(fresh.status ?? {}), collisionCount: (fresh.status?.collisionCount ?? 0) + 1 };
      await this.ctx.client.update(Resources.daemonsets, ns, fresh, 'status');
      throw err;
    }
  }

  /** Several revisions match (a race): keep the newest, relabel pods to it, delete the others. */
  private async dedupCurrent(ds: DaemonSet, matching: ControllerRevision[]): Promise<ControllerRevision> {
    if (matching.length === 1) return matching[0];
    const keep = matching.reduce((a, b) => (b.revision >= a.revision ? b : a));
    const keepHash = keep.metadata.labels?.[HASH_LABEL];
    for (const pod of this.podsOf(ds)) {
      if (pod.metadata.labels?.[HASH_LABEL] === keepHash) continue;
      await this.ctx.client.patch(Resources.pods, pod.metadata.namespace, pod.metadata.name!, 'merge', { metadata: { labels: { [HASH_LABEL]: keepHash } } });
    }
    for (const rev of matching) {
      if (rev.metadata.name === keep.metadata.name) continue;
      await this.ctx.client.delete(Resources.controllerrevisions, rev.metadata.namespace, rev.metadata.name!).catch((err) => {
        if (!isNotFound(err)) throw err;
      });
    }
    return keep;
  }

  private async cleanupHistory(ds: DaemonSet, old: ControllerRevision[]): Promise<void> {
    const live = new Set<string>();
    for (const pods of groupPodsByNode(this.podsOf(ds), true).values()) {
      for (const p of pods) {
        const h = p.metadata.labels?.[HASH_LABEL];
        if (h) live.add(h);
      }
    }
    for (const rev of revisionsToDelete(old, ds.spec.revisionHistoryLimit ?? 10, live)) {
      await this.ctx.client.delete(Resources.controllerrevisions, rev.metadata.namespace, rev.metadata.name!).catch((err) => {
        if (!isNotFound(err)) throw err;
      });
    }
  }
}

/** Node changes that can change where daemons run: labels, taints, or the node's name appearing. */
function nodeChangeMatters(old: Node, cur: Node): boolean {
  return JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {}) || JSON.stringify(old.spec?.taints ?? []) !== JSON.stringify(cur.spec?.taints ?? []);
}

export const daemonSetController: ControllerFactory = (ctx) => new DaemonSetController(ctx);
export { DaemonSetController };
