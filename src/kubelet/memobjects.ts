// PodObjects held in memory, for tests of env and volumes (as memclient.ts is for the API).
import type { KubeObject } from '../api/types.js';
import type { PodObjects } from './env.js';
import type { Json } from './podstatus.js';

/** ConfigMaps, Secrets and Services held in memory. */
export class MemoryObjects implements PodObjects {
  readonly configMaps = new Map<string, KubeObject>();
  readonly secrets = new Map<string, KubeObject>();
  readonly servicesByNs = new Map<string, KubeObject[]>();
  readonly tokenRequests: { namespace: string; serviceAccount: string; spec: Json }[] = [];

  addConfigMap(namespace: string, name: string, data: Record<string, string>): this {
    this.configMaps.set(`${namespace}/${name}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data } as KubeObject);
    return this;
  }
  addSecret(namespace: string, name: string, data: Record<string, string>): this {
    const encoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
    this.secrets.set(`${namespace}/${name}`, { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, data: encoded } as KubeObject);
    return this;
  }
  addService(namespace: string, name: string, clusterIP: string, ports: Json[]): this {
    const list = this.servicesByNs.get(namespace) ?? [];
    list.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { clusterIP, ports } });
    this.servicesByNs.set(namespace, list);
    return this;
  }
  async configMap(namespace: string, name: string) {
    return this.configMaps.get(`${namespace}/${name}`);
  }
  async secret(namespace: string, name: string) {
    return this.secrets.get(`${namespace}/${name}`);
  }
  async services(namespace: string) {
    return this.servicesByNs.get(namespace) ?? [];
  }
  async serviceAccountToken(namespace: string, serviceAccount: string, spec: Json) {
    this.tokenRequests.push({ namespace, serviceAccount, spec });
    return { token: `token-for-${serviceAccount}` };
  }
}

