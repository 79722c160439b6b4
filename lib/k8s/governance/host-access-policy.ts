/**
 * No access to the node outside the namespaces that need it: privileged containers, the
 * node's network, process and IPC namespaces and hostPath volumes are denied in every
 * namespace, except what an exemption allows in its namespace. Pod Security Admission
 * (`restricted` in team and data namespaces) says the same per namespace; this policy holds
 * cluster-wide, also in namespaces created later without Pod Security labels.
 */
import { HostAccess, HostAccessExemption } from './admission-options';
import { AdmissionPolicyProps } from './admission-policy';
import { CONTAINERS, CREATION_OR_SPEC_CHANGE, POD_AND_DEBUG_RULES, POD_SPEC, WORKLOAD_RULES, celString, celStringListMap } from './cel-expressions';

/** Name of the policy. */
export const HOST_ACCESS_POLICY = 'cnai-no-host-access';

const ALL_ACCESS = Object.values(HostAccess);

/** What each kind of access looks like in a pod spec. */
const USES: { [access: string]: { expression: string; what: string } } = {
  [HostAccess.PRIVILEGED]: {
    expression: 'variables.containers.exists(c, has(c.securityContext) && has(c.securityContext.privileged) && c.securityContext.privileged)',
    what: 'privileged containers',
  },
  [HostAccess.HOST_NETWORK]: { expression: 'has(variables.podSpec.hostNetwork) && variables.podSpec.hostNetwork', what: 'the node\'s network (hostNetwork)' },
  [HostAccess.HOST_PID]: { expression: 'has(variables.podSpec.hostPID) && variables.podSpec.hostPID', what: 'the node\'s processes (hostPID)' },
  [HostAccess.HOST_IPC]: { expression: 'has(variables.podSpec.hostIPC) && variables.podSpec.hostIPC', what: 'the node\'s IPC (hostIPC)' },
  [HostAccess.HOST_PATH]: {
    expression: 'has(variables.podSpec.volumes) && variables.podSpec.volumes.exists(v, has(v.hostPath))',
    what: 'the node\'s filesystem (hostPath volumes)',
  },
};

/**
 * The host access policy. Namespaces exempt from every kind of access are left out of the
 * binding (kube-system), the others get exactly the access their exemptions list.
 */
export function hostAccessPolicy(exemptions: HostAccessExemption[]): AdmissionPolicyProps {
  const allowed: { [namespace: string]: string[] } = {};
  for (const e of exemptions) allowed[e.namespace] = [...new Set([...(allowed[e.namespace] ?? []), ...e.access])].sort();
  const excluded = Object.keys(allowed).filter((ns) => ALL_ACCESS.every((a) => allowed[ns].includes(a))).sort();
  const partial: { [namespace: string]: string[] } = {};
  for (const ns of Object.keys(allowed)) if (!excluded.includes(ns)) partial[ns] = allowed[ns];
  return {
    name: HOST_ACCESS_POLICY,
    description: 'No privileged containers, host namespaces (network, PID, IPC) or hostPath volumes outside the namespaces that need them, each exemption with its reason.',
    resourceRules: [...POD_AND_DEBUG_RULES, ...WORKLOAD_RULES],
    matchConditions: [CREATION_OR_SPEC_CHANGE],
    variables: [
      POD_SPEC,
      CONTAINERS,
      { name: 'exemptions', expression: celStringListMap(partial) },
      { name: 'allowed', expression: 'request.namespace in variables.exemptions ? variables.exemptions[request.namespace] : []' },
    ],
    validations: ALL_ACCESS.map((a) => ({
      expression: `${celString(a)} in variables.allowed || !(${USES[a].expression})`,
      message: `Pods use ${USES[a].what} only in the namespaces that need it (hostAccessExemptions, with a reason): `
        + 'run the workload without it, or in a namespace exempt for it.',
    })),
    bindings: [{
      name: HOST_ACCESS_POLICY,
      ...(excluded.length > 0 ? { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: excluded }] } } : {}),
    }],
    exemptions: exemptions.map((e) => `${e.namespace} (${e.access.join(', ')}): ${e.reason}`),
  };
}
