// The parts every private bucket of the platform shares (SecureBucket, AccessLogBucket). Not
// exported from the package's entry point.
import { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { Construct } from 'constructs';

/**
 * A private bucket: `prevent_destroy` unless destroy is allowed, ACLs disabled (bucket owner
 * enforced) and all four public access blocks. Policies of the bucket depend on the returned
 * public access block (S3 rejects policy changes while it is being applied).
 */
export function privateBucket(scope: Construct, name: string, allowDestroy: boolean): { bucket: S3Bucket; publicAccess: S3BucketPublicAccessBlock } {
  const bucket = new S3Bucket(scope, 'bucket', {
    bucket: name,
    forceDestroy: allowDestroy,
    lifecycle: allowDestroy ? undefined : { preventDestroy: true },
  });
  new S3BucketOwnershipControls(scope, 'ownership', { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
  const publicAccess = new S3BucketPublicAccessBlock(scope, 'public-access', {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  return { bucket, publicAccess };
}

/**
 * The bucket policy statement denying every request without TLS.
 */
export function denyInsecureTransport(bucket: S3Bucket): DataAwsIamPolicyDocumentStatement {
  return {
    sid: 'DenyInsecureTransport',
    effect: 'Deny',
    actions: ['s3:*'],
    resources: [bucket.arn, `${bucket.arn}/*`],
    principals: [{ type: '*', identifiers: ['*'] }],
    condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
  };
}

