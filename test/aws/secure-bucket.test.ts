import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { only, policyStatements, resources, synth, testCluster, testNaming, testStack, tfJson } from './util';
import { AccessLogBucket, SecureBucket, SecureBucketProps } from '../../lib/aws';
import { EncryptionKey } from '../../lib/aws/encryption-key';

function bucket(props: Partial<SecureBucketProps> = {}) {
  const stack = testStack();
  const naming = testNaming();
  const key = new EncryptionKey(stack, 'key', { naming, purpose: 'data' });
  const secure = new SecureBucket(stack, 'data', { naming, purpose: 'features', key, ...props });
  return { stack, secure };
}

describe('SecureBucket', () => {
  test('defaults: named by purpose, 30 days for old versions, 7 for stale uploads, kept on destroy, no access logs', () => {
    const { stack, secure } = bucket();
    expect(secure.bucketName).toBe('cnai-test-features-123456789012-us-west-2');
    expect(secure.noncurrentVersionExpirationDays).toBe(30);
    expect(secure.abortIncompleteMultipartUploadDays).toBe(7);
    expect(secure.allowDestroy).toBe(false);
    expect(secure.accessLogs).toBeUndefined();
    const json = synth(stack);
    expect(only(json, 'aws_s3_bucket')).toMatchObject({ bucket: 'cnai-test-features-123456789012-us-west-2', force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(tfJson(json)).not.toHaveResource(S3BucketLoggingA);
  });

  test('lifecycle days as given', () => {
    const { stack } = bucket({ noncurrentVersionExpirationDays: 90, abortIncompleteMultipartUploadDays: 2 });
    expect(only(synth(stack), 'aws_s3_bucket_lifecycle_configuration').rule).toEqual([
      { id: 'expire-noncurrent-versions', status: 'Enabled', filter: [{}], noncurrent_version_expiration: [{ noncurrent_days: 90 }] },
      { id: 'abort-incomplete-multipart-uploads', status: 'Enabled', filter: [{}], abort_incomplete_multipart_upload: [{ days_after_initiation: 2 }] },
    ]);
  });

  test('SSE-KMS with the given key and a bucket key; versioning on', () => {
    const { stack } = bucket();
    const json = synth(stack);
    const [[keyId]] = resources(json, 'aws_kms_key');
    expect(only(json, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([{
      apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: `\${aws_kms_key.${keyId}.arn}` },
      bucket_key_enabled: true,
    }]);
    expect(only(json, 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
  });

  test('the TLS-only policy waits for the public access block', () => {
    const { stack } = bucket();
    const json = synth(stack);
    const [[pabId]] = resources(json, 'aws_s3_bucket_public_access_block');
    const policy = only(json, 'aws_s3_bucket_policy');
    expect(policy.depends_on).toEqual([`aws_s3_bucket_public_access_block.${pabId}`]);
    expect(policyStatements(json, policy.policy).map((s: any) => s.sid)).toEqual(['DenyInsecureTransport']);
  });

  test('allowDestroy: force_destroy without prevent_destroy', () => {
    const { stack, secure } = bucket({ allowDestroy: true });
    expect(secure.allowDestroy).toBe(true);
    const b = only(synth(stack), 'aws_s3_bucket');
    expect(b.force_destroy).toBe(true);
    expect(b.lifecycle).toBeUndefined();
  });

  test('access logs under "<purpose>/" of the log bucket, partitioned by event time', () => {
    const stack = testStack();
    const naming = testNaming();
    const key = new EncryptionKey(stack, 'key', { naming, purpose: 'data' });
    const accessLogs = new AccessLogBucket(stack, 'logs', { naming, sourceBucketNames: ['cnai-test-features-123456789012-us-west-2'] });
    const secure = new SecureBucket(stack, 'data', { naming, purpose: 'features', key, accessLogs });
    expect(secure.accessLogs).toBe(accessLogs);
    const json = synth(stack);
    const ids = Object.fromEntries(resources(json, 'aws_s3_bucket').map(([id, b]) => [b.bucket, id]));
    expect(only(json, 'aws_s3_bucket_logging')).toEqual(expect.objectContaining({
      bucket: `\${aws_s3_bucket.${ids['cnai-test-features-123456789012-us-west-2']}.id}`,
      target_bucket: `\${aws_s3_bucket.${ids['cnai-test-logs-123456789012-us-west-2']}.id}`,
      target_prefix: 'features/',
      target_object_key_format: { partitioned_prefix: { partition_date_source: 'EventTime' } },
    }));
  });

  describe('grants', () => {
    function granted(grant: (b: SecureBucket, identity: any) => void) {
      const stack = testStack();
      const cluster = testCluster(stack);
      const key = new EncryptionKey(stack, 'key', { naming: cluster.naming, purpose: 'data' });
      const secure = new SecureBucket(stack, 'feature-data', { naming: cluster.naming, purpose: 'features', key });
      const identity = cluster.addWorkloadIdentity('reader', { namespace: 'feast', serviceAccount: 'feast' });
      grant(secure, identity);
      const json = synth(stack);
      return { json, identity };
    }

    test('statement ids name the access and the bucket, numbered by position', () => {
      const { identity } = granted((b, id) => {
        b.grantRead(id);
        b.grantReadWrite(id, { prefix: 'offline/' });
      });
      expect(identity.grantedStatements.map((s: any) => s.sid)).toEqual([
        'ListReadfeaturedata0', 'ObjectsReadfeaturedata1', 'KeyReadfeaturedata2',
        'ListReadWritefeaturedata3', 'ObjectsReadWritefeaturedata4', 'KeyReadWritefeaturedata5',
      ]);
    });

    test('grantReadWrite: lists multipart uploads too, and writes only under the prefix', () => {
      const { identity } = granted((b, id) => b.grantReadWrite(id, { prefix: 'offline/' }));
      const [list, objects, key] = identity.grantedStatements;
      expect(list.actions).toEqual(['s3:ListBucket', 's3:ListBucketMultipartUploads']);
      expect(list.conditions).toEqual([{ test: 'StringLike', variable: 's3:prefix', values: ['offline/*'] }]);
      expect(objects.actions).toEqual([
        's3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes',
        's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts',
      ]);
      expect(objects.resources[0]).toMatch(/\/offline\/\*$/);
      expect(key.actions).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    });

    test.each([
      ['/models/', 'models/'],
      ['models/*', 'models/'],
      ['mod?els', 'models/'],
    ])('a prefix %j: the fix says %j', (prefix, fixed) => {
      expect(() => granted((b, id) => b.grantRead(id, { prefix }))).toThrow(
        `test/cluster/reader: invalid prefix = ${JSON.stringify(prefix)}: a grant prefix is a key prefix ending in "/", without a leading "/" or wildcards `
        + `(without the slash, "llama" would also match "llama-guard/"). Fix: write it as "${fixed}".`);
    });
  });

  describe('errors', () => {
    test('noncurrentVersionExpirationDays not a whole number', () => {
      expect(() => bucket({ noncurrentVersionExpirationDays: 2.5 })).toThrow(
        'test/data: invalid noncurrentVersionExpirationDays = 2.5: S3 lifecycle rules count whole days, at least 1. Fix: give noncurrentVersionExpirationDays as a whole number >= 1.');
    });

    test('abortIncompleteMultipartUploadDays below 1', () => {
      expect(() => bucket({ abortIncompleteMultipartUploadDays: 0 })).toThrow(
        'test/data: invalid abortIncompleteMultipartUploadDays = 0: S3 lifecycle rules count whole days, at least 1. Fix: give abortIncompleteMultipartUploadDays as a whole number >= 1.');
    });

    test('a purpose that makes no S3 bucket name', () => {
      expect(() => bucket({ purpose: 'Features_1' })).toThrow(
        'test/data: invalid purpose = "cnai-test-Features_1-123456789012-us-west-2": not a valid S3 bucket name (43 characters); it must be 3 to 63 '
        + 'lowercase letters, digits and "-", starting and ending with a letter or digit, without a reserved prefix (xn--, sthree-) or suffix '
        + '(-s3alias, --ol-s3). Fix: choose a name of 3 to 63 lowercase letters, digits and "-", starting and ending with a letter or digit, '
        + 'without a reserved prefix (xn--, sthree-) or suffix (-s3alias, --ol-s3).');
    });
  });
});
