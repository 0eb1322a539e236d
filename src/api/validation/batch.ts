// batch/v1 validators (kubernetes pkg/apis/batch/validation/validation.go).
import type { FieldError, Validator } from '../resource.js';
import type { KubeObject } from '../types.js';
import { child, invalid, notSupported, required } from './field.js';
import { goLabelSelector, selectorIsEmpty, selectorMatches, validateLabelSelector } from './meta.js';
import { nonNegative, validatePodTemplateSpec } from './pod.js';
import { cronScheduleError } from './cron.js';
import { asRecord, isObject, num, sameJSON, str } from './util.js';

type Obj = Record<string, unknown>;
const specOf = (o: KubeObject | undefined): Obj => asRecord(o?.spec);

/** validateJobSpec, shared by Jobs and CronJob job templates. */
function validateJobSpec(spec: Obj, path: string, isTemplate: boolean): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished']) {
    errs.push(...nonNegative(spec[f], child(path, f)));
  }
  const ads = num(spec.activeDeadlineSeconds);
  if (ads !== undefined && ads === 0) errs.push(invalid(child(path, 'activeDeadlineSeconds'), ads, 'must be greater than 0'));
  const mode = spec.completionMode;
  if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') {
    errs.push(notSupported(child(path, 'completionMode'), str(mode), ['NonIndexed', 'Indexed']));
  }
  if (mode === 'Indexed' && spec.completions === undefined) {
    errs.push(required(child(path, 'completions'), "when completion mode is Indexed"));
  }
  if (isObject(spec.selector)) errs.push(...validateLabelSelector(spec.selector, child(path, 'selector')));
  else if (!isTemplate) errs.push(required(child(path, 'selector')));
  const template = asRecord(spec.template);
  const labels = asRecord(asRecord(template.metadata).labels);
  if (isObject(spec.selector) && !selectorIsEmpty(spec.selector) && !selectorMatches(spec.selector, labels)) {
    errs.push(invalid(child(path, 'template', 'metadata', 'labels'), labels, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(spec.template, child(path, 'template')));
  const rp = str(asRecord(template.spec).restartPolicy);
  if (rp !== 'OnFailure' && rp !== 'Never') errs.push(notSupported(child(path, 'template', 'spec', 'restartPolicy'), rp, ['OnFailure', 'Never']));
  return errs;
}

/** Fields of a Job's spec that may not change once it exists. */
function validateJobUpdate(spec: Obj, oldSpec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const immutable = (f: string, shown: unknown) => {
    if (!sameJSON(spec[f], oldSpec[f])) errs.push(invalid(`spec.${f}`, shown, 'field is immutable'));
  };
  if (spec.completionMode !== 'Indexed') immutable('completions', spec.completions);
  immutable('selector', goLabelSelector(spec.selector));
  immutable('completionMode', spec.completionMode);
  immutable('podFailurePolicy', spec.podFailurePolicy);
  immutable('backoffLimitPerIndex', spec.backoffLimitPerIndex);
  // A suspended job's scheduling directives may change; nothing else of its template.
  const mutable = ['nodeSelector', 'affinity', 'tolerations', 'schedulingGates'];
  const strip = (t: unknown) => {
    const c = structuredClone(asRecord(t));
    if (spec.suspend === true) {
      const podSpec = asRecord(c.spec);
      for (const f of mutable) delete podSpec[f];
      delete asRecord(c.metadata).labels;
      delete asRecord(c.metadata).annotations;
    }
    return c;
  };
  if (!sameJSON(strip(spec.template), strip(oldSpec.template))) errs.push(invalid('spec.template', spec.template, 'field is immutable'));
  return errs;
}

const validateJob: Validator = (obj, old) => {
  const errs = validateJobSpec(specOf(obj), 'spec', false);
  if (old) errs.push(...validateJobUpdate(specOf(obj), specOf(old)));
  return errs;
};

const CONCURRENCY = ['Allow', 'Forbid', 'Replace'];

const validateCronJob: Validator = (obj) => {
  const errs: FieldError[] = [];
  const name = str(obj.metadata.name);
  if (name.length > 52) errs.push(invalid('metadata.name', name, 'must be no more than 52 characters'));
  const spec = specOf(obj);
  const schedule = str(spec.schedule);
  if (!schedule) errs.push(required('spec.schedule'));
  else if (/^(CRON_)?TZ=/.test(schedule.trim())) {
    errs.push(invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  } else {
    const err = cronScheduleError(schedule);
    if (err) errs.push(invalid('spec.schedule', schedule, err));
  }
  const tz = spec.timeZone;
  if (tz !== undefined && tz !== null) {
    if (str(tz) === '') errs.push(invalid('spec.timeZone', '', 'timeZone must be nil or non-empty string'));
    else if (!isKnownTimeZone(str(tz))) errs.push(invalid('spec.timeZone', str(tz), `unknown time zone ${str(tz)}`));
  }
  errs.push(...nonNegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  const cp = str(spec.concurrencyPolicy);
  if (!cp) errs.push(required('spec.concurrencyPolicy'));
  else if (!CONCURRENCY.includes(cp)) errs.push(notSupported('spec.concurrencyPolicy', cp, CONCURRENCY));
  errs.push(...nonNegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'));
  errs.push(...nonNegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  const jobTemplate = asRecord(spec.jobTemplate);
  errs.push(...validateJobSpec(asRecord(jobTemplate.spec), 'spec.jobTemplate.spec', true));
  return errs;
};

function isKnownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const BATCH_VALIDATORS: Record<string, Validator> = { Job: validateJob, CronJob: validateCronJob };
