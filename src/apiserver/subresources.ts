// The subresources that act rather than store: pods/binding, pods/eviction, serviceaccounts/token,
// the access reviews, and the streaming ones (log, exec, attach, portforward, proxy) that belong to
// the node agent.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ResourceDef } from '../api/resource.js';
import { getPath, type KubeObject } from '../api/types.js';
import type { RbacAuthorizer } from './auth/rbac.js';
import { answerReview } from './auth/reviews.js';
import type { TokenAuthenticator } from './auth/tokens.js';
import type { UserInfo } from './auth/user.js';
import { badRequest, conflict, notFound, serviceUnavailable, StatusError, successStatus, tooManyRequests, type Status } from './errors.js';
import type { Subresources } from './handlers.js';
import type { ResourceRegistry } from './registry.js';
import type { RequestInfo } from './requestinfo.js';
import type { DeleteOptions, ObjectStore, RequestContext } from './rest.js';
import { labelSelectorFromObject, parseLabelSelector } from './selectors.js';
import { chooseContainer, kubeletLocation, kubeletPath, nodeProxyTarget, podProxyTarget, proxiedPath, serviceProxyTarget, splitSchemeNamePort, type KubeletClient, type KubeletLocation } from './streaming.js';

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

export class PodSubresources implements Subresources {
  constructor(
    private readonly objects: ObjectStore,
    private readonly registry: ResourceRegistry,
    private readonly authorizer: RbacAuthorizer,
    private readonly authenticator: TokenAuthenticator,
    /** The API server's client certificate towards the kubelets (logs, exec, attach, port-forward). */
    private readonly kubeletClient?: KubeletClient,
  ) {}

  private def(group: string, version: string, plural: string): ResourceDef {
    const def = this.registry.find(group, version, plural);
    if (!def) throw new Error(`resource ${plural} is not registered`);
    return def;
  }

  private get pods(): ResourceDef {
    return this.def('', 'v1', 'pods');
  }

  /** Assigns a pod to a node: spec.nodeName and the PodScheduled condition (registry/core/pod/storage). */
  async bind(namespace: string, name: string, binding: KubeObject, ctx: RequestContext): Promise<Status> {
    const target = binding.target as { kind?: string; name?: string } | undefined;
    if (!target?.name) throw badRequest('target.name is required for a binding');
    if (target.kind && target.kind !== 'Node') throw badRequest(`target.kind must be Node, not ${target.kind}`);
    await this.objects.guaranteedUpdate(this.pods, namespace, name, ctx, (pod) => {
      const bindingGroup = { group: '', plural: 'pods/binding' };
      if (pod.metadata.deletionTimestamp) {
        throw conflict(bindingGroup.group, bindingGroup.plural, name, `pod ${name} is being deleted, cannot be assigned to a host`);
      }
      const nodeName = getPath(pod, ['spec', 'nodeName']);
      if (nodeName) throw conflict(bindingGroup.group, bindingGroup.plural, name, `pod ${name} is already assigned to node "${String(nodeName)}"`);
      const spec = (pod.spec ??= {}) as Record<string, unknown>;
      spec.nodeName = target.name;
      const status = (pod.status ??= {}) as { conditions?: Record<string, unknown>[] };
      const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now() });
      status.conditions = conditions;
      return pod;
    }, { subresource: 'binding' });
    return successStatus(undefined, 201);
  }

  /** Deletes a pod unless a PodDisruptionBudget forbids it (registry/core/pod/storage/eviction.go). */
  async evict(namespace: string, name: string, eviction: KubeObject, ctx: RequestContext): Promise<Status> {
    const pod = await this.objects.get(this.pods, namespace, name);
    const phase = getPath(pod, ['status', 'phase']);
    const options = (eviction.deleteOptions ?? {}) as DeleteOptions;
    if (phase !== 'Succeeded' && phase !== 'Failed' && phase !== 'Pending' && !pod.metadata.deletionTimestamp) {
      await this.takeDisruption(pod, ctx);
    }
    await this.objects.delete(this.pods, namespace, name, options, ctx);
    return successStatus(undefined, 201);
  }

  private async takeDisruption(pod: KubeObject, ctx: RequestContext): Promise<void> {
    const pdbDef = this.def('policy', 'v1', 'poddisruptionbudgets');
    const everything = parseLabelSelector(undefined);
    const { items } = await this.objects.list(pdbDef, pod.metadata.namespace, { labelSelector: everything, fieldSelector: everything });
    const matching = items.filter((pdb) => {
      const selector = getPath(pdb, ['spec', 'selector']);
      return selector && labelSelectorFromObject(selector).matches(pod.metadata.labels ?? {});
    });
    if (matching.length > 1) {
      throw new StatusError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    }
    if (matching.length === 0) return;
    const pdb = matching[0];
    await this.objects.guaranteedUpdate(pdbDef, pdb.metadata.namespace, pdb.metadata.name!, ctx, (current) => {
      const status = (current.status ?? {}) as { disruptionsAllowed?: number; observedGeneration?: number; currentHealthy?: number; desiredHealthy?: number; disruptedPods?: Record<string, string> };
      if ((status.observedGeneration ?? 0) < (current.metadata.generation ?? 0) || (status.disruptionsAllowed ?? 0) < 1) {
        throw tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", undefined);
      }
      status.disruptionsAllowed = (status.disruptionsAllowed ?? 0) - 1;
      status.disruptedPods = { ...(status.disruptedPods ?? {}), [pod.metadata.name!]: now() };
      current.status = status;
      return current;
    }, { subresource: 'status' });
  }

  /** TokenRequest: a signed, bound service-account token (what `kubectl create token` prints). */
  async token(namespace: string, name: string, request: KubeObject, _ctx: RequestContext): Promise<KubeObject> {
    const sa = await this.objects.tryGet(this.def('', 'v1', 'serviceaccounts'), namespace, name);
    if (!sa) throw notFound('', 'serviceaccounts', name);
    const spec = (request.spec ?? {}) as { audiences?: string[]; expirationSeconds?: number; boundObjectRef?: { kind?: string; name?: string; uid?: string } };
    const expirationSeconds = spec.expirationSeconds ?? 3600;
    if (expirationSeconds < 600) {
      throw new StatusError(422, 'Invalid', `TokenRequest.authentication.k8s.io "${name}" is invalid: spec.expirationSeconds: Invalid value: ${expirationSeconds}: may not specify a duration less than 10 minutes`);
    }
    const bound = spec.boundObjectRef?.kind === 'Pod' ? spec.boundObjectRef : undefined;
    const { token, expiration } = this.authenticator.issueServiceAccountToken({
      namespace,
      serviceAccountName: name,
      serviceAccountUID: sa.metadata.uid!,
      podName: bound?.name,
      podUID: bound?.uid,
      audiences: spec.audiences?.length ? spec.audiences : ['https://kubernetes.default.svc.cluster.local'],
      expirationSeconds,
    });
    return {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace, creationTimestamp: null },
      spec: { ...spec, audiences: spec.audiences?.length ? spec.audiences : ['https://kubernetes.default.svc.cluster.local'], expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
      status: { token, expirationTimestamp: expiration },
    };
  }

  async review(def: ResourceDef, body: KubeObject, user: UserInfo, namespace: string | undefined): Promise<KubeObject> {
    return answerReview(def.kind, body, user, this.authorizer, namespace);
  }

  /** log, and pods/proxy, services/proxy and nodes/proxy over plain HTTP; exec, attach and portforward need an upgrade. */
  async stream(def: ResourceDef, info: RequestInfo, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const sub = info.subresource!;
    if (sub === 'proxy') return this.proxy(def, info, url, req, res);
    if (def.kind !== 'Pod') throw notFound(def.group, `${def.plural}/${sub}`, info.name!);
    if (sub !== 'log') {
      await this.podOf(info.namespace!, info.name!);
      throw badRequest('Upgrade request required');
    }
    const pod = await this.podOf(info.namespace!, info.name!);
    const container = chooseContainer(pod, url.searchParams.get('container'));
    const location = await this.kubeletOf(pod);
    await this.kubelet().streamGet(location, kubeletPath('log', pod, container, url.searchParams), res, { resource: 'pods/log', name: info.name! });
  }

  /** exec, attach and portforward (and WebSockets through pods/proxy or services/proxy), already authorized. */
  async upgrade(def: ResourceDef, info: RequestInfo, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const sub = info.subresource!;
    if (sub === 'proxy') {
      const { target, path } = await this.proxyTarget(def, info, url);
      this.kubelet().ws(req, socket, head, target, path, def.kind === 'Node');
      return;
    }
    if (def.kind !== 'Pod' || !['exec', 'attach', 'portforward'].includes(sub)) throw badRequest(`${def.plural}/${sub} does not accept an upgrade request`);
    const pod = await this.podOf(info.namespace!, info.name!);
    const container = sub === 'portforward' ? undefined : chooseContainer(pod, url.searchParams.get('container'));
    const location = await this.kubeletOf(pod);
    this.kubelet().upgrade(location, kubeletPath(sub, pod, container, url.searchParams), req, socket, head);
  }

  private kubelet(): KubeletClient {
    if (!this.kubeletClient) throw serviceUnavailable('the API server has no kubelet client certificate');
    return this.kubeletClient;
  }

  private async podOf(namespace: string, name: string): Promise<KubeObject> {
    return this.objects.get(this.pods, namespace, name);
  }

  /** The kubelet that runs the pod (its Node's address and kubelet port). */
  private async kubeletOf(pod: KubeObject): Promise<KubeletLocation> {
    const nodeName = getPath(pod, ['spec', 'nodeName']);
    if (!nodeName) throw badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
    const node = await this.objects.get(this.def('', 'v1', 'nodes'), undefined, String(nodeName));
    return kubeletLocation(node);
  }

  private async proxy(def: ResourceDef, info: RequestInfo, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { target, path } = await this.proxyTarget(def, info, url);
    await this.kubelet().web(req, res, target, path, def.kind === 'Node');
  }

  private async proxyTarget(def: ResourceDef, info: RequestInfo, url: URL): Promise<{ target: string; path: string }> {
    const id = splitSchemeNamePort(info.name!);
    if (!id) throw badRequest(`invalid request ${info.name}`);
    const path = proxiedPath(url);
    if (def.kind === 'Pod') {
      const pod = await this.podOf(info.namespace!, id.name);
      return { target: podProxyTarget(pod, id.scheme, id.port), path };
    }
    if (def.kind === 'Service') {
      const service = await this.objects.get(def, info.namespace, id.name);
      const endpoints = await this.objects.tryGet(this.def('', 'v1', 'endpoints'), info.namespace, id.name);
      return { target: serviceProxyTarget(service, endpoints, id.scheme, id.port, info.name!), path };
    }
    if (def.kind === 'Node') {
      const node = await this.objects.get(def, undefined, id.name);
      return { target: nodeProxyTarget(node, id.scheme, id.port), path };
    }
    throw notFound(def.group, `${def.plural}/proxy`, info.name!);
  }
}
