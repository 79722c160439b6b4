import { configs, only, policyStatements, synth, testCluster, testStack } from './util';
import { POD_IDENTITY_PRINCIPAL, WorkloadIdentity } from '../../lib/aws';

describe('WorkloadIdentity', () => {
  test('a role trusted by EKS Pod Identity (AssumeRole + TagSession) and the association', () => {
    const stack = testStack();
    const cluster = testCluster(stack);
    const identity = cluster.addWorkloadIdentity('server', { namespace: 'serving', serviceAccount: 'vllm' });
    expect(identity).toBeInstanceOf(WorkloadIdentity);
    expect(identity.contract()).toEqual({ namespace: 'serving', serviceAccount: 'vllm', roleName: 'cnai-test-serving-vllm' });
    const json = synth(stack);
    const role = configs(json, 'aws_iam_role').find((r) => r.name === 'cnai-test-serving-vllm');
    const [trust] = policyStatements(json, role.assume_role_policy);
    expect(trust).toMatchObject({
      effect: 'Allow',
      actions: ['sts:AssumeRole', 'sts:TagSession'],
      principals: [{ type: 'Service', identifiers: [POD_IDENTITY_PRINCIPAL] }],
      // Only this cluster's association for serving/vllm: source account and cluster, and the session tags Pod Identity sets.
      condition: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] },
        { test: 'ArnEquals', variable: 'aws:SourceArn', values: ['arn:aws:eks:us-west-2:123456789012:cluster/cnai-test'] },
        { test: 'StringEquals', variable: 'aws:RequestTag/eks-cluster-arn', values: ['arn:aws:eks:us-west-2:123456789012:cluster/cnai-test'] },
        { test: 'StringEquals', variable: 'aws:RequestTag/kubernetes-namespace', values: ['serving'] },
        { test: 'StringEquals', variable: 'aws:RequestTag/kubernetes-service-account', values: ['vllm'] },
      ],
    });
    expect(only(json, 'aws_eks_pod_identity_association')).toMatchObject({ namespace: 'serving', service_account: 'vllm' });
    expect(only(json, 'aws_eks_pod_identity_association').cluster_name).toMatch(/aws_eks_cluster\..+\.name/);
  });

  test('no grants, no policy', () => {
    const stack = testStack();
    testCluster(stack).addWorkloadIdentity('idle', { namespace: 'default', serviceAccount: 'idle' });
    expect(configs(synth(stack), 'aws_iam_role_policy').filter((p) => p.name === 'grants')).toHaveLength(0);
  });

  test('long names are shortened deterministically to the IAM limit', () => {
    const identity = testCluster(testStack()).addWorkloadIdentity('long', {
      namespace: 'a-very-long-namespace-for-the-model-serving-team',
      serviceAccount: 'an-equally-long-service-account-name',
    });
    expect(identity.roleName.length).toBeLessThanOrEqual(64);
    expect(identity.roleName).toMatch(/^cnai-test-a-very-long-namespace.*-[0-9a-f]{8}$/);
  });

  describe('errors', () => {
    test('a namespace that is not a DNS-1123 label', () => {
      expect(() => testCluster(testStack()).addWorkloadIdentity('x', { namespace: 'Serving', serviceAccount: 'vllm' })).toThrow(
        /^test\/cluster\/x: invalid namespace = "Serving": not a valid DNS-1123 label/);
    });

    test('a service account that is not a DNS-1123 subdomain', () => {
      expect(() => testCluster(testStack()).addWorkloadIdentity('x', { namespace: 'serving', serviceAccount: 'vllm_sa' })).toThrow(
        /invalid serviceAccount = "vllm_sa": not a valid DNS-1123 subdomain/);
    });
  });
});
