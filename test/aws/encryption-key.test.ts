import { only, policyStatements, synth, testNaming, testStack } from './util';
import { EncryptionKey } from '../../lib/aws';

describe('EncryptionKey', () => {
  test('rotation on, 30-day deletion window, alias, account administers it through IAM', () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, 'key', { naming: testNaming(), purpose: 'data' });
    expect(key.aliasName).toBe('alias/cnai-test-data');
    const json = synth(stack);
    const k = only(json, 'aws_kms_key');
    expect(k).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, description: 'cnai-test data' });
    expect(only(json, 'aws_kms_alias').name).toBe('alias/cnai-test-data');
    const statements = policyStatements(json, k.policy);
    expect(statements).toHaveLength(1);
    expect(statements[0].principals).toEqual([{ type: 'AWS', identifiers: ['arn:aws:iam::123456789012:root'] }]);
  });

  test('EC2 volumes through kms:ViaService only, for this account', () => {
    const stack = testStack();
    new EncryptionKey(stack, 'key', { naming: testNaming(), purpose: 'nodes', allowEc2Volumes: true });
    const json = synth(stack);
    const ec2 = policyStatements(json, only(json, 'aws_kms_key').policy).find((s: any) => s.sid === 'Ec2VolumesOfThisAccount');
    expect(ec2.condition).toEqual([
      { test: 'StringEquals', variable: 'kms:CallerAccount', values: ['123456789012'] },
      { test: 'StringEquals', variable: 'kms:ViaService', values: ['ec2.us-west-2.amazonaws.com'] },
    ]);
    expect(ec2.actions).not.toContain('kms:*');
  });

  test('a deletion window KMS does not accept', () => {
    expect(() => new EncryptionKey(testStack(), 'key', { naming: testNaming(), purpose: 'data', deletionWindowDays: 3 })).toThrow(
      'test/key: invalid deletionWindowDays = 3: KMS waits 7 to 30 days before deleting a key. Fix: choose a whole number of days between 7 and 30.');
  });
});
