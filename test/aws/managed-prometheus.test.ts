// The workspace, its key, log group, grants and contract in the platform's stack are asserted in
// metrics-backend-access.test.ts; here what that file leaves out.
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { configs, only, policyStatements, resources, synth, testCluster, testStack, tfJson } from './util';
import { Cluster, ManagedPrometheus, Network } from '../../lib/aws';
import { EncryptionKey } from '../../lib/aws/encryption-key';
import { PlatformNaming } from '../../lib/core';

describe('ManagedPrometheus', () => {
  test('a key given is used, and no key of its own is made', () => {
    const stack = testStack();
    const cluster = testCluster(stack);
    const key = new EncryptionKey(stack, 'shared', { naming: cluster.naming, purpose: 'shared', allowManagedPrometheus: true });
    const amp = new ManagedPrometheus(stack, 'amp', { cluster, key });
    expect(amp.key).toBe(key);
    expect(amp.node.tryFindChild('key')).toBeUndefined();
    const json = synth(stack);
    const keyId = resources(json, 'aws_kms_key').find(([, k]) => k.description === 'cnai-test shared')![0];
    expect(only(json, 'aws_prometheus_workspace').kms_key_arn).toBe(`\${aws_kms_key.${keyId}.arn}`);
    expect(tfJson(json)).toHaveResourceWithProperties(KmsKey, { description: 'cnai-test shared' });
    expect(configs(json, 'aws_kms_key').map((k) => k.description)).not.toContain('cnai-test Amazon Managed Service for Prometheus workspace');
  });

  test('by default: a key of its own for the workspace, KEDA queries on', () => {
    const stack = testStack();
    const amp = new ManagedPrometheus(stack, 'amp', { cluster: testCluster(stack) });
    expect(amp.alias).toBe('cnai-test');
    expect(amp.region).toBe('us-west-2');
    expect(amp.kedaIdentity?.namespace).toBe('keda');
    expect(amp.kedaIdentity?.serviceAccount).toBe('keda-operator');
    expect(configs(synth(stack), 'aws_kms_key').map((k) => k.description)).toContain('cnai-test Amazon Managed Service for Prometheus workspace');
  });

  test('in GovCloud: the workspace ARN is in the aws-us-gov partition', () => {
    const stack = testStack();
    const naming = new PlatformNaming({ platformName: 'cnai', environment: 'test', region: 'us-gov-west-1', accountId: '123456789012' });
    const network = new Network(stack, 'network', { naming, availabilityZones: ['us-gov-west-1a', 'us-gov-west-1b', 'us-gov-west-1c'] });
    const cluster = new Cluster(stack, 'cluster', { naming, network });
    const amp = new ManagedPrometheus(stack, 'amp', { cluster, kedaQueries: false });
    const json = synth(stack);
    const [[workspaceId]] = resources(json, 'aws_prometheus_workspace');
    const role = resources(json, 'aws_iam_role').find(([, r]) => r.name === amp.writer.roleName)![0];
    const policy = configs(json, 'aws_iam_role_policy').find((p) => p.role === `\${aws_iam_role.${role}.id}`);
    expect(policyStatements(json, policy.policy)).toEqual([{
      sid: 'ManagedPrometheusRemoteWrite0',
      effect: 'Allow',
      actions: ['aps:RemoteWrite'],
      resources: [`arn:aws-us-gov:aps:us-gov-west-1:123456789012:workspace/\${aws_prometheus_workspace.${workspaceId}.id}`],
    }]);
  });

  describe('errors', () => {
    function amp(): ManagedPrometheus {
      const stack = testStack();
      return new ManagedPrometheus(stack, 'amp', { cluster: testCluster(stack), kedaQueries: false });
    }

    test('grantRemoteWrite without a workload identity', () => {
      expect(() => amp().grantRemoteWrite(undefined as any)).toThrow(
        'test/amp: invalid identity = undefined: not a WorkloadIdentity. Fix: pass an identity from cluster.addWorkloadIdentity(...).');
    });

    test('grantQuery with something that is not one', () => {
      expect(() => amp().grantQuery({} as any)).toThrow(
        'test/amp: invalid identity = {}: not a WorkloadIdentity. Fix: pass an identity from cluster.addWorkloadIdentity(...).');
    });
  });
});
