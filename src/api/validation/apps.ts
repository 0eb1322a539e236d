// apps/v1 validators (kubernetes pkg/apis/apps/validation/validation.go).
import type { FieldError, Validator } from '../resource.js';
import type { KubeObject } from '../types.js';
import { child, forbidden, GoValue, goQuote, invalid, notSupported, required } from './field.js';
import { goLabelSelector, selectorIsEmpty, selectorMatches, validateLabelSelector } from './meta.js';
import { isValidPercent } from './names.js';
import { nonNegative, NEGATIVE_MSG, validatePodTemplateSpec } from './pod.js';
import { validatePVCSpec } from './core.js';
import { asArray, asRecord, isObject, num, sameJSON, str } from './util.js';

type Obj = Record<string, unknown>;
const specOf = (o: KubeObject | undefined): Obj => asRecord(o?.spec);

/** %#v of an intstr.IntOrString value. */
export function goIntOrString(v: unknown): GoValue {
  return typeof v === 'string'
    ? new GoValue(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`)
    : new GoValue(`intstr.IntOrString{Type:0, IntVal:${num(v) ?? 0}, StrVal:""}`);
}

export function validatePositiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => invalid(path, goIntOrString(v), m));
  if (typeof v === 'number' && v < 0) return [invalid(path, v, NEGATIVE_MSG)];
  return [];
}

function intOrPercentValue(v: unknown): number {
  if (typeof v === 'string') return Number.parseInt(v, 10) || 0;
  return num(v) ?? 0;
}

export function isNotMoreThan100Percent(v: unknown, path: string): FieldError[] {
  return typeof v === 'string' && v.endsWith('%') && intOrPercentValue(v) > 100 ? [invalid(path, goIntOrString(v), 'must not be greater than 100%')] : [];
}

/** Where ReplicaSets, Deployments and DaemonSets agree: the template matches the selector, restarts Always. */
function validateTemplateForSelector(spec: Obj, path: string, kindWord: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObject(spec.template)) return [required(child(path, 'template'))];
  const labels = asRecord(asRecord(spec.template.metadata).labels);
  if (isObject(spec.selector) && !selectorIsEmpty(spec.selector) && !selectorMatches(spec.selector, labels)) {
    errs.push(invalid(child(path, 'template', 'metadata', 'labels'), labels, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(spec.template, child(path, 'template')));
  const podSpec = asRecord(spec.template.spec);
  const rp = str(podSpec.restartPolicy);
  if (rp !== 'Always') errs.push(notSupported(child(path, 'template', 'spec', 'restartPolicy'), rp, ['Always']));
  if (podSpec.activeDeadlineSeconds !== undefined) {
    errs.push(invalid(child(path, 'template', 'spec', 'activeDeadlineSeconds'), podSpec.activeDeadlineSeconds, `activeDeadlineSeconds in ${kindWord} is not Supported`));
  }
  return errs;
}

/** A required, non-empty, valid selector; false when it is missing (upstream stops there). */
function validateSelector(spec: Obj, path: string, emptyWord: string, errs: FieldError[]): boolean {
  if (!isObject(spec.selector)) {
    errs.push(required(child(path, 'selector')));
    return false;
  }
  errs.push(...validateLabelSelector(spec.selector, child(path, 'selector')));
  if (selectorIsEmpty(spec.selector)) errs.push(invalid(child(path, 'selector'), goLabelSelector(spec.selector), `empty selector is invalid for ${emptyWord}`));
  return true;
}

function goStrategy(type: string, struct: string, pointer: string, rollingUpdate: unknown): GoValue {
  const ru = rollingUpdate === undefined || rollingUpdate === null ? `(*apps.${pointer})(nil)` : `(*apps.${pointer})(0xc000000000)`;
  return new GoValue(`apps.${struct}{Type:${goQuote(type)}, RollingUpdate:${ru}}`);
}

function validateDeploymentStrategy(strategyIn: unknown, path: string): FieldError[] {
  const strategy = asRecord(strategyIn);
  const type = str(strategy.type);
  if (type === 'Recreate') {
    return strategy.rollingUpdate ? [forbidden(child(path, 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")] : [];
  }
  if (type === 'RollingUpdate') {
    if (!isObject(strategy.rollingUpdate)) return [required(child(path, 'rollingUpdate'), 'this should be defaulted and never be nil')];
    const ru = strategy.rollingUpdate;
    const p = child(path, 'rollingUpdate');
    const errs = [...validatePositiveIntOrPercent(ru.maxUnavailable, child(p, 'maxUnavailable')), ...validatePositiveIntOrPercent(ru.maxSurge, child(p, 'maxSurge'))];
    if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
      errs.push(invalid(child(p, 'maxUnavailable'), goIntOrString(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
    }
    errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, child(p, 'maxUnavailable')));
    return errs;
  }
  return [notSupported(path, goStrategy(type, 'DeploymentStrategy', 'RollingUpdateDeployment', strategy.rollingUpdate), ['Recreate', 'RollingUpdate'])];
}

function selectorImmutable(obj: KubeObject, old: KubeObject | undefined): FieldError[] {
  if (!old || sameJSON(specOf(obj).selector, specOf(old).selector)) return [];
  return [invalid('spec.selector', goLabelSelector(specOf(obj).selector), 'field is immutable')];
}

const validateDeployment: Validator = (obj, old) => {
  const spec = specOf(obj);
  const errs = nonNegative(spec.replicas, 'spec.replicas');
  if (!validateSelector(spec, 'spec', 'deployment', errs)) return errs;
  errs.push(...validateTemplateForSelector(spec, 'spec', 'ReplicaSet'));
  errs.push(...validateDeploymentStrategy(spec.strategy, 'spec.strategy'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const pds = num(spec.progressDeadlineSeconds);
  if (pds !== undefined) {
    errs.push(...nonNegative(pds, 'spec.progressDeadlineSeconds'));
    if (pds <= (num(spec.minReadySeconds) ?? 0)) errs.push(invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
  }
  errs.push(...selectorImmutable(obj, old));
  return errs;
};

const validateReplicaSet: Validator = (obj, old) => {
  const spec = specOf(obj);
  const errs = [...nonNegative(spec.replicas, 'spec.replicas'), ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds')];
  validateSelector(spec, 'spec', 'deployment', errs);
  errs.push(...validateTemplateForSelector(spec, 'spec', 'ReplicaSet'));
  errs.push(...selectorImmutable(obj, old));
  return errs;
};

function validateDaemonSetStrategy(strategyIn: unknown, path: string): FieldError[] {
  const strategy = asRecord(strategyIn);
  const type = str(strategy.type);
  if (type === 'OnDelete') return [];
  if (type === 'RollingUpdate') {
    if (!isObject(strategy.rollingUpdate)) return [required(child(path, 'rollingUpdate'))];
    const ru = strategy.rollingUpdate;
    const p = child(path, 'rollingUpdate');
    const errs = [...validatePositiveIntOrPercent(ru.maxUnavailable, child(p, 'maxUnavailable')), ...validatePositiveIntOrPercent(ru.maxSurge, child(p, 'maxSurge'))];
    const unavailable = intOrPercentValue(ru.maxUnavailable);
    const surge = intOrPercentValue(ru.maxSurge);
    if (unavailable === 0 && surge === 0) errs.push(invalid(child(p, 'maxUnavailable'), goIntOrString(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
    if (unavailable !== 0 && surge !== 0) {
      errs.push(invalid(child(p, 'maxSurge'), goIntOrString(ru.maxSurge), 'may not be set when maxUnavailable is non-zero'));
    }
    errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, child(p, 'maxUnavailable')), ...isNotMoreThan100Percent(ru.maxSurge, child(p, 'maxSurge')));
    return errs;
  }
  return [notSupported(path, goStrategy(type, 'DaemonSetUpdateStrategy', 'RollingUpdateDaemonSet', strategy.rollingUpdate), ['RollingUpdate', 'OnDelete'])];
}

const validateDaemonSet: Validator = (obj, old) => {
  const spec = specOf(obj);
  const errs: FieldError[] = [];
  if (isObject(spec.selector)) errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  else errs.push(required('spec.selector'));
  const labels = asRecord(asRecord(asRecord(spec.template).metadata).labels);
  if (isObject(spec.selector) && !selectorMatches(spec.selector, labels)) {
    errs.push(invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
  }
  if (isObject(spec.selector) && selectorIsEmpty(spec.selector)) {
    errs.push(invalid('spec.selector', goLabelSelector(spec.selector), 'empty selector is invalid for daemonset'));
  }
  errs.push(...validatePodTemplateSpec(spec.template, 'spec.template'));
  const podSpec = asRecord(asRecord(spec.template).spec);
  if (str(podSpec.restartPolicy) !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', str(podSpec.restartPolicy), ['Always']));
  if (podSpec.activeDeadlineSeconds !== undefined) {
    errs.push(invalid('spec.template.spec.activeDeadlineSeconds', podSpec.activeDeadlineSeconds, 'activeDeadlineSeconds in DaemonSet is not Supported'));
  }
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateDaemonSetStrategy(spec.updateStrategy, 'spec.updateStrategy'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  errs.push(...selectorImmutable(obj, old));
  return errs;
};

const STS_UPDATABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

function validateStatefulSetUpdate(spec: Obj, oldSpec: Obj): FieldError[] {
  const strip = (s: Obj) => Object.fromEntries(Object.entries(s).filter(([k]) => !STS_UPDATABLE.includes(k)));
  if (sameJSON(strip(spec), strip(oldSpec))) return [];
  return [
    forbidden(
      'spec',
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}

function validateStatefulSetStrategy(strategyIn: unknown): FieldError[] {
  const strategy = asRecord(strategyIn);
  const type = str(strategy.type);
  if (!type) return [required('spec.updateStrategy')];
  if (type === 'OnDelete') {
    return strategy.rollingUpdate ? [invalid('spec.updateStrategy.rollingUpdate', strategy.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'")] : [];
  }
  if (type === 'RollingUpdate') return nonNegative(asRecord(strategy.rollingUpdate).partition, 'spec.updateStrategy.rollingUpdate.partition');
  return [invalid('spec.updateStrategy', strategy, "must be 'RollingUpdate' or 'OnDelete'")];
}

function validateRetentionPolicy(policyIn: unknown): FieldError[] {
  const policy = asRecord(policyIn);
  const errs: FieldError[] = [];
  for (const f of ['whenDeleted', 'whenScaled']) {
    const v = policy[f];
    if (v !== undefined && v !== 'Retain' && v !== 'Delete') {
      errs.push(notSupported(child('spec.persistentVolumeClaimRetentionPolicy', f), str(v), ['Retain', 'Delete']));
    }
  }
  return errs;
}

const validateStatefulSet: Validator = (obj, old) => {
  const spec = specOf(obj);
  const errs: FieldError[] = [];
  const pmp = str(spec.podManagementPolicy);
  if (!pmp) errs.push(required('spec.podManagementPolicy'));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  errs.push(...validateStatefulSetStrategy(spec.updateStrategy));
  errs.push(...validateRetentionPolicy(spec.persistentVolumeClaimRetentionPolicy));
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'), ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  if (isObject(spec.ordinals)) errs.push(...nonNegative(spec.ordinals.start, 'spec.ordinals.start'));
  if (!isObject(spec.selector)) errs.push(required('spec.selector'));
  else {
    errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
    if (selectorIsEmpty(spec.selector)) errs.push(invalid('spec.selector', goLabelSelector(spec.selector), 'empty selector is invalid for statefulset'));
  }
  const template = asRecord(spec.template);
  const labels = asRecord(asRecord(template.metadata).labels);
  if (isObject(spec.selector) && !selectorIsEmpty(spec.selector) && !selectorMatches(spec.selector, labels)) {
    errs.push(invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(spec.template, 'spec.template'));
  const podSpec = asRecord(template.spec);
  if (str(podSpec.restartPolicy) !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', str(podSpec.restartPolicy), ['Always']));
  if (podSpec.activeDeadlineSeconds !== undefined) {
    errs.push(invalid('spec.template.spec.activeDeadlineSeconds', podSpec.activeDeadlineSeconds, 'activeDeadlineSeconds in StatefulSet is not Supported'));
  }
  asArray(spec.volumeClaimTemplates).forEach((t, i) => {
    errs.push(...validatePVCSpec(asRecord(t).spec, `spec.volumeClaimTemplates[${i}].spec`));
  });
  if (old) errs.push(...validateStatefulSetUpdate(spec, specOf(old)));
  return errs;
};

const validateControllerRevision: Validator = (obj) => {
  const errs: FieldError[] = [];
  if (obj.data === undefined || obj.data === null) errs.push(required('data'));
  errs.push(...nonNegative(obj.revision, 'revision'));
  return errs;
};

export const APPS_VALIDATORS: Record<string, Validator> = {
  Deployment: validateDeployment,
  ReplicaSet: validateReplicaSet,
  DaemonSet: validateDaemonSet,
  StatefulSet: validateStatefulSet,
  ControllerRevision: validateControllerRevision,
};
