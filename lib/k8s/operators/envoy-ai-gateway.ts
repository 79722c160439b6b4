import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { GATEWAY_TEAM_HEADER } from '../../core/gateway-spec';
import { NetworkEnds, ReleaseConnections } from '../../core/release-network';
import { GATEWAY_IMAGES, OPERATOR_SOURCES } from '../../core/versions';

/**
 * The attribute the caller's team becomes on the AI Gateway's metrics, spans and access logs
 * (from the header the gateway's authentication sets); Prometheus shows it as the label `cnai_team`.
 */
export const AI_GATEWAY_TEAM_ATTRIBUTE = 'cnai.team';

/** Name of the Envoy AI Gateway controller release (the pods' `app.kubernetes.io/instance`). */
const RELEASE = 'envoy-ai-gateway';

/** Labels of the AI Gateway controller's pods (templates/_helpers.tpl `ai-gateway-helm.controller.selectorLabels`). */
export const AI_GATEWAY_CONTROLLER_POD_LABELS = { 'app.kubernetes.io/name': 'ai-gateway-helm', 'app.kubernetes.io/instance': RELEASE };

/** Port of the AI Gateway controller's extension server, which Envoy Gateway calls (the chart's `controller.service.ports` grpc). */
export const AI_GATEWAY_EXTENSION_PORT = 1063;

/**
 * Labels of Envoy Gateway's controller pods (the gateway-helm chart's `eg.selectorLabels`), the
 * client of the extension server. Written here, not imported, so that neither release file imports the other's.
 */
const ENVOY_GATEWAY_CONTROLLER_POD_LABELS = { 'control-plane': 'envoy-gateway', 'app.kubernetes.io/name': 'gateway-helm', 'app.kubernetes.io/instance': 'envoy-gateway' };

/**
 * Envoy AI Gateway's CRDs (AIGatewayRoute, AIServiceBackend, BackendSecurityPolicy,
 * GatewayConfig, MCPRoute, QuotaPolicy): the ai-gateway-crds-helm chart v1.1.0, which its
 * install docs apply before the controller chart.
 */
export function envoyAiGatewayCrdsRelease(): OperatorRelease {
  return new OperatorRelease({
    name: 'envoy-ai-gateway-crds',
    namespace: OPERATOR_NAMESPACES.envoyAiGateway,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.envoyAiGatewayCrds),
    phase: InstallPhase.OPERATORS,
    serverSideApply: true,
    // CRDs only: never delete them (and with them every route) because upstream renamed a file.
    prune: false,
    // Custom resources (CRDs) only: no pods of their own.
    network: {},
    description: 'Envoy AI Gateway CRDs.',
    provides: {
      customResources: [{ group: 'aigateway.envoyproxy.io', kinds: ['AIGatewayRoute', 'AIServiceBackend', 'BackendSecurityPolicy', 'GatewayConfig', 'MCPRoute', 'QuotaPolicy'] }],
    },
  });
}

/**
 * Envoy AI Gateway v1.1.0: Envoy Gateway's extension server. It turns AIGatewayRoutes into
 * HTTPRoutes that route OpenAI-compatible requests by model name, and its mutating webhook adds
 * the external processor (token counting, request translation) to the Envoy proxies.
 *
 * Source: the ai-gateway-helm chart v1.1.0 (oci://docker.io/envoyproxy; manifests/charts/ai-gateway-helm
 * at v1.1.0). Its appVersion in git is `latest`, filled at release: the release sets the controller
 * and external processor tags. The webhook's certificate comes from cert-manager
 * (`controller.mutatingWebhook.certManager.enable`), not the self-signed certificate embedded
 * in the chart, which upstream does not recommend for production.
 */
export function envoyAiGatewayRelease(): OperatorRelease {
  return new OperatorRelease({
    name: RELEASE,
    namespace: OPERATOR_NAMESPACES.envoyAiGateway,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.envoyAiGateway),
    values: {
      controller: {
        image: { repository: GATEWAY_IMAGES.aiGatewayController.repository, tag: GATEWAY_IMAGES.aiGatewayController.tag },
        mutatingWebhook: { certManager: { enable: true } },
        // The caller's team (set by the gateway's authentication, never by the client) on every metric, span and access log.
        requestHeaderAttributes: `${GATEWAY_TEAM_HEADER}:${AI_GATEWAY_TEAM_ATTRIBUTE}`,
      },
      extProc: { image: { repository: GATEWAY_IMAGES.aiGatewayExtProc.repository, tag: GATEWAY_IMAGES.aiGatewayExtProc.tag } },
      envoyGateway: { namespace: OPERATOR_NAMESPACES.envoyGateway },
    },
    phase: InstallPhase.OPERATORS,
    description: 'Envoy AI Gateway: routing by model name for the model gateway.',
    network: {
      connections: [
        ReleaseConnections.webhook('ai-gateway-controller', [9443], 'the pod mutation webhook that adds the external processor to the Envoy proxies'),
        ReleaseConnections.between(NetworkEnds.pods(OPERATOR_NAMESPACES.envoyGateway, ENVOY_GATEWAY_CONTROLLER_POD_LABELS), NetworkEnds.workload('ai-gateway-controller'),
          [AI_GATEWAY_EXTENSION_PORT], 'Envoy Gateway calls its extension server (gRPC)'),
      ],
    },
    provides: {
      services: [
        // Envoy Gateway calls the extension server (grpc); the API server calls the webhook.
        {
          name: 'ai-gateway-controller',
          ports: [
            { name: 'mutating-webhook', port: 9443, targetPort: 9443 },
            { name: 'grpc', port: 1063, targetPort: 1063 },
            { name: 'http-metrics', port: 8080, targetPort: 8080 },
            { name: 'ratelimit-xds', port: 18002, targetPort: 18002 },
          ],
          selector: AI_GATEWAY_CONTROLLER_POD_LABELS,
          template: 'templates/service.yaml',
        },
      ],
      workloads: [
        {
          name: 'ai-gateway-controller',
          podLabels: AI_GATEWAY_CONTROLLER_POD_LABELS,
          ports: [{ containerPort: 9443 }, { containerPort: 1063 }, { containerPort: 8080 }, { containerPort: 18002 }],
          serviceAccount: 'ai-gateway-controller',
          template: 'templates/deployment.yaml',
        },
      ],
    },
  });
}
