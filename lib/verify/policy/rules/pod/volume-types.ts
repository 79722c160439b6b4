import { evaluatePods } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity } from '../../types';

/** Volume types the restricted profile allows. */
export const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret', 'image'];

/** Only the volume types of the restricted profile. */
export const POD_VOLUME_TYPES: KubernetesRule = {
  id: 'pod-volume-types',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.MEDIUM,
  info: 'Pods use only the volume types of the restricted profile.',
  explanation: `Every volume is one of ${RESTRICTED_VOLUME_TYPES.join(', ')}. Other in-tree types (nfs, iscsi, rbd, ...) `
    + 'bypass the CSI driver\'s controls. hostPath volumes are reported by pod-host-path.',
  benchmarks: [Benchmarks.pss('restricted', 'Volume Types')],
  evaluate(resource, context) {
    return evaluatePods(resource, context, (pod) => (Array.isArray(pod.podSpec.volumes) ? pod.podSpec.volumes : []).flatMap((v: any) => {
      if (!v || typeof v !== 'object') return [];
      const types = Object.keys(v).filter((k) => k !== 'name');
      const other = types.filter((t) => t !== 'hostPath' && !RESTRICTED_VOLUME_TYPES.includes(t));
      return other.length === 0 ? [] : [{ subject: `${pod.prefix}volume ${v.name}`, message: `is a ${other.join(', ')} volume`, fix: 'use a PersistentVolumeClaim of a CSI StorageClass' }];
    }));
  },
};
