// Resource arithmetic as upstream's scheduler does it (component-helpers resource.PodRequests and
// framework.Resource): quantities become integers (millicores, bytes), a pod asks for the sum of its
// containers plus sidecars, or the largest init container if that is more, plus overhead.
import { parseQuantity } from '../api/validation/quantity.js';
import { emptyVec, type ResourceVec } from './types.js';

/** Upstream's defaults for a container without a request, used only for scoring (schedutil). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

type ResourceList = Record<string, unknown>;

/** Quantity.MilliValue(): rounds up, computed in integer nano-units to dodge float noise ("0.1" → 100). */
export function milliValue(q: unknown): number {
  const v = parseQuantity(q);
  if (v === undefined) return 0;
  return Math.ceil(Math.round(v * 1e9) / 1e6);
}

/** Quantity.Value(): rounds up to a whole unit. */
export function intValue(q: unknown): number {
  const v = parseQuantity(q);
  if (v === undefined) return 0;
  return Math.ceil(Math.round(v * 1e3) / 1e3);
}

/** Extended, hugepages and other prefixed resources are compared as plain integers (IsScalarResourceName). */
export function isScalarResource(name: string): boolean {
  return name.startsWith('hugepages-') || name.startsWith('attachable-volumes-') || name.includes('/');
}

/** framework.Resource.Add */
export function addList(into: ResourceVec, list: ResourceList | undefined): void {
  if (!list) return;
  for (const [name, q] of Object.entries(list)) {
    if (name === 'cpu') into.milliCpu += milliValue(q);
    else if (name === 'memory') into.memory += intValue(q);
    else if (name === 'ephemeral-storage') into.ephemeralStorage += intValue(q);
    else if (isScalarResource(name)) into.scalar.set(name, (into.scalar.get(name) ?? 0) + intValue(q));
  }
}

export function vecFromList(list: ResourceList | undefined): ResourceVec {
  const v = emptyVec();
  addList(v, list);
  return v;
}

export function addVec(into: ResourceVec, other: ResourceVec, sign = 1): void {
  into.milliCpu += sign * other.milliCpu;
  into.memory += sign * other.memory;
  into.ephemeralStorage += sign * other.ephemeralStorage;
  for (const [name, n] of other.scalar) {
    const next = (into.scalar.get(name) ?? 0) + sign * n;
    if (next === 0) into.scalar.delete(name);
    else into.scalar.set(name, next);
  }
}

function maxVec(into: ResourceVec, other: ResourceVec): void {
  into.milliCpu = Math.max(into.milliCpu, other.milliCpu);
  into.memory = Math.max(into.memory, other.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, other.ephemeralStorage);
  for (const [name, n] of other.scalar) into.scalar.set(name, Math.max(into.scalar.get(name) ?? 0, n));
}

function cloneVec(v: ResourceVec): ResourceVec {
  return { milliCpu: v.milliCpu, memory: v.memory, ephemeralStorage: v.ephemeralStorage, scalar: new Map(v.scalar) };
}

interface ContainerLike {
  resources?: { requests?: ResourceList; limits?: ResourceList };
  restartPolicy?: string;
}

/** A container's requests; limits stand in for missing requests as API defaulting would have set them. */
function containerRequests(c: ContainerLike): ResourceList {
  const requests = { ...(c.resources?.requests ?? {}) };
  for (const [name, q] of Object.entries(c.resources?.limits ?? {})) if (!(name in requests)) requests[name] = q;
  return requests;
}

/** The same list with upstream's non-zero defaults for a missing cpu or memory request. */
function nonMissing(requests: ResourceList): ResourceList {
  const out = { ...requests };
  if (!('cpu' in out)) out.cpu = `${DEFAULT_MILLI_CPU_REQUEST}m`;
  if (!('memory' in out)) out.memory = DEFAULT_MEMORY_REQUEST;
  return out;
}

/**
 * resource.PodRequests: regular containers summed; restartable init containers (sidecars) add to
 * that sum and to every later init container's peak; the pod needs the larger of the two; overhead on top.
 */
export function podRequests(spec: Record<string, unknown> | undefined, withDefaults = false): ResourceVec {
  const containers = (spec?.containers as ContainerLike[] | undefined) ?? [];
  const inits = (spec?.initContainers as ContainerLike[] | undefined) ?? [];
  const list = (c: ContainerLike) => (withDefaults ? nonMissing(containerRequests(c)) : containerRequests(c));
  const reqs = emptyVec();
  for (const c of containers) addList(reqs, list(c));
  const sidecars = emptyVec();
  const initPeak = emptyVec();
  for (const ic of inits) {
    const own = vecFromList(list(ic));
    let effective: ResourceVec;
    if (ic.restartPolicy === 'Always') {
      addVec(reqs, own);
      addVec(sidecars, own);
      effective = cloneVec(sidecars);
    } else {
      effective = cloneVec(own);
      addVec(effective, sidecars);
    }
    maxVec(initPeak, effective);
  }
  maxVec(reqs, initPeak);
  addList(reqs, spec?.overhead as ResourceList | undefined);
  return reqs;
}

/** Node allocatable (capacity when allocatable is absent) and its pod count. */
export function nodeAllocatable(node: { status?: unknown; [key: string]: unknown } | undefined): { vec: ResourceVec; pods: number } {
  const status = (node?.status ?? {}) as { allocatable?: ResourceList; capacity?: ResourceList };
  const list = status.allocatable ?? status.capacity ?? {};
  return { vec: vecFromList(list), pods: list.pods === undefined ? 0 : intValue(list.pods) };
}
