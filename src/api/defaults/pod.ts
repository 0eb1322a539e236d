// Pod and PodTemplateSpec defaults: kubernetes pkg/apis/core/v1/defaults.go (SetDefaults_PodSpec,
// _Container, _Probe, _Volume...) plus what admission adds to every new Pod (ServiceAccount,
// Priority; DefaultTolerationSeconds is an admission plugin of the API server).
import { arrayAt, isObject, objAt, type Obj, setDefault, setIfAbsent } from './util.js';

/** The tag ParseImageName finds: "latest" when the reference has neither tag nor digest. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > lastSlash) return name.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

function defaultProbe(probe: unknown): void {
  if (!isObject(probe)) return;
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
  defaultHandler(probe);
}

function defaultHandler(handler: Obj): void {
  if (isObject(handler.httpGet)) {
    setDefault(handler.httpGet, 'path', '/');
    setDefault(handler.httpGet, 'scheme', 'HTTP');
  }
  if (isObject(handler.grpc)) setIfAbsent(handler.grpc, 'service', '');
}

function defaultEnv(c: Obj): void {
  for (const env of arrayAt(c, 'env')) {
    const from = env.valueFrom;
    if (isObject(from) && isObject(from.fieldRef)) setDefault(from.fieldRef, 'apiVersion', 'v1');
  }
}

export function defaultContainer(c: Obj): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(String(c.image ?? '')) === 'latest' ? 'Always' : 'IfNotPresent';
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  // Go always prints the (struct-typed) resources field, so the API shows `resources: {}`.
  objAt(c, 'resources');
  for (const port of arrayAt(c, 'ports')) setDefault(port, 'protocol', 'TCP');
  defaultEnv(c);
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(c[probe]);
  if (isObject(c.lifecycle)) {
    for (const hook of ['postStart', 'preStop']) if (isObject(c.lifecycle[hook])) defaultHandler(c.lifecycle[hook] as Obj);
  }
}

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
];

function defaultDownwardItems(items: Obj[]): void {
  for (const item of items) if (isObject(item.fieldRef)) setDefault(item.fieldRef, 'apiVersion', 'v1');
}

export function defaultVolume(v: Obj): void {
  if (!VOLUME_SOURCES.some((s) => isObject(v[s]))) v.emptyDir = {};
  if (isObject(v.hostPath)) setIfAbsent(v.hostPath, 'type', '');
  for (const src of ['secret', 'configMap', 'downwardAPI', 'projected']) if (isObject(v[src])) setIfAbsent(v[src] as Obj, 'defaultMode', 420);
  if (isObject(v.downwardAPI)) defaultDownwardItems(arrayAt(v.downwardAPI, 'items'));
  if (isObject(v.projected)) {
    for (const source of arrayAt(v.projected, 'sources')) {
      if (isObject(source.downwardAPI)) defaultDownwardItems(arrayAt(source.downwardAPI, 'items'));
      if (isObject(source.serviceAccountToken)) setIfAbsent(source.serviceAccountToken, 'expirationSeconds', 3600);
    }
  }
  if (isObject(v.ephemeral) && isObject(v.ephemeral.volumeClaimTemplate)) {
    const spec = objAt(v.ephemeral.volumeClaimTemplate, 'spec');
    setIfAbsent(spec, 'volumeMode', 'Filesystem');
  }
}

/** SetDefaults_PodSpec and the per-element defaults inside it (templates included). */
export function defaultPodSpec(spec: Obj): void {
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  setIfAbsent(spec, 'securityContext', {});
  setIfAbsent(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  // v1 conversion keeps the deprecated serviceAccount alias equal to serviceAccountName.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  for (const c of [...arrayAt(spec, 'containers'), ...arrayAt(spec, 'initContainers'), ...arrayAt(spec, 'ephemeralContainers')]) {
    defaultContainer(c);
  }
  for (const v of arrayAt(spec, 'volumes')) defaultVolume(v);
}

/** The PodTemplateSpec inside a workload; upstream prints its zero creationTimestamp as null. */
export function defaultPodTemplate(template: unknown): void {
  if (!isObject(template)) return;
  const meta = objAt(template, 'metadata');
  if (!('creationTimestamp' in meta)) meta.creationTimestamp = null;
  defaultPodSpec(objAt(template, 'spec'));
}

/** Requests default to limits on Pods only (SetDefaults_Pod), not on templates. */
function defaultRequestsFromLimits(c: Obj): void {
  const resources = objAt(c, 'resources');
  if (!isObject(resources.limits)) return;
  const requests = objAt(resources, 'requests');
  for (const [name, q] of Object.entries(resources.limits)) if (!(name in requests)) requests[name] = q;
}

/** Priority admission: no class means 0; the two built-in classes have fixed values. */
const SYSTEM_PRIORITIES: Record<string, number> = { '': 0, 'system-cluster-critical': 2000000000, 'system-node-critical': 2000001000 };

/** A Pod: the pod spec defaults, SetDefaults_Pod, and what admission sets on every new pod. */
export function defaultPod(pod: Obj): void {
  const spec = objAt(pod, 'spec');
  defaultPodSpec(spec);
  for (const c of [...arrayAt(spec, 'containers'), ...arrayAt(spec, 'initContainers')]) defaultRequestsFromLimits(c);
  setIfAbsent(spec, 'enableServiceLinks', true);
  if (spec.hostNetwork === true) {
    for (const c of [...arrayAt(spec, 'containers'), ...arrayAt(spec, 'initContainers')]) {
      for (const port of arrayAt(c, 'ports')) if (!port.hostPort) port.hostPort = port.containerPort;
    }
  }
  setDefault(spec, 'serviceAccountName', 'default');
  spec.serviceAccount = spec.serviceAccountName;
  const priority = SYSTEM_PRIORITIES[String(spec.priorityClassName ?? '')];
  if (priority !== undefined) setIfAbsent(spec, 'priority', priority);
  setIfAbsent(spec, 'preemptionPolicy', 'PreemptLowerPriority');
}
