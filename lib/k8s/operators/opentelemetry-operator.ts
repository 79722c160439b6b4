import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { ReleaseConnections } from '../../core/release-network';
import { IMAGES, OBSERVABILITY_IMAGES, OPERATOR_IMAGES, OPERATOR_SOURCES } from '../../core/versions';
import { PodSecurityLevel } from '../pod-security';

/** Labels the chart's Services select the operator's pods by (templates/_helpers.tpl selectorLabels, component controller-manager). */
const OPERATOR_POD_LABELS = { 'app.kubernetes.io/name': 'opentelemetry-operator', 'app.kubernetes.io/component': 'controller-manager' };

/**
 * OpenTelemetry operator (collectors, auto-instrumentation).
 *
 * Source: the opentelemetry-operator Helm chart 0.122.0 (open-telemetry/opentelemetry-helm-charts,
 * the only chart with appVersion 0.158.0). Not the operator repository's config/default: that
 * is a development path whose manager image is the placeholder `controller`, which upstream
 * sets only when it builds its release YAML (the pod would not pull).
 *
 * Values (all in the chart's values.yaml and values.schema.json):
 * - `manager.image`: the manager, pinned (the chart's default tag is its appVersion);
 * - `manager.collectorImage`: the default image of OpenTelemetryCollectors that name none: the
 *   contrib distribution the platform's TelemetryCollector runs (the chart's default is the k8s
 *   distribution, which lacks the AWS exporters);
 * - `admissionWebhooks.certManager.enabled` (the chart's default) with `autoGenerateCert` off:
 *   the webhook certificate comes from cert-manager (installed first by the platform). The chart's
 *   auto-generated certificate is made by Helm's genCA on every render, so under Argo CD (which
 *   renders the chart on every refresh) the Secret and the webhooks' caBundle would change on
 *   each sync and never settle;
 * - `testFramework.image`: the image of the chart's `helm test` pods, pinned instead of `busybox:latest`.
 */
export function opentelemetryOperatorRelease(): OperatorRelease {
  const collector = OBSERVABILITY_IMAGES.otelCollectorContrib;
  return new OperatorRelease({
    name: 'opentelemetry-operator',
    namespace: OPERATOR_NAMESPACES.otel,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.opentelemetryOperator),
    values: {
      manager: {
        image: { repository: OPERATOR_IMAGES.opentelemetryOperator.repository, tag: OPERATOR_IMAGES.opentelemetryOperator.tag },
        collectorImage: { repository: collector.repository, tag: collector.tag },
      },
      admissionWebhooks: { certManager: { enabled: true }, autoGenerateCert: { enabled: false } },
      testFramework: { image: { repository: IMAGES.busybox.repository, tag: IMAGES.busybox.tag } },
    },
    phase: InstallPhase.OPERATORS,
    serverSideApply: true,
    // The chart's pods run as uid 65532 with a restricted container security context (values.yaml).
    podSecurity: PodSecurityLevel.RESTRICTED,
    description: 'LLM traces (OpenLLMetry) through OpenTelemetry collectors.',
    network: {
      connections: [ReleaseConnections.webhook('opentelemetry-operator', [9443])],
    },
    provides: {
      customResources: [{ group: 'opentelemetry.io', kinds: ['ClusterObservability', 'Instrumentation', 'OpAMPBridge', 'OpenTelemetryCollector', 'TargetAllocator'] }],
      services: [
        // The API server calls the webhooks (collector and instrumentation validation, pod mutation) here.
        { name: 'opentelemetry-operator-webhook', ports: [{ port: 443, targetPort: 9443 }], selector: OPERATOR_POD_LABELS, template: 'templates/service.yaml' },
        { name: 'opentelemetry-operator', ports: [{ name: 'metrics', port: 8443, targetPort: 8443 }], selector: OPERATOR_POD_LABELS, template: 'templates/service.yaml' },
      ],
      workloads: [{
        name: 'opentelemetry-operator',
        podLabels: OPERATOR_POD_LABELS,
        ports: [{ name: 'metrics', containerPort: 8443 }, { name: 'webhook-server', containerPort: 9443 }],
        serviceAccount: 'opentelemetry-operator',
        template: 'templates/deployment.yaml',
      }],
    },
  });
}
