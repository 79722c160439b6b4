import { evaluatePods, podSubject } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { podSecurityContext } from '../../kubernetes-resources';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity } from '../../types';

/** Sysctls the baseline profile allows (namespaced, safe). */
export const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
];

/** Only safe sysctls. */
export const POD_SYSCTLS: KubernetesRule = {
  id: 'pod-sysctls',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.MEDIUM,
  info: 'Pods set only the safe sysctls.',
  explanation: `spec.securityContext.sysctls names only ${SAFE_SYSCTLS.join(', ')}.`,
  benchmarks: [Benchmarks.pss('baseline', 'Sysctls')],
  evaluate(resource, context) {
    return evaluatePods(resource, context, (pod) => {
      const sysctls = Array.isArray(podSecurityContext(pod.podSpec).sysctls) ? podSecurityContext(pod.podSpec).sysctls : [];
      const unsafe = sysctls.map((s: any) => s?.name).filter((n: unknown) => typeof n === 'string' && !SAFE_SYSCTLS.includes(n));
      return unsafe.length === 0 ? [] : [{ ...(podSubject(pod) ? { subject: podSubject(pod) } : {}), message: `sets unsafe sysctls ${unsafe.join(', ')}`, fix: 'remove them, or tune the node instead' }];
    });
  },
};
