import { bucketConfigurations, isLogTargetBucket } from './bucket-lookups';
import { Benchmarks } from '../../benchmarks';
import { blocks, refersTo } from '../../terraform-resources';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformContext, TerraformResourceInfo, TerraformRule } from '../../types';

/** Whether an environment name is production. */
export function isProduction(environment: string | undefined): boolean {
  return environment === undefined || /^prod(uction)?$/i.test(environment);
}

/** Whether a CloudTrail trail of the stack records S3 data events of this bucket's objects. */
function coveredByTrail(context: TerraformContext, bucket: TerraformResourceInfo): boolean {
  const name = typeof bucket.body.bucket === 'string' ? bucket.body.bucket : undefined;
  const covers = (value: string) => value === 'arn:aws:s3' || value === 'arn:aws:s3:::' || refersTo(value, bucket.address)
    || (name !== undefined && value.startsWith(`arn:aws:s3:::${name}`));
  return context.resources.some((t) => !t.dataSource && t.type === 'aws_cloudtrail' && (
    blocks(t.body.event_selector).some((s) => blocks(s.data_resource).some((d) => d.type === 'AWS::S3::Object'
      && (Array.isArray(d.values) ? d.values : []).some((v: unknown) => typeof v === 'string' && covers(v))))
    || blocks(t.body.advanced_event_selector).some((s) => {
      const fields = blocks(s.field_selector);
      const s3Objects = fields.some((f) => f.field === 'resources.type' && (f.equals ?? []).includes('AWS::S3::Object'));
      const arnFields = fields.filter((f) => f.field === 'resources.ARN');
      const arns = arnFields.flatMap((f) => [...(f.equals ?? []), ...(f.starts_with ?? [])]).filter((v: unknown): v is string => typeof v === 'string');
      return s3Objects && (arnFields.length === 0 || arns.some(covers));
    })));
}

/** Production buckets log access: S3 server access logs, or CloudTrail data events. */
export const S3_ACCESS_LOGGING: TerraformRule = {
  id: 'aws-s3-access-logging',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.MEDIUM,
  info: 'In production, every bucket\'s object access is logged: server access logs to a log bucket, or CloudTrail S3 data events.',
  explanation: 'Who read or wrote which model or dataset object is only known afterwards if it was logged. Compliant: an '
    + 'aws_s3_bucket_logging for the bucket (target_bucket a dedicated log bucket), or an aws_cloudtrail of the stack whose '
    + 'event selectors record AWS::S3::Object data events for the bucket. A bucket that receives other buckets\' access logs '
    + 'is not applicable (logging a log bucket into itself loops). Applies when the platform\'s environment is prod '
    + '(from the spec or contract; when neither is given, every bucket is treated as production).',
  benchmarks: [Benchmarks.fsbp('S3.9'), Benchmarks.fsbp('S3.22'), Benchmarks.fsbp('S3.23')],
  resourceTypes: ['aws_s3_bucket'],
  evaluate(bucket, context) {
    if (!isProduction(context.environment)) return Results.notApplicable();
    if (isLogTargetBucket(context, bucket)) return Results.notApplicable();
    const logging = bucketConfigurations(context, 'aws_s3_bucket_logging', bucket).filter((l) => l.body.target_bucket !== undefined);
    if (logging.length > 0 || blocks(bucket.body.logging).length > 0 || coveredByTrail(context, bucket)) return Results.compliant();
    return Results.of([{
      message: 'logs no object access (no server access logging, no CloudTrail S3 data events for it)',
      fix: 'add aws_s3_bucket_logging with a dedicated, encrypted log bucket as target_bucket, or a CloudTrail trail recording AWS::S3::Object data events for the bucket',
    }]);
  },
};
