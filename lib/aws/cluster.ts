import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamRole } from '@cdktf/provider-aws/lib/data-aws-iam-role';
import { DataAwsIamUser } from '@cdktf/provider-aws/lib/data-aws-iam-user';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterBase } from './cluster-base';
import { assertKubernetesVersionFormat } from './cluster-checks';
import type { ICluster } from './cluster-interface';
import { ClusterAttributes, ClusterAuthenticationMode, ClusterSubnet } from './cluster-ref';
import { EncryptionKey } from './encryption-key';
import { podIdentityTrustPolicy, policyDocument, serviceTrustPolicy } from './iam';
import { ImportedCluster } from './imported-cluster';
import { LOG_RETENTION_DAYS, Network } from './network';
import { attachManagedPolicies, createNodeRole, nodeRolePolicies } from './node-role';
import { awsPartition, eksClusterArn } from './partition';
import { SystemNodePool, SystemNodePoolOptions } from './system-node-pool';
import { Cidr } from '../core/cidr';
import { NodePoolContract } from '../core/contract';
import { invalidProp } from '../core/errors';
import { assertName, NAME_RULES, PlatformNaming } from '../core/names';
import { EKS, EKS_VERSIONS, EksAddonPins, EksSupportType, PinnedAddon } from '../core/versions';

/** Control-plane log types the cluster sends to CloudWatch. */
export const CONTROL_PLANE_LOG_TYPES = ['api', 'audit', 'authenticator'];

/** The service account of the EBS CSI controller, which gets its own Pod Identity role. */
export const EBS_CSI_SERVICE_ACCOUNT = 'ebs-csi-controller-sa';

/** Properties of a {@link Cluster}. */
export interface ClusterProps {
  /** Platform naming: the cluster name is `naming.clusterName`. */
  readonly naming: PlatformNaming;
  /** The network; the cluster and its nodes use its private subnets. */
  readonly network: Network;
  /**
   * Kubernetes version (`1.<minor>`), one of {@link EKS_VERSIONS}: the add-ons are pinned per version.
   * To upgrade, change it (one minor at a time), plan and apply: the control plane, then the add-ons
   * pinned for the new version, then the node groups (which follow the control plane's version) roll.
   * @default EKS.defaultKubernetesVersion ("1.36")
   */
  readonly kubernetesVersion?: string;
  /**
   * What EKS does when the version leaves standard support (`upgrade_policy`): STANDARD upgrades the
   * control plane automatically, EXTENDED keeps it on the version at extra cost for up to 12 months.
   * @default EksSupportType.STANDARD
   */
  readonly supportType?: EksSupportType;
  /**
   * IAM role or user ARNs that get cluster admin through an access entry
   * (AmazonEKSClusterAdminPolicy). When empty, the identity running Terraform gets it instead.
   * @default - none: the creator of the cluster is admin
   */
  readonly adminPrincipalArns?: string[];
  /**
   * Look the admin principals of this account up at plan time (`data.aws_iam_role` /
   * `data.aws_iam_user`), so a principal that does not exist fails `terraform plan` with IAM's
   * "cannot be found" instead of failing the access entry at apply, after the cluster exists.
   * Principals of other accounts cannot be looked up and are not.
   * @default true
   */
  readonly lookUpAdminPrincipals?: boolean;
  /**
   * CIDR blocks allowed to reach the public API endpoint. When empty, the endpoint is
   * private only (reachable from the VPC, a VPN or a bastion).
   * @default - no public endpoint
   */
  readonly publicEndpointCidrs?: string[];
  /**
   * Allow `0.0.0.0/0` on the public endpoint. Exposes the API server to the internet
   * (it still needs IAM authentication); only with this explicit opt-in.
   * @default false
   */
  readonly allowPublicEndpointFromAnywhere?: boolean;
  /**
   * EKS Auto Mode: AWS runs compute (Karpenter-based node pools), block storage and load
   * balancing, and the core add-ons. No managed node groups or add-ons are created then;
   * GPU pools become NodePools in the Kubernetes layer.
   * @default false
   */
  readonly autoMode?: boolean;
  /**
   * The CPU system pool (ignored in Auto Mode).
   * @default - 2 to 6 m7i.xlarge nodes, not dedicated
   */
  readonly systemNodePool?: SystemNodePoolOptions;
  /**
   * Let Systems Manager manage the nodes (Session Manager instead of SSH).
   * @default false
   */
  readonly nodeSsmAccess?: boolean;
  /**
   * Retention of the control-plane log group in days (one of {@link LOG_RETENTION_DAYS}).
   * @default 365
   */
  readonly logRetentionDays?: number;
  /**
   * Key of the control-plane log group; must allow CloudWatch Logs.
   * @default - the network's logs key, or a new one
   */
  readonly logsKey?: EncryptionKey;
}

/**
 * An EKS cluster: private API endpoint, secrets envelope-encrypted with a customer-managed
 * key, control-plane audit logs, access entries instead of aws-auth, pinned managed add-ons
 * (VPC CNI with network policy enforcement, CoreDNS, kube-proxy, Pod Identity agent, EBS CSI
 * with its own Pod Identity role), a CPU system pool, and methods to add GPU pools and
 * workload identities. Optionally EKS Auto Mode instead of node groups and add-ons.
 * For a cluster that already runs, see {@link Cluster.fromClusterAttributes}.
 */
export class Cluster extends ClusterBase {
  /**
   * An EKS cluster that already runs (created elsewhere), from what you know about it, so that GPU
   * pools (managed node groups with the same secure defaults) and workload identities (Pod Identity
   * roles trusted by this cluster only, and their associations) can be added to it. Nothing about the
   * cluster itself is changed. Its region and account are those of `naming`, which must be those of
   * the stack's AWS provider. The endpoint and Kubernetes version, when not given, are read from the
   * cluster at plan time (`data.aws_eks_cluster`). Self-managed Karpenter is not offered for it.
   */
  public static fromClusterAttributes(scope: Construct, id: string, attrs: ClusterAttributes): ICluster {
    return new ImportedCluster(scope, id, attrs);
  }

  /** Platform naming. */
  public readonly naming: PlatformNaming;
  /** The network. */
  public readonly network: Network;
  /** Cluster name. */
  public readonly name: string;
  /** ARN of the cluster as a plain string (known at synth), for trust policies and conditions. */
  public readonly arnForPolicies: string;
  /** Kubernetes version. */
  public readonly kubernetesVersion: string;
  /** Upgrade policy at the end of standard support. */
  public readonly supportType: EksSupportType;
  /** The add-on builds pinned for {@link Cluster.kubernetesVersion}. */
  public readonly addonPins: EksAddonPins;
  /** Admin principal ARNs with access entries. */
  public readonly adminPrincipalArns: string[];
  /** The plan-time lookups of the admin principals of this account. */
  public readonly adminPrincipalLookups: Array<DataAwsIamRole | DataAwsIamUser> = [];
  /** CIDRs allowed on the public endpoint (empty: endpoint private only). */
  public readonly publicEndpointCidrs: string[];
  /** Whether the API endpoint is reachable from outside the VPC. */
  public readonly publicEndpoint: boolean;
  /** Whether EKS Auto Mode is on. */
  public readonly autoMode: boolean;
  /** Whether nodes get the SSM managed-instance policy. */
  public readonly nodeSsmAccess: boolean;
  /** Control-plane log retention in days. */
  public readonly logRetentionDays: number;
  /** The EKS cluster. */
  public readonly eksCluster: EksCluster;
  /** The cluster's IAM role. */
  public readonly clusterRole: IamRole;
  /** The role of the nodes (managed node groups, or Auto Mode nodes). */
  public readonly nodeRole: IamRole;
  /** The key that envelope-encrypts Kubernetes secrets. */
  public readonly secretsKey: EncryptionKey;
  /** The key of node volumes of managed node groups (absent in Auto Mode, whose nodes EKS manages). */
  public readonly nodeVolumeKey?: EncryptionKey;
  private nameToken?: string;
  /** The control-plane log group. */
  public readonly logGroup: CloudwatchLogGroup;
  /** The key of the platform's log groups (control plane, and the database's exports). */
  public readonly logsKey: EncryptionKey;
  /** The managed add-ons by name (empty in Auto Mode). */
  public readonly addons: { [name: string]: EksAddon } = {};
  /** The role of the EBS CSI controller (absent in Auto Mode). */
  public readonly ebsCsiRole?: IamRole;
  /** The CPU system pool (absent in Auto Mode). */
  public readonly systemNodePool?: SystemNodePool;
  /** What node groups wait for: the node role's policies and the networking add-ons. */
  public readonly nodeGroupDependencies: ITerraformDependable[] = [];
  /** The library's clusters take access entries only. */
  public readonly authenticationMode: ClusterAuthenticationMode = ClusterAuthenticationMode.API;
  /** The Pod Identity agent runs as a managed add-on (built into Auto Mode). */
  public readonly podIdentityAgent: boolean = true;

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    const path = this.node.path;
    const naming = props.naming;
    this.naming = naming;
    this.network = props.network;
    this.name = assertName(path, 'naming.clusterName', naming.clusterName, NAME_RULES.eksCluster);
    this.arnForPolicies = eksClusterArn(naming.region, naming.accountId, this.name);
    this.kubernetesVersion = assertKubernetesVersionFormat(path, props.kubernetesVersion ?? EKS.defaultKubernetesVersion);
    const known = EKS_VERSIONS[this.kubernetesVersion];
    if (!known) {
      throw invalidProp(path, 'kubernetesVersion', this.kubernetesVersion, 'the library pins EKS add-ons per Kubernetes version and has none for this one',
        `use one of ${Object.keys(EKS_VERSIONS).join(', ')}, or add the version with its add-on builds to EKS_VERSIONS in lib/core/versions.ts`);
    }
    this.addonPins = known.addons;
    this.supportType = props.supportType ?? EKS.defaultSupportType;
    this.autoMode = props.autoMode ?? false;
    this.nodeSsmAccess = props.nodeSsmAccess ?? false;
    this.logRetentionDays = props.logRetentionDays ?? 365;
    if (!LOG_RETENTION_DAYS.includes(this.logRetentionDays)) {
      throw invalidProp(path, 'logRetentionDays', props.logRetentionDays, 'CloudWatch Logs accepts only fixed retention periods',
        `use one of ${LOG_RETENTION_DAYS.join(', ')}`);
    }
    this.adminPrincipalArns = validateAdmins(path, props.adminPrincipalArns ?? []);
    this.publicEndpointCidrs = validateEndpointCidrs(path, props.publicEndpointCidrs ?? [], props.allowPublicEndpointFromAnywhere ?? false);
    this.publicEndpoint = this.publicEndpointCidrs.length > 0;

    const region = naming.region;
    const partition = awsPartition(region);

    // Control plane.
    this.secretsKey = new EncryptionKey(this, 'secrets-key', { naming, purpose: 'eks-secrets', description: `${this.name} Kubernetes secrets` });
    const logsKey = props.logsKey ?? props.network.logsKey
      ?? new EncryptionKey(this, 'logs-key', { naming, purpose: 'eks-logs', allowCloudWatchLogs: true });
    this.logsKey = logsKey;
    // Created before the cluster so EKS writes into a group with retention and encryption.
    this.logGroup = new CloudwatchLogGroup(this, 'control-plane-logs', {
      name: `/aws/eks/${this.name}/cluster`,
      retentionInDays: this.logRetentionDays,
      kmsKeyId: logsKey.keyArn,
    });

    this.clusterRole = new IamRole(this, 'cluster-role', {
      name: naming.roleName('eks-cluster'),
      assumeRolePolicy: serviceTrustPolicy(this, 'cluster-trust', 'eks.amazonaws.com', { actions: ['sts:AssumeRole', 'sts:TagSession'] }).json,
    });
    const clusterPolicies = ['AmazonEKSClusterPolicy'];
    if (this.autoMode) {
      clusterPolicies.push('AmazonEKSComputePolicy', 'AmazonEKSBlockStoragePolicy', 'AmazonEKSLoadBalancingPolicy', 'AmazonEKSNetworkingPolicy');
    }
    const clusterAttachments = attachManagedPolicies(this, 'cluster', this.clusterRole, region, clusterPolicies);
    const clusterKms = new IamRolePolicy(this, 'cluster-kms', {
      name: 'secrets-encryption',
      role: this.clusterRole.id,
      policy: policyDocument(this, 'cluster-kms-policy', [{
        effect: 'Allow',
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'],
        resources: [this.secretsKey.keyArn],
      }]).json,
    });

    const nodes = createNodeRole(this, { name: naming.roleName('eks-node'), region, policies: nodeRolePolicies(this.autoMode, this.nodeSsmAccess) });
    this.nodeRole = nodes.role;
    const nodeAttachments = nodes.attachments;

    this.eksCluster = new EksCluster(this, 'cluster', {
      name: this.name,
      version: this.kubernetesVersion,
      roleArn: this.clusterRole.arn,
      vpcConfig: {
        subnetIds: props.network.privateSubnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: this.publicEndpoint,
        publicAccessCidrs: this.publicEndpoint ? this.publicEndpointCidrs : undefined,
      },
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: this.secretsKey.keyArn } },
      enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
      accessConfig: {
        authenticationMode: 'API',
        // Either the named admins or, when there are none, whoever runs Terraform.
        bootstrapClusterCreatorAdminPermissions: this.adminPrincipalArns.length === 0,
      },
      // Add-ons are EKS managed (below) or, in Auto Mode, built in.
      bootstrapSelfManagedAddons: false,
      // EKS's default is EXTENDED: a cluster would slip into paid extended support unnoticed.
      upgradePolicy: { supportType: this.supportType },
      computeConfig: this.autoMode ? { enabled: true, nodePools: ['general-purpose', 'system'], nodeRoleArn: this.nodeRole.arn } : undefined,
      storageConfig: this.autoMode ? { blockStorage: { enabled: true } } : undefined,
      kubernetesNetworkConfig: this.autoMode ? { elasticLoadBalancing: { enabled: true } } : undefined,
      dependsOn: [this.logGroup, clusterKms, ...clusterAttachments, ...(this.autoMode ? nodeAttachments : [])],
    });

    const lookUp = props.lookUpAdminPrincipals ?? true;
    this.adminPrincipalArns.forEach((arn, i) => {
      const principal = lookUp ? parsePrincipalArn(arn) : undefined;
      let lookup: DataAwsIamRole | DataAwsIamUser | undefined;
      if (principal && principal.account === naming.accountId) {
        lookup = principal.kind === 'role'
          ? new DataAwsIamRole(this, `admin-${i}-exists`, { name: principal.name })
          : new DataAwsIamUser(this, `admin-${i}-exists`, { userName: principal.name });
        this.adminPrincipalLookups.push(lookup);
      }
      const entry = new EksAccessEntry(this, `admin-${i}`, {
        clusterName: this.eksCluster.name, principalArn: arn, type: 'STANDARD', dependsOn: lookup ? [lookup] : undefined,
      });
      new EksAccessPolicyAssociation(this, `admin-${i}-policy`, {
        clusterName: this.eksCluster.name,
        principalArn: arn,
        policyArn: `arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
        accessScope: { type: 'cluster' },
        dependsOn: [entry],
      });
    });

    if (this.autoMode) return;

    this.nodeVolumeKey = new EncryptionKey(this, 'node-volume-key', {
      naming,
      purpose: 'eks-node-volumes',
      allowEc2Volumes: true,
      description: `${this.name} node volumes`,
    });

    // Networking add-ons come up before nodes, so nodes become Ready.
    const vpcCni = this.addon(this.addonPins.vpcCni, { configurationValues: JSON.stringify({ enableNetworkPolicy: 'true' }) });
    const kubeProxy = this.addon(this.addonPins.kubeProxy);
    const podIdentityAgent = this.addon(this.addonPins.podIdentityAgent);
    this.nodeGroupDependencies.push(...nodeAttachments, vpcCni, kubeProxy, podIdentityAgent);

    this.systemNodePool = new SystemNodePool(this, 'system-pool', { ...props.systemNodePool, cluster: this });

    this.ebsCsiRole = new IamRole(this, 'ebs-csi-role', {
      name: naming.roleName('ebs-csi'),
      assumeRolePolicy: podIdentityTrustPolicy(this, 'ebs-csi-trust', 'pods.eks.amazonaws.com', {
        accountId: naming.accountId, clusterArn: this.arnForPolicies, namespace: 'kube-system', serviceAccount: EBS_CSI_SERVICE_ACCOUNT,
      }).json,
    });
    const ebsPolicy = new IamRolePolicyAttachment(this, 'ebs-csi-policy', {
      role: this.ebsCsiRole.name,
      policyArn: `arn:${partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy`,
    });
    // Deployments need nodes to become ACTIVE.
    const afterNodes = [this.systemNodePool.nodeGroup.nodeGroup];
    this.addon(this.addonPins.coreDns, { dependsOn: afterNodes });
    this.addon(this.addonPins.ebsCsiDriver, {
      podIdentityAssociation: [{ roleArn: this.ebsCsiRole.arn, serviceAccount: EBS_CSI_SERVICE_ACCOUNT }],
      dependsOn: [...afterNodes, podIdentityAgent, ebsPolicy],
    });
  }

  /** The cluster name as a Terraform reference: resources that use it wait for the cluster. */
  public get nameReference(): string {
    // One reference for every use: each read of the attribute is a new token, which records its stack.
    return this.nameToken ??= this.eksCluster.name;
  }

  /** Endpoint of the Kubernetes API (known after apply). */
  public get endpoint(): string {
    return this.eksCluster.endpoint;
  }

  /** ARN of the cluster. */
  public get arn(): string {
    return this.eksCluster.arn;
  }

  /** The security group EKS creates for the control plane and managed nodes. */
  public get clusterSecurityGroupId(): string {
    return this.eksCluster.vpcConfig.clusterSecurityGroupId;
  }

  /** ARN of the node role. */
  public get nodeRoleArn(): string {
    return this.nodeRole.arn;
  }

  /** ARN of the node volume key (absent in Auto Mode). */
  public get nodeVolumeKeyArn(): string | undefined {
    return this.nodeVolumeKey?.keyArn;
  }

  /** Id of the network's VPC. */
  public get vpcId(): string {
    return this.network.vpcId;
  }

  /** The network's IPv4 block. */
  public get vpcCidr(): string {
    return this.network.cidrBlock;
  }

  /** The network's private subnets, one per availability zone. */
  public get privateSubnets(): ClusterSubnet[] {
    return this.network.availabilityZones.map((az) => ({ subnetId: this.network.privateSubnetIn(az)!.id, availabilityZone: az }));
  }

  /** The system pool (when there is one) comes before the GPU pools. */
  protected ownNodePoolContracts(): NodePoolContract[] {
    return this.systemNodePool ? [this.systemNodePool.contract()] : [];
  }

  private addon(pin: PinnedAddon, extra: Partial<{
    configurationValues: string;
    podIdentityAssociation: { roleArn: string; serviceAccount: string }[];
    dependsOn: ITerraformDependable[];
  }> = {}): EksAddon {
    const addon = new EksAddon(this, `addon-${pin.name}`, {
      clusterName: this.eksCluster.name,
      addonName: pin.name,
      addonVersion: pin.version,
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'OVERWRITE',
      ...extra,
    });
    this.addons[pin.name] = addon;
    return addon;
  }
}

const PRINCIPAL_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;

/** Account, kind and name (the last path segment) of an IAM role or user ARN. */
function parsePrincipalArn(arn: string): { account: string; kind: 'role' | 'user'; name: string } | undefined {
  if (Token.isUnresolved(arn)) return undefined;
  const m = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):(role|user)\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/.exec(arn);
  return m ? { account: m[1], kind: m[2] as 'role' | 'user', name: m[3] } : undefined;
}

function validateAdmins(path: string, arns: string[]): string[] {
  arns.forEach((arn, i) => {
    if (Token.isUnresolved(arn)) return;
    if (!PRINCIPAL_ARN.test(arn)) {
      throw invalidProp(path, `adminPrincipalArns[${i}]`, arn, 'access entries take the ARN of an IAM role or user',
        'give an ARN such as "arn:aws:iam::123456789012:role/platform-admins" (for SSO, the role ARN, not the assumed-role session)');
    }
  });
  if (new Set(arns).size !== arns.length) {
    throw invalidProp(path, 'adminPrincipalArns', arns, 'a principal is listed twice', 'list each principal once');
  }
  return [...arns];
}

function validateEndpointCidrs(path: string, cidrs: string[], anywhere: boolean): string[] {
  cidrs.forEach((c, i) => {
    if (Token.isUnresolved(c)) return;
    const block = Cidr.parse(c, path, `publicEndpointCidrs[${i}]`);
    if (block.prefixLength === 0 && !anywhere) {
      throw invalidProp(path, `publicEndpointCidrs[${i}]`, c, 'this opens the Kubernetes API endpoint to the whole internet',
        'list the CIDRs of your offices or VPN, or set allowPublicEndpointFromAnywhere: true if that is really intended');
    }
  });
  if (anywhere && cidrs.length === 0) return ['0.0.0.0/0'];
  return [...cidrs];
}
