// The EndpointSlice controller (upstream pkg/controller/endpointslice): one slice per Service
// (more only when its pods serve different ports or it has over 100 endpoints), labelled
// kubernetes.io/service-name and owned by the Service. Keys are Service keys ("ns/name").
import { objectKey, splitKey, type Informer } from '../../client/types.js';
import { Resources } from '../../client/resources.js';
import type { Controller, ControllerContext, ControllerFactory } from '../context.js';
import { QueueController } from '../runner.js';
import { isForbiddenError, isNotFoundError } from '../endpoints/apierrors.js';
import { lastChangeTriggerTime, managesEndpointsOf, serviceSelectsPod } from '../endpoints/compute.js';
import type { EndpointSlice, Pod, Service } from '../endpoints/types.js';
import { CONTROLLER_NAME, MANAGED_BY_LABEL, SERVICE_NAME_LABEL, isManagedSliceOf, planSlices } from './compute.js';

export const ENDPOINTSLICE_CONTROLLER_NAME = 'endpointslice-controller';

/** How long a slice we created may stay unseen by our cache before we stop waiting for it. */
const PENDING_CREATE_TTL_MS = 10_000;
const STALE_CACHE_RETRY_MS = 50;

class EndpointSliceController implements Controller {
  readonly name = ENDPOINTSLICE_CONTROLLER_NAME;
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly queue: QueueController;
  /**
   * Slices created but not yet in our cache, by Service key: syncing against a cache without
   * them would create duplicates (upstream's EndpointSliceTracker serves the same purpose).
   */
  private readonly pendingCreates = new Map<string, Map<string, number>>();

  constructor(private readonly ctx: ControllerContext) {
    this.services = ctx.informers.informerFor<Service>(Resources.services);
    this.pods = ctx.informers.informerFor<Pod>(Resources.pods);
    this.slices = ctx.informers.informerFor<EndpointSlice>(Resources.endpointslices);
    this.slices.addIndex('service', (s) => {
      const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
      return svc ? [`${s.metadata.namespace}/${svc}`] : [];
    });
    this.queue = new QueueController(this.name, (key) => this.sync(key));
    this.watch();
  }

  private watch(): void {
    const enqueue = (svc: Service) => this.queue.enqueueKey(objectKey(svc));
    this.services.addEventHandler({ add: enqueue, update: (_o, n) => enqueue(n), delete: enqueue });
    this.pods.addEventHandler({
      add: (pod) => this.enqueueServicesOf(pod),
      update: (oldPod, newPod) => {
        if (oldPod.metadata.resourceVersion === newPod.metadata.resourceVersion) return;
        this.enqueueServicesOf(newPod);
        if (JSON.stringify(oldPod.metadata.labels ?? {}) !== JSON.stringify(newPod.metadata.labels ?? {})) this.enqueueServicesOf(oldPod);
      },
      delete: (pod) => this.enqueueServicesOf(pod),
    });
    const onSlice = (slice: EndpointSlice) => {
      const labels = slice.metadata.labels ?? {};
      const svcName = labels[SERVICE_NAME_LABEL];
      if (!svcName || labels[MANAGED_BY_LABEL] !== CONTROLLER_NAME) return;
      const key = `${slice.metadata.namespace}/${svcName}`;
      this.pendingCreates.get(key)?.delete(slice.metadata.name!);
      this.queue.enqueueKey(key);
    };
    this.slices.addEventHandler({ add: onSlice, update: (_o, n) => onSlice(n), delete: onSlice });
  }

  private enqueueServicesOf(pod: Pod): void {
    for (const svc of this.services.list(pod.metadata.namespace)) {
      if (serviceSelectsPod(svc, pod)) this.queue.enqueueKey(objectKey(svc));
    }
  }

  run(workers: number): void {
    this.queue.run(workers);
  }

  stop(): void {
    this.queue.stop();
  }

  /** True while a slice we created for this Service has not reached the cache yet. */
  private waitingForCache(key: string): boolean {
    const pending = this.pendingCreates.get(key);
    if (!pending) return false;
    const now = Date.now();
    for (const [name, at] of pending) {
      if (this.slices.get(key.split('/')[0], name) || now - at > PENDING_CREATE_TTL_MS) pending.delete(name);
    }
    if (pending.size === 0) this.pendingCreates.delete(key);
    return pending.size > 0;
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    if (namespace === 'default' && name === 'kubernetes') return; // the API server keeps it
    if (this.waitingForCache(key)) {
      this.queue.enqueueAfter(key, STALE_CACHE_RETRY_MS);
      return;
    }
    const existing = this.slices.byIndex('service', key).filter((s) => isManagedSliceOf(s, namespace, name));
    const svc = this.services.get(namespace, name);
    if (!svc) {
      // The garbage collector would remove them too (they are owned); this is quicker.
      for (const slice of existing) await this.deleteSlice(slice);
      return;
    }
    if (!managesEndpointsOf(svc)) return;
    const pods = this.pods.list(namespace);
    const plan = planSlices(svc, pods, existing, lastChangeTriggerTime(svc, pods));
    try {
      for (const slice of plan.deletes) await this.deleteSlice(slice);
      for (const slice of plan.updates) await this.ctx.client.update(Resources.endpointslices, namespace, slice);
      for (const slice of plan.creates) {
        const created = await this.ctx.client.create<EndpointSlice>(Resources.endpointslices, namespace, slice);
        let pending = this.pendingCreates.get(key);
        if (!pending) this.pendingCreates.set(key, (pending = new Map()));
        if (!this.slices.get(namespace, created.metadata.name!)) pending.set(created.metadata.name!, Date.now());
      }
    } catch (err) {
      if (isForbiddenError(err)) return; // the namespace is being deleted
      throw err;
    }
  }

  private async deleteSlice(slice: EndpointSlice): Promise<void> {
    try {
      await this.ctx.client.delete(Resources.endpointslices, slice.metadata.namespace, slice.metadata.name!, {
        preconditions: { uid: slice.metadata.uid },
      });
    } catch (err) {
      if (!isNotFoundError(err)) throw err;
    }
  }
}

export const endpointSliceController: ControllerFactory = (ctx) => new EndpointSliceController(ctx);
