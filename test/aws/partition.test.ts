import { awsDnsSuffix, awsPartition, eksClusterArn, managedPolicyArn, secretsManagerSecretArn } from '../../lib/aws/partition';

describe('awsPartition', () => {
  test.each([
    ['us-west-2', 'aws'],
    ['eu-central-1', 'aws'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-gov-east-1', 'aws-us-gov'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
  ])('%s is in partition %s', (region, partition) => {
    expect(awsPartition(region)).toBe(partition);
  });
});

describe('awsDnsSuffix', () => {
  test.each([
    ['us-west-2', 'amazonaws.com'],
    ['us-gov-west-1', 'amazonaws.com'],
    ['cn-north-1', 'amazonaws.com.cn'],
  ])('%s endpoints end in %s', (region, suffix) => {
    expect(awsDnsSuffix(region)).toBe(suffix);
  });
});

describe('managedPolicyArn', () => {
  test('in each partition', () => {
    expect(managedPolicyArn('us-west-2', 'AmazonEKSWorkerNodePolicy')).toBe('arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy');
    expect(managedPolicyArn('us-gov-west-1', 'AmazonEKSWorkerNodePolicy')).toBe('arn:aws-us-gov:iam::aws:policy/AmazonEKSWorkerNodePolicy');
    expect(managedPolicyArn('cn-north-1', 'AmazonSSMManagedInstanceCore')).toBe('arn:aws-cn:iam::aws:policy/AmazonSSMManagedInstanceCore');
  });
});

describe('eksClusterArn', () => {
  test('region, account and cluster name in the partition of the region', () => {
    expect(eksClusterArn('us-west-2', '123456789012', 'cnai-test')).toBe('arn:aws:eks:us-west-2:123456789012:cluster/cnai-test');
    expect(eksClusterArn('us-gov-east-1', '123456789012', 'cnai-prod')).toBe('arn:aws-us-gov:eks:us-gov-east-1:123456789012:cluster/cnai-prod');
    expect(eksClusterArn('cn-northwest-1', '210987654321', 'c')).toBe('arn:aws-cn:eks:cn-northwest-1:210987654321:cluster/c');
  });
});

describe('secretsManagerSecretArn', () => {
  test('a named secret: the pattern with the six characters Secrets Manager appends, in the region\'s partition', () => {
    expect(secretsManagerSecretArn('us-west-2', '123456789012', 'cnai-prod/chat-ui-oidc')).toBe('arn:aws:secretsmanager:us-west-2:123456789012:secret:cnai-prod/chat-ui-oidc-??????');
    expect(secretsManagerSecretArn('cn-north-1', '123456789012', 'tls')).toBe('arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:tls-??????');
  });

  test('an ARN given: itself', () => {
    expect(secretsManagerSecretArn('us-west-2', '123456789012', 'arn:aws:secretsmanager:us-west-2:123456789012:secret:tls-AbCdEf')).toBe('arn:aws:secretsmanager:us-west-2:123456789012:secret:tls-AbCdEf');
  });
});
