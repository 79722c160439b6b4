import { Construct } from 'constructs';
import type { Cluster } from './cluster';
import { IamPolicyStatement } from './iam';
import { awsPartition } from './partition';
import type { WorkloadIdentity } from './workload-identity';
import { LOAD_BALANCER_CONTROLLER, LoadBalancerControllerContract } from '../core/contract';

/** Props of {@link LoadBalancerControllerAccess}. */
export interface LoadBalancerControllerAccessProps {
  /** The cluster whose Services the controller turns into load balancers. */
  readonly cluster: Cluster;
}

/** Tag the controller puts on what it creates (and conditions its writes on). */
const CLUSTER_TAG = 'elbv2.k8s.aws/cluster';

/**
 * The IAM statements of the AWS Load Balancer Controller v3.5.0 for Network Load Balancers:
 * upstream's policy (docs/install/iam_policy.json at v3.5.0) without what only Application Load
 * Balancers use (Cognito, ACM and IAM server certificates, WAF, WAFv2, Shield, listener rules),
 * with every ARN in the platform's partition, region and account instead of `*:*`, the service-linked
 * role by its name, and the describe calls limited to the platform's region. Writes to
 * load balancers, target groups and security groups keep upstream's conditions: only resources
 * tagged with `elbv2.k8s.aws/cluster` (the controller's own) are changed or deleted.
 * @internal
 */
export function loadBalancerControllerStatements(region: string, accountId: string): IamPolicyStatement[] {
  const arn = (service: string, resource: string) => `arn:${awsPartition(region)}:${service}:${region}:${accountId}:${resource}`;
  const lbArns = [arn('elasticloadbalancing', 'targetgroup/*/*'), arn('elasticloadbalancing', 'loadbalancer/net/*/*')];
  const requestTagged = { test: 'Null', variable: `aws:RequestTag/${CLUSTER_TAG}`, values: ['false'] };
  const resourceTagged = { test: 'Null', variable: `aws:ResourceTag/${CLUSTER_TAG}`, values: ['false'] };
  const requestUntagged = { test: 'Null', variable: `aws:RequestTag/${CLUSTER_TAG}`, values: ['true'] };
  return [
    {
      // Upstream grants it on `*` with the service name condition; the role it creates has a fixed name.
      sid: 'ServiceLinkedRole',
      actions: ['iam:CreateServiceLinkedRole'],
      resources: [`arn:${awsPartition(region)}:iam::${accountId}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing`],
      conditions: [{ test: 'StringEquals', variable: 'iam:AWSServiceName', values: ['elasticloadbalancing.amazonaws.com'] }],
    },
    {
      // Describe calls have no resource-level permissions: scoped to the platform's region instead.
      sid: 'Describe',
      actions: [
        'ec2:DescribeAccountAttributes', 'ec2:DescribeAddresses', 'ec2:DescribeAvailabilityZones', 'ec2:DescribeInternetGateways',
        'ec2:DescribeVpcs', 'ec2:DescribeVpcPeeringConnections', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeInstances',
        'ec2:DescribeNetworkInterfaces', 'ec2:DescribeTags', 'ec2:GetSecurityGroupsForVpc', 'ec2:DescribeRouteTables',
        'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeLoadBalancerAttributes', 'elasticloadbalancing:DescribeListeners',
        'elasticloadbalancing:DescribeListenerCertificates', 'elasticloadbalancing:DescribeSSLPolicies', 'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetGroupAttributes', 'elasticloadbalancing:DescribeTargetHealth', 'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeListenerAttributes', 'elasticloadbalancing:DescribeCapacityReservation',
      ],
      resources: ['*'],
      conditions: [{ test: 'StringEquals', variable: 'aws:RequestedRegion', values: [region] }],
    },
    {
      // The nodes' security groups admit the load balancer's (upstream: unconditioned, as those groups are not the controller's).
      sid: 'NodeSecurityGroupRules',
      actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
      resources: [arn('ec2', 'security-group/*')],
    },
    { sid: 'CreateSecurityGroup', actions: ['ec2:CreateSecurityGroup'], resources: [arn('ec2', 'security-group/*'), arn('ec2', 'vpc/*')] },
    {
      sid: 'TagNewSecurityGroup',
      actions: ['ec2:CreateTags'],
      resources: [arn('ec2', 'security-group/*')],
      conditions: [{ test: 'StringEquals', variable: 'ec2:CreateAction', values: ['CreateSecurityGroup'] }, requestTagged],
    },
    { sid: 'TagOwnSecurityGroups', actions: ['ec2:CreateTags', 'ec2:DeleteTags'], resources: [arn('ec2', 'security-group/*')], conditions: [requestUntagged, resourceTagged] },
    {
      sid: 'ChangeOwnSecurityGroups',
      actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress', 'ec2:DeleteSecurityGroup'],
      resources: [arn('ec2', 'security-group/*')],
      conditions: [resourceTagged],
    },
    {
      sid: 'CreateTaggedLoadBalancers',
      actions: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
      resources: ['*'],
      conditions: [requestTagged],
    },
    {
      sid: 'Listeners',
      actions: ['elasticloadbalancing:CreateListener', 'elasticloadbalancing:DeleteListener'],
      resources: [arn('elasticloadbalancing', 'loadbalancer/net/*/*'), arn('elasticloadbalancing', 'listener/net/*/*/*')],
    },
    { sid: 'TagOwnLoadBalancers', actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'], resources: lbArns, conditions: [requestUntagged, resourceTagged] },
    { sid: 'TagListeners', actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'], resources: [arn('elasticloadbalancing', 'listener/net/*/*/*')] },
    {
      sid: 'ChangeOwnLoadBalancers',
      actions: [
        'elasticloadbalancing:ModifyLoadBalancerAttributes', 'elasticloadbalancing:SetIpAddressType', 'elasticloadbalancing:SetSecurityGroups',
        'elasticloadbalancing:SetSubnets', 'elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:ModifyTargetGroupAttributes', 'elasticloadbalancing:DeleteTargetGroup', 'elasticloadbalancing:ModifyListenerAttributes',
        'elasticloadbalancing:ModifyCapacityReservation', 'elasticloadbalancing:ModifyIpPools',
      ],
      resources: ['*'],
      conditions: [resourceTagged],
    },
    {
      sid: 'TagOnCreate',
      actions: ['elasticloadbalancing:AddTags'],
      resources: lbArns,
      conditions: [{ test: 'StringEquals', variable: 'elasticloadbalancing:CreateAction', values: ['CreateTargetGroup', 'CreateLoadBalancer'] }, requestTagged],
    },
    { sid: 'Targets', actions: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'], resources: [arn('elasticloadbalancing', 'targetgroup/*/*')] },
    { sid: 'ModifyListeners', actions: ['elasticloadbalancing:ModifyListener'], resources: [arn('elasticloadbalancing', 'listener/net/*/*/*')] },
  ];
}

/**
 * The AWS side of the AWS Load Balancer Controller v3.5.0 (installed in the cluster by
 * `OperatorCatalogue.awsLoadBalancerController`): its IAM role, bound through EKS Pod Identity to
 * the service account `aws-load-balancer-controller` of namespace `aws-load-balancer-controller`,
 * with upstream's policy narrowed to Network Load Balancers in the platform's region and account
 * (see `loadBalancerControllerStatements`). {@link LoadBalancerControllerAccess.contract} is
 * the contract's `loadBalancerController` field (with the VPC id, a token until apply).
 */
export class LoadBalancerControllerAccess extends Construct {
  /** The controller's identity. */
  public readonly identity: WorkloadIdentity;
  private readonly vpcId: string;

  constructor(scope: Construct, id: string, props: LoadBalancerControllerAccessProps) {
    super(scope, id);
    const cluster = props.cluster;
    const lbc = LOAD_BALANCER_CONTROLLER;
    this.identity = cluster.addWorkloadIdentity(lbc.rolePurpose, {
      namespace: lbc.namespace, serviceAccount: lbc.serviceAccount, purpose: lbc.rolePurpose,
    });
    for (const s of loadBalancerControllerStatements(cluster.naming.region, cluster.naming.accountId)) this.identity.addToPolicy(s);
    this.vpcId = cluster.network.vpc.id;
  }

  /** The contract's `loadBalancerController` field. */
  public contract(): LoadBalancerControllerContract {
    return { namespace: this.identity.namespace, serviceAccount: this.identity.serviceAccount, vpcId: this.vpcId };
  }
}
