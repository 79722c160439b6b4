import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterBase } from './cluster-base';
import { assertKubernetesVersionFormat, isAvailabilityZoneOf } from './cluster-checks';
import { ClusterAttributes, ClusterAuthenticationMode, ClusterSubnet } from './cluster-ref';
import { EncryptionKey } from './encryption-key';
import type { Karpenter, KarpenterOptions } from './karpenter';
import { createNodeRole, NodeRole, nodeRolePolicies } from './node-role';
import { eksClusterArn } from './partition';
import { Cidr } from '../core/cidr';
import { invalidProp } from '../core/errors';
import { assertName, NAME_RULES, PlatformNaming } from '../core/names';

const SUBNET_ID = /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/;
const VPC_ID = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8}([0-9a-f]{9})?$/;

/**
 * An EKS cluster that already runs, as {@link Cluster.fromClusterAttributes} returns it. The pools
 * added to it share one node role (with the same managed policies as the library's own clusters;
 * EKS gives it the access entry of a managed node group) and one key for their volumes, both
 * created with the first pool.
 */
export class ImportedCluster extends ClusterBase {
  public readonly naming: PlatformNaming;
  public readonly name: string;
  public readonly nameReference: string;
  public readonly arn: string;
  public readonly arnForPolicies: string;
  public readonly authenticationMode: ClusterAuthenticationMode;
  public readonly podIdentityAgent: boolean;
  public readonly autoMode: boolean;
  public readonly nodeSsmAccess: boolean;
  public readonly clusterSecurityGroupId: string;
  public readonly vpcId: string;
  public readonly vpcCidr: string;
  public readonly privateSubnets: ClusterSubnet[];
  private readonly givenEndpoint?: string;
  private readonly givenVersion?: string;
  private lookedUp?: DataAwsEksCluster;
  private nodes?: NodeRole & { readonly volumeKey: EncryptionKey };

  constructor(scope: Construct, id: string, attrs: ClusterAttributes) {
    super(scope, id);
    const path = this.node.path;
    this.naming = attrs.naming;
    this.name = assertName(path, 'clusterName', attrs.clusterName, NAME_RULES.eksCluster);
    this.nameReference = this.name;
    this.arn = eksClusterArn(this.naming.region, this.naming.accountId, this.name);
    this.arnForPolicies = this.arn;
    this.vpcId = checkId(path, 'vpcId', attrs.vpcId, VPC_ID, 'VPC', 'vpc-0123456789abcdef0');
    this.clusterSecurityGroupId = checkId(path, 'clusterSecurityGroupId', attrs.clusterSecurityGroupId, SECURITY_GROUP_ID, 'security group', 'sg-0123456789abcdef0');
    if (!Token.isUnresolved(attrs.vpcCidr)) Cidr.parse(attrs.vpcCidr, path, 'vpcCidr');
    this.vpcCidr = attrs.vpcCidr;
    this.privateSubnets = checkSubnets(path, attrs.privateSubnets, this.naming.region);
    this.givenVersion = attrs.kubernetesVersion === undefined ? undefined : assertKubernetesVersionFormat(path, attrs.kubernetesVersion);
    this.givenEndpoint = attrs.endpoint;
    this.podIdentityAgent = attrs.podIdentityAgent ?? false;
    this.authenticationMode = attrs.authenticationMode ?? ClusterAuthenticationMode.CONFIG_MAP;
    this.autoMode = attrs.autoMode ?? false;
    this.nodeSsmAccess = attrs.nodeSsmAccess ?? false;
  }

  /** Endpoint of the Kubernetes API: as given, or read from the cluster at plan time. */
  public get endpoint(): string {
    return this.givenEndpoint ?? this.lookup().endpoint;
  }

  /** Kubernetes version: as given, or read from the cluster at plan time. */
  public get kubernetesVersion(): string {
    return this.givenVersion ?? this.lookup().version;
  }

  /** ARN of the role of the pools added here (created with the first pool). */
  public get nodeRoleArn(): string {
    return this.nodeSupport().role.arn;
  }

  /** ARN of the key of the volumes of the pools added here (created with the first pool; none in Auto Mode). */
  public get nodeVolumeKeyArn(): string | undefined {
    return this.autoMode ? undefined : this.nodeSupport().volumeKey.keyArn;
  }

  /** The node role's policy attachments, which the pools wait for. */
  public get nodeGroupDependencies(): ITerraformDependable[] {
    return [...this.nodeSupport().attachments];
  }

  /**
   * Not offered for an imported cluster: Karpenter finds its subnets by the `karpenter.sh/discovery`
   * tag, which would have to be set on subnets that another tool owns (and would remove again).
   */
  public addKarpenter(_options?: KarpenterOptions): Karpenter {
    throw invalidProp(this.node.path, 'karpenter', this.name,
      'self-managed Karpenter is not set up on an imported cluster: it selects subnets by the karpenter.sh/discovery tag, which belongs where the subnets are defined',
      `tag the subnets with karpenter.sh/discovery=${this.name} where they are defined and install Karpenter with its getting-started guide, or add managed GPU pools with addGpuNodePool()`);
  }

  /** The one plan-time read: the cluster by name (`DescribeCluster`). */
  private lookup(): DataAwsEksCluster {
    this.lookedUp ??= new DataAwsEksCluster(this, 'cluster', { name: this.name });
    return this.lookedUp;
  }

  private nodeSupport(): NodeRole & { readonly volumeKey: EncryptionKey } {
    if (!this.nodes) {
      const naming = this.naming;
      const role = createNodeRole(this, {
        name: naming.roleName('eks-node'),
        region: naming.region,
        policies: nodeRolePolicies(false, this.nodeSsmAccess),
        description: `Nodes of the pools the platform adds to ${this.name}`,
      });
      const volumeKey = new EncryptionKey(this, 'node-volume-key', { naming, purpose: 'eks-node-volumes', allowEc2Volumes: true, description: `${this.name} node volumes` });
      this.nodes = { ...role, volumeKey };
    }
    return this.nodes;
  }
}

function checkId(path: string, prop: string, value: string, pattern: RegExp, what: string, example: string): string {
  if (Token.isUnresolved(value) || pattern.test(value ?? '')) return value;
  throw invalidProp(path, prop, value, `not a ${what} id`, `give the id EC2 shows, e.g. "${example}"`);
}

function checkSubnets(path: string, subnets: ClusterSubnet[] | undefined, region: string): ClusterSubnet[] {
  if (!subnets || subnets.length === 0) {
    throw invalidProp(path, 'privateSubnets', subnets, 'new nodes need private subnets to launch into, and the library does not guess them',
      'list the cluster\'s private subnets with their zones, e.g. [{ subnetId: "subnet-0123456789abcdef0", availabilityZone: "us-west-2a" }] '
      + '(aws eks describe-cluster --query cluster.resourcesVpcConfig.subnetIds, then aws ec2 describe-subnets for the zones)');
  }
  subnets.forEach((s, i) => {
    if (!Token.isUnresolved(s.subnetId) && !SUBNET_ID.test(s.subnetId ?? '')) {
      throw invalidProp(path, `privateSubnets[${i}].subnetId`, s.subnetId, 'not a subnet id', 'give the id EC2 shows, e.g. "subnet-0123456789abcdef0"');
    }
    if (!Token.isUnresolved(s.availabilityZone) && !isAvailabilityZoneOf(s.availabilityZone, region)) {
      throw invalidProp(path, `privateSubnets[${i}].availabilityZone`, s.availabilityZone, `not an availability zone of ${region}, the region of naming`,
        `give the subnet's zone, e.g. "${region}a" (aws ec2 describe-subnets --subnet-ids ${s.subnetId} --query "Subnets[].AvailabilityZone")`);
    }
  });
  if (new Set(subnets.map((s) => s.subnetId)).size !== subnets.length) {
    throw invalidProp(path, 'privateSubnets', subnets.map((s) => s.subnetId), 'a subnet is listed twice', 'list each subnet once');
  }
  return subnets.map((s) => ({ subnetId: s.subnetId, availabilityZone: s.availabilityZone }));
}
