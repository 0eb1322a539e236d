// ResourceRefs of the kinds skiff's own components read and write.
import type { ResourceRef } from './types.js';

function ref(group: string, version: string, resource: string, kind: string, namespaced = true): ResourceRef {
  return { group, version, resource, kind, namespaced };
}

export const Resources = {
  namespaces: ref('', 'v1', 'namespaces', 'Namespace', false),
  nodes: ref('', 'v1', 'nodes', 'Node', false),
  pods: ref('', 'v1', 'pods', 'Pod'),
  services: ref('', 'v1', 'services', 'Service'),
  endpoints: ref('', 'v1', 'endpoints', 'Endpoints'),
  configmaps: ref('', 'v1', 'configmaps', 'ConfigMap'),
  secrets: ref('', 'v1', 'secrets', 'Secret'),
  serviceaccounts: ref('', 'v1', 'serviceaccounts', 'ServiceAccount'),
  events: ref('', 'v1', 'events', 'Event'),
  replicationcontrollers: ref('', 'v1', 'replicationcontrollers', 'ReplicationController'),
  persistentvolumeclaims: ref('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim'),
  persistentvolumes: ref('', 'v1', 'persistentvolumes', 'PersistentVolume', false),
  resourcequotas: ref('', 'v1', 'resourcequotas', 'ResourceQuota'),
  limitranges: ref('', 'v1', 'limitranges', 'LimitRange'),
  podtemplates: ref('', 'v1', 'podtemplates', 'PodTemplate'),
  deployments: ref('apps', 'v1', 'deployments', 'Deployment'),
  replicasets: ref('apps', 'v1', 'replicasets', 'ReplicaSet'),
  daemonsets: ref('apps', 'v1', 'daemonsets', 'DaemonSet'),
  statefulsets: ref('apps', 'v1', 'statefulsets', 'StatefulSet'),
  controllerrevisions: ref('apps', 'v1', 'controllerrevisions', 'ControllerRevision'),
  jobs: ref('batch', 'v1', 'jobs', 'Job'),
  cronjobs: ref('batch', 'v1', 'cronjobs', 'CronJob'),
  endpointslices: ref('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice'),
  leases: ref('coordination.k8s.io', 'v1', 'leases', 'Lease'),
  poddisruptionbudgets: ref('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget'),
  horizontalpodautoscalers: ref('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler'),
  clusterroles: ref('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false),
  customresourcedefinitions: ref('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false),
} as const;
