// kube-proxy in userspace mode, the mode Kubernetes shipped for years: informers on Services and
// EndpointSlices feed a queue of Service keys; reconcile(key) computes the sockets and endpoints
// the Service needs (desired.ts) and brings the running sockets to match. The node agent starts
// one per node; only the node holding the ClusterIPs answers them, every node answers NodePorts.
import type { Client, Informer } from '../client/types.js';
import { splitKey, objectKey } from '../client/types.js';
import { Resources } from '../client/resources.js';
import type { SharedInformers } from '../controllers/context.js';
import { SharedInformerFactory } from '../controllers/informers.js';
import { QueueController } from '../controllers/runner.js';
import { NoopAddressManager, type AddressManager } from './addresses.js';
import { RoundRobin } from './balancer.js';
import { planService, sliceServiceKey, type PlanOptions } from './desired.js';
import { TcpProxySocket } from './tcp.js';
import { UdpProxySocket } from './udp.js';
import type { Endpoint, EndpointSlice, ListenAddress, Logger, PortPlan, Protocol, Service } from './types.js';

export { IpAddressManager, NoopAddressManager, type AddressManager, type IpAddressManagerOptions } from './addresses.js';
export type { Endpoint, PortPlan } from './types.js';

export interface KubeProxyOptions {
  client: Client;
  /** The process's shared informers; made (and stopped with the proxy) from `client` when absent. */
  informers?: SharedInformers;
  nodeName: string;
  /** This node answers ClusterIPs (the control-plane node, which holds them as addresses). */
  clusterIPs: boolean;
  /** The local address a ClusterIP is served on; the ClusterIP itself by default. */
  bindAddress?: (clusterIP: string) => string;
  /** Where NodePorts listen (0.0.0.0 by default). */
  nodePortAddress?: string;
  /** Makes bound ClusterIPs local addresses (nothing by default: they must be local already). */
  addresses?: AddressManager;
  udpIdleTimeoutMs?: number;
  log?: Logger;
}

/** One socket the proxy holds, as status() reports it. */
export interface ListenerStatus {
  service: string;
  servicePort: string;
  protocol: Protocol;
  address: string;
  port: number;
  kind: ListenAddress['kind'];
  listening: boolean;
  endpoints: Endpoint[];
}

interface Listener {
  readonly listening: boolean;
  open(): void;
  close(destroyConnections?: boolean): Promise<void>;
}

interface OpenSocket {
  at: ListenAddress;
  socket: Listener;
  /** The same socket when UDP: told of endpoint changes to end stale sessions. */
  udp?: UdpProxySocket;
}

interface PortRuntime {
  plan: PortPlan;
  balancer: RoundRobin;
  /** By "address:port". */
  listeners: Map<string, OpenSocket>;
}

const SERVICE_INDEX = 'kube-proxy:service';

export class KubeProxy {
  private readonly services: Informer<Service>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly controller: QueueController;
  private readonly informers: SharedInformers;
  private readonly ownsInformers: boolean;
  private readonly plan: PlanOptions;
  private readonly addressManager: AddressManager;
  private readonly log: Logger;
  /** Service key → its ports' running state. */
  private readonly runtime = new Map<string, Map<string, PortRuntime>>();
  /** Local address → the services bound on it; added to the interface while any is. */
  private readonly addressUsers = new Map<string, Set<string>>();
  private readonly addedAddresses = new Set<string>();
  private stopped = false;

  constructor(private readonly opts: KubeProxyOptions) {
    this.ownsInformers = !opts.informers;
    this.informers = opts.informers ?? new SharedInformerFactory(opts.client);
    this.log = opts.log ?? ((m) => console.error(m));
    this.addressManager = opts.addresses ?? new NoopAddressManager();
    this.plan = {
      clusterIPs: opts.clusterIPs,
      bindAddress: opts.bindAddress ?? ((ip) => ip),
      nodePortAddress: opts.nodePortAddress ?? '0.0.0.0',
      nodeName: opts.nodeName,
    };
    this.services = this.informers.informerFor<Service>(Resources.services);
    this.slices = this.informers.informerFor<EndpointSlice>(Resources.endpointslices);
    this.slices.addIndex(SERVICE_INDEX, (s) => {
      const key = sliceServiceKey(s);
      return key ? [key] : [];
    });
    this.controller = new QueueController('kube-proxy', (key) => this.reconcile(key), { log: this.log });
    this.watch();
  }

  /** Starts the informers (if not yet) and, once they have listed, the reconcile worker. */
  async start(): Promise<void> {
    await this.informers.start();
    if (this.stopped) return;
    // One worker: reconciles touch shared state (address refcounts) and are quick.
    this.controller.run(1);
  }

  /** Running, with Services and EndpointSlices listed (what kube-proxy's /healthz reports). */
  healthy(): boolean {
    return !this.stopped && this.services.hasSynced() && this.slices.hasSynced();
  }

  /** Closes every socket and connection, and removes the addresses it added. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.controller.stop();
    await this.controller.drained();
    const closing: Promise<void>[] = [];
    for (const ports of this.runtime.values()) {
      for (const port of ports.values()) for (const l of port.listeners.values()) closing.push(l.socket.close(true));
    }
    this.runtime.clear();
    await Promise.all(closing);
    for (const ip of [...this.addedAddresses]) await this.removeAddress(ip);
    this.addressUsers.clear();
    if (this.ownsInformers) this.informers.stop();
  }

  /** Every socket the proxy holds, for `skiff status`-style reporting and tests. */
  status(): ListenerStatus[] {
    const out: ListenerStatus[] = [];
    for (const [service, ports] of this.runtime) {
      for (const port of ports.values()) {
        for (const { at, socket } of port.listeners.values()) {
          out.push({
            service,
            servicePort: port.plan.id,
            protocol: port.plan.protocol,
            ...at,
            listening: socket.listening,
            endpoints: [...port.balancer.current()],
          });
        }
      }
    }
    return out;
  }

  /** Brings one Service's sockets to what its cached Service and slices call for. Idempotent. */
  async reconcile(key: string): Promise<void> {
    if (this.stopped) return;
    const { namespace, name } = splitKey(key);
    const svc = this.services.get(namespace, name);
    const slices = svc ? this.slices.byIndex(SERVICE_INDEX, key) : [];
    const plans = planService(svc, slices, this.plan);
    const wanted = clusterAddresses(plans);
    // Addresses first so the new sockets can bind; a failure is reported after the sockets are
    // in place (they retry binding), so endpoint changes of working ports are never held up.
    const addError = await this.ensureAddresses(key, wanted);
    if (this.stopped) return;
    this.apply(key, plans);
    await this.releaseAddresses(key, wanted);
    if (addError) throw addError;
  }

  private watch(): void {
    const enqueue = (obj: Service): void => this.controller.enqueueKey(objectKey(obj));
    this.services.addEventHandler({ add: enqueue, update: (_old, obj) => enqueue(obj), delete: enqueue });
    const enqueueSlice = (s: EndpointSlice): void => {
      const key = sliceServiceKey(s);
      if (key) this.controller.enqueueKey(key);
    };
    this.slices.addEventHandler({
      add: enqueueSlice,
      // A relabelled slice moves between Services: both must look again.
      update: (old, obj) => {
        enqueueSlice(old);
        enqueueSlice(obj);
      },
      delete: enqueueSlice,
    });
  }

  // ---- sockets ----

  private apply(key: string, plans: PortPlan[]): void {
    const current = this.runtime.get(key) ?? new Map<string, PortRuntime>();
    const next = new Map<string, PortRuntime>();
    for (const plan of plans) {
      const port = current.get(plan.id) ?? { plan, balancer: new RoundRobin(), listeners: new Map() };
      current.delete(plan.id);
      port.plan = plan;
      port.balancer.update(plan.endpoints, plan.affinity);
      this.syncListeners(key, port);
      next.set(plan.id, port);
    }
    // Ports the Service no longer has (or the Service itself gone): stop accepting on them.
    for (const gone of current.values()) for (const l of gone.listeners.values()) void l.socket.close();
    if (next.size > 0) this.runtime.set(key, next);
    else this.runtime.delete(key);
  }

  private syncListeners(key: string, port: PortRuntime): void {
    const wanted = new Map(port.plan.listen.map((at) => [`${at.address}:${at.port}`, at]));
    for (const [addr, l] of port.listeners) {
      if (wanted.has(addr)) continue;
      void l.socket.close();
      port.listeners.delete(addr);
    }
    for (const [addr, at] of wanted) {
      const existing = port.listeners.get(addr);
      if (existing) {
        existing.udp?.retainEndpoints(port.plan.endpoints);
        continue;
      }
      port.listeners.set(addr, this.openListener(key, port, at));
    }
  }

  private openListener(key: string, port: PortRuntime, at: ListenAddress): OpenSocket {
    const common = {
      address: at.address,
      port: at.port,
      pick: (clientIP: string, reset?: boolean) => port.balancer.next(clientIP, reset),
      log: (m: string) => this.log(`${m} (service ${key})`),
    };
    if (port.plan.protocol === 'UDP') {
      const udp = new UdpProxySocket({ ...common, idleTimeoutMs: this.opts.udpIdleTimeoutMs });
      udp.open();
      return { at, socket: udp, udp };
    }
    const tcp = new TcpProxySocket(common);
    tcp.open();
    return { at, socket: tcp };
  }

  // ---- addresses ----

  private async ensureAddresses(key: string, wanted: Set<string>): Promise<Error | undefined> {
    let failure: Error | undefined;
    for (const ip of wanted) {
      let users = this.addressUsers.get(ip);
      if (!users) this.addressUsers.set(ip, (users = new Set()));
      users.add(key);
      if (this.addedAddresses.has(ip)) continue;
      try {
        await this.addressManager.add(ip);
        this.addedAddresses.add(ip);
      } catch (err) {
        failure = new Error(`add address ${ip}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return failure;
  }

  /** Drops the Service's claim on addresses it no longer binds; the last claim removes the address. */
  private async releaseAddresses(key: string, wanted: Set<string>): Promise<void> {
    for (const [ip, users] of [...this.addressUsers]) {
      if (wanted.has(ip) || !users.delete(key) || users.size > 0) continue;
      this.addressUsers.delete(ip);
      await this.removeAddress(ip);
    }
  }

  private async removeAddress(ip: string): Promise<void> {
    if (!this.addedAddresses.delete(ip)) return;
    try {
      await this.addressManager.remove(ip);
    } catch (err) {
      // A stale address only answers ARP for a ClusterIP nobody serves; not worth failing over.
      this.log(`kube-proxy: remove address ${ip}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** The local addresses ClusterIP sockets bind (NodePorts bind the node's own address). */
function clusterAddresses(plans: PortPlan[]): Set<string> {
  const out = new Set<string>();
  for (const p of plans) for (const l of p.listen) if (l.kind === 'clusterIP') out.add(l.address);
  return out;
}
