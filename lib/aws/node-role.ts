/**
 * The IAM role of nodes, shared by the cluster's managed node groups, an imported cluster's
 * pools and Karpenter's nodes. Internal: not exported from the package's entry point.
 */
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { serviceTrustPolicy } from './iam';
import { managedPolicyArn } from './partition';

/**
 * The managed policies of the nodes of managed node groups: only what a node needs (join the
 * cluster, pull images, and for the VPC CNI, which runs on the host network, manage ENIs); pods
 * get their own roles through Pod Identity. Auto Mode nodes need less (EKS runs the CNI).
 */
export function nodeRolePolicies(autoMode: boolean, ssmAccess: boolean): string[] {
  const policies = autoMode
    ? ['AmazonEKSWorkerNodeMinimalPolicy', 'AmazonEC2ContainerRegistryPullOnly']
    : ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonEKS_CNI_Policy'];
  if (ssmAccess) policies.push('AmazonSSMManagedInstanceCore');
  return policies;
}

/** Attaches AWS managed policies to a role, one attachment `<idPrefix>-<policy>` each. */
export function attachManagedPolicies(scope: Construct, idPrefix: string, role: IamRole, region: string,
  policies: string[]): IamRolePolicyAttachment[] {
  return policies.map((p) => new IamRolePolicyAttachment(scope, `${idPrefix}-${p}`, { role: role.name, policyArn: managedPolicyArn(region, p) }));
}

/** A node role and its policy attachments. */
export interface NodeRole {
  /** The role (`node-role`), assumed by EC2. */
  readonly role: IamRole;
  /** Its managed policy attachments (`node-<policy>`): what node groups wait for. */
  readonly attachments: IamRolePolicyAttachment[];
}

/** Creates a node role (`node-role`, trust `node-trust`, attachments `node-<policy>`) in `scope`. */
export function createNodeRole(scope: Construct, props: { name: string; region: string; policies: string[]; description?: string }): NodeRole {
  const role = new IamRole(scope, 'node-role', {
    name: props.name,
    description: props.description,
    assumeRolePolicy: serviceTrustPolicy(scope, 'node-trust', 'ec2.amazonaws.com').json,
  });
  return { role, attachments: attachManagedPolicies(scope, 'node', role, props.region, props.policies) };
}
