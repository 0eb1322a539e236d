// The API objects the agent reads for a pod's environment and volumes. ConfigMaps and Secrets are
// read with a GET when a container starts (the kubelet's "Get" change-detection strategy): always
// fresh, and no node-wide cache of every Secret in the cluster. Services come from an informer, as
// the kubelet's service lister: every container start needs all of a namespace's Services.
import type { KubeObject } from '../api/types.js';
import { Resources } from '../client/resources.js';
import type { Client, Informer } from '../client/types.js';
import type { PodObjects } from './env.js';
import { apiCode } from './errors.js';
import type { Json } from './podstatus.js';

export class ApiPodObjects implements PodObjects {
  constructor(private readonly client: Client, private readonly servicesInformer?: Informer) {}

  configMap(namespace: string, name: string): Promise<KubeObject | undefined> {
    return this.getOrUndefined(Resources.configmaps, namespace, name);
  }

  secret(namespace: string, name: string): Promise<KubeObject | undefined> {
    return this.getOrUndefined(Resources.secrets, namespace, name);
  }

  async services(namespace: string): Promise<KubeObject[]> {
    if (this.servicesInformer?.hasSynced()) return this.servicesInformer.list().filter((s) => s.metadata.namespace === namespace);
    return (await this.client.list(Resources.services, namespace)).items;
  }

  async serviceAccountToken(namespace: string, serviceAccount: string, spec: Json): Promise<{ token: string; expirationTimestamp?: string }> {
    const request = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: { name: serviceAccount, namespace }, spec };
    const answer = await this.client.createSubresource<{ status?: { token?: string; expirationTimestamp?: string } }>(Resources.serviceaccounts, namespace, serviceAccount, 'token', request);
    if (!answer.status?.token) throw new Error(`the token request for service account ${namespace}/${serviceAccount} returned no token`);
    return { token: answer.status.token, expirationTimestamp: answer.status.expirationTimestamp };
  }

  private async getOrUndefined(ref: typeof Resources.configmaps, namespace: string, name: string): Promise<KubeObject | undefined> {
    try {
      return await this.client.get(ref, namespace, name);
    } catch (err) {
      if (apiCode(err) === 404) return undefined;
      throw err;
    }
  }
}
