// Strategic-merge-patch metadata of the built-in kinds: the `patchStrategy` and `patchMergeKey`
// struct tags of k8s.io/api, which upstream reads by reflection and we spell out as data.
// A field without metadata is merged when it is a map and replaced when it is a list, so only
// the fields that carry a tag (and the structs on the way to them) appear here.

export interface PatchMeta {
  /** 'merge', 'retainKeys', 'merge,retainKeys' or 'replace', as in the struct tag. */
  strategy?: string;
  /** The field identifying list elements (lists of maps with the merge strategy). */
  mergeKey?: string;
  /** The metadata of a struct's fields. */
  fields?: Record<string, PatchMeta>;
  /** The metadata of list elements, or of map values. */
  items?: PatchMeta;
}

// ---- building blocks ---------------------------------------------------------------------------

function struct(fields: Record<string, PatchMeta>): PatchMeta {
  return { fields };
}

/** A list of maps merged by `mergeKey` (`patchStrategy:"merge" patchMergeKey:"…"`). */
function mergeBy(mergeKey: string, items?: PatchMeta, strategy = 'merge'): PatchMeta {
  return items ? { strategy, mergeKey, items } : { strategy, mergeKey };
}

/** A list of primitives merged as a set (`patchStrategy:"merge"` without a key). */
const primitiveSet: PatchMeta = { strategy: 'merge' };

/** `conditions` of every status that tags them: merged by condition type. */
const conditions = mergeBy('type');
const statusWithConditions = struct({ conditions });

const objectMeta = struct({
  ownerReferences: mergeBy('uid'),
  finalizers: primitiveSet,
});

// Container, EphemeralContainer and init containers share these tags (EphemeralContainerCommon).
const container = struct({
  ports: mergeBy('containerPort'),
  env: mergeBy('name'),
  volumeMounts: mergeBy('mountPath'),
  volumeDevices: mergeBy('devicePath'),
});

const podSpec = struct({
  // retainKeys: a volume is a union of sources; switching source clears the old one.
  volumes: mergeBy('name', undefined, 'merge,retainKeys'),
  initContainers: mergeBy('name', container),
  containers: mergeBy('name', container),
  ephemeralContainers: mergeBy('name', container),
  imagePullSecrets: mergeBy('name'),
  hostAliases: mergeBy('ip'),
  topologySpreadConstraints: mergeBy('topologyKey'),
  schedulingGates: mergeBy('name'),
  resourceClaims: mergeBy('name', undefined, 'merge,retainKeys'),
});

const podStatus = struct({
  conditions,
  podIPs: mergeBy('ip'),
  hostIPs: mergeBy('ip'),
  resourceClaimStatuses: mergeBy('name', undefined, 'merge,retainKeys'),
});

const podTemplateSpec = struct({ metadata: objectMeta, spec: podSpec });

/** A top-level kind: ObjectMeta plus its own fields. */
function kind(fields: Record<string, PatchMeta> = {}): PatchMeta {
  return struct({ metadata: objectMeta, ...fields });
}

/** Workloads that carry a pod template at spec.template and conditions in their status. */
function workload(specFields: Record<string, PatchMeta> = {}): PatchMeta {
  return kind({ spec: struct({ template: podTemplateSpec, ...specFields }), status: statusWithConditions });
}

const pvc = kind({ status: statusWithConditions });

const jobSpec = struct({ template: podTemplateSpec });

// ---- the kinds -----------------------------------------------------------------------------------

const KINDS: Record<string, PatchMeta> = {
  // core/v1
  '/Pod': kind({ spec: podSpec, status: podStatus }),
  '/PodTemplate': kind({ template: podTemplateSpec }),
  '/ReplicationController': workload(),
  '/Service': kind({ spec: struct({ ports: mergeBy('port') }), status: statusWithConditions }),
  '/Endpoints': kind(),
  '/Node': kind({
    spec: struct({ podCIDRs: primitiveSet }),
    status: struct({ conditions, addresses: mergeBy('type') }),
  }),
  '/Namespace': kind({ status: statusWithConditions }),
  '/ConfigMap': kind(),
  '/Secret': kind(),
  '/ServiceAccount': kind({ secrets: mergeBy('name') }),
  '/Event': kind(),
  '/PersistentVolume': kind(),
  '/PersistentVolumeClaim': pvc,
  '/ResourceQuota': kind(),
  '/LimitRange': kind(),
  '/Binding': kind(),
  // apps/v1
  'apps/Deployment': workload({ strategy: { strategy: 'retainKeys' } }),
  'apps/ReplicaSet': workload(),
  'apps/DaemonSet': workload(),
  'apps/StatefulSet': workload({ volumeClaimTemplates: { items: pvc } }),
  'apps/ControllerRevision': kind(),
  // batch/v1
  'batch/Job': kind({ spec: jobSpec, status: statusWithConditions }),
  'batch/CronJob': kind({ spec: struct({ jobTemplate: struct({ metadata: objectMeta, spec: jobSpec }) }) }),
  // the rest: ObjectMeta, and status conditions where tagged
  'discovery.k8s.io/EndpointSlice': kind(),
  'events.k8s.io/Event': kind(),
  'networking.k8s.io/Ingress': kind(),
  'networking.k8s.io/IngressClass': kind(),
  'networking.k8s.io/NetworkPolicy': kind(),
  'rbac.authorization.k8s.io/Role': kind(),
  'rbac.authorization.k8s.io/ClusterRole': kind(),
  'rbac.authorization.k8s.io/RoleBinding': kind(),
  'rbac.authorization.k8s.io/ClusterRoleBinding': kind(),
  'policy/PodDisruptionBudget': kind({ status: statusWithConditions }),
  'autoscaling/HorizontalPodAutoscaler': kind({ status: statusWithConditions }),
  'coordination.k8s.io/Lease': kind(),
  'storage.k8s.io/StorageClass': kind(),
  'scheduling.k8s.io/PriorityClass': kind(),
  'apiregistration.k8s.io/APIService': kind({ status: statusWithConditions }),
  'apiextensions.k8s.io/CustomResourceDefinition': kind(),
};

/**
 * The patch metadata of a built-in kind; undefined for kinds we do not know (custom resources),
 * whose lists are then replaced as JSON merge patch does.
 */
export function patchMetaFor(group: string, kind: string): PatchMeta | undefined {
  return KINDS[`${group}/${kind}`];
}

// ---- reading metadata ----------------------------------------------------------------------------

/** The metadata of a map's field: a struct's field, or the value of a map of structs. */
export function fieldPatchMeta(meta: PatchMeta | undefined, key: string): PatchMeta | undefined {
  if (!meta) return undefined;
  if (meta.fields) return meta.fields[key];
  // Only a map-of-values meta hands its `items` to every key; a list's items are its elements.
  return meta.strategy === undefined && meta.mergeKey === undefined ? meta.items : undefined;
}

/** Whether the field's strategy ("merge,retainKeys") includes `strategy`. */
export function hasPatchStrategy(meta: PatchMeta | undefined, strategy: string): boolean {
  return (meta?.strategy ?? '').split(',').includes(strategy);
}
