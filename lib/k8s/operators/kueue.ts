import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { ReleaseConnections } from '../../core/release-network';
import { OPERATOR_IMAGES, OPERATOR_SOURCES } from '../../core/versions';

/** Props of the Kueue release. */
export interface KueueReleaseProps {
  /**
   * Let cert-manager issue the webhook certificate instead of Kueue's internal rotator.
   * @default false
   */
  readonly certManager?: boolean;
  /**
   * Create a ServiceMonitor for Kueue's metrics (quota usage, pending workloads).
   * @default true
   */
  readonly serviceMonitor?: boolean;
}

/** Labels of the controller's pods (templates/_helpers.tpl kueue.selectorLabels; the release name contains the chart name). */
const CONTROLLER_POD_LABELS = { 'app.kubernetes.io/name': 'kueue', 'app.kubernetes.io/instance': 'kueue', 'control-plane': 'controller-manager' };

/**
 * Kueue: quotas and queueing of batch workloads.
 *
 * Source: the kueue chart 0.19.2 (oci://registry.k8s.io/kueue/charts; charts/kueue at v0.19.2).
 * The git tree's values.yaml names the staging image (`us-central1-docker.pkg.dev/k8s-staging-images/kueue/kueue:release-0.19`,
 * pull policy Always); upstream's hack/helm-chart-package.sh rewrites it to
 * `registry.k8s.io/kueue/kueue:<tag>` (IfNotPresent) when it publishes the chart. The release sets
 * the same image, so the pin is in the values and checkable against the git tree.
 * @internal
 */
export function kueueRelease(props: KueueReleaseProps = {}): OperatorRelease {
  const image = OPERATOR_IMAGES.kueueController;
  return new OperatorRelease({
    name: 'kueue',
    namespace: OPERATOR_NAMESPACES.kueue,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.kueue),
    values: {
      enableCertManager: props.certManager ?? false,
      enablePrometheus: props.serviceMonitor ?? true,
      controllerManager: { manager: { image: { repository: image.repository, tag: image.tag, pullPolicy: 'IfNotPresent' } } },
    },
    phase: InstallPhase.OPERATORS,
    serverSideApply: true,
    description: 'GPU quotas per team, queueing and preemption.',
    network: {
      connections: [
        ReleaseConnections.webhook('kueue-controller-manager', [9443, 8082], 'admission webhooks and the visibility API (APIService), called by the API server'),
        ...((props.serviceMonitor ?? true) ? [ReleaseConnections.metrics('kueue-controller-manager', [8443])] : []),
      ],
    },
    provides: {
      customResources: [{
        group: 'kueue.x-k8s.io',
        kinds: [
          'AdmissionCheck', 'ClusterQueue', 'Cohort', 'LocalQueue', 'MultiKueueCluster', 'MultiKueueConfig', 'ProvisioningRequestConfig',
          'ResourceFlavor', 'Topology', 'Workload', 'WorkloadPriorityClass',
        ],
      }],
      services: [
        // The API server calls the webhooks (failurePolicy Fail) and the visibility API here.
        { name: 'kueue-webhook-service', ports: [{ port: 443, targetPort: 9443 }], selector: CONTROLLER_POD_LABELS, template: 'templates/webhook/service.yaml' },
        { name: 'kueue-visibility-server', ports: [{ name: 'https', port: 443, targetPort: 8082 }], selector: CONTROLLER_POD_LABELS, template: 'templates/visibility/service.yaml' },
        {
          name: 'kueue-controller-manager-metrics-service',
          ports: [{ name: 'https', port: 8443, targetPort: 8443 }],
          selector: CONTROLLER_POD_LABELS,
          template: 'templates/manager/auth_proxy_service.yaml',
        },
      ],
      workloads: [{
        name: 'kueue-controller-manager',
        podLabels: CONTROLLER_POD_LABELS,
        ports: [{ name: 'visibility', containerPort: 8082 }, { name: 'webhook-server', containerPort: 9443 }, { name: 'metrics', containerPort: 8443 }],
        serviceAccount: 'kueue-controller-manager',
        template: 'templates/manager/manager.yaml',
      }],
    },
  });
}
