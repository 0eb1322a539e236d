// Validators of the smaller groups: rbac, networking, policy, autoscaling, coordination, storage,
// discovery, apiextensions (each after its pkg/apis/<group>/validation/validation.go upstream).
import type { FieldError, Validator } from '../resource.js';
import type { KubeObject } from '../types.js';
import { child, duplicate, forbidden, GoValue, goQuote, index, invalid, notSupported, required, tooMany } from './field.js';
import { validateLabelSelector } from './meta.js';
import {
  isCIDR,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isIP,
  isQualifiedName,
  isValidPathSegmentName,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
} from './names.js';
import { isNotMoreThan100Percent, validatePositiveIntOrPercent } from './apps.js';
import { nonNegative, validateProtocol } from './pod.js';
import { asArray, asRecord, isObject, num, sameJSON, str } from './util.js';

type Obj = Record<string, unknown>;
const specOf = (o: KubeObject | undefined): Obj => asRecord(o?.spec);

// ---- rbac.authorization.k8s.io ---------------------------------------------------------------

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function validatePolicyRule(ruleIn: unknown, namespaced: boolean, path: string): FieldError[] {
  const rule = asRecord(ruleIn);
  const errs: FieldError[] = [];
  if (asArray(rule.verbs).length === 0) errs.push(required(child(path, 'verbs'), 'verbs must contain at least one value'));
  const urls = asArray(rule.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced) errs.push(invalid(child(path, 'nonResourceURLs'), urls, 'namespaced rules cannot apply to non-resource URLs'));
    if (asArray(rule.apiGroups).length || asArray(rule.resources).length || asArray(rule.resourceNames).length) {
      errs.push(invalid(child(path, 'nonResourceURLs'), urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (asArray(rule.apiGroups).length === 0) errs.push(required(child(path, 'apiGroups'), 'resource rules must supply at least one api group'));
  if (asArray(rule.resources).length === 0) errs.push(required(child(path, 'resources'), 'resource rules must supply at least one resource'));
  return errs;
}

const rulesValidator =
  (namespaced: boolean): Validator =>
  (obj) => {
    const errs: FieldError[] = [];
    asArray(obj.rules).forEach((r, i) => errs.push(...validatePolicyRule(r, namespaced, index('rules', i))));
    if (!namespaced && isObject(obj.aggregationRule)) {
      const selectors = asArray(obj.aggregationRule.clusterRoleSelectors);
      if (selectors.length === 0) errs.push(required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
      selectors.forEach((s, i) => errs.push(...validateLabelSelector(s, index('aggregationRule.clusterRoleSelectors', i))));
    }
    return errs;
  };

function validateSubject(subjectIn: unknown, namespaced: boolean, path: string): FieldError[] {
  const s = asRecord(subjectIn);
  const errs: FieldError[] = [];
  const name = str(s.name);
  if (!name) errs.push(required(child(path, 'name')));
  switch (s.kind) {
    case 'ServiceAccount':
      if (name) errs.push(...isDNS1123Subdomain(name).map((m) => invalid(child(path, 'name'), name, m)));
      if (str(s.apiGroup)) errs.push(notSupported(child(path, 'apiGroup'), str(s.apiGroup), ['']));
      if (!namespaced && !str(s.namespace)) errs.push(required(child(path, 'namespace')));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== RBAC_GROUP) errs.push(notSupported(child(path, 'apiGroup'), str(s.apiGroup), [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(child(path, 'kind'), str(s.kind), ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function goRoleRef(ref: Obj): GoValue {
  return new GoValue(`rbac.RoleRef{APIGroup:${goQuote(str(ref.apiGroup))}, Kind:${goQuote(str(ref.kind))}, Name:${goQuote(str(ref.name))}}`);
}

const bindingValidator =
  (namespaced: boolean): Validator =>
  (obj, old) => {
    const errs: FieldError[] = [];
    const ref = asRecord(obj.roleRef);
    if (ref.apiGroup !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', str(ref.apiGroup), [RBAC_GROUP]));
    const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
    if (!kinds.includes(str(ref.kind))) errs.push(notSupported('roleRef.kind', str(ref.kind), kinds));
    const name = str(ref.name);
    if (!name) errs.push(required('roleRef.name'));
    else errs.push(...isValidPathSegmentName(name).map((m) => invalid('roleRef.name', name, m)));
    asArray(obj.subjects).forEach((s, i) => errs.push(...validateSubject(s, namespaced, index('subjects', i))));
    if (old && !sameJSON(asRecord(old.roleRef), ref) && !sameRoleRef(ref, asRecord(old.roleRef))) {
      errs.push(invalid('roleRef', goRoleRef(ref), 'cannot change roleRef'));
    }
    return errs;
  };

function sameRoleRef(a: Obj, b: Obj): boolean {
  return str(a.apiGroup) === str(b.apiGroup) && str(a.kind) === str(b.kind) && str(a.name) === str(b.name);
}

// ---- networking.k8s.io -----------------------------------------------------------------------

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

function validateIngressBackend(backendIn: unknown, path: string): FieldError[] {
  const b = asRecord(backendIn);
  const hasService = isObject(b.service);
  const hasResource = isObject(b.resource);
  if (hasService && hasResource) return [invalid(path, '', 'cannot set both resource and service backends')];
  if (hasResource) {
    const r = asRecord(b.resource);
    const errs: FieldError[] = [];
    if (!str(r.kind)) errs.push(required(child(path, 'resource', 'kind')));
    if (!str(r.name)) errs.push(required(child(path, 'resource', 'name')));
    return errs;
  }
  if (!hasService) return [invalid(path, '', 'one backend type must be specified')];
  const svc = asRecord(b.service);
  const errs: FieldError[] = [];
  const name = str(svc.name);
  if (!name) errs.push(required(child(path, 'service', 'name')));
  else errs.push(...isDNS1035Label(name).map((m) => invalid(child(path, 'service', 'name'), name, m)));
  const port = asRecord(svc.port);
  const portName = str(port.name);
  const portNumber = num(port.number) ?? 0;
  if (portName && portNumber) errs.push(invalid(child(path, 'service', 'port'), '', 'cannot set both port name & port number'));
  else if (portName) errs.push(...isValidPortName(portName).map((m) => invalid(child(path, 'service', 'port', 'name'), portName, m)));
  else if (portNumber) errs.push(...isValidPortNum(portNumber).map((m) => invalid(child(path, 'service', 'port', 'number'), portNumber, m)));
  else errs.push(required(child(path, 'service', 'port'), 'port name or number is required'));
  return errs;
}

function validateIngressRule(ruleIn: unknown, path: string): FieldError[] {
  const rule = asRecord(ruleIn);
  const errs: FieldError[] = [];
  const host = str(rule.host);
  if (host) {
    if (isIP(host)) errs.push(invalid(child(path, 'host'), host, 'must be a DNS name, not an IP address'));
    const msgs = host.startsWith('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
    errs.push(...msgs.map((m) => invalid(child(path, 'host'), host, m)));
  }
  if (!isObject(rule.http)) return errs;
  const paths = asArray(rule.http.paths);
  if (paths.length === 0) errs.push(required(child(path, 'http', 'paths')));
  paths.forEach((pIn, i) => {
    const p = asRecord(pIn);
    const pp = index(child(path, 'http', 'paths'), i);
    const type = str(p.pathType);
    if (!type) errs.push(required(child(pp, 'pathType'), 'pathType must be specified'));
    else if (!PATH_TYPES.includes(type)) errs.push(notSupported(child(pp, 'pathType'), type, PATH_TYPES));
    const pathText = str(p.path);
    if ((type === 'Exact' || type === 'Prefix') && !pathText.startsWith('/')) errs.push(invalid(child(pp, 'path'), pathText, 'must be an absolute path'));
    if (type === 'ImplementationSpecific' && pathText && !pathText.startsWith('/')) errs.push(invalid(child(pp, 'path'), pathText, 'must be an absolute path'));
    errs.push(...validateIngressBackend(p.backend, child(pp, 'backend')));
  });
  return errs;
}

const validateIngress: Validator = (obj) => {
  const spec = specOf(obj);
  const errs: FieldError[] = [];
  const rules = asArray(spec.rules);
  if (spec.defaultBackend !== undefined) errs.push(...validateIngressBackend(spec.defaultBackend, 'spec.defaultBackend'));
  else if (rules.length === 0) errs.push(invalid('spec.rules', rules, 'either `defaultBackend` or `rules` must be specified'));
  rules.forEach((r, i) => errs.push(...validateIngressRule(r, index('spec.rules', i))));
  const cls = spec.ingressClassName;
  if (typeof cls === 'string') errs.push(...isDNS1123Subdomain(cls).map((m) => invalid('spec.ingressClassName', cls, m)));
  return errs;
};

const validateIngressClass: Validator = (obj) => {
  const controller = str(specOf(obj).controller);
  if (!controller) return [required('spec.controller')];
  return controller.length > 250 ? [invalid('spec.controller', controller, 'must be no more than 250 characters')] : [];
};

function validatePeers(peers: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArray(peers).forEach((peerIn, i) => {
    const peer = asRecord(peerIn);
    const p = index(path, i);
    const sources = ['podSelector', 'namespaceSelector', 'ipBlock'].filter((f) => isObject(peer[f]));
    if (sources.length === 0) errs.push(required(p, 'must specify a peer'));
    if (isObject(peer.ipBlock) && sources.length > 1) errs.push(forbidden(p, 'may not specify both ipBlock and another peer'));
    for (const f of ['podSelector', 'namespaceSelector']) if (isObject(peer[f])) errs.push(...validateLabelSelector(peer[f], child(p, f)));
    if (isObject(peer.ipBlock)) {
      const cidr = str(peer.ipBlock.cidr);
      if (!cidr) errs.push(required(child(p, 'ipBlock', 'cidr')));
      else if (!isCIDR(cidr)) errs.push(invalid(child(p, 'ipBlock', 'cidr'), cidr, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
    }
  });
  return errs;
}

function validateNPPorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArray(ports).forEach((pIn, i) => {
    const p = asRecord(pIn);
    const pp = index(path, i);
    if (p.protocol !== undefined) errs.push(...validateProtocol(p.protocol, child(pp, 'protocol')));
    if (typeof p.port === 'number') errs.push(...isValidPortNum(p.port).map((m) => invalid(child(pp, 'port'), p.port, m)));
    else if (typeof p.port === 'string') errs.push(...isValidPortName(p.port).map((m) => invalid(child(pp, 'port'), p.port, m)));
  });
  return errs;
}

const POLICY_TYPES = ['Ingress', 'Egress'];

const validateNetworkPolicy: Validator = (obj) => {
  const spec = specOf(obj);
  const errs = validateLabelSelector(spec.podSelector, 'spec.podSelector');
  asArray(spec.ingress).forEach((r, i) => {
    const p = index('spec.ingress', i);
    errs.push(...validateNPPorts(asRecord(r).ports, child(p, 'ports')), ...validatePeers(asRecord(r).from, child(p, 'from')));
  });
  asArray(spec.egress).forEach((r, i) => {
    const p = index('spec.egress', i);
    errs.push(...validateNPPorts(asRecord(r).ports, child(p, 'ports')), ...validatePeers(asRecord(r).to, child(p, 'to')));
  });
  const types = asArray(spec.policyTypes);
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(str(t))) errs.push(notSupported(index('spec.policyTypes', i), str(t), POLICY_TYPES));
  });
  if (types.length > POLICY_TYPES.length) errs.push(invalid('spec.policyTypes', types, 'may not specify more than two policyTypes'));
  return errs;
};

// ---- policy ----------------------------------------------------------------------------------

const validatePDB: Validator = (obj) => {
  const spec = specOf(obj);
  const errs: FieldError[] = [];
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    errs.push(invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const f of ['minAvailable', 'maxUnavailable']) {
    if (spec[f] === undefined) continue;
    errs.push(...validatePositiveIntOrPercent(spec[f], `spec.${f}`), ...isNotMoreThan100Percent(spec[f], `spec.${f}`));
  }
  if (isObject(spec.selector)) errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy !== undefined && policy !== 'AlwaysAllow' && policy !== 'IfHealthyBudget') {
    errs.push(notSupported('spec.unhealthyPodEvictionPolicy', str(policy), ['AlwaysAllow', 'IfHealthyBudget']));
  }
  return errs;
};

const validatePriorityClass: Validator = (obj, old) => {
  const errs: FieldError[] = [];
  const name = str(obj.metadata.name);
  if (name.startsWith('system-') && name !== 'system-node-critical' && name !== 'system-cluster-critical') {
    errs.push(forbidden('metadata.name', 'priority class names with \'system-\' prefix are reserved for system use only'));
  }
  const pp = obj.preemptionPolicy;
  if (pp !== undefined && pp !== 'PreemptLowerPriority' && pp !== 'Never') errs.push(notSupported('preemptionPolicy', str(pp), ['Never', 'PreemptLowerPriority']));
  if (old && obj.value !== old.value) errs.push(forbidden('value', 'may not be changed in an update.'));
  return errs;
};

// ---- autoscaling -----------------------------------------------------------------------------

const validateHPA: Validator = (obj) => {
  const spec = specOf(obj);
  const errs: FieldError[] = [];
  const min = num(spec.minReplicas);
  const max = num(spec.maxReplicas) ?? 0;
  if (min !== undefined && min < 1) errs.push(invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (max < 1) errs.push(invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (min !== undefined && max < min) errs.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  const ref = asRecord(spec.scaleTargetRef);
  for (const f of ['kind', 'name']) {
    const v = str(ref[f]);
    if (!v) errs.push(required(`spec.scaleTargetRef.${f}`));
    else errs.push(...isValidPathSegmentName(v).map((m) => invalid(`spec.scaleTargetRef.${f}`, v, m)));
  }
  const cpu = num(spec.targetCPUUtilizationPercentage);
  if (cpu !== undefined && cpu < 1) errs.push(invalid('spec.targetCPUUtilizationPercentage', cpu, 'must be greater than 0'));
  asArray(spec.metrics).forEach((mIn, i) => {
    const m = asRecord(mIn);
    const types = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
    if (!str(m.type)) errs.push(required(child(index('spec.metrics', i), 'type'), 'must specify a metric source type'));
    else if (!types.includes(str(m.type))) errs.push(notSupported(child(index('spec.metrics', i), 'type'), str(m.type), types));
  });
  return errs;
};

// ---- coordination / storage / discovery ------------------------------------------------------

const validateLease: Validator = (obj) => {
  const spec = specOf(obj);
  const errs: FieldError[] = [];
  const duration = num(spec.leaseDurationSeconds);
  if (duration !== undefined && duration <= 0) errs.push(invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  errs.push(...nonNegative(spec.leaseTransitions, 'spec.leaseTransitions'));
  return errs;
};

const validateStorageClass: Validator = (obj, old) => {
  const errs: FieldError[] = [];
  const provisioner = str(obj.provisioner);
  if (!provisioner) errs.push(required('provisioner'));
  else {
    errs.push(...isQualifiedName(provisioner.toLowerCase()).map((m) => invalid('provisioner', provisioner, m)));
  }
  const reclaim = obj.reclaimPolicy;
  if (reclaim !== undefined && reclaim !== 'Delete' && reclaim !== 'Retain') errs.push(notSupported('reclaimPolicy', str(reclaim), ['Delete', 'Retain']));
  const mode = str(obj.volumeBindingMode);
  if (!mode) errs.push(required('volumeBindingMode'));
  else if (mode !== 'Immediate' && mode !== 'WaitForFirstConsumer') errs.push(notSupported('volumeBindingMode', mode, ['Immediate', 'WaitForFirstConsumer']));
  if (old) {
    if (!sameJSON(obj.parameters, old.parameters)) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
    if (provisioner !== str(old.provisioner)) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
    if (str(reclaim) !== str(old.reclaimPolicy)) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
    if (mode !== str(old.volumeBindingMode)) errs.push(invalid('volumeBindingMode', mode, 'field is immutable'));
  }
  return errs;
};

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];

const validateEndpointSlice: Validator = (obj, old) => {
  const errs: FieldError[] = [];
  const type = str(obj.addressType);
  if (!type) errs.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(type)) errs.push(notSupported('addressType', type, ADDRESS_TYPES));
  const endpoints = asArray(obj.endpoints);
  if (endpoints.length > 1000) errs.push(tooMany('endpoints', endpoints.length, 1000));
  endpoints.forEach((eIn, i) => {
    const addresses = asArray(asRecord(eIn).addresses);
    const p = child(index('endpoints', i), 'addresses');
    if (addresses.length === 0) errs.push(required(p, 'must contain at least 1 address'));
    else if (addresses.length > 100) errs.push(tooMany(p, addresses.length, 100));
    addresses.forEach((a, j) => {
      const addr = str(a);
      if ((type === 'IPv4' || type === 'IPv6') && !isIP(addr)) errs.push(invalid(index(p, j), addr, 'must be a valid IP address'));
    });
  });
  const names = new Set<string>();
  asArray(obj.ports).forEach((pIn, i) => {
    const port = asRecord(pIn);
    const p = index('ports', i);
    const name = str(port.name);
    if (name) errs.push(...isDNS1123Label(name).map((m) => invalid(child(p, 'name'), name, m)));
    if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
    names.add(name);
    if (port.protocol !== undefined) errs.push(...validateProtocol(port.protocol, child(p, 'protocol')));
  });
  if (old && type !== str(old.addressType)) errs.push(invalid('addressType', type, 'field is immutable'));
  return errs;
};

// ---- apiextensions.k8s.io --------------------------------------------------------------------

function dns1035Joined(value: string, path: string, prefix = ''): FieldError[] {
  const msgs = isDNS1035Label(value);
  return value && msgs.length ? [invalid(path, value, prefix + msgs.join(','))] : [];
}

function validateCRDNames(namesIn: unknown, path: string): FieldError[] {
  const names = asRecord(namesIn);
  const errs: FieldError[] = [];
  if (!str(names.plural)) errs.push(required(child(path, 'plural')));
  errs.push(...dns1035Joined(str(names.plural), child(path, 'plural')));
  errs.push(...dns1035Joined(str(names.singular), child(path, 'singular')));
  const kind = str(names.kind);
  if (!kind) errs.push(required(child(path, 'kind')));
  const kindMsgs = isDNS1035Label(kind.toLowerCase());
  if (kind && kindMsgs.length) errs.push(invalid(child(path, 'kind'), kind, `may have mixed case, but should otherwise match: ${kindMsgs.join(',')}`));
  const listKind = str(names.listKind);
  const listMsgs = isDNS1035Label(listKind.toLowerCase());
  if (listKind && listMsgs.length) errs.push(invalid(child(path, 'listKind'), listKind, `may have mixed case, but should otherwise match: ${listMsgs.join(',')}`));
  if (kind && kind === listKind) errs.push(invalid(child(path, 'listKind'), listKind, 'kind and listKind may not be the same or parsing become ambiguous'));
  asArray(names.shortNames).forEach((s, i) => errs.push(...dns1035Joined(str(s), index(child(path, 'shortNames'), i))));
  return errs;
}

function validateCRDVersions(versions: unknown[]): FieldError[] {
  const errs: FieldError[] = [];
  if (versions.length === 0) return [required('spec.versions', 'must have exactly one version marked as storage version')];
  let storage = 0;
  const seen = new Set<string>();
  let unique = true;
  versions.forEach((vIn, i) => {
    const v = asRecord(vIn);
    const name = str(v.name);
    if (v.storage === true) storage++;
    if (seen.has(name)) unique = false;
    seen.add(name);
    errs.push(...dns1035Joined(name, child(index('spec.versions', i), 'name')));
    if (!name) errs.push(required(child(index('spec.versions', i), 'name')));
  });
  if (!unique) errs.push(invalid('spec.versions', versions, 'must contain unique version names'));
  if (storage !== 1) errs.push(invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));
  return errs;
}

const validateCRD: Validator = (obj, old) => {
  const spec = specOf(obj);
  const errs: FieldError[] = [];
  const group = str(spec.group);
  const plural = str(asRecord(spec.names).plural);
  if (str(obj.metadata.name) !== `${plural}.${group}`) {
    errs.push(invalid('metadata.name', str(obj.metadata.name), 'must be spec.names.plural+"."+spec.group'));
  }
  if (!group) errs.push(required('spec.group'));
  else {
    errs.push(...isDNS1123Subdomain(group).map((m) => invalid('spec.group', group, m)));
    if (group.split('.').length < 2) errs.push(invalid('spec.group', group, 'should be a domain with at least one dot'));
  }
  const scope = str(spec.scope);
  if (!scope) errs.push(required('spec.scope'));
  else if (scope !== 'Cluster' && scope !== 'Namespaced') errs.push(notSupported('spec.scope', scope, ['Cluster', 'Namespaced']));
  errs.push(...validateCRDNames(spec.names, 'spec.names'));
  errs.push(...validateCRDVersions(asArray(spec.versions)));
  if (old) {
    if (scope !== str(specOf(old).scope)) errs.push(invalid('spec.scope', scope, 'field is immutable'));
    if (group !== str(specOf(old).group)) errs.push(invalid('spec.group', group, 'field is immutable'));
  }
  return errs;
};

export const OTHER_VALIDATORS: Record<string, Validator> = {
  'rbac.authorization.k8s.io/Role': rulesValidator(true),
  'rbac.authorization.k8s.io/ClusterRole': rulesValidator(false),
  'rbac.authorization.k8s.io/RoleBinding': bindingValidator(true),
  'rbac.authorization.k8s.io/ClusterRoleBinding': bindingValidator(false),
  'networking.k8s.io/Ingress': validateIngress,
  'networking.k8s.io/IngressClass': validateIngressClass,
  'networking.k8s.io/NetworkPolicy': validateNetworkPolicy,
  'policy/PodDisruptionBudget': validatePDB,
  'scheduling.k8s.io/PriorityClass': validatePriorityClass,
  'autoscaling/HorizontalPodAutoscaler': validateHPA,
  'coordination.k8s.io/Lease': validateLease,
  'storage.k8s.io/StorageClass': validateStorageClass,
  'discovery.k8s.io/EndpointSlice': validateEndpointSlice,
  'apiextensions.k8s.io/CustomResourceDefinition': validateCRD,
};

