import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { configs, dataSources, only, resources, synth, testStack, tfJson } from './util';
import { attachManagedPolicies, createNodeRole, nodeRolePolicies } from '../../lib/aws/node-role';

describe('nodeRolePolicies', () => {
  test('managed node groups: join, pull, and the VPC CNI\'s ENI management', () => {
    expect(nodeRolePolicies(false, false)).toEqual(['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonEKS_CNI_Policy']);
  });

  test('Auto Mode: the minimal worker policy and no CNI policy', () => {
    expect(nodeRolePolicies(true, false)).toEqual(['AmazonEKSWorkerNodeMinimalPolicy', 'AmazonEC2ContainerRegistryPullOnly']);
  });

  test('SSM access adds the Session Manager policy last', () => {
    expect(nodeRolePolicies(false, true)).toEqual(['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonEKS_CNI_Policy', 'AmazonSSMManagedInstanceCore']);
    expect(nodeRolePolicies(true, true)).toEqual(['AmazonEKSWorkerNodeMinimalPolicy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonSSMManagedInstanceCore']);
  });
});

describe('createNodeRole', () => {
  test('a role EC2 assumes, with one attachment per policy in the partition of the region', () => {
    const stack = testStack();
    const scope = new Construct(stack, 'pool');
    const made = createNodeRole(scope, { name: 'cnai-test-gpu-node', region: 'us-gov-west-1', policies: ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy'], description: 'GPU nodes' });
    expect(made.role.node.id).toBe('node-role');
    expect(made.attachments.map((a) => a.node.id)).toEqual(['node-AmazonEKSWorkerNodePolicy', 'node-AmazonEKS_CNI_Policy']);
    const json = synth(stack);
    const [[roleId, role]] = resources(json, 'aws_iam_role');
    expect(role).toMatchObject({ name: 'cnai-test-gpu-node', description: 'GPU nodes' });
    const trust = dataSources(json, 'aws_iam_policy_document');
    expect(Object.keys(trust)).toHaveLength(1);
    expect(role.assume_role_policy).toBe(`\${data.aws_iam_policy_document.${Object.keys(trust)[0]}.json}`);
    expect(Object.values(trust)[0].statement).toEqual([{ effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] }]);
    expect(configs(json, 'aws_iam_role_policy_attachment')).toEqual([
      expect.objectContaining({ role: `\${aws_iam_role.${roleId}.name}`, policy_arn: 'arn:aws-us-gov:iam::aws:policy/AmazonEKSWorkerNodePolicy' }),
      expect.objectContaining({ role: `\${aws_iam_role.${roleId}.name}`, policy_arn: 'arn:aws-us-gov:iam::aws:policy/AmazonEKS_CNI_Policy' }),
    ]);
  });

  test('no description unless given', () => {
    const stack = testStack();
    createNodeRole(new Construct(stack, 'pool'), { name: 'n', region: 'us-west-2', policies: [] });
    const json = synth(stack);
    expect(only(json, 'aws_iam_role').description).toBeUndefined();
    expect(tfJson(json)).not.toHaveResource(IamRolePolicyAttachment);
  });
});

describe('attachManagedPolicies', () => {
  test('ids "<prefix>-<policy>"', () => {
    const stack = testStack();
    const scope = new Construct(stack, 'x');
    const { role } = createNodeRole(scope, { name: 'n', region: 'cn-north-1', policies: [] });
    const attached = attachManagedPolicies(scope, 'extra', role, 'cn-north-1', ['AmazonSSMManagedInstanceCore']);
    expect(attached.map((a) => a.node.id)).toEqual(['extra-AmazonSSMManagedInstanceCore']);
    expect(only(synth(stack), 'aws_iam_role_policy_attachment').policy_arn).toBe('arn:aws-cn:iam::aws:policy/AmazonSSMManagedInstanceCore');
  });
});
