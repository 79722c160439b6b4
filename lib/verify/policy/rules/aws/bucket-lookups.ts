/** Lookups the S3 rules share: the resources that configure a bucket, and the log buckets. */
import { refersTo } from '../../terraform-resources';
import { TerraformContext, TerraformResourceInfo } from '../../types';

/** Resources of `type` whose `bucket` names this bucket (a reference to it, or its literal name). */
export function bucketConfigurations(context: TerraformContext, type: string, bucket: TerraformResourceInfo): TerraformResourceInfo[] {
  const name = typeof bucket.body.bucket === 'string' ? bucket.body.bucket : undefined;
  return context.resources.filter((r) => !r.dataSource && r.type === type
    && (refersTo(r.body.bucket, bucket.address) || (name !== undefined && r.body.bucket === name)));
}

/** Whether a bucket receives the server access logs of other buckets (a log bucket). */
export function isLogTargetBucket(context: TerraformContext, bucket: TerraformResourceInfo): boolean {
  const name = typeof bucket.body.bucket === 'string' ? bucket.body.bucket : undefined;
  return context.resources.some((r) => !r.dataSource && r.type === 'aws_s3_bucket_logging'
    && (refersTo(r.body.target_bucket, bucket.address) || (name !== undefined && r.body.target_bucket === name)));
}
