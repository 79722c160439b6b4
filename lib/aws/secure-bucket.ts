import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import type { AccessLogBucket } from './access-log-bucket';
import { EncryptionKey } from './encryption-key';
import { policyDocument } from './iam';
import { denyInsecureTransport, privateBucket } from './private-bucket';
import type { WorkloadIdentity } from './workload-identity';
import { invalidProp } from '../core/errors';
import { assertName, NAME_RULES, PlatformNaming } from '../core/names';

/** Properties of a {@link SecureBucket}. */
export interface SecureBucketProps {
  /** Platform naming: the bucket is `naming.bucketName(purpose)`. */
  readonly naming: PlatformNaming;
  /** What the bucket holds, e.g. `models`. */
  readonly purpose: string;
  /** The key for SSE-KMS. */
  readonly key: EncryptionKey;
  /**
   * Days a replaced or deleted object version is kept.
   * @default 30
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Days before an unfinished multipart upload is aborted (its parts are billed until then).
   * @default 7
   */
  readonly abortIncompleteMultipartUploadDays?: number;
  /**
   * Let `terraform destroy` delete the bucket with every object version in it (`force_destroy`).
   * Off, the bucket carries `lifecycle { prevent_destroy = true }`: models and datasets outlive the
   * platform, and destroy refuses to run until the bucket is taken out of the state
   * (`CnaiAwsStack.teardown()` lists the commands).
   * @default false
   */
  readonly allowDestroy?: boolean;
  /**
   * Where S3 server access logs of this bucket go (under `<purpose>/`, partitioned by event date).
   * @default - no access logs
   */
  readonly accessLogs?: AccessLogBucket;
}

/** Options of a grant on a bucket. */
export interface BucketGrantOptions {
  /**
   * Key prefix the grant is limited to, ending in `/` (e.g. `llama-3/`).
   * @default - the whole bucket
   */
  readonly prefix?: string;
}

const READ_OBJECT = ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes'];
const WRITE_OBJECT = ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];

/**
 * An S3 bucket that is private and encrypted by construction: SSE-KMS with a bucket key,
 * versioning, all four public access blocks, ACLs disabled, a policy denying any request
 * without TLS, lifecycle for old versions and stale uploads, and `prevent_destroy`.
 */
export class SecureBucket extends Construct {
  /** Bucket name. */
  public readonly bucketName: string;
  /** Days old versions are kept. */
  public readonly noncurrentVersionExpirationDays: number;
  /** Days before stale multipart uploads are aborted. */
  public readonly abortIncompleteMultipartUploadDays: number;
  /** Whether `terraform destroy` may delete the bucket. */
  public readonly allowDestroy: boolean;
  /** The bucket. */
  public readonly bucket: S3Bucket;
  /** The encryption key. */
  public readonly key: EncryptionKey;
  /** Where the bucket's server access logs go.
   * @default - none
   */
  public readonly accessLogs?: AccessLogBucket;
  private arnReference?: string;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const path = this.node.path;
    this.bucketName = assertName(path, 'purpose', props.naming.bucketName(props.purpose), NAME_RULES.s3Bucket);
    this.key = props.key;
    this.noncurrentVersionExpirationDays = props.noncurrentVersionExpirationDays ?? 30;
    this.abortIncompleteMultipartUploadDays = props.abortIncompleteMultipartUploadDays ?? 7;
    for (const [prop, value] of [['noncurrentVersionExpirationDays', this.noncurrentVersionExpirationDays],
      ['abortIncompleteMultipartUploadDays', this.abortIncompleteMultipartUploadDays]] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw invalidProp(path, prop, value, 'S3 lifecycle rules count whole days, at least 1', `give ${prop} as a whole number >= 1`);
      }
    }
    this.allowDestroy = props.allowDestroy ?? false;

    const { bucket: created, publicAccess } = privateBucket(this, this.bucketName, this.allowDestroy);
    this.bucket = created;
    const bucket = this.bucket.id;
    new S3BucketVersioningA(this, 'versioning', { bucket, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [{
        applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: this.key.keyArn },
        // One data key per bucket instead of per object: far fewer KMS calls for large models.
        bucketKeyEnabled: true,
      }],
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      rule: [
        {
          id: 'expire-noncurrent-versions',
          status: 'Enabled',
          filter: [{}],
          noncurrentVersionExpiration: [{ noncurrentDays: this.noncurrentVersionExpirationDays }],
        },
        {
          id: 'abort-incomplete-multipart-uploads',
          status: 'Enabled',
          filter: [{}],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: this.abortIncompleteMultipartUploadDays }],
        },
      ],
    });
    this.accessLogs = props.accessLogs;
    if (this.accessLogs) {
      new S3BucketLoggingA(this, 'access-logs', {
        bucket,
        targetBucket: this.accessLogs.bucket.id,
        targetPrefix: `${props.purpose}/`,
        // <prefix><account>/<region>/<bucket>/<yyyy>/<mm>/<dd>/: queryable by date (Athena partition projection).
        targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: 'EventTime' } },
      });
    }
    new S3BucketPolicy(this, 'policy', {
      bucket,
      policy: policyDocument(this, 'tls-only', [denyInsecureTransport(this.bucket)]).json,
      // S3 rejects policy changes while the public access block is being applied.
      dependsOn: [publicAccess],
    });
  }

  /** ARN of the bucket. */
  public get bucketArn(): string {
    // One reference for every use: each read of the attribute is a new token, which records its stack.
    return this.arnReference ??= this.bucket.arn;
  }

  /** Lets an identity list and read objects (under a prefix), and decrypt them. */
  public grantRead(identity: WorkloadIdentity, options: BucketGrantOptions = {}): void {
    this.grant(identity, options, false);
  }

  /** Lets an identity list, read, write and delete objects (under a prefix), and encrypt/decrypt them. */
  public grantReadWrite(identity: WorkloadIdentity, options: BucketGrantOptions = {}): void {
    this.grant(identity, options, true);
  }

  private grant(identity: WorkloadIdentity, options: BucketGrantOptions, write: boolean): void {
    const prefix = options.prefix ?? '';
    if (prefix !== '' && (!prefix.endsWith('/') || prefix.startsWith('/') || /[*?]/.test(prefix))) {
      throw invalidProp(identity.node.path, 'prefix', prefix,
        'a grant prefix is a key prefix ending in "/", without a leading "/" or wildcards (without the slash, "llama" would also match "llama-guard/")',
        `write it as "${prefix.replace(/^\/+/, '').replace(/[*?]/g, '').replace(/\/*$/, '')}/"`);
    }
    const label = write ? 'ReadWrite' : 'Read';
    // Sids must be unique within a policy: number them by position.
    const n = identity.grantedStatements.length;
    const sid = `${label}${this.node.id.replace(/[^A-Za-z0-9]/g, '')}`;
    identity.addToPolicy({
      sid: `List${sid}${n}`,
      actions: write ? ['s3:ListBucket', 's3:ListBucketMultipartUploads'] : ['s3:ListBucket'],
      resources: [this.bucketArn],
      conditions: prefix ? [{ test: 'StringLike', variable: 's3:prefix', values: [`${prefix}*`] }] : undefined,
    });
    identity.addToPolicy({
      sid: `Objects${sid}${n + 1}`,
      actions: write ? [...READ_OBJECT, ...WRITE_OBJECT] : READ_OBJECT,
      resources: [`${this.bucketArn}/${prefix}*`],
    });
    identity.addToPolicy({
      sid: `Key${sid}${n + 2}`,
      actions: write ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
      resources: [this.key.keyArn],
    });
  }
}
