// Helpers the workload controllers share (upstream's pkg/controller and podutil): pod readiness and
// availability, controller references, pods made from templates, label selectors, template hashes.
import { deepCopy, type KubeObject, type ObjectMeta, type OwnerReference } from '../api/types.js';

export interface PodCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** The parts of a Pod these helpers read; pods travel as plain JSON. */
export interface PodLike extends KubeObject {
  spec?: Record<string, unknown> & { nodeName?: string };
  status?: { phase?: string; conditions?: PodCondition[]; [key: string]: unknown };
}

export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec?: Record<string, unknown>;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export function podPhase(pod: PodLike): string {
  return pod.status?.phase ?? 'Pending';
}

export function getPodCondition(pod: PodLike, type: string): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === type);
}

export function isPodReady(pod: PodLike): boolean {
  return getPodCondition(pod, 'Ready')?.status === 'True';
}

/** Ready for at least minReadySeconds (upstream IsPodAvailable); `now` in ms or a Date. */
export function isPodAvailable(pod: PodLike, minReadySeconds: number, now: number | Date = Date.now()): boolean {
  const ready = getPodCondition(pod, 'Ready');
  if (ready?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : NaN;
  if (Number.isNaN(since)) return false;
  const nowMs = typeof now === 'number' ? now : now.getTime();
  return since + minReadySeconds * 1000 <= nowMs;
}

/** Counts toward a controller's replicas: not finished and not being deleted. */
export function isPodActive(pod: PodLike): boolean {
  const phase = podPhase(pod);
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function isPodTerminating(pod: KubeObject): boolean {
  return !!pod.metadata.deletionTimestamp;
}

export function filterActivePods<T extends PodLike>(pods: T[]): T[] {
  return pods.filter(isPodActive);
}

/** The owner reference with controller: true, if any. */
export function controllerRefOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** Whether `obj` is controlled by the object with this uid. */
export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  const ref = controllerRefOf(obj);
  return !!ref && !!owner.metadata.uid && ref.uid === owner.metadata.uid;
}

export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export interface PodExtras {
  name?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  hostname?: string;
  subdomain?: string;
  nodeName?: string;
}

/** The Pod a controller POSTs for `owner` (upstream GetPodFromTemplate), controlled by it. */
export function podFromTemplate(
  template: PodTemplateSpec,
  owner: KubeObject,
  ownerApiVersion: string,
  ownerKind: string,
  namespace: string,
  extra: PodExtras = {},
): PodLike {
  const meta = template.metadata ?? {};
  const metadata: ObjectMeta = {
    namespace,
    labels: { ...(meta.labels ?? {}), ...(extra.labels ?? {}) },
    annotations: { ...(meta.annotations ?? {}), ...(extra.annotations ?? {}) },
    ownerReferences: [newControllerRef(owner, ownerApiVersion, ownerKind)],
  };
  if (meta.finalizers?.length) metadata.finalizers = [...meta.finalizers];
  if (extra.name) metadata.name = extra.name;
  else metadata.generateName = extra.generateName ?? `${owner.metadata.name}-`;
  const spec = deepCopy(template.spec ?? {}) as Record<string, unknown>;
  if (extra.hostname !== undefined) spec.hostname = extra.hostname;
  if (extra.subdomain !== undefined) spec.subdomain = extra.subdomain;
  if (extra.nodeName !== undefined) spec.nodeName = extra.nodeName;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

// ---- label selectors ----

/**
 * Whether a LabelSelector object matches labels. As upstream: an absent selector matches nothing,
 * an empty one everything; NotIn and DoesNotExist match labels without the key.
 */
export function labelSelectorMatches(selector: LabelSelector | null | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (have[key] !== value) return false;
  }
  return (selector.matchExpressions ?? []).every((req) => requirementMatches(req, have));
}

function requirementMatches(req: LabelSelectorRequirement, labels: Record<string, string>): boolean {
  const present = Object.prototype.hasOwnProperty.call(labels, req.key);
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return present && values.includes(labels[req.key]!);
    case 'NotIn':
      return !present || !values.includes(labels[req.key]!);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    default:
      return false;
  }
}

/** A LabelSelector as the string form list/watch take ("app=web,tier in (a,b),!x"). */
export function selectorToString(selector: LabelSelector | null | undefined): string {
  if (!selector) return '';
  const parts = Object.entries(selector.matchLabels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  for (const req of selector.matchExpressions ?? []) {
    const values = [...(req.values ?? [])].sort().join(',');
    if (req.operator === 'In') parts.push(`${req.key} in (${values})`);
    else if (req.operator === 'NotIn') parts.push(`${req.key} notin (${values})`);
    else if (req.operator === 'Exists') parts.push(req.key);
    else if (req.operator === 'DoesNotExist') parts.push(`!${req.key}`);
  }
  return parts.join(',');
}

// ---- hashes ----

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-1a, 32 bits, over the UTF-8 bytes (upstream hashes templates with hash/fnv's New32a). */
export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h >>> 0;
}

/** Upstream rand.SafeEncodeString: each character mapped into an alphabet without vowels. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** JSON with object keys sorted, so equal values hash equally whatever their key order. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : stableStringify(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/**
 * A short stable hash of a value, like upstream's pod-template-hash (controller.ComputeHash):
 * fnv32a of its canonical JSON, plus the collision count when given, rendered by safeEncodeString
 * of the decimal number (so up to 10 characters of "bcdfghjklmnpqrstvwxz2456789").
 */
export function computeHash(value: unknown, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(stableStringify(value)));
  if (collisionCount !== undefined && collisionCount !== null) {
    // Upstream writes the count as 4 little-endian bytes into the same hasher.
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}
