// Defaults of the smaller groups: networking, rbac, autoscaling, storage, discovery, apiextensions.
import type { KubeObject } from '../types.js';
import { arrayAt, isObject, objAt, type Obj, setDefault, setIfAbsent } from './util.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** SetDefaults_Subject and the roleRef apiGroup of RoleBindings/ClusterRoleBindings. */
export function defaultBinding(obj: KubeObject): void {
  for (const subject of arrayAt(obj as Obj, 'subjects')) {
    if (subject.apiGroup) continue;
    if (subject.kind === 'ServiceAccount') subject.apiGroup = '';
    else if (subject.kind === 'User' || subject.kind === 'Group') subject.apiGroup = RBAC_GROUP;
  }
  const ref = (obj as Obj).roleRef;
  if (isObject(ref)) setDefault(ref, 'apiGroup', RBAC_GROUP);
}

export function defaultNetworkPolicy(obj: KubeObject): void {
  const spec = objAt(obj as Obj, 'spec');
  objAt(spec, 'podSelector');
  for (const rule of [...arrayAt(spec, 'ingress'), ...arrayAt(spec, 'egress')]) {
    for (const port of arrayAt(rule, 'ports')) setDefault(port, 'protocol', 'TCP');
  }
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = arrayAt(spec, 'egress').length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

function defaultScalingRules(rules: unknown, up: boolean): Obj {
  const r: Obj = isObject(rules) ? rules : {};
  if (up) setIfAbsent(r, 'stabilizationWindowSeconds', 0);
  setDefault(r, 'selectPolicy', 'Max');
  if (!Array.isArray(r.policies) || r.policies.length === 0) {
    r.policies = up
      ? [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ]
      : [{ type: 'Percent', value: 100, periodSeconds: 15 }];
  }
  return r;
}

/** autoscaling/v2 (metrics default to 80% CPU, behavior filled when given) or v1 (minReplicas only). */
export function defaultHPA(obj: KubeObject): void {
  const spec = objAt(obj as Obj, 'spec');
  setIfAbsent(spec, 'minReplicas', 1);
  if (obj.apiVersion === 'autoscaling/v1') return;
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
  if (isObject(spec.behavior)) {
    spec.behavior.scaleUp = defaultScalingRules(spec.behavior.scaleUp, true);
    spec.behavior.scaleDown = defaultScalingRules(spec.behavior.scaleDown, false);
  }
}

export function defaultStorageClass(obj: KubeObject): void {
  setDefault(obj as Obj, 'reclaimPolicy', 'Delete');
  setDefault(obj as Obj, 'volumeBindingMode', 'Immediate');
}

export function defaultEndpointSlice(obj: KubeObject): void {
  for (const port of arrayAt(obj as Obj, 'ports')) {
    setIfAbsent(port, 'name', '');
    setIfAbsent(port, 'protocol', 'TCP');
  }
}

export function defaultIngressClass(obj: KubeObject): void {
  const spec = (obj as Obj).spec;
  if (isObject(spec) && isObject(spec.parameters)) setDefault(spec.parameters, 'scope', 'Cluster');
}

export function defaultPriorityClass(obj: KubeObject): void {
  setDefault(obj as Obj, 'preemptionPolicy', 'PreemptLowerPriority');
}

/** SetDefaults_CustomResourceDefinitionSpec: singular, listKind, conversion strategy. */
export function defaultCRD(obj: KubeObject): void {
  const spec = objAt(obj as Obj, 'spec');
  const names = objAt(spec, 'names');
  if (typeof names.kind === 'string' && names.kind) {
    setDefault(names, 'singular', names.kind.toLowerCase());
    setDefault(names, 'listKind', `${names.kind}List`);
  }
  if (!isObject(spec.conversion)) spec.conversion = { strategy: 'None' };
  else setDefault(spec.conversion, 'strategy', 'None');
}
