import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { dataSources, synth, testStack, tfJson } from './util';
import {
  IamEffect, POD_IDENTITY_SESSION_TAGS, podIdentityTrustPolicy, policyDocument, serviceTrustPolicy, toDocumentStatements,
} from '../../lib/aws/iam';

describe('toDocumentStatements', () => {
  test('effect defaults to Allow; sid and conditions stay absent when not given', () => {
    expect(toDocumentStatements([{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }])).toEqual([{
      sid: undefined,
      effect: 'Allow',
      actions: ['s3:GetObject'],
      resources: ['arn:aws:s3:::b/*'],
      condition: undefined,
    }]);
  });

  test('sid, Deny and conditions are carried over, in order', () => {
    expect(toDocumentStatements([
      { sid: 'A', actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::b'], conditions: [{ test: 'StringLike', variable: 's3:prefix', values: ['models/*'] }] },
      { sid: 'B', effect: IamEffect.DENY, actions: ['s3:*'], resources: ['*'] },
    ])).toEqual([
      { sid: 'A', effect: 'Allow', actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::b'], condition: [{ test: 'StringLike', variable: 's3:prefix', values: ['models/*'] }] },
      { sid: 'B', effect: 'Deny', actions: ['s3:*'], resources: ['*'], condition: undefined },
    ]);
  });

  test('IamEffect values are the policy language\'s', () => {
    expect(IamEffect.ALLOW).toBe('Allow');
    expect(IamEffect.DENY).toBe('Deny');
  });
});

describe('policyDocument', () => {
  test('an aws_iam_policy_document data source holding the statements', () => {
    const stack = testStack();
    policyDocument(stack, 'doc', [{ effect: 'Allow', actions: ['kms:Decrypt'], resources: ['arn:aws:kms:us-west-2:123456789012:key/k'] }]);
    const json = synth(stack);
    expect(tfJson(json)).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [{ effect: 'Allow', actions: ['kms:Decrypt'], resources: ['arn:aws:kms:us-west-2:123456789012:key/k'] }],
    });
    expect(Object.keys(dataSources(json, 'aws_iam_policy_document'))).toHaveLength(1);
  });
});

describe('serviceTrustPolicy', () => {
  function statement(options?: Parameters<typeof serviceTrustPolicy>[3]) {
    const stack = testStack();
    serviceTrustPolicy(stack, 'trust', 'ec2.amazonaws.com', options);
    const [doc] = Object.values(dataSources(synth(stack), 'aws_iam_policy_document')) as any[];
    expect(doc.statement).toHaveLength(1);
    return doc.statement[0];
  }

  test('defaults: sts:AssumeRole for the service, no condition', () => {
    const s = statement();
    expect(s).toEqual({ effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] });
  });

  test('source account and source ARN restrict the service (confused deputy)', () => {
    const s = statement({ actions: ['sts:AssumeRole', 'sts:TagSession'], sourceAccount: '123456789012', sourceArnLike: 'arn:aws:eks:us-west-2:123456789012:cluster/*' });
    expect(s.actions).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(s.condition).toEqual([
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] },
      { test: 'ArnLike', variable: 'aws:SourceArn', values: ['arn:aws:eks:us-west-2:123456789012:cluster/*'] },
    ]);
  });
});

describe('podIdentityTrustPolicy', () => {
  test('the Pod Identity principal, restricted to the account, the cluster and one service account by session tags', () => {
    const stack = testStack();
    podIdentityTrustPolicy(stack, 'trust', 'pods.eks.amazonaws.com', {
      accountId: '123456789012',
      clusterArn: 'arn:aws:eks:us-west-2:123456789012:cluster/cnai-test',
      namespace: 'serving',
      serviceAccount: 'vllm',
    });
    const [doc] = Object.values(dataSources(synth(stack), 'aws_iam_policy_document')) as any[];
    expect(doc.statement).toEqual([{
      effect: 'Allow',
      actions: ['sts:AssumeRole', 'sts:TagSession'],
      principals: [{ type: 'Service', identifiers: ['pods.eks.amazonaws.com'] }],
      condition: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] },
        { test: 'ArnEquals', variable: 'aws:SourceArn', values: ['arn:aws:eks:us-west-2:123456789012:cluster/cnai-test'] },
        { test: 'StringEquals', variable: 'aws:RequestTag/eks-cluster-arn', values: ['arn:aws:eks:us-west-2:123456789012:cluster/cnai-test'] },
        { test: 'StringEquals', variable: 'aws:RequestTag/kubernetes-namespace', values: ['serving'] },
        { test: 'StringEquals', variable: 'aws:RequestTag/kubernetes-service-account', values: ['vllm'] },
      ],
    }]);
  });

  test('the session tag keys are the ones EKS Pod Identity sets', () => {
    expect(POD_IDENTITY_SESSION_TAGS).toEqual({
      clusterArn: 'eks-cluster-arn',
      namespace: 'kubernetes-namespace',
      serviceAccount: 'kubernetes-service-account',
    });
  });
});
