import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { invalidProp } from '../../core/errors';
import { NetworkEnds, ReleaseConnections } from '../../core/release-network';
import { ASSISTANT_IMAGES, OPERATOR_SOURCES } from '../../core/versions';

/** Name of the k8sgpt-operator release (it contains the chart's name, so it is the chart's fullname). */
export const K8SGPT_OPERATOR_RELEASE = 'k8sgpt-operator';

/** Labels of the operator's pods (templates/deployment.yaml: `control-plane` and `chart.selectorLabels`). */
export const K8SGPT_OPERATOR_POD_LABELS = { 'control-plane': 'controller-manager', 'app.kubernetes.io/name': 'k8sgpt-operator', 'app.kubernetes.io/instance': K8SGPT_OPERATOR_RELEASE };

/** The operator's Deployment (`chart.fullname`-controller-manager). */
const K8SGPT_OPERATOR_WORKLOAD = 'k8sgpt-operator-controller-manager';

/** The operator's metrics port (kube-rbac-proxy's `https`, templates/deployment.yaml). */
const K8SGPT_OPERATOR_METRICS_PORT = 8443;

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
 * The ServiceAccount the analyzer runs as in its K8sGPT resource's namespace when the operator's
 * dynamic RBAC is off (pkg/resources/k8sgpt.go at v0.2.27: `defaultServiceAccountName`), as the
 * release sets it: the platform creates it, with its own read-only ClusterRole (no Secrets).
 */
export const K8SGPT_ANALYZER_SERVICE_ACCOUNT = 'k8sgpt';

/**
 * The ServiceAccount of the operator's namespace that the chart's static RBAC binds to its
 * ClusterRole (templates/k8sgpt-rbac.yaml at v0.2.27): the name the operator gives an analyzer's
 * account, in the release's namespace.
 */
export const K8SGPT_CHART_SERVICE_ACCOUNT = 'k8sgpt';

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
  /**
   * The namespaces of the K8sGPT resources (where the operator runs their analyzers, and calls
   * them): the operator's egress reaches the analyzers' gRPC port there, and nowhere else.
   * @default - none: the operator calls no analyzer
   */
  readonly analysisNamespaces?: string[];
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
 *
 * Dynamic RBAC is off (`dynamicRBAC.enabled: false`): with it on (the chart's default), the operator
 * creates for each K8sGPT resource a ClusterRole that reads Secrets in every namespace
 * (pkg/resources/k8sgpt.go `GetClusterRole`: `secrets` among get/list/watch, for the Ingress
 * analyzer's check that a TLS Secret exists), bound to the analyzer. Off, the analyzer runs as
 * {@link K8SGPT_ANALYZER_SERVICE_ACCOUNT} of its namespace, which the platform creates with a
 * ClusterRole of the same reads without Secrets (`ClusterAnalysis`). The chart then renders its
 * static RBAC instead (templates/k8sgpt-rbac.yaml: the same rules, Secrets included, bound to a
 * ServiceAccount `k8sgpt` of the operator's namespace that no pod runs as): the chart has no value
 * to leave it out or narrow it, so it stays, unused, and the platform's admission policies keep it
 * so (a dormant service account: no pod runs as it, no token is issued for it).
 *
 * Network (its namespace default-deny, DNS and the API server, then): Prometheus scrapes the
 * operator's metrics (kube-rbac-proxy, 8443); the operator calls the analyzers it runs in the
 * analysis namespaces (gRPC, 8080). The analyzers' own egress (the model gateway, the API server) is
 * the assistant's policy in their namespace (`OperationsAssistant`).
 * @internal
 */
export function k8sgptOperatorRelease(props: K8sgptOperatorReleaseProps = {}): OperatorRelease {
  const ns = OPERATOR_NAMESPACES.k8sgptOperator;
  if ((props.analysisNamespaces ?? []).includes(ns)) {
    throw invalidProp('OperatorCatalogue.operationsAssistant', 'k8sgpt.analysisNamespaces', props.analysisNamespaces,
      `an analyzer in ${ns} would run as its ServiceAccount ${K8SGPT_ANALYZER_SERVICE_ACCOUNT}, which the chart's static RBAC binds to a ClusterRole that reads Secrets in every namespace`,
      `put the K8sGPT resources in a namespace of their own (the platform's is cnai-analysis), not ${ns}`);
  }
  const manager = ASSISTANT_IMAGES.k8sgptOperator;
  const proxy = ASSISTANT_IMAGES.k8sgptKubeRbacProxy;
  return new OperatorRelease({
    name: K8SGPT_OPERATOR_RELEASE,
    namespace: ns,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.k8sgptOperator),
    values: {
      serviceMonitor: { enabled: true, additionalLabels: { ...props.monitorLabels } },
      dynamicRBAC: { enabled: false },
      controllerManager: {
        manager: { image: { repository: manager.repository, tag: manager.tag } },
        kubeRbacProxy: { image: { repository: proxy.repository, tag: proxy.tag } },
      },
    },
    phase: InstallPhase.OPERATORS,
    description: 'k8sgpt-operator: AI-assisted analysis of what is broken or insecure, on the platform\'s own model.',
    // The chart's static RBAC (templates/k8sgpt-rbac.yaml, with dynamic RBAC off): kept unusable.
    dormantServiceAccounts: [{
      name: K8SGPT_CHART_SERVICE_ACCOUNT,
      reason: 'the chart binds it to the ClusterRole k8sgpt-clusterrole, which reads Secrets in every namespace; no pod runs as it '
        + '(the analyzers run in their own namespaces as the platform\'s service account, without Secret reads)',
    }],
    network: {
      connections: [
        ReleaseConnections.metrics(K8SGPT_OPERATOR_WORKLOAD, [K8SGPT_OPERATOR_METRICS_PORT], 'the operator\'s metrics (kube-rbac-proxy), scraped by the platform\'s Prometheus for the analysis alert'),
        ...(props.analysisNamespaces ?? []).map((n) => ReleaseConnections.between(NetworkEnds.workload(K8SGPT_OPERATOR_WORKLOAD), NetworkEnds.pods(n),
          [K8SGPT_SERVER_PORT], `the operator calls the analyzers it runs in ${n} (k8sgpt serve, gRPC)`)),
      ],
    },
    provides: {
      customResources: [{ group: 'core.k8sgpt.ai', kinds: ['K8sGPT', 'Result', 'Mutation'] }],
      services: [{
        // `chart.fullname | trunc 20`: the release name is shorter than 20 characters.
        name: 'k8sgpt-operator-controller-manager-metrics-service',
        ports: [{ name: 'https', port: K8SGPT_OPERATOR_METRICS_PORT, targetPort: K8SGPT_OPERATOR_METRICS_PORT }],
        selector: K8SGPT_OPERATOR_POD_LABELS,
        template: 'templates/metrics-service.yaml',
      }],
      workloads: [{
        name: K8SGPT_OPERATOR_WORKLOAD,
        podLabels: K8SGPT_OPERATOR_POD_LABELS,
        ports: [{ name: 'https', containerPort: K8SGPT_OPERATOR_METRICS_PORT }],
        serviceAccount: 'k8sgpt-operator-controller-manager',
        template: 'templates/deployment.yaml',
      }],
    },
  });
}
