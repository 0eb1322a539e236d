// The v1 defaults users see in `kubectl get -o yaml`, per kind. Defaulters mutate in place and
// are idempotent: the server runs them on every create and update.
import type { Defaulter } from '../resource.js';
import type { KubeObject } from '../types.js';
import {
  defaultEndpoints,
  defaultLimitRange,
  defaultNamespace,
  defaultNode,
  defaultPodTemplateKind,
  defaultPV,
  defaultPVC,
  defaultSecret,
  defaultService,
} from './core.js';
import {
  defaultBinding,
  defaultCRD,
  defaultEndpointSlice,
  defaultHPA,
  defaultIngressClass,
  defaultNetworkPolicy,
  defaultPriorityClass,
  defaultStorageClass,
} from './others.js';
import { defaultPod } from './pod.js';
import {
  defaultCronJob,
  defaultDaemonSet,
  defaultDeployment,
  defaultJob,
  defaultReplicaSet,
  defaultReplicationController,
  defaultStatefulSet,
} from './workloads.js';
import type { Obj } from './util.js';

export { imageTag } from './pod.js';

const DEFAULTERS: Record<string, Defaulter> = {
  '/Pod': (obj) => defaultPod(obj as Obj),
  '/PodTemplate': defaultPodTemplateKind,
  '/ReplicationController': defaultReplicationController,
  '/Service': defaultService,
  '/Secret': defaultSecret,
  '/Namespace': defaultNamespace,
  '/Node': defaultNode,
  '/PersistentVolumeClaim': (obj: KubeObject) => defaultPVC(obj as Obj),
  '/PersistentVolume': defaultPV,
  '/Endpoints': defaultEndpoints,
  '/LimitRange': defaultLimitRange,
  'apps/Deployment': defaultDeployment,
  'apps/ReplicaSet': defaultReplicaSet,
  'apps/DaemonSet': defaultDaemonSet,
  'apps/StatefulSet': defaultStatefulSet,
  'batch/Job': defaultJob,
  'batch/CronJob': defaultCronJob,
  'rbac.authorization.k8s.io/RoleBinding': defaultBinding,
  'rbac.authorization.k8s.io/ClusterRoleBinding': defaultBinding,
  'networking.k8s.io/NetworkPolicy': defaultNetworkPolicy,
  'networking.k8s.io/IngressClass': defaultIngressClass,
  'autoscaling/HorizontalPodAutoscaler': defaultHPA,
  'storage.k8s.io/StorageClass': defaultStorageClass,
  'discovery.k8s.io/EndpointSlice': defaultEndpointSlice,
  'scheduling.k8s.io/PriorityClass': defaultPriorityClass,
  'apiextensions.k8s.io/CustomResourceDefinition': defaultCRD,
};

/** The defaulter of a built-in kind, if it has defaults. */
export function defaulterFor(group: string, kind: string): Defaulter | undefined {
  return DEFAULTERS[`${group}/${kind}`];
}
