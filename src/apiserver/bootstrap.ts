// What the API server puts in place on every start, as upstream's bootstrap controllers do:
// the system namespaces, the `kubernetes` Service and its endpoints, the default RBAC policy and
// the system PriorityClasses. Existing objects are left alone (the endpoints follow the address).
import { bootstrapPolicy } from './auth/bootstrap.js';
import type { ResourceDef } from '../api/resource.js';
import type { KubeObject } from '../api/types.js';
import { SYSTEM_NAMESPACES } from './admission.js';
import { StatusError } from './errors.js';
import type { ResourceRegistry } from './registry.js';
import type { ObjectStore, RequestContext } from './rest.js';

/** The `kubernetes` Service's ClusterIP: the first address of the service range (10.96.0.1 by default). */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';

/** The first usable address of an IPv4 CIDR: where upstream puts the `kubernetes` Service. */
export function firstServiceIp(cidr: string): string {
  const [base] = cidr.split('/');
  const n = base!.split('.').reduce((acc, o) => acc * 256 + Number(o), 0) + 1;
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

interface Endpoint {
  address: string;
  port: number;
}

function namespaceObject(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

function kubernetesService(clusterIP: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP,
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      sessionAffinity: 'None',
    },
  };
}

function kubernetesEndpoints(ep: Endpoint): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: ep.address }], ports: [{ name: 'https', port: ep.port, protocol: 'TCP' }] }],
  };
}

function kubernetesEndpointSlice(ep: Endpoint): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [ep.address], conditions: { ready: true } }],
    ports: [{ name: 'https', port: ep.port, protocol: 'TCP' }],
  };
}

function priorityClass(name: string, value: number, description: string): KubeObject {
  return {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name },
    value,
    preemptionPolicy: 'PreemptLowerPriority',
    description,
  };
}

async function createIfMissing(objects: ObjectStore, def: ResourceDef | undefined, obj: KubeObject, ctx: RequestContext): Promise<void> {
  if (!def) return;
  // Look first: a create would claim the object's fixed ClusterIP before finding it exists.
  if (await objects.tryGet(def, obj.metadata.namespace, obj.metadata.name!)) return;
  try {
    await objects.create(def, obj.metadata.namespace, obj, ctx);
  } catch (err) {
    if (!(err instanceof StatusError && err.code === 409)) {
      throw new Error(`failed to bootstrap ${def.plural} ${obj.metadata.name}: ${(err as Error).message}`);
    }
  }
}

/** Keeps an object's content as given (for the endpoints, which follow the advertised address). */
async function ensure(objects: ObjectStore, def: ResourceDef | undefined, obj: KubeObject, ctx: RequestContext, fields: string[]): Promise<void> {
  if (!def) return;
  const current = await objects.tryGet(def, obj.metadata.namespace, obj.metadata.name!);
  if (!current) return createIfMissing(objects, def, obj, ctx);
  if (fields.every((f) => JSON.stringify(current[f]) === JSON.stringify(obj[f]))) return;
  await objects.guaranteedUpdate(def, obj.metadata.namespace, obj.metadata.name!, ctx, (cur) => ({ ...cur, ...Object.fromEntries(fields.map((f) => [f, obj[f]])) }));
}

export async function bootstrapObjects(objects: ObjectStore, registry: ResourceRegistry, ctx: RequestContext, endpoint: Endpoint, serviceIp = KUBERNETES_SERVICE_IP): Promise<void> {
  const find = (group: string, version: string, plural: string) => registry.find(group, version, plural);
  for (const name of SYSTEM_NAMESPACES) await createIfMissing(objects, find('', 'v1', 'namespaces'), namespaceObject(name), ctx);
  await createIfMissing(objects, find('', 'v1', 'services'), kubernetesService(serviceIp), ctx);
  await ensure(objects, find('', 'v1', 'endpoints'), kubernetesEndpoints(endpoint), ctx, ['subsets']);
  await ensure(objects, find('discovery.k8s.io', 'v1', 'endpointslices'), kubernetesEndpointSlice(endpoint), ctx, ['endpoints', 'ports']);
  const policy = bootstrapPolicy();
  const rbac = (plural: string) => find('rbac.authorization.k8s.io', 'v1', plural);
  for (const obj of policy.clusterRoles) await createIfMissing(objects, rbac('clusterroles'), obj, ctx);
  for (const obj of policy.clusterRoleBindings) await createIfMissing(objects, rbac('clusterrolebindings'), obj, ctx);
  for (const obj of policy.roles) await createIfMissing(objects, rbac('roles'), obj, ctx);
  for (const obj of policy.roleBindings) await createIfMissing(objects, rbac('rolebindings'), obj, ctx);
  const priorityClasses = find('scheduling.k8s.io', 'v1', 'priorityclasses');
  await createIfMissing(objects, priorityClasses, priorityClass('system-node-critical', 2000001000, 'Used for system critical pods that must not be moved from their current node.'), ctx);
  await createIfMissing(objects, priorityClasses, priorityClass('system-cluster-critical', 2000000000, 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.'), ctx);
}
