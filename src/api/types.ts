// Shapes shared by every layer. Objects travel as plain JSON (as the API sends them);
// these types name the parts the server itself reads or writes.

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** "Deployment.apps", or "Pod" for the core group: upstream's GroupKind.String(). */
export function groupKind(group: string, kind: string): string {
  return group ? `${kind}.${group}` : kind;
}

/** "deployments.apps", or "pods" for the core group: upstream's GroupResource.String(). */
export function groupResource(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** Splits "apps/v1" into {group:"apps", version:"v1"} and "v1" into {group:"", version:"v1"}. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function deepCopy<T>(value: T): T {
  return structuredClone(value);
}

/** Reads a nested field by path ("spec.replicas"); undefined when any step is missing. */
export function getPath(obj: unknown, path: string[]): unknown {
  let cur: unknown = obj;
  for (const step of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[step];
  }
  return cur;
}

/** Sets a nested field by path, creating objects on the way. */
export function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = obj;
  for (const step of path.slice(0, -1)) {
    const next = cur[step];
    if (next === null || typeof next !== 'object') cur[step] = {};
    cur = cur[step] as Record<string, unknown>;
  }
  cur[path[path.length - 1]] = value;
}
