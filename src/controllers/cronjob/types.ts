// The parts of batch/v1 CronJobs and Jobs the CronJob controller reads and writes. Objects travel
// as plain JSON; these types only name the fields.
import type { KubeObject, ObjectMeta } from '../../api/types.js';

export type ConcurrencyPolicy = 'Allow' | 'Forbid' | 'Replace';

export interface JobTemplateSpec {
  metadata?: ObjectMeta | null;
  spec?: Record<string, unknown>;
}

export interface CronJobSpec {
  schedule: string;
  timeZone?: string | null;
  startingDeadlineSeconds?: number | null;
  concurrencyPolicy?: ConcurrencyPolicy | string;
  suspend?: boolean | null;
  jobTemplate: JobTemplateSpec;
  successfulJobsHistoryLimit?: number | null;
  failedJobsHistoryLimit?: number | null;
  [key: string]: unknown;
}

/** core/v1 ObjectReference, as status.active lists the running Jobs. */
export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface CronJobStatus {
  active?: ObjectReference[];
  lastScheduleTime?: string | null;
  lastSuccessfulTime?: string | null;
  [key: string]: unknown;
}

export interface CronJob extends KubeObject {
  spec: CronJobSpec;
  status?: CronJobStatus;
}

export interface JobCondition {
  type: string;
  status: string;
  [key: string]: unknown;
}

export interface Job extends KubeObject {
  spec?: Record<string, unknown>;
  status?: {
    startTime?: string | null;
    completionTime?: string | null;
    conditions?: JobCondition[];
    [key: string]: unknown;
  };
}

export const CRONJOB_KIND = 'CronJob';
export const BATCH_API_VERSION = 'batch/v1';
/** Upstream batchv1.CronJobScheduledTimestampAnnotation. */
export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** What the API server defaults the history limits to; the controller assumes them when absent. */
export const DEFAULT_SUCCESSFUL_JOBS_HISTORY_LIMIT = 3;
export const DEFAULT_FAILED_JOBS_HISTORY_LIMIT = 1;
