import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { OperatorRelease } from './release';
import { PodSecurityLevel, createNamespace } from '../pod-security';

const STRENGTH = [PodSecurityLevel.PRIVILEGED, PodSecurityLevel.BASELINE, PodSecurityLevel.RESTRICTED];

/**
 * Emits one Namespace per namespace the releases install into, with the weakest Pod
 * Security level any release there needs and the reasons recorded. Declaring the
 * namespaces ourselves (instead of letting the installer create them) makes their
 * security labels reviewable and lets network flows name them.
 */
export function createReleaseNamespaces(scope: Construct, releases: OperatorRelease[], kubernetesVersion?: string): { [name: string]: ApiObject } {
  const byNamespace = new Map<string, OperatorRelease[]>();
  for (const r of releases) byNamespace.set(r.namespace, [...(byNamespace.get(r.namespace) ?? []), r]);
  const out: { [name: string]: ApiObject } = {};
  for (const [ns, rs] of byNamespace) {
    const level = rs.map((r) => r.podSecurity).sort((a, b) => STRENGTH.indexOf(a) - STRENGTH.indexOf(b))[0];
    const reasons = rs.filter((r) => r.podSecurityReason && r.podSecurity === level).map((r) => `${r.name}: ${r.podSecurityReason}`);
    out[ns] = createNamespace(scope, `Namespace-${ns}`, {
      name: ns,
      level,
      reason: reasons.length > 0 ? reasons.join('; ') : undefined,
      kubernetesVersion,
      labels: { 'app.kubernetes.io/part-of': 'cnai-platform' },
    });
  }
  return out;
}
