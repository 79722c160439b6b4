/**
 * Enums of core fields that the API server enforces in its Go validation but that the
 * OpenAPI definitions we validate against do not carry (cdk8s's definitions drop the
 * "Possible enum values" of upstream). Only fields whose values the API server rejects
 * outside this list are here. The empty string is always accepted too: for these fields
 * it means "unset" (defaulted), or is rejected by the API server as a missing value.
 *
 * Keyed by definition name, then property; for a list property the values apply to items.
 */
const CORE = 'io.k8s.api.core.v1.';
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const PROFILE_TYPES = ['RuntimeDefault', 'Unconfined', 'Localhost'];

const ENUMS: { [definition: string]: { [property: string]: readonly string[] } } = {
  [`${CORE}Container`]: { imagePullPolicy: ['Always', 'IfNotPresent', 'Never'], terminationMessagePolicy: ['File', 'FallbackToLogsOnError'] },
  [`${CORE}EphemeralContainer`]: { imagePullPolicy: ['Always', 'IfNotPresent', 'Never'], terminationMessagePolicy: ['File', 'FallbackToLogsOnError'] },
  [`${CORE}PodSpec`]: {
    restartPolicy: ['Always', 'OnFailure', 'Never'],
    dnsPolicy: ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'],
    preemptionPolicy: ['PreemptLowerPriority', 'Never'],
  },
  [`${CORE}ContainerPort`]: { protocol: PROTOCOLS },
  [`${CORE}ServicePort`]: { protocol: PROTOCOLS },
  [`${CORE}ServiceSpec`]: {
    type: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'],
    sessionAffinity: ['ClientIP', 'None'],
    externalTrafficPolicy: ['Cluster', 'Local'],
    internalTrafficPolicy: ['Cluster', 'Local'],
    ipFamilyPolicy: ['SingleStack', 'PreferDualStack', 'RequireDualStack'],
    ipFamilies: ['IPv4', 'IPv6'],
  },
  [`${CORE}Toleration`]: { operator: ['Exists', 'Equal'], effect: TAINT_EFFECTS },
  [`${CORE}Taint`]: { effect: TAINT_EFFECTS },
  [`${CORE}NodeSelectorRequirement`]: { operator: ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] },
  [`${CORE}PersistentVolumeClaimSpec`]: {
    accessModes: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'],
    volumeMode: ['Block', 'Filesystem'],
  },
  [`${CORE}SeccompProfile`]: { type: PROFILE_TYPES },
  [`${CORE}AppArmorProfile`]: { type: PROFILE_TYPES },
  [`${CORE}HTTPGetAction`]: { scheme: ['HTTP', 'HTTPS'] },
  [`${CORE}TopologySpreadConstraint`]: {
    whenUnsatisfiable: ['DoNotSchedule', 'ScheduleAnyway'],
    nodeAffinityPolicy: ['Honor', 'Ignore'],
    nodeTaintsPolicy: ['Honor', 'Ignore'],
  },
  [`${CORE}PodSecurityContext`]: { fsGroupChangePolicy: ['OnRootMismatch', 'Always'] },
  [`${CORE}SecurityContext`]: { procMount: ['Default', 'Unmasked'] },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': { operator: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
  'io.k8s.api.apps.v1.DeploymentStrategy': { type: ['Recreate', 'RollingUpdate'] },
  'io.k8s.api.apps.v1.StatefulSetSpec': { podManagementPolicy: ['OrderedReady', 'Parallel'] },
  'io.k8s.api.apps.v1.StatefulSetUpdateStrategy': { type: ['RollingUpdate', 'OnDelete'] },
  'io.k8s.api.apps.v1.DaemonSetUpdateStrategy': { type: ['RollingUpdate', 'OnDelete'] },
  'io.k8s.api.batch.v1.CronJobSpec': { concurrencyPolicy: ['Allow', 'Forbid', 'Replace'] },
  'io.k8s.api.batch.v1.JobSpec': { completionMode: ['NonIndexed', 'Indexed'], podReplacementPolicy: ['TerminatingOrFailed', 'Failed'] },
  'io.k8s.api.networking.v1.NetworkPolicySpec': { policyTypes: ['Ingress', 'Egress'] },
  'io.k8s.api.networking.v1.NetworkPolicyPort': { protocol: PROTOCOLS },
  'io.k8s.api.networking.v1.HTTPIngressPath': { pathType: ['Exact', 'Prefix', 'ImplementationSpecific'] },
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': { unhealthyPodEvictionPolicy: ['IfHealthyBudget', 'AlwaysAllow'] },
};

/** The curated enum of `definition.property`, if any. */
export function coreEnumFor(definition: string, property: string): readonly string[] | undefined {
  return ENUMS[definition]?.[property];
}
