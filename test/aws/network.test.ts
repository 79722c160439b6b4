import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { configs, only, policyStatements, synth, testNetwork, testStack, tfJson } from './util';
import { InterfaceEndpointService, NatGatewayMode, SUBNET_TAGS } from '../../lib/aws';

describe('Network', () => {
  test('lays out non-overlapping private and public subnets from one block', () => {
    const stack = testStack();
    const net = testNetwork(stack);
    expect(net.privateSubnetCidrs).toEqual(['10.0.0.0/18', '10.0.64.0/18', '10.0.128.0/18']);
    expect(net.publicSubnetCidrs).toEqual(['10.0.192.0/22', '10.0.196.0/22', '10.0.200.0/22']);
    const subnets = configs(synth(stack), 'aws_subnet');
    expect(subnets.map((s) => `${s.availability_zone} ${s.cidr_block}`).sort()).toEqual([
      'us-west-2a 10.0.0.0/18', 'us-west-2a 10.0.192.0/22',
      'us-west-2b 10.0.196.0/22', 'us-west-2b 10.0.64.0/18',
      'us-west-2c 10.0.128.0/18', 'us-west-2c 10.0.200.0/22',
    ]);
    expect(subnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);
  });

  test('two AZs in a /20 get /22 private and /26 public subnets', () => {
    const net = testNetwork(testStack(), { availabilityZones: ['us-west-2a', 'us-west-2b'], cidrBlock: '10.20.0.0/20' });
    expect(net.privateSubnetCidrs).toEqual(['10.20.0.0/22', '10.20.4.0/22']);
    expect(net.publicSubnetCidrs).toEqual(['10.20.8.0/26', '10.20.8.64/26']);
  });

  test('explicit subnet blocks are used as given', () => {
    const net = testNetwork(testStack(), {
      availabilityZones: ['us-west-2a', 'us-west-2b'],
      privateSubnetCidrs: ['10.0.0.0/19', '10.0.32.0/19'],
      publicSubnetCidrs: ['10.0.64.0/24', '10.0.65.0/24'],
    });
    expect(net.privateSubnetCidrs).toEqual(['10.0.0.0/19', '10.0.32.0/19']);
  });

  test('subnets carry the load balancer and Karpenter discovery tags', () => {
    const stack = testStack();
    testNetwork(stack);
    const subnets = configs(synth(stack), 'aws_subnet');
    const priv = subnets.filter((s) => s.tags.Name.includes('private'));
    const pub = subnets.filter((s) => s.tags.Name.includes('public'));
    expect(priv).toHaveLength(3);
    for (const s of priv) {
      expect(s.tags[SUBNET_TAGS.internalElb]).toBe('1');
      expect(s.tags[SUBNET_TAGS.karpenterDiscovery]).toBe('cnai-test');
      expect(s.tags[SUBNET_TAGS.publicElb]).toBeUndefined();
    }
    for (const s of pub) {
      expect(s.tags[SUBNET_TAGS.publicElb]).toBe('1');
      expect(s.tags[SUBNET_TAGS.karpenterDiscovery]).toBeUndefined();
    }
  });

  test('one NAT gateway per AZ by default, each private route table to its own', () => {
    const stack = testStack();
    testNetwork(stack);
    const json = synth(stack);
    expect(configs(json, 'aws_nat_gateway')).toHaveLength(3);
    const natRoutes = configs(json, 'aws_route').filter((r) => r.nat_gateway_id);
    expect(new Set(natRoutes.map((r) => r.nat_gateway_id)).size).toBe(3);
  });

  test('a single NAT gateway as the cost option', () => {
    const stack = testStack();
    testNetwork(stack, { natGateways: NatGatewayMode.SINGLE });
    const json = synth(stack);
    expect(configs(json, 'aws_nat_gateway')).toHaveLength(1);
    expect(configs(json, 'aws_eip')).toHaveLength(1);
    const natRoutes = configs(json, 'aws_route').filter((r) => r.nat_gateway_id);
    expect(natRoutes).toHaveLength(3);
    expect(new Set(natRoutes.map((r) => r.nat_gateway_id)).size).toBe(1);
  });

  test('an S3 gateway endpoint on the private route tables, no interface endpoints by default', () => {
    const stack = testStack();
    testNetwork(stack);
    const endpoints = configs(synth(stack), 'aws_vpc_endpoint');
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0]).toMatchObject({ service_name: 'com.amazonaws.us-west-2.s3', vpc_endpoint_type: 'Gateway' });
    expect(endpoints[0].route_table_ids).toHaveLength(3);
  });

  test('interface endpoints get private DNS and a security group admitting HTTPS from the VPC only', () => {
    const stack = testStack();
    testNetwork(stack, { interfaceEndpoints: [InterfaceEndpointService.ECR_API, InterfaceEndpointService.ECR_DKR, InterfaceEndpointService.STS] });
    const json = synth(stack);
    const iface = configs(json, 'aws_vpc_endpoint').filter((e) => e.vpc_endpoint_type === 'Interface');
    expect(iface.map((e) => e.service_name).sort()).toEqual([
      'com.amazonaws.us-west-2.ecr.api', 'com.amazonaws.us-west-2.ecr.dkr', 'com.amazonaws.us-west-2.sts',
    ]);
    expect(iface.every((e) => e.private_dns_enabled === true && e.subnet_ids.length === 3)).toBe(true);
    expect(only(json, 'aws_vpc_security_group_ingress_rule')).toMatchObject({ cidr_ipv4: '10.0.0.0/16', from_port: 443, to_port: 443, ip_protocol: 'tcp' });
  });

  test('the default security group is adopted without rules', () => {
    const stack = testStack();
    testNetwork(stack);
    const sg = only(synth(stack), 'aws_default_security_group');
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
  });

  test('flow logs go to a KMS-encrypted log group with retention, through a least-privilege role', () => {
    const stack = testStack();
    testNetwork(stack);
    const json = synth(stack);
    const group = only(json, 'aws_cloudwatch_log_group');
    expect(group.name).toBe('/aws/vpc/cnai-test/flow-logs');
    expect(group.retention_in_days).toBe(365);
    expect(group.kms_key_id).toMatch(/^\$\{aws_kms_key\..+\.arn\}$/);
    expect(only(json, 'aws_kms_key').enable_key_rotation).toBe(true);
    expect(only(json, 'aws_flow_log')).toMatchObject({ traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' });

    const role = only(json, 'aws_iam_role');
    const trust = policyStatements(json, role.assume_role_policy);
    expect(trust[0].principals).toEqual([{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }]);
    expect(trust[0].condition).toEqual(expect.arrayContaining([{ test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] }]));
    const perms = policyStatements(json, only(json, 'aws_iam_role_policy').policy);
    const actions = perms.flatMap((s: any) => s.actions);
    expect(actions.sort()).toEqual(['logs:CreateLogStream', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'logs:PutLogEvents']);
    expect(perms.flatMap((s: any) => s.resources)).not.toContain('*');
  });

  test('flow logs can be turned off', () => {
    const stack = testStack();
    testNetwork(stack, { flowLogs: false });
    const json = synth(stack);
    expect(tfJson(json)).not.toHaveResource(FlowLog);
    expect(tfJson(json)).not.toHaveResource(KmsKey);
  });

  test('the logs key lets CloudWatch Logs of this account use it', () => {
    const stack = testStack();
    testNetwork(stack);
    const json = synth(stack);
    const statements = policyStatements(json, only(json, 'aws_kms_key').policy);
    const logs = statements.find((s: any) => s.sid === 'CloudWatchLogsOfThisAccount');
    expect(logs.principals[0].identifiers).toEqual(['logs.us-west-2.amazonaws.com']);
    expect(logs.condition[0].values).toEqual(['arn:aws:logs:us-west-2:123456789012:log-group:*']);
  });

  describe('errors', () => {
    test('fewer than two availability zones', () => {
      expect(() => testNetwork(testStack(), { availabilityZones: ['us-west-2a'] })).toThrow(
        'test/network: invalid availabilityZones = ["us-west-2a"]: EKS needs subnets in at least two availability zones, and so does a highly available platform. '
        + 'Fix: list at least two AZs of us-west-2, e.g. ["us-west-2a", "us-west-2b", "us-west-2c"].');
    });

    test('an availability zone of another region', () => {
      expect(() => testNetwork(testStack(), { availabilityZones: ['us-west-2a', 'us-east-1b'] })).toThrow(
        /invalid availabilityZones = \["us-west-2a","us-east-1b"\]: "us-east-1b" is not an availability zone name of us-west-2\. Fix: use AZ names of us-west-2/);
    });

    test('an availability zone listed twice', () => {
      expect(() => testNetwork(testStack(), { availabilityZones: ['us-west-2a', 'us-west-2a'] })).toThrow(/an AZ is listed twice\. Fix: list each AZ once/);
    });

    test('an invalid VPC CIDR', () => {
      expect(() => testNetwork(testStack(), { cidrBlock: '10.0.0.0/33' })).toThrow(
        'test/network: invalid cidrBlock = "10.0.0.0/33": octets must be 0-255 and the prefix length 0-32. Fix: write it as a.b.c.d/n, e.g. "10.0.0.0/16".');
    });

    test('a VPC block outside /16../24', () => {
      expect(() => testNetwork(testStack(), { cidrBlock: '10.0.0.0/8' })).toThrow(/invalid cidrBlock = "10.0.0.0\/8": a VPC block must be between \/16 and \/24/);
    });

    test('overlapping explicit subnet blocks', () => {
      expect(() => testNetwork(testStack(), {
        availabilityZones: ['us-west-2a', 'us-west-2b'],
        privateSubnetCidrs: ['10.0.0.0/19', '10.0.32.0/19'],
        publicSubnetCidrs: ['10.0.64.0/24', '10.0.32.0/24'],
      })).toThrow('test/network: invalid publicSubnetCidrs[1] = "10.0.32.0/24": overlaps privateSubnetCidrs[1] = 10.0.32.0/19. Fix: give every subnet its own, non-overlapping block.');
    });

    test('an explicit subnet block outside the VPC', () => {
      expect(() => testNetwork(testStack(), {
        availabilityZones: ['us-west-2a', 'us-west-2b'],
        privateSubnetCidrs: ['10.0.0.0/19', '10.1.0.0/19'],
        publicSubnetCidrs: ['10.0.64.0/24', '10.0.65.0/24'],
      })).toThrow(/invalid privateSubnetCidrs\[1\] = "10.1.0.0\/19": outside the VPC block 10.0.0.0\/16/);
    });

    test('explicit subnet blocks not matching the AZ count', () => {
      expect(() => testNetwork(testStack(), {
        availabilityZones: ['us-west-2a', 'us-west-2b'],
        privateSubnetCidrs: ['10.0.0.0/19'],
        publicSubnetCidrs: ['10.0.64.0/24', '10.0.65.0/24'],
      })).toThrow(/invalid privateSubnetCidrs = \["10.0.0.0\/19"\]: 1 blocks for 2 availability zones/);
    });

    test('an explicit subnet block smaller than /28', () => {
      expect(() => testNetwork(testStack(), {
        availabilityZones: ['us-west-2a', 'us-west-2b'],
        privateSubnetCidrs: ['10.0.0.0/19', '10.0.32.0/19'],
        publicSubnetCidrs: ['10.0.64.0/29', '10.0.65.0/24'],
      })).toThrow(/invalid publicSubnetCidrs\[0\] = "10.0.64.0\/29": AWS subnets are at most \/28/);
    });

    test('only one of the explicit subnet lists', () => {
      expect(() => testNetwork(testStack(), { privateSubnetCidrs: ['10.0.0.0/19', '10.0.32.0/19', '10.0.64.0/19'] }))
        .toThrow(/invalid publicSubnetCidrs = undefined: explicit subnet blocks must be given for both private and public subnets/);
    });

    test('a subnet prefix length that does not fit', () => {
      expect(() => testNetwork(testStack(), { privateSubnetPrefixLength: 17 })).toThrow(
        /invalid privateSubnetPrefixLength\/publicSubnetPrefixLength = \[17,17,17,21,21,21\]: blocks of 104448 addresses in total do not fit in 10.0.0.0\/16/);
    });

    test('a subnet prefix length beyond /28', () => {
      expect(() => testNetwork(testStack(), { publicSubnetPrefixLength: 29 })).toThrow(
        /invalid publicSubnetPrefixLength = 29: a subnet prefix length must be longer than the VPC's \/16 and at most 28/);
    });

    test('a flow log retention CloudWatch does not accept', () => {
      expect(() => testNetwork(testStack(), { flowLogRetentionDays: 100 })).toThrow(
        /invalid flowLogRetentionDays = 100: CloudWatch Logs accepts only fixed retention periods\. Fix: use one of 1, 3, 5/);
    });
  });
});
