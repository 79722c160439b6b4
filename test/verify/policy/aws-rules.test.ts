// The AWS data protection pack: each rule over a compliant and a non-compliant literal stack.
import { CONTRACT, runTerraformRule, stack } from './helpers';
import { RuleStatus } from '../../../lib/verify/policy';
import {
  CLOUDWATCH_LOGS_KMS, CLOUDWATCH_LOGS_RETENTION, ECR_IMAGE_SCANNING, ECR_KMS_ENCRYPTION, ECR_TAG_IMMUTABILITY, EKS_CONTROL_PLANE_LOGGING,
  EKS_ENDPOINT_PRIVATE, EKS_SECRETS_ENCRYPTION, IAM_NO_WILDCARDS, KMS_ROTATION, LAUNCH_TEMPLATE_IMDSV2, RDS_AUTO_MINOR_UPGRADE, RDS_BACKUPS,
  RDS_DELETION_PROTECTION, RDS_IAM_AUTHENTICATION, RDS_KMS_ENCRYPTION, S3_ACCESS_LOGGING, S3_KMS_ENCRYPTION, S3_PUBLIC_ACCESS_BLOCK, S3_TLS_ONLY,
  SECRETS_ROTATION, SQS_KMS_ENCRYPTION,
} from '../../../lib/verify/policy/rules/aws';

const C = RuleStatus.COMPLIANT;
const N = RuleStatus.NON_COMPLIANT;
const NA = RuleStatus.NOT_APPLICABLE;

const BUCKET = { bucket: { bucket: 'models-bucket' } };
const bucketRef = '${aws_s3_bucket.bucket.id}';
const KEY = '${aws_kms_key.key.arn}';

describe('aws-s3-kms-encryption', () => {
  test('compliant: SSE-KMS with a customer managed key', () => {
    const r = runTerraformRule(S3_KMS_ENCRYPTION, stack({
      aws_s3_bucket: BUCKET,
      aws_s3_bucket_server_side_encryption_configuration: { enc: { bucket: bucketRef, rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: KEY } }] } },
    }));
    expect(r.status).toBe(C);
  });
  test('non-compliant: SSE-S3, the AWS managed key, or no configuration', () => {
    const aes = runTerraformRule(S3_KMS_ENCRYPTION, stack({
      aws_s3_bucket: BUCKET,
      aws_s3_bucket_server_side_encryption_configuration: { enc: { bucket: 'models-bucket', rule: { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } } } },
    }));
    expect(aes.findings).toEqual(['encrypts with AES256, not a customer managed KMS key']);
    const managed = runTerraformRule(S3_KMS_ENCRYPTION, stack({
      aws_s3_bucket: BUCKET,
      aws_s3_bucket_server_side_encryption_configuration: { enc: { bucket: bucketRef, rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' } }] } },
    }));
    expect(managed.findings).toEqual(['encrypts with the AWS managed key aws/s3 (no kms_master_key_id)']);
    expect(runTerraformRule(S3_KMS_ENCRYPTION, stack({ aws_s3_bucket: BUCKET })).findings).toEqual(['has no default encryption configuration (S3 falls back to SSE-S3)']);
  });
});

describe('aws-s3-public-access-block', () => {
  const pab = (over: any = {}) => ({
    pab: { bucket: bucketRef, block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true, ...over },
  });
  test('compliant: all four settings on', () => {
    expect(runTerraformRule(S3_PUBLIC_ACCESS_BLOCK, stack({ aws_s3_bucket: BUCKET, aws_s3_bucket_public_access_block: pab() })).status).toBe(C);
  });
  test('non-compliant: a setting off, or no block', () => {
    const off = stack({ aws_s3_bucket: BUCKET, aws_s3_bucket_public_access_block: pab({ restrict_public_buckets: false }) });
    expect(runTerraformRule(S3_PUBLIC_ACCESS_BLOCK, off).findings)
      .toEqual(['public access block leaves restrict_public_buckets off']);
    expect(runTerraformRule(S3_PUBLIC_ACCESS_BLOCK, stack({ aws_s3_bucket: BUCKET })).findings).toEqual(['has no public access block']);
  });
});

describe('aws-s3-tls-only', () => {
  const tlsDoc = {
    statement: [{
      sid: 'DenyInsecureTransport',
      effect: 'Deny',
      actions: ['s3:*'],
      principals: [{ type: '*', identifiers: ['*'] }],
      resources: ['${aws_s3_bucket.bucket.arn}', '${aws_s3_bucket.bucket.arn}/*'],
      condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    }],
  };
  test('compliant: a policy document denying requests without TLS', () => {
    expect(runTerraformRule(S3_TLS_ONLY, stack(
      { aws_s3_bucket: BUCKET, aws_s3_bucket_policy: { p: { bucket: bucketRef, policy: '${data.aws_iam_policy_document.tls.json}' } } },
      { aws_iam_policy_document: { tls: tlsDoc } },
    )).status).toBe(C);
  });
  test('compliant: an inline JSON policy with the same statement', () => {
    const policy = JSON.stringify({ Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] });
    const json = stack({ aws_s3_bucket: BUCKET, aws_s3_bucket_policy: { p: { bucket: bucketRef, policy } } });
    expect(runTerraformRule(S3_TLS_ONLY, json).status).toBe(C);
  });
  test('non-compliant: no policy, or one without the deny', () => {
    expect(runTerraformRule(S3_TLS_ONLY, stack({ aws_s3_bucket: BUCKET })).findings).toEqual(['has no bucket policy, so plain HTTP requests are accepted']);
    const allow = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 's3:GetObject', Resource: '*' }] });
    const json = stack({ aws_s3_bucket: BUCKET, aws_s3_bucket_policy: { p: { bucket: bucketRef, policy: allow } } });
    expect(runTerraformRule(S3_TLS_ONLY, json).findings)
      .toEqual(['has no policy statement denying requests without TLS']);
  });
});

describe('aws-s3-access-logging', () => {
  test('compliant: server access logs to a log bucket (which is itself not applicable)', () => {
    const r = runTerraformRule(S3_ACCESS_LOGGING, stack({
      aws_s3_bucket: { ...BUCKET, logs: { bucket: 'access-logs' } },
      aws_s3_bucket_logging: { l: { bucket: bucketRef, target_bucket: '${aws_s3_bucket.logs.id}', target_prefix: 'models/' } },
    }), { contract: CONTRACT });
    expect(r.status).toBe(C);
    expect(r.report.rules[0]).toMatchObject({ compliant: 1, notApplicable: 1, nonCompliant: 0 });
  });
  test('compliant: a CloudTrail trail recording S3 data events of the bucket', () => {
    const trail = { t: { name: 'org', s3_bucket_name: 'trail-bucket', event_selector: [{ data_resource: [{ type: 'AWS::S3::Object', values: ['${aws_s3_bucket.bucket.arn}/'] }] }] } };
    expect(runTerraformRule(S3_ACCESS_LOGGING, stack({ aws_s3_bucket: BUCKET, aws_cloudtrail: trail })).status).toBe(C);
    const advanced = { t: { name: 'org', advanced_event_selector: [{ field_selector: [{ field: 'eventCategory', equals: ['Data'] }, { field: 'resources.type', equals: ['AWS::S3::Object'] }] }] } };
    expect(runTerraformRule(S3_ACCESS_LOGGING, stack({ aws_s3_bucket: BUCKET, aws_cloudtrail: advanced })).status).toBe(C);
  });
  test('non-compliant in prod (and when no environment is known); not applicable elsewhere', () => {
    const json = stack({ aws_s3_bucket: BUCKET });
    expect(runTerraformRule(S3_ACCESS_LOGGING, json, { contract: CONTRACT }).findings)
      .toEqual(['logs no object access (no server access logging, no CloudTrail S3 data events for it)']);
    expect(runTerraformRule(S3_ACCESS_LOGGING, json).status).toBe(N);
    expect(runTerraformRule(S3_ACCESS_LOGGING, json, { contract: { ...CONTRACT, environment: 'dev' } }).status).toBe(NA);
  });
});

describe('RDS rules', () => {
  const good = {
    storage_encrypted: true,
    kms_key_id: KEY,
    backup_retention_period: 7,
    deletion_protection: true,
    auto_minor_version_upgrade: true,
    engine_version: '17',
    iam_database_authentication_enabled: true,
  };
  const db = (over: any) => stack({ aws_db_instance: { db: { ...good, ...over } } });
  test('compliant: the settings PostgresDatabase writes (and IAM authentication)', () => {
    for (const rule of [RDS_KMS_ENCRYPTION, RDS_BACKUPS, RDS_DELETION_PROTECTION, RDS_AUTO_MINOR_UPGRADE, RDS_IAM_AUTHENTICATION]) {
      expect([rule.id, runTerraformRule(rule, db({})).status]).toEqual([rule.id, C]);
    }
  });
  test('aws-rds-kms-encryption: unencrypted, or the AWS managed key', () => {
    expect(runTerraformRule(RDS_KMS_ENCRYPTION, db({ storage_encrypted: false })).findings).toEqual(['storage is not encrypted']);
    expect(runTerraformRule(RDS_KMS_ENCRYPTION, db({ kms_key_id: undefined })).findings).toEqual(['storage is encrypted with the AWS managed key aws/rds']);
  });
  test('aws-rds-backups: fewer than 7 days, or off', () => {
    expect(runTerraformRule(RDS_BACKUPS, db({ backup_retention_period: 3 })).findings).toEqual(['keeps automated backups for 3 day(s)']);
    expect(runTerraformRule(RDS_BACKUPS, db({ backup_retention_period: undefined })).findings).toEqual(['has automated backups off (backup_retention_period 0 or unset)']);
  });
  test('aws-rds-deletion-protection: off', () => {
    expect(runTerraformRule(RDS_DELETION_PROTECTION, db({ deletion_protection: false })).findings).toEqual(['has deletion protection off']);
  });
  test('aws-rds-auto-minor-upgrade: off with a pinned engine', () => {
    expect(runTerraformRule(RDS_AUTO_MINOR_UPGRADE, db({ auto_minor_version_upgrade: false, engine_version: '17.2' })).findings)
      .toEqual(['has automatic minor version upgrades off (engine_version 17.2)']);
  });
  test('aws-rds-iam-authentication: off', () => {
    expect(runTerraformRule(RDS_IAM_AUTHENTICATION, db({ iam_database_authentication_enabled: false })).findings).toEqual(['has IAM database authentication off']);
  });
  test('an Aurora member instance is not applicable: its cluster is checked', () => {
    const json = stack({ aws_db_instance: { m: { cluster_identifier: '${aws_rds_cluster.c.id}' } }, aws_rds_cluster: { c: { ...good, backup_retention_period: 1 } } });
    const r = runTerraformRule(RDS_BACKUPS, json);
    expect(r.report.rules[0]).toMatchObject({ notApplicable: 1, nonCompliant: 1 });
    expect(r.report.findings[0].resource).toBe('aws_rds_cluster.c');
  });
});

describe('EKS rules', () => {
  const cluster = (over: any) => stack({
    aws_eks_cluster: {
      c: {
        enabled_cluster_log_types: ['api', 'audit', 'authenticator'],
        encryption_config: { provider: { key_arn: KEY }, resources: ['secrets'] },
        vpc_config: { endpoint_private_access: true, endpoint_public_access: false, subnet_ids: [] },
        ...over,
      },
    },
  });
  test('compliant: the settings Cluster writes', () => {
    for (const rule of [EKS_SECRETS_ENCRYPTION, EKS_ENDPOINT_PRIVATE, EKS_CONTROL_PLANE_LOGGING]) {
      expect([rule.id, runTerraformRule(rule, cluster({})).status]).toEqual([rule.id, C]);
    }
    expect(runTerraformRule(EKS_ENDPOINT_PRIVATE, cluster({ vpc_config: { endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ['203.0.113.0/24'] } })).status).toBe(C);
  });
  test('aws-eks-secrets-encryption: no encryption config', () => {
    expect(runTerraformRule(EKS_SECRETS_ENCRYPTION, cluster({ encryption_config: undefined })).findings).toEqual(['does not encrypt Secrets with a KMS key']);
  });
  test('aws-eks-endpoint-private: public to anywhere, and no private endpoint', () => {
    expect(runTerraformRule(EKS_ENDPOINT_PRIVATE, cluster({ vpc_config: { subnet_ids: [] } })).findings).toEqual([
      'has no private endpoint: nodes reach the API over the internet',
      'has a public API endpoint open to any address (no public_access_cidrs)',
    ]);
    expect(runTerraformRule(EKS_ENDPOINT_PRIVATE, cluster({ vpc_config: { endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ['0.0.0.0/0'] } })).findings)
      .toEqual(['has a public API endpoint open to 0.0.0.0/0']);
  });
  test('aws-eks-control-plane-logging: audit missing', () => {
    expect(runTerraformRule(EKS_CONTROL_PLANE_LOGGING, cluster({ enabled_cluster_log_types: ['api'] })).findings).toEqual(['does not log audit, authenticator']);
  });
});

describe('aws-cloudwatch-logs-kms, aws-cloudwatch-logs-retention', () => {
  const group = (over: any) => stack({ aws_cloudwatch_log_group: { g: { name: '/aws/eks/c/cluster', kms_key_id: KEY, retention_in_days: 365, ...over } } });
  test('compliant: a KMS key and a year', () => {
    expect(runTerraformRule(CLOUDWATCH_LOGS_KMS, group({})).status).toBe(C);
    expect(runTerraformRule(CLOUDWATCH_LOGS_RETENTION, group({})).status).toBe(C);
    expect(runTerraformRule(CLOUDWATCH_LOGS_RETENTION, group({ retention_in_days: undefined })).status).toBe(C);
  });
  test('non-compliant: no key; 30 days', () => {
    expect(runTerraformRule(CLOUDWATCH_LOGS_KMS, group({ kms_key_id: undefined })).findings).toEqual(['is not encrypted with a customer managed KMS key']);
    expect(runTerraformRule(CLOUDWATCH_LOGS_RETENTION, group({ retention_in_days: 30 })).findings).toEqual(['keeps events for 30 days']);
  });
});

describe('aws-sqs-kms-encryption', () => {
  test('compliant: a customer managed key', () => {
    expect(runTerraformRule(SQS_KMS_ENCRYPTION, stack({ aws_sqs_queue: { q: { name: 'q', kms_master_key_id: KEY } } })).status).toBe(C);
  });
  test('non-compliant: SSE-SQS, the AWS managed key', () => {
    expect(runTerraformRule(SQS_KMS_ENCRYPTION, stack({ aws_sqs_queue: { q: { name: 'q', sqs_managed_sse_enabled: true } } })).findings)
      .toEqual(['is encrypted with SSE-SQS, not a customer managed key']);
    expect(runTerraformRule(SQS_KMS_ENCRYPTION, stack({ aws_sqs_queue: { q: { name: 'q', kms_master_key_id: 'alias/aws/sqs' } } })).findings)
      .toEqual(['is encrypted with the AWS managed key alias/aws/sqs']);
  });
});

describe('aws-ecr-kms-encryption, aws-ecr-image-scanning, aws-ecr-tag-immutability', () => {
  const repo = (over: any) => stack({
    aws_ecr_repository: {
      r: {
        name: 'serving',
        image_tag_mutability: 'IMMUTABLE',
        image_scanning_configuration: { scan_on_push: true },
        encryption_configuration: [{ encryption_type: 'KMS', kms_key: KEY }],
        ...over,
      },
    },
  });
  test('compliant: the settings ContainerRepository writes', () => {
    for (const rule of [ECR_KMS_ENCRYPTION, ECR_IMAGE_SCANNING, ECR_TAG_IMMUTABILITY]) {
      expect([rule.id, runTerraformRule(rule, repo({})).status]).toEqual([rule.id, C]);
    }
  });
  test('non-compliant: AES256 and the managed key; no scanning; mutable tags', () => {
    expect(runTerraformRule(ECR_KMS_ENCRYPTION, repo({ encryption_configuration: undefined })).findings).toEqual(['encrypts images with AES256 (S3-managed keys)']);
    expect(runTerraformRule(ECR_KMS_ENCRYPTION, repo({ encryption_configuration: [{ encryption_type: 'KMS' }] })).findings).toEqual(['encrypts images with the AWS managed key aws/ecr']);
    expect(runTerraformRule(ECR_IMAGE_SCANNING, repo({ image_scanning_configuration: undefined })).findings).toEqual(['does not scan images on push']);
    expect(runTerraformRule(ECR_TAG_IMMUTABILITY, repo({ image_tag_mutability: undefined })).findings).toEqual(['has MUTABLE (the default) image tags']);
  });
  test('registry-wide scanning counts for every repository', () => {
    const json = repo({ image_scanning_configuration: undefined });
    json.resource.aws_ecr_registry_scanning_configuration = { s: { scan_type: 'ENHANCED' } };
    expect(runTerraformRule(ECR_IMAGE_SCANNING, json).status).toBe(C);
  });
});

describe('aws-kms-rotation', () => {
  test('compliant; asymmetric keys not applicable', () => {
    expect(runTerraformRule(KMS_ROTATION, stack({ aws_kms_key: { k: { enable_key_rotation: true } } })).status).toBe(C);
    expect(runTerraformRule(KMS_ROTATION, stack({ aws_kms_key: { k: { customer_master_key_spec: 'RSA_2048' } } })).status).toBe(NA);
  });
  test('non-compliant: rotation off', () => {
    expect(runTerraformRule(KMS_ROTATION, stack({ aws_kms_key: { k: {} } })).findings).toEqual(['has automatic key rotation off']);
  });
});

describe('aws-launch-template-imdsv2', () => {
  const lt = (metadata_options: any) => stack({ aws_launch_template: { lt: { name: 'nodes', ...(metadata_options ? { metadata_options } : {}) } } });
  test('compliant: tokens required, hop limit 1; or the endpoint off', () => {
    expect(runTerraformRule(LAUNCH_TEMPLATE_IMDSV2, lt({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 })).status).toBe(C);
    expect(runTerraformRule(LAUNCH_TEMPLATE_IMDSV2, lt({ http_endpoint: 'disabled' })).status).toBe(C);
  });
  test('non-compliant: IMDSv1 allowed; hop limit 2 (or unset)', () => {
    expect(runTerraformRule(LAUNCH_TEMPLATE_IMDSV2, lt({ http_tokens: 'optional', http_put_response_hop_limit: 2 })).findings).toEqual([
      'allows IMDSv1 (http_tokens optional)',
      'lets the metadata token reach containers (http_put_response_hop_limit 2)',
    ]);
    expect(runTerraformRule(LAUNCH_TEMPLATE_IMDSV2, lt(undefined)).findings).toEqual([
      'allows IMDSv1 (http_tokens unset)',
      'lets the metadata token reach containers (http_put_response_hop_limit unset, 2 on AL2023)',
    ]);
  });
});

describe('aws-iam-no-wildcards', () => {
  const doc = (statement: any[]) => ({ aws_iam_policy_document: { d: { statement } } });
  const rolePolicy = { aws_iam_role_policy: { p: { name: 'grants', role: 'r', policy: '${data.aws_iam_policy_document.d.json}' } } };
  const keyPolicy = { aws_kms_key: { k: { enable_key_rotation: true, policy: '${data.aws_iam_policy_document.d.json}' } } };
  test('compliant: named actions and resources; documented exceptions', () => {
    const r = runTerraformRule(IAM_NO_WILDCARDS, stack(rolePolicy, doc([
      { sid: 'Read', effect: 'Allow', actions: ['s3:GetObject'], resources: ['${aws_s3_bucket.b.arn}/served/*'] },
      // X-Ray accepts no resource but "*".
      { sid: 'XRayWrite', effect: 'Allow', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] },
      // Scoped to the cluster's tagged resources (Karpenter's pattern).
      { sid: 'Launch', effect: 'Allow', actions: ['ec2:RunInstances'], resources: ['*'], condition: [{ test: 'StringEquals', variable: 'aws:RequestTag/kubernetes.io/cluster/c', values: ['owned'] }] },
      // Deny statements are not checked.
      { sid: 'Deny', effect: 'Deny', actions: ['*'], resources: ['*'] },
    ])));
    expect(r.status).toBe(C);
    // The AWS default key policy: kms:* for the account root, "*" meaning this key.
    const k = runTerraformRule(IAM_NO_WILDCARDS, stack(keyPolicy, doc([
      { sid: 'AccountAdministersKeyThroughIam', effect: 'Allow', actions: ['kms:*'], resources: ['*'], principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::123456789012:root'] }] },
      { sid: 'Ec2', effect: 'Allow', actions: ['kms:Decrypt'], resources: ['*'], principals: [{ type: 'AWS', identifiers: ['*'] }], condition: [{ test: 'StringEquals', variable: 'kms:CallerAccount', values: ['123456789012'] }] },
    ])));
    expect(k.status).toBe(C);
  });
  test('non-compliant: "*" actions, service-wide actions, "*" resources, NotAction, any principal without condition', () => {
    const r = runTerraformRule(IAM_NO_WILDCARDS, stack(rolePolicy, doc([
      { sid: 'Admin', effect: 'Allow', actions: ['*'], resources: ['*'] },
      { sid: 'AllS3', effect: 'Allow', actions: ['s3:*'], resources: ['${aws_s3_bucket.b.arn}'] },
      { sid: 'Everything', effect: 'Allow', actions: ['s3:GetObject'], resources: ['*'] },
      { effect: 'Allow', not_actions: ['iam:*'], resources: ['${aws_s3_bucket.b.arn}'] },
    ])));
    expect(r.findings).toEqual([
      'statement Admin: allows every action ("*")',
      'statement AllS3: allows every action of a service (s3:*)',
      'statement Everything: allows s3:GetObject on every resource ("*")',
      'statement #3: allows every action except iam:* (NotAction)',
    ]);
    const k = runTerraformRule(IAM_NO_WILDCARDS, stack(keyPolicy, doc([
      { sid: 'Anyone', effect: 'Allow', actions: ['kms:Decrypt'], resources: ['*'], principals: [{ type: 'AWS', identifiers: ['*'] }] },
      { sid: 'OtherAdmin', effect: 'Allow', actions: ['kms:*'], resources: ['*'], principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::123456789012:role/x'] }] },
    ])));
    expect(k.findings).toEqual(['statement Anyone: allows any principal without a condition', 'statement OtherAdmin: allows every action of a service (kms:*)']);
  });
  test('inline JSON policies are read too', () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'All', Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }] });
    expect(runTerraformRule(IAM_NO_WILDCARDS, stack({ aws_iam_policy: { p: { policy } } })).findings)
      .toEqual(['statement All: allows every action of a service (dynamodb:*)', 'statement All: allows dynamodb:* on every resource ("*")']);
  });
});

describe('aws-secrets-rotation', () => {
  test('compliant: a rotation resource names the secret', () => {
    expect(runTerraformRule(SECRETS_ROTATION, stack({
      aws_secretsmanager_secret: { s: { name: 'p/registry' } },
      aws_secretsmanager_secret_rotation: { r: { secret_id: '${aws_secretsmanager_secret.s.id}', rotation_lambda_arn: 'arn', rotation_rules: { automatically_after_days: 30 } } },
    })).status).toBe(C);
  });
  test('non-compliant: never rotates', () => {
    expect(runTerraformRule(SECRETS_ROTATION, stack({ aws_secretsmanager_secret: { s: { name: 'p/registry' } } })).findings)
      .toEqual(['p/registry never rotates (no aws_secretsmanager_secret_rotation)']);
  });
});
