// Deleting a namespace's contents (upstream pkg/controller/namespace/deletion
// namespaced_resources_deleter.go): every namespaced resource that can be listed and deleted is
// emptied, objects already going are waited for, and only a pass that finds nothing left lets the
// namespace be finalized.
import type { Client } from '../../client/types.js';
import type { KubeObject } from '../../api/types.js';
import { Resources } from '../../client/resources.js';
import { isConflictError, isMethodNotSupportedError, isNotFoundError } from '../endpoints/apierrors.js';
import { supports, type DiscoveredResource } from './discovery.js';

export const KUBERNETES_FINALIZER = 'kubernetes';

export interface ContentResult {
  /** Objects seen in this pass (deleted now or already terminating): 0 means the namespace is empty. */
  remaining: number;
  /** Resources that still hold objects, "pods", "deployments.apps" …, for messages. */
  resourcesRemaining: string[];
  errors: unknown[];
}

/** The resources a namespace deletion empties: namespaced, listable and deletable. */
export function deletableNamespacedResources(resources: DiscoveredResource[]): DiscoveredResource[] {
  return resources.filter((r) => r.namespaced && supports(r, 'list', 'delete'));
}

async function deleteResourceContent(client: Client, ref: DiscoveredResource, namespace: string): Promise<{ count: number; error?: unknown }> {
  let items: KubeObject[];
  try {
    items = (await client.list(ref, namespace)).items;
  } catch (err) {
    // A resource that went away (CRD deleted) or cannot be listed holds nothing we can remove.
    if (isNotFoundError(err) || isMethodNotSupportedError(err)) return { count: 0 };
    return { count: 0, error: err };
  }
  let error: unknown;
  await Promise.all(items.map(async (item) => {
    if (item.metadata.deletionTimestamp) return; // already going: wait for it
    try {
      await client.delete(ref, namespace, item.metadata.name!, { propagationPolicy: 'Background', preconditions: { uid: item.metadata.uid } });
    } catch (err) {
      if (!isNotFoundError(err) && !isConflictError(err)) error ??= err;
    }
  }));
  return { count: items.length, error };
}

/** One pass over every resource of the namespace. */
export async function deleteAllContent(client: Client, resources: DiscoveredResource[], namespace: string): Promise<ContentResult> {
  const targets = deletableNamespacedResources(resources);
  const results = await Promise.all(targets.map((r) => deleteResourceContent(client, r, namespace)));
  const out: ContentResult = { remaining: 0, resourcesRemaining: [], errors: [] };
  results.forEach((res, i) => {
    out.remaining += res.count;
    if (res.count > 0) {
      const r = targets[i]!;
      out.resourcesRemaining.push(r.group ? `${r.resource}.${r.group}` : r.resource);
    }
    if (res.error !== undefined) out.errors.push(res.error);
  });
  out.resourcesRemaining.sort();
  return out;
}

/**
 * Removes the `kubernetes` finalizer through namespaces/NAME/finalize; the API server deletes the
 * namespace once no finalizer is left. Reads the live object so that other finalizers survive.
 */
export async function finalizeNamespace(client: Client, name: string): Promise<void> {
  let ns: KubeObject;
  try {
    ns = await client.get(Resources.namespaces, undefined, name);
  } catch (err) {
    if (isNotFoundError(err)) return;
    throw err;
  }
  const finalizers = ((ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []);
  if (!finalizers.includes(KUBERNETES_FINALIZER)) return;
  const next: KubeObject = { ...ns, spec: { ...(ns.spec as object), finalizers: finalizers.filter((f) => f !== KUBERNETES_FINALIZER) } };
  try {
    await client.update(Resources.namespaces, undefined, next, 'finalize');
  } catch (err) {
    if (!isNotFoundError(err)) throw err;
  }
}

/** How long to wait before looking again at a namespace that still has content. */
export function recheckDelayMs(attempt: number): number {
  const steps = [100, 250, 500, 1000, 2000];
  return steps[Math.min(attempt, steps.length - 1)]!;
}
