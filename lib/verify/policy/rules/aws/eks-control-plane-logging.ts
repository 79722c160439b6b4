import { Benchmarks } from '../../benchmarks';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule } from '../../types';

/** Control plane log types every cluster sends to CloudWatch. */
export const REQUIRED_CONTROL_PLANE_LOGS = ['api', 'audit', 'authenticator'];

/** EKS sends its API, audit and authenticator logs to CloudWatch. */
export const EKS_CONTROL_PLANE_LOGGING: TerraformRule = {
  id: 'aws-eks-control-plane-logging',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.MEDIUM,
  info: 'EKS clusters send their api, audit and authenticator control plane logs to CloudWatch.',
  explanation: 'enabled_cluster_log_types with audit (who did what through the API), authenticator (which IAM principal '
    + 'became which user) and api: without them a compromise of the cluster leaves no record.',
  benchmarks: [Benchmarks.fsbp('EKS.8'), Benchmarks.cisEks('2.1.1', 'Enable audit Logs')],
  resourceTypes: ['aws_eks_cluster'],
  evaluate(cluster) {
    const enabled: string[] = Array.isArray(cluster.body.enabled_cluster_log_types) ? cluster.body.enabled_cluster_log_types : [];
    const missing = REQUIRED_CONTROL_PLANE_LOGS.filter((t) => !enabled.includes(t));
    return Results.of(missing.length === 0 ? [] : [{ message: `does not log ${missing.join(', ')}`, fix: `add ${missing.map((m) => `"${m}"`).join(', ')} to enabled_cluster_log_types (with a KMS-encrypted log group created first)` }]);
  },
};
