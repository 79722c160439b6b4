import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { ReleaseConnections } from '../../core/release-network';
import { OPERATOR_IMAGES, OPERATOR_SOURCES } from '../../core/versions';

/** Name of the LeaderWorkerSet release (Argo CD Application and Helm release; the pods' `app.kubernetes.io/instance`). */
const RELEASE = 'lws';

/**
 * Labels of the LeaderWorkerSet controller's pods (templates/manager/deployment.yaml: `control-plane`
 * and `lws.selectorLabels`; the release name `lws` contains the chart name, so the full name is `lws`).
 */
export const LWS_CONTROLLER_POD_LABELS = { 'control-plane': 'controller-manager', 'app.kubernetes.io/name': 'lws', 'app.kubernetes.io/instance': RELEASE };

/**
 * LeaderWorkerSet v0.10.0: runs a group of pods as one replica (a leader and its workers), the
 * unit of a model served across nodes (LlmService, when no single node holds the model).
 *
 * Source: the lws chart 0.10.0 (oci://registry.k8s.io/lws/charts; charts/lws at v0.10.0, whose
 * Chart.yaml in git says version 0.1.0, set to the release at publication). Its values.yaml
 * names the controller image with tag `main` and pull policy Always; the release sets the
 * release tag. The webhook certificate comes from the controller's own rotator
 * (`enableCertManager` false: `internalCertManagement` in its configuration), the metrics
 * Service and monitor stay off (`enablePrometheus` false: they need cert-manager's metrics
 * certificate), and the DisaggregatedSet roles and webhook are not installed.
 * @internal
 */
export function lwsRelease(): OperatorRelease {
  const image = OPERATOR_IMAGES.lwsController;
  return new OperatorRelease({
    name: RELEASE,
    namespace: OPERATOR_NAMESPACES.lws,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.lws),
    values: {
      image: { manager: { repository: image.repository, tag: image.tag, pullPolicy: 'IfNotPresent' } },
      enableCertManager: false,
      enablePrometheus: false,
      enableDisaggregatedSet: false,
    },
    phase: InstallPhase.OPERATORS,
    // The LeaderWorkerSet CRD (1.3 MB) exceeds the annotation of client-side apply.
    serverSideApply: true,
    description: 'LeaderWorkerSet: models served across nodes (a leader and its workers per replica).',
    network: {
      connections: [
        ReleaseConnections.webhook('lws-controller-manager', [9443], 'admission webhooks (LeaderWorkerSets and their pods) and the CRD\'s conversion webhook, called by the API server'),
      ],
    },
    provides: {
      customResources: [
        { group: 'leaderworkerset.x-k8s.io', kinds: ['LeaderWorkerSet'] },
        { group: 'disaggregatedset.x-k8s.io', kinds: ['DisaggregatedSet', 'DisaggregatedSetRoleScaler'] },
      ],
      services: [
        // The API server calls the webhooks (failurePolicy Fail, LeaderWorkerSets and their pods) and the CRD's conversion webhook here.
        { name: 'lws-webhook-service', ports: [{ port: 443, targetPort: 9443 }], selector: LWS_CONTROLLER_POD_LABELS, template: 'templates/webhook/service.yaml' },
      ],
      workloads: [{
        name: 'lws-controller-manager',
        podLabels: LWS_CONTROLLER_POD_LABELS,
        ports: [{ name: 'webhook-server', containerPort: 9443 }],
        serviceAccount: 'lws-controller-manager',
        template: 'templates/manager/deployment.yaml',
      }],
    },
  });
}
