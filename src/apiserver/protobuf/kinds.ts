// Which message decodes which apiVersion/kind. client-go puts the object's GroupVersionKind in
// runtime.Unknown.typeMeta and the message itself carries no TypeMeta.
import { CORE } from './schema/marks.js';

const META_DELETE_OPTIONS = '.k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions';

const BY_GROUP_VERSION: Record<string, { pkg: string; kinds: string[] }> = {
  v1: {
    pkg: CORE,
    kinds: [
      'Pod', 'PodTemplate', 'Namespace', 'ConfigMap', 'Secret', 'Service', 'ServiceAccount',
      'ResourceQuota', 'LimitRange', 'ReplicationController', 'PersistentVolumeClaim',
      'Binding', 'Event', 'Endpoints', 'Node',
    ],
  },
  'apps/v1': {
    pkg: '.k8s.io.api.apps.v1',
    kinds: ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ControllerRevision'],
  },
  'batch/v1': { pkg: '.k8s.io.api.batch.v1', kinds: ['Job', 'CronJob'] },
  'rbac.authorization.k8s.io/v1': {
    pkg: '.k8s.io.api.rbac.v1',
    kinds: ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'],
  },
  'policy/v1': { pkg: '.k8s.io.api.policy.v1', kinds: ['PodDisruptionBudget', 'Eviction'] },
  // policy/v1beta1 Eviction has the same fields and numbers; older drains still send it.
  'policy/v1beta1': { pkg: '.k8s.io.api.policy.v1', kinds: ['Eviction'] },
  'scheduling.k8s.io/v1': { pkg: '.k8s.io.api.scheduling.v1', kinds: ['PriorityClass'] },
  'networking.k8s.io/v1': {
    pkg: '.k8s.io.api.networking.v1',
    kinds: ['Ingress', 'IngressClass', 'NetworkPolicy'],
  },
  'coordination.k8s.io/v1': { pkg: '.k8s.io.api.coordination.v1', kinds: ['Lease'] },
  'authentication.k8s.io/v1': {
    pkg: '.k8s.io.api.authentication.v1',
    kinds: ['TokenRequest', 'TokenReview', 'SelfSubjectReview'],
  },
  'authorization.k8s.io/v1': {
    pkg: '.k8s.io.api.authorization.v1',
    kinds: ['SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview', 'LocalSubjectAccessReview'],
  },
  'events.k8s.io/v1': { pkg: '.k8s.io.api.events.v1', kinds: ['Event'] },
};

/** The full protobuf message name for apiVersion/kind, or undefined when not supported. */
export function messageNameFor(apiVersion: string, kind: string): string | undefined {
  // metav1.AddToGroupVersion registers DeleteOptions in every group version, and a typed
  // client's DELETE body carries whichever one the client was built for (often meta.k8s.io/v1).
  if (kind === 'DeleteOptions') return META_DELETE_OPTIONS;
  const entry = BY_GROUP_VERSION[apiVersion];
  if (!entry || !entry.kinds.includes(kind)) return undefined;
  return `${entry.pkg}.${kind}`;
}

/** Every supported "apiVersion/kind" (for tests and diagnostics). */
export function supportedKinds(): string[] {
  const out: string[] = ['meta.k8s.io/v1/DeleteOptions'];
  for (const [gv, { kinds }] of Object.entries(BY_GROUP_VERSION)) for (const k of kinds) out.push(`${gv}/${k}`);
  return out;
}
