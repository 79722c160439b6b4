import { bucketConfigurations } from './bucket-lookups';
import { Benchmarks } from '../../benchmarks';
import { bool } from '../../terraform-resources';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule } from '../../types';

const SETTINGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];

/** S3 buckets block public access with all four settings. */
export const S3_PUBLIC_ACCESS_BLOCK: TerraformRule = {
  id: 'aws-s3-public-access-block',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.HIGH,
  info: 'S3 buckets have a public access block with all four settings on.',
  explanation: 'aws_s3_bucket_public_access_block with block_public_acls, block_public_policy, ignore_public_acls and '
    + 'restrict_public_buckets true keeps a later ACL or policy from making models or datasets public.',
  benchmarks: [Benchmarks.fsbp('S3.8')],
  resourceTypes: ['aws_s3_bucket'],
  evaluate(bucket, context) {
    const blocksOf = bucketConfigurations(context, 'aws_s3_bucket_public_access_block', bucket);
    if (blocksOf.length === 0) {
      return Results.of([{ message: 'has no public access block', fix: 'add aws_s3_bucket_public_access_block with the four settings true (SecureBucket does)' }]);
    }
    const off = SETTINGS.filter((s) => !blocksOf.some((b) => bool(b.body[s]) === true));
    return Results.of(off.length === 0 ? [] : [{ message: `public access block leaves ${off.join(', ')} off`, fix: `set ${off.join(', ')} to true` }]);
  },
};
