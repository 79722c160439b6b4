import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { ASSISTANT_IMAGES, OPERATOR_SOURCES } from '../../core/versions';

/** Name of the k8sgpt-operator release (it contains the chart's name, so it is the chart's fullname). */
export const K8SGPT_OPERATOR_RELEASE = 'k8sgpt-operator';

/** Labels of the operator's pods (templates/deployment.yaml: `control-plane` and `chart.selectorLabels`). */
export const K8SGPT_OPERATOR_POD_LABELS = { 'control-plane': 'controller-manager', 'app.kubernetes.io/name': 'k8sgpt-operator', 'app.kubernetes.io/instance': K8SGPT_OPERATOR_RELEASE };

/**
 * The analyzer's port: the operator runs `k8sgpt serve` for each K8sGPT resource and calls it there
 * over gRPC (pkg/resources/k8sgpt.go at v0.2.27: Service and container port 8080).
 */
export const K8SGPT_SERVER_PORT = 8080;

/**
 * Metrics of the operator (pkg/metrics/metrics.go at v0.2.27), behind kube-rbac-proxy on the
 * metrics Service's `https` port.
 */
export const K8SGPT_OPERATOR_METRICS = {
  /** Gauge: the Results of a K8sGPT resource, by analysed namespace. Labels `object_namespace`, `k8sgpt`. */
  results: 'k8sgpt_number_of_results',
  /** Gauge: the Results by object. Labels `object_namespace`, `kind`, `name`, `k8sgpt`. */
  resultsByType: 'k8sgpt_number_of_results_by_type',
  /** Counter: failed calls to the AI backend. Labels `backend`, `deployment`, `namespace`, `k8sgpt`. */
  failedBackendCalls: 'k8sgpt_number_of_failed_backend_ai_calls',
};

/**
 * Labels of the analyzer pods the operator runs for a K8sGPT resource (pkg/resources/k8sgpt.go at
 * v0.2.27: `app: <K8sGPT name>`).
 * @internal
 */
export function k8sgptServerPodLabels(name: string): { [key: string]: string } {
  return { app: name };
}

/** Props of the k8sgpt-operator release. */
export interface K8sgptOperatorReleaseProps {
  /**
   * Labels the chart's ServiceMonitor needs for the metrics backend to select it (the backend's `monitorLabels`).
   * @default - none
   */
  readonly monitorLabels?: { [key: string]: string };
}

/**
 * k8sgpt-operator v0.2.27: runs the k8sgpt analyzer for each K8sGPT resource and writes what it
 * finds as Result resources; with a backend, it asks the model to explain each.
 *
 * Source: the k8sgpt-operator chart 0.2.27 (https://charts.k8sgpt.ai; chart/operator at v0.2.27).
 * Its CRD of K8sGPT (crds/k8sgpt-crd.yaml) lags the repository's config/crd/bases (no
 * `containerSecurityContext`, `podLabels`, ...): K8sGPT resources are validated against the CRD the
 * chart installs. Its ServiceMonitor is on (the operator's metrics feed the platform's alert on new
 * results); its interplex cache and Grafana dashboard stay off.
 * @internal
 */
export function k8sgptOperatorRelease(props: K8sgptOperatorReleaseProps = {}): OperatorRelease {
  const manager = ASSISTANT_IMAGES.k8sgptOperator;
  const proxy = ASSISTANT_IMAGES.k8sgptKubeRbacProxy;
  return new OperatorRelease({
    name: K8SGPT_OPERATOR_RELEASE,
    namespace: OPERATOR_NAMESPACES.k8sgptOperator,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.k8sgptOperator),
    values: {
      serviceMonitor: { enabled: true, additionalLabels: { ...props.monitorLabels } },
      controllerManager: {
        manager: { image: { repository: manager.repository, tag: manager.tag } },
        kubeRbacProxy: { image: { repository: proxy.repository, tag: proxy.tag } },
      },
    },
    phase: InstallPhase.OPERATORS,
    description: 'k8sgpt-operator: AI-assisted analysis of what is broken or insecure, on the platform\'s own model.',
    provides: {
      customResources: [{ group: 'core.k8sgpt.ai', kinds: ['K8sGPT', 'Result', 'Mutation'] }],
      services: [{
        // `chart.fullname | trunc 20`: the release name is shorter than 20 characters.
        name: 'k8sgpt-operator-controller-manager-metrics-service',
        ports: [{ name: 'https', port: 8443, targetPort: 8443 }],
        selector: K8SGPT_OPERATOR_POD_LABELS,
        template: 'templates/metrics-service.yaml',
      }],
      workloads: [{
        name: 'k8sgpt-operator-controller-manager',
        podLabels: K8SGPT_OPERATOR_POD_LABELS,
        ports: [{ name: 'https', containerPort: 8443 }],
        serviceAccount: 'k8sgpt-operator-controller-manager',
        template: 'templates/deployment.yaml',
      }],
    },
  });
}
