// Legacy (unaggregated) discovery: /api, /apis, /apis/<g>, /api/v1, /apis/<g>/<v>.
// Answered as plain application/json, which every kubectl 1.20–1.33 understands.
import { ALL_VERBS, type ResourceDef, type Subresource } from '../api/resource.js';
import { apiVersionOf } from '../api/types.js';
import type { ResourceRegistry } from './registry.js';

interface SubresourceInfo {
  kind: string | ((def: ResourceDef) => string);
  verbs: string[];
  group?: string;
  version?: string;
}

const SUBRESOURCES: Record<Subresource, SubresourceInfo> = {
  status: { kind: (d) => d.kind, verbs: ['get', 'patch', 'update'] },
  scale: { kind: 'Scale', verbs: ['get', 'patch', 'update'], group: 'autoscaling', version: 'v1' },
  binding: { kind: 'Binding', verbs: ['create'] },
  eviction: { kind: 'Eviction', verbs: ['create'], group: 'policy', version: 'v1' },
  log: { kind: 'Pod', verbs: ['get'] },
  exec: { kind: 'PodExecOptions', verbs: ['create', 'get'] },
  attach: { kind: 'PodAttachOptions', verbs: ['create', 'get'] },
  portforward: { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  proxy: { kind: (d) => `${d.kind}ProxyOptions`, verbs: ['create', 'delete', 'get', 'patch', 'update'] },
  token: { kind: 'TokenRequest', verbs: ['create'], group: 'authentication.k8s.io', version: 'v1' },
  ephemeralcontainers: { kind: 'Pod', verbs: ['get', 'patch', 'update'] },
  approval: { kind: (d) => d.kind, verbs: ['get', 'patch', 'update'] },
};

/** finalize is a namespace-only subresource that the Subresource type leaves out. */
const EXTRA_SUBRESOURCES: Record<string, { name: string; kind: string; verbs: string[] }[]> = {
  namespaces: [{ name: 'finalize', kind: 'Namespace', verbs: ['update'] }],
};

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(registry: ResourceRegistry, group: string): Record<string, unknown> {
  const versions = registry.groupVersions().filter((gv) => gv.group === group).map((gv) => ({
    groupVersion: apiVersionOf(group, gv.version),
    version: gv.version,
  }));
  // The preferred version is the first one listed (upstream lists the preferred version first).
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(registry: ResourceRegistry): Record<string, unknown> {
  const groups = [...new Set(registry.groupVersions().map((gv) => gv.group).filter((g) => g !== ''))];
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => groupEntry(registry, g)) };
}

export function apiGroup(registry: ResourceRegistry, group: string): Record<string, unknown> | undefined {
  if (!registry.groupVersions().some((gv) => gv.group === group && group !== '')) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(registry, group) };
}

function resourceEntry(def: ResourceDef): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    name: def.plural,
    singularName: def.singular,
    namespaced: def.namespaced,
    kind: def.kind,
    verbs: def.verbs ?? ALL_VERBS,
  };
  if (def.shortNames?.length) entry.shortNames = def.shortNames;
  if (def.categories?.length) entry.categories = def.categories;
  return entry;
}

function subresourceEntries(def: ResourceDef): Record<string, unknown>[] {
  const entries = (def.subresources ?? []).map((sub) => {
    const info = SUBRESOURCES[sub];
    const entry: Record<string, unknown> = {
      name: `${def.plural}/${sub}`,
      singularName: '',
      namespaced: def.namespaced,
      kind: typeof info.kind === 'string' ? info.kind : info.kind(def),
      verbs: info.verbs,
    };
    if (info.group !== undefined) {
      entry.group = info.group;
      entry.version = info.version;
    }
    return entry;
  });
  for (const extra of EXTRA_SUBRESOURCES[def.plural] ?? []) {
    if (def.group !== '') continue;
    entries.push({ name: `${def.plural}/${extra.name}`, singularName: '', namespaced: def.namespaced, kind: extra.kind, verbs: extra.verbs });
  }
  return entries;
}

export function apiResourceList(registry: ResourceRegistry, group: string, version: string): Record<string, unknown> | undefined {
  const gv = registry.groupVersions().find((x) => x.group === group && x.version === version);
  if (!gv) return undefined;
  // Each main resource precedes its subresources: client-node takes the first kind match.
  const resources = gv.resources.flatMap((def) => [resourceEntry(def), ...subresourceEntries(def)]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
}
