// apimachinery: runtime, api/resource, util/intstr and apis/meta/v1 (subset). Field numbers from
// k8s.io/apimachinery pkg/runtime/generated.proto, pkg/api/resource/generated.proto,
// pkg/util/intstr/generated.proto and pkg/apis/meta/v1/generated.proto.
import { KEEP, META } from './marks.js';

export const RUNTIME_PROTO = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.runtime;
message RawExtension { optional bytes raw = 1; }
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown {
  optional TypeMeta typeMeta = 1;
  optional bytes raw = 2;
  optional string contentEncoding = 3;
  optional string contentType = 4;
}
`;

export const RESOURCE_PROTO = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.api.resource;
message Quantity { optional string string = 1; }
`;

export const INTSTR_PROTO = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.util.intstr;
message IntOrString { optional int64 type = 1; optional int32 intVal = 2; optional string strVal = 3; }
`;

export const META_PROTO = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.apis.meta.v1;
message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message MicroTime { optional int64 seconds = 1; optional int32 nanos = 2; }
message Duration { optional int64 duration = 1; }
message FieldsV1 { optional bytes Raw = 1; }
message ObjectMeta {
  optional string name = 1;
  optional string generateName = 2;
  optional string namespace = 3;
  optional string selfLink = 4;
  optional string uid = 5;
  optional string resourceVersion = 6;
  optional int64 generation = 7;
  optional Time creationTimestamp = 8;
  optional Time deletionTimestamp = 9;
  optional int64 deletionGracePeriodSeconds = 10 ${KEEP};
  map<string, string> labels = 11;
  map<string, string> annotations = 12;
  repeated OwnerReference ownerReferences = 13;
  repeated string finalizers = 14;
  repeated ManagedFieldsEntry managedFields = 17;
}
message OwnerReference {
  optional string kind = 1 ${KEEP};
  optional string name = 3 ${KEEP};
  optional string uid = 4 ${KEEP};
  optional string apiVersion = 5 ${KEEP};
  optional bool controller = 6 ${KEEP};
  optional bool blockOwnerDeletion = 7 ${KEEP};
}
message ManagedFieldsEntry {
  optional string manager = 1;
  optional string operation = 2;
  optional string apiVersion = 3;
  optional Time time = 4;
  optional string fieldsType = 6;
  optional FieldsV1 fieldsV1 = 7;
  optional string subresource = 8;
}
message ListMeta {
  optional string selfLink = 1;
  optional string resourceVersion = 2;
  optional string continue = 3;
  optional int64 remainingItemCount = 4 ${KEEP};
}
message LabelSelector {
  map<string, string> matchLabels = 1;
  repeated LabelSelectorRequirement matchExpressions = 2;
}
message LabelSelectorRequirement {
  optional string key = 1 ${KEEP};
  optional string operator = 2 ${KEEP};
  repeated string values = 3;
}
message FieldSelectorRequirement {
  optional string key = 1 ${KEEP};
  optional string operator = 2 ${KEEP};
  repeated string values = 3;
}
message Condition {
  optional string type = 1 ${KEEP};
  optional string status = 2 ${KEEP};
  optional int64 observedGeneration = 3;
  optional Time lastTransitionTime = 4;
  optional string reason = 5 ${KEEP};
  optional string message = 6 ${KEEP};
}
message Preconditions {
  optional string uid = 1 ${KEEP};
  optional string resourceVersion = 2 ${KEEP};
}
message DeleteOptions {
  optional int64 gracePeriodSeconds = 1 ${KEEP};
  optional Preconditions preconditions = 2;
  optional bool orphanDependents = 3 ${KEEP};
  optional string propagationPolicy = 4 ${KEEP};
  repeated string dryRun = 5;
  optional bool ignoreStoreReadErrorWithClusterBreakingPotential = 6 ${KEEP};
}
`;

/** Messages whose JSON form is not an object; the decoder converts them by full name. */
export const SPECIAL = {
  time: `${META}.Time`,
  microTime: `${META}.MicroTime`,
  duration: `${META}.Duration`,
  fieldsV1: `${META}.FieldsV1`,
  quantity: '.k8s.io.apimachinery.pkg.api.resource.Quantity',
  intOrString: '.k8s.io.apimachinery.pkg.util.intstr.IntOrString',
  rawExtension: '.k8s.io.apimachinery.pkg.runtime.RawExtension',
} as const;
