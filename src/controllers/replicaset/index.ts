// The ReplicaSet and ReplicationController controllers (upstream pkg/controller/replicaset, which
// also serves ReplicationControllers through pkg/controller/replication): one implementation,
// parameterised by kind. Each sync claims the pods the selector matches (adopting orphans,
// releasing pods that stopped matching), creates or deletes pods toward spec.replicas — guarded by
// expectations so a burst is not repeated before the informer sees it — and writes the status.
import type { KubeObject } from '../../api/types.js';
import { isNotFound } from '../../client/errors.js';
import { Resources } from '../../client/resources.js';
import { splitKey, type EventRecorder, type Informer, type ResourceRef } from '../../client/types.js';
import type { Controller, ControllerContext, ControllerFactory } from '../context.js';
import { controllerRefOf, isPodActive, isPodReady, labelSelectorMatches, newControllerRef, podFromTemplate } from '../podutil.js';
import { QueueController } from '../runner.js';
import { adoptPatch, CONTROLLER_UID_INDEX, controllerUidIndexFn, orphanIndexValue, planClaim, releasePatch } from './claim.js';
import { PodExpectations } from './expectations.js';
import { podsToDelete } from './ranking.js';
import { computeStatus, statusDiffers } from './status.js';
import {
  REPLICASET_KIND,
  REPLICATIONCONTROLLER_KIND,
  selectorIsEmpty,
  selectorOf,
  specReplicas,
  withKind,
  type Pod,
  type ReplicaKind,
  type ReplicaSet,
  type ReplicaSetStatus,
} from './types.js';

/** At most this many creates or deletes per sync (upstream BurstReplicas). */
export const BURST_REPLICAS = 500;

export interface ReplicaControllerOptions {
  burstReplicas?: number;
  log?: (message: string) => void;
}

function podKey(pod: KubeObject): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs `fn` `count` times in batches of 1, 2, 4, … (upstream slowStartBatch), stopping after the
 * first batch with a failure, so a create that fails for every pod (quota, admission) fails once
 * rather than hundreds of times. Returns how many succeeded and the first error.
 */
export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let size = Math.min(remaining, initialBatchSize); size > 0; size = Math.min(2 * size, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: size }, () => fn()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += size - failed.length;
    if (failed.length) return { successes, error: failed[0]!.reason };
    remaining -= size;
  }
  return { successes };
}

export class ReplicaController implements Controller {
  readonly name: string;
  readonly queue: QueueController;
  readonly expectations = new PodExpectations();
  private readonly ref: ResourceRef;
  private readonly sets: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod>;
  private readonly recorder: EventRecorder;
  private readonly burst: number;

  constructor(private readonly ctx: ControllerContext, private readonly kind: ReplicaKind, options: ReplicaControllerOptions = {}) {
    this.name = kind.component;
    this.ref = kind.kind === 'ReplicaSet' ? Resources.replicasets : Resources.replicationcontrollers;
    this.burst = options.burstReplicas ?? BURST_REPLICAS;
    this.queue = new QueueController(this.name, (key) => this.reconcile(key), { log: options.log });
    this.recorder = ctx.recorder(kind.component);
    this.sets = ctx.informers.informerFor<ReplicaSet>(this.ref);
    this.pods = ctx.informers.informerFor<Pod>(Resources.pods);
    this.pods.addIndex(CONTROLLER_UID_INDEX, controllerUidIndexFn);
    this.sets.addEventHandler({
      add: (rs) => this.queue.enqueue(rs),
      update: (_old, cur) => this.queue.enqueue(cur),
      delete: (rs) => {
        const key = `${rs.metadata.namespace}/${rs.metadata.name}`;
        this.expectations.delete(key);
        this.queue.enqueueKey(key);
      },
    });
    this.pods.addEventHandler({
      add: (pod) => this.addPod(pod),
      update: (old, cur) => this.updatePod(old, cur),
      delete: (pod) => this.deletePod(pod),
    });
  }

  run(workers: number): void {
    this.queue.run(workers);
  }

  stop(): void {
    this.queue.stop();
  }

  // ---- event handlers (upstream addPod / updatePod / deletePod) ----

  /** The owner a controller reference names, if it is one of ours and still the same object. */
  private resolve(namespace: string | undefined, ref: { kind: string; name: string; uid: string } | undefined): ReplicaSet | undefined {
    if (!ref || ref.kind !== this.kind.kind) return undefined;
    const rs = this.sets.get(namespace, ref.name);
    return rs && rs.metadata.uid === ref.uid ? rs : undefined;
  }

  /** Sets whose selector matches an orphan pod: one of them may adopt it. */
  private matchingSets(pod: Pod): ReplicaSet[] {
    return this.sets.list(pod.metadata.namespace).filter((rs) => {
      const sel = selectorOf(rs, this.kind);
      return !selectorIsEmpty(sel) && labelSelectorMatches(sel, pod.metadata.labels);
    });
  }

  private addPod(pod: Pod): void {
    // A pod already being deleted (e.g. seen first after a relist) counts as deleted.
    if (pod.metadata.deletionTimestamp) return this.deletePod(pod);
    const ref = controllerRefOf(pod);
    if (ref) {
      const rs = this.resolve(pod.metadata.namespace, ref);
      if (!rs) return;
      const key = `${rs.metadata.namespace}/${rs.metadata.name}`;
      this.expectations.creationObserved(key);
      this.queue.enqueueKey(key);
      return;
    }
    for (const rs of this.matchingSets(pod)) this.queue.enqueue(rs);
  }

  private updatePod(old: Pod, cur: Pod): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
    if (cur.metadata.deletionTimestamp) {
      // Graceful deletion: the pod is as good as gone for the owner's count, so observe it now.
      this.deletePod(cur);
      if (labelsChanged) this.deletePod(old);
      return;
    }
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = JSON.stringify(curRef) !== JSON.stringify(oldRef);
    if (refChanged && oldRef) {
      const prev = this.resolve(old.metadata.namespace, oldRef);
      if (prev) this.queue.enqueue(prev);
    }
    if (curRef) {
      const rs = this.resolve(cur.metadata.namespace, curRef);
      if (!rs) return;
      this.queue.enqueue(rs);
      // Readiness changes availability only after minReadySeconds: look again then.
      const minReady = rs.spec.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(cur) && minReady > 0) {
        this.queue.enqueueAfter(`${rs.metadata.namespace}/${rs.metadata.name}`, minReady * 1000 + 1000);
      }
      return;
    }
    if (labelsChanged || refChanged) for (const rs of this.matchingSets(cur)) this.queue.enqueue(rs);
  }

  private deletePod(pod: Pod): void {
    const rs = this.resolve(pod.metadata.namespace, controllerRefOf(pod));
    if (!rs) return;
    const key = `${rs.metadata.namespace}/${rs.metadata.name}`;
    this.expectations.deletionObserved(key, podKey(pod));
    this.queue.enqueueKey(key);
  }

  // ---- sync ----

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.sets.get(namespace, name);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const rs = withKind(cached, this.kind.apiVersion, this.kind.kind);
    const needsSync = this.expectations.satisfied(key);
    const candidates = [
      ...this.pods.byIndex(CONTROLLER_UID_INDEX, rs.metadata.uid ?? ''),
      ...this.pods.byIndex(CONTROLLER_UID_INDEX, orphanIndexValue(namespace ?? '')),
    ].filter(isPodActive);
    const pods = await this.claimPods(rs, candidates);
    let manageError: Error | undefined;
    if (needsSync && !rs.metadata.deletionTimestamp) {
      try {
        await this.manageReplicas(key, rs, pods);
      } catch (err) {
        manageError = err instanceof Error ? err : new Error(String(err));
      }
    }
    const status = computeStatus(rs, pods, manageError);
    await this.writeStatus(rs, status);
    const minReady = rs.spec.minReadySeconds ?? 0;
    if (!manageError && minReady > 0 && status.readyReplicas === specReplicas(rs) && status.availableReplicas !== specReplicas(rs)) {
      this.queue.enqueueAfter(key, minReady * 1000);
    }
    if (manageError) throw manageError;
  }

  /** Adopts matching orphans and releases owned pods that stopped matching; returns the owned pods. */
  private async claimPods(rs: ReplicaSet, candidates: Pod[]): Promise<Pod[]> {
    const plan = planClaim(rs, selectorOf(rs, this.kind), candidates);
    if (!plan.adopt.length && !plan.release.length) return plan.claimed;
    const errors: unknown[] = [];
    const dropped = new Set<Pod>();
    const adopted = new Map<Pod, Pod>();
    if (plan.adopt.length) {
      try {
        await this.canAdopt(rs);
      } catch (err) {
        // Not ours to adopt now (the owner is going or was replaced): claim only what we own.
        for (const p of plan.adopt) dropped.add(p);
        errors.push(err);
      }
    }
    const ownerRef = newControllerRef(rs, this.kind.apiVersion, this.kind.kind);
    await Promise.all([
      ...plan.adopt.filter((p) => !dropped.has(p)).map(async (pod) => {
        try {
          adopted.set(pod, await this.ctx.client.patch<Pod>(Resources.pods, pod.metadata.namespace, pod.metadata.name!, 'merge', adoptPatch(pod, ownerRef)));
        } catch (err) {
          dropped.add(pod);
          if (!isNotFound(err)) errors.push(err);
        }
      }),
      ...plan.release.map(async (pod) => {
        try {
          await this.ctx.client.patch(Resources.pods, pod.metadata.namespace, pod.metadata.name!, 'merge', releasePatch(pod, rs.metadata.uid!));
        } catch (err) {
          if (!isNotFound(err)) errors.push(err);
        }
      }),
    ]);
    if (errors.length) throw errors[0];
    return plan.claimed.filter((p) => !dropped.has(p)).map((p) => adopted.get(p) ?? p);
  }

  /** Upstream RecheckDeletionTimestamp: adopt only for the live, undeleted owner (read uncached). */
  private async canAdopt(rs: ReplicaSet): Promise<void> {
    const fresh = await this.ctx.client.get(this.ref, rs.metadata.namespace, rs.metadata.name!);
    if (fresh.metadata.uid !== rs.metadata.uid) {
      throw new Error(`original ${rs.metadata.namespace}/${rs.metadata.name} is gone: got uid ${fresh.metadata.uid}, wanted ${rs.metadata.uid}`);
    }
    if (fresh.metadata.deletionTimestamp) {
      throw new Error(`${rs.metadata.namespace}/${rs.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }
  }

  private async manageReplicas(key: string, rs: ReplicaSet, pods: Pod[]): Promise<void> {
    const diff = pods.length - specReplicas(rs);
    if (diff < 0) {
      const count = Math.min(-diff, this.burst);
      this.expectations.expectCreations(key, count);
      const { successes, error } = await slowStartBatch(count, 1, () => this.createPod(rs));
      // Creates that never happened will never be observed: stop expecting them.
      for (let i = successes; i < count; i++) this.expectations.creationObserved(key);
      if (error) throw error;
    } else if (diff > 0) {
      const count = Math.min(diff, this.burst);
      const victims = podsToDelete(pods, this.relatedPods(rs), count);
      this.expectations.expectDeletions(key, victims.map(podKey));
      const errors: unknown[] = [];
      await Promise.all(victims.map((pod) => this.deletePodOf(key, rs, pod).catch((err) => { errors.push(err); })));
      if (errors.length) throw errors[0];
    }
  }

  private async createPod(rs: ReplicaSet): Promise<void> {
    const namespace = rs.metadata.namespace!;
    const pod = podFromTemplate(rs.spec.template ?? {}, rs, this.kind.apiVersion, this.kind.kind, namespace);
    if (!Object.keys(pod.metadata.labels ?? {}).length) throw new Error('unable to create pods, no labels');
    let created: Pod;
    try {
      created = await this.ctx.client.create<Pod>(Resources.pods, namespace, pod);
    } catch (err) {
      this.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
      throw err;
    }
    this.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
  }

  private async deletePodOf(key: string, rs: ReplicaSet, pod: Pod): Promise<void> {
    try {
      await this.ctx.client.delete(Resources.pods, pod.metadata.namespace, pod.metadata.name!);
    } catch (err) {
      // The informer will not report a delete that did not happen (or already did).
      this.expectations.deletionObserved(key, podKey(pod));
      if (isNotFound(err)) return;
      this.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
      throw err;
    }
    this.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
  }

  /** Pods of every set controlled by the same owner (a Deployment's ReplicaSets): spreading counts them all. */
  private relatedPods(rs: ReplicaSet): Pod[] {
    const owner = controllerRefOf(rs);
    const sets = owner
      ? this.sets.list(rs.metadata.namespace).filter((s) => controllerRefOf(s)?.uid === owner.uid)
      : [rs];
    return sets.flatMap((s) => this.pods.byIndex(CONTROLLER_UID_INDEX, s.metadata.uid ?? ''));
  }

  private async writeStatus(rs: ReplicaSet, status: ReplicaSetStatus): Promise<void> {
    if (!statusDiffers(rs, status)) return;
    try {
      await this.ctx.client.update(this.ref, rs.metadata.namespace, { ...rs, status }, 'status');
    } catch (err) {
      // Gone: nothing to report on. A conflict: our copy is stale; the runner retries once the
      // informer has caught up.
      if (isNotFound(err)) return;
      throw err;
    }
  }
}

export const replicaSetController: ControllerFactory = (ctx) => new ReplicaController(ctx, REPLICASET_KIND);

export const replicationControllerController: ControllerFactory = (ctx) => new ReplicaController(ctx, REPLICATIONCONTROLLER_KIND);
