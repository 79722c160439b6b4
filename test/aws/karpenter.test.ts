import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Testing } from 'cdktf';
import { ACCOUNT, AZS, configs, planStack, policyStatements, REGION, resources, synth, testCluster, testStack, tfJson } from './util';
import { CnaiAwsStack, CnaiAwsStackProps, Karpenter, KARPENTER_QUEUE_TARGET_ID, previewContract, SUBNET_TAGS } from '../../lib/aws';
import { GpuInstanceType, PlatformSpec } from '../../lib/core';
import { KARPENTER, karpenterInterruptionQueueName } from '../../lib/core/contract';
import { PlatformNaming } from '../../lib/core/names';

const CLUSTER = 'cnai-test';

function setup(options: Parameters<ReturnType<typeof testCluster>['addKarpenter']>[0] = {}) {
  const stack = testStack();
  const cluster = testCluster(stack);
  const karpenter = cluster.addKarpenter(options);
  return { stack, cluster, karpenter, json: synth(stack) };
}

/** The statements of the controller's inline policy, by sid. */
function controllerStatements(json: any): { [sid: string]: any } {
  const policy = configs(json, 'aws_iam_role_policy').find((p) => /karpenter-controller/.test(p.role));
  expect(policy).toBeDefined();
  return Object.fromEntries(policyStatements(json, policy.policy).map((s: any) => [s.sid, s]));
}

/** A statement's conditions as { "<test> <variable>": values }. */
function conditions(statement: any): { [key: string]: string[] } {
  return Object.fromEntries((statement.condition ?? []).map((c: any) => [`${c.test} ${c.variable}`, c.values]));
}

describe('Karpenter (AWS side)', () => {
  const { karpenter, json } = setup();

  test('node role: EC2 trust, the worker, CNI and pull-only policies, named as the Kubernetes layer expects', () => {
    const expected = new PlatformNaming({ platformName: 'cnai', environment: 'test', region: REGION, accountId: ACCOUNT }).roleName('karpenter-node');
    expect(karpenter.nodeRoleName).toBe(expected);
    expect(karpenter.nodeRoleName).toBe('cnai-test-karpenter-node');
    const role = configs(json, 'aws_iam_role').find((r) => r.name === expected);
    const trust = policyStatements(json, role.assume_role_policy);
    expect(trust).toEqual([{ effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] }]);
    const attached = configs(json, 'aws_iam_role_policy_attachment')
      .filter((a) => /karpenter_node-role/.test(a.role))
      .map((a) => a.policy_arn).sort();
    expect(attached).toEqual([
      'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly',
      'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
      'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
    ]);
    const withSsm = setup({ nodeSsmAccess: true }).json;
    expect(configs(withSsm, 'aws_iam_role_policy_attachment').filter((a) => /karpenter_node-role/.test(a.role)).map((a) => a.policy_arn))
      .toContain('arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore');
  });

  test('the node role joins the cluster through an EC2_LINUX access entry (no aws-auth)', () => {
    const entries = configs(json, 'aws_eks_access_entry').filter((e) => /karpenter_node-role/.test(e.principal_arn));
    expect(entries).toHaveLength(1);
    expect(entries[0].type).toBe('EC2_LINUX');
    expect(entries[0].cluster_name).toMatch(/aws_eks_cluster\..*\.name/);
    expect(entries[0].kubernetes_groups).toBeUndefined();
  });

  test('controller: Pod Identity role for karpenter/karpenter, trusted only by pods.eks.amazonaws.com of this account', () => {
    expect(karpenter.controller.namespace).toBe(KARPENTER.namespace);
    expect(karpenter.controller.serviceAccount).toBe(KARPENTER.serviceAccount);
    expect(karpenter.controller.roleName).toBe('cnai-test-karpenter-controller');
    const association = configs(json, 'aws_eks_pod_identity_association').find((a) => a.service_account === 'karpenter');
    expect(association).toMatchObject({ namespace: 'karpenter', service_account: 'karpenter' });
    const role = configs(json, 'aws_iam_role').find((r) => r.name === 'cnai-test-karpenter-controller');
    const [trust] = policyStatements(json, role.assume_role_policy);
    expect(trust.principals).toEqual([{ type: 'Service', identifiers: ['pods.eks.amazonaws.com'] }]);
    expect(trust.actions).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(trust.condition).toEqual([
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: [ACCOUNT] },
      { test: 'ArnEquals', variable: 'aws:SourceArn', values: [`arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`] },
      { test: 'StringEquals', variable: 'aws:RequestTag/eks-cluster-arn', values: [`arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`] },
      { test: 'StringEquals', variable: 'aws:RequestTag/kubernetes-namespace', values: ['karpenter'] },
      { test: 'StringEquals', variable: 'aws:RequestTag/kubernetes-service-account', values: ['karpenter'] },
    ]);
  });

  test('controller policy grants every action of upstream\'s v1.14 CloudFormation', () => {
    // Every action of aws/karpenter-provider-aws website/content/en/v1.14/getting-started/getting-started-with-karpenter/
    // cloudformation.yaml (commit e0834c2bd02e, read 2026-12-06): NodeLifecycle, IAMIntegration, EKSIntegration,
    // Interruption, ZonalShift and ResourceDiscovery policies.
    const upstream = [
      'ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate', 'ec2:CreateTags', 'ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate',
      'iam:PassRole', 'iam:CreateInstanceProfile', 'iam:TagInstanceProfile', 'iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile',
      'iam:DeleteInstanceProfile', 'eks:DescribeCluster', 'sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage',
      'arc-zonal-shift:GetManagedResource',
      'ec2:DescribeCapacityReservations', 'ec2:DescribeImages', 'ec2:DescribeInstances', 'ec2:DescribeInstanceStatus',
      'ec2:DescribeInstanceTypeOfferings', 'ec2:DescribeInstanceTypes', 'ec2:DescribeLaunchTemplates', 'ec2:DescribePlacementGroups',
      'ec2:DescribeSecurityGroups', 'ec2:DescribeSpotPriceHistory', 'ec2:DescribeSubnets',
      'ssm:GetParameter', 'pricing:GetProducts', 'iam:ListInstanceProfiles', 'iam:GetInstanceProfile',
    ];
    const granted = new Set(Object.values(controllerStatements(json)).flatMap((x: any) => x.actions));
    expect(upstream.filter((a) => !granted.has(a))).toEqual([]);
    // Nothing beyond upstream's list.
    expect([...granted].filter((a) => !upstream.includes(a))).toEqual([]);
    const s = controllerStatements(json);
    // Launching into placement groups (upstream's resource list) and the zonal shift read, scoped to this cluster.
    expect(s.AllowScopedEC2InstanceAccessActions.resources).toContain(`arn:aws:ec2:${REGION}:*:placement-group/*`);
    expect(s.AllowZonalShiftStatusReadOnly).toMatchObject({
      actions: ['arc-zonal-shift:GetManagedResource'],
      resources: ['*'],
      condition: [{ test: 'StringEquals', variable: 'arc-zonal-shift:ResourceIdentifier', values: [`arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`] }],
    });
  });

  test('controller policy: the statements of Karpenter v1\'s CloudFormation, every write scoped to this cluster\'s tags', () => {
    const s = controllerStatements(json);
    expect(Object.keys(s)).toEqual([
      'AllowScopedEC2InstanceAccessActions', 'AllowScopedEC2LaunchTemplateAccessActions', 'AllowScopedEC2InstanceActionsWithTags',
      'AllowScopedResourceCreationTagging', 'AllowScopedResourceTagging', 'AllowScopedDeletion', 'AllowRegionalReadActions',
      'AllowSSMReadActions', 'AllowPricingReadActions', 'AllowInterruptionQueueActions', 'AllowPassingInstanceRole',
      'AllowScopedInstanceProfileCreationActions', 'AllowScopedInstanceProfileTagActions', 'AllowScopedInstanceProfileActions',
      'AllowUnscopedInstanceProfileListAction', 'AllowInstanceProfileReadActions', 'AllowAPIServerEndpointDiscovery', 'AllowZonalShiftStatusReadOnly',
    ]);
    const owned = (kind: string) => ({ [`StringEquals aws:${kind}Tag/kubernetes.io/cluster/${CLUSTER}`]: ['owned'] });

    // Launching: only in this region, only with this cluster's tags on what is created.
    expect(s.AllowScopedEC2InstanceAccessActions.resources).toEqual([
      `arn:aws:ec2:${REGION}::image/*`, `arn:aws:ec2:${REGION}::snapshot/*`, `arn:aws:ec2:${REGION}:*:security-group/*`,
      `arn:aws:ec2:${REGION}:*:subnet/*`, `arn:aws:ec2:${REGION}:*:capacity-reservation/*`, `arn:aws:ec2:${REGION}:*:placement-group/*`,
    ]);
    expect(conditions(s.AllowScopedEC2InstanceActionsWithTags)).toEqual({
      ...owned('Request'),
      'StringEquals aws:RequestTag/eks:eks-cluster-name': [CLUSTER],
      'StringLike aws:RequestTag/karpenter.sh/nodepool': ['*'],
    });
    expect(conditions(s.AllowScopedResourceCreationTagging)['StringEquals ec2:CreateAction']).toEqual(['RunInstances', 'CreateFleet', 'CreateLaunchTemplate']);
    expect(conditions(s.AllowScopedResourceTagging)['ForAllValues:StringEquals aws:TagKeys']).toEqual(['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name']);
    // Deleting: only instances and templates this cluster's Karpenter owns.
    expect(s.AllowScopedDeletion.actions.sort()).toEqual(['ec2:DeleteLaunchTemplate', 'ec2:TerminateInstances']);
    expect(conditions(s.AllowScopedDeletion)).toEqual({ ...owned('Resource'), 'StringLike aws:ResourceTag/karpenter.sh/nodepool': ['*'] });
    // Reads: Describe* has no resource-level permissions, so the region is the scope.
    expect(conditions(s.AllowRegionalReadActions)).toEqual({ 'StringEquals aws:RequestedRegion': [REGION] });
    expect(s.AllowSSMReadActions.resources).toEqual([`arn:aws:ssm:${REGION}::parameter/aws/service/*`]);
    // IAM: pass only the node role, only to EC2; instance profiles only with this cluster's and region's tags.
    expect(s.AllowPassingInstanceRole.resources).toEqual([expect.stringMatching(/aws_iam_role\.cluster_karpenter_node-role.*\.arn/)]);
    expect(conditions(s.AllowPassingInstanceRole)).toEqual({ 'StringEquals iam:PassedToService': ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] });
    expect(s.AllowScopedInstanceProfileCreationActions.resources).toEqual([`arn:aws:iam::${ACCOUNT}:instance-profile/*`]);
    expect(conditions(s.AllowScopedInstanceProfileCreationActions)).toMatchObject({
      ...owned('Request'), 'StringEquals aws:RequestTag/topology.kubernetes.io/region': [REGION],
    });
    expect(conditions(s.AllowScopedInstanceProfileActions)).toMatchObject({ ...owned('Resource'), 'StringEquals aws:ResourceTag/topology.kubernetes.io/region': [REGION] });
    expect(s.AllowInterruptionQueueActions.resources).toEqual([expect.stringMatching(/aws_sqs_queue\..*\.arn/)]);
    expect(s.AllowAPIServerEndpointDiscovery).toMatchObject({ actions: ['eks:DescribeCluster'], resources: [`arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`] });

    // Only three statements are unscoped by resource, each for APIs without resource-level permissions.
    const star = Object.values(s).filter((x: any) => x.resources.includes('*')).map((x: any) => x.sid);
    expect(star).toEqual(['AllowRegionalReadActions', 'AllowPricingReadActions', 'AllowUnscopedInstanceProfileListAction', 'AllowZonalShiftStatusReadOnly']);
    expect(Object.values(s).every((x: any) => x.effect === 'Allow' && !x.actions.some((a: string) => a.endsWith('*')))).toBe(true);
  });

  test('the controller policy fits the 10,240-character limit of a role\'s inline policies', () => {
    // IAM counts characters without whitespace; stand real ARNs in for the references.
    const arn = 'arn:aws:sqs:us-west-2:123456789012:' + 'x'.repeat(80);
    const document = {
      Version: '2012-10-17',
      Statement: karpenter.controllerStatements.map((s) => ({
        Sid: s.sid,
        Effect: 'Allow',
        Action: s.actions,
        Resource: s.resources.map((r) => (r.includes('${') ? arn : r)),
        Condition: s.conditions?.reduce((acc: any, c) => ({ ...acc, [c.test]: { ...acc[c.test], [c.variable]: c.values } }), {}),
      })),
    };
    const size = JSON.stringify(document).replace(/\s/g, '').length;
    // The worst case: a cluster name of the 100 characters EKS allows.
    const worst = JSON.stringify(document).split(CLUSTER).join('c'.repeat(100)).replace(/\s/g, '').length;
    // eslint-disable-next-line no-console
    console.log(`karpenter controller policy: ${karpenter.controllerStatements.length} statements, ${size} characters (${worst} for a 100-character cluster name)`);
    expect(worst).toBeLessThan(10_240);
  });

  test('interruption queue: SSE, 5-minute retention, named for the Kubernetes layer', () => {
    const queue = configs(json, 'aws_sqs_queue');
    expect(queue).toEqual([{ name: karpenterInterruptionQueueName(CLUSTER), message_retention_seconds: 300, sqs_managed_sse_enabled: true }]);
    expect(karpenter.interruptionQueueName).toBe('cnai-test-karpenter');
    // SQS allows 80 characters; EKS cluster names may have 100.
    const long = karpenterInterruptionQueueName('c'.repeat(100));
    expect(long).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(long).not.toBe(karpenterInterruptionQueueName(`${'c'.repeat(99)}d`));
  });

  test('queue policy: EventBridge may send only from this cluster\'s rules; SQS service; HTTP denied', () => {
    const [policy] = configs(json, 'aws_sqs_queue_policy');
    expect(policy.queue_url).toMatch(/aws_sqs_queue\..*\.url/);
    const statements = policyStatements(json, policy.policy);
    const bySid = Object.fromEntries(statements.map((s: any) => [s.sid, s]));
    expect(bySid.AllowEventBridgeRules.principals).toEqual([{ type: 'Service', identifiers: ['events.amazonaws.com'] }]);
    expect(bySid.AllowEventBridgeRules.actions).toEqual(['sqs:SendMessage']);
    const sourceArns = bySid.AllowEventBridgeRules.condition[0];
    expect(sourceArns.test).toBe('ArnEquals');
    expect(sourceArns.variable).toBe('aws:SourceArn');
    expect(sourceArns.values).toHaveLength(5);
    for (const v of sourceArns.values) expect(v).toMatch(/aws_cloudwatch_event_rule\..*\.arn/);
    expect(bySid.AllowSqsService.principals).toEqual([{ type: 'Service', identifiers: ['sqs.amazonaws.com'] }]);
    expect(bySid.DenyHTTP).toMatchObject({
      effect: 'Deny',
      actions: ['sqs:*'],
      principals: [{ type: '*', identifiers: ['*'] }],
      condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    });
  });

  test('EventBridge rules for scheduled changes, Spot interruptions, rebalance, state changes and capacity reservations, each to the queue', () => {
    const rules = resources(json, 'aws_cloudwatch_event_rule');
    // Synth sorts resources by id; compare as a set.
    const patterns = rules.map(([, r]) => JSON.parse(r.event_pattern));
    expect(patterns).toHaveLength(5);
    expect(patterns).toEqual(expect.arrayContaining([
      { 'source': ['aws.health'], 'detail-type': ['AWS Health Event'] },
      { 'source': ['aws.ec2'], 'detail-type': ['EC2 Spot Instance Interruption Warning'] },
      { 'source': ['aws.ec2'], 'detail-type': ['EC2 Instance Rebalance Recommendation'] },
      { 'source': ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'] },
      { 'source': ['aws.ec2'], 'detail-type': ['EC2 Capacity Reservation Instance Interruption Warning'] },
    ]));
    for (const [, r] of rules) expect(r.name.length).toBeLessThanOrEqual(64);
    const targets = configs(json, 'aws_cloudwatch_event_target');
    expect(targets).toHaveLength(5);
    const ruleIds = rules.map(([id]) => id);
    for (const t of targets) {
      expect(t.arn).toMatch(/aws_sqs_queue\..*\.arn/);
      expect(t.target_id).toBe(KARPENTER_QUEUE_TARGET_ID);
      const [, ruleId] = /aws_cloudwatch_event_rule\.([^.]+)\.name/.exec(t.rule)!;
      expect(ruleIds).toContain(ruleId);
    }
  });

  test('discovery tags: on the cluster security group here, on the private subnets by the network', () => {
    const [tag] = configs(json, 'aws_ec2_tag');
    expect(tag).toEqual({ resource_id: expect.stringMatching(/aws_eks_cluster\..*\.vpc_config\[0\]\.cluster_security_group_id/), key: KARPENTER.discoveryTag, value: CLUSTER });
    expect(SUBNET_TAGS.karpenterDiscovery).toBe(KARPENTER.discoveryTag);
    const privateSubnets = configs(json, 'aws_subnet').filter((s) => s.tags['kubernetes.io/role/internal-elb']);
    expect(privateSubnets).toHaveLength(3);
    for (const s of privateSubnets) expect(s.tags[KARPENTER.discoveryTag]).toBe(CLUSTER);
  });

  test('contract: what the Kubernetes layer reads; no queue without interruption handling', () => {
    expect(karpenter.contract()).toEqual({
      namespace: 'karpenter', serviceAccount: 'karpenter', nodeRoleName: 'cnai-test-karpenter-node', interruptionQueueName: 'cnai-test-karpenter',
    });
    const off = setup({ interruptionHandling: false });
    expect(off.karpenter.contract().interruptionQueueName).toBeUndefined();
    expect(tfJson(off.json)).not.toHaveResource(SqsQueue);
    expect(tfJson(off.json)).not.toHaveResource(CloudwatchEventRule);
    expect(Object.keys(controllerStatements(off.json))).not.toContain('AllowInterruptionQueueActions');
    const custom = setup({ namespace: 'autoscaling', serviceAccount: 'karpenter-controller' });
    expect(custom.karpenter.contract()).toMatchObject({ namespace: 'autoscaling', serviceAccount: 'karpenter-controller' });
  });

  test('CnaiAwsStack: off by default; karpenter: {} puts it into the contract', () => {
    const base: CnaiAwsStackProps = { platformName: 'cnai', environment: 'dev', region: REGION, accountId: ACCOUNT, availabilityZones: AZS, database: false };
    const plain = new CnaiAwsStack(Testing.app(), 'platform', base);
    expect(plain.karpenter).toBeUndefined();
    expect(plain.contract().karpenter).toBeUndefined();
    expect(tfJson(synth(plain))).not.toHaveResource(SqsQueue);
    const stack = new CnaiAwsStack(Testing.app(), 'platform', { ...base, karpenter: {} });
    expect(stack.karpenter).toBeInstanceOf(Karpenter);
    expect(previewContract(stack).karpenter).toEqual({
      namespace: 'karpenter', serviceAccount: 'karpenter', nodeRoleName: 'cnai-dev-karpenter-node', interruptionQueueName: 'cnai-dev-karpenter',
    });
    expect(stack.contract().workloadIdentities).toContainEqual({ namespace: 'karpenter', serviceAccount: 'karpenter', roleName: 'cnai-dev-karpenter-controller' });
    const options = new CnaiAwsStack(Testing.app(), 'platform', { ...base, karpenter: { interruptionHandling: false } });
    expect(options.contract().karpenter?.interruptionQueueName).toBeUndefined();
    // `true` (the type before 0.2) still works from JavaScript.
    const legacy = new CnaiAwsStack(Testing.app(), 'platform', { ...base, karpenter: true as any });
    expect(legacy.karpenter).toBeInstanceOf(Karpenter);
  });

  test('CnaiAwsStack.fromSpec: the karpenter option', () => {
    const spec: PlatformSpec = {
      name: 'cnai',
      environment: 'test',
      region: REGION,
      accountId: ACCOUNT,
      availabilityZones: AZS.slice(0, 2),
      gpuPools: [{ name: 'l40s', instanceTypes: [GpuInstanceType.G6E_XLARGE], maxNodes: 2 }],
      teams: [{ name: 'apps', quotas: [{ pool: 'l40s', gpus: 2 }] }],
      models: [],
    };
    expect(CnaiAwsStack.fromSpec(Testing.app(), 'spec', spec).karpenter).toBeUndefined();
    const stack = CnaiAwsStack.fromSpec(Testing.app(), 'spec', spec, { karpenter: {} });
    expect(stack.contract().karpenter).toMatchObject({ nodeRoleName: 'cnai-test-karpenter-node', interruptionQueueName: 'cnai-test-karpenter' });
  });

  describe('errors', () => {
    const cases: [string, () => unknown, RegExp][] = [
      ['with Auto Mode', () => new CnaiAwsStack(Testing.app(), 'platform', {
        platformName: 'cnai', environment: 'dev', region: REGION, accountId: ACCOUNT, availabilityZones: AZS, autoMode: true, karpenter: {},
      }), /platform\/cluster\/karpenter: invalid cluster.autoMode = true: EKS Auto Mode runs its own Karpenter.*leave karpenter off with Auto Mode/],
      ['added twice', () => {
        const cluster = testCluster(testStack());
        cluster.addKarpenter();
        cluster.addKarpenter();
      }, /test\/cluster: invalid karpenter = "test\/cluster\/karpenter": Karpenter is already set up for this cluster.*call addKarpenter\(\) once/],
    ];
    test.each(cases)('%s', (_name, fn, message) => expect(fn).toThrow(message));
  });

  test('a stack with Karpenter on plans with the real AWS provider', () => {
    const stack = new CnaiAwsStack(Testing.app(), 'platform', {
      platformName: 'cnai', environment: 'dev', region: REGION, accountId: ACCOUNT, availabilityZones: AZS, database: false, karpenter: {},
    });
    const started = Date.now();
    const result = planStack(stack);
    expect(result.validated).toBe(true);
    expect(result.planned).toBe(true);
    expect(result.plannedResourcesByType).toMatchObject({
      aws_sqs_queue: 1, aws_sqs_queue_policy: 1, aws_cloudwatch_event_rule: 5, aws_cloudwatch_event_target: 5, aws_ec2_tag: 1,
    });
    // eslint-disable-next-line no-console
    console.log(`karpenter stack: ${result.plannedResourceCount} resources planned in ${Date.now() - started} ms; timings ms ${JSON.stringify(result.timingsMs)}`);
  }, 300_000);
});
