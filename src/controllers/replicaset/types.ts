// The shapes the ReplicaSet / ReplicationController controller reads and writes. Objects travel as
// plain JSON; these name only the fields used here.
import type { KubeObject } from '../../api/types.js';
import type { LabelSelector, PodLike, PodTemplateSpec } from '../podutil.js';

export interface ReplicaSetCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface ReplicaSetStatus {
  replicas?: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: ReplicaSetCondition[];
  [key: string]: unknown;
}

export interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  /** A LabelSelector for ReplicaSets; a plain label map for ReplicationControllers. */
  selector?: LabelSelector | Record<string, string> | null;
  template?: PodTemplateSpec;
  [key: string]: unknown;
}

/** A ReplicaSet or a ReplicationController. */
export interface ReplicaSet extends KubeObject {
  spec: ReplicaSetSpec;
  status?: ReplicaSetStatus;
}

export type Pod = PodLike;

/** Which API kind a controller instance manages (the one implementation serves both). */
export interface ReplicaKind {
  kind: 'ReplicaSet' | 'ReplicationController';
  apiVersion: 'apps/v1' | 'v1';
  /** The event source component, as upstream's controller-manager names it. */
  component: string;
  /** ReplicaSets select with a LabelSelector; ReplicationControllers with a plain map. */
  selectorIsMap: boolean;
}

export const REPLICASET_KIND: ReplicaKind = {
  kind: 'ReplicaSet',
  apiVersion: 'apps/v1',
  component: 'replicaset-controller',
  selectorIsMap: false,
};

export const REPLICATIONCONTROLLER_KIND: ReplicaKind = {
  kind: 'ReplicationController',
  apiVersion: 'v1',
  component: 'replication-controller',
  selectorIsMap: true,
};

/** The object's selector as a LabelSelector (an RC's map becomes matchLabels). */
export function selectorOf(rs: ReplicaSet, kind: ReplicaKind): LabelSelector | undefined {
  const sel = rs.spec?.selector;
  if (!sel) return undefined;
  if (kind.selectorIsMap) return { matchLabels: { ...(sel as Record<string, string>) } };
  return sel as LabelSelector;
}

/** An empty selector selects nothing for these controllers (validation forbids it anyway). */
export function selectorIsEmpty(sel: LabelSelector | undefined): boolean {
  return !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
}

export function specReplicas(rs: { spec?: { replicas?: number } }): number {
  return rs.spec?.replicas ?? 1;
}

/** RFC 3339 with whole seconds, as metav1.Time marshals. */
export function rfc3339(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The object with apiVersion/kind set (list items may lack them), for events and owner refs. */
export function withKind<T extends KubeObject>(obj: T, apiVersion: string, kind: string): T {
  return obj.kind === kind && obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion, kind };
}
