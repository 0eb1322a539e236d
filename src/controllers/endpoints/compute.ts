// What a Service's Endpoints should hold, computed from the Service and its pods (upstream
// pkg/controller/endpoint/endpoints_controller.go syncService, pkg/api/v1/endpoints RepackSubsets).
// Pure: no client, no cache; the EndpointSlice controller shares the pod helpers.
import { isPodReady } from '../podutil.js';
import type { Endpoints, EndpointAddress, EndpointPort, EndpointSubset, Pod, Service, ServicePort } from './types.js';

export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
export const TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';
export const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';
/** Upstream truncates an Endpoints object to this many addresses (EndpointSlices have no limit). */
export const MAX_ENDPOINTS_CAPACITY = 1000;

/** A pod is ready when its Ready condition is True (podutil.IsPodReady). */
export function podIsReady(pod: Pod): boolean {
  return isPodReady(pod);
}

export function podIsTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** endpointsliceutil.ShouldPodBeInEndpoints: not terminal, has an IP, and (unless included) not terminating. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (podIsTerminal(pod)) return false;
  if (!pod.status?.podIP && !(pod.status?.podIPs ?? []).length) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

/** True when the Service has a ClusterIP (not headless, not ExternalName without one). */
export function isServiceIPSet(svc: Service): boolean {
  const ip = svc.spec?.clusterIP;
  return ip !== undefined && ip !== '' && ip !== 'None';
}

/**
 * Services whose endpoints this controller keeps: a non-empty selector and not ExternalName.
 * A Service without a selector has its endpoints written by someone else; `default/kubernetes`
 * is kept by the API server itself.
 */
export function managesEndpointsOf(svc: Service): boolean {
  if (svc.metadata.namespace === 'default' && svc.metadata.name === 'kubernetes') return false;
  if (svc.spec?.type === 'ExternalName') return false;
  return Object.keys(svc.spec?.selector ?? {}).length > 0;
}

/** A Service selector is a plain label map: every pair must be on the pod. */
export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  const have = labels ?? {};
  return Object.entries(selector).every(([k, v]) => have[k] === v);
}

export function serviceSelectsPod(svc: Service, pod: Pod): boolean {
  return svc.metadata.namespace === pod.metadata.namespace && selectorMatches(svc.spec?.selector, pod.metadata.labels);
}

/** The pod's IP of the Service's family (the first family; IPv4 unless the Service says otherwise). */
export function podIPForService(svc: Service, pod: Pod): string | undefined {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip);
  if (pod.status?.podIP && !ips.includes(pod.status.podIP)) ips.unshift(pod.status.podIP);
  const wantV6 = svc.spec?.ipFamilies?.[0] === 'IPv6';
  return ips.find((ip) => ip.includes(':') === wantV6);
}

/** A hostname is published only for pods that name this Service as their subdomain. */
export function shouldSetHostname(pod: Pod, svc: Service): boolean {
  return Boolean(pod.spec?.hostname) && pod.spec?.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace;
}

/**
 * podutil.FindPort: a numeric targetPort is used as is; a named one is looked up among the
 * containers' ports (and restartable init containers') with the same protocol.
 */
export function findPort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = port.protocol ?? 'TCP';
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  for (const c of [...(pod.spec?.containers ?? []), ...sidecars]) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

export function endpointPort(port: ServicePort, portNum: number): EndpointPort {
  const out: EndpointPort = { port: portNum, protocol: port.protocol ?? 'TCP' };
  if (port.name) out.name = port.name;
  if (port.appProtocol) out.appProtocol = port.appProtocol;
  return out;
}

function podAddress(svc: Service, pod: Pod, ip: string): EndpointAddress {
  const addr: EndpointAddress = { ip };
  if (shouldSetHostname(pod, svc)) addr.hostname = pod.spec!.hostname;
  if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
  addr.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name!, uid: pod.metadata.uid };
  return addr;
}

/** Ready addresses unless the pod is not ready and the Service does not publish those. */
function addressIsReady(svc: Service, pod: Pod): boolean {
  return Boolean(svc.spec?.publishNotReadyAddresses) || podIsReady(pod);
}

export interface ComputedEndpoints {
  subsets: EndpointSubset[];
  ready: number;
  notReady: number;
}

/** The subsets for a Service from the pods it selects (pods it does not select are ignored). */
export function computeSubsets(svc: Service, pods: Pod[]): ComputedEndpoints {
  const raw: EndpointSubset[] = [];
  let ready = 0;
  let notReady = 0;
  const publishNotReady = Boolean(svc.spec?.publishNotReadyAddresses);
  const ports = svc.spec?.ports ?? [];
  for (const pod of pods) {
    if (!serviceSelectsPod(svc, pod) || !shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const ip = podIPForService(svc, pod);
    if (!ip) continue;
    const addr = podAddress(svc, pod, ip);
    const isReady = addressIsReady(svc, pod);
    const add = (epPorts: EndpointPort[] | undefined) => {
      raw.push(isReady ? { addresses: [addr], ports: epPorts } : { notReadyAddresses: [addr], ports: epPorts });
      if (isReady) ready++;
      else notReady++;
    };
    // A headless Service may have no ports: its pods are still listed.
    if (ports.length === 0) {
      if (svc.spec?.clusterIP === 'None') add(undefined);
      continue;
    }
    for (const port of ports) {
      const num = findPort(pod, port);
      if (num !== undefined) add([endpointPort(port, num)]);
    }
  }
  return { subsets: repackSubsets(raw), ready, notReady };
}

function addressKey(a: EndpointAddress): string {
  return `${a.ip}/${a.targetRef?.uid ?? ''}`;
}

function portKey(p: EndpointPort | undefined): string {
  return p ? JSON.stringify([p.name ?? '', p.port, p.protocol ?? '', p.appProtocol ?? '']) : '';
}

/**
 * RepackSubsets: one subset per distinct set of addresses, holding every port those addresses
 * share. An address not ready on any port is not ready on that port ("not ready trumps ready").
 */
export function repackSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
  const addrs = new Map<string, EndpointAddress>();
  const ports = new Map<string, EndpointPort | undefined>();
  const byPort = new Map<string, Map<string, boolean>>(); // port key -> address key -> ready
  const mark = (pk: string, a: EndpointAddress, ready: boolean) => {
    const ak = addressKey(a);
    if (!addrs.has(ak)) addrs.set(ak, a);
    let set = byPort.get(pk);
    if (!set) byPort.set(pk, (set = new Map()));
    const was = set.get(ak);
    if (was === undefined || was) set.set(ak, ready);
  };
  for (const ss of subsets) {
    // A subset without ports keeps its addresses under a sentinel port.
    const list = ss.ports?.length ? ss.ports : [undefined];
    for (const p of list) {
      const pk = portKey(p);
      ports.set(pk, p);
      for (const a of ss.addresses ?? []) mark(pk, a, true);
      for (const a of ss.notReadyAddresses ?? []) mark(pk, a, false);
    }
  }
  // Group ports by the exact (address, ready) set they serve.
  const groups = new Map<string, { set: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const [pk, set] of byPort) {
    const key = JSON.stringify([...set.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { set, ports: [] }));
    const p = ports.get(pk);
    if (p) g.ports.push(p);
  }
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ss: EndpointSubset = {};
    const ready = [...g.set].filter(([, r]) => r).map(([k]) => addrs.get(k)!);
    const notReady = [...g.set].filter(([, r]) => !r).map(([k]) => addrs.get(k)!);
    if (ready.length) ss.addresses = ready.sort(compareAddress);
    if (notReady.length) ss.notReadyAddresses = notReady.sort(compareAddress);
    if (g.ports.length) ss.ports = g.ports.sort(comparePort);
    out.push(ss);
  }
  return out.sort((a, b) => compareSubsetKey(subsetKey(a), subsetKey(b)));
}

/** IPs compare numerically octet by octet, so 10.0.0.9 sorts before 10.0.0.10. */
function ipSortKey(ip: string): string {
  if (ip.includes(':')) return `z${ip}`;
  return ip.split('.').map((o) => o.padStart(3, '0')).join('.');
}

function compareAddress(a: EndpointAddress, b: EndpointAddress): number {
  const ka = ipSortKey(a.ip);
  const kb = ipSortKey(b.ip);
  if (ka !== kb) return ka < kb ? -1 : 1;
  const ua = a.targetRef?.uid ?? '';
  const ub = b.targetRef?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

function comparePort(a: EndpointPort, b: EndpointPort): number {
  const na = a.name ?? '';
  const nb = b.name ?? '';
  if (na !== nb) return na < nb ? -1 : 1;
  return a.port - b.port;
}

function subsetKey(ss: EndpointSubset): string {
  const first = ss.addresses?.[0] ?? ss.notReadyAddresses?.[0];
  return `${first ? ipSortKey(first.ip) : ''}|${(ss.ports ?? []).map(portKey).join(',')}`;
}

function compareSubsetKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Endpoints keep no more than MAX_ENDPOINTS_CAPACITY addresses (ready ones first). */
export function truncateSubsets(subsets: EndpointSubset[], max = MAX_ENDPOINTS_CAPACITY): { subsets: EndpointSubset[]; truncated: boolean } {
  const total = subsets.reduce((n, ss) => n + (ss.addresses?.length ?? 0) + (ss.notReadyAddresses?.length ?? 0), 0);
  if (total <= max) return { subsets, truncated: false };
  let left = max;
  const out: EndpointSubset[] = [];
  for (const ss of subsets) {
    const addresses = (ss.addresses ?? []).slice(0, left);
    left -= addresses.length;
    const notReadyAddresses = (ss.notReadyAddresses ?? []).slice(0, left);
    left -= notReadyAddresses.length;
    if (!addresses.length && !notReadyAddresses.length) continue;
    const next: EndpointSubset = { ...ss };
    if (addresses.length) next.addresses = addresses;
    else delete next.addresses;
    if (notReadyAddresses.length) next.notReadyAddresses = notReadyAddresses;
    else delete next.notReadyAddresses;
    out.push(next);
  }
  return { subsets: out, truncated: true };
}

/** The Endpoints' labels: the Service's, plus the headless marker when it has no ClusterIP. */
export function endpointsLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  if (isServiceIPSet(svc)) delete labels[HEADLESS_LABEL];
  else labels[HEADLESS_LABEL] = '';
  return labels;
}

/**
 * The last-change-trigger-time: the latest change that moved the endpoints, i.e. the Service's
 * creation or a selected pod's readiness transition (upstream's TriggerTimeTracker, stateless).
 */
export function lastChangeTriggerTime(svc: Service, pods: Pod[]): string | undefined {
  let best = svc.metadata.creationTimestamp ?? undefined;
  for (const pod of pods) {
    if (!serviceSelectsPod(svc, pod)) continue;
    const ready = (pod.status?.conditions ?? []).find((c) => c.type === 'Ready');
    const t = ready?.lastTransitionTime ?? pod.metadata.creationTimestamp ?? undefined;
    if (t && (!best || Date.parse(t) > Date.parse(best))) best = t;
  }
  return best ?? undefined;
}

/** Subsets compared as the API returns them (JSON order of our own writes is stable). */
export function subsetsEqual(a: EndpointSubset[] | undefined, b: EndpointSubset[] | undefined): boolean {
  return JSON.stringify(normalizeSubsets(a)) === JSON.stringify(normalizeSubsets(b));
}

function normalizeSubsets(subsets: EndpointSubset[] | undefined): EndpointSubset[] {
  return repackSubsets(subsets ?? []).map((ss) => {
    const norm = (list: EndpointAddress[] | undefined) =>
      list?.map((a) => ({ ip: a.ip, hostname: a.hostname || undefined, nodeName: a.nodeName || undefined, targetRef: a.targetRef ? { kind: a.targetRef.kind, namespace: a.targetRef.namespace, name: a.targetRef.name, uid: a.targetRef.uid } : undefined }));
    return { addresses: norm(ss.addresses), notReadyAddresses: norm(ss.notReadyAddresses), ports: ss.ports?.map((p) => ({ name: p.name || undefined, port: p.port, protocol: p.protocol ?? 'TCP', appProtocol: p.appProtocol })) };
  });
}

export function labelsEqual(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ea = Object.entries(a ?? {}).sort();
  const eb = Object.entries(b ?? {}).sort();
  return JSON.stringify(ea) === JSON.stringify(eb);
}

/**
 * The Endpoints object to write, or undefined when `current` already says the same. Never
 * changes `current` (it may be a cached object).
 */
export function desiredEndpoints(svc: Service, pods: Pod[], current: Endpoints | undefined): Endpoints | undefined {
  const computed = computeSubsets(svc, pods);
  const { subsets, truncated } = truncateSubsets(computed.subsets);
  const labels = endpointsLabels(svc);
  const overCapacity = current?.metadata.annotations?.[OVER_CAPACITY_ANNOTATION];
  if (current && subsetsEqual(current.subsets, subsets) && labelsEqual(current.metadata.labels, labels) &&
      (overCapacity === 'truncated') === truncated) {
    return undefined;
  }
  const next: Endpoints = current
    ? { ...structuredClone(current), subsets }
    : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: svc.metadata.name, namespace: svc.metadata.namespace }, subsets };
  // An empty list is left out, as upstream's omitempty does.
  if (subsets.length === 0) delete next.subsets;
  next.metadata.labels = labels;
  const annotations: Record<string, string> = { ...(next.metadata.annotations ?? {}) };
  const trigger = lastChangeTriggerTime(svc, pods);
  if (trigger) annotations[TRIGGER_TIME_ANNOTATION] = trigger;
  else delete annotations[TRIGGER_TIME_ANNOTATION];
  if (truncated) annotations[OVER_CAPACITY_ANNOTATION] = 'truncated';
  else delete annotations[OVER_CAPACITY_ANNOTATION];
  next.metadata.annotations = annotations;
  return next;
}
