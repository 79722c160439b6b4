import { ExistingClusterContract, ExistingClusterProps, ExistingNodeGroup, NodePoolProvisioner, TaintEffect } from '../../lib/core';

const BASE = { clusterName: 'ml-prod', region: 'us-west-2', kubernetesVersion: '1.34', vpcCidr: '10.20.0.0/16' };
const GPU: ExistingNodeGroup = { name: 'gpu-a10g', instanceTypes: ['g5.2xlarge'], labels: { 'eks.amazonaws.com/nodegroup': 'gpu-a10g' }, maxNodes: 4 };
const withGroup = (g: Partial<ExistingNodeGroup> | any): ExistingClusterProps => ({ ...BASE, nodeGroups: [{ ...GPU, ...g }] });
const C = 'ExistingClusterContract(ml-prod)';

describe('ExistingClusterContract.create', () => {
  test('a contract of the cluster as it is: real labels and taints, GPU facts from the catalogue, no AWS layer', () => {
    const contract = ExistingClusterContract.create({
      ...BASE,
      nodeGroups: [
        { ...GPU, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: TaintEffect.NO_SCHEDULE }] },
        { name: 'h100', instanceTypes: ['P5.48xlarge'], labels: { 'node-role': 'training' }, taints: [{ key: 'dedicated', effect: TaintEffect.NO_EXECUTE }], maxNodes: 2, efa: true },
        { name: 'mixed-l4', instanceTypes: ['g6.xlarge', 'g6.12xlarge'], labels: { 'node-role': 'l4' }, maxNodes: 3 },
        { name: 'general', instanceTypes: ['m6i.2xlarge'], labels: { 'eks.amazonaws.com/nodegroup': 'general' }, maxNodes: 6 },
      ],
    });
    expect(contract).toEqual({
      platformName: 'cnai',
      environment: 'prod',
      region: 'us-west-2',
      accountId: '',
      clusterName: 'ml-prod',
      kubernetesVersion: '1.34',
      vpcCidr: '10.20.0.0/16',
      buckets: { models: '', datasets: '' },
      workloadIdentities: [],
      awsLayer: false,
      nodePools: [
        {
          name: 'gpu-a10g',
          provisioner: NodePoolProvisioner.EXISTING,
          instanceTypes: ['g5.2xlarge'],
          labels: { 'eks.amazonaws.com/nodegroup': 'gpu-a10g' },
          taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }],
          gpusPerNode: 1,
          gpuMemoryGiB: 24,
          efa: false,
          maxNodes: 4,
        },
        {
          name: 'h100',
          provisioner: 'existing',
          instanceTypes: ['p5.48xlarge'],
          labels: { 'node-role': 'training' },
          taints: [{ key: 'dedicated', effect: 'NoExecute' }],
          gpusPerNode: 8,
          gpuMemoryGiB: 80,
          efa: true,
          maxNodes: 2,
        },
        {
          // The smallest of the types: 1 x L4 (24 GiB) on g6.xlarge, 4 on g6.12xlarge.
          name: 'mixed-l4',
          provisioner: 'existing',
          instanceTypes: ['g6.xlarge', 'g6.12xlarge'],
          labels: { 'node-role': 'l4' },
          taints: [],
          gpusPerNode: 1,
          gpuMemoryGiB: 24,
          efa: false,
          maxNodes: 3,
        },
        {
          name: 'general',
          provisioner: 'existing',
          instanceTypes: ['m6i.2xlarge'],
          labels: { 'eks.amazonaws.com/nodegroup': 'general' },
          taints: [],
          gpusPerNode: 0,
          gpuMemoryGiB: 0,
          efa: false,
          maxNodes: 6,
        },
      ],
    });
  });

  test('GPU facts that agree with the catalogue are accepted; account, names and buckets are kept', () => {
    const contract = ExistingClusterContract.create({
      ...withGroup({ gpusPerNode: 1, gpuMemoryGiB: 24 }),
      accountId: '123456789012',
      platformName: 'ml',
      environment: 'staging',
      buckets: { models: 'ml-models', datasets: 'ml-datasets' },
    });
    expect([contract.accountId, contract.platformName, contract.environment, contract.buckets, contract.nodePools[0].gpusPerNode])
      .toEqual(['123456789012', 'ml', 'staging', { models: 'ml-models', datasets: 'ml-datasets' }, 1]);
  });

  test('several mistakes are reported together', () => {
    expect(() => ExistingClusterContract.create({ ...BASE, region: 'us-west', nodeGroups: [{ ...GPU, gpusPerNode: 4, labels: {} }] }))
      .toThrow(/^3 problems found:\n {2}- .*invalid region.*\n {2}- .*invalid nodeGroups\[0\]\.labels.*\n {2}- .*invalid nodeGroups\[0\]\.gpusPerNode/);
  });

  const ERRORS: [string, ExistingClusterProps, string][] = [
    ['GPU count contradicting the catalogue', withGroup({ gpusPerNode: 4 }),
      `${C}: invalid nodeGroups[0].gpusPerNode = 4: the GPU catalogue says g5.2xlarge has 1 x A10G (24 GiB). Fix: leave it out: it is derived from instanceTypes (or correct instanceTypes if the nodes are of another type).`],
    ['GPU memory contradicting the catalogue', withGroup({ gpuMemoryGiB: 80 }),
      `${C}: invalid nodeGroups[0].gpuMemoryGiB = 80: the GPU catalogue says g5.2xlarge has 1 x A10G (24 GiB). Fix: leave it out: it is derived from instanceTypes (or correct instanceTypes if the nodes are of another type).`],
    ['GPU count of several types', withGroup({ instanceTypes: ['g6.xlarge', 'g6.12xlarge'], gpusPerNode: 4 }),
      `${C}: invalid nodeGroups[0].gpusPerNode = 4: the GPU catalogue says g6.xlarge has 1 x L4 (24 GiB), g6.12xlarge has 4 x L4 (24 GiB) (the pool counts the smallest, 1). Fix: leave it out: it is derived from instanceTypes (or correct instanceTypes if the nodes are of another type).`],
    ['an unknown size of a GPU family', withGroup({ instanceTypes: ['g5.3xlarge'] }),
      `${C}: invalid nodeGroups[0].instanceTypes[0] = "g5.3xlarge": family g5 has no such size in the GPU catalogue. Fix: use one of g5.xlarge, g5.2xlarge, g5.4xlarge, g5.8xlarge, g5.16xlarge, g5.12xlarge, g5.24xlarge, g5.48xlarge.`],
    ['a mistyped GPU type', withGroup({ instanceTypes: ['g6x.xlarge'] }),
      `${C}: invalid nodeGroups[0].instanceTypes[0] = "g6x.xlarge": not an instance type of the GPU catalogue. Fix: use one of g6.xlarge, g6e.xlarge.`],
    ['not an instance type', withGroup({ instanceTypes: ['large'] }),
      `${C}: invalid nodeGroups[0].instanceTypes[0] = "large": not an EC2 instance type name (family.size). Fix: give the type as \`kubectl get nodes -L node.kubernetes.io/instance-type\` shows it, e.g. "g5.2xlarge" or "m6i.xlarge".`],
    ['GPU facts for a type the catalogue does not know', withGroup({ instanceTypes: ['m5.xlarge'], gpusPerNode: 1 }),
      `${C}: invalid nodeGroups[0].gpusPerNode = 1: m5.xlarge is not in the GPU catalogue (no NVIDIA GPU the platform knows), so the GPU facts cannot be checked. Fix: give the node group's GPU instance type (families g4dn, g5, g6, g6e, p4d, p4de, p5, p5e, p5en), or leave gpusPerNode out for a CPU node group.`],
    ['GPU and CPU types in one group', withGroup({ instanceTypes: ['g5.2xlarge', 'm5.xlarge'] }),
      `${C}: invalid nodeGroups[0].instanceTypes = ["g5.2xlarge","m5.xlarge"]: mixes GPU types (g5.2xlarge) with types that have no NVIDIA GPU (m5.xlarge), so pods asking for GPUs could wait for nodes without any. Fix: describe the GPU and the CPU instance types as two node groups with their own labels.`],
    ['no instance type', withGroup({ instanceTypes: [] }),
      `${C}: invalid nodeGroups[0].instanceTypes = []: no instance type given. Fix: list the EC2 instance types the node group launches, e.g. ["g5.2xlarge"].`],
    ['EFA on a type without it', withGroup({ efa: true }),
      `${C}: invalid nodeGroups[0].efa = true: g5.2xlarge does not support EFA in the GPU catalogue. Fix: leave efa out, or use types with EFA (g5.8xlarge, g5.16xlarge, g5.12xlarge, g5.24xlarge, g5.48xlarge).`],
    ['no label to select on', withGroup({ labels: {} }),
      `${C}: invalid nodeGroups[0].labels = {}: the node group lists no label, so the platform has nothing to select its nodes with and its pods could land on any node. Fix: list labels its nodes really carry (kubectl get nodes --show-labels), e.g. { "eks.amazonaws.com/nodegroup": "gpu-a10g" } for an EKS managed node group.`],
    ['only labels every node carries', withGroup({ labels: { 'kubernetes.io/os': 'linux' } }),
      `${C}: invalid nodeGroups[0].labels = {"kubernetes.io/os":"linux"}: kubernetes.io/os is on every node of the cluster, so selecting on it selects every node. Fix: add a label only this node group's nodes carry, e.g. { "eks.amazonaws.com/nodegroup": "gpu-a10g" } for an EKS managed node group.`],
    ['an invalid label key', withGroup({ labels: { 'eks.amazonaws.com/nodegroup': 'gpu-a10g', 'bad key': 'x' } }),
      `${C}: invalid nodeGroups[0].labels["bad key"] = "bad key": not a Kubernetes label key: the name part must be 1 to 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit. Fix: copy the key from \`kubectl get nodes --show-labels\`.`],
    ['an invalid label value', withGroup({ labels: { 'eks.amazonaws.com/nodegroup': 'gpu a10g' } }),
      `${C}: invalid nodeGroups[0].labels["eks.amazonaws.com/nodegroup"] = "gpu a10g": not a Kubernetes label value; it must be at most 63 characters of letters, digits, "-", "_" and ".", starting and ending with a letter or digit. Fix: copy the value from \`kubectl get nodes --show-labels\`.`],
    ['labels that another group\'s nodes carry too',
      { ...BASE, nodeGroups: [{ ...GPU, name: 'a', labels: { team: 'ml' } }, { ...GPU, name: 'b', labels: { team: 'ml', gpu: 'a10g' } }] },
      `${C}: invalid nodeGroups[0].labels = {"team":"ml"}: every node of nodeGroups[1] (b) carries these labels too, so pods meant for a could be placed on b's nodes. Fix: add a label only a's nodes carry, e.g. "eks.amazonaws.com/nodegroup": "<its node group name>" for an EKS managed node group.`],
    ['two groups with the same labels (reported once)',
      { ...BASE, nodeGroups: [{ ...GPU, name: 'a', labels: { team: 'ml' } }, { ...GPU, name: 'b', labels: { team: 'ml' } }] },
      `${C}: invalid nodeGroups[1].labels = {"team":"ml"}: every node of nodeGroups[0] (a) carries these labels too, so pods meant for b could be placed on a's nodes. Fix: add a label only b's nodes carry, e.g. "eks.amazonaws.com/nodegroup": "<its node group name>" for an EKS managed node group.`],
    ['two groups with the same name', { ...BASE, nodeGroups: [GPU, { ...GPU, labels: { x: 'y' } }] },
      `${C}: invalid nodeGroups[1].name = "gpu-a10g": nodeGroups[0] has the same name. Fix: give each node group its own name.`],
    ['a pool name that is no DNS label', withGroup({ name: 'GPU_A10G' }),
      `${C}: invalid nodeGroups[0].name = "GPU_A10G": not a valid DNS-1123 label; it must be lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters. Fix: name the pool with lowercase letters, digits and "-", e.g. the node group's name "gpu-a10g".`],
    ['an invalid taint key', withGroup({ taints: [{ key: 'bad key', effect: TaintEffect.NO_SCHEDULE }] }),
      `${C}: invalid nodeGroups[0].taints[0].key = "bad key": not a taint key: the name part must be 1 to 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit. Fix: copy the key from \`kubectl describe node\` (Taints:).`],
    ['an invalid taint value', withGroup({ taints: [{ key: 'k', value: 'a b', effect: TaintEffect.NO_SCHEDULE }] }),
      `${C}: invalid nodeGroups[0].taints[0].value = "a b": not a taint value; it must be at most 63 characters of letters, digits, "-", "_" and ".", starting and ending with a letter or digit. Fix: copy the value from \`kubectl describe node\`, or leave it out for a taint without value.`],
    ['an invalid taint effect', withGroup({ taints: [{ key: 'k', effect: 'Sometimes' }] }),
      `${C}: invalid nodeGroups[0].taints[0].effect = "Sometimes": not a taint effect (NoSchedule, PreferNoSchedule, NoExecute). Fix: use TaintEffect.NO_SCHEDULE, PREFER_NO_SCHEDULE or NO_EXECUTE.`],
    ['taints that are not a list', withGroup({ taints: 'nvidia' }),
      `${C}: invalid nodeGroups[0].taints = "nvidia": not a list of taints. Fix: list them as [{ key, value, effect }], or leave taints out.`],
    ['a fractional maxNodes', withGroup({ maxNodes: 1.5 }),
      `${C}: invalid nodeGroups[0].maxNodes = 1.5: not a whole number of nodes. Fix: give the node group's maximum size (aws eks describe-nodegroup ... --query nodegroup.scalingConfig.maxSize).`],
    ['node groups that are not a list', { ...BASE, nodeGroups: 'gpu' as any },
      `${C}: invalid nodeGroups = "gpu": not a list of node groups. Fix: list the node groups the platform may use, e.g. [{ name, instanceTypes, labels, maxNodes }].`],
    ['an invalid cluster name', { ...BASE, clusterName: 'ml prod', nodeGroups: [] },
      'ExistingClusterContract(ml prod): invalid clusterName = "ml prod": not an EKS cluster name; it must be 1 to 100 letters, digits, "-" and "_", starting with a letter or digit. Fix: give the cluster\'s name as `aws eks list-clusters` prints it.'],
    ['an invalid region', { ...BASE, region: 'us-west', nodeGroups: [] },
      `${C}: invalid region = "us-west": not an AWS region code. Fix: use a region code such as "us-west-2" or "eu-central-1".`],
    ['a Kubernetes version too old', { ...BASE, kubernetesVersion: '1.26', nodeGroups: [] },
      `${C}: invalid kubernetesVersion = "1.26": older than 1.27, the oldest version whose APIs the platform's objects use (CronJob time zones, PodDisruptionBudget unhealthyPodEvictionPolicy). Fix: upgrade the cluster to 1.27 or later first.`],
    ['a Kubernetes version that is no minor version', { ...BASE, kubernetesVersion: 'v1.34.2', nodeGroups: [] },
      `${C}: invalid kubernetesVersion = "v1.34.2": not a Kubernetes minor version. Fix: give it as "1.<minor>", e.g. "1.34" (\`kubectl version\` prints the server's).`],
    ['a VPC block that is not a network address', { ...BASE, vpcCidr: '10.20.1.0/16', nodeGroups: [] },
      `${C}: invalid vpcCidr = "10.20.1.0/16": 10.20.1.0 is not the first address of a /16 block. Fix: use the network address, "10.20.0.0/16".`],
    ['an invalid account id', { ...BASE, accountId: '1234', nodeGroups: [] },
      `${C}: invalid accountId = "1234": an AWS account id has exactly 12 digits. Fix: give the 12-digit account id as a string, e.g. "123456789012", or leave it out.`],
    ['an invalid platform name', { ...BASE, platformName: 'My Platform', nodeGroups: [] },
      `${C}: invalid platformName = "My Platform": not a valid DNS-1123 label; it must be lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters. Fix: choose a short lowercase name, e.g. "cnai".`],
    ['an invalid environment', { ...BASE, environment: 'Prod', nodeGroups: [] },
      `${C}: invalid environment = "Prod": not a valid DNS-1123 label; it must be lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters. Fix: choose a short lowercase name, e.g. "prod".`],
  ];
  test.each(ERRORS)('error: %s', (_what, props, message) => {
    expect(() => ExistingClusterContract.create(props)).toThrow(message);
    // The whole message, nothing more (a single problem).
    try {
      ExistingClusterContract.create(props);
    } catch (e) {
      expect((e as Error).message).toBe(message);
    }
  });
});

describe('ExistingClusterContract.build (deprecated: build clashes with jsii builders)', () => {
  test('is create under its old name', () => {
    const props = { ...BASE, nodeGroups: [GPU] };
    expect(ExistingClusterContract.build(props)).toEqual(ExistingClusterContract.create(props));
  });
});
