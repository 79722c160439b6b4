import { bucketConfigurations } from './bucket-lookups';
import { Benchmarks } from '../../benchmarks';
import { policyStatements } from '../../terraform-resources';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule } from '../../types';

/** S3 buckets refuse requests without TLS. */
export const S3_TLS_ONLY: TerraformRule = {
  id: 'aws-s3-tls-only',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.MEDIUM,
  info: 'S3 bucket policies deny every request made without TLS.',
  explanation: 'A bucket policy statement with Effect Deny for every principal and s3:* (or *), conditioned on '
    + 'aws:SecureTransport = false, refuses plain HTTP for the bucket and its objects.',
  benchmarks: [Benchmarks.fsbp('S3.5')],
  resourceTypes: ['aws_s3_bucket'],
  evaluate(bucket, context) {
    const policies = [
      ...bucketConfigurations(context, 'aws_s3_bucket_policy', bucket).map((p) => p.body.policy),
      ...(bucket.body.policy !== undefined ? [bucket.body.policy] : []),
    ];
    const statements = policies.flatMap((p) => policyStatements(p, context) ?? []);
    const denies = statements.some((s) => s.effect === 'Deny'
      && s.principals.some((p) => p.endsWith(':*'))
      && s.actions.some((a) => a === '*' || a === 's3:*')
      && s.conditions.some((c) => c.variable === 'aws:SecureTransport' && c.test === 'Bool' && c.values.includes('false')));
    if (denies) return Results.compliant();
    return Results.of([{
      message: policies.length === 0 ? 'has no bucket policy, so plain HTTP requests are accepted' : 'has no policy statement denying requests without TLS',
      fix: 'add a bucket policy statement: Deny, principal *, action s3:*, the bucket and its objects, condition Bool aws:SecureTransport = false (SecureBucket does)',
    }]);
  },
};
