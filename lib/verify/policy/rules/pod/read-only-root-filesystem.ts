import { evaluatePods } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { containersOf, containerSecurityContext, ContainerList } from '../../kubernetes-resources';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity } from '../../types';

/** Read-only root file systems. */
export const POD_READ_ONLY_ROOT_FILESYSTEM: KubernetesRule = {
  id: 'pod-read-only-root-filesystem',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.MEDIUM,
  info: 'Every container has a read-only root file system.',
  explanation: 'securityContext.readOnlyRootFilesystem: true on every container and init container; what a process must '
    + 'write goes to an emptyDir or a volume. An attacker cannot then replace binaries or drop tools into the image.',
  benchmarks: [Benchmarks.nsa('Kubernetes Pod security: "Immutable container file systems"'), Benchmarks.cisEks('4.6.2', 'Apply Security Context to Your Pods and Containers')],
  evaluate(resource, context) {
    return evaluatePods(resource, context, (pod) => containersOf(pod.podSpec)
      .filter((c) => c.list !== ContainerList.EPHEMERAL_CONTAINERS && containerSecurityContext(c).readOnlyRootFilesystem !== true)
      .map((c) => ({ subject: `${pod.prefix}${c.subject}`, message: 'has a writable root file system', fix: 'set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it writes (e.g. /tmp)' })));
  },
};
