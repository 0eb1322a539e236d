// What kube-proxy should serve for one Service: per service port, the sockets to listen on and
// the endpoints to forward to (upstream pkg/proxy servicechangetracker.go, endpointslicecache.go
// and topology.go, reduced to what a userspace proxy needs). Pure: reads the cached objects and
// never changes them.
import type { Affinity, Endpoint, EndpointSlice, ListenAddress, PortPlan, Protocol, Service, ServicePort, SliceEndpoint } from './types.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** The API server's default sessionAffinityConfig.clientIP.timeoutSeconds (3 hours). */
export const DEFAULT_AFFINITY_SECONDS = 10800;

export interface PlanOptions {
  /** This node answers ClusterIPs (only the node that holds them as addresses does). */
  clusterIPs: boolean;
  /** The local address a ClusterIP is served on (the ClusterIP itself in a node container). */
  bindAddress: (clusterIP: string) => string;
  nodePortAddress: string;
  nodeName: string;
}

/** The service's key in the work queue ("ns/name") that a slice belongs to, if labelled. */
export function sliceServiceKey(slice: EndpointSlice): string | undefined {
  const name = slice.metadata.labels?.[SERVICE_NAME_LABEL];
  return name ? `${slice.metadata.namespace ?? ''}/${name}` : undefined;
}

/** Every port plan of a Service; none for a missing, ExternalName or portless one. */
export function planService(svc: Service | undefined, slices: EndpointSlice[], opts: PlanOptions): PortPlan[] {
  if (!svc || svc.spec?.type === 'ExternalName') return [];
  const plans: PortPlan[] = [];
  for (const port of svc.spec?.ports ?? []) plans.push(...planPort(svc, port, slices, opts));
  return plans;
}

/**
 * One service port's plans. ClusterIP and NodePort traffic share one balancer (and so one
 * round-robin and one affinity table, as in upstream) unless their traffic policies pick
 * different endpoints; then each gets its own.
 */
function planPort(svc: Service, port: ServicePort, slices: EndpointSlice[], opts: PlanOptions): PortPlan[] {
  const protocol = protocolOf(port);
  if (!protocol) return [];
  const all = portEndpoints(slices, port);
  const base = servicePortName(svc, port, protocol);
  const affinity = affinityOf(svc);
  const internalLocal = svc.spec?.internalTrafficPolicy === 'Local';
  const externalLocal = svc.spec?.externalTrafficPolicy === 'Local';
  const cluster = opts.clusterIPs ? clusterListen(svc, port, opts) : [];
  const node = nodePortListen(svc, port, opts);
  const forCluster = chooseEndpoints(all, internalLocal ? opts.nodeName : undefined);
  const forNode = chooseEndpoints(all, externalLocal ? opts.nodeName : undefined);
  if (internalLocal === externalLocal) return plan(base, protocol, forCluster, affinity, [...cluster, ...node]);
  return [
    ...plan(internalLocal ? `${base}@local` : base, protocol, forCluster, affinity, cluster),
    ...plan(externalLocal ? `${base}@local` : base, protocol, forNode, affinity, node),
  ];
}

function plan(id: string, protocol: Protocol, endpoints: Endpoint[], affinity: Affinity | undefined, listen: ListenAddress[]): PortPlan[] {
  if (listen.length === 0) return [];
  return [{ id, protocol, endpoints, ...(affinity ? { affinity } : {}), listen: dedupeListen(listen) }];
}

/** Upstream's ServicePortName: "ns/name:port/PROTOCOL". */
export function servicePortName(svc: Service, port: ServicePort, protocol: Protocol): string {
  return `${svc.metadata.namespace ?? ''}/${svc.metadata.name}:${port.name ?? ''}/${protocol}`;
}

/** TCP and UDP only: SCTP needs kernel support a userspace proxy cannot give. */
export function protocolOf(port: ServicePort): Protocol | undefined {
  const p = port.protocol ?? 'TCP';
  return p === 'TCP' || p === 'UDP' ? p : undefined;
}

export function affinityOf(svc: Service): Affinity | undefined {
  if (svc.spec?.sessionAffinity !== 'ClientIP') return undefined;
  const seconds = svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS;
  return { timeoutMs: seconds * 1000 };
}

/** The Service's ClusterIPs (dual-stack lists them all in clusterIPs); none when headless. */
export function clusterIPsOf(svc: Service): string[] {
  const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : [svc.spec?.clusterIP ?? ''];
  return ips.filter((ip) => ip !== '' && ip !== 'None');
}

function clusterListen(svc: Service, port: ServicePort, opts: PlanOptions): ListenAddress[] {
  return clusterIPsOf(svc).map((ip) => ({ address: opts.bindAddress(ip), port: port.port, kind: 'clusterIP' as const }));
}

function nodePortListen(svc: Service, port: ServicePort, opts: PlanOptions): ListenAddress[] {
  const type = svc.spec?.type;
  if ((type !== 'NodePort' && type !== 'LoadBalancer') || !port.nodePort) return [];
  return [{ address: opts.nodePortAddress, port: port.nodePort, kind: 'nodePort' }];
}

/** A bindAddress mapping may send two ClusterIPs (IPv4 and IPv6) to one local address. */
function dedupeListen(listen: ListenAddress[]): ListenAddress[] {
  const seen = new Map<string, ListenAddress>();
  for (const l of listen) seen.set(`${l.address}:${l.port}`, l);
  return [...seen.values()];
}

/** An endpoint of one service port, with the conditions kube-proxy filters on. */
export interface CandidateEndpoint extends Endpoint {
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  nodeName?: string;
}

/**
 * The endpoints serving one service port, from every slice of the Service. The slice port whose
 * name is the service port's name carries the number: the EndpointSlice controller has already
 * resolved a named targetPort against each pod's containers, so pods serving the name on
 * different numbers land in different slices, each with its own number.
 */
export function portEndpoints(slices: EndpointSlice[], port: ServicePort): CandidateEndpoint[] {
  const name = port.name ?? '';
  const protocol = port.protocol ?? 'TCP';
  const out = new Map<string, CandidateEndpoint>();
  for (const slice of slices) {
    // FQDN slices have no defined proxy semantics (the discovery/v1 docs say kube-proxy skips them).
    if (slice.addressType === 'FQDN') continue;
    const number = slicePortNumber(slice, name, protocol);
    if (number === undefined) continue;
    for (const ep of slice.endpoints ?? []) {
      const candidate = candidateOf(ep, number);
      if (!candidate) continue;
      const key = `${candidate.ip}:${candidate.port}`;
      // The same endpoint in two slices (mid-move between them): keep the more ready view.
      const seen = out.get(key);
      if (!seen || (candidate.ready && !seen.ready)) out.set(key, candidate);
    }
  }
  return [...out.values()].sort(compareEndpoints);
}

/** The port number a slice gives a service port name, if the slice serves it. */
export function slicePortNumber(slice: EndpointSlice, name: string, protocol: string): number | undefined {
  const match = (slice.ports ?? []).find((p) => (p.name ?? '') === name && (p.protocol ?? 'TCP') === protocol);
  const n = match?.port;
  return typeof n === 'number' && n > 0 && n <= 65535 ? n : undefined;
}

function candidateOf(ep: SliceEndpoint, port: number): CandidateEndpoint | undefined {
  const ip = ep.addresses?.[0];
  if (!ip) return undefined;
  const c = ep.conditions ?? {};
  // discovery/v1: a nil ready or serving means true; a nil terminating means false.
  const ready = c.ready !== false;
  const serving = c.serving === undefined || c.serving === null ? ready : c.serving;
  return { ip, port, ready, serving, terminating: c.terminating === true, ...(ep.nodeName ? { nodeName: ep.nodeName } : {}) };
}

/**
 * The endpoints traffic may go to: the ready ones, optionally only this node's. When none is
 * ready, serving-and-terminating endpoints take the traffic (upstream KEP-1669, default since
 * 1.28) so a rolling update does not drop connections while the old pods finish.
 */
export function chooseEndpoints(candidates: CandidateEndpoint[], onlyNode?: string): Endpoint[] {
  const scoped = onlyNode === undefined ? candidates : candidates.filter((c) => c.nodeName === onlyNode);
  const ready = scoped.filter((c) => c.ready);
  const chosen = ready.length > 0 ? ready : scoped.filter((c) => c.serving && c.terminating);
  return chosen.map(({ ip, port }) => ({ ip, port }));
}

function compareEndpoints(a: Endpoint, b: Endpoint): number {
  const x = `${a.ip}:${a.port}`;
  const y = `${b.ip}:${b.port}`;
  return x < y ? -1 : x > y ? 1 : 0;
}
