// `skiff service`: a Service's node ports reached from the host through the host proxy, and the
// list of every Service with where it answers (minikube's `service` and `service list`).
import { ExitCode, UserError } from './errors.js';
import { isNotFound } from '../client/client.js';
import { Resources } from '../client/resources.js';
import type { KubeObject } from '../api/types.js';
import type { Driver } from '../driver/driver.js';
import { connectCluster } from './access.js';
import { ensureHostProxy, liveProxies, type Forward, type ProxyRecord } from './hostproxy.js';
import type { EventSink } from './progress.js';

interface ServicePort {
  name?: string;
  protocol?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}

interface ServiceSpec {
  type?: string;
  ports?: ServicePort[];
}

type Service = KubeObject & { spec?: ServiceSpec };

const EXPOSED_TYPES = ['NodePort', 'LoadBalancer'];

/** The TCP ports a host proxy can serve: those with a node port (UDP is not proxied). */
export function proxiedPorts(svc: Service): ServicePort[] {
  return (svc.spec?.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP' && p.nodePort);
}

export function notExposed(namespace: string, name: string, type: string): UserError {
  return new UserError(
    `service ${namespace}/${name} is not a NodePort service (its type is ${type})`,
    `give it a node port: kubectl expose deployment ${name} -n ${namespace} --type=NodePort --port=<port>, or kubectl patch service ${name} -n ${namespace} -p '{"spec":{"type":"NodePort"}}'`,
    ExitCode.usage,
  );
}

export function serviceNotFound(namespace: string, name: string, profile: string): UserError {
  return new UserError(
    `service '${name}' was not found in '${namespace}' namespace`,
    `pick another namespace with \`skiff service ${name} -n <namespace>\`, or list them all with \`skiff service list -p ${profile}\``,
    ExitCode.notFound,
  );
}

/** What the proxy forwards for each of a NodePort/LoadBalancer Service's TCP ports, to the control-plane node. */
export function forwardsOf(svc: Service, nodeIp: string, profile: string): Forward[] {
  const namespace = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name!;
  const type = svc.spec?.type ?? 'ClusterIP';
  if (!EXPOSED_TYPES.includes(type)) throw notExposed(namespace, name, type);
  const ports = proxiedPorts(svc);
  if (ports.length === 0) {
    throw new UserError(`service ${namespace}/${name} has no TCP port with a node port`, `see its ports: skiff kubectl -p ${profile} -- get service ${name} -n ${namespace} -o yaml`, ExitCode.usage);
  }
  return ports.map((p) => ({ name: p.name ?? '', port: p.port, nodePort: p.nodePort!, target: `${nodeIp}:${p.nodePort}`, hostPort: 0 }));
}

export function urlsOf(record: ProxyRecord): string[] {
  return record.forwards.map((f) => `http://127.0.0.1:${f.hostPort}`);
}

export interface ServiceOptions {
  profile: string;
  namespace: string;
  name: string;
}

/** Reads the Service through the API and makes sure a host proxy serves its node ports; returns one URL per port. */
export async function exposeService(driver: Driver, sink: EventSink, o: ServiceOptions): Promise<string[]> {
  const access = await connectCluster(driver, o.profile);
  try {
    let svc: Service;
    try {
      svc = await access.client.get<Service>(Resources.services, o.namespace, o.name);
    } catch (err) {
      if (isNotFound(err)) throw serviceNotFound(o.namespace, o.name, o.profile);
      throw err;
    }
    const nodeIp = await access.controlPlane.ip();
    const record = await ensureHostProxy(o.profile, o.namespace, o.name, forwardsOf(svc, nodeIp, o.profile));
    sink.emit({ type: 'info', message: `host proxy (pid ${record.pid}) forwards ${record.forwards.map((f) => `127.0.0.1:${f.hostPort} → ${f.target}`).join(', ')}` });
    return urlsOf(record);
  } finally {
    access.client.close();
  }
}

export interface ServiceRow {
  namespace: string;
  name: string;
  /** "name/port" per port as minikube shows them, or "No node port". */
  targetPort: string;
  /** One URL per node port: the host proxy's when one serves it, else the node's address. */
  urls: string[];
}

/** `skiff service list`: every Service (of one namespace, or all). */
export async function listServices(driver: Driver, profile: string, namespace?: string): Promise<ServiceRow[]> {
  const access = await connectCluster(driver, profile);
  try {
    const list = await access.client.list<Service>(Resources.services, namespace);
    const nodeIp = await access.controlPlane.ip();
    const proxies = liveProxies(profile);
    return list.items.map((svc) => serviceRow(svc, nodeIp, proxies)).sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  } finally {
    access.client.close();
  }
}

export function serviceRow(svc: Service, nodeIp: string, proxies: ProxyRecord[]): ServiceRow {
  const namespace = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name!;
  const ports = EXPOSED_TYPES.includes(svc.spec?.type ?? 'ClusterIP') ? proxiedPorts(svc) : [];
  if (ports.length === 0) return { namespace, name, targetPort: 'No node port', urls: [] };
  const proxy = proxies.find((r) => r.namespace === namespace && r.service === name);
  return {
    namespace,
    name,
    targetPort: ports.map((p) => (p.name ? `${p.name}/${p.port}` : String(p.port))).join(' '),
    urls: ports.map((p) => {
      const served = proxy?.forwards.find((f) => f.port === p.port && f.target === `${nodeIp}:${p.nodePort}`);
      return served ? `http://127.0.0.1:${served.hostPort}` : `http://${nodeIp}:${p.nodePort}`;
    }),
  };
}
