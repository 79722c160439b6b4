import { bucketConfigurations } from './bucket-lookups';
import { Benchmarks } from '../../benchmarks';
import { blocks } from '../../terraform-resources';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule } from '../../types';

const KMS_ALGORITHMS = ['aws:kms', 'aws:kms:dsse'];

/** S3 buckets encrypt by default with a customer managed KMS key. */
export const S3_KMS_ENCRYPTION: TerraformRule = {
  id: 'aws-s3-kms-encryption',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.MEDIUM,
  info: 'S3 buckets encrypt new objects with a customer managed KMS key (SSE-KMS).',
  explanation: 'A bucket\'s default encryption with a key of the platform (aws_s3_bucket_server_side_encryption_configuration, '
    + 'sse_algorithm aws:kms or aws:kms:dsse with kms_master_key_id) puts every read behind a KMS permission and an audit '
    + 'record, and lets the key be disabled. SSE-S3 (AES256) or the AWS managed key aws/s3 do neither.',
  benchmarks: [Benchmarks.fsbp('S3.17')],
  resourceTypes: ['aws_s3_bucket'],
  evaluate(bucket, context) {
    const rules = [
      ...bucketConfigurations(context, 'aws_s3_bucket_server_side_encryption_configuration', bucket).flatMap((c) => blocks(c.body.rule)),
      ...blocks(bucket.body.server_side_encryption_configuration).flatMap((c) => blocks(c.rule)),
    ].flatMap((r) => blocks(r.apply_server_side_encryption_by_default));
    if (rules.length === 0) {
      return Results.of([{ message: 'has no default encryption configuration (S3 falls back to SSE-S3)', fix: 'add aws_s3_bucket_server_side_encryption_configuration with sse_algorithm "aws:kms" and kms_master_key_id of a customer managed key (SecureBucket does)' }]);
    }
    const withKey = rules.some((r) => KMS_ALGORITHMS.includes(r.sse_algorithm) && typeof r.kms_master_key_id === 'string' && r.kms_master_key_id !== '');
    if (withKey) return Results.compliant();
    const algorithm = rules.map((r) => r.sse_algorithm).join(', ');
    return Results.of([{
      message: KMS_ALGORITHMS.includes(rules[0].sse_algorithm) ? 'encrypts with the AWS managed key aws/s3 (no kms_master_key_id)' : `encrypts with ${algorithm}, not a customer managed KMS key`,
      fix: 'set sse_algorithm "aws:kms" and kms_master_key_id to a customer managed key',
    }]);
  },
};
