import { awsDnsSuffix, awsPartition, ecrRegistryHost } from '../../lib/core/partition';

describe('the partition and service domain of a region', () => {
  test.each([
    ['us-west-2', 'aws', 'amazonaws.com', '123456789012.dkr.ecr.us-west-2.amazonaws.com'],
    ['us-gov-west-1', 'aws-us-gov', 'amazonaws.com', '123456789012.dkr.ecr.us-gov-west-1.amazonaws.com'],
    ['cn-north-1', 'aws-cn', 'amazonaws.com.cn', '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn'],
  ])('%s: partition %s, domain %s, ECR host %s', (region, partition, domain, ecr) => {
    expect(awsPartition(region)).toBe(partition);
    expect(awsDnsSuffix(region)).toBe(domain);
    expect(ecrRegistryHost(region, '123456789012')).toBe(ecr);
  });
});
