// core/v1 printers other than Pod and Event: Service, Endpoints, Node, Namespace, ConfigMap,
// Secret, ServiceAccount, PersistentVolume(Claim), ResourceQuota (kubernetes printers.go).
import type { PrintContext, TablePrinter } from '../resource.js';
import type { KubeObject } from '../types.js';
import { AGE, NAME, col, wide } from './columns.js';
import { DOCS } from './descriptions.js';
import { translateTimestampSince } from './duration.js';
import { accessModesString, compareStrings, formatLabels, joinHostPort, quantityString } from './format.js';
import { at, list, num, rec, recs, size, str, type Json } from './json.js';

function name(obj: KubeObject): string {
  return obj.metadata.name ?? '';
}

function age(obj: KubeObject, ctx: PrintContext): string {
  return translateTimestampSince(obj.metadata.creationTimestamp, ctx.now);
}

// ---- Service ---------------------------------------------------------------------------------

/** loadBalancerStatusStringer with wide=true (the server always prints wide): sorted, unique. */
export function loadBalancerIngress(status: unknown): string {
  const seen = new Set<string>();
  for (const ing of recs(rec(status).ingress)) {
    const v = str(ing.ip) || str(ing.hostname);
    if (v !== '') seen.add(v);
  }
  return [...seen].sort(compareStrings).join(',');
}

/** getServiceExternalIP: external IPs, the load balancer's ingress, "<none>" or "<pending>". */
function serviceExternalIP(svc: KubeObject): string {
  const spec = rec(svc.spec);
  const externalIPs = list(spec.externalIPs).map(str);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(at(svc, 'status', 'loadBalancer'));
      if (externalIPs.length > 0) return [...(lb === '' ? [] : lb.split(',')), ...externalIPs].join(',');
      return lb !== '' ? lb : '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

/** makePortString: "80/TCP", or "80:30080/TCP" with a node port; "<none>" without ports. */
function servicePorts(ports: unknown): string {
  const pieces = recs(ports).map((p) => {
    const protocol = str(p.protocol);
    const port = num(p.port);
    const nodePort = num(p.nodePort);
    return nodePort > 0 ? `${port}:${nodePort}/${protocol}` : `${port}/${protocol}`;
  });
  return pieces.length > 0 ? pieces.join(',') : '<none>';
}

/** spec.clusterIPs[0]; v1's clusterIP fills clusterIPs when it is empty. */
function clusterIP(spec: Json): string {
  const ips = list(spec.clusterIPs).map(str);
  return (ips.length > 0 ? ips[0] : str(spec.clusterIP)) || '<none>';
}

export const servicePrinter: TablePrinter = {
  columns: [
    NAME,
    col('Type', 'string', DOCS.svcType),
    col('Cluster-IP', 'string', DOCS.svcClusterIP),
    col('External-IP', 'string', DOCS.svcExternalIPs),
    col('Port(s)', 'string', DOCS.svcPorts),
    AGE,
    wide('Selector', 'string', DOCS.svcSelector),
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    return [
      name(obj),
      str(spec.type),
      clusterIP(spec),
      serviceExternalIP(obj),
      servicePorts(spec.ports),
      age(obj, ctx),
      formatLabels(spec.selector),
    ];
  },
};

// ---- Endpoints -------------------------------------------------------------------------------

/** At most this many endpoints are listed; the rest become "+ N more...". */
const MAX_ENDPOINTS = 3;

/** formatEndpoints(endpoints, nil): "ip:port,..." over every subset and port. */
export function formatEndpoints(subsets: unknown): string {
  const all = recs(subsets);
  if (all.length === 0) return '<none>';
  const shown: string[] = [];
  let count = 0;
  for (const ss of all) {
    const ips = recs(ss.addresses).map((a) => str(a.ip));
    const ports = recs(ss.ports);
    // Headless services may have no ports: list the bare addresses then.
    const entries =
      ports.length === 0 ? [ips] : ports.map((p) => ips.map((ip) => joinHostPort(ip, String(num(p.port)))));
    for (const group of entries) {
      count += group.length;
      for (const e of group) if (shown.length < MAX_ENDPOINTS) shown.push(e);
    }
  }
  const text = shown.join(',');
  return count > MAX_ENDPOINTS ? `${text} + ${count - MAX_ENDPOINTS} more...` : text;
}

export const endpointsPrinter: TablePrinter = {
  columns: [NAME, col('Endpoints', 'string', DOCS.endpointsSubsets), AGE],
  row(obj, ctx) {
    return [name(obj), formatEndpoints(obj.subsets), age(obj, ctx)];
  },
};

// ---- Node ------------------------------------------------------------------------------------

const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
const NODE_ROLE_LABEL = 'kubernetes.io/role';

/** findNodeRoles: node-role.kubernetes.io/<role> keys and kubernetes.io/role values, sorted. */
export function nodeRoles(labels: unknown): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(rec(labels))) {
    if (k.startsWith(NODE_ROLE_PREFIX)) {
      const role = k.slice(NODE_ROLE_PREFIX.length);
      if (role !== '') roles.add(role);
    } else if (k === NODE_ROLE_LABEL && str(v) !== '') {
      roles.add(str(v));
    }
  }
  return [...roles].sort(compareStrings);
}

/** "Ready", "NotReady" or "Unknown", plus ",SchedulingDisabled" when cordoned. */
function nodeStatus(node: KubeObject): string {
  // The last Ready condition wins, as in upstream's condition map.
  const ready = recs(at(node, 'status', 'conditions')).filter((c) => c.type === 'Ready').pop();
  const status = [ready === undefined ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady'];
  if (at(node, 'spec', 'unschedulable') === true) status.push('SchedulingDisabled');
  return status.join(',');
}

function nodeAddress(node: KubeObject, type: string): string {
  const addr = recs(at(node, 'status', 'addresses')).find((a) => a.type === type);
  return addr === undefined ? '<none>' : str(addr.address);
}

export const nodePrinter: TablePrinter = {
  columns: [
    NAME,
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    AGE,
    col('Version', 'string', DOCS.kubeletVersion),
    wide('Internal-IP', 'string', DOCS.nodeAddresses),
    wide('External-IP', 'string', DOCS.nodeAddresses),
    wide('OS-Image', 'string', DOCS.osImage),
    wide('Kernel-Version', 'string', DOCS.kernelVersion),
    wide('Container-Runtime', 'string', DOCS.containerRuntimeVersion),
  ],
  row(obj, ctx) {
    const info = rec(at(obj, 'status', 'nodeInfo'));
    const roles = nodeRoles(obj.metadata.labels).join(',');
    return [
      name(obj),
      nodeStatus(obj),
      roles === '' ? '<none>' : roles,
      age(obj, ctx),
      str(info.kubeletVersion),
      nodeAddress(obj, 'InternalIP'),
      nodeAddress(obj, 'ExternalIP'),
      str(info.osImage) || '<unknown>',
      str(info.kernelVersion) || '<unknown>',
      str(info.containerRuntimeVersion) || '<unknown>',
    ];
  },
};

// ---- Namespace, ConfigMap, Secret, ServiceAccount ----------------------------------------------

export const namespacePrinter: TablePrinter = {
  columns: [NAME, col('Status', 'string', 'The status of the namespace'), AGE],
  row(obj, ctx) {
    return [name(obj), str(at(obj, 'status', 'phase')), age(obj, ctx)];
  },
};

export const configMapPrinter: TablePrinter = {
  columns: [NAME, col('Data', 'string', DOCS.configMapData), AGE],
  row(obj, ctx) {
    return [name(obj), size(obj.data) + size(obj.binaryData), age(obj, ctx)];
  },
};

export const secretPrinter: TablePrinter = {
  columns: [NAME, col('Type', 'string', DOCS.secretType), col('Data', 'string', DOCS.secretData), AGE],
  row(obj, ctx) {
    return [name(obj), str(obj.type), size(obj.data), age(obj, ctx)];
  },
};

export const serviceAccountPrinter: TablePrinter = {
  columns: [NAME, col('Secrets', 'string', DOCS.saSecrets), AGE],
  row(obj, ctx) {
    return [name(obj), list(obj.secrets).length, age(obj, ctx)];
  },
};

// ---- PersistentVolume(Claim) -------------------------------------------------------------------

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** helper.GetPersistentVolume(Claim)Class: the beta annotation wins over spec.storageClassName. */
function storageClassOf(obj: KubeObject): string {
  const annotations = obj.metadata.annotations ?? {};
  if (BETA_STORAGE_CLASS_ANNOTATION in annotations) return annotations[BETA_STORAGE_CLASS_ANNOTATION];
  return str(at(obj, 'spec', 'storageClassName'));
}

/** The phase, or "Terminating" once deletion started. */
function phaseOf(obj: KubeObject): string {
  return obj.metadata.deletionTimestamp ? 'Terminating' : str(at(obj, 'status', 'phase'));
}

function unsetIfAbsent(value: unknown): string {
  return typeof value === 'string' ? value : '<unset>';
}

export const persistentVolumePrinter: TablePrinter = {
  columns: [
    NAME,
    col('Capacity', 'string', DOCS.pvCapacity),
    col('Access Modes', 'string', DOCS.pvAccessModes),
    col('Reclaim Policy', 'string', DOCS.pvReclaimPolicy),
    col('Status', 'string', DOCS.pvPhase),
    col('Claim', 'string', DOCS.pvClaimRef),
    col('StorageClass', 'string', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    col('Reason', 'string', DOCS.pvReason),
    AGE,
    wide('VolumeMode', 'string', DOCS.pvVolumeMode),
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    const claimRef = spec.claimRef == null ? undefined : rec(spec.claimRef);
    return [
      name(obj),
      quantityString(at(spec, 'capacity', 'storage')),
      accessModesString(spec.accessModes),
      str(spec.persistentVolumeReclaimPolicy),
      phaseOf(obj),
      claimRef === undefined ? '' : `${str(claimRef.namespace)}/${str(claimRef.name)}`,
      storageClassOf(obj),
      unsetIfAbsent(spec.volumeAttributesClassName),
      str(at(obj, 'status', 'reason')),
      age(obj, ctx),
      unsetIfAbsent(spec.volumeMode),
    ];
  },
};

export const persistentVolumeClaimPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Status', 'string', DOCS.pvcPhase),
    col('Volume', 'string', DOCS.pvcVolumeName),
    col('Capacity', 'string', DOCS.pvcCapacity),
    col('Access Modes', 'string', DOCS.pvcAccessModes),
    col('StorageClass', 'string', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    AGE,
    wide('VolumeMode', 'string', DOCS.pvcVolumeMode),
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    const volumeName = str(spec.volumeName);
    // Capacity and access modes are only shown once the claim is bound to a volume.
    const bound = volumeName !== '';
    return [
      name(obj),
      phaseOf(obj),
      volumeName,
      bound ? quantityString(at(obj, 'status', 'capacity', 'storage')) : '',
      bound ? accessModesString(at(obj, 'status', 'accessModes')) : '',
      storageClassOf(obj),
      unsetIfAbsent(spec.volumeAttributesClassName),
      age(obj, ctx),
      unsetIfAbsent(spec.volumeMode),
    ];
  },
};

// ---- ResourceQuota -----------------------------------------------------------------------------

/** "name: used/hard, ..." split into the Request and Limit ("limits.*") columns. */
function quotaColumns(status: Json): [string, string] {
  const hard = rec(status.hard);
  const used = rec(status.used);
  const request: string[] = [];
  const limit: string[] = [];
  for (const resource of Object.keys(hard).sort(compareStrings)) {
    const pieces = resource.split('.');
    const target = pieces.length > 1 && pieces[0] === 'limits' ? limit : request;
    target.push(`${resource}: ${quantityString(used[resource])}/${quantityString(hard[resource])}`);
  }
  return [request.join(', '), limit.join(', ')];
}

export const resourceQuotaPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    col(
      'Limit',
      'string',
      'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
    ),
    AGE,
  ],
  row(obj, ctx) {
    const [request, limit] = quotaColumns(rec(obj.status));
    return [name(obj), request, limit, age(obj, ctx)];
  },
};
