// Compact field schemas of the built-in kinds, for fieldValidation (unknown-field detection the
// way sigs.k8s.io/json reports it: "spec.template.spec.containers[0].imagee"). A schema names
// each known field; '*' marks a free-form value (anything goes), '' a scalar leaf.
// When unsure whether a field exists, a subtree is left free-form: a false "unknown field" would
// turn a valid manifest into a 400 under kubectl's default Strict validation.

export type Schema = '' | '*' | { readonly [field: string]: Schema } | readonly [Schema] | { readonly $map: Schema };

const L = '' as const;
const ANY = '*' as const;

/** An object whose listed fields are scalars. */
function leaves(names: string, extra: Record<string, Schema> = {}): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const n of names.split(/\s+/).filter(Boolean)) out[n] = L;
  return { ...out, ...extra };
}
const list = (s: Schema): readonly [Schema] => [s];
const mapOf = (s: Schema): { $map: Schema } => ({ $map: s });
const STR_MAP = mapOf(L);

const OWNER_REF = leaves('apiVersion kind name uid controller blockOwnerDeletion');
export const OBJECT_META: Schema = leaves(
  'name generateName namespace selfLink uid resourceVersion generation creationTimestamp deletionTimestamp deletionGracePeriodSeconds',
  { labels: STR_MAP, annotations: STR_MAP, ownerReferences: list(OWNER_REF), finalizers: list(L), managedFields: list(ANY) },
);
const SELECTOR = { matchLabels: STR_MAP, matchExpressions: list(leaves('key operator', { values: list(L) })) };
const TYPED_LOCAL_REF = leaves('apiGroup kind name');
const LOCAL_REF = leaves('name');

const KEY_SELECTOR = leaves('name key optional');
const FIELD_REF = leaves('apiVersion fieldPath');
const RESOURCE_FIELD_REF = leaves('containerName resource divisor');
const ENV = leaves('name value', {
  valueFrom: { fieldRef: FIELD_REF, resourceFieldRef: RESOURCE_FIELD_REF, configMapKeyRef: KEY_SELECTOR, secretKeyRef: KEY_SELECTOR, fileKeyRef: ANY },
});
const ENV_FROM = leaves('prefix', { configMapRef: leaves('name optional'), secretRef: leaves('name optional') });
const HTTP_GET = leaves('path port host scheme', { httpHeaders: list(leaves('name value')) });
const HANDLER = {
  exec: { command: list(L) },
  httpGet: HTTP_GET,
  tcpSocket: leaves('port host'),
  grpc: leaves('port service'),
  sleep: leaves('seconds'),
};
const PROBE = leaves('initialDelaySeconds timeoutSeconds periodSeconds successThreshold failureThreshold terminationGracePeriodSeconds', HANDLER);
const LIFECYCLE = { postStart: HANDLER, preStop: HANDLER, stopSignal: L };
const RESOURCES = { limits: STR_MAP, requests: STR_MAP, claims: list(leaves('name request')) };
const CAPABILITIES = { add: list(L), drop: list(L) };
const SE_LINUX = leaves('user role type level');
const SECCOMP = leaves('type localhostProfile');
const APPARMOR = leaves('type localhostProfile');
const WINDOWS_OPTIONS = leaves('gmsaCredentialSpecName gmsaCredentialSpec runAsUserName hostProcess');
const SECURITY_CONTEXT = leaves('privileged runAsUser runAsGroup runAsNonRoot readOnlyRootFilesystem allowPrivilegeEscalation procMount', {
  capabilities: CAPABILITIES,
  seLinuxOptions: SE_LINUX,
  windowsOptions: WINDOWS_OPTIONS,
  seccompProfile: SECCOMP,
  appArmorProfile: APPARMOR,
});
const CONTAINER_BASE = leaves('name image workingDir imagePullPolicy terminationMessagePath terminationMessagePolicy stdin stdinOnce tty restartPolicy', {
  command: list(L),
  args: list(L),
  ports: list(leaves('name hostPort containerPort protocol hostIP')),
  envFrom: list(ENV_FROM),
  env: list(ENV),
  resources: RESOURCES,
  resizePolicy: list(leaves('resourceName restartPolicy')),
  restartPolicyRules: list(ANY),
  volumeMounts: list(leaves('name readOnly recursiveReadOnly mountPath subPath mountPropagation subPathExpr')),
  volumeDevices: list(leaves('name devicePath')),
  livenessProbe: PROBE,
  readinessProbe: PROBE,
  startupProbe: PROBE,
  lifecycle: LIFECYCLE,
  securityContext: SECURITY_CONTEXT,
});
const CONTAINER: Schema = CONTAINER_BASE;
const EPHEMERAL_CONTAINER: Schema = { ...CONTAINER_BASE, targetContainerName: L };

const KEY_TO_PATH = list(leaves('key path mode'));
const DOWNWARD_ITEMS = list(leaves('path mode', { fieldRef: FIELD_REF, resourceFieldRef: RESOURCE_FIELD_REF }));
const PVC_SPEC: Schema = leaves('volumeName storageClassName volumeMode volumeAttributesClassName', {
  accessModes: list(L),
  selector: SELECTOR,
  resources: RESOURCES,
  dataSource: TYPED_LOCAL_REF,
  dataSourceRef: leaves('apiGroup kind name namespace'),
});
const VOLUME: Schema = {
  name: L,
  hostPath: leaves('path type'),
  emptyDir: leaves('medium sizeLimit'),
  secret: leaves('secretName defaultMode optional', { items: KEY_TO_PATH }),
  configMap: leaves('name defaultMode optional', { items: KEY_TO_PATH }),
  persistentVolumeClaim: leaves('claimName readOnly'),
  downwardAPI: leaves('defaultMode', { items: DOWNWARD_ITEMS }),
  projected: leaves('defaultMode', {
    sources: list({
      secret: leaves('name optional', { items: KEY_TO_PATH }),
      configMap: leaves('name optional', { items: KEY_TO_PATH }),
      downwardAPI: { items: DOWNWARD_ITEMS },
      serviceAccountToken: leaves('audience expirationSeconds path'),
      clusterTrustBundle: ANY,
      podCertificate: ANY,
    }),
  }),
  ephemeral: { volumeClaimTemplate: { metadata: OBJECT_META, spec: PVC_SPEC } },
  nfs: leaves('server path readOnly'),
  csi: leaves('driver readOnly fsType', { volumeAttributes: STR_MAP, nodePublishSecretRef: LOCAL_REF }),
  image: leaves('reference pullPolicy'),
  gcePersistentDisk: ANY, awsElasticBlockStore: ANY, gitRepo: ANY, iscsi: ANY, glusterfs: ANY, rbd: ANY, flexVolume: ANY,
  cinder: ANY, cephfs: ANY, flocker: ANY, fc: ANY, azureFile: ANY, vsphereVolume: ANY, quobyte: ANY, azureDisk: ANY,
  photonPersistentDisk: ANY, portworxVolume: ANY, scaleIO: ANY, storageos: ANY,
};
const TOLERATION = leaves('key operator value effect tolerationSeconds');
const POD_SECURITY_CONTEXT = leaves('runAsUser runAsGroup runAsNonRoot fsGroup fsGroupChangePolicy supplementalGroupsPolicy seLinuxChangePolicy', {
  seLinuxOptions: SE_LINUX,
  windowsOptions: WINDOWS_OPTIONS,
  supplementalGroups: list(L),
  sysctls: list(leaves('name value')),
  seccompProfile: SECCOMP,
  appArmorProfile: APPARMOR,
});
export const POD_SPEC: Schema = leaves(
  'restartPolicy terminationGracePeriodSeconds activeDeadlineSeconds dnsPolicy serviceAccountName serviceAccount automountServiceAccountToken nodeName hostNetwork hostPID hostIPC shareProcessNamespace hostname subdomain schedulerName priorityClassName priority runtimeClassName enableServiceLinks preemptionPolicy setHostnameAsFQDN hostUsers hostnameOverride',
  {
    volumes: list(VOLUME),
    initContainers: list(CONTAINER),
    containers: list(CONTAINER),
    ephemeralContainers: list(EPHEMERAL_CONTAINER),
    nodeSelector: STR_MAP,
    securityContext: POD_SECURITY_CONTEXT,
    imagePullSecrets: list(LOCAL_REF),
    affinity: ANY,
    tolerations: list(TOLERATION),
    hostAliases: list(leaves('ip', { hostnames: list(L) })),
    dnsConfig: { nameservers: list(L), searches: list(L), options: list(leaves('name value')) },
    readinessGates: list(leaves('conditionType')),
    overhead: STR_MAP,
    topologySpreadConstraints: list(ANY),
    os: leaves('name'),
    schedulingGates: list(leaves('name')),
    resourceClaims: list(ANY),
    resources: RESOURCES,
  },
);
export const POD_TEMPLATE_SPEC: Schema = { metadata: OBJECT_META, spec: POD_SPEC };

const INT_OR_PERCENT_RU = leaves('maxUnavailable maxSurge');
const POD_STATUS = ANY;

function kind(fields: Record<string, Schema>): Schema {
  return { apiVersion: L, kind: L, metadata: OBJECT_META, ...fields };
}

const JOB_SPEC: Schema = leaves(
  'parallelism completions activeDeadlineSeconds backoffLimit backoffLimitPerIndex maxFailedIndexes manualSelector ttlSecondsAfterFinished completionMode suspend podReplacementPolicy managedBy',
  { podFailurePolicy: ANY, successPolicy: ANY, selector: SELECTOR, template: POD_TEMPLATE_SPEC },
);
const SERVICE_PORT = leaves('name protocol appProtocol port targetPort nodePort');
const ENDPOINT_ADDRESS = leaves('ip hostname nodeName', { targetRef: ANY });
const POLICY_RULE = { verbs: list(L), apiGroups: list(L), resources: list(L), resourceNames: list(L), nonResourceURLs: list(L) };
const SUBJECT = leaves('kind apiGroup name namespace');
const INGRESS_BACKEND = { service: { name: L, port: leaves('name number') }, resource: TYPED_LOCAL_REF };
const NP_PEER = { podSelector: SELECTOR, namespaceSelector: SELECTOR, ipBlock: { cidr: L, except: list(L) } };
const NP_PORT = leaves('protocol port endPort');
const CROSS_REF = leaves('kind name apiVersion');

export const SCHEMAS: Record<string, Schema> = {
  '/Pod': kind({ spec: POD_SPEC, status: POD_STATUS }),
  '/PodTemplate': kind({ template: POD_TEMPLATE_SPEC }),
  '/ReplicationController': kind({ spec: leaves('replicas minReadySeconds', { selector: STR_MAP, template: POD_TEMPLATE_SPEC }), status: ANY }),
  '/Service': kind({
    spec: leaves(
      'clusterIP type sessionAffinity loadBalancerIP externalName externalTrafficPolicy healthCheckNodePort publishNotReadyAddresses ipFamilyPolicy allocateLoadBalancerNodePorts loadBalancerClass internalTrafficPolicy trafficDistribution',
      {
        ports: list(SERVICE_PORT),
        selector: STR_MAP,
        clusterIPs: list(L),
        externalIPs: list(L),
        loadBalancerSourceRanges: list(L),
        sessionAffinityConfig: { clientIP: leaves('timeoutSeconds') },
        ipFamilies: list(L),
      },
    ),
    status: ANY,
  }),
  '/ConfigMap': kind({ immutable: L, data: STR_MAP, binaryData: STR_MAP }),
  '/Secret': kind({ immutable: L, data: STR_MAP, stringData: STR_MAP, type: L }),
  '/Namespace': kind({ spec: { finalizers: list(L) }, status: ANY }),
  '/Node': kind({
    spec: leaves('podCIDR providerID unschedulable externalID', { podCIDRs: list(L), taints: list(leaves('key value effect timeAdded')), configSource: ANY }),
    status: ANY,
  }),
  '/ServiceAccount': kind({ secrets: list(ANY), imagePullSecrets: list(LOCAL_REF), automountServiceAccountToken: L }),
  '/PersistentVolumeClaim': kind({ spec: PVC_SPEC, status: ANY }),
  '/PersistentVolume': kind({ spec: ANY, status: ANY }),
  '/Endpoints': kind({
    subsets: list({ addresses: list(ENDPOINT_ADDRESS), notReadyAddresses: list(ENDPOINT_ADDRESS), ports: list(leaves('name port protocol appProtocol')) }),
  }),
  '/Event': kind(
    leaves('reason message type count firstTimestamp lastTimestamp eventTime action reportingComponent reportingInstance', {
      involvedObject: leaves('kind namespace name uid apiVersion resourceVersion fieldPath'),
      source: leaves('component host'),
      series: ANY,
      related: ANY,
    }),
  ),
  '/LimitRange': kind({ spec: { limits: list(leaves('type', { max: STR_MAP, min: STR_MAP, default: STR_MAP, defaultRequest: STR_MAP, maxLimitRequestRatio: STR_MAP })) } }),
  '/ResourceQuota': kind({ spec: { hard: STR_MAP, scopes: list(L), scopeSelector: ANY }, status: ANY }),
  'apps/Deployment': kind({
    spec: leaves('replicas minReadySeconds revisionHistoryLimit paused progressDeadlineSeconds', {
      selector: SELECTOR,
      template: POD_TEMPLATE_SPEC,
      strategy: { type: L, rollingUpdate: INT_OR_PERCENT_RU },
    }),
    status: ANY,
  }),
  'apps/ReplicaSet': kind({ spec: leaves('replicas minReadySeconds', { selector: SELECTOR, template: POD_TEMPLATE_SPEC }), status: ANY }),
  'apps/DaemonSet': kind({
    spec: leaves('minReadySeconds revisionHistoryLimit', {
      selector: SELECTOR,
      template: POD_TEMPLATE_SPEC,
      updateStrategy: { type: L, rollingUpdate: INT_OR_PERCENT_RU },
    }),
    status: ANY,
  }),
  'apps/StatefulSet': kind({
    spec: leaves('replicas serviceName podManagementPolicy revisionHistoryLimit minReadySeconds', {
      selector: SELECTOR,
      template: POD_TEMPLATE_SPEC,
      volumeClaimTemplates: list({ apiVersion: L, kind: L, metadata: OBJECT_META, spec: PVC_SPEC, status: ANY }),
      updateStrategy: { type: L, rollingUpdate: leaves('partition maxUnavailable') },
      persistentVolumeClaimRetentionPolicy: leaves('whenDeleted whenScaled'),
      ordinals: leaves('start'),
    }),
    status: ANY,
  }),
  'apps/ControllerRevision': kind({ data: ANY, revision: L }),
  'batch/Job': kind({ spec: JOB_SPEC, status: ANY }),
  'batch/CronJob': kind({
    spec: leaves('schedule timeZone startingDeadlineSeconds concurrencyPolicy suspend successfulJobsHistoryLimit failedJobsHistoryLimit', {
      jobTemplate: { metadata: OBJECT_META, spec: JOB_SPEC },
    }),
    status: ANY,
  }),
  'rbac.authorization.k8s.io/Role': kind({ rules: list(POLICY_RULE) }),
  'rbac.authorization.k8s.io/ClusterRole': kind({ rules: list(POLICY_RULE), aggregationRule: { clusterRoleSelectors: list(SELECTOR) } }),
  'rbac.authorization.k8s.io/RoleBinding': kind({ subjects: list(SUBJECT), roleRef: TYPED_LOCAL_REF }),
  'rbac.authorization.k8s.io/ClusterRoleBinding': kind({ subjects: list(SUBJECT), roleRef: TYPED_LOCAL_REF }),
  'networking.k8s.io/Ingress': kind({
    spec: {
      ingressClassName: L,
      defaultBackend: INGRESS_BACKEND,
      tls: list({ hosts: list(L), secretName: L }),
      rules: list({ host: L, http: { paths: list({ path: L, pathType: L, backend: INGRESS_BACKEND }) } }),
    },
    status: ANY,
  }),
  'networking.k8s.io/IngressClass': kind({ spec: { controller: L, parameters: leaves('apiGroup kind name scope namespace') } }),
  'networking.k8s.io/NetworkPolicy': kind({
    spec: {
      podSelector: SELECTOR,
      ingress: list({ ports: list(NP_PORT), from: list(NP_PEER) }),
      egress: list({ ports: list(NP_PORT), to: list(NP_PEER) }),
      policyTypes: list(L),
    },
  }),
  'policy/PodDisruptionBudget': kind({ spec: leaves('minAvailable maxUnavailable unhealthyPodEvictionPolicy', { selector: SELECTOR }), status: ANY }),
  'scheduling.k8s.io/PriorityClass': kind(leaves('value globalDefault description preemptionPolicy')),
  'autoscaling/HorizontalPodAutoscaler': kind({
    spec: leaves('minReplicas maxReplicas targetCPUUtilizationPercentage', { scaleTargetRef: CROSS_REF, metrics: list(ANY), behavior: ANY }),
    status: ANY,
  }),
  'coordination.k8s.io/Lease': kind({
    spec: leaves('holderIdentity leaseDurationSeconds acquireTime renewTime leaseTransitions strategy preferredHolder'),
  }),
  'storage.k8s.io/StorageClass': kind(
    leaves('provisioner reclaimPolicy allowVolumeExpansion volumeBindingMode', { parameters: STR_MAP, mountOptions: list(L), allowedTopologies: list(ANY) }),
  ),
  'discovery.k8s.io/EndpointSlice': kind({
    addressType: L,
    endpoints: list(
      leaves('hostname nodeName zone', {
        addresses: list(L),
        conditions: leaves('ready serving terminating'),
        targetRef: ANY,
        deprecatedTopology: STR_MAP,
        hints: ANY,
      }),
    ),
    ports: list(leaves('name protocol port appProtocol')),
  }),
  'apiextensions.k8s.io/CustomResourceDefinition': kind({
    spec: {
      group: L,
      names: leaves('plural singular kind listKind', { shortNames: list(L), categories: list(L) }),
      scope: L,
      versions: list(
        leaves('name served storage deprecated deprecationWarning', {
          schema: ANY,
          subresources: ANY,
          additionalPrinterColumns: list(leaves('name type format description priority jsonPath')),
          selectableFields: list(leaves('jsonPath')),
        }),
      ),
      conversion: ANY,
      preserveUnknownFields: L,
    },
    status: ANY,
  }),
};


/** The paths of fields `value` has but `schema` does not know, in document order. */
export function unknownFields(value: unknown, schema: Schema, path = ''): string[] {
  if (schema === ANY || schema === L || value === null || typeof value !== 'object') return [];
  if (Array.isArray(schema)) {
    if (!Array.isArray(value)) return [];
    return value.flatMap((item, i) => unknownFields(item, schema[0], `${path}[${i}]`));
  }
  if (Array.isArray(value)) return [];
  const rec = value as Record<string, unknown>;
  const s = schema as Record<string, Schema>;
  if ('$map' in s) return Object.entries(rec).flatMap(([k, v]) => unknownFields(v, s.$map, path ? `${path}.${k}` : k));
  const out: string[] = [];
  for (const [k, v] of Object.entries(rec)) {
    const p = path ? `${path}.${k}` : k;
    if (!(k in s)) out.push(p);
    else out.push(...unknownFields(v, s[k], p));
  }
  return out;
}
