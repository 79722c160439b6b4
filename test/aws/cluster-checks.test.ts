import { Token } from 'cdktf';
import { assertKubernetesVersionFormat, isAvailabilityZoneOf, requireAccessEntries } from '../../lib/aws/cluster-checks';
import { ClusterAuthenticationMode, IClusterRef } from '../../lib/aws/cluster-ref';

/** Only what the check reads of a cluster. */
function cluster(authenticationMode: ClusterAuthenticationMode): IClusterRef {
  return { name: 'legacy', authenticationMode } as unknown as IClusterRef;
}

describe('requireAccessEntries', () => {
  test.each([ClusterAuthenticationMode.API, ClusterAuthenticationMode.API_AND_CONFIG_MAP])('%s takes access entries', (mode) => {
    expect(() => requireAccessEntries('test/pool', cluster(mode), 'the pool\'s nodes')).not.toThrow();
  });

  test('CONFIG_MAP: the error names what joins, and the command that switches this cluster', () => {
    expect(() => requireAccessEntries('test/pool', cluster(ClusterAuthenticationMode.CONFIG_MAP), 'the pool\'s nodes')).toThrow(
      'test/pool: invalid cluster.authenticationMode = "CONFIG_MAP": the cluster takes no access entries, and the pool\'s nodes join the cluster '
      + 'through the access entry of their node role (the library does not edit the aws-auth ConfigMap, which EKS deprecates). '
      + 'Fix: switch the cluster to API_AND_CONFIG_MAP (aws eks update-cluster-config --name legacy --access-config authenticationMode=API_AND_CONFIG_MAP; '
      + 'the aws-auth entries keep working, and the change cannot be undone), then set authenticationMode: ClusterAuthenticationMode.API_AND_CONFIG_MAP.');
  });
});

describe('assertKubernetesVersionFormat', () => {
  test.each(['1.36', '1.34', '1.99'])('%s is returned as is', (v) => {
    expect(assertKubernetesVersionFormat('test/cluster', v)).toBe(v);
  });

  test('a token passes unchecked', () => {
    const token = Token.asString({ Ref: 'version' });
    expect(assertKubernetesVersionFormat('test/cluster', token)).toBe(token);
  });

  test.each(['1.36.1', 'v1.36', '1.5', '2.0', '1', ''])('%j is not a minor version', (v) => {
    expect(() => assertKubernetesVersionFormat('test/cluster', v)).toThrow(
      `test/cluster: invalid kubernetesVersion = ${JSON.stringify(v)}: EKS takes a Kubernetes minor version such as "1.36". Fix: use "major.minor", e.g. "1.36".`);
  });
});

describe('isAvailabilityZoneOf', () => {
  test.each([
    ['us-west-2a', 'us-west-2', true],
    ['eu-central-1c', 'eu-central-1', true],
    ['us-gov-west-1a', 'us-gov-west-1', true],
    ['us-iso-east-1a', 'us-iso-east-1', true],
    ['us-isob-east-1a', 'us-isob-east-1', true],
    ['cn-north-1b', 'cn-north-1', true],
    ['us-west-2a', 'us-east-1', false],
    ['us-west-2', 'us-west-2', false],
    ['us-west-2-lax-1a', 'us-west-2', false],
    ['usw2-az1', 'us-west-2', false],
    ['US-WEST-2A', 'us-west-2', false],
    [42, 'us-west-2', false],
    [undefined, 'us-west-2', false],
  ])('%p of %s: %p', (zone, region, expected) => {
    expect(isAvailabilityZoneOf(zone, region)).toBe(expected);
  });
});
