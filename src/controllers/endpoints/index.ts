// The Endpoints controller (upstream pkg/controller/endpoint): keeps one Endpoints object per
// Service with a selector, listing the selected pods' IPs as ready or not-ready addresses.
// Keys are Service keys ("ns/name"); reconcile reads Services and Pods from the shared cache.
import { objectKey, splitKey, type Informer } from '../../client/types.js';
import { Resources } from '../../client/resources.js';
import type { Controller, ControllerContext, ControllerFactory } from '../context.js';
import { QueueController } from '../runner.js';
import { isForbiddenError, isNotFoundError } from './apierrors.js';
import { desiredEndpoints, managesEndpointsOf, serviceSelectsPod } from './compute.js';
import type { Endpoints, Pod, Service } from './types.js';

export const ENDPOINTS_CONTROLLER_NAME = 'endpoint-controller';

class EndpointsController implements Controller {
  readonly name = ENDPOINTS_CONTROLLER_NAME;
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly endpoints: Informer<Endpoints>;
  private readonly queue: QueueController;

  constructor(private readonly ctx: ControllerContext) {
    this.services = ctx.informers.informerFor<Service>(Resources.services);
    this.pods = ctx.informers.informerFor<Pod>(Resources.pods);
    this.endpoints = ctx.informers.informerFor<Endpoints>(Resources.endpoints);
    this.queue = new QueueController(this.name, (key) => this.sync(key));
    this.watch();
  }

  private watch(): void {
    const enqueue = (obj: { metadata: { namespace?: string; name?: string } }) => this.queue.enqueueKey(objectKey(obj as Service));
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
    // Someone else changed or removed our Endpoints: put them back.
    this.endpoints.addEventHandler({
      update: (_o, n) => this.enqueueIfServiceExists(n),
      delete: (ep) => this.enqueueIfServiceExists(ep),
    });
  }

  private enqueueServicesOf(pod: Pod): void {
    for (const svc of this.services.list(pod.metadata.namespace)) {
      if (serviceSelectsPod(svc, pod)) this.queue.enqueueKey(objectKey(svc));
    }
  }

  private enqueueIfServiceExists(ep: Endpoints): void {
    if (this.services.get(ep.metadata.namespace, ep.metadata.name!)) this.queue.enqueueKey(objectKey(ep));
  }

  run(workers: number): void {
    // Endpoints left behind by Services deleted while we were not running (checkLeftoverEndpoints).
    for (const ep of this.endpoints.list()) {
      if (!this.services.get(ep.metadata.namespace, ep.metadata.name!)) this.queue.enqueueKey(objectKey(ep));
    }
    this.queue.run(workers);
  }

  stop(): void {
    this.queue.stop();
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    if (namespace === 'default' && name === 'kubernetes') return; // the API server keeps it
    const svc = this.services.get(namespace, name);
    if (!svc) return this.deleteEndpoints(namespace, name);
    if (!managesEndpointsOf(svc)) return;
    const pods = this.pods.list(namespace);
    const next = desiredEndpoints(svc, pods, this.endpoints.get(namespace, name));
    if (!next) return;
    try {
      if (next.metadata.resourceVersion) await this.ctx.client.update(Resources.endpoints, namespace, next);
      else await this.ctx.client.create(Resources.endpoints, namespace, next);
    } catch (err) {
      // A namespace being deleted refuses new content; the Service goes with it.
      if (isForbiddenError(err)) return;
      // Conflicts and AlreadyExists mean our cache is behind: the retry reads it again.
      throw err;
    }
  }

  private async deleteEndpoints(namespace: string | undefined, name: string): Promise<void> {
    if (!this.endpoints.get(namespace, name)) return;
    try {
      await this.ctx.client.delete(Resources.endpoints, namespace, name);
    } catch (err) {
      if (!isNotFoundError(err)) throw err;
    }
  }
}

export const endpointsController: ControllerFactory = (ctx) => new EndpointsController(ctx);
