import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { App, TerraformStack } from 'cdktf';
import {
  clearTerraformVerifyCache,
  findProviderMirror,
  runTerraformTestWithMockProvider,
  terraformVerifyStats,
  TerraformVerificationError,
  verifyTerraformStack,
} from '../../lib/verify/terraform';
import { expectStackToPlan, synthStackDir } from '../util/terraform';

const FIXTURES = path.join(__dirname, 'fixtures', 'terraform');

/** An encrypted bucket, its key, and a second bucket through an aliased provider. */
function validStack(): TerraformStack {
  const stack = new TerraformStack(new App(), 'valid');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const replica = new AwsProvider(stack, 'replica', { alias: 'replica', region: 'eu-west-1' });
  const key = new KmsKey(stack, 'key', { description: 'data bucket key', enableKeyRotation: true, deletionWindowInDays: 7 });
  const bucket = new S3Bucket(stack, 'data', { bucket: 'cnai-verify-data' });
  new S3BucketServerSideEncryptionConfigurationA(stack, 'data-sse', {
    bucket: bucket.id,
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
  });
  new S3BucketVersioningA(stack, 'data-versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
  new S3Bucket(stack, 'replica-bucket', { provider: replica, bucket: 'cnai-verify-replica' });
  return stack;
}

function catchError(fn: () => unknown): TerraformVerificationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TerraformVerificationError) return e;
    if (e instanceof Error && e.cause instanceof TerraformVerificationError) return e.cause;
    throw e;
  }
  throw new Error('expected a TerraformVerificationError');
}

describe('verifyTerraformStack', () => {
  test('a valid stack validates and plans offline with the expected resources', () => {
    const result = expectStackToPlan(validStack());
    expect(result.validated).toBe(true);
    expect(result.planned).toBe(true);
    expect(result.plannedResourcesByType).toEqual({
      aws_kms_key: 1,
      aws_s3_bucket: 2,
      aws_s3_bucket_server_side_encryption_configuration: 1,
      aws_s3_bucket_versioning: 1,
    });
    expect(result.plannedResourceCount).toBe(5);
    expect(result.warnings).toEqual([]);
    expect(result.providerSource).toBe(findProviderMirror() ? 'filesystem-mirror' : 'registry');
    expect(Object.keys(result.timingsMs).sort()).toEqual(['init', 'plan', 'validate']);
  });

  test('the same stack is not run through terraform twice', () => {
    const before = terraformVerifyStats();
    const result = expectStackToPlan(validStack());
    const after = terraformVerifyStats();
    expect(result.plannedResourceCount).toBe(5);
    expect(after.cacheHits).toBe(before.cacheHits + 1);
    expect(after.verifications).toBe(before.verifications);
    expect(after.terraformInvocations).toBe(before.terraformInvocations);
  });

  test('invalid attribute values fail validate, naming construct, resource, attribute and value', () => {
    const stack = new TerraformStack(new App(), 'bad');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new KmsKey(stack, 'key', { keyUsage: 'BOGUS' });
    const bucket = new S3Bucket(stack, 'data', { bucket: 'cnai-verify-bad' });
    new S3BucketVersioningA(stack, 'versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Maybe' } });
    const { outdir, stackDir } = synthStackDir(stack);

    const error = catchError(() => verifyTerraformStack(stackDir, { plan: false }));
    fs.rmSync(outdir, { recursive: true, force: true });

    expect(error.step).toBe('validate');
    expect(error.stackDir).toBe(stackDir);
    expect(error.message).toMatch(/bad\/key \(aws_kms_key\.key\): invalid key_usage = "BOGUS": expected key_usage to be one of \[.*"ENCRYPT_DECRYPT".*\], got BOGUS \[cdk\.tf\.json:\d+:\d+\]/);
    expect(error.message).toMatch(/bad\/versioning \(aws_s3_bucket_versioning\.versioning\): invalid versioning_configuration\.status = "Maybe"/);
    expect(error.message).toMatch(/Fix: change the props of the constructs named above/);
    expect(error.problems.map((p) => [p.address, p.attribute, p.value]).sort()).toEqual([
      ['aws_kms_key.key', 'key_usage', 'BOGUS'],
      ['aws_s3_bucket_versioning.versioning', 'versioning_configuration.status', 'Maybe'],
    ]);
  });

  test('an unknown attribute fails validate; the verdict is shared through the disk cache', () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-tf-verdicts-'));
    const dir = path.join(FIXTURES, 'unknown-attribute');
    const expected = [
      'unknown-attribute/data (aws_s3_bucket.data): invalid bucket_prefx = "cnai-data-": Extraneous JSON object property: '
      + 'No argument or block type is named "bucket_prefx". Did you mean "bucket_prefix"? [cdk.tf.json:26:9]',
    ];
    const error = catchError(() => verifyTerraformStack(dir, { plan: false, cacheDir }));
    expect(error.step).toBe('validate');
    expect(error.diagnostics).toEqual(expected);
    expect(fs.readdirSync(cacheDir)).toHaveLength(1);

    // As if in another process: the in-memory cache is empty, the disk cache answers.
    clearTerraformVerifyCache();
    const before = terraformVerifyStats();
    const again = catchError(() => verifyTerraformStack(dir, { plan: false, cacheDir }));
    expect(terraformVerifyStats().verifications).toBe(before.verifications);
    expect(terraformVerifyStats().cacheHits).toBe(before.cacheHits + 1);
    expect(again.message).toBe(error.message);
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  test('a plan that reads AWS fails offline with a pointer to the mock provider; terraform test with mock_provider passes', () => {
    // The fixture has an S3 backend, a profile and an assumed role that do not exist here:
    // the plan still gets as far as the data source, so none of them was used.
    const dir = path.join(FIXTURES, 'data-source');
    const error = catchError(() => verifyTerraformStack(dir));
    expect(error.step).toBe('plan');
    expect(error.message).toMatch(/data-source\/current \(data\.aws_caller_identity\.current\): reading STS Caller Identity/);
    expect(error.message).toMatch(/Fix: the plan needs AWS \(data\.aws_caller_identity\.current\).*runTerraformTestWithMockProvider\(\)/);

    // validate alone passes: the cached plan failure does not answer for it
    expect(verifyTerraformStack(dir, { plan: false })).toMatchObject({ validated: true, planned: false });

    const mocked = runTerraformTestWithMockProvider(dir);
    expect(mocked.planned).toBe(true);
    expect(mocked.plannedResourcesByType).toEqual({ aws_kms_key: 1, aws_s3_bucket: 1 });
  });

  test('a missing terraform binary is a clear error', () => {
    const error = catchError(() => verifyTerraformStack(path.join(FIXTURES, 'unknown-attribute'), { terraformBinary: 'terraform-not-installed-cnai' }));
    expect(error.step).toBe('init');
    expect(error.message).toContain('terraform binary "terraform-not-installed-cnai" not found on PATH');
    expect(error.message).toMatch(/Fix: install Terraform >= 1\.5\.0 .*terraformBinary/);
  });

  test('a directory without a stack is a clear error', () => {
    const error = catchError(() => verifyTerraformStack(FIXTURES));
    expect(error.message).toContain(`no Terraform configuration (*.tf.json) in ${FIXTURES}`);
  });
});
