import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { NetworkEnds, ReleaseConnections } from '../../core/release-network';
import { CHART_IMAGE_TAGS, OPERATOR_SOURCES } from '../../core/versions';

/** Props of the KEDA release. */
export interface KedaReleaseProps {
  /**
   * Create ServiceMonitors for the KEDA operator.
   * @default true
   */
  readonly serviceMonitor?: boolean;
}

/** Labels of the KEDA operator's pods (templates/manager/deployment.yaml, `operator.name` keda-operator). */
export const KEDA_OPERATOR_POD_LABELS = { 'app': 'keda-operator', 'name': 'keda-operator', 'app.kubernetes.io/name': 'keda-operator' };

/**
 * KEDA: event-driven autoscaling (LLM queue depth, tokens per second).
 *
 * Source: the keda chart 2.20.2 (kedacore/charts). Image tags default to the chart's
 * appVersion; the release sets them (`image.keda.tag`, `image.metricsApiServer.tag`,
 * `image.webhooks.tag`) so the pin is in the values.
 * @internal
 */
export function kedaRelease(props: KedaReleaseProps = {}): OperatorRelease {
  const monitor = props.serviceMonitor ?? true;
  const tag = CHART_IMAGE_TAGS.keda;
  return new OperatorRelease({
    name: 'keda',
    namespace: OPERATOR_NAMESPACES.keda,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.keda),
    values: {
      image: { keda: { tag }, metricsApiServer: { tag }, webhooks: { tag } },
      prometheus: { operator: { enabled: monitor, serviceMonitor: { enabled: monitor } } },
    },
    phase: InstallPhase.OPERATORS,
    serverSideApply: true,
    description: 'Autoscaling of model servers on LLM metrics.',
    network: {
      connections: [
        ReleaseConnections.webhook('keda-admission-webhooks', [9443]),
        ReleaseConnections.webhook('keda-operator-metrics-apiserver', [6443], 'the external metrics API (APIService v1beta1.external.metrics.k8s.io), called by the API server for the HPAs'),
        ReleaseConnections.between(NetworkEnds.workload('keda-operator-metrics-apiserver'), NetworkEnds.workload('keda-operator'), [9666],
          'the metrics API server asks the operator for scaler metrics (gRPC)'),
        { from: NetworkEnds.workload('keda-operator'), to: NetworkEnds.metricsQuery(), reason: 'prometheus scalers of the served models query the metrics backend' },
        ...(monitor ? [ReleaseConnections.metrics('keda-operator', [8080])] : []),
      ],
    },
    provides: {
      customResources: [
        { group: 'keda.sh', kinds: ['ClusterTriggerAuthentication', 'ScaledJob', 'ScaledObject', 'TriggerAuthentication'] },
        { group: 'eventing.keda.sh', kinds: ['CloudEventSource', 'ClusterCloudEventSource'] },
      ],
      services: [
        // The API server calls the admission webhooks and the external metrics API here.
        { name: 'keda-admission-webhooks', ports: [{ name: 'https', port: 443, targetPort: 9443 }], selector: { app: 'keda-admission-webhooks' }, template: 'templates/webhooks/service.yaml' },
        {
          name: 'keda-operator-metrics-apiserver',
          ports: [{ name: 'https', port: 443, targetPort: 6443 }, { name: 'metrics', port: 8080 }],
          selector: { app: 'keda-operator-metrics-apiserver' },
          template: 'templates/metrics-server/service.yaml',
        },
        // The metrics API server asks the operator for scaler metrics over gRPC (9666).
        {
          name: 'keda-operator',
          ports: [{ name: 'metricsservice', port: 9666 }, ...(monitor ? [{ name: 'metrics', port: 8080 }] : [])],
          selector: { app: 'keda-operator' },
          template: 'templates/manager/service.yaml',
        },
      ],
      workloads: [
        // Queries the scalers' sources: Prometheus for the LLM metrics ScaledObjects.
        {
          name: 'keda-operator',
          podLabels: KEDA_OPERATOR_POD_LABELS,
          ports: [...(monitor ? [{ name: 'metrics', containerPort: 8080 }] : []), { name: 'metricsservice', containerPort: 9666 }],
          serviceAccount: 'keda-operator',
          template: 'templates/manager/deployment.yaml',
        },
        {
          name: 'keda-operator-metrics-apiserver',
          podLabels: { 'app': 'keda-operator-metrics-apiserver', 'app.kubernetes.io/name': 'keda-operator-metrics-apiserver' },
          ports: [{ name: 'https', containerPort: 6443 }, { name: 'metrics', containerPort: 8080 }],
          serviceAccount: 'keda-metrics-server',
          template: 'templates/metrics-server/deployment.yaml',
        },
        {
          name: 'keda-admission-webhooks',
          podLabels: { 'app': 'keda-admission-webhooks', 'name': 'keda-admission-webhooks', 'app.kubernetes.io/name': 'keda-admission-webhooks' },
          ports: [{ name: 'http', containerPort: 9443 }],
          serviceAccount: 'keda-webhook',
          template: 'templates/webhooks/deployment.yaml',
        },
      ],
    },
  });
}
