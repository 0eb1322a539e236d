// The default RBAC policy kube-apiserver creates at start: transcribed from upstream's golden
// files (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/cluster-roles.yaml,
// cluster-role-bindings.yaml, controller-roles.yaml, controller-role-bindings.yaml,
// namespace-roles.yaml, namespace-role-bindings.yaml). Rules keep upstream's order, since
// `kubectl describe clusterrole` and aggregation show them in that order.
import type { KubeObject } from '../../api/types.js';
import { aggregateClusterRoles } from './aggregation.js';
import type { PolicyRule, RoleRef, Subject } from './rbac.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const RBAC_VERSION = `${RBAC_GROUP}/v1`;
const READ = 'get,list,watch';
const WRITE = 'create,delete,deletecollection,patch,update';
const READ_WRITE = 'create,delete,deletecollection,get,list,patch,update,watch';

export interface BootstrapPolicy {
  clusterRoles: KubeObject[];
  clusterRoleBindings: KubeObject[];
  roles: KubeObject[];
  roleBindings: KubeObject[];
}

const list = (csv: string): string[] => csv.split(',');

/** A resource rule; groups use "" for the core group, so ",events.k8s.io" is ["", "events.k8s.io"]. */
function rule(verbs: string, groups: string, resources: string, names?: string): PolicyRule {
  const r: PolicyRule = { verbs: list(verbs), apiGroups: list(groups), resources: list(resources) };
  if (names) r.resourceNames = list(names);
  return r;
}

function urls(verbs: string, paths: string): PolicyRule {
  return { verbs: list(verbs), nonResourceURLs: list(paths) };
}

/** Upstream's eventsRule(): every component that records events gets it. */
const EVENTS = (): PolicyRule => rule('create,patch,update', ',events.k8s.io', 'events');

function metadata(name: string, namespace?: string, extraLabels: Record<string, string> = {}): KubeObject['metadata'] {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults', ...extraLabels },
    annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
  };
}

function clusterRole(name: string, rules: PolicyRule[], labels?: Record<string, string>): KubeObject {
  return { apiVersion: RBAC_VERSION, kind: 'ClusterRole', metadata: metadata(name, undefined, labels), rules };
}

/** admin, edit and view: their rules are the union of the roles carrying `aggregate-to-<name>`. */
function aggregatedRole(name: string, labels?: Record<string, string>): KubeObject {
  return {
    apiVersion: RBAC_VERSION,
    kind: 'ClusterRole',
    metadata: metadata(name, undefined, labels),
    // Key order as the API serves a ClusterRole: rules, then aggregationRule.
    rules: [],
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [`${RBAC_GROUP}/aggregate-to-${name}`]: 'true' } }] },
  };
}

function role(namespace: string, name: string, rules: PolicyRule[]): KubeObject {
  return { apiVersion: RBAC_VERSION, kind: 'Role', metadata: metadata(name, namespace), rules };
}

const user = (name: string): Subject => ({ kind: 'User', apiGroup: RBAC_GROUP, name });
const group = (name: string): Subject => ({ kind: 'Group', apiGroup: RBAC_GROUP, name });
const serviceAccount = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', name, namespace });

function roleRef(kind: 'ClusterRole' | 'Role', name: string): RoleRef {
  return { apiGroup: RBAC_GROUP, kind, name };
}

function clusterRoleBinding(name: string, roleName: string, subjects: Subject[]): KubeObject {
  const binding: KubeObject = { apiVersion: RBAC_VERSION, kind: 'ClusterRoleBinding', metadata: metadata(name), roleRef: roleRef('ClusterRole', roleName) };
  if (subjects.length) binding.subjects = subjects;
  return binding;
}

function roleBinding(namespace: string, name: string, roleName: string, subjects: Subject[]): KubeObject {
  return { apiVersion: RBAC_VERSION, kind: 'RoleBinding', metadata: metadata(name, namespace), roleRef: roleRef('Role', roleName), subjects };
}

const aggregateTo = (name: string): Record<string, string> => ({ [`${RBAC_GROUP}/aggregate-to-${name}`]: 'true' });

function userFacingRoles(): KubeObject[] {
  return [
    aggregatedRole('admin'),
    clusterRole('cluster-admin', [rule('*', '*', '*'), urls('*', '*')]),
    aggregatedRole('edit', aggregateTo('admin')),
    clusterRole('system:aggregate-to-admin', [
      rule('create', 'authorization.k8s.io', 'localsubjectaccessreviews'),
      rule(READ_WRITE, RBAC_GROUP, 'rolebindings,roles'),
    ], aggregateTo('admin')),
    clusterRole('system:aggregate-to-edit', [
      rule(READ, '', 'pods/attach,pods/exec,pods/portforward,pods/proxy,secrets,services/proxy'),
      rule('impersonate', '', 'serviceaccounts'),
      rule(WRITE, '', 'pods,pods/attach,pods/exec,pods/portforward,pods/proxy'),
      rule('create', '', 'pods/eviction'),
      rule(WRITE, '', 'configmaps,events,persistentvolumeclaims,replicationcontrollers,replicationcontrollers/scale,secrets,serviceaccounts,services,services/proxy'),
      rule('create', '', 'serviceaccounts/token'),
      rule(WRITE, 'apps', 'daemonsets,deployments,deployments/rollback,deployments/scale,replicasets,replicasets/scale,statefulsets,statefulsets/scale'),
      rule(WRITE, 'autoscaling', 'horizontalpodautoscalers'),
      rule(WRITE, 'batch', 'cronjobs,jobs'),
      rule(WRITE, 'extensions', 'daemonsets,deployments,deployments/rollback,deployments/scale,ingresses,networkpolicies,replicasets,replicasets/scale,replicationcontrollers/scale'),
      rule(WRITE, 'policy', 'poddisruptionbudgets'),
      rule(WRITE, 'networking.k8s.io', 'ingresses,networkpolicies'),
      rule(READ_WRITE, 'coordination.k8s.io', 'leases'),
    ], aggregateTo('edit')),
    clusterRole('system:aggregate-to-view', [
      rule(READ, '', 'configmaps,endpoints,persistentvolumeclaims,persistentvolumeclaims/status,pods,replicationcontrollers,replicationcontrollers/scale,serviceaccounts,services,services/status'),
      rule(READ, '', 'bindings,events,limitranges,namespaces/status,pods/log,pods/status,replicationcontrollers/status,resourcequotas,resourcequotas/status'),
      rule(READ, '', 'namespaces'),
      rule(READ, 'discovery.k8s.io', 'endpointslices'),
      rule(READ, 'apps', 'controllerrevisions,daemonsets,daemonsets/status,deployments,deployments/scale,deployments/status,replicasets,replicasets/scale,replicasets/status,statefulsets,statefulsets/scale,statefulsets/status'),
      rule(READ, 'autoscaling', 'horizontalpodautoscalers,horizontalpodautoscalers/status'),
      rule(READ, 'batch', 'cronjobs,cronjobs/status,jobs,jobs/status'),
      rule(READ, 'extensions', 'daemonsets,daemonsets/status,deployments,deployments/scale,deployments/status,ingresses,ingresses/status,networkpolicies,replicasets,replicasets/scale,replicasets/status,replicationcontrollers/scale'),
      rule(READ, 'policy', 'poddisruptionbudgets,poddisruptionbudgets/status'),
      rule(READ, 'networking.k8s.io', 'ingresses,ingresses/status,networkpolicies'),
    ], aggregateTo('view')),
    aggregatedRole('view', aggregateTo('edit')),
  ];
}

function systemRoles(): KubeObject[] {
  const approver = (signer: string, name: string) =>
    clusterRole(`system:certificates.k8s.io:${name}`, [rule('approve', 'certificates.k8s.io', 'signers', `kubernetes.io/${signer}`)]);
  return [
    clusterRole('system:auth-delegator', [
      rule('create', 'authentication.k8s.io', 'tokenreviews'),
      rule('create', 'authorization.k8s.io', 'subjectaccessreviews'),
    ]),
    clusterRole('system:basic-user', [
      rule('create', 'authorization.k8s.io', 'selfsubjectaccessreviews,selfsubjectrulesreviews'),
      rule('create', 'authentication.k8s.io', 'selfsubjectreviews'),
    ]),
    clusterRole('system:certificates.k8s.io:certificatesigningrequests:nodeclient', [
      rule('create', 'certificates.k8s.io', 'certificatesigningrequests/nodeclient'),
    ]),
    clusterRole('system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', [
      rule('create', 'certificates.k8s.io', 'certificatesigningrequests/selfnodeclient'),
    ]),
    approver('kube-apiserver-client', 'kube-apiserver-client-approver'),
    approver('kube-apiserver-client-kubelet', 'kube-apiserver-client-kubelet-approver'),
    approver('kubelet-serving', 'kubelet-serving-approver'),
    approver('legacy-unknown', 'legacy-unknown-approver'),
    clusterRole('system:discovery', [
      urls('get', '/api,/api/*,/apis,/apis/*,/healthz,/livez,/openapi,/openapi/*,/readyz,/version,/version/'),
    ]),
    clusterRole('system:heapster', [
      rule(READ, '', 'events,namespaces,nodes,pods'),
      rule(READ, 'extensions', 'deployments'),
    ]),
    clusterRole('system:kube-aggregator', [rule(READ, '', 'endpoints,services')]),
    clusterRole('system:kube-controller-manager', [
      EVENTS(),
      rule('create', 'coordination.k8s.io', 'leases'),
      rule('get,update', 'coordination.k8s.io', 'leases', 'kube-controller-manager'),
      rule('create', '', 'secrets,serviceaccounts'),
      rule('delete', '', 'secrets'),
      rule('get', '', 'configmaps,namespaces,secrets,serviceaccounts'),
      rule('update', '', 'secrets,serviceaccounts'),
      rule('create', 'authentication.k8s.io', 'tokenreviews'),
      rule('create', 'authorization.k8s.io', 'subjectaccessreviews'),
      rule('list,watch', '*', '*'),
      rule('create', '', 'serviceaccounts/token'),
    ]),
    clusterRole('system:kube-dns', [rule('list,watch', '', 'endpoints,services')]),
    clusterRole('system:kube-scheduler', [
      EVENTS(),
      rule('create', 'coordination.k8s.io', 'leases'),
      rule('get,update', 'coordination.k8s.io', 'leases', 'kube-scheduler'),
      rule(READ, '', 'nodes'),
      rule('delete,get,list,watch', '', 'pods'),
      rule('create', '', 'bindings,pods/binding'),
      rule('patch,update', '', 'pods/status'),
      rule(READ, '', 'replicationcontrollers,services'),
      rule(READ, 'apps,extensions', 'replicasets'),
      rule(READ, 'apps', 'statefulsets'),
      rule(READ, 'policy', 'poddisruptionbudgets'),
      rule(READ, '', 'persistentvolumeclaims,persistentvolumes'),
      rule('create', 'authentication.k8s.io', 'tokenreviews'),
      rule('create', 'authorization.k8s.io', 'subjectaccessreviews'),
      rule(READ, 'storage.k8s.io', 'csinodes'),
      rule(READ, '', 'namespaces'),
      rule(READ, 'storage.k8s.io', 'csidrivers'),
      rule(READ, 'storage.k8s.io', 'csistoragecapacities'),
    ]),
    clusterRole('system:kubelet-api-admin', [
      rule(READ, '', 'nodes'),
      rule('proxy', '', 'nodes'),
      rule('*', '', 'nodes/log,nodes/metrics,nodes/proxy,nodes/stats'),
    ]),
    clusterRole('system:monitoring', [
      urls('get', '/healthz,/healthz/*,/livez,/livez/*,/metrics,/metrics/slis,/readyz,/readyz/*'),
    ]),
    clusterRole('system:node', [
      rule('create', 'authentication.k8s.io', 'tokenreviews'),
      rule('create', 'authorization.k8s.io', 'localsubjectaccessreviews,subjectaccessreviews'),
      rule(READ, '', 'services'),
      rule('create,get,list,watch', '', 'nodes'),
      rule('patch,update', '', 'nodes/status'),
      rule('patch,update', '', 'nodes'),
      rule('create,patch,update', '', 'events'),
      rule(READ, '', 'pods'),
      rule('create,delete', '', 'pods'),
      rule('patch,update', '', 'pods/status'),
      rule('create', '', 'pods/eviction'),
      rule(READ, '', 'configmaps,secrets'),
      rule('get', '', 'persistentvolumeclaims,persistentvolumes'),
      rule('get', '', 'endpoints'),
      rule('create,get,list,watch', 'certificates.k8s.io', 'certificatesigningrequests'),
      rule('create,delete,get,patch,update', 'coordination.k8s.io', 'leases'),
      rule('get', 'storage.k8s.io', 'volumeattachments'),
      rule('create', '', 'serviceaccounts/token'),
      rule('get,patch,update', '', 'persistentvolumeclaims/status'),
      rule(READ, 'storage.k8s.io', 'csidrivers'),
      rule('create,delete,get,patch,update', 'storage.k8s.io', 'csinodes'),
      rule(READ, 'node.k8s.io', 'runtimeclasses'),
    ]),
    clusterRole('system:node-bootstrapper', [
      rule('create,get,list,watch', 'certificates.k8s.io', 'certificatesigningrequests'),
    ]),
    clusterRole('system:node-problem-detector', [
      rule('get', '', 'nodes'),
      rule('patch', '', 'nodes/status'),
      EVENTS(),
    ]),
    clusterRole('system:node-proxier', [
      rule('list,watch', '', 'endpoints,services'),
      rule(READ, '', 'nodes'),
      EVENTS(),
      rule('list,watch', 'discovery.k8s.io', 'endpointslices'),
    ]),
    clusterRole('system:persistent-volume-provisioner', [
      rule('create,delete,get,list,watch', '', 'persistentvolumes'),
      rule('get,list,update,watch', '', 'persistentvolumeclaims'),
      rule(READ, 'storage.k8s.io', 'storageclasses'),
      rule('watch', '', 'events'),
      EVENTS(),
    ]),
    clusterRole('system:public-info-viewer', [urls('get', '/healthz,/livez,/readyz,/version,/version/')]),
    clusterRole('system:service-account-issuer-discovery', [
      urls('get', '/.well-known/openid-configuration,/openid/v1/jwks'),
    ]),
    clusterRole('system:volume-scheduler', [
      rule('get,list,patch,update,watch', '', 'persistentvolumes'),
      rule(READ, 'storage.k8s.io', 'storageclasses'),
      rule('get,list,patch,update,watch', '', 'persistentvolumeclaims'),
    ]),
  ];
}

/** kube-controller-manager's per-controller roles (controller_policy.go), keyed by controller name. */
function controllerRules(): Record<string, PolicyRule[]> {
  const crud = 'create,delete,get,list,patch,update,watch';
  return {
    'attachdetach-controller': [
      rule('list,watch', '', 'persistentvolumeclaims,persistentvolumes'),
      rule(READ, '', 'nodes'),
      rule('patch,update', '', 'nodes/status'),
      rule('list,watch', '', 'pods'),
      EVENTS(),
      rule('create,delete,get,list,watch', 'storage.k8s.io', 'volumeattachments'),
      rule(READ, 'storage.k8s.io', 'csidrivers'),
      rule(READ, 'storage.k8s.io', 'csinodes'),
    ],
    'certificate-controller': [
      rule('delete,get,list,watch', 'certificates.k8s.io', 'certificatesigningrequests'),
      rule('update', 'certificates.k8s.io', 'certificatesigningrequests/approval,certificatesigningrequests/status'),
      rule('approve', 'certificates.k8s.io', 'signers', 'kubernetes.io/kube-apiserver-client-kubelet'),
      rule('sign', 'certificates.k8s.io', 'signers', 'kubernetes.io/kube-apiserver-client,kubernetes.io/kube-apiserver-client-kubelet,kubernetes.io/kubelet-serving,kubernetes.io/legacy-unknown'),
      rule('create', 'authorization.k8s.io', 'subjectaccessreviews'),
      EVENTS(),
    ],
    'clusterrole-aggregation-controller': [
      rule('escalate,get,list,patch,update,watch', RBAC_GROUP, 'clusterroles'),
    ],
    'cronjob-controller': [
      rule('get,list,update,watch', 'batch', 'cronjobs'),
      rule(crud, 'batch', 'jobs'),
      rule('update', 'batch', 'cronjobs/status'),
      rule('update', 'batch', 'cronjobs/finalizers'),
      rule('delete,list,watch', '', 'pods'),
      EVENTS(),
    ],
    'daemon-set-controller': [
      rule(READ, 'apps,extensions', 'daemonsets'),
      rule('update', 'apps,extensions', 'daemonsets/status'),
      rule('update', 'apps,extensions', 'daemonsets/finalizers'),
      rule('list,watch', '', 'nodes'),
      rule('create,delete,list,patch,watch', '', 'pods'),
      rule('create', '', 'pods/binding'),
      rule(crud, 'apps', 'controllerrevisions'),
      EVENTS(),
    ],
    'deployment-controller': [
      rule('get,list,update,watch', 'apps,extensions', 'deployments'),
      rule('update', 'apps,extensions', 'deployments/status'),
      rule('update', 'apps,extensions', 'deployments/finalizers'),
      rule(crud, 'apps,extensions', 'replicasets'),
      rule('get,list,update,watch', '', 'pods'),
      EVENTS(),
    ],
    'device-taint-eviction-controller': [
      rule('delete,get,list,watch', '', 'pods'),
      rule('patch,update', '', 'pods/status'),
      rule(READ, 'resource.k8s.io', 'resourceclaims'),
      rule(READ, 'resource.k8s.io', 'resourceslices'),
      rule(READ, 'resource.k8s.io', 'deviceclasses'),
      EVENTS(),
    ],
    'disruption-controller': [
      rule(READ, 'apps,extensions', 'deployments'),
      rule(READ, 'apps,extensions', 'replicasets'),
      rule(READ, '', 'replicationcontrollers'),
      rule(READ, 'policy', 'poddisruptionbudgets'),
      rule(READ, 'apps', 'statefulsets'),
      rule('update', 'policy', 'poddisruptionbudgets/status'),
      rule('patch,update', '', 'pods/status'),
      rule('get', '*', '*/scale'),
      EVENTS(),
    ],
    'endpoint-controller': [
      rule(READ, '', 'pods,services'),
      rule('create,delete,get,list,update,watch', '', 'endpoints'),
      rule('create', '', 'endpoints/restricted'),
      EVENTS(),
    ],
    'endpointslice-controller': [
      rule(READ, '', 'nodes,pods,services'),
      rule('update', '', 'services/finalizers'),
      rule('create,delete,get,list,update,watch', 'discovery.k8s.io', 'endpointslices'),
      EVENTS(),
    ],
    'endpointslicemirroring-controller': [
      rule(READ, '', 'endpoints,services'),
      rule('update', '', 'services/finalizers'),
      rule('update', '', 'endpoints/finalizers'),
      rule('create,delete,get,list,update,watch', 'discovery.k8s.io', 'endpointslices'),
      EVENTS(),
    ],
    'ephemeral-volume-controller': [
      rule(READ, '', 'pods'),
      rule('update', '', 'pods/finalizers'),
      rule('create,get,list,watch', '', 'persistentvolumeclaims'),
      EVENTS(),
    ],
    'expand-controller': [
      rule('get,list,patch,update,watch', '', 'persistentvolumes'),
      rule('patch,update', '', 'persistentvolumeclaims/status'),
      rule(READ, '', 'persistentvolumeclaims'),
      EVENTS(),
    ],
    'generic-garbage-collector': [
      rule('delete,get,list,patch,update,watch', '*', '*'),
      EVENTS(),
    ],
    'horizontal-pod-autoscaler': [
      rule(READ, 'autoscaling', 'horizontalpodautoscalers'),
      rule('update', 'autoscaling', 'horizontalpodautoscalers/status'),
      rule('get,update', '*', '*/scale'),
      rule('list,watch', '', 'pods'),
      rule('list,watch', 'metrics.k8s.io', 'pods'),
      rule(READ, 'custom.metrics.k8s.io', '*'),
      rule(READ, 'external.metrics.k8s.io', '*'),
      EVENTS(),
    ],
    'job-controller': [
      rule('get,list,patch,update,watch', 'batch', 'jobs'),
      rule('update', 'batch', 'jobs/status'),
      rule('update', 'batch', 'jobs/finalizers'),
      rule('create,delete,list,patch,watch', '', 'pods'),
      EVENTS(),
    ],
    'legacy-service-account-token-cleaner': [
      rule('get', '', 'configmaps', 'kube-apiserver-legacy-service-account-token-tracking'),
      rule('delete,patch', '', 'secrets'),
    ],
    'namespace-controller': [
      rule('delete,get,list,watch', '', 'namespaces'),
      rule('update', '', 'namespaces/finalize,namespaces/status'),
      rule('delete,deletecollection,get,list,watch', '*', '*'),
    ],
    'node-controller': [
      rule('delete,get,list,patch,update,watch', '', 'nodes'),
      rule('patch,update', '', 'nodes/status'),
      rule('patch,update', '', 'pods/status'),
      rule('delete,get,list,watch', '', 'pods'),
      EVENTS(),
    ],
    'persistent-volume-binder': [
      rule('create,delete,get,list,update,watch', '', 'persistentvolumes'),
      rule('update', '', 'persistentvolumes/status'),
      rule('get,list,update,watch', '', 'persistentvolumeclaims'),
      rule('update', '', 'persistentvolumeclaims/status'),
      rule('create,delete,get,list,watch', '', 'pods'),
      rule(READ, 'storage.k8s.io', 'storageclasses'),
      rule('list,watch', '', 'nodes'),
      EVENTS(),
      rule('watch', '', 'events'),
    ],
    'pod-garbage-collector': [
      rule('delete,list,watch', '', 'pods'),
      rule(READ, '', 'nodes'),
      rule('patch', '', 'pods/status'),
    ],
    'pv-protection-controller': [
      rule('get,list,update,watch', '', 'persistentvolumes'),
      EVENTS(),
    ],
    'pvc-protection-controller': [
      rule('get,list,update,watch', '', 'persistentvolumeclaims'),
      rule('update', '', 'persistentvolumeclaims/status'),
      rule(READ, '', 'pods'),
      EVENTS(),
    ],
    'replicaset-controller': [
      rule('get,list,update,watch', 'apps,extensions', 'replicasets'),
      rule('update', 'apps,extensions', 'replicasets/status'),
      rule('update', 'apps,extensions', 'replicasets/finalizers'),
      rule('create,delete,list,patch,watch', '', 'pods'),
      EVENTS(),
    ],
    'replication-controller': [
      rule('get,list,update,watch', '', 'replicationcontrollers'),
      rule('update', '', 'replicationcontrollers/status'),
      rule('update', '', 'replicationcontrollers/finalizers'),
      rule('create,delete,list,patch,watch', '', 'pods'),
      EVENTS(),
    ],
    'resource-claim-controller': [
      rule(READ, '', 'pods'),
      rule('update', '', 'pods/finalizers'),
      rule('create,delete,get,list,watch', 'resource.k8s.io', 'resourceclaims'),
      rule('patch,update', 'resource.k8s.io', 'resourceclaims,resourceclaims/status'),
      rule('patch,update', '', 'pods/status'),
      EVENTS(),
      rule('patch,update', 'resource.k8s.io', 'resourceclaims/binding'),
    ],
    'resourcequota-controller': [
      rule('list,watch', '*', '*'),
      rule('update', '', 'resourcequotas/status'),
      EVENTS(),
    ],
    'root-ca-cert-publisher': [
      rule('create,update', '', 'configmaps'),
      EVENTS(),
    ],
    'route-controller': [
      rule('list,watch', '', 'nodes'),
      rule('patch', '', 'nodes/status'),
      EVENTS(),
    ],
    'selinux-warning-controller': [
      EVENTS(),
      rule(READ, '', 'persistentvolumes'),
      rule(READ, '', 'persistentvolumeclaims'),
      rule(READ, '', 'pods'),
      rule(READ, 'storage.k8s.io', 'csidrivers'),
    ],
    'service-account-controller': [
      rule('create', '', 'serviceaccounts'),
      EVENTS(),
    ],
    'service-cidrs-controller': [
      rule('get,list,patch,update,watch', 'networking.k8s.io', 'servicecidrs'),
      rule('patch,update', 'networking.k8s.io', 'servicecidrs/finalizers'),
      rule('patch,update', 'networking.k8s.io', 'servicecidrs/status'),
      rule(READ, 'networking.k8s.io', 'ipaddresses'),
      EVENTS(),
    ],
    'service-controller': [
      rule(READ, '', 'services'),
      rule('patch,update', '', 'services/status'),
      rule('list,watch', '', 'nodes'),
      EVENTS(),
    ],
    'statefulset-controller': [
      rule('list,watch', '', 'pods'),
      rule(READ, 'apps', 'statefulsets'),
      rule('update', 'apps', 'statefulsets/status'),
      rule('update', 'apps', 'statefulsets/finalizers'),
      rule('create,delete,get,patch,update', '', 'pods'),
      rule(crud, 'apps', 'controllerrevisions'),
      rule('create,get,list,watch', '', 'persistentvolumeclaims'),
      rule('delete,update', '', 'persistentvolumeclaims'),
      rule('update', '', 'pods/finalizers'),
      EVENTS(),
    ],
    'ttl-after-finished-controller': [
      rule('delete,get,list,watch', 'batch', 'jobs'),
      EVENTS(),
    ],
    'ttl-controller': [
      rule('list,patch,update,watch', '', 'nodes'),
      EVENTS(),
    ],
    'validatingadmissionpolicy-status-controller': [
      rule(READ, 'admissionregistration.k8s.io', 'validatingadmissionpolicies'),
      rule('get,patch,update', 'admissionregistration.k8s.io', 'validatingadmissionpolicies/status'),
      EVENTS(),
    ],
    'volumeattributesclass-protection-controller': [
      rule(READ, '', 'persistentvolumeclaims'),
      rule(READ, '', 'persistentvolumes'),
      rule('get,list,update,watch', 'storage.k8s.io', 'volumeattributesclasses'),
      EVENTS(),
    ],
  };
}

function clusterRoleBindings(): KubeObject[] {
  const authenticated = group('system:authenticated');
  return [
    clusterRoleBinding('cluster-admin', 'cluster-admin', [group('system:masters')]),
    clusterRoleBinding('system:basic-user', 'system:basic-user', [authenticated]),
    clusterRoleBinding('system:discovery', 'system:discovery', [authenticated]),
    clusterRoleBinding('system:kube-controller-manager', 'system:kube-controller-manager', [user('system:kube-controller-manager')]),
    clusterRoleBinding('system:kube-dns', 'system:kube-dns', [serviceAccount('kube-system', 'kube-dns')]),
    clusterRoleBinding('system:kube-scheduler', 'system:kube-scheduler', [user('system:kube-scheduler')]),
    clusterRoleBinding('system:monitoring', 'system:monitoring', [group('system:monitoring')]),
    // Upstream leaves this binding without subjects: since 1.7 the Node authorizer grants node
    // permissions. skiff has no Node authorizer, and its node agents authenticate as
    // system:node:<name> in group system:nodes, so the binding names that group (the pre-1.7 default).
    clusterRoleBinding('system:node', 'system:node', [group('system:nodes')]),
    clusterRoleBinding('system:node-proxier', 'system:node-proxier', [user('system:kube-proxy')]),
    clusterRoleBinding('system:public-info-viewer', 'system:public-info-viewer', [authenticated, group('system:unauthenticated')]),
    clusterRoleBinding('system:service-account-issuer-discovery', 'system:service-account-issuer-discovery', [group('system:serviceaccounts')]),
    clusterRoleBinding('system:volume-scheduler', 'system:volume-scheduler', [user('system:kube-scheduler')]),
  ];
}

/**
 * skiff's own additions, kept apart from upstream's objects the way kubeadm adds
 * `kubeadm:node-proxier`: skiff's kube-proxy runs inside the node agent with the node's identity,
 * so the node group also needs the proxier's rules (endpoints and endpointslices).
 */
function skiffClusterRoleBindings(): KubeObject[] {
  return [clusterRoleBinding('skiff:node-proxier', 'system:node-proxier', [group('system:nodes')])];
}

function namespacedRoles(): KubeObject[] {
  const leaderLocking = [
    rule('create,get,list,update,watch', 'coordination.k8s.io', 'leases'),
    rule('create,get,list,update,watch', 'coordination.k8s.io', 'leasecandidates'),
  ];
  return [
    role('kube-public', 'system:controller:bootstrap-signer', [
      rule(READ, '', 'configmaps'),
      rule('update', '', 'configmaps', 'cluster-info'),
      EVENTS(),
    ]),
    role('kube-system', 'extension-apiserver-authentication-reader', [
      rule(READ, '', 'configmaps', 'extension-apiserver-authentication'),
    ]),
    role('kube-system', 'system::leader-locking-kube-controller-manager', leaderLocking),
    role('kube-system', 'system::leader-locking-kube-scheduler', structuredClone(leaderLocking)),
    role('kube-system', 'system:controller:bootstrap-signer', [rule(READ, '', 'secrets')]),
    role('kube-system', 'system:controller:cloud-provider', [rule('create,get,list,watch', '', 'configmaps')]),
    role('kube-system', 'system:controller:token-cleaner', [
      rule('delete,get,list,watch', '', 'secrets'),
      EVENTS(),
    ]),
  ];
}

function namespacedRoleBindings(): KubeObject[] {
  const sa = (name: string) => serviceAccount('kube-system', name);
  return [
    roleBinding('kube-public', 'system:controller:bootstrap-signer', 'system:controller:bootstrap-signer', [sa('bootstrap-signer')]),
    roleBinding('kube-system', 'system::extension-apiserver-authentication-reader', 'extension-apiserver-authentication-reader', [
      user('system:kube-controller-manager'),
      user('system:kube-scheduler'),
    ]),
    roleBinding('kube-system', 'system::leader-locking-kube-controller-manager', 'system::leader-locking-kube-controller-manager', [
      user('system:kube-controller-manager'),
      sa('kube-controller-manager'),
      sa('leader-election-controller'),
    ]),
    roleBinding('kube-system', 'system::leader-locking-kube-scheduler', 'system::leader-locking-kube-scheduler', [
      user('system:kube-scheduler'),
      sa('kube-scheduler'),
    ]),
    roleBinding('kube-system', 'system:controller:bootstrap-signer', 'system:controller:bootstrap-signer', [sa('bootstrap-signer')]),
    roleBinding('kube-system', 'system:controller:cloud-provider', 'system:controller:cloud-provider', [sa('cloud-provider')]),
    roleBinding('kube-system', 'system:controller:token-cleaner', 'system:controller:token-cleaner', [sa('token-cleaner')]),
  ];
}

/** Upstream's default RBAC objects, with admin, edit and view already aggregated. */
export function bootstrapPolicy(): BootstrapPolicy {
  const controllers = Object.entries(controllerRules());
  const roles = [
    ...userFacingRoles(),
    ...systemRoles(),
    ...controllers.map(([name, rules]) => clusterRole(`system:controller:${name}`, rules)),
  ];
  // The aggregation controller fills admin/edit/view in a real cluster; doing it here means the
  // roles work from the first request, before any controller has run.
  const aggregated = new Map(aggregateClusterRoles(roles).map((r) => [r.metadata.name, r]));
  const controllerBindings = controllers.map(([name]) =>
    clusterRoleBinding(`system:controller:${name}`, `system:controller:${name}`, [serviceAccount('kube-system', name)]),
  );
  return {
    clusterRoles: roles.map((r) => aggregated.get(r.metadata.name) ?? r),
    clusterRoleBindings: [...clusterRoleBindings(), ...controllerBindings, ...skiffClusterRoleBindings()],
    roles: namespacedRoles(),
    roleBindings: namespacedRoleBindings(),
  };
}
