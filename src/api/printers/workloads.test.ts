import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { horizontalPodAutoscalerPrinter } from './hpa.js';
import {
  controllerRevisionPrinter,
  cronJobPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  jobPrinter,
  podDisruptionBudgetPrinter,
  replicaSetPrinter,
  replicationControllerPrinter,
  statefulSetPrinter,
} from './workloads.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ctx = { now: NOW };
const ago = (ms: number) => new Date(NOW - ms).toISOString().replace('.000Z', 'Z');
const MIN = 60_000;
const H = 60 * MIN;

function obj(extra: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name: 'x', creationTimestamp: ago(5 * MIN), ...meta }, ...extra };
}

const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'nginx:1' }, { name: 'side', image: 'busybox' }] },
};

describe('deployment printer', () => {
  it('has READY, UP-TO-DATE, AVAILABLE and the wide template columns', () => {
    expect(deploymentPrinter.columns.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0],
      ['Ready', 'string', 0],
      ['Up-to-date', 'string', 0],
      ['Available', 'string', 0],
      ['Age', 'string', 0],
      ['Containers', 'string', 1],
      ['Images', 'string', 1],
      ['Selector', 'string', 1],
    ]);
  });

  it('prints ready/desired and integer counts', () => {
    const d = obj({
      spec: { replicas: 3, selector: { matchLabels: { app: 'web', tier: 'fe' } }, template },
      status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    });
    expect(deploymentPrinter.row(d, ctx)).toEqual(['x', '2/3', 3, 2, '5m', 'web,side', 'nginx:1,busybox', 'app=web,tier=fe']);
  });

  it('a fresh deployment reads 0/N with zeros', () => {
    const d = obj({ spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template }, status: {} });
    expect(deploymentPrinter.row(d, ctx).slice(1, 4)).toEqual(['0/2', 0, 0]);
  });

  it('selector expressions print like labels.Selector.String()', () => {
    const d = obj({
      spec: {
        selector: {
          matchLabels: { z: '1' },
          matchExpressions: [
            { key: 'env', operator: 'In', values: ['prod', 'dev'] },
            { key: 'tier', operator: 'NotIn', values: ['db'] },
            { key: 'canary', operator: 'DoesNotExist' },
            { key: 'app', operator: 'Exists' },
          ],
        },
        template,
      },
    });
    expect(deploymentPrinter.row(d, ctx)[7]).toBe('app,!canary,env in (dev,prod),tier notin (db),z=1');
  });
});

describe('replicaset / replicationcontroller / daemonset / statefulset', () => {
  it('replicaset prints desired, current, ready as integers', () => {
    const rs = obj({ spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template }, status: { replicas: 3, readyReplicas: 1 } });
    expect(replicaSetPrinter.columns.map((c) => c.name)).toEqual(['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector']);
    expect(replicaSetPrinter.columns.slice(1, 4).every((c) => c.type === 'integer')).toBe(true);
    expect(replicaSetPrinter.row(rs, ctx)).toEqual(['x', 3, 3, 1, '5m', 'web,side', 'nginx:1,busybox', 'app=web']);
  });

  it('replicaset with zero replicas and an empty selector', () => {
    const rs = obj({ spec: { replicas: 0, selector: {}, template }, status: { replicas: 0 } });
    expect(replicaSetPrinter.row(rs, ctx)).toEqual(['x', 0, 0, 0, '5m', 'web,side', 'nginx:1,busybox', '<none>']);
  });

  it('replicationcontroller formats its map selector', () => {
    const rc = obj({ spec: { replicas: 2, selector: { app: 'web' }, template }, status: { replicas: 2, readyReplicas: 2 } });
    expect(replicationControllerPrinter.row(rc, ctx)).toEqual(['x', 2, 2, 2, '5m', 'web,side', 'nginx:1,busybox', 'app=web']);
  });

  it('daemonset prints scheduling counts and the node selector', () => {
    const ds = obj({
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'a', image: 'agent' }] } } },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
    });
    expect(daemonSetPrinter.columns.map((c) => c.name)).toEqual([
      'Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', 'Containers', 'Images', 'Selector',
    ]);
    expect(daemonSetPrinter.row(ds, ctx)).toEqual(['x', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '5m', 'a', 'agent', 'app=agent']);
    const bare = obj({ spec: { template: { spec: {} } }, status: {} });
    expect(daemonSetPrinter.row(bare, ctx)[6]).toBe('<none>');
  });

  it('statefulset prints READY as ready/desired', () => {
    const sts = obj({ spec: { replicas: 3, template }, status: { readyReplicas: 1 } });
    expect(statefulSetPrinter.columns.map((c) => c.name)).toEqual(['Name', 'Ready', 'Age', 'Containers', 'Images']);
    expect(statefulSetPrinter.row(sts, ctx)).toEqual(['x', '1/3', '5m', 'web,side', 'nginx:1,busybox']);
  });
});

describe('controllerrevision printer', () => {
  it('prints the controller as lower-case kind.group/name and the revision', () => {
    const cr = obj(
      { revision: 2, data: {} },
      { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'u', controller: true }] },
    );
    expect(controllerRevisionPrinter.row(cr, ctx)).toEqual(['x', 'daemonset.apps/agent', 2, '5m']);
    expect(controllerRevisionPrinter.row(obj({ revision: 1 }), ctx)[1]).toBe('<none>');
  });
});

describe('job printer', () => {
  it('has the 1.30+ columns (STATUS, COMPLETIONS, DURATION)', () => {
    expect(jobPrinter.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Status', 0],
      ['Completions', 0],
      ['Duration', 0],
      ['Age', 0],
      ['Containers', 1],
      ['Images', 1],
      ['Selector', 1],
    ]);
  });

  const job = (spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}) =>
    obj({ spec: { template, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } }, ...spec }, status }, meta);

  it('a running job: duration since start', () => {
    const j = job({ completions: 3, parallelism: 1 }, { startTime: ago(150_000), succeeded: 1, active: 1 });
    expect(jobPrinter.row(j, ctx).slice(0, 5)).toEqual(['x', 'Running', '1/3', '2m30s', '5m']);
  });

  it('a complete job: completion minus start', () => {
    const j = job(
      { completions: 1 },
      { startTime: ago(4 * MIN), completionTime: ago(4 * MIN - 12_000), succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] },
    );
    expect(jobPrinter.row(j, ctx).slice(1, 4)).toEqual(['Complete', '1/1', '12s']);
  });

  it('not started: empty duration', () => {
    const j = job({ completions: 1 }, {});
    expect(jobPrinter.row(j, ctx).slice(1, 4)).toEqual(['Running', '0/1', '']);
  });

  it('work-queue jobs without completions', () => {
    expect(jobPrinter.row(job({ parallelism: 4 }, { succeeded: 2 }), ctx)[2]).toBe('2/1 of 4');
    expect(jobPrinter.row(job({ parallelism: 1 }, {}), ctx)[2]).toBe('0/1');
  });

  it('status order: Complete, Failed, Terminating, Suspended, FailureTarget, Running', () => {
    const cond = (type: string, status = 'True') => ({ conditions: [{ type, status }] });
    expect(jobPrinter.row(job({}, cond('Failed')), ctx)[1]).toBe('Failed');
    expect(jobPrinter.row(job({}, cond('Suspended')), ctx)[1]).toBe('Suspended');
    expect(jobPrinter.row(job({}, cond('FailureTarget')), ctx)[1]).toBe('FailureTarget');
    expect(jobPrinter.row(job({}, cond('Failed', 'False')), ctx)[1]).toBe('Running');
    expect(jobPrinter.row(job({}, cond('Suspended'), { deletionTimestamp: ago(0) }), ctx)[1]).toBe('Terminating');
    expect(jobPrinter.row(job({}, cond('Complete'), { deletionTimestamp: ago(0) }), ctx)[1]).toBe('Complete');
  });

  it('wide cells: containers, images, selector', () => {
    const j = job({}, {});
    expect(jobPrinter.row(j, ctx).slice(5)).toEqual(['web,side', 'nginx:1,busybox', 'batch.kubernetes.io/controller-uid=u1']);
  });
});

describe('cronjob printer', () => {
  it('has the upstream columns (with Timezone)', () => {
    expect(cronJobPrinter.columns.map((c) => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Schedule', 'string'],
      ['Timezone', 'string'],
      ['Suspend', 'boolean'],
      ['Active', 'integer'],
      ['Last Schedule', 'string'],
      ['Age', 'string'],
      ['Containers', 'string'],
      ['Images', 'string'],
      ['Selector', 'string'],
    ]);
  });

  it('prints LAST SCHEDULE as an age, <none> before the first run', () => {
    const cj = obj({
      spec: { schedule: '*/5 * * * *', suspend: false, jobTemplate: { spec: { template } } },
      status: { active: [{ name: 'j1' }], lastScheduleTime: ago(3 * MIN) },
    });
    expect(cronJobPrinter.row(cj, ctx)).toEqual(['x', '*/5 * * * *', '<none>', 'False', 1, '3m', '5m', 'web,side', 'nginx:1,busybox', '<none>']);
    const fresh = obj({ spec: { schedule: '@hourly', timeZone: 'Etc/UTC', suspend: true, jobTemplate: { spec: { template } } } });
    expect(cronJobPrinter.row(fresh, ctx).slice(1, 6)).toEqual(['@hourly', 'Etc/UTC', 'True', 0, '<none>']);
    const unset = obj({ spec: { schedule: '@daily', jobTemplate: {} } });
    expect(cronJobPrinter.row(unset, ctx)[3]).toBe('<unset>');
  });
});

describe('poddisruptionbudget printer', () => {
  it('prints int-or-string bounds and N/A', () => {
    const pdb = obj({ spec: { minAvailable: 2 }, status: { disruptionsAllowed: 1 } });
    expect(podDisruptionBudgetPrinter.row(pdb, ctx)).toEqual(['x', '2', 'N/A', 1, '5m']);
    const pct = obj({ spec: { maxUnavailable: '25%' }, status: {} });
    expect(podDisruptionBudgetPrinter.row(pct, ctx)).toEqual(['x', 'N/A', '25%', 0, '5m']);
  });
});

describe('horizontalpodautoscaler printer', () => {
  const hpa = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) =>
    obj({
      apiVersion: 'autoscaling/v2',
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 10, ...spec },
      status,
    });
  const cpu = (util?: number) => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: util } } });

  it('has the upstream columns', () => {
    expect(horizontalPodAutoscalerPrinter.columns.map((c) => c.name)).toEqual(['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
  });

  it('cpu: current/target utilization', () => {
    const h = hpa({ metrics: [cpu(50)] }, { currentReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 20, averageValue: '100m' } } }] });
    expect(horizontalPodAutoscalerPrinter.row(h, ctx)).toEqual(['x', 'Deployment/web', 'cpu: 20%/50%', '1', 10, 2, '5m']);
  });

  it('<unknown> before metrics arrive, <auto> without a target utilization', () => {
    expect(horizontalPodAutoscalerPrinter.row(hpa({ metrics: [cpu(50)] }), ctx)[2]).toBe('cpu: <unknown>/50%');
    expect(horizontalPodAutoscalerPrinter.row(hpa({ metrics: [cpu()] }), ctx)[2]).toBe('cpu: <unknown>/<auto>');
  });

  it('average values, pods, object and external metrics; "+ N more..." past two', () => {
    const metrics = [
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '200Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
      { type: 'Object', object: { metric: { name: 'hits' }, target: { type: 'Value', value: '5' } } },
    ];
    const status = {
      currentMetrics: [
        { type: 'Resource', resource: { name: 'memory', current: { averageValue: '120Mi' } } },
        { type: 'Pods', pods: { metric: { name: 'qps' }, current: { averageValue: '7' } } },
      ],
    };
    expect(horizontalPodAutoscalerPrinter.row(hpa({ metrics }, status), ctx)[2]).toBe('memory: 120Mi/200Mi, 7/10 + 1 more...');
    expect(horizontalPodAutoscalerPrinter.row(hpa({ metrics: metrics.slice(2) }), ctx)[2]).toBe('<unknown>/5');
    const ext = [{ type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } }];
    expect(horizontalPodAutoscalerPrinter.row(hpa({ metrics: ext }), ctx)[2]).toBe('<unknown>/30 (avg)');
  });

  it('<none> without metrics, <unset> without minReplicas', () => {
    const h = obj({ apiVersion: 'autoscaling/v2', spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3 } });
    expect(horizontalPodAutoscalerPrinter.row(h, ctx).slice(2, 6)).toEqual(['<none>', '<unset>', 3, 0]);
  });

  it('reads autoscaling/v1 objects through the v1→v2 conversion', () => {
    const v1 = obj({
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
      status: { currentReplicas: 1, desiredReplicas: 1, currentCPUUtilizationPercentage: 30 },
    });
    expect(horizontalPodAutoscalerPrinter.row(v1, ctx)).toEqual(['x', 'Deployment/web', 'cpu: 30%/50%', '1', 5, 1, '5m']);
  });
});
