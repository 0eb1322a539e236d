// HorizontalPodAutoscaler printer (kubernetes printers.go printHorizontalPodAutoscaler and
// formatHPAMetrics). Upstream prints the internal (v2-shaped) object, so autoscaling/v1 objects
// are converted first, exactly as the server converts them for storage.
import { hpaV1ToV2 } from '../conversion/hpa.js';
import type { TablePrinter } from '../resource.js';
import type { KubeObject } from '../types.js';
import { AGE, NAME, col } from './columns.js';
import { DOCS } from './descriptions.js';
import { translateTimestampSince } from './duration.js';
import { quantityString } from './format.js';
import { at, num, rec, recs, str, type Json } from './json.js';

/** At most this many metrics are listed; the rest become "+ N more...". */
const MAX_METRICS = 2;

/** A nil *Quantity prints "<nil>" (Quantity.String on a nil pointer). */
function q(value: unknown): string {
  return quantityString(value, '<nil>');
}

/** "%d%%" of a utilization, or undefined when unset. */
function percent(value: unknown): string | undefined {
  return typeof value === 'number' ? `${Math.trunc(value)}%` : undefined;
}

/** External and Object metrics: "cur/target (avg)" for average targets, else "cur/target". */
function valueMetric(target: Json, current: Json | undefined): string {
  const now = current === undefined ? undefined : rec(current.current);
  if (target.averageValue != null) {
    const cur = now !== undefined && now.averageValue != null ? q(now.averageValue) : '<unknown>';
    return `${cur}/${q(target.averageValue)} (avg)`;
  }
  const cur = now !== undefined ? q(now.value) : '<unknown>';
  return `${cur}/${q(target.value)}`;
}

/** Resource and ContainerResource metrics: "cpu: 20%/50%" or "memory: 100Mi/200Mi". */
function resourceMetric(source: Json, current: Json | undefined): string {
  const target = rec(source.target);
  const resource = str(source.name);
  if (target.averageValue != null) {
    const cur = current !== undefined ? q(rec(current.current).averageValue) : '<unknown>';
    return `${resource}: ${cur}/${q(target.averageValue)}`;
  }
  const cur = (current !== undefined ? percent(rec(current.current).averageUtilization) : undefined) ?? '<unknown>';
  return `${resource}: ${cur}/${percent(target.averageUtilization) ?? '<auto>'}`;
}

/** The status entry at the same index, when it carries the given source field. */
function statusAt(statuses: Json[], i: number, field: string): Json | undefined {
  const s = statuses[i];
  return s !== undefined && s[field] != null ? rec(s[field]) : undefined;
}

function formatMetric(spec: Json, statuses: Json[], i: number): string {
  switch (spec.type) {
    case 'External':
      return valueMetric(rec(at(spec, 'external', 'target')), statusAt(statuses, i, 'external'));
    case 'Pods': {
      const current = statusAt(statuses, i, 'pods');
      const cur = current !== undefined ? q(rec(current.current).averageValue) : '<unknown>';
      return `${cur}/${q(at(spec, 'pods', 'target', 'averageValue'))}`;
    }
    case 'Object':
      return valueMetric(rec(at(spec, 'object', 'target')), statusAt(statuses, i, 'object'));
    case 'Resource':
      return resourceMetric(rec(spec.resource), statusAt(statuses, i, 'resource'));
    case 'ContainerResource':
      return resourceMetric(rec(spec.containerResource), statusAt(statuses, i, 'containerResource'));
    default:
      return '<unknown type>';
  }
}

/** formatHPAMetrics: the TARGETS column. */
export function formatHPAMetrics(specs: Json[], statuses: Json[]): string {
  if (specs.length === 0) return '<none>';
  const all = specs.map((spec, i) => formatMetric(spec, statuses, i));
  if (all.length <= MAX_METRICS) return all.join(', ');
  return `${all.slice(0, MAX_METRICS).join(', ')} + ${all.length - MAX_METRICS} more...`;
}

/** The v2 shape of an HPA (autoscaling/v1 objects are converted as the server does). */
function asV2(obj: KubeObject): KubeObject {
  if (obj.apiVersion === 'autoscaling/v1') return hpaV1ToV2(obj);
  // Without an apiVersion, only v1 has targetCPUUtilizationPercentage.
  const spec = rec(obj.spec);
  const v1Shaped = spec.metrics === undefined && spec.targetCPUUtilizationPercentage !== undefined;
  return obj.apiVersion === undefined && v1Shaped ? hpaV1ToV2(obj) : obj;
}

export const horizontalPodAutoscalerPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Reference', 'string', DOCS.hpaScaleTargetRef),
    col('Targets', 'string', DOCS.hpaMetrics),
    col('MinPods', 'string', DOCS.hpaMinReplicas),
    col('MaxPods', 'string', DOCS.hpaMaxReplicas),
    col('Replicas', 'string', DOCS.hpaCurrentReplicas),
    AGE,
  ],
  row(input, ctx) {
    const obj = asV2(input);
    const spec = rec(obj.spec);
    const ref = rec(spec.scaleTargetRef);
    const min = spec.minReplicas;
    return [
      obj.metadata.name ?? '',
      `${str(ref.kind)}/${str(ref.name)}`,
      formatHPAMetrics(recs(spec.metrics), recs(at(obj, 'status', 'currentMetrics'))),
      typeof min === 'number' ? String(min) : '<unset>',
      num(spec.maxReplicas),
      num(at(obj, 'status', 'currentReplicas')),
      translateTimestampSince(input.metadata.creationTimestamp, ctx.now),
    ];
  },
};
