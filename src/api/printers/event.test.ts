import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { eventPrinter, eventsV1EventPrinter } from './event.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ctx = { now: NOW };
const ago = (ms: number) => new Date(NOW - ms).toISOString().replace('.000Z', 'Z');
const agoMicro = (ms: number) => new Date(NOW - ms).toISOString().replace('Z', '000Z');
const MIN = 60_000;

function coreEvent(extra: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web-1.17d', namespace: 'default', creationTimestamp: ago(10 * MIN) },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', fieldPath: 'spec.containers{web}' },
    type: 'Normal',
    reason: 'Pulled',
    message: '  Successfully pulled image "nginx"\n',
    source: { component: 'kubelet', host: 'node-1' },
    ...extra,
  };
}

describe('event printer', () => {
  it('columns: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE plus wide ones (NAME last, wide)', () => {
    expect(eventPrinter.columns.map((c) => [c.name, c.priority, c.format])).toEqual([
      ['Last Seen', 0, ''],
      ['Type', 0, ''],
      ['Reason', 0, ''],
      ['Object', 0, ''],
      ['Subobject', 1, ''],
      ['Source', 1, ''],
      ['Message', 0, ''],
      ['First Seen', 1, ''],
      ['Count', 1, ''],
      ['Name', 1, 'name'],
    ]);
  });

  it('classic events: last/first timestamps, count, source with host', () => {
    const e = coreEvent({ firstTimestamp: ago(9 * MIN), lastTimestamp: ago(2 * MIN), count: 4 });
    expect(eventPrinter.row(e, ctx)).toEqual([
      '2m',
      'Normal',
      'Pulled',
      'pod/web-1',
      'spec.containers{web}',
      'kubelet, node-1',
      'Successfully pulled image "nginx"',
      '9m',
      4,
      'web-1.17d',
    ]);
  });

  it('new-style events: eventTime for first seen, series for last seen/count, reporting controller as source', () => {
    const e = coreEvent({
      source: {},
      eventTime: agoMicro(7 * MIN),
      reportingComponent: 'default-scheduler',
      reportingInstance: '',
      series: { count: 3, lastObservedTime: agoMicro(30_000) },
      firstTimestamp: null,
      lastTimestamp: null,
    });
    const cells = eventPrinter.row(e, ctx);
    expect([cells[0], cells[5], cells[7], cells[8]]).toEqual(['30s', 'default-scheduler', '7m', 3]);
  });

  it('singleton events without count read 1; no times read <unknown>', () => {
    const e = coreEvent({ source: {}, involvedObject: { kind: 'Node' } });
    const cells = eventPrinter.row(e, ctx);
    expect([cells[0], cells[3], cells[5], cells[7], cells[8]]).toEqual(['<unknown>', 'node', '', '<unknown>', 1]);
  });

  it('last seen falls back to first seen', () => {
    const cells = eventPrinter.row(coreEvent({ firstTimestamp: ago(90 * MIN) }), ctx);
    expect([cells[0], cells[7]]).toEqual(['90m', '90m']);
  });
});

describe('events.k8s.io/v1 event printer', () => {
  it('reads regarding/note/deprecated* fields into the same table', () => {
    const e: KubeObject = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e1', namespace: 'default' },
      eventTime: agoMicro(5 * MIN),
      regarding: { kind: 'Deployment', name: 'web' },
      note: 'Scaled up replica set web-abc to 3',
      reason: 'ScalingReplicaSet',
      type: 'Normal',
      reportingController: 'deployment-controller',
      reportingInstance: 'cp-1',
      deprecatedCount: 2,
      deprecatedLastTimestamp: ago(MIN),
    };
    expect(eventsV1EventPrinter.columns).toBe(eventPrinter.columns);
    expect(eventsV1EventPrinter.row(e, ctx)).toEqual([
      '60s',
      'Normal',
      'ScalingReplicaSet',
      'deployment/web',
      '',
      'deployment-controller, cp-1',
      'Scaled up replica set web-abc to 3',
      '5m',
      2,
      'e1',
    ]);
  });

  it('still reads an object in the core shape', () => {
    const e = coreEvent({ firstTimestamp: ago(MIN), count: 1 });
    expect(eventsV1EventPrinter.row(e, ctx)).toEqual(eventPrinter.row(e, ctx));
  });
});
