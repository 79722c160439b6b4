import { App } from 'cdktf';
import { configs, policyStatements, synth, testCluster, testStack } from './util';
import { CnaiAwsStack, LoadBalancerControllerAccess, previewContract } from '../../lib/aws';
import { ContractPreview, GatewayExposure, GpuInstanceType, PlatformSpec } from '../../lib/core';

const SPEC: PlatformSpec = {
  name: 'cnai',
  environment: 'test',
  region: 'us-west-2',
  accountId: '123456789012',
  availabilityZones: ['us-west-2a', 'us-west-2b'],
  gpuPools: [{ name: 'a10g', instanceTypes: [GpuInstanceType.G5_2XLARGE], maxNodes: 2 }],
  teams: [{ name: 'apps', quotas: [{ pool: 'a10g', gpus: 2 }] }],
  kubeflow: false,
  gateway: { exposure: GatewayExposure.INTERNAL_LOAD_BALANCER, tlsSecretName: 'gateway-tls' },
};

describe('the AWS Load Balancer Controller\'s identity', () => {
  const stack = testStack();
  const cluster = testCluster(stack);
  new LoadBalancerControllerAccess(stack, 'lbc', { cluster });
  const json = synth(stack);

  test('Pod Identity for aws-load-balancer-controller/aws-load-balancer-controller', () => {
    const assoc = configs(json, 'aws_eks_pod_identity_association');
    expect(assoc.map((a) => `${a.namespace}/${a.service_account}`)).toContain('aws-load-balancer-controller/aws-load-balancer-controller');
  });

  test('NLBs only, in the platform\'s region and account, writes only to what the controller tagged', () => {
    const policy = configs(json, 'aws_iam_role_policy').find((p) => /load-balancer-controller/.test(p.role));
    const statements = Object.fromEntries(policyStatements(json, policy.policy).map((s: any) => [s.sid, s]));
    const actions = Object.values(statements).flatMap((s: any) => s.actions);
    expect(actions.filter((a: string) => /^(waf|wafv2|waf-regional|shield|cognito-idp|acm):/.test(a))).toEqual([]);
    expect(statements.ChangeOwnLoadBalancers.condition).toEqual([{ test: 'Null', variable: 'aws:ResourceTag/elbv2.k8s.aws/cluster', values: ['false'] }]);
    expect(statements.Targets.resources).toEqual(['arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/*/*']);
    // Nothing on `*` without a scope: the service-linked role by name, the describe calls in the region.
    expect(statements.ServiceLinkedRole.resources).toEqual(['arn:aws:iam::123456789012:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing']);
    expect(statements.Describe.condition).toEqual([{ test: 'StringEquals', variable: 'aws:RequestedRegion', values: ['us-west-2'] }]);
  });
});

describe('CnaiAwsStack.fromSpec with a gateway behind a load balancer', () => {
  test('adds the identity, and the contract (and its preview) carry the controller', () => {
    const stack = CnaiAwsStack.fromSpec(new App(), 'lb', SPEC);
    expect(stack.loadBalancerController).toBeDefined();
    const preview = ContractPreview.fromSpec(SPEC);
    expect(preview.loadBalancerController).toEqual({ namespace: 'aws-load-balancer-controller', serviceAccount: 'aws-load-balancer-controller', vpcId: 'pending-apply' });
    expect(preview.workloadIdentities).toContainEqual({ namespace: 'aws-load-balancer-controller', serviceAccount: 'aws-load-balancer-controller', roleName: 'cnai-test-load-balancer-controller' });
    const fromStack = previewContract(stack);
    expect(fromStack.workloadIdentities).toEqual(preview.workloadIdentities);
  });

  test('the listener\'s certificate in Secrets Manager: External Secrets may read that secret, and only it', () => {
    const stack = CnaiAwsStack.fromSpec(new App(), 'lb', { ...SPEC, gateway: { ...SPEC.gateway, tlsCertificateSecretName: 'cnai-test/model-gateway-tls' } });
    const json = synth(stack);
    const policy = configs(json, 'aws_iam_role_policy').find((p) => /external-secrets/.test(p.role));
    const statement = policyStatements(json, policy.policy).find((s: any) => s.sid === 'GatewayTlsCertificate');
    expect(statement).toMatchObject({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: ['arn:aws:secretsmanager:us-west-2:123456789012:secret:cnai-test/model-gateway-tls-??????'],
    });
  });

  test('without a load balancer exposure, nothing of the controller', () => {
    const stack = CnaiAwsStack.fromSpec(new App(), 'cluster', { ...SPEC, gateway: {} });
    expect(stack.loadBalancerController).toBeUndefined();
    expect(ContractPreview.fromSpec({ ...SPEC, gateway: {} }).loadBalancerController).toBeUndefined();
  });
});
