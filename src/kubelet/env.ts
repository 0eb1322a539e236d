// A container's environment as the kubelet makes it (kubelet_pods.go makeEnvironmentVariables):
// envFrom first, then env (literal values with $(VAR) expanded, or valueFrom: fieldRef,
// resourceFieldRef, configMapKeyRef, secretKeyRef), then the service variables of the
// namespace's Services (envvars.go). The downward API volume shares the field and resource values.
import type { KubeObject } from '../api/types.js';
import { parseQuantity } from '../api/validation/quantity.js';
import type { Json } from './podstatus.js';

/** A container the kubelet cannot configure (waiting reason CreateContainerConfigError). */
export class ContainerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerConfigError';
  }
}

/** Where the agent reads the objects a pod refers to; undefined means not found. */
export interface PodObjects {
  configMap(namespace: string, name: string): Promise<KubeObject | undefined>;
  secret(namespace: string, name: string): Promise<KubeObject | undefined>;
  /** Services of a namespace. */
  services(namespace: string): Promise<KubeObject[]>;
  /** A TokenRequest for a service account (the serviceaccounts/token subresource). */
  serviceAccountToken(namespace: string, serviceAccount: string, spec: Json): Promise<{ token: string; expirationTimestamp?: string }>;
}

export interface EnvContext {
  podIP: string;
  hostIP: string;
  objects: PodObjects;
  /** The node's allocatable resources: limits.* of a container without limits read these. */
  allocatable: Record<string, string>;
}

// ---- $(VAR) expansion (third_party/forked/golang/expansion) --------------------------------------

/** Expands $(VAR) from `mapping`; $$ is a literal $; unknown or unclosed references stay as written. */
export function expand(input: string, mapping: (name: string) => string): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    let advance = 1;
    if (rest[0] === '$') out += '$';
    else if (rest[0] === '(') {
      const close = rest.indexOf(')', 1);
      if (close >= 0) {
        out += mapping(rest.slice(1, close));
        advance = close + 1;
      } else out += '$(';
    } else out += `$${rest[0]}`;
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/** MappingFuncFor: the first context that has the name; otherwise the reference as written. */
export function mappingFor(...contexts: Map<string, string>[]): (name: string) => string {
  return (name) => {
    for (const c of contexts) {
      const v = c.get(name);
      if (v !== undefined) return v;
    }
    return `$(${name})`;
  };
}

// ---- field and resource values (downward API) -----------------------------------------------------

/** fieldpath.FormatMap: sorted `key="value"` lines. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {}).sort().map((k) => `${k}=${JSON.stringify(m![k])}`).join('\n');
}

/** The value of a fieldRef's fieldPath for this pod. */
export function fieldValue(pod: KubeObject, fieldPath: string, podIP: string, hostIP: string): string {
  const spec = (pod.spec ?? {}) as Json;
  const meta = pod.metadata;
  const subscript = /^metadata\.(labels|annotations)\[['"]?(.+?)['"]?\]$/.exec(fieldPath);
  if (subscript) {
    const map = (subscript[1] === 'labels' ? meta.labels : meta.annotations) ?? {};
    return map[subscript[2]!] ?? '';
  }
  switch (fieldPath) {
    case 'metadata.name': return meta.name ?? '';
    case 'metadata.namespace': return meta.namespace ?? 'default';
    case 'metadata.uid': return meta.uid ?? '';
    case 'metadata.labels': return formatMap(meta.labels);
    case 'metadata.annotations': return formatMap(meta.annotations);
    case 'spec.nodeName': return String(spec.nodeName ?? '');
    case 'spec.serviceAccountName': return String(spec.serviceAccountName ?? '');
    case 'status.hostIP':
    case 'status.hostIPs': return hostIP;
    case 'status.podIP':
    case 'status.podIPs': return podIP;
    default: throw new ContainerConfigError(`unsupported fieldPath: ${fieldPath}`);
  }
}

function findContainer(pod: KubeObject, name: string): Json | undefined {
  const spec = (pod.spec ?? {}) as Json;
  const all = [...((spec.containers ?? []) as Json[]), ...((spec.initContainers ?? []) as Json[])];
  return all.find((c) => c.name === name);
}

/** resourceFieldRef: limits/requests of a container, divided by the divisor and rounded up. */
export function resourceValue(pod: KubeObject, container: Json, ref: Json, allocatable: Record<string, string>): string {
  const target = typeof ref.containerName === 'string' && ref.containerName !== '' ? findContainer(pod, ref.containerName) : container;
  if (!target) throw new ContainerConfigError(`container ${String(ref.containerName)} not found`);
  const resource = String(ref.resource ?? '');
  const m = /^(limits|requests)\.(cpu|memory|ephemeral-storage)$/.exec(resource);
  if (!m) throw new ContainerConfigError(`unsupported container resource : ${resource}`);
  const [, kind, name] = m as unknown as [string, 'limits' | 'requests', string];
  const resources = (target.resources ?? {}) as Json;
  let quantity = ((resources[kind] ?? {}) as Json)[name];
  // A container without a limit may use the whole node: the kubelet reports the node's allocatable.
  if (quantity === undefined && kind === 'limits') quantity = allocatable[name];
  const value = parseQuantity(quantity ?? 0) ?? 0;
  const divisorText = ref.divisor === undefined || ref.divisor === '0' || ref.divisor === 0 ? '1' : ref.divisor;
  const divisor = parseQuantity(divisorText) ?? 1;
  if (name === 'cpu') {
    const milli = Math.ceil(Math.round(value * 1e6) / 1e3);
    const divMilli = Math.ceil(Math.round(divisor * 1e6) / 1e3) || 1;
    return String(Math.ceil(milli / divMilli));
  }
  return String(Math.ceil(Math.ceil(value) / Math.ceil(divisor || 1)));
}

// ---- service links (pkg/kubelet/envvars) ----------------------------------------------------------

function envName(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

function isServiceIPSet(svc: KubeObject): boolean {
  const ip = (svc.spec as Json | undefined)?.clusterIP;
  return typeof ip === 'string' && ip !== '' && ip !== 'None';
}

/** The variables of each Service (FromServices): <NAME>_SERVICE_HOST/_PORT and the docker-link ones. */
export function serviceEnv(services: KubeObject[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const svc of services) {
    if (!isServiceIPSet(svc)) continue;
    const spec = svc.spec as Json;
    const ip = String(spec.clusterIP);
    const ports = (Array.isArray(spec.ports) ? spec.ports : []) as Json[];
    const name = envName(String(svc.metadata.name));
    out.set(`${name}_SERVICE_HOST`, ip);
    if (ports.length === 0) continue;
    out.set(`${name}_SERVICE_PORT`, String(ports[0]!.port));
    for (const p of ports) {
      if (typeof p.name === 'string' && p.name !== '') out.set(`${name}_SERVICE_PORT_${envName(p.name)}`, String(p.port));
    }
    const first = ports[0]!;
    const host = ip.includes(':') ? `[${ip}]` : ip;
    out.set(`${name}_PORT`, `${String(first.protocol ?? 'TCP').toLowerCase()}://${host}:${String(first.port)}`);
    for (const p of ports) {
      const protocol = String(p.protocol ?? 'TCP');
      const prefix = `${name}_PORT_${String(p.port)}_${protocol.toUpperCase()}`;
      out.set(prefix, `${protocol.toLowerCase()}://${host}:${String(p.port)}`);
      out.set(`${prefix}_PROTO`, protocol.toLowerCase());
      out.set(`${prefix}_PORT`, String(p.port));
      out.set(`${prefix}_ADDR`, ip);
    }
  }
  return out;
}

/**
 * getServiceEnvVarMap: the namespace's Services when enableServiceLinks (the default), and always
 * the `kubernetes` Service of the default namespace.
 */
export async function serviceEnvFor(pod: KubeObject, objects: PodObjects): Promise<Map<string, string>> {
  const namespace = pod.metadata.namespace ?? 'default';
  const links = (pod.spec as Json | undefined)?.enableServiceLinks !== false;
  const chosen = new Map<string, KubeObject>();
  const fromDefault = await objects.services('default');
  const master = fromDefault.find((s) => s.metadata.name === 'kubernetes');
  if (master && isServiceIPSet(master)) chosen.set('kubernetes', master);
  if (links) {
    const own = namespace === 'default' ? fromDefault : await objects.services(namespace);
    for (const s of own) if (isServiceIPSet(s)) chosen.set(String(s.metadata.name), s);
  }
  const sorted = [...chosen.keys()].sort().map((k) => chosen.get(k)!);
  return serviceEnv(sorted);
}

// ---- the environment ----------------------------------------------------------------------------

function dataOf(obj: KubeObject, secret: boolean): Map<string, string> {
  const data = ((obj as unknown as Json).data ?? {}) as Record<string, string>;
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(data)) out.set(k, secret ? Buffer.from(String(v), 'base64').toString('utf8') : String(v));
  return out;
}

/** Caches the ConfigMaps and Secrets one container's environment reads (each read once). */
class Sources {
  private readonly cache = new Map<string, KubeObject | undefined>();
  constructor(private readonly objects: PodObjects, private readonly namespace: string) {}

  async get(kind: 'configmap' | 'secret', name: string): Promise<KubeObject | undefined> {
    const key = `${kind}/${name}`;
    if (!this.cache.has(key)) {
      const obj = kind === 'configmap' ? await this.objects.configMap(this.namespace, name) : await this.objects.secret(this.namespace, name);
      this.cache.set(key, obj);
    }
    return this.cache.get(key);
  }
}

/** The container's environment, in declaration order; service variables the container sets are skipped. */
export async function makeEnvironment(pod: KubeObject, container: Json, ctx: EnvContext): Promise<{ name: string; value: string }[]> {
  const namespace = pod.metadata.namespace ?? 'default';
  const sources = new Sources(ctx.objects, namespace);
  const serviceVars = await serviceEnvFor(pod, ctx.objects);
  const env = new Map<string, string>();

  for (const from of (Array.isArray(container.envFrom) ? container.envFrom : []) as Json[]) {
    const ref = (from.configMapRef ?? from.secretRef) as Json | undefined;
    if (!ref) continue;
    const kind = from.configMapRef ? 'configmap' : 'secret';
    const obj = await sources.get(kind, String(ref.name));
    if (!obj) {
      if (ref.optional === true) continue;
      throw new ContainerConfigError(`${kind} "${String(ref.name)}" not found`);
    }
    const prefix = typeof from.prefix === 'string' ? from.prefix : '';
    for (const [k, v] of dataOf(obj, kind === 'secret')) env.set(prefix + k, v);
  }

  const mapping = mappingFor(env, serviceVars);
  for (const e of (Array.isArray(container.env) ? container.env : []) as Json[]) {
    const name = String(e.name);
    const literal = typeof e.value === 'string' ? e.value : '';
    if (literal !== '' || !e.valueFrom) {
      env.set(name, literal === '' ? '' : expand(literal, mapping));
      continue;
    }
    const value = await valueFrom(pod, container, e.valueFrom as Json, ctx, sources, namespace);
    if (value !== undefined) env.set(name, value);
  }

  const result = [...env].map(([name, value]) => ({ name, value }));
  for (const [name, value] of serviceVars) if (!env.has(name)) result.push({ name, value });
  return result;
}

/** One valueFrom; undefined when an optional source or key is missing (the variable is left out). */
async function valueFrom(pod: KubeObject, container: Json, from: Json, ctx: EnvContext, sources: Sources, namespace: string): Promise<string | undefined> {
  if (from.fieldRef) return fieldValue(pod, String((from.fieldRef as Json).fieldPath), ctx.podIP, ctx.hostIP);
  if (from.resourceFieldRef) return resourceValue(pod, container, from.resourceFieldRef as Json, ctx.allocatable);
  const ref = (from.configMapKeyRef ?? from.secretKeyRef) as Json | undefined;
  if (!ref) return undefined;
  const secret = Boolean(from.secretKeyRef);
  const kind = secret ? 'secret' : 'configmap';
  const optional = ref.optional === true;
  const obj = await sources.get(kind, String(ref.name));
  if (!obj) {
    if (optional) return undefined;
    throw new ContainerConfigError(`${kind} "${String(ref.name)}" not found`);
  }
  const value = dataOf(obj, secret).get(String(ref.key));
  if (value === undefined) {
    if (optional) return undefined;
    throw new ContainerConfigError(`couldn't find key ${String(ref.key)} in ${secret ? 'Secret' : 'ConfigMap'} ${namespace}/${String(ref.name)}`);
  }
  return value;
}

/** command and args with $(VAR) expanded from the container's final environment. */
export function expandCommand(words: string[], env: { name: string; value: string }[]): string[] {
  const vars = new Map(env.map((e) => [e.name, e.value]));
  const mapping = mappingFor(vars);
  return words.map((w) => expand(w, mapping));
}
