// Validators of the core ("") group kinds (kubernetes pkg/apis/core/validation/validation.go).
import type { FieldError, Validator } from '../resource.js';
import type { KubeObject } from '../types.js';
import { child, duplicate, forbidden, GoValue, goQuote, index, invalid, key, notSupported, required, tooLong } from './field.js';
import { validateLabels } from './meta.js';
import { isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isIP, isQualifiedName, isValidPortNum } from './names.js';
import {
  nonNegative,
  validatePodSpec,
  validatePodSpecUpdate,
  validatePodTemplateSpec,
  validatePortNumOrName,
  validateProtocol,
} from './pod.js';
import { parseQuantity, quantityText } from './quantity.js';
import { asArray, asRecord, isObject, num, sameJSON, str } from './util.js';

type Obj = Record<string, unknown>;
const specOf = (o: KubeObject | undefined): Obj => asRecord(o?.spec);

export const MAX_SECRET_SIZE = 1024 * 1024;

const validatePod: Validator = (obj, old) => {
  const errs = validatePodSpec(obj.spec, 'spec');
  if (old) errs.push(...validatePodSpecUpdate(obj.spec, old.spec));
  return errs;
};

const validatePodTemplate: Validator = (obj) => validatePodTemplateSpec(obj.template, 'template');

const validateReplicationController: Validator = (obj, old) => {
  const spec = specOf(obj);
  const errs = nonNegative(spec.replicas, 'spec.replicas');
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  const selector = asRecord(spec.selector);
  if (Object.keys(selector).length === 0) errs.push(required('spec.selector'));
  else errs.push(...validateLabels(selector, 'spec.selector'));
  if (!isObject(spec.template)) errs.push(required('spec.template'));
  else {
    const labels = asRecord(asRecord(spec.template.metadata).labels);
    if (Object.keys(selector).length && !Object.entries(selector).every(([k, v]) => labels[k] === v)) {
      errs.push(invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
    }
    errs.push(...validatePodTemplateSpec(spec.template, 'spec.template'));
    const rp = str(asRecord(spec.template.spec).restartPolicy);
    if (rp !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  }
  void old;
  return errs;
};

// ---- Service ---------------------------------------------------------------------------------

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

function isHeadless(spec: Obj): boolean {
  return spec.clusterIP === 'None';
}

/** %#v of the (protocol, port) key upstream reports duplicate service ports with. */
function goServicePortKey(port: Obj): GoValue {
  return new GoValue(
    `core.ServicePort{Name:"", Protocol:${goQuote(str(port.protocol))}, AppProtocol:(*string)(nil), Port:${num(port.port) ?? 0}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
  );
}

function validateServicePorts(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ports = asArray(spec.ports);
  const type = str(spec.type);
  if (ports.length === 0 && !isHeadless(spec) && type !== 'ExternalName') errs.push(required('spec.ports'));
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((pIn, i) => {
    const p = index('spec.ports', i);
    const port = asRecord(pIn);
    const name = str(port.name);
    if (ports.length > 1 && !name) errs.push(required(child(p, 'name')));
    else if (name) {
      errs.push(...isDNS1123Label(name).map((m) => invalid(child(p, 'name'), name, m)));
      if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
      names.add(name);
    }
    errs.push(...isValidPortNum(num(port.port) ?? NaN).map((m) => invalid(child(p, 'port'), port.port ?? 0, m)));
    errs.push(...validateProtocol(port.protocol, child(p, 'protocol')));
    if (port.targetPort !== undefined) errs.push(...validatePortNumOrName(port.targetPort, child(p, 'targetPort')));
    const nodePort = num(port.nodePort);
    if (nodePort) {
      if (type === 'ClusterIP' || type === 'ExternalName') {
        errs.push(forbidden(child(p, 'nodePort'), `may not be used when \`type\` is '${type}'`));
      } else if (nodePort < 30000 || nodePort > 32767) {
        errs.push(invalid(child(p, 'nodePort'), nodePort, 'provided port is not in the valid range. The range of valid ports is 30000-32767'));
      }
    }
    const k = `${str(port.port)}/${str(port.protocol)}`;
    if (keys.has(k)) errs.push(duplicate(p, goServicePortKey(port)));
    keys.add(k);
  });
  return errs;
}

function validateServiceSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(spec.type);
  if (!type) errs.push(required('spec.type'));
  else if (!SERVICE_TYPES.includes(type)) errs.push(notSupported('spec.type', type, SERVICE_TYPES));
  if (type === 'ExternalName') {
    const name = str(spec.externalName);
    if (!name) errs.push(required('spec.externalName'));
    else errs.push(...isDNS1123Subdomain(name.replace(/\.$/, '')).map((m) => invalid('spec.externalName', name, m)));
    if (str(spec.clusterIP) && spec.clusterIP !== '') errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
  }
  const clusterIP = str(spec.clusterIP);
  if (clusterIP && clusterIP !== 'None' && !isIP(clusterIP)) {
    errs.push(invalid('spec.clusterIPs[0]', clusterIP, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  }
  if (type === 'ClusterIP' || type === 'NodePort' || type === 'LoadBalancer' || type === 'ExternalName') errs.push(...validateServicePorts(spec));
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const affinity = str(spec.sessionAffinity);
  if (!affinity) errs.push(required('spec.sessionAffinity'));
  else if (affinity !== 'ClientIP' && affinity !== 'None') errs.push(notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  const etp = spec.externalTrafficPolicy;
  if (etp !== undefined && etp !== '') {
    if (type !== 'NodePort' && type !== 'LoadBalancer' && asArray(spec.externalIPs).length === 0) {
      errs.push(invalid('spec.externalTrafficPolicy', str(etp), 'may only be set for externally-accessible services'));
    } else if (etp !== 'Cluster' && etp !== 'Local') errs.push(notSupported('spec.externalTrafficPolicy', str(etp), ['Cluster', 'Local']));
  }
  const itp = spec.internalTrafficPolicy;
  if (itp !== undefined && itp !== null && itp !== 'Cluster' && itp !== 'Local') {
    errs.push(notSupported('spec.internalTrafficPolicy', str(itp), ['Cluster', 'Local']));
  }
  asArray(spec.externalIPs).forEach((ip, i) => {
    if (!isIP(str(ip))) errs.push(invalid(index('spec.externalIPs', i), str(ip), 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  return errs;
}

/** clusterIP may not change once set (except to/from ExternalName). */
function validateServiceUpdate(spec: Obj, oldSpec: Obj): FieldError[] {
  if (spec.type === 'ExternalName' || oldSpec.type === 'ExternalName') return [];
  const oldIPs = asArray(oldSpec.clusterIPs).map(str);
  const oldIP = str(oldSpec.clusterIP) || oldIPs[0] || '';
  const newIPs = asArray(spec.clusterIPs).map(str);
  const newIP = str(spec.clusterIP) || newIPs[0] || '';
  if (!oldIP || !newIP || oldIP === newIP) return [];
  const shown = newIPs.length ? [newIP, ...newIPs.slice(1)] : [newIP];
  return [invalid('spec.clusterIPs[0]', shown, 'may not change once set')];
}

const validateService: Validator = (obj, old) => {
  const errs = validateServiceSpec(specOf(obj));
  if (old) errs.push(...validateServiceUpdate(specOf(obj), specOf(old)));
  return errs;
};

// ---- ConfigMap / Secret ----------------------------------------------------------------------

function byteLength(v: unknown): number {
  return Buffer.byteLength(str(v));
}

const validateConfigMap: Validator = (obj, old) => {
  const errs: FieldError[] = [];
  const data = asRecord(obj.data);
  const binary = asRecord(obj.binaryData);
  let total = 0;
  for (const k of Object.keys(data).sort()) {
    errs.push(...isConfigMapKey(k).map((m) => invalid(key('data', k), k, m)));
    if (k in binary) errs.push(invalid(key('data', k), k, 'duplicate of key present in binaryData'));
    total += byteLength(data[k]);
  }
  for (const k of Object.keys(binary).sort()) {
    errs.push(...isConfigMapKey(k).map((m) => invalid(key('binaryData', k), k, m)));
    if (k in data) errs.push(invalid(key('binaryData', k), k, 'duplicate of key present in data'));
    total += Math.floor((str(binary[k]).length * 3) / 4);
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong('', MAX_SECRET_SIZE));
  if (old) errs.push(...immutableData(obj, old));
  return errs;
};

/** ConfigMaps and Secrets marked immutable keep their data, and stay immutable. */
function immutableData(obj: KubeObject, old: KubeObject): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  if (!sameJSON(obj.data, old.data)) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
  if (!sameJSON(obj.binaryData, old.binaryData)) errs.push(forbidden('binaryData', 'field is immutable when `immutable` is set'));
  return errs;
}

const SECRET_REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

function validateSecretType(obj: KubeObject, data: Obj): FieldError[] {
  const type = str(obj.type);
  const errs: FieldError[] = [];
  for (const k of SECRET_REQUIRED_KEYS[type] ?? []) if (!(k in data)) errs.push(required(key('data', k)));
  if (type === 'kubernetes.io/service-account-token') {
    const ann = asRecord(obj.metadata.annotations);
    if (!str(ann['kubernetes.io/service-account.name'])) {
      errs.push(required(key('metadata.annotations', 'kubernetes.io/service-account.name')));
    }
  }
  if (type === 'kubernetes.io/basic-auth' && !('username' in data) && !('password' in data)) {
    errs.push(required(key('data', 'username')), required(key('data', 'password')));
  }
  return errs;
}

const validateSecret: Validator = (obj, old) => {
  const errs: FieldError[] = [];
  const data = { ...asRecord(obj.data), ...asRecord(obj.stringData) };
  let total = 0;
  for (const k of Object.keys(data).sort()) {
    errs.push(...isConfigMapKey(k).map((m) => invalid(key('data', k), k, m)));
    total += Math.floor((str(data[k]).length * 3) / 4);
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong('data', MAX_SECRET_SIZE));
  errs.push(...validateSecretType(obj, data));
  if (old) {
    if (str(obj.type) !== str(old.type)) errs.push(invalid('type', str(obj.type), 'field is immutable'));
    errs.push(...immutableData(obj, old));
  }
  return errs;
};

// ---- Namespace / Node / ServiceAccount -------------------------------------------------------

const STANDARD_FINALIZERS = ['kubernetes', 'orphan', 'foregroundDeletion'];

const validateNamespace: Validator = (obj) => {
  const errs: FieldError[] = [];
  asArray(specOf(obj).finalizers).forEach((f, i) => {
    const name = str(f);
    const p = index('spec.finalizers', i);
    errs.push(...isQualifiedName(name).map((m) => invalid(p, name, m)));
    if (!name.includes('/') && !STANDARD_FINALIZERS.includes(name)) {
      errs.push(invalid(p, name, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
  const phase = asRecord(obj.status).phase;
  if (phase !== undefined && phase !== 'Active' && phase !== 'Terminating') {
    errs.push(notSupported('status.phase', str(phase), ['Active', 'Terminating']));
  }
  return errs;
};

const validateNode: Validator = (obj) => {
  const errs: FieldError[] = [];
  const spec = specOf(obj);
  asArray(spec.taints).forEach((tIn, i) => {
    const t = asRecord(tIn);
    const p = index('spec.taints', i);
    if (!str(t.key)) errs.push(required(child(p, 'key')));
    else errs.push(...isQualifiedName(str(t.key)).map((m) => invalid(child(p, 'key'), str(t.key), m)));
    const effect = str(t.effect);
    if (!effect) errs.push(required(child(p, 'effect')));
    else if (!['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect)) {
      errs.push(notSupported(child(p, 'effect'), effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    }
  });
  return errs;
};

const validateServiceAccount: Validator = (obj) => {
  const errs: FieldError[] = [];
  asArray(obj.secrets).forEach((s, i) => {
    const name = str(asRecord(s).name);
    if (name) errs.push(...isDNS1123Subdomain(name).map((m) => invalid(child(index('secrets', i), 'name'), name, m)));
  });
  return errs;
};

// ---- PersistentVolume(Claim) -----------------------------------------------------------------

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const VOLUME_MODES = ['Block', 'Filesystem'];

function validateAccessModes(modes: unknown, path: string): FieldError[] {
  const list = asArray(modes);
  if (list.length === 0) return [required(path, 'at least 1 access mode is required')];
  const errs = list.filter((m) => !ACCESS_MODES.includes(str(m))).map((m) => notSupported(path, str(m), ACCESS_MODES));
  if (list.includes('ReadWriteOncePod') && list.length > 1) {
    errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  }
  return errs;
}

function validateVolumeMode(mode: unknown, path: string): FieldError[] {
  return mode !== undefined && !VOLUME_MODES.includes(str(mode)) ? [notSupported(path, str(mode), VOLUME_MODES)] : [];
}

export function validatePVCSpec(specIn: unknown, path: string): FieldError[] {
  const spec = asRecord(specIn);
  const errs = validateAccessModes(spec.accessModes, child(path, 'accessModes'));
  if (isObject(spec.selector)) errs.push(...validateLabels(spec.selector.matchLabels, child(path, 'selector', 'matchLabels')));
  const storage = asRecord(asRecord(spec.resources).requests).storage;
  const storagePath = key(child(path, 'resources'), 'storage');
  if (storage === undefined) errs.push(required(storagePath));
  else {
    const v = parseQuantity(storage);
    if (v !== undefined && v < 0) errs.push(invalid(storagePath, quantityText(storage), 'must be greater than or equal to 0'));
    else if (v !== undefined && v === 0) errs.push(invalid(storagePath, quantityText(storage), 'must be greater than zero'));
  }
  errs.push(...validateVolumeMode(spec.volumeMode, child(path, 'volumeMode')));
  return errs;
}

/** A bound claim's spec may change only resources.requests (and volumeAttributesClassName). */
function validatePVCUpdate(spec: Obj, oldSpec: Obj): FieldError[] {
  const strip = (s: Obj) => {
    const c = structuredClone(s);
    delete c.resources;
    delete c.volumeAttributesClassName;
    if (!oldSpec.volumeName) delete c.volumeName; // bound by the controller
    return c;
  };
  if (sameJSON(strip(spec), strip(oldSpec))) return [];
  return [forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims')];
}

const validatePVC: Validator = (obj, old) => {
  const errs = validatePVCSpec(obj.spec, 'spec');
  if (old) errs.push(...validatePVCUpdate(specOf(obj), specOf(old)));
  return errs;
};

const PV_SOURCES = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'iscsi', 'cinder', 'cephfs', 'fc', 'flocker',
  'flexVolume', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'local',
  'storageos', 'csi',
];

const validatePV: Validator = (obj) => {
  const spec = specOf(obj);
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes');
  const capacity = asRecord(spec.capacity);
  if (Object.keys(capacity).length === 0) errs.push(required('spec.capacity'));
  else if (capacity.storage === undefined) errs.push(notSupported('spec.capacity', Object.keys(capacity)[0], ['storage']));
  const sources = PV_SOURCES.filter((s) => isObject(spec[s]));
  if (sources.length === 0) errs.push(required('spec', 'must specify a volume type'));
  for (const extra of sources.slice(1)) errs.push(forbidden(child('spec', extra), 'may not specify more than 1 volume type'));
  const reclaim = spec.persistentVolumeReclaimPolicy;
  if (reclaim !== undefined && !['Delete', 'Recycle', 'Retain'].includes(str(reclaim))) {
    errs.push(notSupported('spec.persistentVolumeReclaimPolicy', str(reclaim), ['Delete', 'Recycle', 'Retain']));
  }
  errs.push(...validateVolumeMode(spec.volumeMode, 'spec.volumeMode'));
  return errs;
};

// ---- Endpoints / Event / LimitRange / ResourceQuota ------------------------------------------

const validateEndpoints: Validator = (obj) => {
  const errs: FieldError[] = [];
  asArray(obj.subsets).forEach((sIn, i) => {
    const s = asRecord(sIn);
    const p = index('subsets', i);
    if (asArray(s.addresses).length === 0 && asArray(s.notReadyAddresses).length === 0) {
      errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    }
    for (const list of ['addresses', 'notReadyAddresses']) {
      asArray(s[list]).forEach((aIn, j) => {
        const ip = str(asRecord(aIn).ip);
        if (!isIP(ip)) errs.push(invalid(child(index(child(p, list), j), 'ip'), ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
      });
    }
    asArray(s.ports).forEach((portIn, j) => {
      const port = asRecord(portIn);
      const pp = index(child(p, 'ports'), j);
      if (asArray(s.ports).length > 1 && !str(port.name)) errs.push(required(child(pp, 'name')));
      errs.push(...isValidPortNum(num(port.port) ?? NaN).map((m) => invalid(child(pp, 'port'), port.port ?? 0, m)));
      errs.push(...validateProtocol(port.protocol, child(pp, 'protocol')));
    });
  });
  return errs;
};

const validateEvent: Validator = (obj) => {
  const errs: FieldError[] = [];
  const involved = asRecord(obj.involvedObject);
  const ns = str(obj.metadata.namespace);
  const involvedNs = str(involved.namespace);
  if (!involvedNs) {
    if (ns && ns !== 'default') errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
  } else if (ns !== involvedNs) {
    errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
  }
  const type = obj.type;
  if (type !== undefined && type !== '' && type !== 'Normal' && type !== 'Warning') {
    errs.push(notSupported('type', str(type), ['Normal', 'Warning']));
  }
  return errs;
};

const LIMIT_TYPES = ['Container', 'PersistentVolumeClaim', 'Pod'];

const validateLimitRange: Validator = (obj) => {
  const errs: FieldError[] = [];
  asArray(specOf(obj).limits).forEach((lIn, i) => {
    const l = asRecord(lIn);
    const p = index('spec.limits', i);
    const type = str(l.type);
    if (!type) errs.push(required(child(p, 'type')));
    else if (!LIMIT_TYPES.includes(type) && !type.includes('/')) errs.push(notSupported(child(p, 'type'), type, LIMIT_TYPES));
    const min = asRecord(l.min);
    const max = asRecord(l.max);
    for (const [res, q] of Object.entries(min)) {
      const lo = parseQuantity(q);
      const hi = parseQuantity(max[res]);
      if (lo !== undefined && hi !== undefined && lo > hi) {
        errs.push(invalid(key(child(p, 'min'), res), quantityText(q), `min value ${quantityText(q)} is greater than max value ${quantityText(max[res])}`));
      }
    }
    for (const [res, q] of Object.entries(asRecord(l.default))) {
      const v = parseQuantity(q);
      const hi = parseQuantity(max[res]);
      if (v !== undefined && hi !== undefined && v > hi) {
        errs.push(invalid(key(child(p, 'default'), res), quantityText(q), `default value ${quantityText(q)} is greater than max value ${quantityText(max[res])}`));
      }
    }
  });
  return errs;
};

const validateResourceQuota: Validator = (obj) => {
  const errs: FieldError[] = [];
  for (const [res, q] of Object.entries(asRecord(specOf(obj).hard))) {
    const p = key('spec.hard', res);
    errs.push(...isQualifiedName(res).map((m) => invalid(p, res, m)));
    const v = parseQuantity(q);
    if (v !== undefined && v < 0) errs.push(invalid(p, quantityText(q), 'must be greater than or equal to 0'));
  }
  const scopes = ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating'];
  asArray(specOf(obj).scopes).forEach((s) => {
    if (!scopes.includes(str(s))) errs.push(notSupported('spec.scopes', str(s), scopes));
  });
  return errs;
};

export const CORE_VALIDATORS: Record<string, Validator> = {
  Pod: validatePod,
  PodTemplate: validatePodTemplate,
  ReplicationController: validateReplicationController,
  Service: validateService,
  ConfigMap: validateConfigMap,
  Secret: validateSecret,
  Namespace: validateNamespace,
  Node: validateNode,
  ServiceAccount: validateServiceAccount,
  PersistentVolumeClaim: validatePVC,
  PersistentVolume: validatePV,
  Endpoints: validateEndpoints,
  Event: validateEvent,
  LimitRange: validateLimitRange,
  ResourceQuota: validateResourceQuota,
};

