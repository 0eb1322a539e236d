// core/v1 Event (the storage shape) ⇄ events.k8s.io/v1 Event.
// Facts from kubernetes pkg/apis/events/v1/conversion.go: the fields with equal names convert
// as they are, and these are renamed:
//   involvedObject ⇄ regarding, message ⇄ note, source ⇄ deprecatedSource,
//   firstTimestamp ⇄ deprecatedFirstTimestamp, lastTimestamp ⇄ deprecatedLastTimestamp,
//   count ⇄ deprecatedCount, and the core JSON name reportingComponent ⇄ reportingController
//   (both are the internal ReportingController field).
// Both versions are served from one store entry, so an Event created through either API is
// visible through the other.
import type { VersionConverter } from '../resource.js';
import type { KubeObject } from '../types.js';
import { copyIfSet, type Json } from './json.js';

/** [core/v1 JSON name, events.k8s.io/v1 JSON name] for every field the two share. */
const FIELD_PAIRS: [string, string][] = [
  ['eventTime', 'eventTime'],
  ['series', 'series'],
  ['reportingComponent', 'reportingController'],
  ['reportingInstance', 'reportingInstance'],
  ['action', 'action'],
  ['reason', 'reason'],
  ['involvedObject', 'regarding'],
  ['related', 'related'],
  ['message', 'note'],
  ['type', 'type'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
];

/**
 * What Go's encoding/json always writes for a core/v1 Event (fields without omitempty, and structs,
 * which omitempty never drops): kubectl -o yaml shows them, e.g. `reportingComponent: ""`.
 */
const CORE_ALWAYS: Json = {
  involvedObject: {},
  source: {},
  firstTimestamp: null,
  lastTimestamp: null,
  eventTime: null,
  reportingComponent: '',
  reportingInstance: '',
};

/** The same for events.k8s.io/v1 (eventTime is required; regarding and deprecatedSource are structs). */
const EVENTS_ALWAYS: Json = { eventTime: null, regarding: {}, deprecatedSource: {} };

function renamed(from: KubeObject, pairs: [string, string][], always: Json): Json {
  const out: Json = {};
  for (const [src, dst] of pairs) {
    copyIfSet(out, dst, from, src);
    // An empty string or zero count is omitempty on the side that has it: drop it unless required.
    if (out[dst] === '' || out[dst] === 0) delete out[dst];
    if (out[dst] === undefined && dst in always) out[dst] = structuredClone(always[dst]);
  }
  return out;
}

/** core/v1 Event → events.k8s.io/v1 Event. */
export function coreEventToEventsV1(core: KubeObject): KubeObject {
  const fields = renamed(core, FIELD_PAIRS, EVENTS_ALWAYS);
  return { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { ...core.metadata }, ...fields };
}

/** events.k8s.io/v1 Event → core/v1 Event (the stored shape). */
export function eventsV1ToCoreEvent(event: KubeObject): KubeObject {
  const pairs = FIELD_PAIRS.map(([core, events]): [string, string] => [events, core]);
  const fields = renamed(event, pairs, CORE_ALWAYS);
  return { apiVersion: 'v1', kind: 'Event', metadata: { ...(event.metadata ?? {}) }, ...fields };
}

/** The converter of the events.k8s.io/v1 definition (stored as core/v1 events). */
export const eventsV1Converter: VersionConverter = { toStorage: eventsV1ToCoreEvent, fromStorage: coreEventToEventsV1 };
