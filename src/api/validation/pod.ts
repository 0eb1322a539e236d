// PodSpec and PodTemplateSpec validation (kubernetes pkg/apis/core/validation/validation.go):
// containers, ports, env, volumes and mounts, resources, probes, tolerations, pod updates.
import type { FieldError } from '../resource.js';
import { child, duplicate, forbidden, index, invalid, key, notFound, notSupported, required } from './field.js';
import { validateAnnotations, validateLabels } from './meta.js';
import {
  inclusiveRangeError,
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
} from './names.js';
import { parseQuantity, quantityText } from './quantity.js';
import { asArray, asRecord, isObject, num, sameJSON, str } from './util.js';

type Obj = Record<string, unknown>;

export const NEGATIVE_MSG = 'must be greater than or equal to 0';

export function nonNegative(value: unknown, path: string): FieldError[] {
  return typeof value === 'number' && value < 0 ? [invalid(path, value, NEGATIVE_MSG)] : [];
}

function dns1123Label(value: string, path: string): FieldError[] {
  return isDNS1123Label(value).map((m) => invalid(path, value, m));
}

/** ValidatePortNumOrName for an IntOrString port. */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => invalid(path, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalid(path, port, m));
  return [invalid(path, port ?? '', inclusiveRangeError(1, 65535))];
}

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function validateProtocol(protocol: unknown, path: string): FieldError[] {
  const p = str(protocol);
  if (!p) return [required(path)];
  return PROTOCOLS.includes(p) ? [] : [notSupported(path, p, PROTOCOLS)];
}

function validateContainerPorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  asArray(ports).forEach((portIn, i) => {
    const p = index(path, i);
    const port = asRecord(portIn);
    const name = str(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) errs.push(...msgs.map((m) => invalid(child(p, 'name'), name, m)));
      else if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
      else names.add(name);
    }
    if (!port.containerPort) errs.push(required(child(p, 'containerPort')));
    else errs.push(...isValidPortNum(num(port.containerPort) ?? NaN).map((m) => invalid(child(p, 'containerPort'), port.containerPort, m)));
    if (port.hostPort) errs.push(...isValidPortNum(num(port.hostPort) ?? NaN).map((m) => invalid(child(p, 'hostPort'), port.hostPort, m)));
    errs.push(...validateProtocol(port.protocol, child(p, 'protocol')));
  });
  return errs;
}

const RELAXED_ENV_MSG = "a valid environment variable name must consist only of printable ASCII characters other than '='";

/** Env var names as 1.32+ servers check them (RelaxedEnvironmentVariableValidation, on by default). */
function envNameErrors(name: string): string[] {
  return /^[\x20-\x7e]+$/.test(name) && !name.includes('=') ? [] : [RELAXED_ENV_MSG];
}

const ENV_FIELD_PATHS = [
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];

function validateFieldRef(ref: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(ref.apiVersion)) errs.push(required(child(path, 'apiVersion')));
  const fieldPath = str(ref.fieldPath);
  if (!fieldPath) return [...errs, required(child(path, 'fieldPath'))];
  const subscript = /^metadata\.(labels|annotations)\['([^']+)'\]$/.exec(fieldPath);
  if (subscript) {
    const msgs = subscript[1] === 'labels' ? isQualifiedName(subscript[2]) : isQualifiedName(subscript[2].toLowerCase());
    errs.push(...msgs.map((m) => invalid(child(path, 'fieldPath'), fieldPath, m)));
  } else if (!ENV_FIELD_PATHS.includes(fieldPath) || fieldPath === 'metadata.labels' || fieldPath === 'metadata.annotations') {
    errs.push(notSupported(child(path, 'fieldPath'), fieldPath, ENV_FIELD_PATHS));
  }
  return errs;
}

function validateKeySelector(sel: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(sel.name);
  errs.push(...isDNS1123Subdomain(name).map((m) => invalid(child(path, 'name'), name, m)));
  const k = str(sel.key);
  if (!k) errs.push(required(child(path, 'key')));
  else errs.push(...isConfigMapKey(k).map((m) => invalid(child(path, 'key'), k, m)));
  return errs;
}

function validateEnvValueFrom(ev: Obj, path: string): FieldError[] {
  if (!isObject(ev.valueFrom)) return [];
  const from = ev.valueFrom;
  const errs: FieldError[] = [];
  let sources = 0;
  if (isObject(from.fieldRef)) {
    sources++;
    errs.push(...validateFieldRef(from.fieldRef, child(path, 'fieldRef')));
  }
  if (isObject(from.resourceFieldRef)) {
    sources++;
    if (!str(from.resourceFieldRef.resource)) errs.push(required(child(path, 'resourceFieldRef', 'resource')));
  }
  if (isObject(from.configMapKeyRef)) {
    sources++;
    errs.push(...validateKeySelector(from.configMapKeyRef, child(path, 'configMapKeyRef')));
  }
  if (isObject(from.secretKeyRef)) {
    sources++;
    errs.push(...validateKeySelector(from.secretKeyRef, child(path, 'secretKeyRef')));
  }
  if (sources === 0) errs.push(invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (str(ev.value)) errs.push(invalid(path, '', 'may not be specified when `value` is not empty'));
  else if (sources > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  return errs;
}

function validateEnv(env: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArray(env).forEach((evIn, i) => {
    const p = index(path, i);
    const ev = asRecord(evIn);
    const name = str(ev.name);
    if (!name) errs.push(required(child(p, 'name')));
    else errs.push(...envNameErrors(name).map((m) => invalid(child(p, 'name'), name, m)));
    errs.push(...validateEnvValueFrom(ev, child(p, 'valueFrom')));
  });
  return errs;
}

function validateEnvFrom(envFrom: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArray(envFrom).forEach((efIn, i) => {
    const p = index(path, i);
    const ef = asRecord(efIn);
    const prefix = str(ef.prefix);
    if (prefix) errs.push(...envNameErrors(prefix).map((m) => invalid(child(p, 'prefix'), prefix, m)));
    let sources = 0;
    for (const src of ['configMapRef', 'secretRef']) {
      if (!isObject(ef[src])) continue;
      sources++;
      const name = str((ef[src] as Obj).name);
      errs.push(...isDNS1123Subdomain(name).map((m) => invalid(child(p, src, 'name'), name, m)));
    }
    if (sources === 0) errs.push(invalid(p, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(invalid(p, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateLocalDescendingPath(p: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(invalid(path, p, 'must be a relative path'));
  if (p.split(/[\\/]/).includes('..')) errs.push(invalid(path, p, "must not contain '..'"));
  return errs;
}

function validateVolumeMounts(mounts: unknown, volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  asArray(mounts).forEach((mIn, i) => {
    const p = index(path, i);
    const m = asRecord(mIn);
    const name = str(m.name);
    if (!name) errs.push(required(child(p, 'name')));
    if (!volumes.has(name)) errs.push(notFound(child(p, 'name'), name));
    const mountPath = str(m.mountPath);
    if (!mountPath) errs.push(required(child(p, 'mountPath')));
    if (mountPoints.has(mountPath)) errs.push(invalid(child(p, 'mountPath'), mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    if (str(m.subPath)) errs.push(...validateLocalDescendingPath(str(m.subPath), child(path, 'subPath')));
  });
  return errs;
}

const STANDARD_CONTAINER_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];

function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

function overcommitAllowed(name: string): boolean {
  return isNativeResource(name) && !name.startsWith('hugepages-');
}

function validateResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => invalid(path, name, m));
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.includes(name) && !name.startsWith('hugepages-')) {
      errs.push(invalid(path, name, 'must be a standard resource for containers'));
    }
  } else if (!isNativeResource(name) && name.startsWith('requests.')) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

function validateQuantityValue(name: string, q: unknown, path: string): FieldError[] {
  const value = parseQuantity(q);
  if (value === undefined) return [];
  const errs: FieldError[] = [];
  if (value < 0) errs.push(invalid(path, quantityText(q), NEGATIVE_MSG));
  if (!isNativeResource(name) && !Number.isInteger(value)) errs.push(invalid(path, quantityText(q), 'must be an integer'));
  return errs;
}

/** ValidateResourceRequirements: names, signs, and requests <= limits. */
export function validateResources(resources: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const res = asRecord(resources);
  const limits = asRecord(res.limits);
  const requests = asRecord(res.requests);
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  for (const [name, q] of Object.entries(limits)) {
    errs.push(...validateResourceName(name, key(limPath, name)), ...validateQuantityValue(name, q, key(limPath, name)));
  }
  for (const [name, q] of Object.entries(requests)) {
    errs.push(...validateResourceName(name, key(reqPath, name)), ...validateQuantityValue(name, q, key(reqPath, name)));
    const reqValue = parseQuantity(q);
    const limValue = parseQuantity(limits[name]);
    if (name in limits && reqValue !== undefined && limValue !== undefined) {
      if (reqValue !== limValue && !overcommitAllowed(name)) {
        errs.push(invalid(reqPath, quantityText(q), `must be equal to ${name} limit of ${quantityText(limits[name])}`));
      } else if (reqValue > limValue) {
        errs.push(invalid(reqPath, quantityText(q), `must be less than or equal to ${name} limit of ${quantityText(limits[name])}`));
      }
    } else if (!(name in limits) && !overcommitAllowed(name)) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}

const HANDLER_TYPES = ['exec', 'httpGet', 'tcpSocket', 'grpc', 'sleep'];

function validateHandlerBody(type: string, h: Obj, path: string): FieldError[] {
  switch (type) {
    case 'exec':
      return asArray(h.command).length ? [] : [required(child(path, 'command'))];
    case 'httpGet': {
      const errs: FieldError[] = [];
      if (!str(h.path)) errs.push(required(child(path, 'path')));
      errs.push(...validatePortNumOrName(h.port, child(path, 'port')));
      if (!['HTTP', 'HTTPS'].includes(str(h.scheme))) errs.push(notSupported(child(path, 'scheme'), str(h.scheme), ['HTTP', 'HTTPS']));
      return errs;
    }
    case 'tcpSocket':
      return validatePortNumOrName(h.port, child(path, 'port'));
    case 'grpc':
      return isValidPortNum(num(h.port) ?? NaN).map((m) => invalid(child(path, 'port'), h.port ?? 0, m));
    case 'sleep':
      return [];
    default:
      return [];
  }
}

/** validateHandler: exactly one handler type. */
function validateHandler(handler: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const type of HANDLER_TYPES) {
    if (!isObject(handler[type])) continue;
    if (count > 0) errs.push(forbidden(child(path, type), 'may not specify more than 1 handler type'));
    else errs.push(...validateHandlerBody(type, handler[type] as Obj, child(path, type)));
    count++;
  }
  if (count === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

function validateProbe(probeIn: unknown, path: string, mustSucceedOnce: boolean): FieldError[] {
  if (!isObject(probeIn)) return [];
  const probe = probeIn;
  const errs = validateHandler(probe, path);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...nonNegative(probe[f], child(path, f)));
  }
  const tgps = num(probe.terminationGracePeriodSeconds);
  if (tgps !== undefined && tgps <= 0) errs.push(invalid(child(path, 'terminationGracePeriodSeconds'), tgps, 'must be greater than 0'));
  if (mustSucceedOnce && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
    errs.push(invalid(child(path, 'successThreshold'), probe.successThreshold, 'must be 1'));
  }
  return errs;
}

function validateLifecycle(lifecycle: unknown, path: string): FieldError[] {
  const lc = asRecord(lifecycle);
  const errs: FieldError[] = [];
  for (const hook of ['postStart', 'preStop']) if (isObject(lc[hook])) errs.push(...validateHandler(lc[hook] as Obj, child(path, hook)));
  return errs;
}

function validatePullPolicy(policy: unknown, path: string): FieldError[] {
  const p = str(policy);
  if (!p) return [required(path)];
  const values = ['Always', 'IfNotPresent', 'Never'];
  return values.includes(p) ? [] : [notSupported(path, p, values)];
}

function validateContainerCommon(c: Obj, volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (!name) errs.push(required(child(path, 'name')));
  else errs.push(...dns1123Label(name, child(path, 'name')));
  if (!str(c.image)) errs.push(required(child(path, 'image')));
  const tmp = str(c.terminationMessagePolicy);
  if (!tmp) errs.push(required(child(path, 'terminationMessagePolicy')));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    errs.push(notSupported(child(path, 'terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']));
  }
  errs.push(...validateContainerPorts(c.ports, child(path, 'ports')));
  errs.push(...validateEnv(c.env, child(path, 'env')));
  errs.push(...validateEnvFrom(c.envFrom, child(path, 'envFrom')));
  errs.push(...validateVolumeMounts(c.volumeMounts, volumes, child(path, 'volumeMounts')));
  errs.push(...validatePullPolicy(c.imagePullPolicy, child(path, 'imagePullPolicy')));
  errs.push(...validateResources(c.resources, child(path, 'resources')));
  return errs;
}

function validateContainers(containers: unknown, volumes: Set<string>, path: string): FieldError[] {
  const list = asArray(containers);
  const errs: FieldError[] = list.length === 0 ? [required(path)] : [];
  const names = new Set<string>();
  list.forEach((cIn, i) => {
    const p = index(path, i);
    const c = asRecord(cIn);
    errs.push(...validateContainerCommon(c, volumes, p));
    if (names.has(str(c.name))) errs.push(duplicate(child(p, 'name'), str(c.name)));
    else names.add(str(c.name));
    errs.push(...validateLifecycle(c.lifecycle, child(p, 'lifecycle')));
    errs.push(...validateProbe(c.livenessProbe, child(p, 'livenessProbe'), true));
    errs.push(...validateProbe(c.readinessProbe, child(p, 'readinessProbe'), false));
    errs.push(...validateProbe(c.startupProbe, child(p, 'startupProbe'), true));
    if (c.restartPolicy !== undefined) errs.push(forbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
  });
  return errs;
}

function validateInitContainers(inits: unknown, containers: unknown, volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(asArray(containers).map((c) => str(asRecord(c).name)));
  asArray(inits).forEach((cIn, i) => {
    const p = index(path, i);
    const c = asRecord(cIn);
    errs.push(...validateContainerCommon(c, volumes, p));
    if (names.has(str(c.name))) errs.push(duplicate(child(p, 'name'), str(c.name)));
    else names.add(str(c.name));
    const restartable = c.restartPolicy === 'Always';
    if (c.restartPolicy !== undefined && !restartable) errs.push(notSupported(child(p, 'restartPolicy'), c.restartPolicy, ['Always']));
    if (!restartable) {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (c[f] !== undefined) errs.push(forbidden(child(p, f), 'may not be set for init containers without restartPolicy=Always'));
      }
    } else {
      errs.push(...validateProbe(c.livenessProbe, child(p, 'livenessProbe'), true));
      errs.push(...validateProbe(c.readinessProbe, child(p, 'readinessProbe'), false));
      errs.push(...validateProbe(c.startupProbe, child(p, 'startupProbe'), true));
    }
  });
  return errs;
}

const VOLUME_TYPES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
];

const FILE_MODE_MSG = 'must be a number between 0 and 0777 (octal), both inclusive';
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

function validateMode(mode: unknown, path: string): FieldError[] {
  return typeof mode === 'number' && (mode < 0 || mode > 0o777) ? [invalid(path, mode, FILE_MODE_MSG)] : [];
}

function validateKeyToPaths(items: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArray(items).forEach((itIn, i) => {
    const p = index(path, i);
    const it = asRecord(itIn);
    if (!str(it.key)) errs.push(required(child(p, 'key')));
    if (!str(it.path)) errs.push(required(child(p, 'path')));
    else errs.push(...validateLocalDescendingPath(str(it.path), child(p, 'path')));
    errs.push(...validateMode(it.mode, child(p, 'mode')));
  });
  return errs;
}

function validateVolumeSourceBody(type: string, src: Obj, path: string): FieldError[] {
  switch (type) {
    case 'hostPath': {
      const errs = str(src.path) ? [] : [required(child(path, 'path'))];
      if (src.type !== undefined && !HOST_PATH_TYPES.includes(str(src.type))) {
        errs.push(notSupported(child(path, 'type'), str(src.type), HOST_PATH_TYPES));
      }
      return errs;
    }
    case 'configMap':
      return [
        ...(str(src.name) ? [] : [required(child(path, 'name'))]),
        ...validateMode(src.defaultMode, child(path, 'defaultMode')),
        ...validateKeyToPaths(src.items, child(path, 'items')),
      ];
    case 'secret':
      return [
        ...(str(src.secretName) ? [] : [required(child(path, 'secretName'))]),
        ...validateMode(src.defaultMode, child(path, 'defaultMode')),
        ...validateKeyToPaths(src.items, child(path, 'items')),
      ];
    case 'persistentVolumeClaim':
      return str(src.claimName) ? [] : [required(child(path, 'claimName'))];
    case 'nfs':
      return [...(str(src.server) ? [] : [required(child(path, 'server'))]), ...(str(src.path) ? [] : [required(child(path, 'path'))])];
    case 'projected':
      return validateMode(src.defaultMode, child(path, 'defaultMode'));
    default:
      return [];
  }
}

function validateVolumes(volumes: unknown, path: string): { names: Set<string>; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  asArray(volumes).forEach((vIn, i) => {
    const p = index(path, i);
    const v = asRecord(vIn);
    let count = 0;
    for (const type of VOLUME_TYPES) {
      if (!isObject(v[type])) continue;
      if (count > 0) errs.push(forbidden(child(p, type), 'may not specify more than 1 volume type'));
      else errs.push(...validateVolumeSourceBody(type, v[type] as Obj, child(p, type)));
      count++;
    }
    if (count === 0) errs.push(required(p, 'must specify a volume type'));
    const name = str(v.name);
    if (!name) errs.push(required(child(p, 'name')));
    else errs.push(...dns1123Label(name, child(p, 'name')));
    if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
    names.add(name);
  });
  return { names, errs };
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateTolerations(tolerations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArray(tolerations).forEach((tIn, i) => {
    const p = index(path, i);
    const t = asRecord(tIn);
    const k = str(t.key);
    const op = str(t.operator);
    if (k) errs.push(...isQualifiedName(k).map((m) => invalid(child(p, 'key'), k, m)));
    if (!k && op !== 'Exists') {
      errs.push(invalid(child(p, 'operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute') {
      errs.push(invalid(child(p, 'effect'), str(t.effect), "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === 'Equal' || op === '') {
      const msgs = isValidLabelValue(str(t.value));
      if (msgs.length) errs.push(invalid(child(p, 'operator'), str(t.value), msgs.join(';')));
    } else if (op === 'Exists') {
      if (str(t.value)) errs.push(invalid(child(p, 'operator'), t, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(child(p, 'operator'), op, ['Equal', 'Exists']));
    }
    if (str(t.effect) && !TAINT_EFFECTS.includes(str(t.effect))) errs.push(notSupported(child(p, 'effect'), str(t.effect), TAINT_EFFECTS));
  });
  return errs;
}

export function validateRestartPolicy(policy: unknown, path: string): FieldError[] {
  const p = str(policy);
  if (p === 'Always' || p === 'OnFailure' || p === 'Never') return [];
  if (!p) return [required(path)];
  return [notSupported(path, p, ['Always', 'OnFailure', 'Never'])];
}

const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];

/** ValidatePodSpec. */
export function validatePodSpec(specIn: unknown, path: string): FieldError[] {
  const spec = asRecord(specIn);
  const { names: volumes, errs } = validateVolumes(spec.volumes, child(path, 'volumes'));
  errs.push(...validateContainers(spec.containers, volumes, child(path, 'containers')));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, volumes, child(path, 'initContainers')));
  errs.push(...validateRestartPolicy(spec.restartPolicy, child(path, 'restartPolicy')));
  const dns = str(spec.dnsPolicy);
  if (!dns) errs.push(required(child(path, 'dnsPolicy')));
  else if (!DNS_POLICIES.includes(dns)) errs.push(notSupported(child(path, 'dnsPolicy'), dns, DNS_POLICIES));
  if (dns === 'None' && !isObject(spec.dnsConfig)) {
    errs.push(required(child(path, 'dnsConfig'), "must provide `dnsConfig` when `dnsPolicy` is None"));
  }
  errs.push(...validateLabels(spec.nodeSelector, child(path, 'nodeSelector')));
  for (const f of ['serviceAccountName', 'nodeName']) {
    const v = str(spec[f]);
    if (v) errs.push(...isDNS1123Subdomain(v).map((m) => invalid(child(path, f), v, m)));
  }
  const ads = num(spec.activeDeadlineSeconds);
  if (ads !== undefined && (ads < 1 || ads > 2147483647)) {
    errs.push(invalid(child(path, 'activeDeadlineSeconds'), ads, inclusiveRangeError(1, 2147483647)));
  }
  for (const f of ['hostname', 'subdomain']) if (str(spec[f])) errs.push(...dns1123Label(str(spec[f]), child(path, f)));
  errs.push(...validateTolerations(spec.tolerations, child(path, 'tolerations')));
  errs.push(...nonNegative(spec.terminationGracePeriodSeconds, child(path, 'terminationGracePeriodSeconds')));
  const pp = spec.preemptionPolicy;
  if (pp !== undefined && pp !== 'PreemptLowerPriority' && pp !== 'Never') {
    errs.push(notSupported(child(path, 'preemptionPolicy'), str(pp), ['Never', 'PreemptLowerPriority']));
  }
  return errs;
}

/** ValidatePodTemplateSpec: template metadata's labels and annotations, then the pod spec. */
export function validatePodTemplateSpec(templateIn: unknown, path: string): FieldError[] {
  if (!isObject(templateIn)) return [required(path)];
  const meta = asRecord(templateIn.metadata);
  return [
    ...validateLabels(meta.labels, child(path, 'labels')),
    ...validateAnnotations(meta.annotations, child(path, 'annotations')),
    ...validatePodSpec(templateIn.spec, child(path, 'spec')),
  ];
}

const POD_UPDATABLE =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** Blanks the fields a pod update may change, so what remains must be equal. */
function mungePodSpec(specIn: unknown, old: Obj): Obj {
  const spec = structuredClone(asRecord(specIn));
  const blankImages = (list: unknown) => asArray(list).forEach((c) => {
    if (isObject(c)) {
      delete c.image;
      delete c.resources; // the resize subresource's business
    }
  });
  blankImages(spec.containers);
  blankImages(spec.initContainers);
  delete spec.activeDeadlineSeconds;
  delete spec.tolerations;
  delete spec.terminationGracePeriodSeconds;
  delete spec.ephemeralContainers; // the ephemeralcontainers subresource
  delete spec.schedulingGates; // may be removed
  if (!old.nodeName) delete spec.nodeName; // set once by the binding subresource
  return spec;
}

export function validatePodSpecUpdate(spec: unknown, oldSpec: unknown): FieldError[] {
  const old = asRecord(oldSpec);
  const a = mungePodSpec(spec, old);
  const b = mungePodSpec(oldSpec, old);
  if (sameJSON(a, b)) return [];
  const changed = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !sameJSON(a[k], b[k])).sort();
  return [forbidden('spec', `${POD_UPDATABLE}\n  changed: ${changed.map((k) => `spec.${k}`).join(', ')}`)];
}
