/**
 * ARN partition and service domain of a region, so ARNs and service principals are
 * right in GovCloud and China too without a data source lookup at plan time.
 */

/** The ARN partition of a region: `aws`, `aws-us-gov` or `aws-cn`. */
export function awsPartition(region: string): string {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  return 'aws';
}

/** The domain of regional service endpoints: `amazonaws.com` or `amazonaws.com.cn`. */
export function awsDnsSuffix(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** ARN of an AWS managed IAM policy, e.g. `AmazonEKSWorkerNodePolicy`. */
export function managedPolicyArn(region: string, name: string): string {
  return `arn:${awsPartition(region)}:iam::aws:policy/${name}`;
}

/** ARN of an EKS cluster, known at synth (no reference to the cluster resource needed). */
export function eksClusterArn(region: string, accountId: string, clusterName: string): string {
  return `arn:${awsPartition(region)}:eks:${region}:${accountId}:cluster/${clusterName}`;
}
