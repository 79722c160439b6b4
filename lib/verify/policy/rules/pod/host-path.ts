import { evaluatePods } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity } from '../../types';

/** No hostPath volumes. */
export const POD_HOST_PATH: KubernetesRule = {
  id: 'pod-host-path',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.HIGH,
  info: 'Pods mount no hostPath volumes.',
  explanation: 'A hostPath volume reads or writes the node\'s file system (kubelet sockets, other pods\' data, the node\'s '
    + 'credentials). Only node agents that must talk to the kubelet may, each suppressed with its reason.',
  benchmarks: [Benchmarks.pss('baseline', 'HostPath Volumes')],
  evaluate(resource, context) {
    return evaluatePods(resource, context, (pod) => (Array.isArray(pod.podSpec.volumes) ? pod.podSpec.volumes : [])
      .filter((v: any) => v && v.hostPath !== undefined)
      .map((v: any) => ({ subject: `${pod.prefix}volume ${v.name}`, message: `mounts host path ${v.hostPath?.path ?? '?'}`, fix: 'use an emptyDir, a ConfigMap or a PersistentVolumeClaim; a node agent that needs the path suppresses with its reason' })));
  },
};
