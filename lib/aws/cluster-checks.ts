/**
 * Checks shared by the cluster constructs. Internal: not exported from the package's entry point.
 */
import { Token } from 'cdktf';
import { ClusterAuthenticationMode, IClusterRef } from './cluster-ref';
import { invalidProp } from '../core/errors';
import { EKS } from '../core/versions';

/**
 * Throws when the cluster takes no access entries. Pools and Karpenter need them: their node role
 * joins the cluster through one, and the library never edits the aws-auth ConfigMap (deprecated by
 * EKS, and usually owned by another tool that would drop an entry it did not write).
 */
export function requireAccessEntries(path: string, cluster: IClusterRef, what: string): void {
  if (cluster.authenticationMode !== ClusterAuthenticationMode.CONFIG_MAP) return;
  throw invalidProp(path, 'cluster.authenticationMode', cluster.authenticationMode,
    `the cluster takes no access entries, and ${what} join the cluster through the access entry of their node role `
    + '(the library does not edit the aws-auth ConfigMap, which EKS deprecates)',
    `switch the cluster to API_AND_CONFIG_MAP (aws eks update-cluster-config --name ${cluster.name} --access-config authenticationMode=API_AND_CONFIG_MAP; `
    + 'the aws-auth entries keep working, and the change cannot be undone), then set authenticationMode: ClusterAuthenticationMode.API_AND_CONFIG_MAP');
}

/** Checks that a Kubernetes version is a minor version such as `1.36` (tokens pass); returns it. */
export function assertKubernetesVersionFormat(path: string, version: string): string {
  if (Token.isUnresolved(version) || /^1\.\d{2}$/.test(version)) return version;
  throw invalidProp(path, 'kubernetesVersion', version, 'EKS takes a Kubernetes minor version such as "1.36"',
    `use "major.minor", e.g. "${EKS.defaultKubernetesVersion}"`);
}

/** Whether `zone` names an availability zone of `region` (e.g. `us-west-2a` of `us-west-2`). */
export function isAvailabilityZoneOf(zone: unknown, region: string): boolean {
  return typeof zone === 'string' && /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d[a-z]$/.test(zone) && zone.slice(0, -1) === region;
}
