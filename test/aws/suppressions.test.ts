import * as fs from 'fs';
import * as path from 'path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { REGION, testStack } from './util';
import { Suppressions } from '../../lib/aws';
import { runPolicyPacks } from '../../lib/verify/policy';
import { S3_ACCESS_LOGGING } from '../../lib/verify/policy/rules/aws';
import { expectStackToPlan } from '../util/terraform';

/** A construct with two buckets (and the stack's provider). */
function buckets(scope: Construct): Construct {
  if (!scope.node.tryFindChild('aws')) new AwsProvider(scope, 'aws', { region: REGION });
  const c = new Construct(scope, 'store');
  new S3Bucket(c, 'models', { bucket: 'models-bucket' });
  new S3Bucket(c, 'logs', { bucket: 'logs-bucket' });
  return c;
}

/** The stack's cdk.tf.json as `cdktf synth` writes it (Testing.synth leaves the `//` blocks out). */
function synth(stack: TerraformStack): any {
  const outdir = Testing.fullSynth(stack);
  return JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8'));
}

const suppressions = (json: any, name: string) => json.resource.aws_s3_bucket[name]['//'].cnai_suppress;

describe('Suppressions (AWS layer)', () => {
  test('written into each resource\'s // block of cdk.tf.json, next to cdktf\'s metadata; a second one joins the list', () => {
    const stack = testStack();
    const store = buckets(stack);
    Suppressions.add(store, 'aws-s3-access-logging', 'CloudTrail data events of the organisation trail');
    Suppressions.add(store, 'aws-s3-kms-encryption', 'public research data, encrypted with SSE-S3', { appliesTo: 'x' });
    const json = synth(stack);
    expect(Object.keys(json.resource.aws_s3_bucket)).toHaveLength(2);
    for (const name of Object.keys(json.resource.aws_s3_bucket)) {
      expect(suppressions(json, name)).toEqual([
        { id: 'aws-s3-access-logging', reason: 'CloudTrail data events of the organisation trail' },
        { id: 'aws-s3-kms-encryption', reason: 'public research data, encrypted with SSE-S3', appliesTo: 'x' },
      ]);
      expect(json.resource.aws_s3_bucket[name]['//'].metadata.path).toMatch(/^test\/store\/(models|logs)$/);
    }
  });

  test('one resource, by its address `type.name`; or every resource of a type', () => {
    const stack = testStack();
    const store = buckets(stack);
    const models = store.node.findChild('models') as S3Bucket;
    const logs = store.node.findChild('logs') as S3Bucket;
    expect(Suppressions.add(store, 'aws-s3-access-logging', 'CloudTrail data events of the organisation trail', { resource: `aws_s3_bucket.${models.friendlyUniqueId}` }))
      .toEqual([models]);
    const json = synth(stack);
    expect(suppressions(json, models.friendlyUniqueId)).toEqual([{ id: 'aws-s3-access-logging', reason: 'CloudTrail data events of the organisation trail' }]);
    expect(json.resource.aws_s3_bucket[logs.friendlyUniqueId]['//'].cnai_suppress).toBeUndefined();
    expect(Suppressions.add(store, 'aws-s3-tls-only', 'a bucket policy managed outside this stack', { resource: 'aws_s3_bucket' })).toEqual([models, logs]);
  });

  test('the policy packs read it and report the finding with its reason', () => {
    const stack = testStack();
    Suppressions.add(buckets(stack), 'aws-s3-access-logging', 'CloudTrail data events of the organisation trail');
    const report = runPolicyPacks({ terraform: [{ name: 'test', json: synth(stack) }] }, { packs: [], rules: [S3_ACCESS_LOGGING] });
    expect(report.passed).toBe(true);
    expect(report.findings.map((f) => [f.constructPath, f.suppression?.reason])).toEqual([
      ['test/store/logs', 'CloudTrail data events of the organisation trail'],
      ['test/store/models', 'CloudTrail data events of the organisation trail'],
    ]);
  });

  test('Terraform accepts the // block: the stack validates', () => {
    const stack = testStack();
    Suppressions.add(buckets(stack), 'aws-s3-access-logging', 'CloudTrail data events of the organisation trail', { appliesTo: 'a subject' });
    expect(expectStackToPlan(stack, { plan: false }).validated).toBe(true);
  });

  test('a reason shorter than 10 characters is an error', () => {
    const store = buckets(testStack());
    expect(() => Suppressions.add(store, 'aws-s3-access-logging', 'no')).toThrow(
      'test/store: invalid reason = "no": is shorter than 10 characters. Fix: say why the rule does not apply to this construct (the reason is printed next to every finding it suppresses).');
  });

  test('a resource that names no resource of the construct is an error', () => {
    const store = buckets(testStack());
    expect(() => Suppressions.add(store, 'aws-s3-access-logging', 'CloudTrail data events of the organisation trail', { resource: 'aws_db_instance' })).toThrow(
      'test/store: invalid resource = "aws_db_instance": names no Terraform resource of the construct. Fix: name a resource of the construct by its address `type.name` or by its type.');
  });

  test('a construct without resources is an error', () => {
    const empty = new Construct(testStack(), 'empty');
    expect(() => Suppressions.add(empty, 'aws-s3-access-logging', 'CloudTrail data events of the organisation trail')).toThrow(
      'test/empty: invalid scope = "test/empty": has no Terraform resources. Fix: pass the construct that creates the resources, after it has created them.');
  });
});
