// What the ServiceAccount controller and the root CA publisher want in each namespace. Pure.
import type { KubeObject } from '../../api/types.js';

/** The accounts upstream's controller ensures (its --service-account list defaults to "default"). */
export const DEFAULT_SERVICE_ACCOUNTS = ['default'];
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. ' +
  'No other usage is guaranteed across distributions of Kubernetes clusters.';

/** Only an Active namespace gets new content (a Terminating one refuses it anyway). */
export function isActiveNamespace(ns: KubeObject | undefined): boolean {
  if (!ns || ns.metadata.deletionTimestamp) return false;
  const phase = (ns.status as { phase?: string } | undefined)?.phase;
  return phase === undefined || phase === 'Active';
}

/**
 * The ConfigMap to write: a new one, a copy of `current` with the CA and the description
 * restored, or undefined when `current` is already right. `current` (cached) is not changed.
 */
export function desiredRootCaConfigMap(current: KubeObject | undefined, caPem: string): KubeObject | undefined {
  const data = { 'ca.crt': caPem };
  if (!current) {
    return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIGMAP, annotations: { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } }, data };
  }
  const currentData = (current.data ?? {}) as Record<string, string>;
  const sameData = Object.keys(currentData).length === 1 && currentData['ca.crt'] === caPem;
  if (sameData && current.metadata.annotations?.[DESCRIPTION_ANNOTATION]) return undefined;
  const next = structuredClone(current);
  next.data = data;
  next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION };
  return next;
}
