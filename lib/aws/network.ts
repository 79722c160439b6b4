import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { isAvailabilityZoneOf } from './cluster-checks';
import { EncryptionKey } from './encryption-key';
import { policyDocument, serviceTrustPolicy } from './iam';
import { awsPartition } from './partition';
import { allocateBlocks, Cidr, findOverlap } from '../core/cidr';
import { invalidProp } from '../core/errors';
import { PlatformNaming } from '../core/names';

/** How many NAT gateways give the private subnets their way out. */
export enum NatGatewayMode {
  /** One NAT gateway per availability zone: an AZ outage does not cut the others off. */
  ONE_PER_AZ = 'one-per-az',
  /** A single NAT gateway in the first AZ: cheaper, but a single point of failure. */
  SINGLE = 'single',
}

/** AWS services that can get an interface VPC endpoint in the private subnets. */
export enum InterfaceEndpointService {
  /** ECR API (`ecr.api`): image manifests without NAT. */
  ECR_API = 'ecr.api',
  /** ECR Docker registry (`ecr.dkr`): image layers come through the S3 gateway endpoint. */
  ECR_DKR = 'ecr.dkr',
  /** STS: credentials for workloads. */
  STS = 'sts',
  /** EKS Auth: what the EKS Pod Identity agent calls. */
  EKS_AUTH = 'eks-auth',
  /** EC2 API. */
  EC2 = 'ec2',
  /** CloudWatch Logs. */
  LOGS = 'logs',
}

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** Subnet tags the AWS Load Balancer Controller and Karpenter select subnets by. */
export const SUBNET_TAGS = {
  /** Public subnets: internet-facing load balancers. */
  publicElb: 'kubernetes.io/role/elb',
  /** Private subnets: internal load balancers. */
  internalElb: 'kubernetes.io/role/internal-elb',
  /** Private subnets: Karpenter's subnet selector, valued with the cluster name. */
  karpenterDiscovery: 'karpenter.sh/discovery',
};

/** Properties of a {@link Network}. */
export interface NetworkProps {
  /** Platform naming: resource names, and the cluster name of the discovery tags. */
  readonly naming: PlatformNaming;
  /**
   * Availability zone names, at least two, in the platform's region (e.g.
   * `["us-west-2a", "us-west-2b", "us-west-2c"]`). Given explicitly, so plan needs no AWS lookup.
   */
  readonly availabilityZones: string[];
  /**
   * The VPC's IPv4 block, /16 to /24.
   * @default "10.0.0.0/16"
   */
  readonly cidrBlock?: string;
  /**
   * Prefix length of each private subnet (nodes and pods take their IPs here).
   * @default - the VPC prefix plus enough bits for one block per AZ and one more for the public subnets (/18 for a /16 and up to 3 AZs)
   */
  readonly privateSubnetPrefixLength?: number;
  /**
   * Prefix length of each public subnet (NAT gateways and internet-facing load balancers only).
   * @default - the private prefix length plus 4, at most 28
   */
  readonly publicSubnetPrefixLength?: number;
  /**
   * Explicit private subnet blocks, one per AZ in order; overrides the computed layout.
   * @default - computed from cidrBlock
   */
  readonly privateSubnetCidrs?: string[];
  /**
   * Explicit public subnet blocks, one per AZ in order; overrides the computed layout.
   * @default - computed from cidrBlock
   */
  readonly publicSubnetCidrs?: string[];
  /**
   * NAT gateways.
   * @default NatGatewayMode.ONE_PER_AZ
   */
  readonly natGateways?: NatGatewayMode;
  /**
   * Interface endpoints in the private subnets (an S3 gateway endpoint is always created).
   * @default - none
   */
  readonly interfaceEndpoints?: InterfaceEndpointService[];
  /**
   * VPC flow logs (all traffic) to a KMS-encrypted CloudWatch log group.
   * @default true
   */
  readonly flowLogs?: boolean;
  /**
   * Retention of the flow log group, in days (one of {@link LOG_RETENTION_DAYS}).
   * @default 365
   */
  readonly flowLogRetentionDays?: number;
  /**
   * Key for the flow log group; must allow CloudWatch Logs.
   * @default - a new key with `allowCloudWatchLogs`
   */
  readonly logsKey?: EncryptionKey;
}

/**
 * A VPC across two or more availability zones: public subnets for NAT gateways and
 * internet-facing load balancers, private subnets for nodes, pods and databases, NAT per
 * AZ (or one), an S3 gateway endpoint, optional interface endpoints, the subnet tags
 * EKS load balancing and Karpenter discovery need, and flow logs.
 */
export class Network extends Construct {
  /** Platform naming. */
  public readonly naming: PlatformNaming;
  /** Availability zones, in order. */
  public readonly availabilityZones: string[];
  /** The VPC block. */
  public readonly cidrBlock: string;
  /** Private subnet blocks, one per AZ. */
  public readonly privateSubnetCidrs: string[];
  /** Public subnet blocks, one per AZ. */
  public readonly publicSubnetCidrs: string[];
  /** NAT gateway mode. */
  public readonly natGatewayMode: NatGatewayMode;
  /** Interface endpoints created. */
  public readonly interfaceEndpointServices: InterfaceEndpointService[];
  /** Whether flow logs are on. */
  public readonly flowLogsEnabled: boolean;
  /** Flow log retention in days. */
  public readonly flowLogRetentionDays: number;
  /** The VPC. */
  public readonly vpc: Vpc;
  /** Private subnets, one per AZ. */
  public readonly privateSubnets: Subnet[];
  /** Public subnets, one per AZ. */
  public readonly publicSubnets: Subnet[];
  /** The NAT gateways. */
  public readonly natGatewayResources: NatGateway[];
  /** Security group of the interface endpoints (HTTPS from the VPC), when there are any. */
  public readonly endpointSecurityGroup?: SecurityGroup;
  /** The flow log group, when flow logs are on. */
  public readonly flowLogGroup?: CloudwatchLogGroup;
  /** The key of the flow log group, when flow logs are on. */
  public readonly logsKey?: EncryptionKey;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const path = this.node.path;
    const naming = props.naming;
    this.naming = naming;

    this.availabilityZones = validateAvailabilityZones(path, naming.region, props.availabilityZones);
    const azCount = this.availabilityZones.length;

    this.cidrBlock = props.cidrBlock ?? '10.0.0.0/16';
    const vpcBlock = Cidr.parse(this.cidrBlock, path, 'cidrBlock');
    if (vpcBlock.prefixLength < 16 || vpcBlock.prefixLength > 24) {
      throw invalidProp(path, 'cidrBlock', this.cidrBlock, 'a VPC block must be between /16 and /24, and an EKS cluster needs room for pod IPs',
        'use a /16 to /24 block, e.g. "10.0.0.0/16"');
    }
    const layout = subnetLayout(path, vpcBlock, azCount, props);
    this.privateSubnetCidrs = layout.privateCidrs;
    this.publicSubnetCidrs = layout.publicCidrs;

    this.natGatewayMode = props.natGateways ?? NatGatewayMode.ONE_PER_AZ;
    this.interfaceEndpointServices = [...new Set(props.interfaceEndpoints ?? [])];
    this.flowLogsEnabled = props.flowLogs ?? true;
    this.flowLogRetentionDays = props.flowLogRetentionDays ?? 365;
    if (!LOG_RETENTION_DAYS.includes(this.flowLogRetentionDays)) {
      throw invalidProp(path, 'flowLogRetentionDays', props.flowLogRetentionDays, 'CloudWatch Logs accepts only fixed retention periods',
        `use one of ${LOG_RETENTION_DAYS.join(', ')}`);
    }

    const name = (purpose: string) => ({ Name: naming.resourceName(purpose) });

    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: this.cidrBlock,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: name('vpc'),
    });
    // Adopt the default security group and leave it without rules, so nothing that
    // falls back to it gets any traffic (CIS AWS 5.4).
    new DefaultSecurityGroup(this, 'default-sg', { vpcId: this.vpc.id, tags: name('default-deny') });

    const igw = new InternetGateway(this, 'igw', { vpcId: this.vpc.id, tags: name('igw') });

    this.publicSubnets = this.availabilityZones.map((az, i) => new Subnet(this, `public-${az}`, {
      vpcId: this.vpc.id,
      availabilityZone: az,
      cidrBlock: this.publicSubnetCidrs[i],
      mapPublicIpOnLaunch: false,
      tags: { ...name(`public-${az}`), [SUBNET_TAGS.publicElb]: '1' },
    }));
    this.privateSubnets = this.availabilityZones.map((az, i) => new Subnet(this, `private-${az}`, {
      vpcId: this.vpc.id,
      availabilityZone: az,
      cidrBlock: this.privateSubnetCidrs[i],
      mapPublicIpOnLaunch: false,
      tags: {
        ...name(`private-${az}`),
        [SUBNET_TAGS.internalElb]: '1',
        [SUBNET_TAGS.karpenterDiscovery]: naming.clusterName,
      },
    }));

    const publicRoutes = new RouteTable(this, 'public-rt', { vpcId: this.vpc.id, tags: name('public') });
    new Route(this, 'public-default', { routeTableId: publicRoutes.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.id });
    this.publicSubnets.forEach((s, i) => new RouteTableAssociation(this, `public-rta-${this.availabilityZones[i]}`, {
      subnetId: s.id, routeTableId: publicRoutes.id,
    }));

    const natCount = this.natGatewayMode === NatGatewayMode.SINGLE ? 1 : azCount;
    this.natGatewayResources = [];
    for (let i = 0; i < natCount; i++) {
      const az = this.availabilityZones[i];
      const eip = new Eip(this, `nat-eip-${az}`, { domain: 'vpc', tags: name(`nat-${az}`) });
      this.natGatewayResources.push(new NatGateway(this, `nat-${az}`, {
        allocationId: eip.allocationId,
        subnetId: this.publicSubnets[i].id,
        tags: name(`nat-${az}`),
        dependsOn: [igw],
      }));
    }

    const privateRouteTables = this.availabilityZones.map((az, i) => {
      const rt = new RouteTable(this, `private-rt-${az}`, { vpcId: this.vpc.id, tags: name(`private-${az}`) });
      new Route(this, `private-default-${az}`, {
        routeTableId: rt.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: this.natGatewayResources[Math.min(i, natCount - 1)].id,
      });
      new RouteTableAssociation(this, `private-rta-${az}`, { subnetId: this.privateSubnets[i].id, routeTableId: rt.id });
      return rt;
    });

    // S3 traffic (model weights, datasets, ECR layers) stays off the NAT gateways.
    new VpcEndpoint(this, 's3-endpoint', {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${naming.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: privateRouteTables.map((rt) => rt.id),
      tags: name('s3'),
    });

    if (this.interfaceEndpointServices.length > 0) {
      this.endpointSecurityGroup = new SecurityGroup(this, 'endpoints-sg', {
        name: naming.resourceName('vpc-endpoints'),
        description: 'HTTPS from the VPC to interface endpoints',
        vpcId: this.vpc.id,
        tags: name('vpc-endpoints'),
      });
      new VpcSecurityGroupIngressRule(this, 'endpoints-https', {
        securityGroupId: this.endpointSecurityGroup.id,
        description: 'HTTPS from the VPC',
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        cidrIpv4: this.cidrBlock,
      });
      for (const service of this.interfaceEndpointServices) {
        new VpcEndpoint(this, `endpoint-${service.replace(/\./g, '-')}`, {
          vpcId: this.vpc.id,
          serviceName: `com.amazonaws.${naming.region}.${service}`,
          vpcEndpointType: 'Interface',
          privateDnsEnabled: true,
          subnetIds: this.privateSubnets.map((s) => s.id),
          securityGroupIds: [this.endpointSecurityGroup.id],
          tags: name(service),
        });
      }
    }

    if (this.flowLogsEnabled) {
      this.logsKey = props.logsKey ?? new EncryptionKey(this, 'logs-key', { naming, purpose: 'vpc-logs', allowCloudWatchLogs: true });
      this.flowLogGroup = new CloudwatchLogGroup(this, 'flow-logs', {
        name: `/aws/vpc/${naming.prefix}/flow-logs`,
        retentionInDays: this.flowLogRetentionDays,
        kmsKeyId: this.logsKey.keyArn,
      });
      const partition = awsPartition(naming.region);
      const role = new IamRole(this, 'flow-logs-role', {
        name: naming.roleName('vpc-flow-logs'),
        assumeRolePolicy: serviceTrustPolicy(this, 'flow-logs-trust', 'vpc-flow-logs.amazonaws.com', {
          sourceAccount: naming.accountId,
          sourceArnLike: `arn:${partition}:ec2:${naming.region}:${naming.accountId}:vpc-flow-log/*`,
        }).json,
      });
      // Only the one log group, and only what delivery needs.
      new IamRolePolicy(this, 'flow-logs-policy', {
        name: 'deliver-flow-logs',
        role: role.id,
        policy: policyDocument(this, 'flow-logs-permissions', [
          {
            effect: 'Allow',
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            resources: [this.flowLogGroup.arn, `${this.flowLogGroup.arn}:*`],
          },
          {
            effect: 'Allow',
            actions: ['logs:DescribeLogGroups'],
            resources: [`arn:${partition}:logs:${naming.region}:${naming.accountId}:log-group:*`],
          },
        ]).json,
      });
      new FlowLog(this, 'flow-log', {
        vpcId: this.vpc.id,
        trafficType: 'ALL',
        logDestinationType: 'cloud-watch-logs',
        logDestination: this.flowLogGroup.arn,
        iamRoleArn: role.arn,
        tags: name('flow-log'),
      });
    }
  }

  /** VPC id. */
  public get vpcId(): string {
    return this.vpc.id;
  }

  /** Private subnet ids, in AZ order. */
  public get privateSubnetIds(): string[] {
    return this.privateSubnets.map((s) => s.id);
  }

  /** Public subnet ids, in AZ order. */
  public get publicSubnetIds(): string[] {
    return this.publicSubnets.map((s) => s.id);
  }

  /** The private subnet of one AZ (for pools that must stay in one AZ, such as EFA pools). */
  public privateSubnetIn(availabilityZone: string): Subnet | undefined {
    const i = this.availabilityZones.indexOf(availabilityZone);
    return i >= 0 ? this.privateSubnets[i] : undefined;
  }
}

function validateAvailabilityZones(path: string, region: string, zones: string[] | undefined): string[] {
  const list = zones ?? [];
  if (!Array.isArray(list) || list.length < 2) {
    throw invalidProp(path, 'availabilityZones', zones, 'EKS needs subnets in at least two availability zones, and so does a highly available platform',
      `list at least two AZs of ${region}, e.g. ["${region}a", "${region}b", "${region}c"]`);
  }
  for (const az of list) {
    if (!isAvailabilityZoneOf(az, region)) {
      throw invalidProp(path, 'availabilityZones', list, `${JSON.stringify(az)} is not an availability zone name of ${region}`,
        `use AZ names of ${region}, e.g. "${region}a"`);
    }
  }
  if (new Set(list).size !== list.length) {
    throw invalidProp(path, 'availabilityZones', list, 'an AZ is listed twice', 'list each AZ once');
  }
  return [...list];
}

interface SubnetLayout {
  readonly privateCidrs: string[];
  readonly publicCidrs: string[];
}

function subnetLayout(path: string, vpc: Cidr, azCount: number, props: NetworkProps): SubnetLayout {
  const explicitPrivate = props.privateSubnetCidrs;
  const explicitPublic = props.publicSubnetCidrs;
  if (explicitPrivate !== undefined || explicitPublic !== undefined) {
    if (explicitPrivate === undefined || explicitPublic === undefined) {
      const missing = explicitPrivate === undefined ? 'privateSubnetCidrs' : 'publicSubnetCidrs';
      throw invalidProp(path, missing, undefined, 'explicit subnet blocks must be given for both private and public subnets',
        'give both privateSubnetCidrs and publicSubnetCidrs, or neither to compute them from cidrBlock');
    }
    const check = (prop: string, list: string[]): Cidr[] => {
      if (list.length !== azCount) {
        throw invalidProp(path, prop, list, `${list.length} blocks for ${azCount} availability zones`, 'give exactly one block per AZ, in the order of availabilityZones');
      }
      return list.map((c, i) => {
        const block = Cidr.parse(c, path, `${prop}[${i}]`);
        if (!vpc.contains(block)) {
          throw invalidProp(path, `${prop}[${i}]`, c, `outside the VPC block ${vpc}`, `choose a block inside ${vpc}`);
        }
        if (block.prefixLength > 28) {
          throw invalidProp(path, `${prop}[${i}]`, c, 'AWS subnets are at most /28', 'use a /28 or larger block');
        }
        return block;
      });
    };
    const priv = check('privateSubnetCidrs', explicitPrivate);
    const pub = check('publicSubnetCidrs', explicitPublic);
    const all = [...priv, ...pub];
    const labels = [...explicitPrivate.map((_, i) => `privateSubnetCidrs[${i}]`), ...explicitPublic.map((_, i) => `publicSubnetCidrs[${i}]`)];
    const overlap = findOverlap(all);
    if (overlap) {
      const [a, b] = overlap;
      throw invalidProp(path, labels[b], all[b].toString(), `overlaps ${labels[a]} = ${all[a]}`, 'give every subnet its own, non-overlapping block');
    }
    return { privateCidrs: priv.map(String), publicCidrs: pub.map(String) };
  }

  const privatePrefix = props.privateSubnetPrefixLength ?? vpc.prefixLength + Math.ceil(Math.log2(azCount + 1));
  const publicPrefix = props.publicSubnetPrefixLength ?? Math.min(28, privatePrefix + 4);
  for (const [prop, value] of [['privateSubnetPrefixLength', privatePrefix], ['publicSubnetPrefixLength', publicPrefix]] as const) {
    if (!Number.isInteger(value) || value <= vpc.prefixLength || value > 28) {
      throw invalidProp(path, prop, value, `a subnet prefix length must be longer than the VPC's /${vpc.prefixLength} and at most 28`,
        `choose a prefix length between ${vpc.prefixLength + 1} and 28`);
    }
  }
  const blocks = allocateBlocks(vpc, [...Array(azCount).fill(privatePrefix), ...Array(azCount).fill(publicPrefix)], path,
    'privateSubnetPrefixLength/publicSubnetPrefixLength');
  return {
    privateCidrs: blocks.slice(0, azCount).map(String),
    publicCidrs: blocks.slice(azCount).map(String),
  };
}
