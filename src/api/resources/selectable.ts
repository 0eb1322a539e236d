// Field-selector fields of the built-in kinds, beyond metadata.name and metadata.namespace.
// Labels from kubernetes pkg/apis/core/v1/conversion.go (AddFieldLabelConversionFunc), apps/v1 and
// batch/v1 conversion.go, and pkg/apis/events/v1/conversion.go; values from each registry's
// ToSelectableFields (pkg/registry/<group>/<resource>/strategy.go).
// The server learns the accepted labels by calling these on `{metadata:{}}`, so every function
// returns all of its keys whatever the object holds.
import type { KubeObject } from '../types.js';
import { arr, obj } from '../conversion/json.js';

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A Go int32 formatted with strconv.Itoa (a missing field is 0). */
function int(value: unknown): string {
  return typeof value === 'number' ? String(Math.trunc(value)) : '0';
}

function bool(value: unknown): string {
  return value === true ? 'true' : 'false';
}

export function podFields(pod: KubeObject): Record<string, string> {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  // The first of status.podIPs, falling back to podIP (objects written by old clients).
  const podIP = str(obj(arr(status.podIPs)[0]).ip) || str(status.podIP);
  return {
    'spec.nodeName': str(spec.nodeName),
    'spec.restartPolicy': str(spec.restartPolicy),
    'spec.schedulerName': str(spec.schedulerName),
    'spec.serviceAccountName': str(spec.serviceAccountName),
    'spec.hostNetwork': bool(spec.hostNetwork),
    'status.phase': str(status.phase),
    'status.podIP': podIP,
    // Accepted as a label by the conversion func, but ToSelectableFields never fills it: it is "".
    'status.podIPs': '',
    'status.nominatedNodeName': str(status.nominatedNodeName),
  };
}

export function nodeFields(node: KubeObject): Record<string, string> {
  return { 'spec.unschedulable': bool(obj(node.spec).unschedulable) };
}

export function namespaceFields(ns: KubeObject): Record<string, string> {
  return { 'status.phase': str(obj(ns.status).phase) };
}

export function secretFields(secret: KubeObject): Record<string, string> {
  return { type: str(secret.type) };
}

/** Services (1.30+): spec.clusterIP and spec.type. */
export function serviceFields(svc: KubeObject): Record<string, string> {
  const spec = obj(svc.spec);
  return { 'spec.clusterIP': str(spec.clusterIP), 'spec.type': str(spec.type) };
}

/** ReplicationControllers and ReplicaSets. */
export function replicasFields(o: KubeObject): Record<string, string> {
  return { 'status.replicas': int(obj(o.status).replicas) };
}

export function jobFields(job: KubeObject): Record<string, string> {
  return { 'status.successful': int(obj(job.status).succeeded) };
}

/** The involved object, whichever version's shape the event is in. */
function involvedObject(event: KubeObject): Record<string, unknown> {
  return obj(event.involvedObject ?? event.regarding);
}

function eventSource(event: KubeObject): string {
  // `source` is source.component, else the reporting controller (core event strategy).
  const component = str(obj(event.source ?? event.deprecatedSource).component);
  return component || str(event.reportingComponent ?? event.reportingController);
}

/** core/v1 Events (the object may be in either version's shape). */
export function coreEventFields(event: KubeObject): Record<string, string> {
  const ref = involvedObject(event);
  return {
    'involvedObject.kind': str(ref.kind),
    'involvedObject.namespace': str(ref.namespace),
    'involvedObject.name': str(ref.name),
    'involvedObject.uid': str(ref.uid),
    'involvedObject.apiVersion': str(ref.apiVersion),
    'involvedObject.resourceVersion': str(ref.resourceVersion),
    'involvedObject.fieldPath': str(ref.fieldPath),
    reason: str(event.reason),
    reportingComponent: str(event.reportingComponent ?? event.reportingController),
    source: eventSource(event),
    type: str(event.type),
  };
}

/** events.k8s.io/v1 Events: the same fields under that API's labels (regarding.*, reportingController). */
export function eventsV1Fields(event: KubeObject): Record<string, string> {
  const core = coreEventFields(event);
  const out: Record<string, string> = {};
  for (const [label, value] of Object.entries(core)) {
    if (label.startsWith('involvedObject.')) out[`regarding.${label.slice('involvedObject.'.length)}`] = value;
    else if (label === 'reportingComponent') out.reportingController = value;
    else out[label] = value;
  }
  return out;
}
