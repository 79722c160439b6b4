import { configs, only, policyStatements, resources, synth, testCluster, testNaming, testStack } from './util';
import { ModelStore, StoreBucket } from '../../lib/aws';

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
