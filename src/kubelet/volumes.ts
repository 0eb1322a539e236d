// A pod's volumes as the agent sets them up (the kubelet's volume manager, trimmed): which volumes
// the runtime makes (pod- or node-scoped), what each container mounts, and the files of the
// API-backed ones — configMap, secret, downwardAPI and projected (service-account token, the
// cluster CA from kube-root-ca.crt, the namespace) — written before the containers start.
import type { KubeObject } from '../api/types.js';
import { ContainerConfigError, expand, fieldValue, mappingFor, resourceValue, type PodObjects } from './env.js';
import type { Json } from './podstatus.js';
import type { PodVolume, VolumeFile, VolumeMount } from './runtime.js';

/** The kinds of volume the agent knows; others are mounted as empty pod volumes. */
const API_BACKED = ['configMap', 'secret', 'downwardAPI', 'projected'] as const;
const KNOWN = ['emptyDir', 'hostPath', ...API_BACKED] as const;

/** 0644, the API's default mode for projected files. */
const DEFAULT_MODE = 0o644;
/** How long a projected service-account token lives when the source does not say (kube-api-access's). */
const DEFAULT_TOKEN_SECONDS = 3607;

export class VolumeSetupError extends Error {
  constructor(readonly volume: string, message: string) {
    super(`MountVolume.SetUp failed for volume "${volume}" : ${message}`);
    this.name = 'VolumeSetupError';
  }
}

function volumesOf(pod: KubeObject): Json[] {
  const list = (pod.spec as Json | undefined)?.volumes;
  return Array.isArray(list) ? (list as Json[]) : [];
}

export function volumeKind(volume: Json): string | undefined {
  return Object.keys(volume).find((k) => k !== 'name');
}

/** The volumes the runtime is to make for a pod. */
export function podVolumes(pod: KubeObject): PodVolume[] {
  return volumesOf(pod).map((v) => {
    const kind = volumeKind(v);
    if (kind === 'hostPath') return { name: String(v.name), scope: 'node' as const, hostPath: String((v.hostPath as Json).path ?? '') };
    return { name: String(v.name), scope: 'pod' as const };
  });
}

/** Volume kinds this agent mounts as empty pod volumes, for the warning event. */
export function unsupportedVolumes(pod: KubeObject): { name: string; kind: string }[] {
  return volumesOf(pod)
    .map((v) => ({ name: String(v.name), kind: volumeKind(v) ?? '' }))
    .filter((v) => !(KNOWN as readonly string[]).includes(v.kind));
}

/** subPath, or subPathExpr with $(VAR) from the container's env; it must stay inside the volume. */
function subPathOf(mount: Json, env: { name: string; value: string }[]): string | undefined {
  let sub = typeof mount.subPath === 'string' && mount.subPath !== '' ? mount.subPath : undefined;
  if (sub === undefined && typeof mount.subPathExpr === 'string' && mount.subPathExpr !== '') {
    sub = expand(mount.subPathExpr, mappingFor(new Map(env.map((e) => [e.name, e.value]))));
  }
  if (sub === undefined) return undefined;
  if (sub.startsWith('/') || sub.split('/').includes('..')) throw new ContainerConfigError(`failed to prepare subPath for volumeMount "${String(mount.name)}": subpath "${sub}" must be a relative path inside the volume`);
  return sub.replace(/\/+$/, '');
}

/** A container's mounts; API-backed volumes are always read-only, as the kubelet mounts them. */
export function containerMounts(pod: KubeObject, container: Json, volumes: PodVolume[], env: { name: string; value: string }[] = []): VolumeMount[] {
  const specs = new Map(volumesOf(pod).map((v) => [String(v.name), v]));
  const mounts = (Array.isArray(container.volumeMounts) ? container.volumeMounts : []) as Json[];
  const out: VolumeMount[] = [];
  for (const m of mounts) {
    const volume = volumes.find((v) => v.name === m.name);
    const spec = specs.get(String(m.name));
    if (!volume || !spec) throw new ContainerConfigError(`cannot find volume "${String(m.name)}" to mount into container "${String(container.name)}"`);
    const apiBacked = (API_BACKED as readonly string[]).includes(volumeKind(spec) ?? '');
    const subPath = subPathOf(m, env);
    out.push({ volume, containerPath: String(m.mountPath), readOnly: m.readOnly === true || apiBacked, ...(subPath ? { subPath } : {}) });
  }
  return out;
}

export interface VolumeContext {
  podIP: string;
  hostIP: string;
  objects: PodObjects;
  allocatable: Record<string, string>;
}

function modeOf(item: Json | undefined, defaultMode: unknown): number {
  if (typeof item?.mode === 'number') return item.mode;
  return typeof defaultMode === 'number' ? defaultMode : DEFAULT_MODE;
}

/** The keys of a ConfigMap or Secret as bytes. */
function bytesOf(obj: KubeObject, secret: boolean): Map<string, Buffer> {
  const raw = obj as unknown as Json;
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries((raw.data ?? {}) as Record<string, string>)) out.set(k, secret ? Buffer.from(v, 'base64') : Buffer.from(v, 'utf8'));
  if (!secret) for (const [k, v] of Object.entries((raw.binaryData ?? {}) as Record<string, string>)) out.set(k, Buffer.from(v, 'base64'));
  return out;
}

/** Files of a configMap or secret source: every key, or the items asked for. */
async function keyFiles(volume: string, pod: KubeObject, source: Json, secret: boolean, defaultMode: unknown, objects: PodObjects): Promise<VolumeFile[]> {
  const namespace = pod.metadata.namespace ?? 'default';
  const name = String(secret ? source.secretName ?? source.name : source.name);
  const obj = secret ? await objects.secret(namespace, name) : await objects.configMap(namespace, name);
  if (!obj) {
    if (source.optional === true) return [];
    throw new VolumeSetupError(volume, `${secret ? 'secret' : 'configmap'} "${name}" not found`);
  }
  const data = bytesOf(obj, secret);
  const items = Array.isArray(source.items) ? (source.items as Json[]) : undefined;
  if (!items) return [...data].map(([k, content]) => ({ path: k, content, mode: modeOf(undefined, defaultMode) }));
  const files: VolumeFile[] = [];
  for (const item of items) {
    const content = data.get(String(item.key));
    if (!content) {
      if (source.optional === true) continue;
      throw new VolumeSetupError(volume, `${secret ? 'references non-existent secret key' : 'configmap references non-existent config key'}: ${String(item.key)}`);
    }
    files.push({ path: String(item.path), content, mode: modeOf(item, defaultMode) });
  }
  return files;
}

function downwardFiles(pod: KubeObject, items: Json[], defaultMode: unknown, ctx: VolumeContext): VolumeFile[] {
  const containers = ((pod.spec as Json | undefined)?.containers ?? []) as Json[];
  return items.map((item) => {
    let value: string;
    if (item.fieldRef) value = fieldValue(pod, String((item.fieldRef as Json).fieldPath), ctx.podIP, ctx.hostIP);
    else if (item.resourceFieldRef) value = resourceValue(pod, containers[0] ?? {}, item.resourceFieldRef as Json, ctx.allocatable);
    else value = '';
    return { path: String(item.path), content: Buffer.from(value, 'utf8'), mode: modeOf(item, defaultMode) };
  });
}

async function tokenFile(pod: KubeObject, source: Json, defaultMode: unknown, objects: PodObjects): Promise<VolumeFile> {
  const namespace = pod.metadata.namespace ?? 'default';
  const serviceAccount = String((pod.spec as Json | undefined)?.serviceAccountName ?? 'default') || 'default';
  const spec: Json = {
    expirationSeconds: typeof source.expirationSeconds === 'number' ? source.expirationSeconds : DEFAULT_TOKEN_SECONDS,
    boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid },
  };
  if (typeof source.audience === 'string' && source.audience !== '') spec.audiences = [source.audience];
  const { token } = await objects.serviceAccountToken(namespace, serviceAccount, spec);
  return { path: String(source.path ?? 'token'), content: Buffer.from(token, 'utf8'), mode: modeOf(undefined, defaultMode) };
}

/**
 * The files of one volume, or undefined for volumes that start empty (emptyDir, hostPath). Throws
 * a VolumeSetupError when a source that is not optional is missing.
 */
export async function volumeFiles(pod: KubeObject, volume: Json, ctx: VolumeContext): Promise<VolumeFile[] | undefined> {
  const name = String(volume.name);
  const kind = volumeKind(volume);
  const source = (kind ? volume[kind] : undefined) as Json | undefined;
  if (!source) return undefined;
  try {
    switch (kind) {
      case 'configMap': return await keyFiles(name, pod, source, false, source.defaultMode, ctx.objects);
      case 'secret': return await keyFiles(name, pod, source, true, source.defaultMode, ctx.objects);
      case 'downwardAPI': return downwardFiles(pod, (source.items ?? []) as Json[], source.defaultMode, ctx);
      case 'projected': return await projectedFiles(name, pod, source, ctx);
      default: return undefined;
    }
  } catch (err) {
    if (err instanceof VolumeSetupError) throw err;
    throw new VolumeSetupError(name, (err as Error).message);
  }
}

async function projectedFiles(volume: string, pod: KubeObject, source: Json, ctx: VolumeContext): Promise<VolumeFile[]> {
  const files: VolumeFile[] = [];
  for (const s of (source.sources ?? []) as Json[]) {
    if (s.serviceAccountToken) files.push(await tokenFile(pod, s.serviceAccountToken as Json, source.defaultMode, ctx.objects));
    else if (s.configMap) files.push(...(await keyFiles(volume, pod, s.configMap as Json, false, source.defaultMode, ctx.objects)));
    else if (s.secret) files.push(...(await keyFiles(volume, pod, s.secret as Json, true, source.defaultMode, ctx.objects)));
    else if (s.downwardAPI) files.push(...downwardFiles(pod, ((s.downwardAPI as Json).items ?? []) as Json[], source.defaultMode, ctx));
  }
  return files;
}

/** The volume specs of a pod that carry files. */
export function fileVolumes(pod: KubeObject): Json[] {
  return volumesOf(pod).filter((v) => (API_BACKED as readonly string[]).includes(volumeKind(v) ?? ''));
}
