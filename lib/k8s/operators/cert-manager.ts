import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { OPERATOR_SOURCES } from '../../core/versions';
import { PodSecurityLevel } from '../pod-security';

/** Props of the cert-manager release. */
export interface CertManagerReleaseProps {
  /**
   * Controller replicas.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Create a ServiceMonitor for cert-manager's metrics.
   * @default true
   */
  readonly serviceMonitor?: boolean;
}

/** cert-manager: issues webhook certificates; installed first, never pruned (certificates are state). */
export function certManagerRelease(props: CertManagerReleaseProps = {}): OperatorRelease {
  return new OperatorRelease({
    name: 'cert-manager',
    namespace: OPERATOR_NAMESPACES.certManager,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.certManager),
    values: {
      crds: { enabled: true, keep: true },
      replicaCount: props.replicas ?? 1,
      prometheus: { enabled: true, servicemonitor: { enabled: props.serviceMonitor ?? true } },
    },
    phase: InstallPhase.FOUNDATION,
    prune: false,
    podSecurity: PodSecurityLevel.RESTRICTED,
    description: 'Certificates for admission webhooks (KServe, OpenTelemetry operator).',
  });
}
