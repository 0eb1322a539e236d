import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { podPrinter, podTemplatePrinter } from './pod.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ctx = { now: NOW };
const ago = (ms: number) => new Date(NOW - ms).toISOString().replace('.000Z', 'Z');
const MIN = 60_000;

function pod(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', creationTimestamp: ago(10 * MIN), ...meta },
    spec: { containers: [{ name: 'a', image: 'nginx' }], ...spec },
    status,
  };
}

const running = { running: { startedAt: ago(9 * MIN) } };
const cs = (name: string, extra: Record<string, unknown>) => ({ name, ready: false, restartCount: 0, state: {}, ...extra });

/** [READY, STATUS, RESTARTS] */
function summary(p: KubeObject): [unknown, unknown, unknown] {
  const cells = podPrinter.row(p, ctx);
  return [cells[1], cells[2], cells[3]];
}

describe('pod printer columns', () => {
  it('has upstream columns with wide ones at priority 1', () => {
    expect(podPrinter.columns.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0],
      ['Ready', 'string', 0],
      ['Status', 'string', 0],
      ['Restarts', 'string', 0],
      ['Age', 'string', 0],
      ['IP', 'string', 1],
      ['Node', 'string', 1],
      ['Nominated Node', 'string', 1],
      ['Readiness Gates', 'string', 1],
    ]);
    expect(podPrinter.columns[0].format).toBe('name');
    expect(podPrinter.columns[1].format).toBe('');
  });
});

describe('pod STATUS / READY / RESTARTS', () => {
  it('pending without statuses shows the phase', () => {
    expect(summary(pod({}, { phase: 'Pending' }))).toEqual(['0/1', 'Pending', '0']);
  });

  it('ContainerCreating while waiting', () => {
    const p = pod({}, { phase: 'Pending', containerStatuses: [cs('a', { state: { waiting: { reason: 'ContainerCreating' } } })] });
    expect(summary(p)).toEqual(['0/1', 'ContainerCreating', '0']);
  });

  it('running and ready', () => {
    const p = pod({}, { phase: 'Running', containerStatuses: [cs('a', { ready: true, state: running })] });
    expect(summary(p)).toEqual(['1/1', 'Running', '0']);
  });

  it('ready 1/2 with one container not ready', () => {
    const p = pod(
      { containers: [{ name: 'a' }, { name: 'b' }] },
      { phase: 'Running', containerStatuses: [cs('a', { ready: true, state: running }), cs('b', { ready: false, state: running })] },
    );
    expect(summary(p)).toEqual(['1/2', 'Running', '0']);
  });

  it('CrashLoopBackOff with restarts and the time of the last one', () => {
    const p = pod({}, {
      phase: 'Running',
      containerStatuses: [
        cs('a', {
          restartCount: 3,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(5 * MIN) } },
        }),
      ],
    });
    expect(summary(p)).toEqual(['0/1', 'CrashLoopBackOff', '3 (5m ago)']);
  });

  it('restarts without a last termination time print the bare count', () => {
    const p = pod({}, { phase: 'Running', containerStatuses: [cs('a', { ready: true, restartCount: 2, state: running })] });
    expect(summary(p)).toEqual(['1/1', 'Running', '2']);
  });

  it('restarts sum over containers, the newest termination counts', () => {
    const p = pod(
      { containers: [{ name: 'a' }, { name: 'b' }] },
      {
        phase: 'Running',
        containerStatuses: [
          cs('a', { ready: true, restartCount: 1, state: running, lastState: { terminated: { finishedAt: ago(3 * 60 * MIN) } } }),
          cs('b', { ready: true, restartCount: 4, state: running, lastState: { terminated: { finishedAt: ago(90_000) } } }),
        ],
      },
    );
    expect(summary(p)).toEqual(['2/2', 'Running', '5 (90s ago)']);
  });

  it('Completed when all containers terminated with reason Completed', () => {
    const p = pod({}, { phase: 'Succeeded', containerStatuses: [cs('a', { state: { terminated: { exitCode: 0, reason: 'Completed' } } })] });
    expect(summary(p)).toEqual(['0/1', 'Completed', '0']);
  });

  it('Completed container with another still running reads Running (Ready) or NotReady', () => {
    const statuses = [
      cs('a', { state: { terminated: { exitCode: 0, reason: 'Completed' } } }),
      cs('b', { ready: true, state: running }),
    ];
    const spec = { containers: [{ name: 'a' }, { name: 'b' }] };
    const ready = pod(spec, { phase: 'Running', containerStatuses: statuses, conditions: [{ type: 'Ready', status: 'True' }] });
    expect(summary(ready)).toEqual(['1/2', 'Running', '0']);
    const notReady = pod(spec, { phase: 'Running', containerStatuses: statuses, conditions: [{ type: 'Ready', status: 'False' }] });
    expect(summary(notReady)).toEqual(['1/2', 'NotReady', '0']);
  });

  it('terminated without reason shows the exit code or signal', () => {
    const exit = pod({}, { phase: 'Failed', containerStatuses: [cs('a', { state: { terminated: { exitCode: 137 } } })] });
    expect(summary(exit)[1]).toBe('ExitCode:137');
    const signal = pod({}, { phase: 'Failed', containerStatuses: [cs('a', { state: { terminated: { exitCode: 0, signal: 9 } } })] });
    expect(summary(signal)[1]).toBe('Signal:9');
  });

  it('the first container (walked last) decides the reason', () => {
    const p = pod(
      { containers: [{ name: 'a' }, { name: 'b' }] },
      {
        phase: 'Pending',
        containerStatuses: [
          cs('a', { state: { waiting: { reason: 'ImagePullBackOff' } } }),
          cs('b', { state: { waiting: { reason: 'ErrImagePull' } } }),
        ],
      },
    );
    expect(summary(p)[1]).toBe('ImagePullBackOff');
  });

  it('evicted pods show status.reason over the phase', () => {
    const p = pod({}, { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' });
    expect(summary(p)).toEqual(['0/1', 'Evicted', '0']);
  });

  it('SchedulingGated from the PodScheduled condition', () => {
    const p = pod({}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] });
    expect(summary(p)[1]).toBe('SchedulingGated');
  });

  it('Terminating once deletion started (unless terminal)', () => {
    const p = pod({}, { phase: 'Running', containerStatuses: [cs('a', { ready: true, state: running })] }, { deletionTimestamp: ago(0) });
    expect(summary(p)).toEqual(['1/1', 'Terminating', '0']);
    const done = pod({}, { phase: 'Succeeded', containerStatuses: [cs('a', { state: { terminated: { exitCode: 0, reason: 'Completed' } } })] }, { deletionTimestamp: ago(0) });
    expect(summary(done)[1]).toBe('Completed');
  });

  it('NodeLost pods being deleted are Unknown', () => {
    const p = pod({}, { phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: ago(0) });
    expect(summary(p)[1]).toBe('Unknown');
    const notDeleted = pod({}, { phase: 'Running', reason: 'NodeLost' });
    expect(summary(notDeleted)[1]).toBe('NodeLost');
  });
});

describe('pod init containers', () => {
  const spec = { initContainers: [{ name: 'i1' }, { name: 'i2' }] };

  it('Init:i/n while an init container runs', () => {
    const p = pod(spec, {
      phase: 'Pending',
      initContainerStatuses: [
        cs('i1', { state: { terminated: { exitCode: 0, reason: 'Completed' } } }),
        cs('i2', { state: running }),
      ],
      containerStatuses: [cs('a', { state: { waiting: { reason: 'PodInitializing' } } })],
    });
    expect(summary(p)).toEqual(['0/1', 'Init:1/2', '0']);
  });

  it('Init:0/n while the first one waits for PodInitializing', () => {
    const p = pod(spec, {
      phase: 'Pending',
      initContainerStatuses: [cs('i1', { state: { waiting: { reason: 'PodInitializing' } } }), cs('i2', {})],
    });
    expect(summary(p)[1]).toBe('Init:0/2');
  });

  it('Init:Error and Init:CrashLoopBackOff; init restarts count while initializing', () => {
    const failed = pod(spec, {
      phase: 'Pending',
      initContainerStatuses: [cs('i1', { restartCount: 2, state: { terminated: { exitCode: 1, reason: 'Error' } } })],
    });
    expect(summary(failed)).toEqual(['0/1', 'Init:Error', '2']);
    const looping = pod(spec, {
      phase: 'Pending',
      initContainerStatuses: [
        cs('i1', { restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { finishedAt: ago(2 * MIN) } } }),
      ],
    });
    expect(summary(looping)).toEqual(['0/1', 'Init:CrashLoopBackOff', '4 (2m ago)']);
  });

  it('Init:ExitCode / Init:Signal without a reason', () => {
    const p = pod(spec, { phase: 'Pending', initContainerStatuses: [cs('i1', { state: { terminated: { exitCode: 3 } } })] });
    expect(summary(p)[1]).toBe('Init:ExitCode:3');
    const s = pod(spec, { phase: 'Pending', initContainerStatuses: [cs('i1', { state: { terminated: { exitCode: 3, signal: 15 } } })] });
    expect(summary(s)[1]).toBe('Init:Signal:15');
  });

  it('after initialization, plain init container restarts no longer count', () => {
    const p = pod(spec, {
      phase: 'Running',
      initContainerStatuses: [
        cs('i1', { restartCount: 3, state: { terminated: { exitCode: 0, reason: 'Completed' } } }),
        cs('i2', { state: { terminated: { exitCode: 0, reason: 'Completed' } } }),
      ],
      containerStatuses: [cs('a', { ready: true, restartCount: 1, state: running })],
    });
    expect(summary(p)).toEqual(['1/1', 'Running', '1']);
  });

  it('sidecars (restartPolicy Always) count in READY and RESTARTS', () => {
    const p = pod(
      { initContainers: [{ name: 'sidecar', restartPolicy: 'Always' }] },
      {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: [cs('sidecar', { started: true, ready: true, restartCount: 2, state: running, lastState: { terminated: { finishedAt: ago(MIN * 4) } } })],
        containerStatuses: [cs('a', { ready: true, state: running })],
      },
    );
    expect(summary(p)).toEqual(['2/2', 'Running', '2 (4m ago)']);
  });
});

describe('pod wide columns', () => {
  it('prints <none> for missing IP, node, nominated node and gates', () => {
    const cells = podPrinter.row(pod({}, { phase: 'Pending' }), ctx);
    expect(cells).toEqual(['p', '0/1', 'Pending', '0', '10m', '<none>', '<none>', '<none>', '<none>']);
  });

  it('prints the first pod IP, node and readiness gates', () => {
    const p = pod(
      { nodeName: 'node-1', readinessGates: [{ conditionType: 'example.com/a' }, { conditionType: 'example.com/b' }] },
      {
        phase: 'Running',
        podIP: '10.0.0.5',
        podIPs: [{ ip: '10.0.0.5' }, { ip: 'fd00::5' }],
        nominatedNodeName: 'node-2',
        conditions: [
          { type: 'example.com/a', status: 'True' },
          { type: 'example.com/b', status: 'False' },
        ],
      },
    );
    expect(podPrinter.row(p, ctx).slice(5)).toEqual(['10.0.0.5', 'node-1', 'node-2', '1/2']);
  });

  it('falls back to status.podIP without podIPs', () => {
    const cells = podPrinter.row(pod({}, { phase: 'Running', podIP: '10.1.2.3' }), ctx);
    expect(cells[5]).toBe('10.1.2.3');
  });
});

describe('podTemplate printer', () => {
  it('prints containers, images and pod labels', () => {
    const t: KubeObject = {
      metadata: { name: 't' },
      template: { metadata: { labels: { b: '2', a: '1' } }, spec: { containers: [{ name: 'x', image: 'i1' }, { name: 'y', image: 'i2' }] } },
    };
    expect(podTemplatePrinter.columns.map((c) => c.name)).toEqual(['Name', 'Containers', 'Images', 'Pod Labels']);
    expect(podTemplatePrinter.row(t, ctx)).toEqual(['t', 'x,y', 'i1,i2', 'a=1,b=2']);
  });
});
