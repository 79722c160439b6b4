/**
 * Gateway API Gateway of Envoy Gateway's GatewayClass, as Envoy Gateway v1.9.0 runs it: one
 * Envoy proxy Deployment and Service per Gateway, in Envoy Gateway's own namespace.
 *
 * Read in envoyproxy/gateway@v1.9.0:
 * - internal/infrastructure/kubernetes/proxy/resource_provider.go: the proxies' labels are
 *   envoyLabels (`app.kubernetes.io/name: envoy`, `app.kubernetes.io/component: proxy`,
 *   `app.kubernetes.io/managed-by: envoy-gateway`) with the owning Gateway's
 *   (`gateway.envoyproxy.io/owning-gateway-name`, `gateway.envoyproxy.io/owning-gateway-namespace`);
 *   the Service is named by the EnvoyProxy's `provider.kubernetes.envoyService.name` (else a hashed name);
 * - internal/gatewayapi (servicePortToContainerPort): a listener port below 1024 becomes the
 *   container port 10000 higher; the Service port is the listener port.
 */
import { KubeObject } from '../../upstream/types';
import { asArray, asObject, asString, groupOf } from '../kinds';
import { PodPort } from '../model';
import { AdapterOutput, CustomResourceAdapter } from './adapter';

const SOURCE = 'envoyproxy/gateway@v1.9.0: internal/infrastructure/kubernetes/proxy/resource_provider.go, internal/gatewayapi (servicePortToContainerPort)';
const CONTROLLER_NAME = 'gateway.envoyproxy.io/gatewayclass-controller';
/** Envoy Gateway's namespace, where it runs the proxies (the namespace of the library's Envoy Gateway release). */
export const ENVOY_GATEWAY_NAMESPACE = 'envoy-gateway-system';

/** The pod group id of a Gateway's proxies (a reference's client). */
export function gatewayProxiesId(namespace: string, name: string): string {
  return `Gateway ${namespace}/${name} (Envoy proxies)`;
}

/** Gateway (gateway.networking.k8s.io), when its class is Envoy Gateway's. */
export const ENVOY_GATEWAY_ADAPTER: CustomResourceAdapter = {
  group: 'gateway.networking.k8s.io',
  kind: 'Gateway',
  source: SOURCE,
  expand(obj: KubeObject, namespace: string, context): AdapterOutput {
    const spec = asObject(obj.spec) ?? {};
    const name = obj.metadata.name ?? '';
    const gatewayClass = context.find('gateway.networking.k8s.io', 'GatewayClass', undefined, asString(spec.gatewayClassName) ?? '');
    if (asString(asObject(gatewayClass?.spec)?.controllerName) !== CONTROLLER_NAME) return { objects: [], podGroups: [] };
    const params = asObject(asObject(spec.infrastructure)?.parametersRef);
    const proxy = params && asString(params.kind) === 'EnvoyProxy' ? context.find('gateway.envoyproxy.io', 'EnvoyProxy', namespace, asString(params.name) ?? '') : undefined;
    const serviceName = asString(asObject(asObject(asObject(asObject(proxy?.spec)?.provider)?.kubernetes)?.envoyService)?.name);
    const labels = {
      'app.kubernetes.io/name': 'envoy',
      'app.kubernetes.io/component': 'proxy',
      'app.kubernetes.io/managed-by': 'envoy-gateway',
      'gateway.envoyproxy.io/owning-gateway-name': name,
      'gateway.envoyproxy.io/owning-gateway-namespace': namespace,
    };
    const listeners = asArray(spec.listeners).map((l) => asObject(l) ?? {});
    const ports: PodPort[] = [];
    const servicePorts: { [key: string]: unknown }[] = [];
    for (const l of listeners) {
      const port = typeof l.port === 'number' ? l.port : undefined;
      if (port === undefined || ports.some((p) => p.port === (port < 1024 ? port + 10000 : port))) continue;
      const containerPort = port < 1024 ? port + 10000 : port;
      ports.push({ name: asString(l.name), port: containerPort, protocol: 'TCP' });
      servicePorts.push({ name: asString(l.name), port, targetPort: containerPort, protocol: 'TCP' });
    }
    // Envoy AI Gateway's webhook adds its external processor to every proxy pod Envoy Gateway manages
    // (envoyproxy/ai-gateway@v1.1.0 internal/controller/extproc_builder.go: container port aigw-admin 1064, /metrics);
    // the library installs the two together (OperatorCatalogue.modelGateway).
    ports.push({ name: 'aigw-admin', port: 1064, protocol: 'TCP' });
    const by = `Envoy Gateway (Gateway ${namespace}/${name})`;
    return {
      podGroups: [{
        id: gatewayProxiesId(namespace, name),
        namespace: ENVOY_GATEWAY_NAMESPACE,
        labels,
        ports,
        // A hashed name Envoy Gateway chooses; the proxies talk to no API server.
        serviceAccount: 'default',
        hostNetwork: false,
        createdBy: `Envoy Gateway (${SOURCE})`,
      }],
      objects: serviceName
        ? [{ object: { apiVersion: 'v1', kind: 'Service', metadata: { name: serviceName, namespace: ENVOY_GATEWAY_NAMESPACE, labels }, spec: { selector: labels, ports: servicePorts } }, providedBy: by }]
        : [],
    };
  },
};

/** Whether an object is an Envoy AI Gateway route (for references). */
export function isAiGatewayRoute(obj: KubeObject): boolean {
  return groupOf(obj.apiVersion) === 'aigateway.envoyproxy.io' && obj.kind === 'AIGatewayRoute';
}

const RATE_LIMIT_SOURCE = 'envoyproxy/gateway@v1.9.0: internal/infrastructure/kubernetes/ratelimit/resource.go (InfraName, rateLimitLabels, InfraGRPCPort, XdsGrpcSotwConfigServer)';
/** Name of the rate limit service Envoy Gateway runs (Deployment and Service, in its namespace). */
export const ENVOY_RATE_LIMIT_NAME = 'envoy-ratelimit';
/** The pod group id of Envoy Gateway's rate limit service. */
export const ENVOY_RATE_LIMIT_ID = `Envoy Gateway rate limit service (${ENVOY_GATEWAY_NAMESPACE}/${ENVOY_RATE_LIMIT_NAME})`;
const RATE_LIMIT_LABELS = { 'app.kubernetes.io/name': ENVOY_RATE_LIMIT_NAME, 'app.kubernetes.io/component': 'ratelimit', 'app.kubernetes.io/managed-by': 'envoy-gateway' };
const RATE_LIMIT_GRPC_PORT = 8081;

/** Whether an object is a BackendTrafficPolicy with a global rate limit (which Envoy Gateway's rate limit service enforces). */
export function isGlobalRateLimitPolicy(obj: KubeObject): boolean {
  return groupOf(obj.apiVersion) === 'gateway.envoyproxy.io' && obj.kind === 'BackendTrafficPolicy'
    && asString(asObject(asObject(obj.spec)?.rateLimit)?.type) === 'Global';
}

/**
 * BackendTrafficPolicy (gateway.envoyproxy.io) with a global rate limit: Envoy Gateway runs its
 * rate limit service (Deployment and Service `envoy-ratelimit`, gRPC 8081) in its own namespace
 * when its configuration turns the global rate limit on; the proxies ask it before each request.
 */
export const ENVOY_RATE_LIMIT_ADAPTER: CustomResourceAdapter = {
  group: 'gateway.envoyproxy.io',
  kind: 'BackendTrafficPolicy',
  source: RATE_LIMIT_SOURCE,
  expand(obj: KubeObject): AdapterOutput {
    if (!isGlobalRateLimitPolicy(obj)) return { objects: [], podGroups: [] };
    const by = `Envoy Gateway (BackendTrafficPolicy ${obj.metadata.namespace}/${obj.metadata.name})`;
    return {
      podGroups: [{
        id: ENVOY_RATE_LIMIT_ID,
        namespace: ENVOY_GATEWAY_NAMESPACE,
        labels: { ...RATE_LIMIT_LABELS },
        ports: [{ name: 'grpc', port: RATE_LIMIT_GRPC_PORT, protocol: 'TCP' }],
        // Envoy Gateway creates its own service account; the service talks to no API server.
        serviceAccount: 'default',
        hostNetwork: false,
        createdBy: `Envoy Gateway (${RATE_LIMIT_SOURCE})`,
      }],
      objects: [{
        object: {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: ENVOY_RATE_LIMIT_NAME, namespace: ENVOY_GATEWAY_NAMESPACE, labels: { ...RATE_LIMIT_LABELS } },
          spec: { selector: { ...RATE_LIMIT_LABELS }, ports: [{ name: 'grpc', port: RATE_LIMIT_GRPC_PORT, targetPort: RATE_LIMIT_GRPC_PORT, protocol: 'TCP' }] },
        },
        providedBy: by,
      }],
    };
  },
};

/** The rate limit service's address, as the proxies call it. */
export function envoyRateLimitAddress(): string {
  return `${ENVOY_RATE_LIMIT_NAME}.${ENVOY_GATEWAY_NAMESPACE}.svc:${RATE_LIMIT_GRPC_PORT}`;
}
