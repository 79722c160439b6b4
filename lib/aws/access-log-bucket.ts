import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { Construct } from 'constructs';
import { policyDocument } from './iam';
import { awsPartition } from './partition';
import { denyInsecureTransport, privateBucket } from './private-bucket';
import { Suppressions } from './suppressions';
import { invalidProp } from '../core/errors';
import { assertName, NAME_RULES, PlatformNaming } from '../core/names';

/** Properties of an {@link AccessLogBucket}. */
export interface AccessLogBucketProps {
  /** Platform naming: the bucket is `naming.bucketName("logs")`. */
  readonly naming: PlatformNaming;
  /**
   * Names of the buckets whose server access logs this bucket receives. Only they may deliver
   * logs here (the bucket policy's `aws:SourceArn`), and only from the platform's account.
   */
  readonly sourceBucketNames: string[];
  /**
   * Days a log object is kept before it expires.
   * @default 365
   */
  readonly retentionDays?: number;
  /**
   * Let `terraform destroy` delete the bucket with its logs (`force_destroy`); off, it carries
   * `prevent_destroy`, like the buckets it logs.
   * @default false
   */
  readonly allowDestroy?: boolean;
}

/**
 * The destination of S3 server access logs of the platform's buckets: private, TLS-only,
 * ACLs disabled, logs expiring after `retentionDays`. S3 delivers server access logs only to
 * buckets whose default encryption is SSE-S3, so this bucket uses SSE-S3 (AES-256), not the
 * platform's KMS key; the logs hold request metadata (who, what key, when), never object data.
 * Delivery is granted to the S3 logging service for the named source buckets of this account only.
 */
export class AccessLogBucket extends Construct {
  /** The bucket's name. */
  public readonly bucketName: string;
  /** Days a log object is kept. */
  public readonly retentionDays: number;
  /** Whether destroy may delete the bucket with its logs. */
  public readonly allowDestroy: boolean;
  /** The bucket. */
  public readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    const path = this.node.path;
    this.bucketName = assertName(path, 'naming', props.naming.bucketName('logs'), NAME_RULES.s3Bucket);
    this.retentionDays = props.retentionDays ?? 365;
    if (!Number.isInteger(this.retentionDays) || this.retentionDays < 1) {
      throw invalidProp(path, 'retentionDays', this.retentionDays, 'S3 lifecycle rules count whole days, at least 1', 'give retentionDays as a whole number >= 1 (e.g. 365)');
    }
    if (props.sourceBucketNames.length === 0) {
      throw invalidProp(path, 'sourceBucketNames', props.sourceBucketNames, 'no bucket would deliver logs here', 'name the buckets whose access logs this bucket receives');
    }
    this.allowDestroy = props.allowDestroy ?? false;
    const partition = awsPartition(props.naming.region);

    const { bucket: created, publicAccess } = privateBucket(this, this.bucketName, this.allowDestroy);
    this.bucket = created;
    const bucket = this.bucket.id;
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    Suppressions.add(this.bucket, 'aws-s3-kms-encryption', 'S3 delivers server access logs only to buckets whose default encryption is '
      + 'SSE-S3 (AES256), not SSE-KMS; the logs hold request metadata, never object data');
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      rule: [
        { id: 'expire-logs', status: 'Enabled', filter: [{}], expiration: [{ days: this.retentionDays }] },
        { id: 'abort-incomplete-multipart-uploads', status: 'Enabled', filter: [{}], abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }] },
      ],
    });
    new S3BucketPolicy(this, 'policy', {
      bucket,
      policy: policyDocument(this, 'delivery', [
        {
          sid: 'S3ServerAccessLogsDelivery',
          effect: 'Allow',
          actions: ['s3:PutObject'],
          resources: [`${this.bucket.arn}/*`],
          principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
          condition: [
            { test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.naming.accountId] },
            { test: 'ArnLike', variable: 'aws:SourceArn', values: props.sourceBucketNames.map((n) => `arn:${partition}:s3:::${n}`) },
          ],
        },
        denyInsecureTransport(this.bucket),
      ]).json,
      dependsOn: [publicAccess],
    });
  }
}
