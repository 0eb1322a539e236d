// Printers of the smaller built-in kinds: EndpointSlice, Ingress, IngressClass, NetworkPolicy,
// Lease, StorageClass, RoleBinding, ClusterRoleBinding (kubernetes printers.go) and APIService
// (kube-aggregator pkg/registry/apiservice/etcd/etcd.go).
import type { PrintContext, TablePrinter } from '../resource.js';
import type { KubeObject } from '../types.js';
import { AGE, NAME, col, wide } from './columns.js';
import { DOCS } from './descriptions.js';
import { translateTimestampSince } from './duration.js';
import { loadBalancerIngress } from './core.js';
import { formatLabelSelector } from './format.js';
import { at, list, rec, recs, str, type Json } from './json.js';

function name(obj: KubeObject): string {
  return obj.metadata.name ?? '';
}

function age(obj: KubeObject, ctx: PrintContext): string {
  return translateTimestampSince(obj.metadata.creationTimestamp, ctx.now);
}

// ---- EndpointSlice ---------------------------------------------------------------------------

const MAX_LISTED = 3;

/** listWithMoreString: the first three, "+ N more...", or "<unset>" when empty. */
function listWithMore(items: string[]): string {
  const text = items.slice(0, MAX_LISTED).join(',');
  if (items.length > MAX_LISTED) return `${text} + ${items.length - MAX_LISTED} more...`;
  return text === '' ? '<unset>' : text;
}

/** formatDiscoveryPorts: the port number, else its name, else "*". */
function discoveryPorts(ports: unknown): string {
  return listWithMore(
    recs(ports).map((p) => (typeof p.port === 'number' ? String(p.port) : typeof p.name === 'string' ? p.name : '*')),
  );
}

/** formatDiscoveryEndpoints: every address of every endpoint. */
function discoveryEndpoints(endpoints: unknown): string {
  return listWithMore(recs(endpoints).flatMap((e) => list(e.addresses).map(str)));
}

export const endpointSlicePrinter: TablePrinter = {
  columns: [
    NAME,
    col('AddressType', 'string', DOCS.epsAddressType),
    col('Ports', 'string', DOCS.epsPorts),
    col('Endpoints', 'string', DOCS.epsEndpoints),
    AGE,
  ],
  row(obj, ctx) {
    const endpoints = discoveryEndpoints(obj.endpoints);
    return [name(obj), str(obj.addressType), discoveryPorts(obj.ports), endpoints, age(obj, ctx)];
  },
};

// ---- Ingress, IngressClass, NetworkPolicy ------------------------------------------------------

/** formatHosts: up to three rule hosts, "*" when none is set. */
function ingressHosts(rules: Json[]): string {
  const hosts: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (hosts.length === MAX_LISTED) more = true;
    if (!more && str(rule.host) !== '') hosts.push(str(rule.host));
  }
  if (hosts.length === 0) return '*';
  const text = hosts.join(',');
  // Upstream counts every rule past the third, hosts or not.
  return more ? `${text} + ${rules.length - MAX_LISTED} more...` : text;
}

export const ingressPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    col('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    col('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    col('Ports', 'string', 'Ports of TLS configurations that open'),
    AGE,
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    return [
      name(obj),
      typeof spec.ingressClassName === 'string' ? spec.ingressClassName : '<none>',
      ingressHosts(recs(spec.rules)),
      loadBalancerIngress(at(obj, 'status', 'loadBalancer')),
      list(spec.tls).length > 0 ? '80, 443' : '80',
      age(obj, ctx),
    ];
  },
};

/** "Kind[.apiGroup]/name" of spec.parameters, "<none>" without. */
function ingressClassParameters(parameters: unknown): string {
  if (parameters === null || parameters === undefined) return '<none>';
  const p = rec(parameters);
  const kind = typeof p.apiGroup === 'string' ? `${str(p.kind)}.${p.apiGroup}` : str(p.kind);
  return `${kind}/${str(p.name)}`;
}

export const ingressClassPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Controller', 'string', 'Controller that is responsible for handling this class'),
    col('Parameters', 'string', 'A reference to a resource with additional parameters'),
    AGE,
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    return [name(obj), str(spec.controller), ingressClassParameters(spec.parameters), age(obj, ctx)];
  },
};

export const networkPolicyPrinter: TablePrinter = {
  columns: [NAME, col('Pod-Selector', 'string', DOCS.netpolPodSelector), AGE],
  row(obj, ctx) {
    // podSelector is a struct, never nil: an absent one is the empty (select-all) selector.
    return [name(obj), formatLabelSelector(rec(at(obj, 'spec', 'podSelector'))), age(obj, ctx)];
  },
};

// ---- Lease, StorageClass -----------------------------------------------------------------------

export const leasePrinter: TablePrinter = {
  columns: [NAME, col('Holder', 'string', DOCS.leaseHolder), AGE],
  row(obj, ctx) {
    return [name(obj), str(at(obj, 'spec', 'holderIdentity')), age(obj, ctx)];
  },
};

const DEFAULT_CLASS_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

export const storageClassPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Provisioner', 'string', DOCS.scProvisioner),
    col('ReclaimPolicy', 'string', DOCS.scReclaimPolicy),
    col('VolumeBindingMode', 'string', DOCS.scVolumeBindingMode),
    col('AllowVolumeExpansion', 'string', DOCS.scAllowVolumeExpansion),
    AGE,
  ],
  row(obj, ctx) {
    const annotations = obj.metadata.annotations ?? {};
    const isDefault = DEFAULT_CLASS_ANNOTATIONS.some((a) => annotations[a] === 'true');
    return [
      isDefault ? `${name(obj)} (default)` : name(obj),
      str(obj.provisioner),
      typeof obj.reclaimPolicy === 'string' ? obj.reclaimPolicy : 'Delete',
      typeof obj.volumeBindingMode === 'string' ? obj.volumeBindingMode : 'Immediate',
      // A boolean cell in a string column, as upstream.
      obj.allowVolumeExpansion === true,
      age(obj, ctx),
    ];
  },
};

// ---- RBAC bindings -----------------------------------------------------------------------------

/** rbac.SubjectsStrings: users, groups and "namespace/name" service accounts, ", "-joined. */
function subjectColumns(subjects: unknown): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of recs(subjects)) {
    if (s.kind === 'ServiceAccount') sas.push(`${str(s.namespace)}/${str(s.name)}`);
    else if (s.kind === 'User') users.push(str(s.name));
    else if (s.kind === 'Group') groups.push(str(s.name));
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

function bindingPrinter(roleRefDoc: string, noun: string): TablePrinter {
  return {
    columns: [
      NAME,
      col('Role', 'string', roleRefDoc),
      AGE,
      wide('Users', 'string', `Users in the ${noun}`),
      wide('Groups', 'string', `Groups in the ${noun}`),
      wide('ServiceAccounts', 'string', `ServiceAccounts in the ${noun}`),
    ],
    row(obj, ctx) {
      const ref = rec(obj.roleRef);
      return [name(obj), `${str(ref.kind)}/${str(ref.name)}`, age(obj, ctx), ...subjectColumns(obj.subjects)];
    },
  };
}

export const roleBindingPrinter = bindingPrinter(DOCS.roleBindingRoleRef, 'roleBinding');
export const clusterRoleBindingPrinter = bindingPrinter(DOCS.clusterRoleBindingRoleRef, 'clusterRoleBinding');

// ---- APIService --------------------------------------------------------------------------------

/** "True", "False (Reason)", or "Unknown" without an Available condition. */
function apiServiceAvailable(obj: KubeObject): string {
  const cond = recs(at(obj, 'status', 'conditions')).find((c) => c.type === 'Available');
  if (cond === undefined) return 'Unknown';
  const status = str(cond.status);
  if (status === 'True' || str(cond.reason) === '') return status;
  return `${status} (${str(cond.reason)})`;
}

export const apiServicePrinter: TablePrinter = {
  columns: [
    NAME,
    col('Service', 'string', 'The reference to the service that hosts this API endpoint.'),
    col('Available', 'string', 'Whether this service is available.'),
    AGE,
  ],
  row(obj, ctx) {
    const service = at(obj, 'spec', 'service');
    const svc = rec(service);
    const target = service == null ? 'Local' : `${str(svc.namespace)}/${str(svc.name)}`;
    return [name(obj), target, apiServiceAvailable(obj), age(obj, ctx)];
  },
};
