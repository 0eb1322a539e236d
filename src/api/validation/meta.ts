// ObjectMeta, labels, annotations and label selectors (apimachinery pkg/api/validation/objectmeta.go
// and pkg/apis/meta/v1/validation).
import type { FieldError } from '../resource.js';
import type { ObjectMeta } from '../types.js';
import { child, forbidden, GoValue, goQuote, index, invalid, required, tooLong } from './field.js';
import {
  isQualifiedName,
  isValidLabelValue,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  nameIsPathSegment,
  type NameValidator,
} from './names.js';
import { asArray, asRecord, isObject, str } from './util.js';

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

const PATH_SEGMENT_KINDS = new Set([
  'rbac.authorization.k8s.io/Role',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/RoleBinding',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'autoscaling/HorizontalPodAutoscaler',
]);

/**
 * The ValidateNameFunc a kind's strategy passes to ValidateObjectMeta: DNS-1123 labels for
 * namespaces, DNS-1035 labels for services, path segments for RBAC objects and HPAs, DNS-1123
 * subdomains for everything else. A group of undefined matches the kind in any group.
 */
export function nameValidatorFor(group: string | undefined, kind: string): NameValidator {
  const core = group === undefined || group === '';
  if (core && kind === 'Namespace') return nameIsDNSLabel;
  if (core && kind === 'Service') return nameIsDNS1035Label;
  for (const key of PATH_SEGMENT_KINDS) {
    const [g, k] = key.split('/');
    if (k === kind && (group === undefined || group === g)) return nameIsPathSegment;
  }
  return nameIsDNSSubdomain;
}

export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(asRecord(labels))) {
    for (const msg of isQualifiedName(k)) errs.push(invalid(path, k, msg));
    const value = typeof v === 'string' ? v : String(v);
    for (const msg of isValidLabelValue(value)) errs.push(invalid(path, value, msg));
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(asRecord(annotations))) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
    total += k.length + String(v ?? '').length;
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function validateOwnerReferences(refs: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const controllers: string[] = [];
  asArray(refs).forEach((ref, i) => {
    const p = index(path, i);
    const r = asRecord(ref);
    const apiVersion = str(r.apiVersion);
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (!version) errs.push(invalid(child(p, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (!str(r.kind)) errs.push(invalid(child(p, 'kind'), str(r.kind), 'must not be empty'));
    if (!str(r.name)) errs.push(invalid(child(p, 'name'), str(r.name), 'must not be empty'));
    if (!str(r.uid)) errs.push(invalid(child(p, 'uid'), str(r.uid), 'must not be empty'));
    if (r.controller === true) controllers.push(`${str(r.kind)}/${str(r.name)}`);
  });
  if (controllers.length > 1) {
    errs.push(
      invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(' and ')}`),
    );
  }
  return errs;
}

function validateFinalizers(finalizers: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArray(finalizers).forEach((f) => {
    for (const msg of isQualifiedName(str(f))) errs.push(invalid(path, str(f), msg));
  });
  return errs;
}

function immutable(value: unknown, old: unknown, path: string): FieldError[] {
  return JSON.stringify(value ?? null) === JSON.stringify(old ?? null) ? [] : [invalid(path, value ?? '', 'field is immutable')];
}

/** ValidateObjectMetaUpdate's checks of the fields a client may not change. */
function validateMetaUpdate(meta: ObjectMeta, old: ObjectMeta): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...immutable(meta.name, old.name, 'metadata.name'));
  errs.push(...immutable(meta.namespace, old.namespace, 'metadata.namespace'));
  errs.push(...immutable(meta.uid, old.uid, 'metadata.uid'));
  errs.push(...immutable(meta.creationTimestamp, old.creationTimestamp, 'metadata.creationTimestamp'));
  if (old.deletionTimestamp) {
    const before = new Set(old.finalizers ?? []);
    const extra = (meta.finalizers ?? []).filter((f) => !before.has(f)).sort();
    if (extra.length) {
      errs.push(
        forbidden(
          'metadata.finalizers',
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map(goQuote).join(', ')}}`,
        ),
      );
    }
  }
  return errs;
}

export interface ObjectMetaOptions {
  /** The API group of `kind`; when absent the name rule is chosen by kind alone. */
  group?: string;
  /** The stored object's metadata, for an update: name, namespace, uid... may not change. */
  old?: ObjectMeta;
}

/**
 * ValidateObjectMeta (plus ValidateObjectMetaUpdate when options.old is given): name or
 * generateName, namespace presence, generation, labels, annotations, ownerReferences, finalizers.
 */
export function validateObjectMeta(
  metaIn: unknown,
  namespaced: boolean,
  isCreate: boolean,
  kind?: string,
  options: ObjectMetaOptions = {},
): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObject(metaIn)) return [required('metadata', '')];
  const meta = metaIn as ObjectMeta;
  const nameFn = nameValidatorFor(options.group, kind ?? '');
  const generateName = str(meta.generateName);
  if (generateName) for (const msg of nameFn(generateName, true)) errs.push(invalid('metadata.generateName', generateName, msg));
  const name = str(meta.name);
  if (!name) errs.push(required('metadata.name', 'name or generateName is required'));
  else for (const msg of nameFn(name, false)) errs.push(invalid('metadata.name', name, msg));
  const namespace = str(meta.namespace);
  if (namespaced) {
    if (!namespace) errs.push(required('metadata.namespace'));
    else for (const msg of nameIsDNSLabel(namespace, false)) errs.push(invalid('metadata.namespace', namespace, msg));
  } else if (namespace) {
    errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }
  if (typeof meta.generation === 'number' && meta.generation < 0) {
    errs.push(invalid('metadata.generation', meta.generation, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(meta.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(meta.ownerReferences, 'metadata.ownerReferences'));
  errs.push(...validateFinalizers(meta.finalizers, 'metadata.finalizers'));
  if (!isCreate && options.old) errs.push(...validateMetaUpdate(meta, options.old));
  return errs;
}

// ---- label selectors -------------------------------------------------------------------------

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key?: string; operator?: string; values?: string[] }[];
}

export function validateLabelSelector(selector: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const sel = asRecord(selector) as LabelSelector;
  asArray(sel.matchExpressions).forEach((exprIn, i) => {
    const p = index(child(path, 'matchExpressions'), i);
    const expr = asRecord(exprIn);
    const values = asArray(expr.values);
    const op = str(expr.operator);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) errs.push(required(child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) errs.push(forbidden(child(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(invalid(child(p, 'operator'), op, 'not a valid selector operator'));
    }
    for (const msg of isQualifiedName(str(expr.key))) errs.push(invalid(child(p, 'key'), str(expr.key), msg));
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(str(v))) errs.push(invalid(index(child(p, 'values'), j), str(v), msg));
    });
  });
  errs.push(...validateLabels(sel.matchLabels, child(path, 'matchLabels')));
  return errs;
}

export function selectorIsEmpty(selector: unknown): boolean {
  const sel = asRecord(selector) as LabelSelector;
  return Object.keys(asRecord(sel.matchLabels)).length + asArray(sel.matchExpressions).length === 0;
}

/** metav1.LabelSelectorAsSelector(...).Matches(labels). */
export function selectorMatches(selector: unknown, labelsIn: unknown): boolean {
  const sel = asRecord(selector) as LabelSelector;
  const labels = asRecord(labelsIn);
  for (const [k, v] of Object.entries(asRecord(sel.matchLabels))) if (labels[k] !== v) return false;
  for (const exprIn of asArray(sel.matchExpressions)) {
    const expr = asRecord(exprIn);
    const k = str(expr.key);
    const values = asArray(expr.values).map(str);
    const has = Object.prototype.hasOwnProperty.call(labels, k);
    switch (expr.operator) {
      case 'In':
        if (!has || !values.includes(str(labels[k]))) return false;
        break;
      case 'NotIn':
        if (has && values.includes(str(labels[k]))) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function goStringMap(m: unknown): string {
  if (!isObject(m)) return 'map[string]string(nil)';
  const rec = m as Record<string, unknown>;
  return `map[string]string{${Object.keys(rec)
    .sort()
    .map((k) => `${goQuote(k)}:${goQuote(str(rec[k]))}`)
    .join(', ')}}`;
}

function goStringSlice(v: unknown): string {
  return Array.isArray(v) ? `[]string{${v.map((x) => goQuote(str(x))).join(', ')}}` : '[]string(nil)';
}

/** %#v of a *metav1.LabelSelector, as printed by "field is immutable" errors on selectors. */
export function goLabelSelector(selector: unknown): GoValue {
  if (!isObject(selector)) return new GoValue('null');
  const sel = selector as LabelSelector;
  const exprs = Array.isArray(sel.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${sel.matchExpressions
        .map((e) => `v1.LabelSelectorRequirement{Key:${goQuote(str(e.key))}, Operator:${goQuote(str(e.operator))}, Values:${goStringSlice(e.values)}}`)
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return new GoValue(`v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${exprs}}`);
}
