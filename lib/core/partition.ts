/**
 * ARN partition and service domain of a region, so ARNs, service principals and endpoints are
 * right in GovCloud and China too without a lookup at plan time. Shared by both layers and the
 * verifier.
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

/** The ECR registry host of an account in a region (`<account>.dkr.ecr.<region>.<domain>`). */
export function ecrRegistryHost(region: string, accountId: string): string {
  return `${accountId}.dkr.ecr.${region}.${awsDnsSuffix(region)}`;
}
