// A tiny discovery client for the controllers that act on every resource (namespace deletion,
// garbage collection): reads /api/v1 and each group's preferred version from /apis, the way
// client-go's ServerPreferredResources does. Subresources are left out.
import type { Client, ResourceRef } from '../../client/types.js';
import { Resources } from '../../client/resources.js';

export interface DiscoveredResource extends ResourceRef {
  verbs: string[];
}

/** GETs a path on the API server and returns the parsed JSON body. */
export type JsonGetter = (path: string) => Promise<unknown>;

interface APIResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
}

interface APIGroup {
  name: string;
  versions?: { groupVersion: string; version: string }[];
  preferredVersion?: { groupVersion: string; version: string };
}

function resourcesOf(group: string, version: string, list: unknown): DiscoveredResource[] {
  const items = ((list as { resources?: APIResource[] } | undefined)?.resources ?? []);
  return items
    .filter((r) => !r.name.includes('/'))
    .map((r) => ({ group, version, resource: r.name, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs ?? [] }));
}

/**
 * Every resource the server serves, at its group's preferred version. A group whose list fails
 * is skipped (as upstream tolerates partial discovery failures); /api/v1 must answer.
 */
export async function discoverResources(get: JsonGetter): Promise<DiscoveredResource[]> {
  const out = resourcesOf('', 'v1', await get('/api/v1'));
  const groups = ((await get('/apis')) as { groups?: APIGroup[] } | undefined)?.groups ?? [];
  const lists = await Promise.all(groups.map(async (g) => {
    const version = g.preferredVersion?.version ?? g.versions?.[0]?.version;
    if (!version) return [];
    try {
      return resourcesOf(g.name, version, await get(`/apis/${g.name}/${version}`));
    } catch {
      return [];
    }
  }));
  for (const l of lists) out.push(...l);
  return out;
}

/** The verbs a controller needs to see and remove a resource's objects. */
export function supports(r: DiscoveredResource, ...verbs: string[]): boolean {
  return verbs.every((v) => r.verbs.includes(v));
}

/**
 * The client's raw GET as JSON: ApiClient offers `raw(method, path)` for the paths the typed
 * methods do not cover; the Client contract has none, so a client without it gets undefined.
 */
export function jsonGetterFor(client: Client): JsonGetter | undefined {
  const raw = (client as unknown as { raw?: unknown }).raw;
  if (typeof raw !== 'function') return undefined;
  return async (path: string) => {
    const text = await (raw as (method: string, path: string) => Promise<string>).call(client, 'GET', path);
    return text ? JSON.parse(text) : {};
  };
}

/** What skiff's own components know, for when the server cannot be asked. */
export function staticResources(): DiscoveredResource[] {
  const all = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
  return Object.values(Resources).map((r) => ({ ...r, verbs: all }));
}

/**
 * Discovery results cached for a while: namespace deletion and the garbage collector ask
 * often, resources rarely change (only when a CRD comes or goes).
 */
export class CachedDiscovery {
  private cached: { at: number; resources: DiscoveredResource[] } | undefined;
  private inflight: Promise<DiscoveredResource[]> | undefined;

  constructor(private readonly get: JsonGetter | undefined, private readonly ttlMs = 30_000, private readonly now = () => Date.now()) {}

  async resources(): Promise<DiscoveredResource[]> {
    if (this.cached && this.now() - this.cached.at < this.ttlMs) return this.cached.resources;
    this.inflight ??= this.refresh().finally(() => { this.inflight = undefined; });
    return this.inflight;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private async refresh(): Promise<DiscoveredResource[]> {
    const resources = this.get ? await discoverResources(this.get) : staticResources();
    this.cached = { at: this.now(), resources };
    return resources;
  }
}
