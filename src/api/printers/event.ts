// Event printers (kubernetes printers.go printEvent). Upstream prints the internal Event, which
// both core/v1 and events.k8s.io/v1 convert to; here each served shape has its own field reader.
import type { Cell, PrintContext, TablePrinter } from '../resource.js';
import type { KubeObject } from '../types.js';
import { NAME, col, wide } from './columns.js';
import { DOCS } from './descriptions.js';
import { translateTimestampSince } from './duration.js';
import { num, rec, str, type Json } from './json.js';

/** The fields printEvent reads, under their internal names. */
interface EventFields {
  name: string;
  firstTimestamp: unknown;
  lastTimestamp: unknown;
  eventTime: unknown;
  series: Json | undefined;
  count: number;
  involvedObject: Json;
  source: Json;
  reportingController: string;
  reportingInstance: string;
  type: string;
  reason: string;
  message: string;
}

function seriesOf(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' ? rec(value) : undefined;
}

/** core/v1 field names (note: reportingComponent is the JSON name of ReportingController). */
function coreFields(e: KubeObject): EventFields {
  return {
    name: e.metadata.name ?? '',
    firstTimestamp: e.firstTimestamp,
    lastTimestamp: e.lastTimestamp,
    eventTime: e.eventTime,
    series: seriesOf(e.series),
    count: num(e.count),
    involvedObject: rec(e.involvedObject),
    source: rec(e.source),
    reportingController: str(e.reportingComponent),
    reportingInstance: str(e.reportingInstance),
    type: str(e.type),
    reason: str(e.reason),
    message: str(e.message),
  };
}

/** events.k8s.io/v1 field names (pkg/apis/events/v1 conversion renames). */
function eventsV1Fields(e: KubeObject): EventFields {
  return {
    name: e.metadata.name ?? '',
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    eventTime: e.eventTime,
    series: seriesOf(e.series),
    count: num(e.deprecatedCount),
    involvedObject: rec(e.regarding),
    source: rec(e.deprecatedSource),
    reportingController: str(e.reportingController),
    reportingInstance: str(e.reportingInstance),
    type: str(e.type),
    reason: str(e.reason),
    message: str(e.note),
  };
}

function since(ts: unknown, now: number): string {
  return translateTimestampSince(typeof ts === 'string' ? ts : undefined, now);
}

function hasTime(ts: unknown): boolean {
  return typeof ts === 'string' && ts !== '';
}

/** formatEventSource: component (or reporting controller), then ", host" (or instance) if any. */
function eventSource(e: EventFields): string {
  const component = str(e.source.component) || e.reportingController;
  const instance = str(e.source.host) || e.reportingInstance;
  return instance === '' ? component : `${component}, ${instance}`;
}

/** "kind/name" in lower-case kind, or just the kind without a name. */
function eventObject(involved: Json): string {
  const kind = str(involved.kind).toLowerCase();
  const name = str(involved.name);
  return name === '' ? kind : `${kind}/${name}`;
}

function eventRow(e: EventFields, ctx: PrintContext): Cell[] {
  // Events of the new API have eventTime instead of firstTimestamp and a series instead of count.
  const first = hasTime(e.firstTimestamp) ? since(e.firstTimestamp, ctx.now) : since(e.eventTime, ctx.now);
  let last = hasTime(e.lastTimestamp) ? since(e.lastTimestamp, ctx.now) : first;
  let count = e.count;
  if (e.series !== undefined) {
    last = since(e.series.lastObservedTime, ctx.now);
    count = num(e.series.count);
  } else if (count === 0) {
    // Singleton events don't have a count set in the new API.
    count = 1;
  }
  return [
    last,
    e.type,
    e.reason,
    eventObject(e.involvedObject),
    str(e.involvedObject.fieldPath),
    eventSource(e),
    e.message.trim(),
    first,
    count,
    e.name,
  ];
}

const EVENT_COLUMNS = [
  col('Last Seen', 'string', DOCS.eventLastTimestamp),
  col('Type', 'string', DOCS.eventType),
  col('Reason', 'string', DOCS.eventReason),
  col('Object', 'string', DOCS.eventInvolvedObject),
  wide('Subobject', 'string', DOCS.objectRefFieldPath),
  wide('Source', 'string', DOCS.eventSource),
  col('Message', 'string', DOCS.eventMessage),
  wide('First Seen', 'string', DOCS.eventFirstTimestamp),
  wide('Count', 'string', DOCS.eventCount),
  { ...NAME, priority: 1 },
];

/** Which API's field names obj uses: its apiVersion says, else the fields it carries do. */
function fieldsOf(obj: KubeObject, preferEventsV1: boolean): EventFields {
  const apiVersion = str(obj.apiVersion);
  if (apiVersion.startsWith('events.k8s.io/')) return eventsV1Fields(obj);
  if (apiVersion === 'v1') return coreFields(obj);
  const looksV1 = 'regarding' in obj || 'note' in obj;
  const looksCore = 'involvedObject' in obj || 'message' in obj;
  if (looksV1 !== looksCore) return looksV1 ? eventsV1Fields(obj) : coreFields(obj);
  return preferEventsV1 ? eventsV1Fields(obj) : coreFields(obj);
}

/** core/v1 Event. */
export const eventPrinter: TablePrinter = {
  columns: EVENT_COLUMNS,
  row: (obj, ctx) => eventRow(fieldsOf(obj, false), ctx),
};

/** events.k8s.io/v1 Event: the same table, read from that API's field names. */
export const eventsV1EventPrinter: TablePrinter = {
  columns: EVENT_COLUMNS,
  row: (obj, ctx) => eventRow(fieldsOf(obj, true), ctx),
};
