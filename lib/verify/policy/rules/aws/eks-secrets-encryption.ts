import { Benchmarks } from '../../benchmarks';
import { blocks } from '../../terraform-resources';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule } from '../../types';

/** EKS encrypts Kubernetes Secrets with a customer managed KMS key. */
export const EKS_SECRETS_ENCRYPTION: TerraformRule = {
  id: 'aws-eks-secrets-encryption',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.MEDIUM,
  info: 'EKS clusters envelope-encrypt Kubernetes Secrets with a customer managed KMS key.',
  explanation: 'encryption_config with resources ["secrets"] and provider.key_arn of a platform key adds a KMS envelope around '
    + 'Secrets in etcd: the database and registry credentials the cluster holds.',
  benchmarks: [Benchmarks.fsbp('EKS.3'), Benchmarks.cisEks('5.3.1', 'Ensure Kubernetes Secrets are encrypted using CMKs managed in AWS KMS')],
  resourceTypes: ['aws_eks_cluster'],
  evaluate(cluster) {
    const configs = blocks(cluster.body.encryption_config);
    const ok = configs.some((c) => (Array.isArray(c.resources) ? c.resources : []).includes('secrets')
      && blocks(c.provider).some((p) => typeof p.key_arn === 'string' && p.key_arn !== ''));
    return Results.of(ok ? [] : [{ message: 'does not encrypt Secrets with a KMS key', fix: 'add encryption_config { resources = ["secrets"], provider { key_arn = <customer managed key> } } (Cluster does)' }]);
  },
};
