// Defaults of the other core/v1 kinds (pkg/apis/core/v1/defaults.go), plus the Namespace
// strategy's create-time finalizer and the Service REST layer's IP family fields.
import type { KubeObject } from '../types.js';
import { defaultPodTemplate } from './pod.js';
import { arrayAt, isObject, objAt, type Obj, setDefault, setIfAbsent } from './util.js';

/** An object that was never stored: the server strips resourceVersion before defaulting a create. */
export function isNew(obj: KubeObject): boolean {
  return !obj.metadata.resourceVersion;
}

function isExternallyAccessible(spec: Obj): boolean {
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
}

export function defaultService(obj: KubeObject): void {
  const spec = objAt(obj as Obj, 'spec');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = objAt(spec, 'sessionAffinityConfig');
    const clientIP = objAt(cfg, 'clientIP');
    setIfAbsent(clientIP, 'timeoutSeconds', 10800);
  }
  setDefault(spec, 'type', 'ClusterIP');
  for (const port of arrayAt(spec, 'ports')) {
    setDefault(port, 'protocol', 'TCP');
    if (port.targetPort === undefined || port.targetPort === null || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
  if (isExternallyAccessible(spec)) setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP') setIfAbsent(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec.type === 'LoadBalancer') setIfAbsent(spec, 'allocateLoadBalancerNodePorts', true);
  defaultIPFamilies(spec);
}

/** The REST layer's initIPFamilyFields on a single-stack IPv4 cluster. */
function defaultIPFamilies(spec: Obj): void {
  if (spec.type === 'ExternalName') {
    delete spec.ipFamilies;
    delete spec.ipFamilyPolicy;
    return;
  }
  const headlessSelectorless = spec.clusterIP === 'None' && (!isObject(spec.selector) || Object.keys(spec.selector).length === 0);
  setIfAbsent(spec, 'ipFamilyPolicy', headlessSelectorless ? 'RequireDualStack' : 'SingleStack');
  if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0) spec.ipFamilies = ['IPv4'];
}

export function defaultSecret(obj: KubeObject): void {
  setDefault(obj as Obj, 'type', 'Opaque');
}

export function defaultNamespace(obj: KubeObject): void {
  const name = obj.metadata.name;
  if (name) obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name };
  const spec = objAt(obj as Obj, 'spec');
  // Only a create adds the finalizer: afterwards only the finalize subresource may change it.
  if (isNew(obj) && spec.finalizers === undefined) spec.finalizers = ['kubernetes'];
  const status = objAt(obj as Obj, 'status');
  setDefault(status, 'phase', 'Active');
}

export function defaultNode(obj: KubeObject): void {
  const status = (obj as Obj).status;
  if (isObject(status) && isObject(status.capacity) && !isObject(status.allocatable)) status.allocatable = { ...status.capacity };
}

/** SetDefaults_PersistentVolumeClaim (also used inside StatefulSet volumeClaimTemplates). */
export function defaultPVC(pvc: Obj): void {
  const spec = objAt(pvc, 'spec');
  setIfAbsent(spec, 'volumeMode', 'Filesystem');
  const status = objAt(pvc, 'status');
  setDefault(status, 'phase', 'Pending');
}

export function defaultPV(obj: KubeObject): void {
  const spec = objAt(obj as Obj, 'spec');
  setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setIfAbsent(spec, 'volumeMode', 'Filesystem');
  if (isObject(spec.hostPath)) setIfAbsent(spec.hostPath, 'type', '');
  const status = objAt(obj as Obj, 'status');
  setDefault(status, 'phase', 'Pending');
}

export function defaultEndpoints(obj: KubeObject): void {
  for (const subset of arrayAt(obj as Obj, 'subsets')) for (const port of arrayAt(subset, 'ports')) setDefault(port, 'protocol', 'TCP');
}

/** SetDefaults_LimitRangeItem: container defaults fall back to max, default requests to default/min. */
export function defaultLimitRange(obj: KubeObject): void {
  const spec = objAt(obj as Obj, 'spec');
  for (const item of arrayAt(spec, 'limits')) {
    if (item.type !== 'Container') continue;
    const def: Obj = isObject(item.default) ? { ...item.default } : {};
    const defReq: Obj = isObject(item.defaultRequest) ? { ...item.defaultRequest } : {};
    for (const [k, v] of Object.entries(isObject(item.max) ? item.max : {})) if (!(k in def)) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (!(k in defReq)) defReq[k] = v;
    for (const [k, v] of Object.entries(isObject(item.min) ? item.min : {})) if (!(k in defReq)) defReq[k] = v;
    if (Object.keys(def).length) item.default = def;
    if (Object.keys(defReq).length) item.defaultRequest = defReq;
  }
}

export function defaultPodTemplateKind(obj: KubeObject): void {
  defaultPodTemplate((obj as Obj).template);
}
