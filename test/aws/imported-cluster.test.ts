import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { ACCOUNT, configs, dataSources, only, policyStatements, REGION, resources, synth, testNaming, testStack, tfJson } from './util';
import {
  ClusterAttributes, ClusterAuthenticationMode, Cluster, GpuNodePool, ICluster, Karpenter, ModelStore, WorkloadIdentity,
} from '../../lib/aws';
import { GpuInstanceType, NodePoolProvisioner, TaintEffect } from '../../lib/core';
import { expectStackToPlan } from '../util/terraform';

/** What a user knows about a cluster that runs already. */
const KNOWN: ClusterAttributes = {
  naming: testNaming(),
  clusterName: 'ml-prod',
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  vpcCidr: '10.20.0.0/16',
  privateSubnets: [
    { subnetId: 'subnet-0aaaaaaaaaaaaaaa1', availabilityZone: 'us-west-2a' },
    { subnetId: 'subnet-0bbbbbbbbbbbbbbb2', availabilityZone: 'us-west-2b' },
    { subnetId: 'subnet-0ccccccccccccccc3', availabilityZone: 'us-west-2b' },
  ],
  clusterSecurityGroupId: 'sg-0123456789abcdef0',
  kubernetesVersion: '1.34',
  endpoint: 'https://ABCDEF0123456789.gr7.us-west-2.eks.amazonaws.com',
  podIdentityAgent: true,
  authenticationMode: ClusterAuthenticationMode.API_AND_CONFIG_MAP,
};

function imported(stack: TerraformStack, attrs: Partial<ClusterAttributes> = {}): ICluster {
  return Cluster.fromClusterAttributes(stack, 'existing', { ...KNOWN, ...attrs });
}

describe('Cluster.fromClusterAttributes', () => {
  const stack = testStack();
  const cluster = imported(stack);
  const inference = cluster.addGpuNodePool('inference', { instanceTypes: [GpuInstanceType.G6E_XLARGE], maxSize: 3 });
  const training = cluster.addGpuNodePool('training', { instanceTypes: [GpuInstanceType.P5_48XLARGE], efa: true, availabilityZones: ['us-west-2b'] });
  const chat = cluster.addWorkloadIdentity('chat', { namespace: 'team-a', serviceAccount: 'chat' });
  const json = synth(stack);
  const groups: { [name: string]: any } = Object.fromEntries(configs(json, 'aws_eks_node_group').map((g) => [g.node_group_name, g]));

  test('changes nothing about the cluster: no cluster, add-on, access entry or network resources, and no lookup when the facts are given', () => {
    for (const type of ['aws_eks_cluster', 'aws_eks_addon', 'aws_eks_access_entry', 'aws_vpc', 'aws_subnet', 'aws_security_group', 'aws_cloudwatch_log_group']) {
      expect({ type, count: resources(json, type).length }).toEqual({ type, count: 0 });
    }
    expect(dataSources(json, 'aws_eks_cluster')).toEqual({});
    expect(cluster).toMatchObject({
      name: 'ml-prod',
      nameReference: 'ml-prod',
      kubernetesVersion: '1.34',
      endpoint: KNOWN.endpoint,
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      arn: 'arn:aws:eks:us-west-2:123456789012:cluster/ml-prod',
      arnForPolicies: 'arn:aws:eks:us-west-2:123456789012:cluster/ml-prod',
      availabilityZones: ['us-west-2a', 'us-west-2b'],
      privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2', 'subnet-0ccccccccccccccc3'],
    });
  });

  test('GPU pools are managed node groups in the given subnets of their zones, on the cluster by name', () => {
    expect(groups.inference).toMatchObject({
      cluster_name: 'ml-prod',
      subnet_ids: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2', 'subnet-0ccccccccccccccc3'],
      instance_types: ['g6e.xlarge'],
      ami_type: 'AL2023_x86_64_NVIDIA',
      scaling_config: { min_size: 0, max_size: 3, desired_size: 0 },
      labels: { 'cnai.io/pool': 'inference', 'cnai.io/accelerator-family': 'g6e', 'nvidia.com/gpu.product': 'NVIDIA-L40S', 'nvidia.com/gpu.count': '1' },
      taint: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NO_SCHEDULE' }],
    });
    expect(groups.training.subnet_ids).toEqual(['subnet-0bbbbbbbbbbbbbbb2', 'subnet-0ccccccccccccccc3']);
  });

  test('the same secure node defaults as the library\'s own clusters: IMDSv2 with one hop, encrypted gp3 with the new key', () => {
    const templates = configs(json, 'aws_launch_template');
    expect(templates).toHaveLength(2);
    const keyId = resources(json, 'aws_kms_key').map(([id]) => id);
    expect(keyId).toEqual([expect.stringMatching(/^existing_node-volume-key_[0-9A-F]+$/)]);
    for (const t of templates) {
      expect(t.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1, instance_metadata_tags: 'disabled' });
      expect(t.block_device_mappings[0].ebs).toMatchObject({ volume_type: 'gp3', encrypted: 'true', kms_key_id: `\${aws_kms_key.${keyId[0]}.arn}` });
    }
    expect(only(json, 'aws_kms_alias').name).toBe('alias/cnai-test-eks-node-volumes');
  });

  test('the pools share one new node role with the node policies (EKS gives a managed node group\'s role its access entry)', () => {
    expect(configs(json, 'aws_iam_role').map((r) => r.name).sort()).toEqual(['cnai-test-eks-node', chat.roleName]);
    const roleId = resources(json, 'aws_iam_role').find(([, r]) => r.name === 'cnai-test-eks-node')![0];
    for (const g of Object.values(groups)) expect(g.node_role_arn).toBe(`\${aws_iam_role.${roleId}.arn}`);
    expect(configs(json, 'aws_iam_role_policy_attachment').filter((a) => a.role === `\${aws_iam_role.${roleId}.name}`).map((a) => a.policy_arn).sort()).toEqual([
      'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly', 'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy', 'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
    ]);
  });

  test('cluster-autoscaler templates for scale-from-zero, with the EFA interfaces of an EFA pool', () => {
    const tags = Object.fromEntries(configs(json, 'aws_autoscaling_group_tag').map((t) => [t.tag.key, t.tag.value]));
    expect(tags).toMatchObject({
      'k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu': expect.any(String),
      'k8s.io/cluster-autoscaler/node-template/resources/vpc.amazonaws.com/efa': '32',
      'k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu': 'true:NoSchedule',
    });
    expect(training.efaInterfaces).toBe(32);
    expect(inference.autoscalerTags['k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu']).toBe('1');
  });

  test('a workload identity is trusted by this cluster\'s Pod Identity only, for its one service account', () => {
    expect(only(json, 'aws_eks_pod_identity_association')).toMatchObject({ cluster_name: 'ml-prod', namespace: 'team-a', service_account: 'chat' });
    const role = configs(json, 'aws_iam_role').find((r) => r.name === 'cnai-test-team-a-chat');
    expect(role.description).toBe('EKS Pod Identity of team-a/chat in ml-prod');
    const [statement] = policyStatements(json, role.assume_role_policy);
    expect(Object.fromEntries(statement.condition.map((c: any) => [c.variable, c.values]))).toEqual({
      'aws:SourceAccount': [ACCOUNT],
      'aws:SourceArn': ['arn:aws:eks:us-west-2:123456789012:cluster/ml-prod'],
      'aws:RequestTag/eks-cluster-arn': ['arn:aws:eks:us-west-2:123456789012:cluster/ml-prod'],
      'aws:RequestTag/kubernetes-namespace': ['team-a'],
      'aws:RequestTag/kubernetes-service-account': ['chat'],
    });
  });

  test('its platform contract lists the cluster\'s facts and what was added to it', () => {
    expect(cluster.platformContract({ buckets: { models: 'acme-models', datasets: 'acme-datasets' } })).toEqual({
      platformName: 'cnai',
      environment: 'test',
      region: REGION,
      accountId: ACCOUNT,
      clusterName: 'ml-prod',
      kubernetesVersion: '1.34',
      vpcCidr: '10.20.0.0/16',
      buckets: { models: 'acme-models', datasets: 'acme-datasets' },
      nodePools: [
        {
          name: 'inference',
          provisioner: NodePoolProvisioner.MANAGED_NODE_GROUP,
          instanceTypes: ['g6e.xlarge'],
          gpusPerNode: 1,
          gpuMemoryGiB: 48,
          efa: false,
          maxNodes: 3,
          labels: {
            'cnai.io/pool': 'inference',
            'cnai.io/accelerator-family': 'g6e',
            'nvidia.com/gpu.product': 'NVIDIA-L40S',
            'nvidia.com/gpu.count': '1',
            'eks.amazonaws.com/capacityType': 'ON_DEMAND',
          },
          taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: TaintEffect.NO_SCHEDULE }],
        },
        expect.objectContaining({ name: 'training', instanceTypes: ['p5.48xlarge'], gpusPerNode: 8, efa: true, maxNodes: 2 }),
      ],
      workloadIdentities: [{ namespace: 'team-a', serviceAccount: 'chat', roleName: chat.roleName }],
    });
    expect(cluster.gpuNodePools).toEqual([inference, training]);
    expect(cluster.workloadIdentities).toEqual([chat]);
  });
});

describe('an imported cluster without the facts that can be read', () => {
  test('reads the Kubernetes version and endpoint from the cluster at plan time (data.aws_eks_cluster by name)', () => {
    const stack = testStack();
    const cluster = imported(stack, { kubernetesVersion: undefined, endpoint: undefined });
    const contract = cluster.platformContract({ buckets: { models: 'm', datasets: 'd' } });
    new TerraformOutput(stack, 'version', { value: contract.kubernetesVersion });
    new TerraformOutput(stack, 'endpoint', { value: cluster.endpoint });
    const json = synth(stack);
    const lookups = dataSources(json, 'aws_eks_cluster');
    expect(Object.values(lookups)).toEqual([{ name: 'ml-prod' }]);
    const id = Object.keys(lookups)[0];
    expect(json.output).toEqual({
      version: { value: `\${data.aws_eks_cluster.${id}.version}` },
      endpoint: { value: `\${data.aws_eks_cluster.${id}.endpoint}` },
    });
  });

  test('creates nothing for pools until the first pool: an imported cluster with identities only has no node role or key', () => {
    const stack = testStack();
    imported(stack).addWorkloadIdentity('chat', { namespace: 'team-a', serviceAccount: 'chat' });
    const json = synth(stack);
    expect(configs(json, 'aws_iam_role').map((r) => r.name)).toEqual(['cnai-test-team-a-chat']);
    expect(tfJson(json)).not.toHaveResource(KmsKey);
  });

  test('plans offline with the real AWS provider; the lookup is answered by the verifier\'s stub', () => {
    const stack = new TerraformStack(Testing.app(), 'existing-eks');
    new AwsProvider(stack, 'aws', { region: REGION, allowedAccountIds: [ACCOUNT] });
    const cluster = imported(stack, { kubernetesVersion: undefined, endpoint: undefined });
    cluster.addGpuNodePool('inference', { instanceTypes: [GpuInstanceType.G6E_XLARGE] });
    const store = new ModelStore(stack, 'model-store', { naming: testNaming(), repositories: [] });
    store.grantRead(cluster.addWorkloadIdentity('chat', { namespace: 'team-a', serviceAccount: 'chat' }), { prefix: 'served/chat/' });
    new TerraformOutput(stack, 'platform_contract', { value: cluster.platformContract({ buckets: store.contract() }) });
    const result = expectStackToPlan(stack);
    expect(result.planned).toBe(true);
    expect(result.plannedResourcesByType).toMatchObject({
      aws_eks_node_group: 1, aws_launch_template: 1, aws_eks_pod_identity_association: 1, aws_iam_role: 2, aws_kms_key: 2,
    });
    expect(result.warnings.join('\n')).toMatch(/data\.aws_eks_cluster\.existing_cluster_[0-9A-F]+ read from the verifier's loopback AWS stub/);
  }, 300_000);

  test('a cluster that does not exist fails the plan, saying to check the name', () => {
    const stack = new TerraformStack(Testing.app(), 'existing-eks');
    new AwsProvider(stack, 'aws', { region: REGION });
    const cluster = imported(stack, { endpoint: undefined });
    new GpuNodePool(stack, 'gpu', { cluster, instanceTypes: [GpuInstanceType.G6E_XLARGE] });
    new TerraformOutput(stack, 'endpoint', { value: cluster.endpoint });
    expect(() => expectStackToPlan(stack, { missingClusters: ['ml-prod'] })).toThrow(
      /terraform plan failed .*existing-eks\/existing\/cluster \(data\.aws_eks_cluster\.existing_cluster_[0-9A-F]+\): .*couldn't find resource.*Fix: an imported EKS cluster \(Cluster\.fromClusterAttributes\) does not exist in the region and account of the stack's AWS provider: check clusterName/s);
  }, 300_000);
});

describe('errors', () => {
  const cases: Array<[string, () => unknown, string]> = [
    ['identities without the Pod Identity agent', () => imported(testStack(), { podIdentityAgent: undefined }).addWorkloadIdentity('chat', { namespace: 'team-a', serviceAccount: 'chat' }),
      'test/existing/chat: invalid cluster.podIdentityAgent = false: the cluster ml-prod runs no EKS Pod Identity agent, so pods of team-a/chat could not assume the role. '
      + 'Fix: install the add-on (aws eks create-addon --cluster-name ml-prod --addon-name eks-pod-identity-agent, or Add-ons > Amazon EKS Pod Identity Agent in the EKS console; '
      + 'the nodes need the eks-auth:AssumeRoleForPodIdentity permission of AmazonEKSWorkerNodePolicy), then set podIdentityAgent: true in Cluster.fromClusterAttributes.'],
    ['a pool on a cluster that takes no access entries', () => imported(testStack(), { authenticationMode: undefined }).addGpuNodePool('gpu', { instanceTypes: [GpuInstanceType.G5_XLARGE] }),
      'test/existing/gpu: invalid cluster.authenticationMode = "CONFIG_MAP": the cluster takes no access entries, and the pool\'s nodes join the cluster through the access entry '
      + 'of their node role (the library does not edit the aws-auth ConfigMap, which EKS deprecates). Fix: switch the cluster to API_AND_CONFIG_MAP '
      + '(aws eks update-cluster-config --name ml-prod --access-config authenticationMode=API_AND_CONFIG_MAP; the aws-auth entries keep working, and the change cannot be undone), '
      + 'then set authenticationMode: ClusterAuthenticationMode.API_AND_CONFIG_MAP.'],
    ['Karpenter on a cluster that takes no access entries', () => {
      const stack = testStack();
      const cluster = imported(stack, { authenticationMode: ClusterAuthenticationMode.CONFIG_MAP });
      const controller = new WorkloadIdentity(stack, 'controller', { cluster, namespace: 'karpenter', serviceAccount: 'karpenter' });
      return new Karpenter(stack, 'karpenter', { cluster, controller });
    }, 'test/karpenter: invalid cluster.authenticationMode = "CONFIG_MAP": the cluster takes no access entries, and Karpenter\'s nodes join the cluster'],
    ['a GPU type outside the catalogue', () => imported(testStack()).addGpuNodePool('gpu', { instanceTypes: ['m5.xlarge' as unknown as GpuInstanceType] }),
      'test/existing/gpu: invalid instanceTypes[0] = "m5.xlarge": '],
    ['subnets not given', () => imported(testStack(), { privateSubnets: [] }),
      'test/existing: invalid privateSubnets = []: new nodes need private subnets to launch into, and the library does not guess them. '
      + 'Fix: list the cluster\'s private subnets with their zones, e.g. [{ subnetId: "subnet-0123456789abcdef0", availabilityZone: "us-west-2a" }] '
      + '(aws eks describe-cluster --query cluster.resourcesVpcConfig.subnetIds, then aws ec2 describe-subnets for the zones).'],
    ['a subnet id that is not one', () => imported(testStack(), { privateSubnets: [{ subnetId: 'subnet-xyz', availabilityZone: 'us-west-2a' }] }),
      'test/existing: invalid privateSubnets[0].subnetId = "subnet-xyz": not a subnet id. Fix: give the id EC2 shows, e.g. "subnet-0123456789abcdef0".'],
    ['a subnet zone of another region', () => imported(testStack(), { privateSubnets: [{ subnetId: 'subnet-0aaaaaaaaaaaaaaa1', availabilityZone: 'eu-west-1a' }] }),
      'test/existing: invalid privateSubnets[0].availabilityZone = "eu-west-1a": not an availability zone of us-west-2, the region of naming. '
      + 'Fix: give the subnet\'s zone, e.g. "us-west-2a" (aws ec2 describe-subnets --subnet-ids subnet-0aaaaaaaaaaaaaaa1 --query "Subnets[].AvailabilityZone").'],
    ['a subnet listed twice', () => imported(testStack(), { privateSubnets: [KNOWN.privateSubnets[0], KNOWN.privateSubnets[0]] }),
      'test/existing: invalid privateSubnets = ["subnet-0aaaaaaaaaaaaaaa1","subnet-0aaaaaaaaaaaaaaa1"]: a subnet is listed twice. Fix: list each subnet once.'],
    ['a VPC id that is not one', () => imported(testStack(), { vpcId: 'my-vpc' }),
      'test/existing: invalid vpcId = "my-vpc": not a VPC id. Fix: give the id EC2 shows, e.g. "vpc-0123456789abcdef0".'],
    ['a security group id that is not one', () => imported(testStack(), { clusterSecurityGroupId: 'eks-cluster-sg' }),
      'test/existing: invalid clusterSecurityGroupId = "eks-cluster-sg": not a security group id. Fix: give the id EC2 shows, e.g. "sg-0123456789abcdef0".'],
    ['a Kubernetes version that is not a minor version', () => imported(testStack(), { kubernetesVersion: '1.34.2' }),
      'test/existing: invalid kubernetesVersion = "1.34.2": EKS takes a Kubernetes minor version such as "1.36". Fix: use "major.minor", e.g. "1.36".'],
    ['Karpenter on an imported cluster', () => imported(testStack()).addKarpenter(),
      'test/existing: invalid karpenter = "ml-prod": self-managed Karpenter is not set up on an imported cluster: it selects subnets by the karpenter.sh/discovery tag, '
      + 'which belongs where the subnets are defined. Fix: tag the subnets with karpenter.sh/discovery=ml-prod where they are defined and install Karpenter with its '
      + 'getting-started guide, or add managed GPU pools with addGpuNodePool().'],
  ];
  test.each(cases)('%s', (_name, fn, message) => {
    let thrown: unknown;
    try {
      fn();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message.startsWith(message)).toBe(true);
  });
});
