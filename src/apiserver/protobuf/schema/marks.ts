// Shorthands used by the hand-written .proto subsets in this folder.
//
// Field numbers and wire types come from upstream's generated.proto files; field *names* here
// are the JSON names (upstream's proto names sometimes differ, e.g. BoundObjectReference's
// "aPIVersion"), because the decoder emits JSON. Three custom options carry what the .proto
// cannot say about Go's encoding/json output:
//   (keep)   a scalar whose zero value Go still prints: a pointer (*int32 replicas = 0) or a
//            field without `omitempty`. gogo-protobuf writes every non-pointer scalar, so
//            without this mark a present zero value is dropped, as `omitempty` would.
//   (nul)    a list, map or pointer without `omitempty`: Go prints `null` when it is absent.
//   (inline) an embedded struct (`json:",inline"`): its fields are merged into the parent.

export const KEEP = '[(keep)=true]';
export const NUL = '[(nul)=true]';
export const INLINE = '[(inline)=true]';

export const META = '.k8s.io.apimachinery.pkg.apis.meta.v1';
export const QTY = '.k8s.io.apimachinery.pkg.api.resource.Quantity';
export const IOS = '.k8s.io.apimachinery.pkg.util.intstr.IntOrString';
export const RAW = '.k8s.io.apimachinery.pkg.runtime.RawExtension';
export const CORE = '.k8s.io.api.core.v1';
