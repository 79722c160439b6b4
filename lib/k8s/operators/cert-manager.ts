import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { ReleaseConnections } from '../../core/release-network';
import { CHART_IMAGE_TAGS, OPERATOR_SOURCES } from '../../core/versions';
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

const WEBHOOK_POD_LABELS = { 'app.kubernetes.io/name': 'webhook', 'app.kubernetes.io/instance': 'cert-manager', 'app.kubernetes.io/component': 'webhook' };
const CONTROLLER_POD_LABELS = { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/instance': 'cert-manager', 'app.kubernetes.io/component': 'controller' };

/**
 * cert-manager: issues webhook certificates; installed first, never pruned (certificates are state).
 *
 * Source: the cert-manager chart v1.20.2 (charts.jetstack.io; deploy/charts/cert-manager at the
 * tag). Its image tags default to the chart's appVersion, which the git tree only has as a
 * template (Chart.template.yaml); the release sets every image tag (`image.tag`,
 * `webhook.image.tag`, `cainjector.image.tag`, `acmesolver.image.tag`,
 * `startupapicheck.image.tag`, declared in values.schema.json) to the release, so the pin is in
 * the values.
 * @internal
 */
export function certManagerRelease(props: CertManagerReleaseProps = {}): OperatorRelease {
  const tag = { image: { tag: CHART_IMAGE_TAGS.certManager } };
  return new OperatorRelease({
    name: 'cert-manager',
    namespace: OPERATOR_NAMESPACES.certManager,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.certManager),
    values: {
      crds: { enabled: true, keep: true },
      replicaCount: props.replicas ?? 1,
      prometheus: { enabled: true, servicemonitor: { enabled: props.serviceMonitor ?? true } },
      ...tag,
      webhook: tag,
      cainjector: tag,
      acmesolver: tag,
      startupapicheck: tag,
    },
    phase: InstallPhase.FOUNDATION,
    prune: false,
    podSecurity: PodSecurityLevel.RESTRICTED,
    description: 'Certificates for admission webhooks (KServe, OpenTelemetry operator).',
    // The controller, cainjector and start-up check only talk to the API server (every pod of the namespace may).
    network: {
      connections: [
        ReleaseConnections.webhook('cert-manager-webhook', [10250]),
        ...((props.serviceMonitor ?? true) ? [ReleaseConnections.metrics('cert-manager', [9402])] : []),
      ],
    },
    provides: {
      customResources: [
        { group: 'cert-manager.io', kinds: ['Certificate', 'CertificateRequest', 'ClusterIssuer', 'Issuer'] },
        { group: 'acme.cert-manager.io', kinds: ['Challenge', 'Order'] },
      ],
      services: [
        // The API server calls cert-manager's webhook here (443 -> https 10250, values.yaml webhook.securePort).
        {
          name: 'cert-manager-webhook',
          ports: [{ name: 'https', port: 443, targetPort: 10250 }, { name: 'metrics', port: 9402 }],
          selector: WEBHOOK_POD_LABELS,
          template: 'templates/webhook-service.yaml',
        },
        { name: 'cert-manager', ports: [{ name: 'tcp-prometheus-servicemonitor', port: 9402 }], selector: CONTROLLER_POD_LABELS, template: 'templates/service.yaml' },
      ],
      workloads: [
        {
          name: 'cert-manager-webhook',
          podLabels: WEBHOOK_POD_LABELS,
          ports: [{ name: 'https', containerPort: 10250 }, { name: 'healthcheck', containerPort: 6080 }, { name: 'http-metrics', containerPort: 9402 }],
          serviceAccount: 'cert-manager-webhook',
          template: 'templates/webhook-deployment.yaml',
        },
        {
          name: 'cert-manager',
          podLabels: CONTROLLER_POD_LABELS,
          ports: [{ name: 'http-metrics', containerPort: 9402 }, { name: 'http-healthz', containerPort: 9403 }],
          serviceAccount: 'cert-manager',
          template: 'templates/deployment.yaml',
        },
      ],
    },
  });
}
