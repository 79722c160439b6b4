import * as fs from 'fs';
import * as path from 'path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { Testing } from 'cdktf';
import { configs, only, policyStatements, resources, synth, testNaming, testStack, tfJson } from './util';
import { AccessLogBucket, AccessLogBucketProps } from '../../lib/aws';
import { PlatformNaming } from '../../lib/core';

function logs(props: Partial<AccessLogBucketProps> = {}) {
  const stack = testStack();
  const bucket = new AccessLogBucket(stack, 'logs', { naming: testNaming(), sourceBucketNames: ['cnai-test-models-123456789012-us-west-2'], ...props });
  return { stack, bucket, json: synth(stack) };
}

describe('AccessLogBucket', () => {
  test('defaults: named after "logs", logs kept 365 days, kept on destroy', () => {
    const { bucket, json } = logs();
    expect(bucket.bucketName).toBe('cnai-test-logs-123456789012-us-west-2');
    expect(bucket.retentionDays).toBe(365);
    expect(bucket.allowDestroy).toBe(false);
    expect(only(json, 'aws_s3_bucket')).toMatchObject({ bucket: 'cnai-test-logs-123456789012-us-west-2', force_destroy: false, lifecycle: { prevent_destroy: true } });
  });

  test('lifecycle: logs expire after retentionDays, stale multipart uploads are aborted after 7 days', () => {
    const { json } = logs({ retentionDays: 90 });
    expect(only(json, 'aws_s3_bucket_lifecycle_configuration').rule).toEqual([
      { id: 'expire-logs', status: 'Enabled', filter: [{}], expiration: [{ days: 90 }] },
      { id: 'abort-incomplete-multipart-uploads', status: 'Enabled', filter: [{}], abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] },
    ]);
  });

  test('allowDestroy: force_destroy, no prevent_destroy', () => {
    const { bucket, json } = logs({ allowDestroy: true });
    expect(bucket.allowDestroy).toBe(true);
    const b = only(json, 'aws_s3_bucket');
    expect(b.force_destroy).toBe(true);
    expect(b.lifecycle).toBeUndefined();
  });

  test('SSE-S3 (S3 delivers access logs to no SSE-KMS bucket), with the KMS rule suppressed on the bucket and why', () => {
    const stack = testStack();
    new AwsProvider(stack, 'aws', { region: 'us-west-2' });
    new AccessLogBucket(stack, 'logs', { naming: testNaming(), sourceBucketNames: ['cnai-test-models-123456789012-us-west-2'] });
    const json = synth(stack);
    expect(only(json, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }]);
    // Testing.synth leaves the `//` blocks out: read cdk.tf.json as `cdktf synth` writes it.
    const outdir = Testing.fullSynth(stack);
    const full = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8'));
    expect(only(full, 'aws_s3_bucket')['//'].cnai_suppress).toEqual([{
      id: 'aws-s3-kms-encryption',
      reason: 'S3 delivers server access logs only to buckets whose default encryption is SSE-S3 (AES256), not SSE-KMS; the logs hold request metadata, never object data',
    }]);
  });

  test('delivery is granted for the named source buckets in the partition of the region, after the public access block', () => {
    const naming = new PlatformNaming({ platformName: 'cnai', environment: 'prod', region: 'us-gov-west-1', accountId: '123456789012' });
    const { json } = logs({ naming, sourceBucketNames: ['a-bucket', 'b-bucket'] });
    const [[bucketId]] = resources(json, 'aws_s3_bucket');
    const [[pabId]] = resources(json, 'aws_s3_bucket_public_access_block');
    const policy = only(json, 'aws_s3_bucket_policy');
    expect(policy.depends_on).toEqual([`aws_s3_bucket_public_access_block.${pabId}`]);
    const [allow, deny] = policyStatements(json, policy.policy);
    expect(allow).toEqual({
      sid: 'S3ServerAccessLogsDelivery',
      effect: 'Allow',
      actions: ['s3:PutObject'],
      resources: [`\${aws_s3_bucket.${bucketId}.arn}/*`],
      principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
      condition: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] },
        { test: 'ArnLike', variable: 'aws:SourceArn', values: ['arn:aws-us-gov:s3:::a-bucket', 'arn:aws-us-gov:s3:::b-bucket'] },
      ],
    });
    expect(deny.sid).toBe('DenyInsecureTransport');
    expect(tfJson(json)).toHaveResource(S3BucketPolicy);
    expect(configs(json, 'aws_s3_bucket_policy')).toHaveLength(1);
  });

  describe('errors', () => {
    test('a retention that is not a whole number of days', () => {
      expect(() => logs({ retentionDays: 1.5 })).toThrow(
        'test/logs: invalid retentionDays = 1.5: S3 lifecycle rules count whole days, at least 1. Fix: give retentionDays as a whole number >= 1 (e.g. 365).');
    });
  });
});
