import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { Testing } from 'cdktf';
import { configs, dataSources, only, policyStatements, resources, synth, testCluster, testStack, tfJson } from './util';
import { CnaiAwsStack, CONTROL_PLANE_LOG_TYPES, EBS_CSI_SERVICE_ACCOUNT } from '../../lib/aws';
import { GpuInstanceType } from '../../lib/core/accelerators';
import { EKS, EKS_ADDONS, EksSupportType } from '../../lib/core/versions';
import { expectStackToPlan } from '../util/terraform';

const ADMIN = 'arn:aws:iam::123456789012:role/platform-admins';

function eks(json: any): any {
  return only(json, 'aws_eks_cluster');
}

describe('Cluster', () => {
  test('defaults: pinned Kubernetes version, private endpoint only, API authentication', () => {
    const stack = testStack();
    const cluster = testCluster(stack);
    expect(cluster.kubernetesVersion).toBe(EKS.defaultKubernetesVersion);
    expect(cluster.publicEndpoint).toBe(false);
    const c = eks(synth(stack));
    expect(c.name).toBe('cnai-test');
    expect(c.version).toBe('1.36');
    // Standard support only: no silent slide into paid extended support.
    expect(c.upgrade_policy).toEqual({ support_type: 'STANDARD' });
    expect(c.vpc_config.endpoint_private_access).toBe(true);
    expect(c.vpc_config.endpoint_public_access).toBe(false);
    expect(c.vpc_config.public_access_cidrs).toBeUndefined();
    expect(c.vpc_config.subnet_ids).toHaveLength(3);
    expect(c.access_config).toEqual({ authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: true });
    expect(c.bootstrap_self_managed_addons).toBe(false);
  });

  test('public endpoint only for the given CIDRs', () => {
    const stack = testStack();
    testCluster(stack, { publicEndpointCidrs: ['203.0.113.0/24'] });
    const c = eks(synth(stack));
    expect(c.vpc_config.endpoint_public_access).toBe(true);
    expect(c.vpc_config.public_access_cidrs).toEqual(['203.0.113.0/24']);
    expect(c.vpc_config.endpoint_private_access).toBe(true);
  });

  test('0.0.0.0/0 only with the named opt-in', () => {
    const stack = testStack();
    const cluster = testCluster(stack, { publicEndpointCidrs: ['0.0.0.0/0'], allowPublicEndpointFromAnywhere: true });
    expect(cluster.publicEndpointCidrs).toEqual(['0.0.0.0/0']);
    const stack2 = testStack();
    expect(testCluster(stack2, { allowPublicEndpointFromAnywhere: true }).publicEndpointCidrs).toEqual(['0.0.0.0/0']);
  });

  test('secrets are envelope-encrypted with a rotating customer-managed key the cluster role may use', () => {
    const stack = testStack();
    testCluster(stack);
    const json = synth(stack);
    const c = eks(json);
    expect(c.encryption_config.resources).toEqual(['secrets']);
    const keyRef = c.encryption_config.provider.key_arn;
    const [keyId] = /aws_kms_key\.([^.]+)\.arn/.exec(keyRef)!.slice(1);
    expect(json.resource.aws_kms_key[keyId]).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    const kmsPolicy = configs(json, 'aws_iam_role_policy').find((p) => p.name === 'secrets-encryption');
    const statements = policyStatements(json, kmsPolicy.policy);
    expect(statements[0].resources).toEqual([keyRef]);
  });

  test('control-plane logs api, audit and authenticator into an encrypted group with retention', () => {
    const stack = testStack();
    testCluster(stack);
    const json = synth(stack);
    expect(eks(json).enabled_cluster_log_types).toEqual(CONTROL_PLANE_LOG_TYPES);
    const group = configs(json, 'aws_cloudwatch_log_group').find((g) => g.name === '/aws/eks/cnai-test/cluster');
    expect(group).toMatchObject({ retention_in_days: 365 });
    expect(group.kms_key_id).toMatch(/aws_kms_key/);
    expect(eks(json).depends_on.some((d: string) => d.startsWith('aws_cloudwatch_log_group.'))).toBe(true);
  });

  test('admins get access entries with the cluster admin policy, and the creator is not bootstrapped', () => {
    const stack = testStack();
    testCluster(stack, { adminPrincipalArns: [ADMIN] });
    const json = synth(stack);
    expect(eks(json).access_config.bootstrap_cluster_creator_admin_permissions).toBe(false);
    expect(only(json, 'aws_eks_access_entry')).toMatchObject({ principal_arn: ADMIN, type: 'STANDARD' });
    expect(only(json, 'aws_eks_access_policy_association')).toMatchObject({
      principal_arn: ADMIN,
      policy_arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
      access_scope: { type: 'cluster' },
    });
  });

  test('managed add-ons are pinned; the VPC CNI enforces network policies; EBS CSI has its own Pod Identity role', () => {
    const stack = testStack();
    testCluster(stack);
    const json = synth(stack);
    const addons = Object.fromEntries(configs(json, 'aws_eks_addon').map((a) => [a.addon_name, a]));
    for (const pin of Object.values(EKS_ADDONS)) expect(addons[pin.name].addon_version).toBe(pin.version);
    expect(JSON.parse(addons['vpc-cni'].configuration_values)).toEqual({ enableNetworkPolicy: 'true' });
    const ebs = addons['aws-ebs-csi-driver'];
    expect(ebs.pod_identity_association).toHaveLength(1);
    expect(ebs.pod_identity_association[0].service_account).toBe(EBS_CSI_SERVICE_ACCOUNT);
    const roleId = /aws_iam_role\.([^.]+)\.arn/.exec(ebs.pod_identity_association[0].role_arn)![1];
    const role = json.resource.aws_iam_role[roleId];
    const trust = policyStatements(json, role.assume_role_policy)[0];
    expect(trust.principals[0].identifiers).toEqual(['pods.eks.amazonaws.com']);
    expect(trust.actions).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    const attachment = configs(json, 'aws_iam_role_policy_attachment').find((a) => a.role === `\${aws_iam_role.${roleId}.name}`);
    expect(attachment.policy_arn).toBe('arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy');
    expect(trust.condition).toEqual(expect.arrayContaining([
      { test: 'ArnEquals', variable: 'aws:SourceArn', values: ['arn:aws:eks:us-west-2:123456789012:cluster/cnai-test'] },
      { test: 'StringEquals', variable: 'aws:RequestTag/kubernetes-namespace', values: ['kube-system'] },
      { test: 'StringEquals', variable: 'aws:RequestTag/kubernetes-service-account', values: ['ebs-csi-controller-sa'] },
    ]));
  });

  test('add-ons follow the Kubernetes version: each version gets its own kube-proxy and CoreDNS builds', () => {
    const builds = (version: string) => {
      const stack = testStack();
      testCluster(stack, { kubernetesVersion: version });
      return Object.fromEntries(configs(synth(stack), 'aws_eks_addon').map((a) => [a.addon_name, a.addon_version]));
    };
    expect(builds('1.36')).toEqual({
      'vpc-cni': 'v1.21.1-eksbuild.1',
      'kube-proxy': 'v1.36.0-eksbuild.14',
      'coredns': 'v1.14.3-eksbuild.3',
      'eks-pod-identity-agent': 'v1.3.10-eksbuild.2',
      'aws-ebs-csi-driver': 'v1.54.0-eksbuild.1',
    });
    expect(builds('1.35')).toMatchObject({ 'kube-proxy': 'v1.35.3-eksbuild.13', 'coredns': 'v1.14.3-eksbuild.3' });
    expect(builds('1.34')).toMatchObject({ 'kube-proxy': 'v1.34.6-eksbuild.13', 'coredns': 'v1.13.2-eksbuild.11' });
  });

  test('extended support only when asked for', () => {
    const stack = testStack();
    testCluster(stack, { supportType: EksSupportType.EXTENDED });
    expect(eks(synth(stack)).upgrade_policy).toEqual({ support_type: 'EXTENDED' });
  });

  test('admins of this account are looked up at plan time; the access entry waits for the lookup', () => {
    const stack = testStack();
    testCluster(stack, { adminPrincipalArns: [ADMIN, 'arn:aws:iam::123456789012:user/ops/alice', 'arn:aws:iam::999999999999:role/other-account'] });
    const json = synth(stack);
    expect(Object.values(dataSources(json, 'aws_iam_role'))).toEqual([{ name: 'platform-admins' }]);
    expect(Object.values(dataSources(json, 'aws_iam_user'))).toEqual([{ user_name: 'alice' }]);
    const entries = configs(json, 'aws_eks_access_entry');
    expect(entries[0].depends_on).toEqual([expect.stringMatching(/^data\.aws_iam_role\./)]);
    expect(entries[1].depends_on).toEqual([expect.stringMatching(/^data\.aws_iam_user\./)]);
    // Another account's role cannot be looked up from here.
    expect(entries[2].depends_on).toBeUndefined();
    const off = testStack();
    testCluster(off, { adminPrincipalArns: [ADMIN], lookUpAdminPrincipals: false });
    expect(dataSources(synth(off), 'aws_iam_role')).toEqual({});
  });

  test('an admin role that does not exist fails terraform plan, naming the role, before anything is created', () => {
    const stack = new CnaiAwsStack(Testing.app(), 'cnai', {
      platformName: 'cnai',
      environment: 'dev',
      region: 'us-west-2',
      accountId: '123456789012',
      availabilityZones: ['us-west-2a', 'us-west-2b'],
      adminPrincipalArns: ['arn:aws:iam::123456789012:role/no-such-admins'],
      database: false,
    });
    expect(() => expectStackToPlan(stack, { missingPrincipals: ['no-such-admins'] })).toThrow(
      /terraform plan failed .*cnai\/cluster\/admin-0-exists \(data\.aws_iam_role\.cluster_admin-0-exists_[0-9A-F]+\): reading IAM Role \(no-such-admins\): couldn't find resource.*Fix: an admin principal \(adminPrincipalArns\) does not exist, so EKS would reject its access entry at apply/s);
  }, 300_000);

  test('node groups wait for the networking add-ons; CoreDNS waits for the system nodes', () => {
    const stack = testStack();
    testCluster(stack);
    const json = synth(stack);
    const addonIds = Object.fromEntries(resources(json, 'aws_eks_addon').map(([id, a]) => [a.addon_name, `aws_eks_addon.${id}`]));
    const group = only(json, 'aws_eks_node_group');
    expect(group.depends_on).toEqual(expect.arrayContaining([addonIds['vpc-cni'], addonIds['kube-proxy'], addonIds['eks-pod-identity-agent']]));
    const coredns = configs(json, 'aws_eks_addon').find((a) => a.addon_name === 'coredns');
    expect(coredns.depends_on.some((d: string) => d.startsWith('aws_eks_node_group.'))).toBe(true);
  });

  test('the node role has only what a node needs', () => {
    const stack = testStack();
    testCluster(stack);
    const json = synth(stack);
    const nodeRole = Object.entries<any>(json.resource.aws_iam_role).find(([, r]) => r.name === 'cnai-test-eks-node')![0];
    const policies = configs(json, 'aws_iam_role_policy_attachment')
      .filter((a) => a.role === `\${aws_iam_role.${nodeRole}.name}`).map((a) => a.policy_arn).sort();
    expect(policies).toEqual([
      'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly',
      'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
      'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
    ]);
    expect(configs(json, 'aws_iam_role_policy').filter((p) => p.role === `\${aws_iam_role.${nodeRole}.id}`)).toHaveLength(0);
  });

  test('SSM access for nodes is opt-in', () => {
    const stack = testStack();
    testCluster(stack, { nodeSsmAccess: true });
    const arns = configs(synth(stack), 'aws_iam_role_policy_attachment').map((a) => a.policy_arn);
    expect(arns).toContain('arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore');
  });

  test('EKS Auto Mode: compute, storage and load balancing by EKS, no node groups or add-ons', () => {
    const stack = testStack();
    const cluster = testCluster(stack, { autoMode: true });
    const json = synth(stack);
    const c = eks(json);
    expect(c.compute_config).toMatchObject({ enabled: true, node_pools: ['general-purpose', 'system'] });
    expect(c.compute_config.node_role_arn).toMatch(/aws_iam_role/);
    expect(c.storage_config).toEqual({ block_storage: { enabled: true } });
    expect(c.kubernetes_network_config).toEqual({ elastic_load_balancing: { enabled: true } });
    expect(tfJson(json)).not.toHaveResource(EksNodeGroup);
    expect(tfJson(json)).not.toHaveResource(EksAddon);
    expect(cluster.nodePoolContracts()).toEqual([]);
    const arns = configs(json, 'aws_iam_role_policy_attachment').map((a) => a.policy_arn);
    expect(arns).toEqual(expect.arrayContaining([
      'arn:aws:iam::aws:policy/AmazonEKSComputePolicy',
      'arn:aws:iam::aws:policy/AmazonEKSBlockStoragePolicy',
      'arn:aws:iam::aws:policy/AmazonEKSLoadBalancingPolicy',
      'arn:aws:iam::aws:policy/AmazonEKSNetworkingPolicy',
      'arn:aws:iam::aws:policy/AmazonEKSWorkerNodeMinimalPolicy',
    ]));
  });

  describe('errors', () => {
    test('0.0.0.0/0 on the public endpoint without the opt-in', () => {
      expect(() => testCluster(testStack(), { publicEndpointCidrs: ['203.0.113.0/24', '0.0.0.0/0'] })).toThrow(
        'test/cluster: invalid publicEndpointCidrs[1] = "0.0.0.0/0": this opens the Kubernetes API endpoint to the whole internet. '
        + 'Fix: list the CIDRs of your offices or VPN, or set allowPublicEndpointFromAnywhere: true if that is really intended.');
    });

    test('an invalid public endpoint CIDR', () => {
      expect(() => testCluster(testStack(), { publicEndpointCidrs: ['203.0.113.7/24'] })).toThrow(
        /invalid publicEndpointCidrs\[0\] = "203.0.113.7\/24": 203.0.113.7 is not the first address of a \/24 block/);
    });

    test('an admin that is not an IAM role or user ARN', () => {
      expect(() => testCluster(testStack(), { adminPrincipalArns: ['arn:aws:sts::123456789012:assumed-role/admins/alice'] })).toThrow(
        /invalid adminPrincipalArns\[0\] = "arn:aws:sts::123456789012:assumed-role\/admins\/alice": access entries take the ARN of an IAM role or user/);
    });

    test('an admin listed twice', () => {
      expect(() => testCluster(testStack(), { adminPrincipalArns: [ADMIN, ADMIN] })).toThrow(/invalid adminPrincipalArns = .*a principal is listed twice/);
    });

    test('a Kubernetes version that is not major.minor', () => {
      expect(() => testCluster(testStack(), { kubernetesVersion: '1.34.2' })).toThrow(
        'test/cluster: invalid kubernetesVersion = "1.34.2": EKS takes a Kubernetes minor version such as "1.36". Fix: use "major.minor", e.g. "1.36".');
    });

    test('a Kubernetes version without add-on pins', () => {
      expect(() => testCluster(testStack(), { kubernetesVersion: '1.33' })).toThrow(
        'test/cluster: invalid kubernetesVersion = "1.33": the library pins EKS add-ons per Kubernetes version and has none for this one. '
        + 'Fix: use one of 1.34, 1.35, 1.36, or add the version with its add-on builds to EKS_VERSIONS in lib/core/versions.ts.');
    });

    test('a log retention CloudWatch does not accept', () => {
      expect(() => testCluster(testStack(), { logRetentionDays: 10 })).toThrow(/invalid logRetentionDays = 10: CloudWatch Logs accepts only fixed retention periods/);
    });

    test('a GPU pool on an Auto Mode cluster', () => {
      const cluster = testCluster(testStack(), { autoMode: true });
      expect(() => cluster.addGpuNodePool('gpu', { instanceTypes: [GpuInstanceType.G5_XLARGE] })).toThrow(
        /test\/cluster\/gpu: invalid cluster = "cnai-test": the cluster runs EKS Auto Mode, which provisions nodes itself instead of managed node groups/);
    });

    test('two identities for one service account', () => {
      const cluster = testCluster(testStack());
      cluster.addWorkloadIdentity('a', { namespace: 'serving', serviceAccount: 'vllm' });
      expect(() => cluster.addWorkloadIdentity('b', { namespace: 'serving', serviceAccount: 'vllm', purpose: 'other' })).toThrow(
        'test/cluster/b: invalid serviceAccount = "serving/vllm": already bound by test/cluster/a; a service account has one Pod Identity association. '
        + 'Fix: grant the other identity instead of adding a second one.');
    });
  });
});
