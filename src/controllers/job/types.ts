// The parts of batch/v1 Jobs and core/v1 Pods the Job controller reads and writes. Objects travel
// as plain JSON; these types only name the fields.
import type { KubeObject } from '../../api/types.js';
import type { LabelSelector, PodLike, PodTemplateSpec } from '../podutil.js';

export interface JobCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
}

export interface JobSpec {
  parallelism?: number;
  completions?: number | null;
  backoffLimit?: number;
  activeDeadlineSeconds?: number | null;
  suspend?: boolean;
  completionMode?: string;
  ttlSecondsAfterFinished?: number | null;
  podReplacementPolicy?: string;
  podFailurePolicy?: unknown;
  managedBy?: string;
  selector?: LabelSelector;
  template: PodTemplateSpec;
  [key: string]: unknown;
}

export interface UncountedTerminatedPods {
  succeeded?: string[];
  failed?: string[];
}

export interface JobStatus {
  active?: number;
  succeeded?: number;
  failed?: number;
  ready?: number;
  terminating?: number;
  startTime?: string;
  completionTime?: string;
  completedIndexes?: string;
  conditions?: JobCondition[];
  uncountedTerminatedPods?: UncountedTerminatedPods;
  [key: string]: unknown;
}

export interface Job extends KubeObject {
  spec: JobSpec;
  status?: JobStatus;
}

export interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: { terminated?: { finishedAt?: string; exitCode?: number }; running?: unknown; waiting?: unknown };
}

export interface Pod extends PodLike {
  status?: PodLike['status'] & {
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
    startTime?: string;
  };
}
