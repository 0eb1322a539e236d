// The Namespace controller (upstream pkg/controller/namespace): a namespace being deleted
// (phase Terminating, spec.finalizers [kubernetes]) has its contents deleted; once a pass finds
// nothing left, the `kubernetes` finalizer is removed through namespaces/NAME/finalize and the
// API server deletes the namespace. Keys are namespace names.
//
// It deliberately writes nothing else to the namespace (no status conditions): the API server
// completes the delete of an object with a deletionTimestamp on any write that leaves it without
// metadata.finalizers, so a status write would end the namespace before its content is gone.
import type { Informer } from '../../client/types.js';
import type { KubeObject } from '../../api/types.js';
import { Resources } from '../../client/resources.js';
import type { Controller, ControllerContext, ControllerFactory } from '../context.js';
import { QueueController } from '../runner.js';
import { CachedDiscovery, jsonGetterFor } from './discovery.js';
import { deleteAllContent, finalizeNamespace, recheckDelayMs, KUBERNETES_FINALIZER } from './deleter.js';

export const NAMESPACE_CONTROLLER_NAME = 'namespace-controller';

export function awaitsContentDeletion(ns: KubeObject | undefined): boolean {
  if (!ns?.metadata.deletionTimestamp) return false;
  return (((ns.spec as { finalizers?: string[] } | undefined)?.finalizers) ?? []).includes(KUBERNETES_FINALIZER);
}

class NamespaceController implements Controller {
  readonly name = NAMESPACE_CONTROLLER_NAME;
  private readonly namespaces: Informer;
  private readonly queue: QueueController;
  private readonly discovery: CachedDiscovery;
  /** Passes that found content left, per namespace: the next look waits a little longer. */
  private readonly attempts = new Map<string, number>();

  constructor(private readonly ctx: ControllerContext) {
    this.namespaces = ctx.informers.informerFor(Resources.namespaces);
    this.discovery = new CachedDiscovery(jsonGetterFor(ctx.client), 10_000);
    this.queue = new QueueController(this.name, (key) => this.sync(key));
    const enqueue = (ns: KubeObject) => {
      if (ns.metadata.deletionTimestamp) this.queue.enqueueKey(ns.metadata.name!);
    };
    this.namespaces.addEventHandler({ add: enqueue, update: (_o, n) => enqueue(n) });
  }

  run(workers: number): void {
    this.queue.run(workers);
  }

  stop(): void {
    this.queue.stop();
  }

  async sync(name: string): Promise<void> {
    const ns = this.namespaces.get(undefined, name);
    if (!awaitsContentDeletion(ns)) {
      this.attempts.delete(name);
      return;
    }
    const result = await deleteAllContent(this.ctx.client, await this.discovery.resources(), name);
    if (result.errors.length > 0) throw result.errors[0];
    if (result.remaining > 0) {
      const attempt = this.attempts.get(name) ?? 0;
      this.attempts.set(name, attempt + 1);
      this.queue.enqueueAfter(name, recheckDelayMs(attempt));
      return;
    }
    await finalizeNamespace(this.ctx.client, name);
    this.attempts.delete(name);
  }
}

export const namespaceController: ControllerFactory = (ctx) => new NamespaceController(ctx);
