// The built-in resources, in discovery order. Names, short names, categories, scopes, verbs and
// subresources follow a real cluster's discovery documents (kubernetes api/discovery/*.json):
// core first, then the groups in the order /apis lists them, each group/version's resources
// sorted by name as upstream sorts them, and each resource's subresources sorted too.
import type { ResourceDef, ScaleSpec, Subresource } from '../resource.js';
import { apiVersionOf } from '../types.js';
import { eventsV1Converter } from '../conversion/events.js';
import { hpaV1Converter } from '../conversion/hpa.js';
import {
  coreEventFields,
  eventsV1Fields,
  jobFields,
  namespaceFields,
  nodeFields,
  podFields,
  replicasFields,
  secretFields,
  serviceFields,
} from './selectable.js';

type DefOptions = Partial<Omit<ResourceDef, 'group' | 'version' | 'kind' | 'plural' | 'namespaced'>>;

/** A definition stored at its own version; singular and listKind follow upstream's defaults. */
function def(group: string, version: string, kind: string, plural: string, namespaced: boolean, options: DefOptions = {}): ResourceDef {
  return {
    group,
    version,
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    storageVersion: version,
    ...options,
  };
}

const NAMESPACED = true;
const CLUSTER = false;
const ALL = ['all'];
const CREATE_ONLY = ['create'];
const STATUS: Subresource[] = ['status'];
const SCALE_AND_STATUS: Subresource[] = ['scale', 'status'];

/** Workloads whose scale selector is a LabelSelector at spec.selector (apps/v1). */
const APPS_SCALE: ScaleSpec = { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' };
/** ReplicationController's spec.selector is a plain label map (the server formats both shapes). */
const RC_SCALE: ScaleSpec = { ...APPS_SCALE };

/** A review: answered on POST, never stored. */
function review(group: string, kind: string, plural: string, namespaced: boolean): ResourceDef {
  return def(group, 'v1', kind, plural, namespaced, { verbs: CREATE_ONLY, virtual: true });
}

const core: ResourceDef[] = [
  // Bindings are create-only but not virtual: the server answers them by binding the pod.
  def('', 'v1', 'Binding', 'bindings', NAMESPACED, { verbs: CREATE_ONLY }),
  def('', 'v1', 'ConfigMap', 'configmaps', NAMESPACED, { shortNames: ['cm'] }),
  def('', 'v1', 'Endpoints', 'endpoints', NAMESPACED, { shortNames: ['ep'], singular: 'endpoints' }),
  def('', 'v1', 'Event', 'events', NAMESPACED, { shortNames: ['ev'], selectableFields: coreEventFields }),
  def('', 'v1', 'LimitRange', 'limitranges', NAMESPACED, { shortNames: ['limits'] }),
  // Namespaces have no deletecollection; the server adds namespaces/finalize (not a Subresource).
  def('', 'v1', 'Namespace', 'namespaces', CLUSTER, {
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: STATUS,
    selectableFields: namespaceFields,
  }),
  def('', 'v1', 'Node', 'nodes', CLUSTER, { shortNames: ['no'], subresources: ['proxy', 'status'], selectableFields: nodeFields }),
  def('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', NAMESPACED, { shortNames: ['pvc'], subresources: STATUS }),
  def('', 'v1', 'PersistentVolume', 'persistentvolumes', CLUSTER, { shortNames: ['pv'], subresources: STATUS }),
  def('', 'v1', 'Pod', 'pods', NAMESPACED, {
    shortNames: ['po'],
    categories: ALL,
    subresources: ['attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'proxy', 'status'],
    selectableFields: podFields,
  }),
  def('', 'v1', 'PodTemplate', 'podtemplates', NAMESPACED),
  def('', 'v1', 'ReplicationController', 'replicationcontrollers', NAMESPACED, {
    shortNames: ['rc'],
    categories: ALL,
    subresources: SCALE_AND_STATUS,
    scale: RC_SCALE,
    selectableFields: replicasFields,
  }),
  def('', 'v1', 'ResourceQuota', 'resourcequotas', NAMESPACED, { shortNames: ['quota'], subresources: STATUS }),
  def('', 'v1', 'Secret', 'secrets', NAMESPACED, { selectableFields: secretFields }),
  def('', 'v1', 'ServiceAccount', 'serviceaccounts', NAMESPACED, { shortNames: ['sa'], subresources: ['token'] }),
  def('', 'v1', 'Service', 'services', NAMESPACED, {
    shortNames: ['svc'],
    categories: ALL,
    subresources: ['proxy', 'status'],
    selectableFields: serviceFields,
  }),
];

const apiregistration: ResourceDef[] = [
  def('apiregistration.k8s.io', 'v1', 'APIService', 'apiservices', CLUSTER, { categories: ['api-extensions'], subresources: STATUS }),
];

const apps: ResourceDef[] = [
  def('apps', 'v1', 'ControllerRevision', 'controllerrevisions', NAMESPACED),
  def('apps', 'v1', 'DaemonSet', 'daemonsets', NAMESPACED, { shortNames: ['ds'], categories: ALL, subresources: STATUS }),
  def('apps', 'v1', 'Deployment', 'deployments', NAMESPACED, {
    shortNames: ['deploy'],
    categories: ALL,
    subresources: SCALE_AND_STATUS,
    scale: APPS_SCALE,
  }),
  def('apps', 'v1', 'ReplicaSet', 'replicasets', NAMESPACED, {
    shortNames: ['rs'],
    categories: ALL,
    subresources: SCALE_AND_STATUS,
    scale: APPS_SCALE,
    selectableFields: replicasFields,
  }),
  def('apps', 'v1', 'StatefulSet', 'statefulsets', NAMESPACED, {
    shortNames: ['sts'],
    categories: ALL,
    subresources: SCALE_AND_STATUS,
    scale: APPS_SCALE,
  }),
];

const events: ResourceDef[] = [
  // Stored with the core/v1 events (see storageGroupResource): one entry, two APIs.
  def('events.k8s.io', 'v1', 'Event', 'events', NAMESPACED, {
    shortNames: ['ev'],
    storageVersion: 'v1',
    converter: eventsV1Converter,
    selectableFields: eventsV1Fields,
  }),
];

const authentication: ResourceDef[] = [
  review('authentication.k8s.io', 'SelfSubjectReview', 'selfsubjectreviews', CLUSTER),
  review('authentication.k8s.io', 'TokenReview', 'tokenreviews', CLUSTER),
];

const authorization: ResourceDef[] = [
  review('authorization.k8s.io', 'LocalSubjectAccessReview', 'localsubjectaccessreviews', NAMESPACED),
  review('authorization.k8s.io', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', CLUSTER),
  review('authorization.k8s.io', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', CLUSTER),
  review('authorization.k8s.io', 'SubjectAccessReview', 'subjectaccessreviews', CLUSTER),
];

const HPA: DefOptions = { shortNames: ['hpa'], categories: ALL, subresources: STATUS, storageVersion: 'v2' };

// v2 first: upstream lists the preferred version first, and the server takes the first as preferred.
const autoscaling: ResourceDef[] = [
  def('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', NAMESPACED, HPA),
  def('autoscaling', 'v1', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', NAMESPACED, { ...HPA, converter: hpaV1Converter }),
];

const batch: ResourceDef[] = [
  def('batch', 'v1', 'CronJob', 'cronjobs', NAMESPACED, { shortNames: ['cj'], categories: ALL, subresources: STATUS }),
  def('batch', 'v1', 'Job', 'jobs', NAMESPACED, { categories: ALL, subresources: STATUS, selectableFields: jobFields }),
];

const networking: ResourceDef[] = [
  def('networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', CLUSTER),
  def('networking.k8s.io', 'v1', 'Ingress', 'ingresses', NAMESPACED, { shortNames: ['ing'], subresources: STATUS }),
  def('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', NAMESPACED, { shortNames: ['netpol'] }),
];

const policy: ResourceDef[] = [
  def('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', NAMESPACED, { shortNames: ['pdb'], subresources: STATUS }),
];

const rbac: ResourceDef[] = [
  def('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', CLUSTER),
  def('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', CLUSTER),
  def('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', NAMESPACED),
  def('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', NAMESPACED),
];

const storage: ResourceDef[] = [
  def('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', CLUSTER, { shortNames: ['sc'] }),
];

const apiextensions: ResourceDef[] = [
  def('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', CLUSTER, {
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: STATUS,
  }),
];

const scheduling: ResourceDef[] = [
  def('scheduling.k8s.io', 'v1', 'PriorityClass', 'priorityclasses', CLUSTER, { shortNames: ['pc'] }),
];

const coordination: ResourceDef[] = [def('coordination.k8s.io', 'v1', 'Lease', 'leases', NAMESPACED)];

const discovery: ResourceDef[] = [def('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', NAMESPACED)];

/** One entry per served group/version/resource, in discovery order (upstream's /apis order). */
export const builtinResources: ResourceDef[] = [
  ...core,
  ...apiregistration,
  ...apps,
  ...events,
  ...authentication,
  ...authorization,
  ...autoscaling,
  ...batch,
  ...networking,
  ...policy,
  ...rbac,
  ...storage,
  ...apiextensions,
  ...scheduling,
  ...coordination,
  ...discovery,
];

// ---- storage -----------------------------------------------------------------------------------

/**
 * Where a resource's objects are stored, shared by every version that serves them: upstream keeps
 * events.k8s.io Events in the core events storage (etcd /registry/events), and HPAs of
 * autoscaling/v1 and v2 in one storage. Key the store by this, never by the served group.
 */
export function storageGroupResource(d: ResourceDef): { group: string; resource: string } {
  if (d.group === 'events.k8s.io' && d.plural === 'events') return { group: '', resource: 'events' };
  return { group: d.group, resource: d.plural };
}

/** The apiVersion of the stored form ("v1" for both Event APIs, "autoscaling/v2" for HPAs). */
export function storageApiVersion(d: ResourceDef): string {
  return apiVersionOf(storageGroupResource(d).group, d.storageVersion);
}

// ---- lookups -----------------------------------------------------------------------------------

export interface GroupVersionResources {
  group: string;
  version: string;
  groupVersion: string; // "apps/v1", or "v1" for core
  resources: ResourceDef[];
}

/** Finds a definition by "pods" or by "pods/status" (then only when it has that subresource). */
export function findResource(group: string, version: string, name: string, defs: ResourceDef[] = builtinResources): ResourceDef | undefined {
  const [plural, sub] = name.split('/', 2);
  const found = defs.find((d) => d.group === group && d.version === version && d.plural === plural);
  if (!found || sub === undefined) return found;
  // finalize is served for namespaces although the Subresource type leaves it out.
  const subs: string[] = [...(found.subresources ?? []), ...(found.group === '' && found.plural === 'namespaces' ? ['finalize'] : [])];
  return subs.includes(sub) ? found : undefined;
}

/** The definition serving a kind at a group/version (for a body's apiVersion and kind). */
export function findResourceByKind(group: string, version: string, kind: string, defs: ResourceDef[] = builtinResources): ResourceDef | undefined {
  return defs.find((d) => d.group === group && d.version === version && d.kind === kind);
}

/** Every group/version in discovery order, each with its resources in order. */
export function resourcesByGroupVersion(defs: ResourceDef[] = builtinResources): GroupVersionResources[] {
  const out = new Map<string, GroupVersionResources>();
  for (const d of defs) {
    const groupVersion = apiVersionOf(d.group, d.version);
    let gv = out.get(groupVersion);
    if (!gv) {
      gv = { group: d.group, version: d.version, groupVersion, resources: [] };
      out.set(groupVersion, gv);
    }
    gv.resources.push(d);
  }
  return [...out.values()];
}

/** The group's preferred version: the first one listed (autoscaling → v2), or undefined. */
export function preferredVersion(group: string, defs: ResourceDef[] = builtinResources): string | undefined {
  return defs.find((d) => d.group === group)?.version;
}

/** Resources in a category, e.g. "all" for `kubectl get all` (kubectl expands it client-side). */
export function resourcesInCategory(category: string, defs: ResourceDef[] = builtinResources): ResourceDef[] {
  return defs.filter((d) => d.categories?.includes(category));
}
