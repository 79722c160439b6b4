import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { configs, only, policyStatements, resources, synth, testCluster, testNaming, testStack, tfJson } from './util';
import { AccessLogBucket, ModelStore, StoreBucket } from '../../lib/aws';
import { PlatformNaming } from '../../lib/core';

function store(props: Partial<ConstructorParameters<typeof ModelStore>[2]> = {}) {
  const stack = testStack();
  const modelStore = new ModelStore(stack, 'store', { naming: testNaming(), ...props });
  return { stack, modelStore };
}

describe('ModelStore', () => {
  test('bucket names come from PlatformNaming and match the contract', () => {
    const { modelStore } = store();
    expect(modelStore.contract()).toEqual({
      models: 'cnai-test-models-123456789012-us-west-2',
      datasets: 'cnai-test-datasets-123456789012-us-west-2',
    });
  });

  test('SSE-KMS with a bucket key, versioning, and ACLs disabled on both buckets', () => {
    const { stack } = store();
    const json = synth(stack);
    const sse = configs(json, 'aws_s3_bucket_server_side_encryption_configuration');
    expect(sse).toHaveLength(2);
    for (const s of sse) {
      expect(s.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
      expect(s.rule[0].apply_server_side_encryption_by_default.kms_master_key_id).toMatch(/aws_kms_key/);
      expect(s.rule[0].bucket_key_enabled).toBe(true);
    }
    expect(configs(json, 'aws_s3_bucket_versioning').map((v) => v.versioning_configuration.status)).toEqual(['Enabled', 'Enabled']);
    expect(configs(json, 'aws_s3_bucket_ownership_controls').map((o) => o.rule.object_ownership)).toEqual(['BucketOwnerEnforced', 'BucketOwnerEnforced']);
    expect(only(json, 'aws_kms_key').enable_key_rotation).toBe(true);
  });

  test('all four public access blocks', () => {
    const { stack } = store();
    for (const pab of configs(synth(stack), 'aws_s3_bucket_public_access_block')) {
      expect(pab).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    }
  });

  test('a bucket policy denying every request without TLS', () => {
    const { stack } = store();
    const json = synth(stack);
    const policies = configs(json, 'aws_s3_bucket_policy');
    expect(policies).toHaveLength(2);
    for (const p of policies) {
      const [deny] = policyStatements(json, p.policy);
      expect(deny).toMatchObject({
        effect: 'Deny',
        actions: ['s3:*'],
        principals: [{ type: '*', identifiers: ['*'] }],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      });
      expect(deny.resources).toHaveLength(2);
      expect(deny.resources[1]).toMatch(/\.arn\}\/\*$/);
    }
  });

  test('lifecycle: noncurrent versions expire after 30 days, stale multipart uploads are aborted', () => {
    const { stack } = store();
    for (const lc of configs(synth(stack), 'aws_s3_bucket_lifecycle_configuration')) {
      const rules = Object.fromEntries(lc.rule.map((r: any) => [r.id, r]));
      expect(rules['expire-noncurrent-versions'].noncurrent_version_expiration).toEqual([{ noncurrent_days: 30 }]);
      expect(rules['abort-incomplete-multipart-uploads'].abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 7 }]);
    }
  });

  test('prevent_destroy by default; off only with allowDestroy', () => {
    const { stack } = store();
    for (const b of configs(synth(stack), 'aws_s3_bucket')) {
      expect(b.lifecycle).toEqual({ prevent_destroy: true });
      expect(b.force_destroy).toBe(false);
    }
    const opted = store({ allowDestroy: true });
    for (const b of configs(synth(opted.stack), 'aws_s3_bucket')) expect(b.lifecycle).toBeUndefined();
  });

  test('ECR repositories: immutable tags, scan on push, KMS encryption', () => {
    const { stack, modelStore } = store({ repositories: ['serving'] });
    expect(modelStore.repositories.serving.repositoryName).toBe('cnai-test/serving');
    const json = synth(stack);
    expect(only(json, 'aws_ecr_repository')).toMatchObject({
      name: 'cnai-test/serving',
      image_tag_mutability: 'IMMUTABLE',
      image_scanning_configuration: { scan_on_push: true },
      force_delete: false,
    });
    const enc = only(json, 'aws_ecr_repository').encryption_configuration[0];
    expect(enc.encryption_type).toBe('KMS');
    expect(enc.kms_key).toMatch(/aws_kms_key/);
    expect(JSON.parse(only(json, 'aws_ecr_lifecycle_policy').policy).rules[0].selection).toMatchObject({ tagStatus: 'untagged', countNumber: 14 });
  });

  describe('grants', () => {
    function granted(grant: (s: ModelStore, id: any) => void) {
      const stack = testStack();
      const cluster = testCluster(stack);
      const modelStore = new ModelStore(stack, 'store', { naming: cluster.naming, repositories: ['serving'] });
      const identity = cluster.addWorkloadIdentity('server', { namespace: 'serving', serviceAccount: 'vllm' });
      grant(modelStore, identity);
      const json = synth(stack);
      const policy = configs(json, 'aws_iam_role_policy').find((p) => p.name === 'grants');
      const bucketIds = Object.fromEntries(resources(json, 'aws_s3_bucket').map(([id, b]) => [b.bucket.split('-')[2], id]));
      return { json, statements: policyStatements(json, policy.policy), bucketIds, identity };
    }

    test('grantRead with a prefix: list under the prefix, read objects under it, decrypt', () => {
      const { statements, bucketIds } = granted((s, id) => s.grantRead(id, { prefix: 'llama-3/' }));
      const arn = `\${aws_s3_bucket.${bucketIds.models}.arn}`;
      expect(statements).toHaveLength(3);
      expect(statements[0]).toMatchObject({
        actions: ['s3:ListBucket'],
        resources: [arn],
        condition: [{ test: 'StringLike', variable: 's3:prefix', values: ['llama-3/*'] }],
      });
      expect(statements[1]).toMatchObject({ actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes'], resources: [`${arn}/llama-3/*`] });
      expect(statements[2].actions).toEqual(['kms:Decrypt']);
      expect(statements[2].resources[0]).toMatch(/aws_kms_key\..+\.arn/);
      expect(statements.flatMap((s: any) => s.resources)).not.toContain('*');
    });

    test('grantReadWrite on datasets: write actions and GenerateDataKey, whole bucket', () => {
      const { statements, bucketIds } = granted((s, id) => s.grantReadWrite(id, { bucket: StoreBucket.DATASETS }));
      const arn = `\${aws_s3_bucket.${bucketIds.datasets}.arn}`;
      expect(statements[0].condition).toBeUndefined();
      expect(statements[1].resources).toEqual([`${arn}/*`]);
      expect(statements[1].actions).toEqual(expect.arrayContaining(['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']));
      expect(statements[2].actions).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    });

    test('grantPull: the repository only, plus the account-wide auth token', () => {
      const { statements } = granted((s, id) => s.repositories.serving.grantPull(id));
      expect(statements[0]).toMatchObject({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] });
      expect(statements[1].actions).toEqual(['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability']);
      expect(statements[1].resources[0]).toMatch(/aws_ecr_repository\..+\.arn/);
    });

    test('several grants make one policy with unique statement ids', () => {
      const { statements } = granted((s, id) => {
        s.grantRead(id);
        s.grantRead(id, { bucket: StoreBucket.DATASETS, prefix: 'eval/' });
      });
      expect(statements).toHaveLength(6);
      expect(new Set(statements.map((s: any) => s.sid)).size).toBe(6);
    });

    test('a prefix without a trailing slash', () => {
      expect(() => granted((s, id) => s.grantRead(id, { prefix: 'llama' }))).toThrow(
        'test/cluster/server: invalid prefix = "llama": a grant prefix is a key prefix ending in "/", without a leading "/" or wildcards '
        + '(without the slash, "llama" would also match "llama-guard/"). Fix: write it as "llama/".');
    });
  });

  describe('errors', () => {
    test('a repository added twice', () => {
      const { modelStore } = store({ repositories: ['serving'] });
      expect(() => modelStore.addRepository('serving')).toThrow(/test\/store: invalid repositories = "serving": the repository already exists/);
    });

    test('a repository name ECR rejects', () => {
      expect(() => store({ repositories: ['Serving!'] })).toThrow(/invalid name = "cnai-test\/Serving!": not a valid ECR repository name/);
    });

    test('a lifecycle of zero days', () => {
      expect(() => store({ noncurrentVersionExpirationDays: 0 })).toThrow(
        /test\/store\/models: invalid noncurrentVersionExpirationDays = 0: S3 lifecycle rules count whole days, at least 1/);
    });
  });
});

describe('ModelStore access logs', () => {
  const prodNaming = () => new PlatformNaming({ platformName: 'cnai', environment: 'prod', region: 'us-west-2', accountId: '123456789012' });

  test('on by default outside disposable environments: a log bucket (SSE-S3, TLS-only, ACLs off, logs expire after 365 days) receives both buckets\' logs', () => {
    const stack = testStack();
    const modelStore = new ModelStore(stack, 'store', { naming: prodNaming() });
    const json = synth(stack);
    expect(modelStore.accessLogs?.bucketName).toBe('cnai-prod-logs-123456789012-us-west-2');
    expect(configs(json, 'aws_s3_bucket').map((b) => b.bucket).sort()).toEqual([
      'cnai-prod-datasets-123456789012-us-west-2',
      'cnai-prod-logs-123456789012-us-west-2',
      'cnai-prod-models-123456789012-us-west-2',
    ]);
    const logBucket = resources(json, 'aws_s3_bucket').find(([, b]) => b.bucket === 'cnai-prod-logs-123456789012-us-west-2')![0];
    const logging = configs(json, 'aws_s3_bucket_logging');
    expect(logging.map((l) => l.target_prefix).sort()).toEqual(['datasets/', 'models/']);
    for (const l of logging) {
      expect(l.target_bucket).toBe(`\${aws_s3_bucket.${logBucket}.id}`);
      expect(l.target_object_key_format).toEqual({ partitioned_prefix: { partition_date_source: 'EventTime' } });
    }
    const sse = configs(json, 'aws_s3_bucket_server_side_encryption_configuration').find((s) => s.bucket === `\${aws_s3_bucket.${logBucket}.id}`);
    expect(sse.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }]);
    const lifecycle = configs(json, 'aws_s3_bucket_lifecycle_configuration').find((s) => s.bucket === `\${aws_s3_bucket.${logBucket}.id}`);
    expect(lifecycle.rule[0]).toMatchObject({ id: 'expire-logs', status: 'Enabled', expiration: [{ days: 365 }] });
    const policy = configs(json, 'aws_s3_bucket_policy').find((p) => p.bucket === `\${aws_s3_bucket.${logBucket}.id}`);
    const [allow, deny] = policyStatements(json, policy.policy);
    expect(allow).toMatchObject({
      effect: 'Allow',
      actions: ['s3:PutObject'],
      principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
      condition: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] },
        { test: 'ArnLike', variable: 'aws:SourceArn', values: ['arn:aws:s3:::cnai-prod-models-123456789012-us-west-2', 'arn:aws:s3:::cnai-prod-datasets-123456789012-us-west-2'] },
      ],
    });
    expect(deny).toMatchObject({ effect: 'Deny', condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] });
    const owner = configs(json, 'aws_s3_bucket_ownership_controls').find((o) => o.bucket === `\${aws_s3_bucket.${logBucket}.id}`);
    expect(owner.rule.object_ownership).toBe('BucketOwnerEnforced');
  });

  test('off by default in a disposable environment, and on when asked, with its retention', () => {
    expect(store().modelStore.accessLogs).toBeUndefined();
    expect(tfJson(synth(store().stack))).not.toHaveResource(S3BucketLoggingA);
    const { modelStore } = store({ accessLogging: true, accessLogRetentionDays: 90 });
    expect(modelStore.accessLogs?.retentionDays).toBe(90);
    expect(modelStore.accessLogs?.bucketName).toBe('cnai-test-logs-123456789012-us-west-2');
  });

  test('the log bucket is kept on destroy like the buckets it logs, unless they may be destroyed', () => {
    const kept = store({ accessLogging: true });
    expect(configs(synth(kept.stack), 'aws_s3_bucket').every((b) => b.lifecycle?.prevent_destroy === true)).toBe(true);
    const disposable = store({ accessLogging: true, allowDestroy: true });
    expect(configs(synth(disposable.stack), 'aws_s3_bucket').map((b) => b.force_destroy)).toEqual([true, true, true]);
  });

  test('error: a log retention with access logging off', () => {
    expect(() => store({ accessLogging: false, accessLogRetentionDays: 30 })).toThrow(
      'test/store: invalid accessLogRetentionDays = 30: access logging is off, so no log would be kept. Fix: drop accessLogRetentionDays, or set accessLogging: true.');
  });

  test('error: a log retention that is not a whole number of days', () => {
    expect(() => store({ accessLogging: true, accessLogRetentionDays: 0 })).toThrow(
      'test/store/access-logs: invalid retentionDays = 0: S3 lifecycle rules count whole days, at least 1. Fix: give retentionDays as a whole number >= 1 (e.g. 365).');
  });

  test('error: an access log bucket with no source bucket', () => {
    expect(() => new AccessLogBucket(testStack(), 'logs', { naming: testNaming(), sourceBucketNames: [] })).toThrow(
      'test/logs: invalid sourceBucketNames = []: no bucket would deliver logs here. Fix: name the buckets whose access logs this bucket receives.');
  });
});
