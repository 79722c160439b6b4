import { Benchmarks } from '../../benchmarks';
import { blocks } from '../../terraform-resources';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule } from '../../types';

/** ECR repositories are encrypted with a customer managed KMS key. */
export const ECR_KMS_ENCRYPTION: TerraformRule = {
  id: 'aws-ecr-kms-encryption',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.MEDIUM,
  info: 'ECR repositories encrypt images with a customer managed KMS key.',
  explanation: 'encryption_configuration { encryption_type = "KMS", kms_key = <platform key> }. The default (AES256) or KMS '
    + 'without kms_key (the AWS managed aws/ecr key) cannot be restricted or revoked. Set at creation: changing it replaces the repository.',
  benchmarks: [Benchmarks.awsConfig('ecr-repository-cmk-encryption-enabled')],
  resourceTypes: ['aws_ecr_repository'],
  evaluate(repo) {
    const config = blocks(repo.body.encryption_configuration)[0];
    const ok = config && ['KMS', 'KMS_DSSE'].includes(config.encryption_type) && typeof config.kms_key === 'string' && config.kms_key !== '';
    return Results.of(ok ? [] : [{
      message: !config || config.encryption_type === undefined || config.encryption_type === 'AES256' ? 'encrypts images with AES256 (S3-managed keys)' : 'encrypts images with the AWS managed key aws/ecr',
      fix: 'set encryption_configuration { encryption_type = "KMS", kms_key = <customer managed key> } (ContainerRepository does)',
    }]);
  },
};
