// HorizontalPodAutoscaler autoscaling/v1 ⇄ autoscaling/v2 (the storage version).
// Facts from kubernetes pkg/apis/autoscaling/v1/conversion.go and pkg/apis/autoscaling/annotations.go:
// v1 carries only the CPU utilization target and current value; everything else v2 has (other
// metrics, current metrics, conditions, behavior) rides in autoscaling.alpha.kubernetes.io/*
// annotations, so a v1 client that reads and writes an object back loses nothing.
import type { VersionConverter } from '../resource.js';
import type { KubeObject } from '../types.js';
import { arr, copyIfSet, isObject, obj, quantity, type Json } from './json.js';

export const METRIC_SPECS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const METRIC_STATUSES_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
export const BEHAVIOR_SPECS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
// 1.33+ (HPAConfigurableTolerance): only written by v2beta2, but dropped like the others.
const TOLERANCE_ANNOTATIONS = [
  'autoscaling.alpha.kubernetes.io/scale-down-tolerance',
  'autoscaling.alpha.kubernetes.io/scale-up-tolerance',
];
/** autoscaling.DefaultCPUUtilization: v1's implicit target when no metric is given. */
export const DEFAULT_CPU_UTILIZATION = 80;

const ROUND_TRIP_ANNOTATIONS = [
  METRIC_SPECS_ANNOTATION,
  BEHAVIOR_SPECS_ANNOTATION,
  METRIC_STATUSES_ANNOTATION,
  CONDITIONS_ANNOTATION,
  ...TOLERANCE_ANNOTATIONS,
];

// ---- metadata --------------------------------------------------------------------------------

/** DropRoundTripHorizontalPodAutoscalerAnnotations, on a copy of the metadata. */
function metadataWithoutRoundTrip(metadata: KubeObject['metadata']): KubeObject['metadata'] {
  const out = { ...metadata };
  const annotations = metadata.annotations;
  if (!annotations || !ROUND_TRIP_ANNOTATIONS.some((k) => k in annotations)) return out;
  const kept = Object.fromEntries(Object.entries(annotations).filter(([k]) => !ROUND_TRIP_ANNOTATIONS.includes(k)));
  if (Object.keys(kept).length > 0) out.annotations = kept;
  else delete out.annotations; // Go's omitempty on an emptied map
  return out;
}

function setAnnotation(metadata: KubeObject['metadata'], key: string, value: unknown): void {
  metadata.annotations = { ...(metadata.annotations ?? {}), [key]: JSON.stringify(value) };
}

/** The annotation's JSON, or undefined when absent or not parseable (upstream then fails; we ignore it). */
function annotationJson(obj: KubeObject, key: string): unknown {
  const raw = obj.metadata?.annotations?.[key];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

// ---- references and metric identifiers --------------------------------------------------------

function crossVersionRef(ref: unknown): Json {
  const r = obj(ref);
  const out: Json = { kind: r.kind ?? '', name: r.name ?? '' };
  copyIfSet(out, 'apiVersion', r);
  return out;
}

/** v2 MetricIdentifier → v1's (metricName, selector) pair, written under `selectorKey`. */
function identifierToV1(out: Json, source: Json, selectorKey: string): void {
  const metric = obj(source.metric);
  out.metricName = metric.name ?? '';
  copyIfSet(out, selectorKey, metric, 'selector');
}

function identifierToV2(source: Json, selectorKey: string): Json {
  const id: Json = { name: source.metricName ?? '' };
  copyIfSet(id, 'selector', source, selectorKey);
  return id;
}

// ---- metric specs ------------------------------------------------------------------------------

function resourceSpecToV1(r: Json, container: boolean): Json {
  const target = obj(r.target);
  const out: Json = { name: r.name ?? '' };
  copyIfSet(out, 'targetAverageUtilization', target, 'averageUtilization');
  copyIfSet(out, 'targetAverageValue', target, 'averageValue');
  if (container) out.container = r.container ?? '';
  return out;
}

function resourceSpecToV2(r: Json, container: boolean): Json {
  const utilization = r.targetAverageUtilization;
  const target: Json = { type: utilization === undefined || utilization === null ? 'AverageValue' : 'Utilization' };
  copyIfSet(target, 'averageValue', r, 'targetAverageValue');
  copyIfSet(target, 'averageUtilization', r, 'targetAverageUtilization');
  const out: Json = { name: r.name ?? '' };
  if (container) out.container = r.container ?? '';
  out.target = target;
  return out;
}

/** Convert_autoscaling_MetricSpec_To_v1_MetricSpec and the per-source functions. */
function metricSpecToV1(m: Json): Json {
  const out: Json = { type: m.type ?? '' };
  if (isObject(m.object)) {
    const target = obj(m.object.target);
    const o: Json = { target: crossVersionRef(m.object.describedObject) };
    identifierToV1(o, m.object, 'selector');
    o.targetValue = quantity(target, 'value');
    copyIfSet(o, 'averageValue', target);
    out.object = o;
  }
  if (isObject(m.pods)) {
    const p: Json = {};
    identifierToV1(p, m.pods, 'selector');
    p.targetAverageValue = quantity(obj(m.pods.target), 'averageValue');
    out.pods = p;
  }
  if (isObject(m.resource)) out.resource = resourceSpecToV1(m.resource, false);
  if (isObject(m.containerResource)) out.containerResource = resourceSpecToV1(m.containerResource, true);
  if (isObject(m.external)) {
    const target = obj(m.external.target);
    const e: Json = {};
    identifierToV1(e, m.external, 'metricSelector');
    copyIfSet(e, 'targetValue', target, 'value');
    copyIfSet(e, 'targetAverageValue', target, 'averageValue');
    out.external = e;
  }
  return out;
}

/** Convert_v1_MetricSpec_To_autoscaling_MetricSpec and the per-source functions. */
function metricSpecToV2(m: Json): Json {
  const out: Json = { type: m.type ?? '' };
  if (isObject(m.object)) {
    const o = m.object;
    const hasAverage = o.averageValue !== undefined && o.averageValue !== null;
    const target: Json = { type: hasAverage ? 'AverageValue' : 'Value', value: quantity(o, 'targetValue') };
    copyIfSet(target, 'averageValue', o);
    out.object = { describedObject: crossVersionRef(o.target), metric: identifierToV2(o, 'selector'), target };
  }
  if (isObject(m.pods)) {
    out.pods = {
      metric: identifierToV2(m.pods, 'selector'),
      target: { type: 'AverageValue', averageValue: quantity(m.pods, 'targetAverageValue') },
    };
  }
  if (isObject(m.resource)) out.resource = resourceSpecToV2(m.resource, false);
  if (isObject(m.containerResource)) out.containerResource = resourceSpecToV2(m.containerResource, true);
  if (isObject(m.external)) {
    const e = m.external;
    const hasValue = e.targetValue !== undefined && e.targetValue !== null;
    const target: Json = { type: hasValue ? 'Value' : 'AverageValue' };
    copyIfSet(target, 'value', e, 'targetValue');
    copyIfSet(target, 'averageValue', e, 'targetAverageValue');
    out.external = { metric: identifierToV2(e, 'metricSelector'), target };
  }
  return out;
}

// ---- metric statuses ---------------------------------------------------------------------------

function resourceStatusToV1(r: Json, container: boolean): Json {
  const current = obj(r.current);
  const out: Json = { name: r.name ?? '' };
  copyIfSet(out, 'currentAverageUtilization', current, 'averageUtilization');
  out.currentAverageValue = quantity(current, 'averageValue');
  if (container) out.container = r.container ?? '';
  return out;
}

function resourceStatusToV2(r: Json, container: boolean): Json {
  // `AverageValue: &in.CurrentAverageValue`: always set.
  const current: Json = { averageValue: quantity(r, 'currentAverageValue') };
  copyIfSet(current, 'averageUtilization', r, 'currentAverageUtilization');
  const out: Json = { name: r.name ?? '' };
  if (container) out.container = r.container ?? '';
  out.current = current;
  return out;
}

function metricStatusToV1(m: Json): Json {
  const out: Json = { type: m.type ?? '' };
  if (isObject(m.object)) {
    const current = obj(m.object.current);
    const o: Json = { target: crossVersionRef(m.object.describedObject) };
    identifierToV1(o, m.object, 'selector');
    o.currentValue = quantity(current, 'value');
    copyIfSet(o, 'averageValue', current);
    out.object = o;
  }
  if (isObject(m.pods)) {
    const p: Json = {};
    identifierToV1(p, m.pods, 'selector');
    p.currentAverageValue = quantity(obj(m.pods.current), 'averageValue');
    out.pods = p;
  }
  if (isObject(m.resource)) out.resource = resourceStatusToV1(m.resource, false);
  if (isObject(m.containerResource)) out.containerResource = resourceStatusToV1(m.containerResource, true);
  if (isObject(m.external)) {
    const current = obj(m.external.current);
    const e: Json = {};
    identifierToV1(e, m.external, 'metricSelector');
    e.currentValue = quantity(current, 'value');
    copyIfSet(e, 'currentAverageValue', current, 'averageValue');
    out.external = e;
  }
  return out;
}

function metricStatusToV2(m: Json): Json {
  const out: Json = { type: m.type ?? '' };
  if (isObject(m.object)) {
    const o = m.object;
    const current: Json = { value: quantity(o, 'currentValue') };
    copyIfSet(current, 'averageValue', o);
    out.object = { metric: identifierToV2(o, 'selector'), current, describedObject: crossVersionRef(o.target) };
  }
  if (isObject(m.pods)) {
    out.pods = { metric: identifierToV2(m.pods, 'selector'), current: { averageValue: quantity(m.pods, 'currentAverageValue') } };
  }
  if (isObject(m.resource)) out.resource = resourceStatusToV2(m.resource, false);
  if (isObject(m.containerResource)) out.containerResource = resourceStatusToV2(m.containerResource, true);
  if (isObject(m.external)) {
    const e = m.external;
    const current: Json = { value: quantity(e, 'currentValue') };
    copyIfSet(current, 'averageValue', e, 'currentAverageValue');
    out.external = { metric: identifierToV2(e, 'metricSelector'), current };
  }
  return out;
}

// ---- behavior ----------------------------------------------------------------------------------

// Upstream marshals the *internal* HorizontalPodAutoscalerBehavior, which has no json tags (a TODO in
// conversion.go), so the annotation uses Go field names and encoding/json reads them back ignoring case.

function rulesToGo(rules: unknown): unknown {
  if (!isObject(rules)) return null;
  const policies = Array.isArray(rules.policies)
    ? rules.policies.map((p) => {
        const policy = obj(p);
        return { Type: policy.type ?? '', Value: policy.value ?? 0, PeriodSeconds: policy.periodSeconds ?? 0 };
      })
    : null;
  const out: Json = {
    StabilizationWindowSeconds: rules.stabilizationWindowSeconds ?? null,
    SelectPolicy: rules.selectPolicy ?? null,
    Policies: policies,
  };
  if (rules.tolerance !== undefined) out.Tolerance = rules.tolerance; // 1.33+ only
  return out;
}

function behaviorToGo(behavior: Json): Json {
  return { ScaleUp: rulesToGo(behavior.scaleUp), ScaleDown: rulesToGo(behavior.scaleDown) };
}

/** A field matched the way encoding/json matches keys: exactly, else ignoring case. */
function getFold(o: Json, name: string): unknown {
  if (name in o) return o[name];
  const lower = name.toLowerCase();
  const key = Object.keys(o).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : o[key];
}

function rulesFromGo(value: unknown): Json | undefined {
  if (!isObject(value)) return undefined;
  const out: Json = {};
  const window = getFold(value, 'StabilizationWindowSeconds');
  if (window !== undefined && window !== null) out.stabilizationWindowSeconds = window;
  const select = getFold(value, 'SelectPolicy');
  if (select !== undefined && select !== null) out.selectPolicy = select;
  const policies = getFold(value, 'Policies');
  if (Array.isArray(policies)) {
    out.policies = policies.map((p) => {
      const policy = obj(p);
      return { type: getFold(policy, 'Type') ?? '', value: getFold(policy, 'Value') ?? 0, periodSeconds: getFold(policy, 'PeriodSeconds') ?? 0 };
    });
  }
  const tolerance = getFold(value, 'Tolerance');
  if (tolerance !== undefined && tolerance !== null) out.tolerance = tolerance;
  return out;
}

/** The behavior, or undefined when the annotation decodes to the zero behavior (upstream keeps nil). */
function behaviorFromGo(value: unknown): Json | undefined {
  if (!isObject(value)) return undefined;
  const out: Json = {};
  const up = rulesFromGo(getFold(value, 'ScaleUp'));
  const down = rulesFromGo(getFold(value, 'ScaleDown'));
  if (up) out.scaleUp = up;
  if (down) out.scaleDown = down;
  return Object.keys(out).length > 0 ? out : undefined;
}

// ---- whole objects -----------------------------------------------------------------------------

function isCpuResource(metric: Json): boolean {
  return metric.type === 'Resource' && obj(metric.resource).name === 'cpu';
}

function hasCpuUtilizationTarget(metric: Json): boolean {
  const utilization = obj(obj(metric.resource).target).averageUtilization;
  return isCpuResource(metric) && utilization !== undefined && utilization !== null;
}

function specToV1(spec: Json): Json {
  const out: Json = { scaleTargetRef: crossVersionRef(spec.scaleTargetRef) };
  copyIfSet(out, 'minReplicas', spec);
  out.maxReplicas = spec.maxReplicas ?? 0;
  // The first CPU Resource metric decides, whether or not it is a utilization (upstream `break`s).
  const cpu = arr(spec.metrics).map(obj).find(isCpuResource);
  const utilization = cpu && obj(obj(cpu.resource).target).averageUtilization;
  if (utilization !== undefined && utilization !== null) out.targetCPUUtilizationPercentage = utilization;
  return out;
}

function statusToV1(status: Json): Json {
  const out: Json = {};
  copyIfSet(out, 'observedGeneration', status);
  copyIfSet(out, 'lastScaleTime', status);
  out.currentReplicas = status.currentReplicas ?? 0;
  out.desiredReplicas = status.desiredReplicas ?? 0;
  // No `break` upstream: the last CPU metric with a utilization wins.
  for (const metric of arr(status.currentMetrics).map(obj)) {
    const utilization = obj(obj(metric.resource).current).averageUtilization;
    if (isCpuResource(metric) && utilization !== undefined && utilization !== null) {
      out.currentCPUUtilizationPercentage = utilization;
    }
  }
  return out;
}

/** Convert_autoscaling_HorizontalPodAutoscaler_To_v1_HorizontalPodAutoscaler, from a stored v2 object. */
export function hpaV2ToV1(v2: KubeObject): KubeObject {
  const spec = obj(v2.spec);
  const status = obj(v2.status);
  const metadata = metadataWithoutRoundTrip(v2.metadata ?? {});
  const otherMetrics = arr(spec.metrics).map(obj).filter((m) => !hasCpuUtilizationTarget(m)).map(metricSpecToV1);
  if (otherMetrics.length > 0) setAnnotation(metadata, METRIC_SPECS_ANNOTATION, otherMetrics);
  // The raw statuses are kept even when one maps to the CPU percentage, to keep the raw value.
  const currentMetrics = arr(status.currentMetrics).map(obj);
  if (currentMetrics.length > 0) setAnnotation(metadata, METRIC_STATUSES_ANNOTATION, currentMetrics.map(metricStatusToV1));
  const conditions = arr(status.conditions);
  if (conditions.length > 0) setAnnotation(metadata, CONDITIONS_ANNOTATION, conditions);
  if (isObject(spec.behavior)) setAnnotation(metadata, BEHAVIOR_SPECS_ANNOTATION, behaviorToGo(spec.behavior));
  const { apiVersion: _a, kind: _k, metadata: _m, spec: _s, status: _st, ...rest } = v2;
  return { ...rest, apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata, spec: specToV1(spec), status: statusToV1(status) };
}

function specToV2(v1: KubeObject): Json {
  const spec = obj(v1.spec);
  const out: Json = { scaleTargetRef: crossVersionRef(spec.scaleTargetRef) };
  // SetDefaults_HorizontalPodAutoscaler (autoscaling/v1): minReplicas defaults to 1.
  out.minReplicas = spec.minReplicas ?? 1;
  out.maxReplicas = spec.maxReplicas ?? 0;
  let metrics: Json[] = [];
  const pct = spec.targetCPUUtilizationPercentage;
  if (pct !== undefined && pct !== null) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: pct } } });
  }
  const other = annotationJson(v1, METRIC_SPECS_ANNOTATION);
  // The normal spec conversion's single CPU metric goes after the annotation's metrics.
  if (Array.isArray(other)) metrics = [...other.map(obj).map(metricSpecToV2), ...metrics];
  // v1's implicit default, once applied by the controller, made explicit.
  if (metrics.length === 0) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } });
  }
  out.metrics = metrics;
  const behavior = behaviorFromGo(annotationJson(v1, BEHAVIOR_SPECS_ANNOTATION));
  if (behavior) out.behavior = behavior;
  return out;
}

function statusToV2(v1: KubeObject): Json {
  const status = obj(v1.status);
  const out: Json = {};
  copyIfSet(out, 'observedGeneration', status);
  copyIfSet(out, 'lastScaleTime', status);
  // v2's currentReplicas is omitempty; desiredReplicas is not.
  if (status.currentReplicas) out.currentReplicas = status.currentReplicas;
  out.desiredReplicas = status.desiredReplicas ?? 0;
  const pct = status.currentCPUUtilizationPercentage;
  if (pct !== undefined && pct !== null) {
    out.currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: pct } } }];
  }
  // The annotation's statuses have more information than the percentage: they replace it.
  const current = annotationJson(v1, METRIC_STATUSES_ANNOTATION);
  if (Array.isArray(current)) out.currentMetrics = current.map(obj).map(metricStatusToV2);
  const conditions = annotationJson(v1, CONDITIONS_ANNOTATION);
  if (Array.isArray(conditions)) out.conditions = conditions;
  return out;
}

/** Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler, to the stored v2 shape. */
export function hpaV1ToV2(v1: KubeObject): KubeObject {
  const { apiVersion: _a, kind: _k, metadata: _m, spec: _s, status: _st, ...rest } = v1;
  return {
    ...rest,
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    // Upstream drops the round-trip annotations after reading them into the internal object.
    metadata: metadataWithoutRoundTrip(v1.metadata ?? {}),
    spec: specToV2(v1),
    status: statusToV2(v1),
  };
}

/** The converter of the autoscaling/v1 definition (storage version v2). */
export const hpaV1Converter: VersionConverter = { toStorage: hpaV1ToV2, fromStorage: hpaV2ToV1 };
