// Workload printers: ReplicationController, ReplicaSet, Deployment, DaemonSet, StatefulSet,
// ControllerRevision, Job, CronJob, PodDisruptionBudget (kubernetes printers.go).
import type { Cell, PrintContext, TablePrinter } from '../resource.js';
import type { KubeObject } from '../types.js';
import { AGE, NAME, col, templateColumns } from './columns.js';
import { DOCS } from './descriptions.js';
import { humanDuration, parseTime, translateTimestampSince } from './duration.js';
import {
  boolPtrString,
  formatLabelSelector,
  formatLabels,
  intOrString,
  labelSelectorString,
  layoutContainerCells,
  templateContainers,
} from './format.js';
import { at, list, num, rec, recs, str } from './json.js';

/** Replica counts default to 1 (the defaulters run before upstream prints). */
function desiredReplicas(obj: KubeObject): number {
  return num(at(obj, 'spec', 'replicas'), 1);
}

function status(obj: KubeObject, field: string): number {
  return num(at(obj, 'status', field));
}

function name(obj: KubeObject): string {
  return obj.metadata.name ?? '';
}

function age(obj: KubeObject, ctx: PrintContext): string {
  return translateTimestampSince(obj.metadata.creationTimestamp, ctx.now);
}

/** The wide container names and images of spec.template. */
function templateCells(obj: KubeObject): [string, string] {
  return layoutContainerCells(templateContainers(at(obj, 'spec', 'template')));
}

export const replicationControllerPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Desired', 'integer', DOCS.rcSpecReplicas),
    col('Current', 'integer', DOCS.rcStatusReplicas),
    col('Ready', 'integer', DOCS.rcStatusReadyReplicas),
    AGE,
    ...templateColumns(DOCS.rcSpecSelector),
  ],
  row(obj, ctx) {
    return [
      name(obj),
      desiredReplicas(obj),
      status(obj, 'replicas'),
      status(obj, 'readyReplicas'),
      age(obj, ctx),
      ...templateCells(obj),
      formatLabels(at(obj, 'spec', 'selector')),
    ];
  },
};

export const replicaSetPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Desired', 'integer', DOCS.rsSpecReplicas),
    col('Current', 'integer', DOCS.rsStatusReplicas),
    col('Ready', 'integer', DOCS.rsStatusReadyReplicas),
    AGE,
    ...templateColumns(DOCS.rsSpecSelector),
  ],
  row(obj, ctx) {
    return [
      name(obj),
      desiredReplicas(obj),
      status(obj, 'replicas'),
      status(obj, 'readyReplicas'),
      age(obj, ctx),
      ...templateCells(obj),
      formatLabelSelector(at(obj, 'spec', 'selector')),
    ];
  },
};

export const deploymentPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Ready', 'string', 'Number of the pod with ready state'),
    col('Up-to-date', 'string', DOCS.deployUpdated),
    col('Available', 'string', DOCS.deployAvailable),
    AGE,
    ...templateColumns(DOCS.deploySelector),
  ],
  row(obj, ctx) {
    // Unlike the others, the Deployment printer prints an empty selector as "" (selector.String()).
    const selector = labelSelectorString(at(obj, 'spec', 'selector')) ?? '<invalid>';
    return [
      name(obj),
      `${status(obj, 'readyReplicas')}/${desiredReplicas(obj)}`,
      status(obj, 'updatedReplicas'),
      status(obj, 'availableReplicas'),
      age(obj, ctx),
      ...templateCells(obj),
      selector,
    ];
  },
};

export const daemonSetPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Desired', 'integer', DOCS.dsDesired),
    col('Current', 'integer', DOCS.dsCurrent),
    col('Ready', 'integer', DOCS.dsReady),
    col('Up-to-date', 'integer', DOCS.dsUpdated),
    col('Available', 'integer', DOCS.dsAvailable),
    col('Node Selector', 'string', DOCS.nodeSelector),
    AGE,
    ...templateColumns(DOCS.dsSelector),
  ],
  row(obj, ctx) {
    return [
      name(obj),
      status(obj, 'desiredNumberScheduled'),
      status(obj, 'currentNumberScheduled'),
      status(obj, 'numberReady'),
      status(obj, 'updatedNumberScheduled'),
      status(obj, 'numberAvailable'),
      formatLabels(at(obj, 'spec', 'template', 'spec', 'nodeSelector')),
      age(obj, ctx),
      ...templateCells(obj),
      formatLabelSelector(at(obj, 'spec', 'selector')),
    ];
  },
};

export const statefulSetPrinter: TablePrinter = {
  columns: [NAME, col('Ready', 'string', 'Number of the pod with ready state'), AGE, ...templateColumns()],
  row(obj, ctx) {
    return [name(obj), `${status(obj, 'readyReplicas')}/${desiredReplicas(obj)}`, age(obj, ctx), ...templateCells(obj)];
  },
};

/** formatResourceName of the controller owner: "daemonset.apps/name", "<none>" without one. */
function controllerName(obj: KubeObject): string {
  const ref = (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  if (ref === undefined) return '<none>';
  const apiVersion = ref.apiVersion ?? '';
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const kind = ref.kind ?? '';
  if (group === '' && kind === '') return ref.name;
  const groupKind = group === '' ? kind : `${kind}.${group}`;
  return `${groupKind.toLowerCase()}/${ref.name}`;
}

export const controllerRevisionPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Controller', 'string', 'Controller of the object'),
    col('Revision', 'string', DOCS.crRevision),
    AGE,
  ],
  row(obj, ctx) {
    // The revision is an int64 cell although the column says string, as upstream.
    return [name(obj), controllerName(obj), num(obj.revision), age(obj, ctx)];
  },
};

/** hasJobCondition: the first condition of that type decides. */
function jobCondition(obj: KubeObject, type: string): boolean {
  const cond = recs(at(obj, 'status', 'conditions')).find((c) => c.type === type);
  return cond !== undefined && cond.status === 'True';
}

/** The Job STATUS column (1.30+). */
function jobStatus(obj: KubeObject): string {
  if (jobCondition(obj, 'Complete')) return 'Complete';
  if (jobCondition(obj, 'Failed')) return 'Failed';
  if (obj.metadata.deletionTimestamp) return 'Terminating';
  if (jobCondition(obj, 'Suspended')) return 'Suspended';
  if (jobCondition(obj, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** "succeeded/completions", or "n/1" / "n/1 of parallelism" for a work-queue job. */
function jobCompletions(obj: KubeObject): string {
  const succeeded = status(obj, 'succeeded');
  const completions = at(obj, 'spec', 'completions');
  if (typeof completions === 'number') return `${succeeded}/${completions}`;
  const parallelism = num(at(obj, 'spec', 'parallelism'));
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** Completion minus start time; start until now while running; "" before it starts. */
function jobDuration(obj: KubeObject, ctx: PrintContext): string {
  const start = parseTime(at(obj, 'status', 'startTime'));
  if (start === undefined) return '';
  const completion = parseTime(at(obj, 'status', 'completionTime'));
  return humanDuration((completion ?? ctx.now) - start);
}

export const jobPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Status', 'string', 'Status of the job.'),
    col('Completions', 'string', DOCS.jobSucceeded),
    col('Duration', 'string', 'Time required to complete the job.'),
    AGE,
    ...templateColumns(DOCS.jobSelector),
  ],
  row(obj, ctx) {
    return [
      name(obj),
      jobStatus(obj),
      jobCompletions(obj),
      jobDuration(obj, ctx),
      age(obj, ctx),
      ...templateCells(obj),
      formatLabelSelector(at(obj, 'spec', 'selector')),
    ];
  },
};

export const cronJobPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Schedule', 'string', DOCS.cronSchedule),
    col('Timezone', 'string', DOCS.cronTimeZone),
    col('Suspend', 'boolean', DOCS.cronSuspend),
    col('Active', 'integer', DOCS.cronActive),
    col('Last Schedule', 'string', DOCS.cronLastSchedule),
    AGE,
    ...templateColumns(DOCS.jobSelector),
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    const last = at(obj, 'status', 'lastScheduleTime');
    const jobSpec = at(spec, 'jobTemplate', 'spec');
    return [
      name(obj),
      str(spec.schedule),
      typeof spec.timeZone === 'string' ? spec.timeZone : '<none>',
      // printBoolPtr: a string cell ("False") in a boolean column, as upstream.
      boolPtrString(spec.suspend),
      list(at(obj, 'status', 'active')).length,
      typeof last === 'string' && last !== '' ? translateTimestampSince(last, ctx.now) : '<none>',
      age(obj, ctx),
      ...layoutContainerCells(templateContainers(at(jobSpec, 'template'))),
      formatLabelSelector(at(jobSpec, 'selector')),
    ];
  },
};

export const podDisruptionBudgetPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Min Available', 'string', 'The minimum number of pods that must be available.'),
    col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    AGE,
  ],
  row(obj, ctx): Cell[] {
    const spec = rec(obj.spec);
    return [
      name(obj),
      spec.minAvailable == null ? 'N/A' : intOrString(spec.minAvailable),
      spec.maxUnavailable == null ? 'N/A' : intOrString(spec.maxUnavailable),
      status(obj, 'disruptionsAllowed'),
      age(obj, ctx),
    ];
  },
};
