import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import {
  BEHAVIOR_SPECS_ANNOTATION,
  CONDITIONS_ANNOTATION,
  hpaV1Converter,
  hpaV1ToV2,
  hpaV2ToV1,
  METRIC_SPECS_ANNOTATION,
  METRIC_STATUSES_ANNOTATION,
} from './index.js';

const ref = { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' };

function v1(spec: Record<string, unknown>, extra: Partial<KubeObject> = {}): KubeObject {
  return { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'default' }, spec: { scaleTargetRef: ref, maxReplicas: 5, ...spec }, ...extra };
}

const cpu = (n: number) => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: n } } });

describe('autoscaling/v1 → v2', () => {
  it('turns targetCPUUtilizationPercentage into a CPU Utilization metric', () => {
    const out = hpaV1ToV2(v1({ minReplicas: 2, targetCPUUtilizationPercentage: 50 }));
    expect(out.apiVersion).toBe('autoscaling/v2');
    expect(out.spec).toEqual({ scaleTargetRef: ref, minReplicas: 2, maxReplicas: 5, metrics: [cpu(50)] });
  });

  it('applies the v1 defaults: minReplicas 1 and an 80% CPU target', () => {
    const out = hpaV1ToV2(v1({}));
    expect(out.spec).toMatchObject({ minReplicas: 1, metrics: [cpu(80)] });
    expect(out.status).toEqual({ desiredReplicas: 0 });
  });

  it('turns currentCPUUtilizationPercentage into a current metric', () => {
    const out = hpaV1ToV2(v1({}, { status: { currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 42 } }));
    expect(out.status).toEqual({
      currentReplicas: 2,
      desiredReplicas: 3,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 42 } } }],
    });
  });

  it('reads the behavior annotation with Go field names, ignoring case, and drops it', () => {
    const annotations = {
      keep: 'me',
      [BEHAVIOR_SPECS_ANNOTATION]: '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15}]},"scaledown":{"stabilizationwindowseconds":300}}',
    };
    const out = hpaV1ToV2(v1({}, { metadata: { name: 'web', annotations } }));
    expect((out.spec as Record<string, unknown>).behavior).toEqual({
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }] },
      scaleDown: { stabilizationWindowSeconds: 300 },
    });
    expect(out.metadata.annotations).toEqual({ keep: 'me' });
  });

  it('ignores an annotation that does not parse', () => {
    const out = hpaV1ToV2(v1({ targetCPUUtilizationPercentage: 60 }, { metadata: { name: 'web', annotations: { [METRIC_SPECS_ANNOTATION]: '{nope' } } }));
    expect((out.spec as Record<string, unknown>).metrics).toEqual([cpu(60)]);
    expect(out.metadata.annotations).toBeUndefined();
  });
});

describe('autoscaling/v2 → v1', () => {
  const memory = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } };
  const pods = { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } };
  const external = {
    type: 'External',
    external: { metric: { name: 'queue', selector: { matchLabels: { q: 'a' } } }, target: { type: 'Value', value: '30' } },
  };
  const object = {
    type: 'Object',
    object: { describedObject: { kind: 'Service', name: 'svc', apiVersion: 'v1' }, metric: { name: 'rps' }, target: { type: 'Value', value: '2k' } },
  };
  const conditions = [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z', reason: 'ReadyForNewScale', message: 'ok' }];
  const currentMetrics = [
    { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 30, averageValue: '120m' } } },
    { type: 'Pods', pods: { metric: { name: 'qps' }, current: { averageValue: '7' } } },
  ];
  const behavior = { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] } };
  const stored: KubeObject = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default', annotations: { keep: 'me' } },
    spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, metrics: [memory, pods, external, object, cpu(50)], behavior },
    status: { currentReplicas: 2, desiredReplicas: 2, currentMetrics, conditions },
  };

  it('keeps the CPU target as the percentage and the rest in annotations', () => {
    const out = hpaV2ToV1(stored);
    expect(out.apiVersion).toBe('autoscaling/v1');
    expect(out.spec).toEqual({ scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 });
    expect(out.status).toEqual({ currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 30 });
    const annotations = out.metadata.annotations!;
    expect(annotations.keep).toBe('me');
    expect(JSON.parse(annotations[METRIC_SPECS_ANNOTATION])).toEqual([
      { type: 'Resource', resource: { name: 'memory', targetAverageValue: '500Mi' } },
      { type: 'Pods', pods: { metricName: 'qps', targetAverageValue: '10' } },
      { type: 'External', external: { metricName: 'queue', metricSelector: { matchLabels: { q: 'a' } }, targetValue: '30' } },
      { type: 'Object', object: { target: { kind: 'Service', name: 'svc', apiVersion: 'v1' }, metricName: 'rps', targetValue: '2k' } },
    ]);
    expect(JSON.parse(annotations[METRIC_STATUSES_ANNOTATION])).toEqual([
      { type: 'Resource', resource: { name: 'cpu', currentAverageUtilization: 30, currentAverageValue: '120m' } },
      { type: 'Pods', pods: { metricName: 'qps', currentAverageValue: '7' } },
    ]);
    expect(JSON.parse(annotations[CONDITIONS_ANNOTATION])).toEqual(conditions);
    expect(JSON.parse(annotations[BEHAVIOR_SPECS_ANNOTATION])).toEqual({
      ScaleUp: null,
      ScaleDown: { StabilizationWindowSeconds: 300, SelectPolicy: null, Policies: [{ Type: 'Percent', Value: 100, PeriodSeconds: 15 }] },
    });
  });

  it('round-trips through v1 without losing anything', () => {
    const back = hpaV1Converter.toStorage(hpaV1Converter.fromStorage(stored));
    expect(back).toEqual(stored);
  });

  it('does not pass stale round-trip annotations through', () => {
    const stale = { ...stored, metadata: { name: 'web', annotations: { [CONDITIONS_ANNOTATION]: '[]' } }, status: { desiredReplicas: 0 } };
    const out = hpaV2ToV1(stale);
    expect(out.metadata.annotations?.[CONDITIONS_ANNOTATION]).toBeUndefined();
  });

  it('writes no annotations for a plain CPU autoscaler', () => {
    const plain: KubeObject = { ...stored, metadata: { name: 'web' }, spec: { scaleTargetRef: ref, maxReplicas: 3, metrics: [cpu(70)] }, status: { desiredReplicas: 0 } };
    const out = hpaV2ToV1(plain);
    expect(out.metadata.annotations).toBeUndefined();
    expect(out.spec).toEqual({ scaleTargetRef: ref, maxReplicas: 3, targetCPUUtilizationPercentage: 70 });
    expect(out.status).toEqual({ currentReplicas: 0, desiredReplicas: 0 });
  });
});
