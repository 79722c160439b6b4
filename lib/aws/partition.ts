/**
 * ARNs of the AWS layer, in the partition of their region (lib/core/partition.ts has the
 * partition and the service domain, which the Kubernetes layer and the verifier use too).
 */
import { awsPartition } from '../core/partition';

export { awsDnsSuffix, awsPartition } from '../core/partition';

/** ARN of an AWS managed IAM policy, e.g. `AmazonEKSWorkerNodePolicy`. */
export function managedPolicyArn(region: string, name: string): string {
  return `arn:${awsPartition(region)}:iam::aws:policy/${name}`;
}

/** ARN of an EKS cluster, known at synth (no reference to the cluster resource needed). */
export function eksClusterArn(region: string, accountId: string, clusterName: string): string {
  return `arn:${awsPartition(region)}:eks:${region}:${accountId}:cluster/${clusterName}`;
}

/**
 * ARN pattern of a Secrets Manager secret you name (`<name>-??????`: Secrets Manager appends six
 * random characters), or the ARN itself when one is given.
 */
export function secretsManagerSecretArn(region: string, accountId: string, nameOrArn: string): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  return `arn:${awsPartition(region)}:secretsmanager:${region}:${accountId}:secret:${nameOrArn}-??????`;
}
