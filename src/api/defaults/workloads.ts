// Workload defaults: apps/v1 (pkg/apis/apps/v1/defaults.go), batch/v1 (pkg/apis/batch/v1/defaults.go
// plus the Job strategy's generated selector), and the core/v1 ReplicationController.
import type { KubeObject } from '../types.js';
import { defaultPodTemplate } from './pod.js';
import { defaultPVC } from './core.js';
import { arrayAt, isEmptyMap, isObject, objAt, type Obj, setDefault, setIfAbsent } from './util.js';

const specOf = (obj: KubeObject): Obj => objAt(obj as Obj, 'spec');

export function defaultDeployment(obj: KubeObject): void {
  const spec = specOf(obj);
  setIfAbsent(spec, 'replicas', 1);
  const strategy = objAt(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = objAt(strategy, 'rollingUpdate');
    setIfAbsent(ru, 'maxUnavailable', '25%');
    setIfAbsent(ru, 'maxSurge', '25%');
  }
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  setIfAbsent(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(spec.template);
}

export function defaultReplicaSet(obj: KubeObject): void {
  const spec = specOf(obj);
  setIfAbsent(spec, 'replicas', 1);
  defaultPodTemplate(spec.template);
}

export function defaultDaemonSet(obj: KubeObject): void {
  const spec = specOf(obj);
  const strategy = objAt(spec, 'updateStrategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = objAt(strategy, 'rollingUpdate');
    setIfAbsent(ru, 'maxUnavailable', 1);
    setIfAbsent(ru, 'maxSurge', 0);
  }
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec.template);
}

export function defaultStatefulSet(obj: KubeObject): void {
  const spec = specOf(obj);
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = objAt(spec, 'updateStrategy');
  if (!strategy.type) {
    strategy.type = 'RollingUpdate';
    objAt(strategy, 'rollingUpdate');
  }
  if (strategy.type === 'RollingUpdate' && isObject(strategy.rollingUpdate)) setIfAbsent(strategy.rollingUpdate, 'partition', 0);
  const retention = objAt(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefault(retention, 'whenDeleted', 'Retain');
  setDefault(retention, 'whenScaled', 'Retain');
  setIfAbsent(spec, 'replicas', 1);
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec.template);
  for (const pvc of arrayAt(spec, 'volumeClaimTemplates')) {
    setDefault(pvc, 'apiVersion', 'v1');
    setDefault(pvc, 'kind', 'PersistentVolumeClaim');
    const meta = objAt(pvc, 'metadata');
    if (!('creationTimestamp' in meta)) meta.creationTimestamp = null;
    defaultPVC(pvc);
  }
}

export function defaultReplicationController(obj: KubeObject): void {
  const spec = specOf(obj);
  const labels = isObject(spec.template) && isObject(spec.template.metadata) ? spec.template.metadata.labels : undefined;
  if (isObject(labels)) {
    if (isEmptyMap(spec.selector)) spec.selector = { ...labels };
    if (isEmptyMap(obj.metadata.labels)) obj.metadata.labels = { ...(labels as Record<string, string>) };
  }
  setIfAbsent(spec, 'replicas', 1);
  defaultPodTemplate(spec.template);
}

/** The Job strategy's PrepareForCreate (generateSelector): runs only on create, before validation. */
function generateJobSelector(obj: KubeObject, spec: Obj): void {
  const uid = obj.metadata.uid;
  if (!uid || spec.manualSelector === true || obj.metadata.resourceVersion) return;
  const template = objAt(spec, 'template');
  const meta = objAt(template, 'metadata');
  const labels = objAt(meta, 'labels');
  const name = obj.metadata.name ?? '';
  for (const key of ['job-name', 'batch.kubernetes.io/job-name']) setIfAbsent(labels, key, name);
  for (const key of ['controller-uid', 'batch.kubernetes.io/controller-uid']) setIfAbsent(labels, key, uid);
  const selector = objAt(spec, 'selector');
  const matchLabels = objAt(selector, 'matchLabels');
  setIfAbsent(matchLabels, 'batch.kubernetes.io/controller-uid', uid);
}

export function defaultJob(obj: KubeObject): void {
  const spec = specOf(obj);
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setIfAbsent(spec, 'parallelism', 1);
  setIfAbsent(spec, 'backoffLimit', spec.backoffLimitPerIndex != null ? 2147483647 : 6);
  const templateLabels = isObject(spec.template) && isObject(spec.template.metadata) ? spec.template.metadata.labels : undefined;
  if (isObject(templateLabels) && isEmptyMap(obj.metadata.labels)) obj.metadata.labels = { ...(templateLabels as Record<string, string>) };
  setIfAbsent(spec, 'completionMode', 'NonIndexed');
  setIfAbsent(spec, 'suspend', false);
  setIfAbsent(spec, 'podReplacementPolicy', isObject(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed');
  if (isObject(spec.podFailurePolicy)) {
    for (const rule of arrayAt(spec.podFailurePolicy, 'rules')) {
      for (const cond of arrayAt(rule, 'onPodConditions')) setDefault(cond, 'status', 'True');
    }
  }
  generateJobSelector(obj, spec);
  defaultPodTemplate(spec.template);
}

export function defaultCronJob(obj: KubeObject): void {
  const spec = specOf(obj);
  setDefault(spec, 'concurrencyPolicy', 'Allow');
  setIfAbsent(spec, 'suspend', false);
  setIfAbsent(spec, 'successfulJobsHistoryLimit', 3);
  setIfAbsent(spec, 'failedJobsHistoryLimit', 1);
  const jobTemplate = objAt(spec, 'jobTemplate');
  const jobMeta = objAt(jobTemplate, 'metadata');
  if (!('creationTimestamp' in jobMeta)) jobMeta.creationTimestamp = null;
  defaultPodTemplate(objAt(jobTemplate, 'spec').template);
}
