import { OPERATOR_NAMESPACES } from './default-namespaces';
import { AI_GATEWAY_CONTROLLER_POD_LABELS, AI_GATEWAY_EXTENSION_PORT } from './envoy-ai-gateway';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { NetworkEnds, ReleaseConnections } from '../../core/release-network';
import { GATEWAY_IMAGES, OPERATOR_SOURCES, imageRef } from '../../core/versions';

/** The controller name of Envoy Gateway's GatewayClasses (the chart's `config.envoyGateway.gateway.controllerName`). */
export const ENVOY_GATEWAY_CONTROLLER_NAME = 'gateway.envoyproxy.io/gatewayclass-controller';

/** Port of Envoy Gateway's xDS server, which the proxies it runs connect to (the chart's `deployment.ports` grpc). */
export const ENVOY_GATEWAY_XDS_PORT = 18000;

/** Name of the Envoy Gateway release (Argo CD Application and Helm release; the pods' `app.kubernetes.io/instance`). */
const RELEASE = 'envoy-gateway';

/** Labels of Envoy Gateway's controller pods (templates/envoy-gateway-deployment.yaml, `eg.selectorLabels`: chart name gateway-helm). */
export const ENVOY_GATEWAY_POD_LABELS = { 'control-plane': 'envoy-gateway', 'app.kubernetes.io/name': 'gateway-helm', 'app.kubernetes.io/instance': RELEASE };

/**
 * Labels every Envoy proxy pod Envoy Gateway runs carries (internal/infrastructure/kubernetes/proxy
 * at v1.9.0, envoyLabels), whatever its Gateway.
 */
export const ENVOY_PROXY_POD_LABELS = { 'app.kubernetes.io/name': 'envoy', 'app.kubernetes.io/component': 'proxy', 'app.kubernetes.io/managed-by': 'envoy-gateway' };

/**
 * Envoy Gateway's global rate limit as the model gateway's token budgets use it: the rate limit
 * service Envoy Gateway runs (internal/infrastructure/kubernetes/ratelimit of v1.9.0: Deployment and
 * Service `envoy-ratelimit`, gRPC on 8081, these labels) keeps its counters in the platform's Redis
 * (`ModelGateway`'s token budget store), which takes the password of this Secret.
 */
export const ENVOY_GATEWAY_RATE_LIMIT = {
  /** Name of the Redis Deployment, Service and password Secret in Envoy Gateway's namespace. */
  redisName: 'model-gateway-ratelimit-redis',
  /** Redis port. */
  redisPort: 6379,
  /** Key of the password in the Secret. */
  passwordKey: 'password',
  /** Labels of the rate limit service's pods (rateLimitLabels). */
  podLabels: { 'app.kubernetes.io/name': 'envoy-ratelimit', 'app.kubernetes.io/component': 'ratelimit', 'app.kubernetes.io/managed-by': 'envoy-gateway' },
  /** gRPC port of the rate limit service (InfraGRPCPort), which the proxies call. */
  grpcPort: 8081,
  /** Port of Envoy Gateway's xDS server for the rate limit service's rules (the chart's `ratelimit` port). */
  xdsPort: 18001,
};

/** Props of the Envoy Gateway release. */
export interface EnvoyGatewayReleaseProps {
  /**
   * Namespace of the Envoy AI Gateway controller, Envoy Gateway's extension server.
   * @default 'envoy-ai-gateway-system'
   */
  readonly aiGatewayNamespace?: string;
  /**
   * Turn on the global rate limit service, with its counters in the Redis of
   * {@link ENVOY_GATEWAY_RATE_LIMIT} (the token budgets of a ModelGateway, which creates that Redis):
   * Envoy AI Gateway v1.1.0's token rate limit addon (examples/token_ratelimit/envoy-gateway-values-addon.yaml),
   * with the Redis password from its Secret (`REDIS_AUTH` of envoyproxy/ratelimit).
   * @default false
   */
  readonly rateLimit?: boolean;
}

/**
 * Envoy Gateway v1.9.0: the Gateway API implementation the model gateway runs on. It watches
 * Gateways of its GatewayClass and runs one Envoy proxy Deployment (and Service) per Gateway in
 * its own namespace.
 *
 * Source: the gateway-helm chart v1.9.0 (oci://docker.io/envoyproxy; charts/gateway-helm at
 * v1.9.0), with the values Envoy AI Gateway v1.1.0 documents for its install
 * (manifests/envoy-gateway-values.yaml: the Backend API, EnvoyPatchPolicy, and the AI Gateway
 * controller as extension server). The chart in git has `${GatewayImage}` placeholders that
 * upstream fills at release; the release sets the controller, proxy and rate limit images, so
 * every image is pinned in the values.
 */
export function envoyGatewayRelease(props: EnvoyGatewayReleaseProps = {}): OperatorRelease {
  const aiNamespace = props.aiGatewayNamespace ?? OPERATOR_NAMESPACES.envoyAiGateway;
  return new OperatorRelease({
    name: RELEASE,
    namespace: OPERATOR_NAMESPACES.envoyGateway,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.envoyGateway),
    values: {
      global: {
        images: {
          envoyGateway: { image: imageRef(GATEWAY_IMAGES.envoyGateway), pullPolicy: 'IfNotPresent' },
          envoyProxy: { image: imageRef(GATEWAY_IMAGES.envoyProxy), pullPolicy: 'IfNotPresent' },
          ratelimit: { image: imageRef(GATEWAY_IMAGES.ratelimit), pullPolicy: 'IfNotPresent' },
        },
      },
      config: {
        envoyGateway: {
          gateway: { controllerName: ENVOY_GATEWAY_CONTROLLER_NAME },
          provider: { type: 'Kubernetes' },
          logging: { level: { default: 'info' } },
          // AI Gateway: AIServiceBackends point at Backends; EnvoyPatchPolicy is recommended by upstream.
          extensionApis: { enableEnvoyPatchPolicy: true, enableBackend: true },
          ...(props.rateLimit ? rateLimitConfig(OPERATOR_NAMESPACES.envoyGateway) : {}),
          // AI Gateway fine-tunes the xDS resources Envoy Gateway generates (envoy-gateway-values.yaml of v1.1.0).
          extensionManager: {
            hooks: {
              xdsTranslator: {
                translation: {
                  listener: { includeAll: true }, route: { includeAll: true }, cluster: { includeAll: true }, secret: { includeAll: true },
                },
                post: ['Translation', 'Cluster', 'Route'],
              },
            },
            service: { fqdn: { hostname: `ai-gateway-controller.${aiNamespace}.svc.cluster.local`, port: 1063 } },
            // InferencePool backends (examples/inference-pool/envoy-gateway-values-addon.yaml of AI Gateway v1.1.0).
            backendResources: [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', version: 'v1' }],
          },
        },
      },
    },
    phase: InstallPhase.OPERATORS,
    // The Gateway API and Envoy Gateway CRDs exceed the annotation of client-side apply.
    serverSideApply: true,
    description: 'Envoy Gateway: the Gateway API implementation under the model gateway (Envoy AI Gateway).',
    network: {
      connections: [
        ReleaseConnections.webhook('envoy-gateway', [9443], 'the topology injector webhook, called by the API server'),
        ReleaseConnections.between(NetworkEnds.pods(OPERATOR_NAMESPACES.envoyGateway, ENVOY_PROXY_POD_LABELS), NetworkEnds.workload('envoy-gateway'),
          [ENVOY_GATEWAY_XDS_PORT], 'the Envoy proxies it runs fetch their configuration (xDS)'),
        ReleaseConnections.between(NetworkEnds.workload('envoy-gateway'), NetworkEnds.pods(aiNamespace, AI_GATEWAY_CONTROLLER_POD_LABELS),
          [AI_GATEWAY_EXTENSION_PORT], 'it calls the Envoy AI Gateway controller, its extension server (gRPC)'),
        ...(props.rateLimit ? [ReleaseConnections.between(NetworkEnds.pods(OPERATOR_NAMESPACES.envoyGateway, ENVOY_GATEWAY_RATE_LIMIT.podLabels),
          NetworkEnds.workload('envoy-gateway'), [ENVOY_GATEWAY_RATE_LIMIT.xdsPort], 'the rate limit service it runs fetches its rules (xDS)')] : []),
      ],
    },
    provides: {
      customResources: [
        {
          group: 'gateway.networking.k8s.io',
          kinds: ['BackendTLSPolicy', 'GRPCRoute', 'Gateway', 'GatewayClass', 'HTTPRoute', 'ListenerSet', 'ReferenceGrant', 'TCPRoute', 'TLSRoute', 'UDPRoute'],
        },
        {
          group: 'gateway.envoyproxy.io',
          kinds: ['Backend', 'BackendTrafficPolicy', 'ClientTrafficPolicy', 'EnvoyExtensionPolicy', 'EnvoyPatchPolicy', 'EnvoyProxy', 'HTTPRouteFilter', 'SecurityPolicy'],
        },
      ],
      services: [
        // The proxies fetch their configuration here (xDS); the API server calls the topology injector webhook.
        {
          name: 'envoy-gateway',
          ports: [
            { name: 'grpc', port: ENVOY_GATEWAY_XDS_PORT, targetPort: ENVOY_GATEWAY_XDS_PORT },
            { name: 'ratelimit', port: ENVOY_GATEWAY_RATE_LIMIT.xdsPort, targetPort: ENVOY_GATEWAY_RATE_LIMIT.xdsPort },
            { name: 'wasm', port: 18002, targetPort: 18002 },
            { name: 'metrics', port: 19001, targetPort: 19001 },
            { name: 'webhook', port: 9443, targetPort: 9443 },
          ],
          selector: ENVOY_GATEWAY_POD_LABELS,
          template: 'templates/envoy-gateway-service.yaml',
        },
      ],
      workloads: [
        {
          name: 'envoy-gateway',
          podLabels: ENVOY_GATEWAY_POD_LABELS,
          ports: [
            { name: 'grpc', containerPort: ENVOY_GATEWAY_XDS_PORT },
            { name: 'ratelimit', containerPort: ENVOY_GATEWAY_RATE_LIMIT.xdsPort },
            { name: 'wasm', containerPort: 18002 },
            { name: 'metrics', containerPort: 19001 },
            { name: 'webhook', containerPort: 9443 },
          ],
          serviceAccount: 'envoy-gateway',
          template: 'templates/envoy-gateway-deployment.yaml',
        },
      ],
    },
  });
}

/** The `config.envoyGateway` entries of the rate limit service (EnvoyGateway `rateLimit` and the rate limit Deployment's environment). */
function rateLimitConfig(namespace: string): { [key: string]: unknown } {
  const r = ENVOY_GATEWAY_RATE_LIMIT;
  return {
    rateLimit: { backend: { type: 'Redis', redis: { url: `${r.redisName}.${namespace}.svc.cluster.local:${r.redisPort}` } } },
    provider: {
      type: 'Kubernetes',
      kubernetes: {
        rateLimitDeployment: {
          container: { env: [{ name: 'REDIS_AUTH', valueFrom: { secretKeyRef: { name: r.redisName, key: r.passwordKey } } }] },
        },
      },
    },
  };
}
