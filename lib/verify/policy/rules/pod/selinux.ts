import { evaluatePods, podSubject } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { containersOf, containerSecurityContext, podSecurityContext } from '../../kubernetes-resources';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity, Violation } from '../../types';

/** SELinux types the baseline profile allows. */
export const ALLOWED_SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

function problems(options: { [key: string]: any } | undefined): string[] {
  if (!options) return [];
  const out: string[] = [];
  if (options.type !== undefined && !ALLOWED_SELINUX_TYPES.includes(options.type)) out.push(`type ${options.type}`);
  if (options.user !== undefined && options.user !== '') out.push(`user ${options.user}`);
  if (options.role !== undefined && options.role !== '') out.push(`role ${options.role}`);
  return out;
}

/** No custom SELinux user, role or type. */
export const POD_SELINUX: KubernetesRule = {
  id: 'pod-selinux',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.MEDIUM,
  info: 'No pod or container sets a custom SELinux user, role or type.',
  explanation: `seLinuxOptions.type is unset or one of ${ALLOWED_SELINUX_TYPES.filter((t) => t).join(', ')}; user and role are unset.`,
  benchmarks: [Benchmarks.pss('baseline', 'SELinux')],
  evaluate(resource, context) {
    return evaluatePods(resource, context, (pod) => {
      const out: Violation[] = [];
      const own = problems(podSecurityContext(pod.podSpec).seLinuxOptions);
      if (own.length > 0) out.push({ ...(podSubject(pod) ? { subject: podSubject(pod) } : {}), message: `sets SELinux ${own.join(', ')}`, fix: 'remove the custom seLinuxOptions' });
      for (const c of containersOf(pod.podSpec)) {
        const p = problems(containerSecurityContext(c).seLinuxOptions);
        if (p.length > 0) out.push({ subject: `${pod.prefix}${c.subject}`, message: `sets SELinux ${p.join(', ')}`, fix: 'remove the custom seLinuxOptions' });
      }
      return out;
    });
  },
};
