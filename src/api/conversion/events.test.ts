import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { coreEventToEventsV1, eventsV1Converter, eventsV1ToCoreEvent } from './index.js';

const core: KubeObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web.17a', namespace: 'default', uid: 'u1' },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'web', uid: 'p1', apiVersion: 'v1', fieldPath: 'spec.containers{web}' },
  reason: 'Pulled',
  message: 'Successfully pulled image',
  source: { component: 'kubelet', host: 'node-1' },
  firstTimestamp: '2024-01-01T00:00:00Z',
  lastTimestamp: '2024-01-01T00:01:00Z',
  count: 3,
  type: 'Normal',
  eventTime: null,
  series: { count: 2, lastObservedTime: '2024-01-01T00:01:00.000000Z' },
  action: 'Pull',
  related: { kind: 'Node', name: 'node-1' },
  reportingComponent: 'kubelet',
  reportingInstance: 'node-1',
};

describe('core/v1 Event ⇄ events.k8s.io/v1 Event', () => {
  it('renames the fields as upstream conversion does', () => {
    const ev = coreEventToEventsV1(core);
    expect(ev).toEqual({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: core.metadata,
      eventTime: null,
      series: core.series,
      reportingController: 'kubelet',
      reportingInstance: 'node-1',
      action: 'Pull',
      reason: 'Pulled',
      regarding: core.involvedObject,
      related: core.related,
      note: 'Successfully pulled image',
      type: 'Normal',
      deprecatedSource: core.source,
      deprecatedFirstTimestamp: '2024-01-01T00:00:00Z',
      deprecatedLastTimestamp: '2024-01-01T00:01:00Z',
      deprecatedCount: 3,
    });
  });

  it('round-trips through the events API', () => {
    expect(eventsV1Converter.toStorage(eventsV1Converter.fromStorage(core))).toEqual(core);
  });

  it('fills what core/v1 always serializes for an event written through events.k8s.io', () => {
    const written: KubeObject = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'default' },
      eventTime: '2024-01-01T00:00:00.000000Z',
      reportingController: 'example.com/ctrl',
      reportingInstance: 'ctrl-1',
      action: 'Reconcile',
      reason: 'Synced',
      regarding: { kind: 'Deployment', name: 'web', namespace: 'default' },
      note: 'done',
      type: 'Normal',
    };
    const stored = eventsV1ToCoreEvent(written);
    expect(stored).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'default' },
      eventTime: '2024-01-01T00:00:00.000000Z',
      reportingComponent: 'example.com/ctrl',
      reportingInstance: 'ctrl-1',
      action: 'Reconcile',
      reason: 'Synced',
      involvedObject: { kind: 'Deployment', name: 'web', namespace: 'default' },
      message: 'done',
      type: 'Normal',
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
    });
    expect(coreEventToEventsV1(stored)).toEqual({ ...written, deprecatedSource: {}, metadata: written.metadata });
  });

  it('drops a zero count and empty strings, which both sides omit', () => {
    const ev = coreEventToEventsV1({ ...core, count: 0, reportingComponent: '', reportingInstance: '' });
    expect(ev).not.toHaveProperty('deprecatedCount');
    expect(ev).not.toHaveProperty('reportingController');
    expect(ev).not.toHaveProperty('reportingInstance');
  });
});
