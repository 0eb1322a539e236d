// k8s.io/api groups other than core (subsets). Field numbers from each group's generated.proto
// (apps/v1, batch/v1, rbac/v1, policy/v1, scheduling/v1, networking/v1, coordination/v1,
// authentication/v1, authorization/v1, events/v1); see marks.ts for the marks.
import { CORE as C, INLINE as IN, IOS, KEEP as K, META as M, NUL, RAW } from './marks.js';

export const APPS_PROTO = `
syntax = "proto2";
package k8s.io.api.apps.v1;
message Deployment { optional ${M}.ObjectMeta metadata = 1; optional DeploymentSpec spec = 2; optional DeploymentStatus status = 3; }
message DeploymentSpec {
  optional int32 replicas = 1 ${K};
  optional ${M}.LabelSelector selector = 2;
  optional ${C}.PodTemplateSpec template = 3;
  optional DeploymentStrategy strategy = 4;
  optional int32 minReadySeconds = 5;
  optional int32 revisionHistoryLimit = 6 ${K};
  optional bool paused = 7;
  optional int32 progressDeadlineSeconds = 9 ${K};
  optional string podReplacementPolicy = 10 ${K};
}
message DeploymentStrategy { optional string type = 1; optional RollingUpdateDeployment rollingUpdate = 2; }
message RollingUpdateDeployment { optional ${IOS} maxUnavailable = 1; optional ${IOS} maxSurge = 2; }
message DeploymentStatus {
  optional int64 observedGeneration = 1;
  optional int32 replicas = 2;
  optional int32 updatedReplicas = 3;
  optional int32 readyReplicas = 7;
  optional int32 availableReplicas = 4;
  optional int32 unavailableReplicas = 5;
  optional int32 terminatingReplicas = 9 ${K};
  repeated DeploymentCondition conditions = 6;
  optional int32 collisionCount = 8 ${K};
}
message DeploymentCondition {
  optional string type = 1 ${K};
  optional string status = 2 ${K};
  optional ${M}.Time lastUpdateTime = 6;
  optional ${M}.Time lastTransitionTime = 7;
  optional string reason = 4;
  optional string message = 5;
}
message ReplicaSet { optional ${M}.ObjectMeta metadata = 1; optional ReplicaSetSpec spec = 2; optional ReplicaSetStatus status = 3; }
message ReplicaSetSpec {
  optional int32 replicas = 1 ${K};
  optional int32 minReadySeconds = 4;
  optional ${M}.LabelSelector selector = 2;
  optional ${C}.PodTemplateSpec template = 3;
}
message ReplicaSetStatus {
  optional int32 replicas = 1 ${K};
  optional int32 fullyLabeledReplicas = 2;
  optional int32 readyReplicas = 4;
  optional int32 availableReplicas = 5;
  optional int32 terminatingReplicas = 7 ${K};
  optional int64 observedGeneration = 3;
  repeated ReplicaSetCondition conditions = 6;
}
message ReplicaSetCondition {
  optional string type = 1 ${K};
  optional string status = 2 ${K};
  optional ${M}.Time lastTransitionTime = 3;
  optional string reason = 4;
  optional string message = 5;
}
message StatefulSet { optional ${M}.ObjectMeta metadata = 1; optional StatefulSetSpec spec = 2; optional StatefulSetStatus status = 3; }
message StatefulSetSpec {
  optional int32 replicas = 1 ${K};
  optional ${M}.LabelSelector selector = 2;
  optional ${C}.PodTemplateSpec template = 3;
  repeated ${C}.PersistentVolumeClaim volumeClaimTemplates = 4;
  optional string serviceName = 5;
  optional string podManagementPolicy = 6;
  optional StatefulSetUpdateStrategy updateStrategy = 7;
  optional int32 revisionHistoryLimit = 8 ${K};
  optional int32 minReadySeconds = 9;
  optional StatefulSetPersistentVolumeClaimRetentionPolicy persistentVolumeClaimRetentionPolicy = 10;
  optional StatefulSetOrdinals ordinals = 11;
}
message StatefulSetUpdateStrategy { optional string type = 1; optional RollingUpdateStatefulSetStrategy rollingUpdate = 2; }
message RollingUpdateStatefulSetStrategy { optional int32 partition = 1 ${K}; optional ${IOS} maxUnavailable = 2; }
message StatefulSetPersistentVolumeClaimRetentionPolicy { optional string whenDeleted = 1; optional string whenScaled = 2; }
message StatefulSetOrdinals { optional int32 start = 1; }
message StatefulSetStatus {
  optional int64 observedGeneration = 1;
  optional int32 replicas = 2 ${K};
  optional int32 readyReplicas = 3;
  optional int32 currentReplicas = 4;
  optional int32 updatedReplicas = 5;
  optional string currentRevision = 6;
  optional string updateRevision = 7;
  optional int32 collisionCount = 9 ${K};
  repeated StatefulSetCondition conditions = 10;
  optional int32 availableReplicas = 11;
}
message StatefulSetCondition {
  optional string type = 1 ${K};
  optional string status = 2 ${K};
  optional ${M}.Time lastTransitionTime = 3;
  optional string reason = 4;
  optional string message = 5;
}
message DaemonSet { optional ${M}.ObjectMeta metadata = 1; optional DaemonSetSpec spec = 2; optional DaemonSetStatus status = 3; }
message DaemonSetSpec {
  optional ${M}.LabelSelector selector = 1;
  optional ${C}.PodTemplateSpec template = 2;
  optional DaemonSetUpdateStrategy updateStrategy = 3;
  optional int32 minReadySeconds = 4;
  optional int32 revisionHistoryLimit = 6 ${K};
}
message DaemonSetUpdateStrategy { optional string type = 1; optional RollingUpdateDaemonSet rollingUpdate = 2; }
message RollingUpdateDaemonSet { optional ${IOS} maxUnavailable = 1; optional ${IOS} maxSurge = 2; }
message DaemonSetStatus {
  optional int32 currentNumberScheduled = 1 ${K};
  optional int32 numberMisscheduled = 2 ${K};
  optional int32 desiredNumberScheduled = 3 ${K};
  optional int32 numberReady = 4 ${K};
  optional int64 observedGeneration = 5;
  optional int32 updatedNumberScheduled = 6;
  optional int32 numberAvailable = 7;
  optional int32 numberUnavailable = 8;
  optional int32 collisionCount = 9 ${K};
  repeated DaemonSetCondition conditions = 10;
}
message DaemonSetCondition {
  optional string type = 1 ${K};
  optional string status = 2 ${K};
  optional ${M}.Time lastTransitionTime = 3;
  optional string reason = 4;
  optional string message = 5;
}
message ControllerRevision { optional ${M}.ObjectMeta metadata = 1; optional ${RAW} data = 2; optional int64 revision = 3 ${K}; }
`;

export const BATCH_PROTO = `
syntax = "proto2";
package k8s.io.api.batch.v1;
message Job { optional ${M}.ObjectMeta metadata = 1; optional JobSpec spec = 2; optional JobStatus status = 3; }
message JobSpec {
  optional int32 parallelism = 1 ${K};
  optional int32 completions = 2 ${K};
  optional int64 activeDeadlineSeconds = 3 ${K};
  optional PodFailurePolicy podFailurePolicy = 11;
  optional SuccessPolicy successPolicy = 16;
  optional int32 backoffLimit = 7 ${K};
  optional int32 backoffLimitPerIndex = 12 ${K};
  optional int32 maxFailedIndexes = 13 ${K};
  optional ${M}.LabelSelector selector = 4;
  optional bool manualSelector = 5 ${K};
  optional ${C}.PodTemplateSpec template = 6;
  optional int32 ttlSecondsAfterFinished = 8 ${K};
  optional string completionMode = 9 ${K};
  optional bool suspend = 10 ${K};
  optional string podReplacementPolicy = 14 ${K};
  optional string managedBy = 15 ${K};
}
message PodFailurePolicy { repeated PodFailurePolicyRule rules = 1 ${NUL}; }
message PodFailurePolicyRule {
  optional string action = 1 ${K};
  optional PodFailurePolicyOnExitCodesRequirement onExitCodes = 2;
  repeated PodFailurePolicyOnPodConditionsPattern onPodConditions = 3;
}
message PodFailurePolicyOnExitCodesRequirement { optional string containerName = 1 ${K}; optional string operator = 2 ${K}; repeated int32 values = 3 ${NUL}; }
message PodFailurePolicyOnPodConditionsPattern { optional string type = 1 ${K}; optional string status = 2 ${K}; }
message SuccessPolicy { repeated SuccessPolicyRule rules = 1 ${NUL}; }
message SuccessPolicyRule { optional string succeededIndexes = 1 ${K}; optional int32 succeededCount = 2 ${K}; }
message JobStatus {
  repeated JobCondition conditions = 1;
  optional ${M}.Time startTime = 2;
  optional ${M}.Time completionTime = 3;
  optional int32 active = 4;
  optional int32 succeeded = 5;
  optional int32 failed = 6;
  optional int32 terminating = 11 ${K};
  optional string completedIndexes = 7;
  optional string failedIndexes = 10 ${K};
  optional UncountedTerminatedPods uncountedTerminatedPods = 8;
  optional int32 ready = 9 ${K};
}
message JobCondition {
  optional string type = 1 ${K};
  optional string status = 2 ${K};
  optional ${M}.Time lastProbeTime = 3;
  optional ${M}.Time lastTransitionTime = 4;
  optional string reason = 5;
  optional string message = 6;
}
message UncountedTerminatedPods { repeated string succeeded = 1; repeated string failed = 2; }
message JobTemplateSpec { optional ${M}.ObjectMeta metadata = 1; optional JobSpec spec = 2; }
message CronJob { optional ${M}.ObjectMeta metadata = 1; optional CronJobSpec spec = 2; optional CronJobStatus status = 3; }
message CronJobSpec {
  optional string schedule = 1 ${K};
  optional string timeZone = 8 ${K};
  optional int64 startingDeadlineSeconds = 2 ${K};
  optional string concurrencyPolicy = 3;
  optional bool suspend = 4 ${K};
  optional JobTemplateSpec jobTemplate = 5;
  optional int32 successfulJobsHistoryLimit = 6 ${K};
  optional int32 failedJobsHistoryLimit = 7 ${K};
}
message CronJobStatus {
  repeated ${C}.ObjectReference active = 1;
  optional ${M}.Time lastScheduleTime = 4;
  optional ${M}.Time lastSuccessfulTime = 5;
}
`;

export const RBAC_PROTO = `
syntax = "proto2";
package k8s.io.api.rbac.v1;
message Role { optional ${M}.ObjectMeta metadata = 1; repeated PolicyRule rules = 2 ${NUL}; }
message ClusterRole { optional ${M}.ObjectMeta metadata = 1; repeated PolicyRule rules = 2 ${NUL}; optional AggregationRule aggregationRule = 3; }
message AggregationRule { repeated ${M}.LabelSelector clusterRoleSelectors = 1; }
message PolicyRule {
  repeated string verbs = 1 ${NUL};
  repeated string apiGroups = 2;
  repeated string resources = 3;
  repeated string resourceNames = 4;
  repeated string nonResourceURLs = 5;
}
message RoleBinding { optional ${M}.ObjectMeta metadata = 1; repeated Subject subjects = 2; optional RoleRef roleRef = 3; }
message ClusterRoleBinding { optional ${M}.ObjectMeta metadata = 1; repeated Subject subjects = 2; optional RoleRef roleRef = 3; }
message RoleRef { optional string apiGroup = 1 ${K}; optional string kind = 2 ${K}; optional string name = 3 ${K}; }
message Subject { optional string kind = 1 ${K}; optional string apiGroup = 2; optional string name = 3 ${K}; optional string namespace = 4; }
`;

export const POLICY_PROTO = `
syntax = "proto2";
package k8s.io.api.policy.v1;
message PodDisruptionBudget { optional ${M}.ObjectMeta metadata = 1; optional PodDisruptionBudgetSpec spec = 2; optional PodDisruptionBudgetStatus status = 3; }
message PodDisruptionBudgetSpec {
  optional ${IOS} minAvailable = 1;
  optional ${M}.LabelSelector selector = 2;
  optional ${IOS} maxUnavailable = 3;
  optional string unhealthyPodEvictionPolicy = 4 ${K};
}
message PodDisruptionBudgetStatus {
  optional int64 observedGeneration = 1;
  map<string, ${M}.Time> disruptedPods = 2;
  optional int32 disruptionsAllowed = 3 ${K};
  optional int32 currentHealthy = 4 ${K};
  optional int32 desiredHealthy = 5 ${K};
  optional int32 expectedPods = 6 ${K};
  repeated ${M}.Condition conditions = 7;
}
message Eviction { optional ${M}.ObjectMeta metadata = 1; optional ${M}.DeleteOptions deleteOptions = 2; }
`;

export const SCHEDULING_PROTO = `
syntax = "proto2";
package k8s.io.api.scheduling.v1;
message PriorityClass {
  optional ${M}.ObjectMeta metadata = 1;
  optional int32 value = 2 ${K};
  optional bool globalDefault = 3;
  optional string description = 4;
  optional string preemptionPolicy = 5 ${K};
}
`;

export const NETWORKING_PROTO = `
syntax = "proto2";
package k8s.io.api.networking.v1;
message Ingress { optional ${M}.ObjectMeta metadata = 1; optional IngressSpec spec = 2; optional IngressStatus status = 3; }
message IngressSpec {
  optional string ingressClassName = 4 ${K};
  optional IngressBackend defaultBackend = 1;
  repeated IngressTLS tls = 2;
  repeated IngressRule rules = 3;
}
message IngressBackend { optional IngressServiceBackend service = 4; optional ${C}.TypedLocalObjectReference resource = 3; }
message IngressServiceBackend { optional string name = 1 ${K}; optional ServiceBackendPort port = 2; }
message ServiceBackendPort { optional string name = 1; optional int32 number = 2; }
message IngressTLS { repeated string hosts = 1; optional string secretName = 2; }
message IngressRule { optional string host = 1; optional IngressRuleValue ingressRuleValue = 2 ${IN}; }
message IngressRuleValue { optional HTTPIngressRuleValue http = 1; }
message HTTPIngressRuleValue { repeated HTTPIngressPath paths = 1 ${NUL}; }
message HTTPIngressPath { optional string path = 1; optional string pathType = 3 ${K}; optional IngressBackend backend = 2; }
message IngressStatus { optional IngressLoadBalancerStatus loadBalancer = 1; }
message IngressLoadBalancerStatus { repeated IngressLoadBalancerIngress ingress = 1; }
message IngressLoadBalancerIngress { optional string ip = 1; optional string hostname = 2; repeated IngressPortStatus ports = 4; }
message IngressPortStatus { optional int32 port = 1 ${K}; optional string protocol = 2 ${K}; optional string error = 3 ${K}; }
message IngressClass { optional ${M}.ObjectMeta metadata = 1; optional IngressClassSpec spec = 2; }
message IngressClassSpec { optional string controller = 1; optional IngressClassParametersReference parameters = 2; }
message IngressClassParametersReference {
  optional string apiGroup = 1 ${K};
  optional string kind = 2 ${K};
  optional string name = 3 ${K};
  optional string scope = 4 ${K};
  optional string namespace = 5 ${K};
}
message NetworkPolicy { optional ${M}.ObjectMeta metadata = 1; optional NetworkPolicySpec spec = 2; }
message NetworkPolicySpec {
  optional ${M}.LabelSelector podSelector = 1;
  repeated NetworkPolicyIngressRule ingress = 2;
  repeated NetworkPolicyEgressRule egress = 3;
  repeated string policyTypes = 4;
}
message NetworkPolicyIngressRule { repeated NetworkPolicyPort ports = 1; repeated NetworkPolicyPeer from = 2; }
message NetworkPolicyEgressRule { repeated NetworkPolicyPort ports = 1; repeated NetworkPolicyPeer to = 2; }
message NetworkPolicyPort { optional string protocol = 1 ${K}; optional ${IOS} port = 2; optional int32 endPort = 3 ${K}; }
message NetworkPolicyPeer { optional ${M}.LabelSelector podSelector = 1; optional ${M}.LabelSelector namespaceSelector = 2; optional IPBlock ipBlock = 3; }
message IPBlock { optional string cidr = 1 ${K}; repeated string except = 2; }
`;

export const COORDINATION_PROTO = `
syntax = "proto2";
package k8s.io.api.coordination.v1;
message Lease { optional ${M}.ObjectMeta metadata = 1; optional LeaseSpec spec = 2; }
message LeaseSpec {
  optional string holderIdentity = 1 ${K};
  optional int32 leaseDurationSeconds = 2 ${K};
  optional ${M}.MicroTime acquireTime = 3;
  optional ${M}.MicroTime renewTime = 4;
  optional int32 leaseTransitions = 5 ${K};
  optional string strategy = 6 ${K};
  optional string preferredHolder = 7 ${K};
}
`;

// BoundObjectReference's upstream proto names are "aPIVersion"/"uID"; the JSON names are used here.
export const AUTHENTICATION_PROTO = `
syntax = "proto2";
package k8s.io.api.authentication.v1;
message TokenRequest { optional ${M}.ObjectMeta metadata = 1; optional TokenRequestSpec spec = 2; optional TokenRequestStatus status = 3; }
message TokenRequestSpec {
  repeated string audiences = 1 ${NUL};
  optional int64 expirationSeconds = 4 [(keep)=true, (nul)=true];
  optional BoundObjectReference boundObjectRef = 3 ${NUL};
}
message BoundObjectReference { optional string kind = 1; optional string apiVersion = 2; optional string name = 3; optional string uid = 4; }
message TokenRequestStatus { optional string token = 1 ${K}; optional ${M}.Time expirationTimestamp = 2; }
message TokenReview { optional ${M}.ObjectMeta metadata = 1; optional TokenReviewSpec spec = 2; optional TokenReviewStatus status = 3; }
message TokenReviewSpec { optional string token = 1; repeated string audiences = 2; }
message TokenReviewStatus { optional bool authenticated = 1; optional UserInfo user = 2; repeated string audiences = 4; optional string error = 3; }
message SelfSubjectReview { optional ${M}.ObjectMeta metadata = 1; optional SelfSubjectReviewStatus status = 2; }
message SelfSubjectReviewStatus { optional UserInfo userInfo = 1; }
message UserInfo { optional string username = 1; optional string uid = 2; repeated string groups = 3; map<string, ExtraValue> extra = 4; }
message ExtraValue { repeated string items = 1; }
`;

export const AUTHORIZATION_PROTO = `
syntax = "proto2";
package k8s.io.api.authorization.v1;
message SelfSubjectAccessReview { optional ${M}.ObjectMeta metadata = 1; optional SelfSubjectAccessReviewSpec spec = 2; optional SubjectAccessReviewStatus status = 3; }
message SelfSubjectAccessReviewSpec { optional ResourceAttributes resourceAttributes = 1; optional NonResourceAttributes nonResourceAttributes = 2; }
message SubjectAccessReview { optional ${M}.ObjectMeta metadata = 1; optional SubjectAccessReviewSpec spec = 2; optional SubjectAccessReviewStatus status = 3; }
message LocalSubjectAccessReview { optional ${M}.ObjectMeta metadata = 1; optional SubjectAccessReviewSpec spec = 2; optional SubjectAccessReviewStatus status = 3; }
message SubjectAccessReviewSpec {
  optional ResourceAttributes resourceAttributes = 1;
  optional NonResourceAttributes nonResourceAttributes = 2;
  optional string user = 3;
  repeated string groups = 4;
  map<string, ExtraValue> extra = 5;
  optional string uid = 6;
}
message ExtraValue { repeated string items = 1; }
message ResourceAttributes {
  optional string namespace = 1;
  optional string verb = 2;
  optional string group = 3;
  optional string version = 4;
  optional string resource = 5;
  optional string subresource = 6;
  optional string name = 7;
  optional FieldSelectorAttributes fieldSelector = 8;
  optional LabelSelectorAttributes labelSelector = 9;
}
message FieldSelectorAttributes { optional string rawSelector = 1; repeated ${M}.FieldSelectorRequirement requirements = 2; }
message LabelSelectorAttributes { optional string rawSelector = 1; repeated ${M}.LabelSelectorRequirement requirements = 2; }
message NonResourceAttributes { optional string path = 1; optional string verb = 2; }
message SubjectAccessReviewStatus { optional bool allowed = 1 ${K}; optional bool denied = 4; optional string reason = 2; optional string evaluationError = 3; }
message SelfSubjectRulesReview { optional ${M}.ObjectMeta metadata = 1; optional SelfSubjectRulesReviewSpec spec = 2; optional SubjectRulesReviewStatus status = 3; }
message SelfSubjectRulesReviewSpec { optional string namespace = 1; }
message SubjectRulesReviewStatus {
  repeated ResourceRule resourceRules = 1 ${NUL};
  repeated NonResourceRule nonResourceRules = 2 ${NUL};
  optional bool incomplete = 3 ${K};
  optional string evaluationError = 4;
}
message ResourceRule { repeated string verbs = 1 ${NUL}; repeated string apiGroups = 2; repeated string resources = 3; repeated string resourceNames = 4; }
message NonResourceRule { repeated string verbs = 1 ${NUL}; repeated string nonResourceURLs = 2; }
`;

export const EVENTS_PROTO = `
syntax = "proto2";
package k8s.io.api.events.v1;
message Event {
  optional ${M}.ObjectMeta metadata = 1;
  optional ${M}.MicroTime eventTime = 2;
  optional EventSeries series = 3;
  optional string reportingController = 4;
  optional string reportingInstance = 5;
  optional string action = 6;
  optional string reason = 7;
  optional ${C}.ObjectReference regarding = 8;
  optional ${C}.ObjectReference related = 9;
  optional string note = 10;
  optional string type = 11;
  optional ${C}.EventSource deprecatedSource = 12;
  optional ${M}.Time deprecatedFirstTimestamp = 13;
  optional ${M}.Time deprecatedLastTimestamp = 14;
  optional int32 deprecatedCount = 15;
}
message EventSeries { optional int32 count = 1 ${K}; optional ${M}.MicroTime lastObservedTime = 2; }
`;
