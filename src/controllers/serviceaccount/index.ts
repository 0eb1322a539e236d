// The ServiceAccount controller (upstream pkg/controller/serviceaccount serviceaccounts_controller.go)
// keeps a `default` ServiceAccount in every active namespace, recreating it when deleted; the
// root CA publisher (pkg/controller/certificates/rootcacertpublisher) keeps the
// `kube-root-ca.crt` ConfigMap with the cluster CA in every namespace. Keys are namespace names.
import type { Informer, ResourceRef } from '../../client/types.js';
import type { KubeObject } from '../../api/types.js';
import { Resources } from '../../client/resources.js';
import type { Controller, ControllerContext, ControllerFactory } from '../context.js';
import { QueueController } from '../runner.js';
import { isAlreadyExistsError, isForbiddenError, isNotFoundError } from '../endpoints/apierrors.js';
import { desiredRootCaConfigMap, isActiveNamespace, ROOT_CA_CONFIGMAP, DEFAULT_SERVICE_ACCOUNTS } from './desired.js';

export const SERVICE_ACCOUNT_CONTROLLER_NAME = 'serviceaccount-controller';
export const ROOT_CA_PUBLISHER_NAME = 'root-ca-cert-publisher';

/** Creates an object, treating "already there" and "namespace going away" as done. */
async function createQuietly(ctx: ControllerContext, ref: ResourceRef, namespace: string, obj: KubeObject): Promise<void> {
  try {
    await ctx.client.create(ref, namespace, obj);
  } catch (err) {
    if (isAlreadyExistsError(err) || isForbiddenError(err) || isNotFoundError(err)) return;
    throw err;
  }
}

class ServiceAccountController implements Controller {
  readonly name = SERVICE_ACCOUNT_CONTROLLER_NAME;
  private readonly namespaces: Informer;
  private readonly accounts: Informer;
  private readonly queue: QueueController;

  constructor(private readonly ctx: ControllerContext) {
    this.namespaces = ctx.informers.informerFor(Resources.namespaces);
    this.accounts = ctx.informers.informerFor(Resources.serviceaccounts);
    this.queue = new QueueController(this.name, (key) => this.sync(key));
    const enqueueNs = (ns: KubeObject) => this.queue.enqueueKey(ns.metadata.name!);
    this.namespaces.addEventHandler({ add: enqueueNs, update: (_o, n) => enqueueNs(n) });
    this.accounts.addEventHandler({
      delete: (sa) => {
        if (DEFAULT_SERVICE_ACCOUNTS.includes(sa.metadata.name!)) this.queue.enqueueKey(sa.metadata.namespace!);
      },
    });
  }

  run(workers: number): void {
    this.queue.run(workers);
  }

  stop(): void {
    this.queue.stop();
  }

  async sync(namespace: string): Promise<void> {
    if (!isActiveNamespace(this.namespaces.get(undefined, namespace))) return;
    for (const name of DEFAULT_SERVICE_ACCOUNTS) {
      if (this.accounts.get(namespace, name)) continue;
      await createQuietly(this.ctx, Resources.serviceaccounts, namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } });
    }
  }
}

class RootCaCertPublisher implements Controller {
  readonly name = ROOT_CA_PUBLISHER_NAME;
  private readonly namespaces: Informer;
  private readonly configMaps: Informer;
  private readonly queue: QueueController;

  constructor(private readonly ctx: ControllerContext) {
    this.namespaces = ctx.informers.informerFor(Resources.namespaces);
    this.configMaps = ctx.informers.informerFor(Resources.configmaps);
    this.queue = new QueueController(this.name, (key) => this.sync(key));
    const enqueueNs = (ns: KubeObject) => this.queue.enqueueKey(ns.metadata.name!);
    this.namespaces.addEventHandler({ add: enqueueNs, update: (_o, n) => enqueueNs(n) });
    const onConfigMap = (cm: KubeObject) => {
      if (cm.metadata.name === ROOT_CA_CONFIGMAP) this.queue.enqueueKey(cm.metadata.namespace!);
    };
    this.configMaps.addEventHandler({ update: (_o, n) => onConfigMap(n), delete: onConfigMap });
  }

  run(workers: number): void {
    this.queue.run(workers);
  }

  stop(): void {
    this.queue.stop();
  }

  async sync(namespace: string): Promise<void> {
    if (!isActiveNamespace(this.namespaces.get(undefined, namespace))) return;
    const current = this.configMaps.get(namespace, ROOT_CA_CONFIGMAP);
    const next = desiredRootCaConfigMap(current, this.ctx.clusterCaPem);
    if (!next) return;
    if (!current) return createQuietly(this.ctx, Resources.configmaps, namespace, next);
    try {
      await this.ctx.client.update(Resources.configmaps, namespace, next);
    } catch (err) {
      if (isNotFoundError(err) || isForbiddenError(err)) return;
      throw err;
    }
  }
}

export const serviceAccountController: ControllerFactory = (ctx) => new ServiceAccountController(ctx);
export const rootCaCertPublisher: ControllerFactory = (ctx) => new RootCaCertPublisher(ctx);
