import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { Ec2Tag } from '@cdktf/provider-aws/lib/ec2-tag';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Construct } from 'constructs';
import { requireAccessEntries } from './cluster-checks';
import { IClusterRef } from './cluster-ref';
import { IamPolicyStatement, policyDocument } from './iam';
import { createNodeRole } from './node-role';
import { awsPartition } from './partition';
import { Suppressions } from './suppressions';
import type { WorkloadIdentity } from './workload-identity';
import { KARPENTER, KarpenterContract, karpenterInterruptionQueueName } from '../core/contract';
import { invalidProp } from '../core/errors';
import { assertName, NAME_RULES, shorten } from '../core/names';

/** How Karpenter's nodes and interruptions are handled. */
export interface KarpenterNodeOptions {
  /**
   * Let Systems Manager manage Karpenter's nodes (Session Manager instead of SSH).
   * @default - as the cluster's `nodeSsmAccess`
   */
  readonly nodeSsmAccess?: boolean;
  /**
   * Interruption handling: an SQS queue fed by EventBridge with Spot interruption warnings,
   * rebalance recommendations, scheduled maintenance, instance state changes and capacity
   * reservation interruptions, so Karpenter drains a node before EC2 takes it away.
   * @default true
   */
  readonly interruptionHandling?: boolean;
}

/** Options of self-managed Karpenter added with {@link ICluster.addKarpenter}. */
export interface KarpenterOptions extends KarpenterNodeOptions {
  /**
   * Namespace of the controller (DNS-1123 label); the Kubernetes layer reads it from the contract.
   * @default KARPENTER.namespace ("karpenter")
   */
  readonly namespace?: string;
  /**
   * Service account of the controller.
   * @default KARPENTER.serviceAccount ("karpenter")
   */
  readonly serviceAccount?: string;
}

/** Properties of {@link Karpenter}. */
export interface KarpenterProps extends KarpenterNodeOptions {
  /** The cluster (any {@link ICluster} that takes access entries; not in Auto Mode, which runs its own Karpenter). */
  readonly cluster: IClusterRef;
  /**
   * The controller's workload identity on that cluster: its namespace and service account are the
   * controller's, and it gets the controller policy. `addKarpenter()` creates it.
   */
  readonly controller: WorkloadIdentity;
}

/** An event Karpenter handles through its interruption queue. */
interface InterruptionEvent {
  readonly id: string;
  readonly source: string;
  readonly detailType: string;
  readonly description: string;
}

/**
 * The EventBridge rules of Karpenter's getting-started CloudFormation (v1) plus capacity
 * reservation interruptions, which Karpenter parses since capacity reservation support and
 * which GPU capacity blocks send.
 */
const INTERRUPTION_EVENTS: InterruptionEvent[] = [
  { id: 'scheduled-change', source: 'aws.health', detailType: 'AWS Health Event', description: 'scheduled maintenance' },
  { id: 'spot-interruption', source: 'aws.ec2', detailType: 'EC2 Spot Instance Interruption Warning', description: 'Spot interruption warnings' },
  { id: 'rebalance', source: 'aws.ec2', detailType: 'EC2 Instance Rebalance Recommendation', description: 'Spot rebalance recommendations' },
  { id: 'instance-state-change', source: 'aws.ec2', detailType: 'EC2 Instance State-change Notification', description: 'instance state changes' },
  {
    id: 'capacity-reservation-interruption',
    source: 'aws.ec2',
    detailType: 'EC2 Capacity Reservation Instance Interruption Warning',
    description: 'capacity reservation interruptions',
  },
];

/** The id of the queue target of each interruption rule (as in Karpenter's CloudFormation). */
export const KARPENTER_QUEUE_TARGET_ID = 'KarpenterInterruptionQueueTarget';

/** EventBridge rule names: at most 64 characters. */
const EVENT_RULE_NAME_MAX = 64;

/**
 * What self-managed Karpenter (v1) needs on the AWS side, following its getting-started
 * CloudFormation: the node role (with an EC2_LINUX access entry, so nodes join without
 * aws-auth), the controller's EKS Pod Identity role with the controller policy scoped to
 * this cluster's tags and this region, the interruption queue (SSE, 5-minute retention,
 * TLS only, writable by this cluster's EventBridge rules) and its rules, and the discovery
 * tag on the cluster security group (the network tags the private subnets already).
 * The Kubernetes layer installs the controller with `OperatorCatalogue.karpenter(...)`.
 * @see https://karpenter.sh/docs/reference/cloudformation/
 */
export class Karpenter extends Construct {
  /** Namespace of the controller. */
  public readonly namespace: string;
  /** Service account of the controller. */
  public readonly serviceAccount: string;
  /** Whether the nodes get the SSM managed-instance policy. */
  public readonly nodeSsmAccess: boolean;
  /** Whether interruption handling is on. */
  public readonly interruptionHandling: boolean;
  /** Name of the nodes' IAM role (EC2NodeClass `spec.role`). */
  public readonly nodeRoleName: string;
  /** The nodes' IAM role (Karpenter creates the instance profiles from it). */
  public readonly nodeRole: IamRole;
  /** The access entry that lets the nodes join the cluster. */
  public readonly nodeAccessEntry: EksAccessEntry;
  /** The controller's workload identity. */
  public readonly controller: WorkloadIdentity;
  /** The controller policy's statements. */
  public readonly controllerStatements: IamPolicyStatement[];
  /** Name of the interruption queue (absent without interruption handling). */
  public readonly interruptionQueueName?: string;
  /** The interruption queue (absent without interruption handling). */
  public readonly interruptionQueue?: SqsQueue;
  /** The EventBridge rules feeding the queue. */
  public readonly interruptionRules: CloudwatchEventRule[] = [];
  /** The discovery tag on the cluster security group. */
  public readonly securityGroupTag: Ec2Tag;

  constructor(scope: Construct, id: string, props: KarpenterProps) {
    super(scope, id);
    const path = this.node.path;
    const cluster = props.cluster;
    if (cluster.autoMode) {
      throw invalidProp(path, 'cluster.autoMode', true, 'EKS Auto Mode runs its own Karpenter; a second one would fight it over the same nodes',
        'leave karpenter off with Auto Mode (GpuNodePool with NodePoolProvisioner.AUTO_MODE), or turn autoMode off for self-managed Karpenter');
    }
    requireAccessEntries(path, cluster, 'Karpenter\'s nodes');
    const naming = cluster.naming;
    const region = naming.region;
    const account = naming.accountId;
    const partition = awsPartition(region);
    const clusterName = cluster.name;
    this.controller = props.controller;
    this.namespace = this.controller.namespace;
    this.serviceAccount = this.controller.serviceAccount;
    this.nodeSsmAccess = props.nodeSsmAccess ?? cluster.nodeSsmAccess;
    this.interruptionHandling = props.interruptionHandling ?? true;

    // Nodes: the managed policies of Karpenter's KarpenterNodeRole; pods get their own roles.
    this.nodeRoleName = assertName(path, 'nodeRoleName', naming.roleName(KARPENTER.nodeRolePurpose), NAME_RULES.iamRole);
    const nodePolicies = ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryPullOnly'];
    if (this.nodeSsmAccess) nodePolicies.push('AmazonSSMManagedInstanceCore');
    const { role, attachments } = createNodeRole(this, { name: this.nodeRoleName, region, policies: nodePolicies, description: `Nodes Karpenter launches for ${clusterName}` });
    this.nodeRole = role;
    this.nodeAccessEntry = new EksAccessEntry(this, 'node-access', {
      clusterName: cluster.nameReference,
      principalArn: this.nodeRole.arn,
      type: 'EC2_LINUX',
      dependsOn: attachments,
    });

    // Nodes find the cluster security group by the tag their EC2NodeClass selects on.
    this.securityGroupTag = new Ec2Tag(this, 'security-group-discovery', {
      resourceId: cluster.clusterSecurityGroupId,
      key: KARPENTER.discoveryTag,
      value: clusterName,
    });

    let queueArn: string | undefined;
    if (this.interruptionHandling) {
      this.interruptionQueueName = karpenterInterruptionQueueName(clusterName);
      this.interruptionQueue = new SqsQueue(this, 'interruption-queue', {
        name: this.interruptionQueueName,
        // Interruption notices are stale after minutes; Karpenter's own setting.
        messageRetentionSeconds: 300,
        sqsManagedSseEnabled: true,
      });
      Suppressions.add(this.interruptionQueue, 'aws-sqs-kms-encryption', 'the queue holds only EC2 and AWS Health interruption '
        + 'notices (instance ids, for five minutes), no platform data; SSE-SQS encrypts them at rest as Karpenter\'s own template does, '
        + 'without a key policy for EventBridge to maintain');
      queueArn = this.interruptionQueue.arn;
      for (const e of INTERRUPTION_EVENTS) {
        const rule = new CloudwatchEventRule(this, `rule-${e.id}`, {
          name: shorten(`${clusterName}-karpenter-${e.id}`, EVENT_RULE_NAME_MAX),
          description: `Karpenter of ${clusterName}: ${e.description}`,
          eventPattern: JSON.stringify({ 'source': [e.source], 'detail-type': [e.detailType] }),
        });
        new CloudwatchEventTarget(this, `target-${e.id}`, { rule: rule.name, arn: queueArn, targetId: KARPENTER_QUEUE_TARGET_ID });
        this.interruptionRules.push(rule);
      }
      new SqsQueuePolicy(this, 'interruption-queue-policy', {
        queueUrl: this.interruptionQueue.url,
        policy: policyDocument(this, 'interruption-queue-policy-document', [
          {
            // Only this cluster's rules may send (Karpenter's template lets any rule of the
            // account send; aws:SourceArn narrows it to ours).
            sid: 'AllowEventBridgeRules',
            effect: 'Allow',
            actions: ['sqs:SendMessage'],
            principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
            resources: [queueArn],
            condition: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: this.interruptionRules.map((r) => r.arn) }],
          },
          {
            sid: 'AllowSqsService',
            effect: 'Allow',
            actions: ['sqs:SendMessage'],
            principals: [{ type: 'Service', identifiers: ['sqs.amazonaws.com'] }],
            resources: [queueArn],
          },
          {
            sid: 'DenyHTTP',
            effect: 'Deny',
            actions: ['sqs:*'],
            principals: [{ type: '*', identifiers: ['*'] }],
            resources: [queueArn],
            condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
          },
        ]).json,
      });
    }

    this.controllerStatements = controllerPolicy({
      partition, region, account, clusterName, nodeRoleArn: this.nodeRole.arn, queueArn,
    });
    for (const s of this.controllerStatements) this.controller.addToPolicy(s);
    // The two statements on `*`: the actions have no resource-level permissions (Service Authorization Reference).
    Suppressions.add(this.controller, 'aws-iam-no-wildcards', 'iam:ListInstanceProfiles supports no resource-level permissions; '
      + 'Karpenter lists instance profiles to clean up the ones it created', { resource: 'aws_iam_role_policy', appliesTo: 'statement AllowUnscopedInstanceProfileListAction' });
    Suppressions.add(this.controller, 'aws-iam-no-wildcards', 'arc-zonal-shift:GetManagedResource is granted on * with the condition '
      + 'arc-zonal-shift:ResourceIdentifier = this cluster\'s ARN (Karpenter\'s policy); the controller reads only its cluster\'s zonal shift status',
    { resource: 'aws_iam_role_policy', appliesTo: 'statement AllowZonalShiftStatusReadOnly' });
  }

  /** Karpenter as the Kubernetes layer sees it. */
  public contract(): KarpenterContract {
    return {
      namespace: this.namespace,
      serviceAccount: this.serviceAccount,
      nodeRoleName: this.nodeRoleName,
      ...(this.interruptionQueueName ? { interruptionQueueName: this.interruptionQueueName } : {}),
    };
  }
}

interface ControllerPolicyInputs {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly clusterName: string;
  readonly nodeRoleArn: string;
  readonly queueArn?: string;
}

/**
 * The controller policy of Karpenter's getting-started CloudFormation at the pinned release
 * (OPERATORS.karpenter, v1.14: NodeLifecycle, IAMIntegration, EKSIntegration, Interruption,
 * ZonalShift and ResourceDiscovery policies in one), with every ARN in this region and every
 * write scoped by this cluster's tags. When the pin moves, compare with
 * website/content/en/<minor>/getting-started/getting-started-with-karpenter/cloudformation.yaml
 * of aws/karpenter-provider-aws (the test lists every action it grants).
 */
function controllerPolicy(p: ControllerPolicyInputs): IamPolicyStatement[] {
  const ec2 = (resource: string, account: string = '*') => `arn:${p.partition}:ec2:${p.region}:${account}:${resource}`;
  const instanceProfiles = `arn:${p.partition}:iam::${p.account}:instance-profile/*`;
  const owned = (kind: 'Request' | 'Resource') => ({ test: 'StringEquals', variable: `aws:${kind}Tag/kubernetes.io/cluster/${p.clusterName}`, values: ['owned'] });
  const eq = (variable: string, values: string[]) => ({ test: 'StringEquals', variable, values });
  const like = (variable: string) => ({ test: 'StringLike', variable, values: ['*'] });
  const requestClusterName = eq('aws:RequestTag/eks:eks-cluster-name', [p.clusterName]);
  const clusterArn = `arn:${p.partition}:eks:${p.region}:${p.account}:cluster/${p.clusterName}`;
  const taggedAtLaunch = ['fleet/*', 'instance/*', 'volume/*', 'network-interface/*', 'launch-template/*', 'spot-instances-request/*'].map((r) => ec2(r));
  const statements: IamPolicyStatement[] = [
    {
      sid: 'AllowScopedEC2InstanceAccessActions',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      resources: [ec2('image/*', ''), ec2('snapshot/*', ''), ec2('security-group/*'), ec2('subnet/*'), ec2('capacity-reservation/*'), ec2('placement-group/*')],
    },
    {
      sid: 'AllowScopedEC2LaunchTemplateAccessActions',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      resources: [ec2('launch-template/*')],
      conditions: [owned('Resource'), like('aws:ResourceTag/karpenter.sh/nodepool')],
    },
    {
      sid: 'AllowScopedEC2InstanceActionsWithTags',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'],
      resources: taggedAtLaunch,
      conditions: [owned('Request'), requestClusterName, like('aws:RequestTag/karpenter.sh/nodepool')],
    },
    {
      sid: 'AllowScopedResourceCreationTagging',
      actions: ['ec2:CreateTags'],
      resources: taggedAtLaunch,
      conditions: [owned('Request'), requestClusterName, eq('ec2:CreateAction', ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate']),
        like('aws:RequestTag/karpenter.sh/nodepool')],
    },
    {
      sid: 'AllowScopedResourceTagging',
      actions: ['ec2:CreateTags'],
      resources: [ec2('instance/*')],
      conditions: [
        owned('Resource'),
        like('aws:ResourceTag/karpenter.sh/nodepool'),
        { test: 'StringEqualsIfExists', variable: 'aws:RequestTag/eks:eks-cluster-name', values: [p.clusterName] },
        { test: 'ForAllValues:StringEquals', variable: 'aws:TagKeys', values: ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] },
      ],
    },
    {
      sid: 'AllowScopedDeletion',
      actions: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
      resources: [ec2('instance/*'), ec2('launch-template/*')],
      conditions: [owned('Resource'), like('aws:ResourceTag/karpenter.sh/nodepool')],
    },
    {
      // Describe calls have no resource-level permissions; the region condition is the scope.
      sid: 'AllowRegionalReadActions',
      actions: [
        'ec2:DescribeCapacityReservations', 'ec2:DescribeImages', 'ec2:DescribeInstances', 'ec2:DescribeInstanceStatus',
        'ec2:DescribeInstanceTypeOfferings', 'ec2:DescribeInstanceTypes', 'ec2:DescribeLaunchTemplates', 'ec2:DescribePlacementGroups',
        'ec2:DescribeSecurityGroups', 'ec2:DescribeSpotPriceHistory', 'ec2:DescribeSubnets',
      ],
      resources: ['*'],
      conditions: [eq('aws:RequestedRegion', [p.region])],
    },
    {
      // Public parameters only (EKS AMI ids).
      sid: 'AllowSSMReadActions',
      actions: ['ssm:GetParameter'],
      resources: [`arn:${p.partition}:ssm:${p.region}::parameter/aws/service/*`],
    },
    { sid: 'AllowPricingReadActions', actions: ['pricing:GetProducts'], resources: ['*'] },
  ];
  if (p.queueArn) {
    statements.push({
      sid: 'AllowInterruptionQueueActions',
      actions: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      resources: [p.queueArn],
    });
  }
  statements.push(
    {
      sid: 'AllowPassingInstanceRole',
      actions: ['iam:PassRole'],
      resources: [p.nodeRoleArn],
      conditions: [eq('iam:PassedToService', ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'])],
    },
    {
      sid: 'AllowScopedInstanceProfileCreationActions',
      actions: ['iam:CreateInstanceProfile'],
      resources: [instanceProfiles],
      conditions: [owned('Request'), requestClusterName, eq('aws:RequestTag/topology.kubernetes.io/region', [p.region]),
        like('aws:RequestTag/karpenter.k8s.aws/ec2nodeclass')],
    },
    {
      sid: 'AllowScopedInstanceProfileTagActions',
      actions: ['iam:TagInstanceProfile'],
      resources: [instanceProfiles],
      conditions: [
        owned('Resource'), eq('aws:ResourceTag/topology.kubernetes.io/region', [p.region]),
        owned('Request'), requestClusterName, eq('aws:RequestTag/topology.kubernetes.io/region', [p.region]),
        like('aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass'), like('aws:RequestTag/karpenter.k8s.aws/ec2nodeclass'),
      ],
    },
    {
      sid: 'AllowScopedInstanceProfileActions',
      actions: ['iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'],
      resources: [instanceProfiles],
      conditions: [owned('Resource'), eq('aws:ResourceTag/topology.kubernetes.io/region', [p.region]),
        like('aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass')],
    },
    // ListInstanceProfiles has no resource-level permissions (Karpenter lists its profiles to clean up).
    { sid: 'AllowUnscopedInstanceProfileListAction', actions: ['iam:ListInstanceProfiles'], resources: ['*'] },
    { sid: 'AllowInstanceProfileReadActions', actions: ['iam:GetInstanceProfile'], resources: [instanceProfiles] },
    { sid: 'AllowAPIServerEndpointDiscovery', actions: ['eks:DescribeCluster'], resources: [clusterArn] },
    {
      // Without it the controller exits at start when zonal shift is enabled on the cluster.
      sid: 'AllowZonalShiftStatusReadOnly',
      actions: ['arc-zonal-shift:GetManagedResource'],
      resources: ['*'],
      conditions: [eq('arc-zonal-shift:ResourceIdentifier', [clusterArn])],
    },
  );
  return statements;
}
