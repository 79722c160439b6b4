// The workspace, its role, endpoint, sign-in and SAML in the platform's stack are asserted in
// metrics-backend-access.test.ts, the settings' problems in test/core/metrics-backend-spec.test.ts;
// here the construct on its own: its path and `props.` in the errors, and another partition.
import { configs, policyStatements, synth, testCluster, testStack } from './util';
import { Cluster, ManagedGrafana, ManagedPrometheus, Network } from '../../lib/aws';
import { PlatformNaming } from '../../lib/core';

const GROUP = '9067c4b5-1021-70e2-2b7c-4ae1c8b1e2a4';

describe('ManagedGrafana', () => {
  test('in GovCloud: the trust policy\'s source ARN is in the aws-us-gov partition', () => {
    const stack = testStack();
    const naming = new PlatformNaming({ platformName: 'cnai', environment: 'test', region: 'us-gov-west-1', accountId: '123456789012' });
    const network = new Network(stack, 'network', { naming, availabilityZones: ['us-gov-west-1a', 'us-gov-west-1b', 'us-gov-west-1c'] });
    const cluster = new Cluster(stack, 'cluster', { naming, network });
    const prometheus = new ManagedPrometheus(stack, 'amp', { cluster, kedaQueries: false });
    new ManagedGrafana(stack, 'amg', { cluster, prometheus, identityCenter: { adminGroupIds: [GROUP] } });
    const json = synth(stack);
    const role = configs(json, 'aws_iam_role').find((r) => r.name === 'cnai-test-managed-grafana')!;
    expect(policyStatements(json, role.assume_role_policy)[0].condition).toEqual([
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] },
      { test: 'ArnLike', variable: 'aws:SourceArn', values: ['arn:aws-us-gov:grafana:us-gov-west-1:123456789012:/workspaces/*'] },
    ]);
    expect(configs(json, 'aws_vpc_endpoint').map((e) => e.service_name)).toContain('com.amazonaws.us-gov-west-1.grafana-workspace');
  });

  test('errors name the construct\'s path and the props, and are all reported at once', () => {
    const stack = testStack();
    const cluster = testCluster(stack);
    const prometheus = new ManagedPrometheus(stack, 'amp', { cluster });
    let message = '';
    try {
      new ManagedGrafana(stack, 'amg', { cluster, prometheus, identityCenter: { adminGroupIds: [] }, allowedPrefixListIds: ['not-a-list'] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('test/amg: invalid props.identityCenter.adminGroupIds = []: ');
    expect(message).toContain('test/amg: invalid props.allowedPrefixListIds[0] = "not-a-list": ');
  });
});
