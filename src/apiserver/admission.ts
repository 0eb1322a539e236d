// The admission steps upstream's API server runs on every write that skiff needs: namespace
// lifecycle, default tolerations, and service IP / node port allocation (done in the create call,
// as upstream does).
import type { ResourceDef } from '../api/resource.js';
import { groupResource, type KubeObject } from '../api/types.js';
import { IpAllocator, PortAllocator } from './allocators.js';
import { forbidden, notFound, StatusError } from './errors.js';
import type { Admission, RequestContext } from './rest.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const UNDELETABLE_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

function isCore(def: ResourceDef, kind: string): boolean {
  return def.group === '' && def.kind === kind;
}

/** Creation needs a live namespace; the system namespaces cannot be deleted. */
export class NamespaceLifecycle implements Admission {
  constructor(private readonly getNamespace: (name: string) => Promise<KubeObject | undefined>) {}

  async create(def: ResourceDef, obj: KubeObject): Promise<void> {
    if (!def.namespaced) return;
    const namespace = obj.metadata.namespace!;
    const ns = await this.getNamespace(namespace);
    if (!ns) throw notFound('', 'namespaces', namespace);
    const phase = (ns.status as { phase?: string } | undefined)?.phase;
    if (ns.metadata.deletionTimestamp || phase === 'Terminating') {
      throw forbidden(
        `${groupResource(def.group, def.plural)} "${obj.metadata.name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        { name: obj.metadata.name, group: def.group || undefined, kind: def.plural },
      );
    }
  }

  delete(def: ResourceDef, obj: KubeObject): void {
    if (isCore(def, 'Namespace') && UNDELETABLE_NAMESPACES.has(obj.metadata.name!)) {
      throw forbidden(`namespaces "${obj.metadata.name}" is forbidden: this namespace may not be deleted`, {
        name: obj.metadata.name,
        kind: 'namespaces',
      });
    }
  }
}

const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';

/**
 * DefaultTolerationSeconds: a new pod that does not say how long it tolerates a not-ready or
 * unreachable node gets a NoExecute toleration for each, of kube-apiserver's
 * --default-not-ready-toleration-seconds / --default-unreachable-toleration-seconds (300).
 */
export class DefaultTolerationSeconds implements Admission {
  constructor(private readonly seconds = 300) {}

  create(def: ResourceDef, obj: KubeObject): void {
    if (!isCore(def, 'Pod')) return;
    const spec = (obj.spec ??= {}) as { tolerations?: Record<string, unknown>[] };
    const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations : [];
    // An empty key tolerates every taint key, an empty effect every effect.
    const covers = (key: string) => tolerations.some((t) => t && (t.key === key || !t.key) && (!t.effect || t.effect === 'NoExecute'));
    const added = [NOT_READY_TAINT, UNREACHABLE_TAINT]
      .filter((key) => !covers(key))
      .map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: this.seconds }));
    if (added.length) spec.tolerations = [...tolerations, ...added];
  }
}

interface ServicePort {
  port?: number;
  nodePort?: number;
  [key: string]: unknown;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
  [key: string]: unknown;
}

function specOf(svc: KubeObject): ServiceSpec {
  svc.spec ??= {};
  return svc.spec as ServiceSpec;
}

function needsNodePorts(spec: ServiceSpec): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer';
}

function needsClusterIP(spec: ServiceSpec): boolean {
  return spec.type !== 'ExternalName' && spec.clusterIP !== 'None';
}

function invalid(svc: KubeObject, field: string, value: string, detail: string): StatusError {
  const message = `Invalid value: ${value}: ${detail}`;
  return new StatusError(422, 'Invalid', `Service "${svc.metadata.name}" is invalid: ${field}: ${message}`, {
    name: svc.metadata.name,
    kind: 'Service',
    causes: [{ reason: 'FieldValueInvalid', message, field }],
  });
}

/**
 * Gives a Service its ClusterIP (10.96.0.0/16 by default) and NodePorts (30000–32767, never two
 * alike) when it is created, keeps them across updates that leave them out, and frees them on delete.
 */
export class ServiceAllocation implements Admission {
  readonly ips: IpAllocator;
  readonly ports = new PortAllocator();

  constructor(serviceCidr = '10.96.0.0/16') {
    this.ips = new IpAllocator(serviceCidr);
  }

  /** Marks what stored services hold (at start-up, like upstream's repair loops). */
  restore(services: KubeObject[]): void {
    for (const svc of services) {
      const spec = specOf(svc);
      if (spec.clusterIP && spec.clusterIP !== 'None' && this.ips.contains(spec.clusterIP)) this.ips.claim(spec.clusterIP);
      for (const p of spec.ports ?? []) if (p.nodePort) this.ports.claim(p.nodePort);
    }
  }

  private allocateClusterIP(svc: KubeObject, spec: ServiceSpec): void {
    if (!needsClusterIP(spec)) {
      if (spec.type === 'ExternalName') {
        delete spec.clusterIP;
        delete spec.clusterIPs;
      } else spec.clusterIPs = ['None'];
      return;
    }
    const requested = spec.clusterIP || spec.clusterIPs?.[0];
    if (requested) {
      if (!this.ips.contains(requested)) {
        throw invalid(svc, 'spec.clusterIPs', `[]string{"${requested}"}`, `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${this.ips.cidr}`);
      }
      if (!this.ips.claim(requested)) {
        throw invalid(svc, 'spec.clusterIPs', `[]string{"${requested}"}`, `failed to allocate IP ${requested}: provided IP is already allocated`);
      }
      spec.clusterIP = requested;
    } else {
      spec.clusterIP = this.ips.allocate();
    }
    spec.clusterIPs = [spec.clusterIP];
  }

  private allocateNodePorts(svc: KubeObject, spec: ServiceSpec, keep: Set<number>): void {
    (spec.ports ?? []).forEach((port, i) => {
      if (port.nodePort) {
        if (keep.has(port.nodePort)) return;
        if (!this.ports.contains(port.nodePort)) {
          throw invalid(svc, `spec.ports[${i}].nodePort`, String(port.nodePort), `provided port is not in the valid range. The range of valid ports is ${this.ports.min}-${this.ports.max}`);
        }
        if (!this.ports.claim(port.nodePort)) {
          throw invalid(svc, `spec.ports[${i}].nodePort`, String(port.nodePort), 'provided port is already allocated');
        }
      } else {
        port.nodePort = this.ports.allocate();
      }
    });
  }

  create(def: ResourceDef, obj: KubeObject): void {
    if (!isCore(def, 'Service')) return;
    const spec = specOf(obj);
    this.allocateClusterIP(obj, spec);
    try {
      if (needsNodePorts(spec)) this.allocateNodePorts(obj, spec, new Set());
      else for (const p of spec.ports ?? []) delete p.nodePort;
    } catch (err) {
      if (spec.clusterIP && spec.clusterIP !== 'None') this.ips.release(spec.clusterIP);
      throw err;
    }
  }

  update(def: ResourceDef, obj: KubeObject, old: KubeObject, ctx: RequestContext): void {
    if (!isCore(def, 'Service')) return;
    const spec = specOf(obj);
    const oldSpec = (old.spec ?? {}) as ServiceSpec;
    // An update that leaves the allocated values out keeps them (upstream's patchAllocatedValues).
    if (needsClusterIP(spec) && !spec.clusterIP && oldSpec.clusterIP && oldSpec.clusterIP !== 'None') {
      spec.clusterIP = oldSpec.clusterIP;
      spec.clusterIPs = oldSpec.clusterIPs ?? [oldSpec.clusterIP];
    }
    const oldPorts = new Set((oldSpec.ports ?? []).map((p) => p.nodePort).filter((p): p is number => Boolean(p)));
    if (needsNodePorts(spec)) {
      const oldByPort = new Map((oldSpec.ports ?? []).map((p) => [p.port, p.nodePort]));
      for (const p of spec.ports ?? []) if (!p.nodePort && oldByPort.get(p.port)) p.nodePort = oldByPort.get(p.port);
      if (!ctx.dryRun) this.allocateNodePorts(obj, spec, oldPorts);
    } else {
      for (const p of spec.ports ?? []) delete p.nodePort;
    }
    if (ctx.dryRun) return;
    const kept = new Set((spec.ports ?? []).map((p) => p.nodePort));
    for (const port of oldPorts) if (!kept.has(port)) this.ports.release(port);
    if (!needsClusterIP(spec) && oldSpec.clusterIP && oldSpec.clusterIP !== 'None') this.ips.release(oldSpec.clusterIP);
    if (needsClusterIP(spec) && !spec.clusterIP) this.allocateClusterIP(obj, spec);
  }

  release(def: ResourceDef, obj: KubeObject): void {
    if (!isCore(def, 'Service')) return;
    const spec = specOf(obj);
    if (spec.clusterIP && spec.clusterIP !== 'None' && this.ips.contains(spec.clusterIP)) this.ips.release(spec.clusterIP);
    for (const p of spec.ports ?? []) if (p.nodePort) this.ports.release(p.nodePort);
  }
}

const SERVICE_ACCOUNT_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

type Json = Record<string, unknown>;

/** upstream's names: `kube-api-access-` and five characters of the generateName alphabet. */
function apiAccessVolumeName(): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)];
  return `kube-api-access-${suffix}`;
}

/** The projected volume upstream mounts: a bound token, the cluster CA and the pod's namespace. */
function apiAccessVolume(name: string): Json {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

/**
 * ServiceAccount admission (plugin/pkg/admission/serviceaccount): every new pod that does not opt
 * out gets the `kube-api-access-*` volume mounted at /var/run/secrets/kubernetes.io/serviceaccount
 * in each container, so in-cluster clients find their token, CA and namespace. Unlike upstream,
 * a service account that does not exist yet does not reject the pod: the API server also runs
 * alone (tests, `--controllers -*`) where nothing creates `default`, and the kubelet's token
 * request fails and retries until the account exists.
 */
export class ServiceAccountAdmission implements Admission {
  constructor(private readonly getServiceAccount: (namespace: string, name: string) => Promise<KubeObject | undefined>) {}

  async create(def: ResourceDef, obj: KubeObject): Promise<void> {
    if (!isCore(def, 'Pod') || obj.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined) return;
    const spec = (obj.spec ??= {}) as Json;
    if (spec.automountServiceAccountToken === false) return;
    const account = await this.getServiceAccount(obj.metadata.namespace!, String(spec.serviceAccountName ?? 'default'));
    if (spec.automountServiceAccountToken === undefined && (account as Json | undefined)?.automountServiceAccountToken === false) return;
    const containers = [...arrayOf(spec.initContainers), ...arrayOf(spec.containers)];
    const needing = containers.filter((c) => !arrayOf(c.volumeMounts).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT));
    if (needing.length === 0) return;
    const name = apiAccessVolumeName();
    spec.volumes = [...arrayOf(spec.volumes), apiAccessVolume(name)];
    for (const c of needing) c.volumeMounts = [...arrayOf(c.volumeMounts), { name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT }];
  }
}

function arrayOf(value: unknown): Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}
