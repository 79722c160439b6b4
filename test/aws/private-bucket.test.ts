import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { Construct } from 'constructs';
import { dataSources, only, resources, synth, testStack, tfJson } from './util';
import { policyDocument } from '../../lib/aws/iam';
import { denyInsecureTransport, privateBucket } from '../../lib/aws/private-bucket';

describe('privateBucket', () => {
  function bucket(allowDestroy: boolean) {
    const stack = testStack();
    const scope = new Construct(stack, 'b');
    const made = privateBucket(scope, 'cnai-test-x-123456789012-us-west-2', allowDestroy);
    return { stack, made, json: synth(stack) };
  }

  test('kept on destroy: prevent_destroy and no force_destroy', () => {
    const { json } = bucket(false);
    expect(only(json, 'aws_s3_bucket')).toMatchObject({
      bucket: 'cnai-test-x-123456789012-us-west-2',
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  test('allowDestroy: force_destroy and no lifecycle block', () => {
    const b = only(bucket(true).json, 'aws_s3_bucket');
    expect(b.force_destroy).toBe(true);
    expect(b.lifecycle).toBeUndefined();
  });

  test('ACLs disabled and all four public access blocks, on this bucket', () => {
    const { json } = bucket(false);
    const [[bucketId]] = resources(json, 'aws_s3_bucket');
    const ref = `\${aws_s3_bucket.${bucketId}.id}`;
    expect(tfJson(json)).toHaveResourceWithProperties(S3BucketOwnershipControls, { bucket: ref, rule: { object_ownership: 'BucketOwnerEnforced' } });
    expect(tfJson(json)).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      bucket: ref, block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
    });
  });

  test('returns the bucket and its public access block', () => {
    const { made } = bucket(false);
    expect(made.bucket.node.id).toBe('bucket');
    expect(made.publicAccess.node.id).toBe('public-access');
  });
});

describe('denyInsecureTransport', () => {
  test('denies every S3 action to everyone on the bucket and its objects without TLS', () => {
    const stack = testStack();
    const { bucket } = privateBucket(new Construct(stack, 'b'), 'cnai-test-x-123456789012-us-west-2', false);
    policyDocument(stack, 'doc', [denyInsecureTransport(bucket)]);
    const json = synth(stack);
    const [[bucketId]] = resources(json, 'aws_s3_bucket');
    expect(dataSources(json, 'aws_iam_policy_document').doc.statement).toEqual([{
      sid: 'DenyInsecureTransport',
      effect: 'Deny',
      actions: ['s3:*'],
      resources: [`\${aws_s3_bucket.${bucketId}.arn}`, `\${aws_s3_bucket.${bucketId}.arn}/*`],
      principals: [{ type: '*', identifiers: ['*'] }],
      condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    }]);
  });
});
