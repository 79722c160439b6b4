/**
 * kagent (v0.9.12) Agents and kmcp (v0.3.0) MCPServers: the pods and Services their controllers
 * run, and the connections they open.
 *
 * Read in kagent-dev/kagent@v0.9.12 (go/core/internal/controller/translator/agent/):
 * - manifest_builder.go: an Agent's pods carry `app: kagent` and `kagent: <agent>`, listen on
 *   port 8080 (`http`, deployments.go), run as `spec.declarative.deployment.serviceAccountName`
 *   (else a ServiceAccount of the Agent's name the controller creates), with the deployment's pod and
 *   container security contexts, resources, volumes, and a readiness probe on
 *   `/.well-known/agent-card.json` (no liveness probe); their environment has
 *   `KAGENT_URL=http://kagent-controller.<controller namespace>:8083`; a Service of the Agent's
 *   name selects them on 8080, which the controller calls (A2A, utils.go);
 * - adk_api_translator.go, conversion.go: the agent calls its model at the ModelConfig's
 *   `openAI.baseUrl`, and each MCPServer tool at `http://<server>.<namespace>:<port>/mcp`; the
 *   controller calls the same URL to discover the server's tools (reconciler.go).
 * Read in kagent-dev/kmcp@v0.3.0 (pkg/controller/transportadapter/transportadapter_translator.go):
 * an MCPServer becomes a Deployment whose pods carry `app.kubernetes.io/name` and
 * `app.kubernetes.io/instance` set to its name (and `app.kubernetes.io/managed-by: kmcp`), run as
 * `spec.deployment.serviceAccountName` (else a ServiceAccount of its name), with its pod and
 * container security contexts, resources and volumes (and its ConfigMap at /config), no probes; and
 * a Service of its name on `spec.deployment.port`.
 */
import { KubeObject } from '../../upstream/types';
import { asArray, asObject, asPort, asString, asStringMap, at } from '../kinds';
import { PodGroup } from '../model';
import { AdapterOutput, CreatedObject, CustomResourceAdapter } from './adapter';

const SOURCE = 'kagent-dev/kagent@v0.9.12: go/core/internal/controller/translator/agent/{manifest_builder.go,deployments.go,conversion.go,utils.go}; '
  + 'kagent-dev/kmcp@v0.3.0: pkg/controller/transportadapter/transportadapter_translator.go';
const AGENT_PORT = 8080;
const CONTROLLER = 'kagent-controller';
const CONTROLLER_PORT = 8083;
/** kagent's controller namespace: the one its release installs into. */
const CONTROLLER_NAMESPACE = 'kagent';

/** The pod group id of an Agent's pods. */
export function agentPodsId(namespace: string, name: string): string {
  return `Agent ${namespace}/${name}`;
}

/** The pod group id of an MCPServer's pods. */
export function mcpServerPodsId(namespace: string, name: string): string {
  return `MCPServer ${namespace}/${name}`;
}

function service(name: string, namespace: string, selector: { [key: string]: string }, port: number, by: string): CreatedObject {
  return { object: { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector, ports: [{ name: 'http', port, targetPort: port, protocol: 'TCP' }] } }, providedBy: by };
}

function serviceAccount(name: string, namespace: string, by: string): CreatedObject {
  return { object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } }, providedBy: by };
}

function mcpServerUrl(server: KubeObject | undefined, namespace: string, name: string): string | undefined {
  const port = asPort(at(server, 'spec.deployment.port'));
  return port === undefined ? undefined : `http://${name}.${namespace}:${port}/mcp`;
}

/** Agent (kagent.dev), a declarative one: its pods, its Service, and (in their environment) the connections they open. */
export const AGENT_ADAPTER: CustomResourceAdapter = {
  group: 'kagent.dev',
  kind: 'Agent',
  source: SOURCE,
  expand(obj: KubeObject, namespace: string, context): AdapterOutput {
    const name = obj.metadata.name ?? '';
    const decl = asObject(at(obj, 'spec.declarative'));
    if (!decl) return { objects: [], podGroups: [] };
    const by = `kagent (Agent ${namespace}/${name})`;
    const labels = { app: 'kagent', kagent: name };
    const givenAccount = asString(at(decl, 'deployment.serviceAccountName'));
    const env: { name: string; value: string }[] = [{ name: 'KAGENT_URL', value: `http://${CONTROLLER}.${CONTROLLER_NAMESPACE}:${CONTROLLER_PORT}` }];
    const modelConfig = asString(decl.modelConfig);
    const config = modelConfig ? context.find('kagent.dev', 'ModelConfig', namespace, modelConfig) : undefined;
    const baseUrl = asString(at(config, 'spec.openAI.baseUrl'));
    if (baseUrl) env.push({ name: 'OPENAI_API_BASE', value: baseUrl });
    asArray(decl.tools).forEach((t, i) => {
      const server = asObject(asObject(t)?.mcpServer);
      const serverName = asString(server?.name);
      if (!server || !serverName || (asString(server.kind) ?? 'MCPServer') !== 'MCPServer') return;
      const serverNs = asString(server.namespace) ?? namespace;
      const url = mcpServerUrl(context.find('kagent.dev', 'MCPServer', serverNs, serverName), serverNs, serverName);
      if (url) env.push({ name: `MCP_SERVER_${i}_URL`, value: url });
    });
    const userEnv = asArray(at(decl, 'deployment.env')).map((e) => asObject(e) ?? {}).filter((e) => typeof e.name === 'string');
    return {
      podGroups: [{
        id: agentPodsId(namespace, name),
        namespace,
        labels: { ...asStringMap(at(decl, 'deployment.labels')), ...labels },
        ports: [{ name: 'http', port: AGENT_PORT, protocol: 'TCP' }],
        serviceAccount: givenAccount ?? name,
        hostNetwork: false,
        podSpec: {
          serviceAccountName: givenAccount ?? name,
          ...(asObject(at(decl, 'deployment.podSecurityContext')) ? { securityContext: at(decl, 'deployment.podSecurityContext') } : {}),
          containers: [{
            name: 'kagent',
            ports: [{ name: 'http', containerPort: AGENT_PORT }],
            env: [...userEnv, ...env],
            readinessProbe: { httpGet: { path: '/.well-known/agent-card.json', port: 'http' } },
            ...(asObject(at(decl, 'deployment.securityContext')) ? { securityContext: at(decl, 'deployment.securityContext') } : {}),
            ...(asObject(at(decl, 'deployment.resources')) ? { resources: at(decl, 'deployment.resources') } : {}),
            volumeMounts: [...asArray(at(decl, 'deployment.volumeMounts')), { name: 'kagent-token', mountPath: '/var/run/secrets/tokens' }],
          }],
          volumes: [...asArray(at(decl, 'deployment.volumes')), { name: 'kagent-token', projected: { sources: [{ serviceAccountToken: { audience: 'kagent', expirationSeconds: 3600, path: 'kagent-token' } }] } }],
        },
        createdBy: `kagent (${SOURCE})`,
      }],
      objects: [
        service(name, namespace, labels, AGENT_PORT, by),
        ...(givenAccount ? [] : [serviceAccount(name, namespace, by)]),
      ],
    };
  },
};

/** MCPServer (kagent.dev, kmcp): its pods and Service. */
export const MCP_SERVER_ADAPTER: CustomResourceAdapter = {
  group: 'kagent.dev',
  kind: 'MCPServer',
  source: SOURCE,
  expand(obj: KubeObject, namespace: string): AdapterOutput {
    const name = obj.metadata.name ?? '';
    const dep = asObject(at(obj, 'spec.deployment')) ?? {};
    const port = asPort(dep.port);
    const by = `kmcp (MCPServer ${namespace}/${name})`;
    const selector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name };
    const givenAccount = asString(dep.serviceAccountName);
    const env = Object.entries(asStringMap(dep.env)).map(([k, v]) => ({ name: k, value: v }));
    return {
      podGroups: [{
        id: mcpServerPodsId(namespace, name),
        namespace,
        labels: { ...selector, 'app.kubernetes.io/managed-by': 'kmcp', ...asStringMap(dep.labels) },
        ports: port === undefined ? [] : [{ name: 'http', port, protocol: 'TCP' }],
        serviceAccount: givenAccount ?? name,
        hostNetwork: false,
        podSpec: {
          serviceAccountName: givenAccount ?? name,
          ...(asObject(dep.podSecurityContext) ? { securityContext: dep.podSecurityContext } : {}),
          containers: [{
            name: 'mcp-server',
            image: asString(dep.image),
            args: asArray(dep.args),
            env,
            ...(asObject(dep.securityContext) ? { securityContext: dep.securityContext } : {}),
            ...(asObject(dep.resources) ? { resources: dep.resources } : {}),
            volumeMounts: [{ name: 'config', mountPath: '/config' }, ...asArray(dep.volumeMounts)],
          }],
          volumes: [{ name: 'config', configMap: { name } }, ...asArray(dep.volumes)],
        },
        createdBy: `kmcp (${SOURCE})`,
      }],
      objects: [
        { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: {} }, providedBy: by },
        ...(port === undefined ? [] : [service(name, namespace, selector, port, by)]),
        ...(givenAccount ? [] : [serviceAccount(name, namespace, by)]),
      ],
    };
  },
};

/** A connection a controller opens to what it runs (text with an in-cluster URL, and its clients). */
export interface ControllerConnection {
  readonly path: string;
  readonly text: string;
  readonly clients: string[];
}

/**
 * The connections kagent's controller opens for an Agent (A2A calls to its Service) or an
 * MCPServer (tool discovery), from its pods (a pod group of the kagent release); and the
 * in-cluster URLs an Agent's instructions give its MCP servers' tools to call (a tool such as
 * kagent's Prometheus query takes the server's URL as an argument: the MCP server's pods open
 * that connection).
 */
export function kagentControllerConnections(obj: KubeObject, namespace: string, podGroups: readonly PodGroup[]): ControllerConnection[] {
  const controller = podGroups.find((pg) => pg.labels['app.kubernetes.io/name'] === 'kagent' && pg.labels['app.kubernetes.io/component'] === 'controller')?.id;
  const name = obj.metadata.name ?? '';
  const decl = asObject(at(obj, 'spec.declarative'));
  if (obj.kind === 'Agent' && decl) {
    const tools = asArray(decl.tools).map((t) => asObject(asObject(t)?.mcpServer)).filter((m): m is { [key: string]: unknown } => !!m && (asString(m.kind) ?? 'MCPServer') === 'MCPServer' && !!asString(m.name))
      .map((m) => mcpServerPodsId(asString(m.namespace) ?? namespace, asString(m.name)!));
    const message = asString(decl.systemMessage);
    return [
      ...(controller ? [{ path: 'kagent controller → Agent (A2A)', text: `http://${name}.${namespace}:${AGENT_PORT}`, clients: [controller] }] : []),
      ...(message && tools.length > 0 ? [{ path: 'spec.declarative.systemMessage (URLs its tools call)', text: message, clients: tools }] : []),
    ];
  }
  if (!controller) return [];
  if (obj.kind === 'MCPServer') {
    const url = mcpServerUrl(obj, namespace, name);
    return url ? [{ path: 'kagent controller → MCPServer (tool discovery)', text: url, clients: [controller] }] : [];
  }
  return [];
}
