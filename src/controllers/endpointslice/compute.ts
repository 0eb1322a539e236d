// What a Service's EndpointSlices should hold and how to get there from the slices that exist
// (upstream pkg/controller/endpointslice reconciler.go, utils.go). Pure: plans creates, updates
// and deletes; the controller executes them.
import {
  endpointPort,
  findPort,
  isServiceIPSet,
  podIPForService,
  podIsReady,
  serviceSelectsPod,
  shouldPodBeInEndpoints,
  shouldSetHostname,
  HEADLESS_LABEL,
  TRIGGER_TIME_ANNOTATION,
} from '../endpoints/compute.js';
import type { EndpointPort, EndpointSlice, Pod, Service, SliceEndpoint } from '../endpoints/types.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
/** Upstream's default --max-endpoints-per-slice. */
export const MAX_ENDPOINTS_PER_SLICE = 100;

export function addressTypeFor(svc: Service): 'IPv4' | 'IPv6' {
  return svc.spec?.ipFamilies?.[0] === 'IPv6' ? 'IPv6' : 'IPv4';
}

/** One pod as a slice endpoint; `ready` is never true for a terminating pod unless published anyway. */
export function podToEndpoint(svc: Service, pod: Pod, ip: string): SliceEndpoint {
  const serving = podIsReady(pod);
  const terminating = Boolean(pod.metadata.deletionTimestamp);
  const ready = Boolean(svc.spec?.publishNotReadyAddresses) || (serving && !terminating);
  const ep: SliceEndpoint = { addresses: [ip], conditions: { ready, serving, terminating } };
  if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec!.hostname;
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  ep.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name!, uid: pod.metadata.uid };
  return ep;
}

/** The Service's ports as this pod serves them (named targetPorts resolved from its containers). */
export function endpointPortsFor(svc: Service, pod: Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const port of svc.spec?.ports ?? []) {
    const num = findPort(pod, port);
    if (num !== undefined) out.push(endpointPort(port, num));
  }
  return out;
}

export function portsKey(ports: EndpointPort[] | null | undefined): string {
  return JSON.stringify((ports ?? []).map((p) => [p.name ?? '', p.port, p.protocol ?? 'TCP', p.appProtocol ?? '']).sort());
}

export interface DesiredSlice {
  ports: EndpointPort[];
  endpoints: SliceEndpoint[];
}

/**
 * The slices a Service needs: pods grouped by the ports they serve, at most
 * MAX_ENDPOINTS_PER_SLICE per slice; a Service with no endpoints still gets one empty slice.
 */
export function desiredSlices(svc: Service, pods: Pod[], maxPerSlice = MAX_ENDPOINTS_PER_SLICE): DesiredSlice[] {
  const groups = new Map<string, DesiredSlice>();
  const sorted = [...pods].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0));
  for (const pod of sorted) {
    if (!serviceSelectsPod(svc, pod) || !shouldPodBeInEndpoints(pod, true)) continue;
    const ip = podIPForService(svc, pod);
    if (!ip) continue;
    const ports = endpointPortsFor(svc, pod);
    const key = portsKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, endpoints: [] }));
    g.endpoints.push(podToEndpoint(svc, pod, ip));
  }
  const out: DesiredSlice[] = [];
  for (const g of groups.values()) {
    for (let i = 0; i < g.endpoints.length; i += maxPerSlice) out.push({ ports: g.ports, endpoints: g.endpoints.slice(i, i + maxPerSlice) });
  }
  if (out.length === 0) out.push({ ports: [], endpoints: [] });
  return out;
}

/** The Service's own labels (minus the two this controller owns), its name, our name, headless. */
export function sliceLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) {
    if (k === SERVICE_NAME_LABEL || k === MANAGED_BY_LABEL || k === HEADLESS_LABEL) continue;
    labels[k] = v;
  }
  labels[SERVICE_NAME_LABEL] = svc.metadata.name!;
  labels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  if (!isServiceIPSet(svc)) labels[HEADLESS_LABEL] = '';
  return labels;
}

/** Slices this controller manages for a Service (among all the cached slices of its namespace). */
export function isManagedSliceOf(slice: EndpointSlice, namespace: string | undefined, name: string): boolean {
  const labels = slice.metadata.labels ?? {};
  return slice.metadata.namespace === namespace && labels[SERVICE_NAME_LABEL] === name && labels[MANAGED_BY_LABEL] === CONTROLLER_NAME;
}

function ownerReference(svc: Service) {
  return { apiVersion: 'v1', kind: 'Service', name: svc.metadata.name!, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

function sameContent(slice: EndpointSlice, want: DesiredSlice, labels: Record<string, string>, addressType: string, ownerUid: string | undefined): boolean {
  return slice.addressType === addressType &&
    portsKey(slice.ports) === portsKey(want.ports) &&
    JSON.stringify(normalizeEndpoints(slice.endpoints)) === JSON.stringify(normalizeEndpoints(want.endpoints)) &&
    JSON.stringify(Object.entries(slice.metadata.labels ?? {}).sort()) === JSON.stringify(Object.entries(labels).sort()) &&
    (slice.metadata.ownerReferences ?? []).some((r) => r.uid === ownerUid);
}

function normalizeEndpoints(eps: SliceEndpoint[] | null | undefined): unknown[] {
  return (eps ?? [])
    .map((e) => ({
      addresses: e.addresses,
      conditions: { ready: e.conditions?.ready ?? false, serving: e.conditions?.serving ?? false, terminating: e.conditions?.terminating ?? false },
      hostname: e.hostname || undefined,
      nodeName: e.nodeName || undefined,
      targetRef: e.targetRef ? { kind: e.targetRef.kind, namespace: e.targetRef.namespace, name: e.targetRef.name, uid: e.targetRef.uid } : undefined,
    }))
    .sort((a, b) => (a.targetRef?.name ?? a.addresses[0]!).localeCompare(b.targetRef?.name ?? b.addresses[0]!));
}

export interface SlicePlan {
  creates: EndpointSlice[];
  updates: EndpointSlice[];
  deletes: EndpointSlice[];
}

/**
 * Matches the desired slices to the existing managed ones: identical ones stay, the rest are
 * rewritten in place (same address type), new ones are created with generateName `<svc>-`, and
 * any left over are deleted. `existing` objects are never changed (they may be cached).
 */
export function planSlices(svc: Service, pods: Pod[], existing: EndpointSlice[], triggerTime?: string): SlicePlan {
  const addressType = addressTypeFor(svc);
  const labels = sliceLabels(svc);
  const want = desiredSlices(svc, pods);
  const free = existing.filter((s) => !s.metadata.deletionTimestamp);
  const plan: SlicePlan = { creates: [], updates: [], deletes: [] };
  const pending: DesiredSlice[] = [];
  // 1. Slices that already say exactly this.
  for (const w of want) {
    const i = free.findIndex((s) => sameContent(s, w, labels, addressType, svc.metadata.uid));
    if (i >= 0) free.splice(i, 1);
    else pending.push(w);
  }
  // 2. Rewrite a slice with the same ports, else any slice of the same address type.
  for (const w of pending) {
    let i = free.findIndex((s) => s.addressType === addressType && portsKey(s.ports) === portsKey(w.ports));
    if (i < 0) i = free.findIndex((s) => s.addressType === addressType);
    if (i >= 0) {
      const [slice] = free.splice(i, 1);
      plan.updates.push(rewrite(slice!, svc, w, labels, triggerTime));
    } else {
      plan.creates.push(newSlice(svc, w, labels, addressType, triggerTime));
    }
  }
  plan.deletes = free;
  return plan;
}

function withTrigger(annotations: Record<string, string> | undefined, triggerTime?: string): Record<string, string> {
  const out = { ...(annotations ?? {}) };
  if (triggerTime) out[TRIGGER_TIME_ANNOTATION] = triggerTime;
  else delete out[TRIGGER_TIME_ANNOTATION];
  return out;
}

function rewrite(slice: EndpointSlice, svc: Service, w: DesiredSlice, labels: Record<string, string>, triggerTime?: string): EndpointSlice {
  const next = structuredClone(slice);
  next.endpoints = w.endpoints;
  next.ports = w.ports;
  next.metadata.labels = labels;
  next.metadata.annotations = withTrigger(next.metadata.annotations, triggerTime);
  const refs = (next.metadata.ownerReferences ?? []).filter((r) => r.kind !== 'Service' || r.uid === svc.metadata.uid);
  if (!refs.some((r) => r.uid === svc.metadata.uid)) refs.push(ownerReference(svc));
  next.metadata.ownerReferences = refs;
  return next;
}

function newSlice(svc: Service, w: DesiredSlice, labels: Record<string, string>, addressType: string, triggerTime?: string): EndpointSlice {
  const slice: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${svc.metadata.name}-`,
      namespace: svc.metadata.namespace,
      labels,
      ownerReferences: [ownerReference(svc)],
    },
    addressType,
    endpoints: w.endpoints,
    ports: w.ports,
  };
  const annotations = withTrigger(undefined, triggerTime);
  if (Object.keys(annotations).length) slice.metadata.annotations = annotations;
  return slice;
}
