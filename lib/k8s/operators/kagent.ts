import { OPERATOR_NAMESPACES } from './default-namespaces';
import { KMCP_SERVER_POD_SELECTOR, kmcpSubchartValues } from './kmcp';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { NetworkEnds, ReleaseConnection, ReleaseConnections } from '../../core/release-network';
import { ASSISTANT_IMAGES, OPERATOR_SOURCES, PinnedImage } from '../../core/versions';

/** Name of the kagent release (its chart's fullname: Services `kagent-controller`, `kagent-ui`). */
export const KAGENT_RELEASE = 'kagent';

/** Port of kagent's controller API (A2A, sessions): `controller.service.ports.port`. */
export const KAGENT_CONTROLLER_PORT = 8083;

/** Port the agents' pods listen on (go/core/internal/controller/translator/agent/deployments.go at v0.9.12). */
export const KAGENT_AGENT_PORT = 8080;

/**
 * Port of kagent's MCP tool server (kagent-dev/tools: the chart's RemoteMCPServer names
 * `http://<release>-tools.<namespace>:8084/mcp`, templates/toolserver-kagent.yaml), on which the
 * platform runs its agents' MCP servers (kmcp MCPServers).
 */
export const KAGENT_TOOLS_PORT = 8084;

/** Port of the bundled PostgreSQL (templates/postgresql.yaml: container port `postgresql`). */
export const KAGENT_POSTGRES_PORT = 5432;

/** Labels of kagent's controller pods (templates/_helpers.tpl `kagent.controller.selectorLabels`). */
export const KAGENT_CONTROLLER_POD_LABELS = { 'app.kubernetes.io/name': 'kagent', 'app.kubernetes.io/instance': KAGENT_RELEASE, 'app.kubernetes.io/component': 'controller' };

/** Labels of kagent's UI pods (templates/_helpers.tpl `kagent.ui.selectorLabels`). */
export const KAGENT_UI_POD_LABELS = { 'app.kubernetes.io/name': 'kagent', 'app.kubernetes.io/instance': KAGENT_RELEASE, 'app.kubernetes.io/component': 'ui' };

/** Labels of the bundled PostgreSQL's pods (templates/postgresql.yaml: `kagent.selectorLabels` and `component: database`). */
export const KAGENT_POSTGRES_POD_LABELS = { 'app.kubernetes.io/name': 'kagent', 'app.kubernetes.io/instance': KAGENT_RELEASE, 'app.kubernetes.io/component': 'database' };

/**
 * The label every pod kagent runs for an Agent carries, whatever the Agent
 * (go/core/internal/controller/translator/agent/manifest_builder.go at v0.9.12: `labels.ManagedByKagent`).
 */
export const KAGENT_AGENT_POD_SELECTOR = { app: 'kagent' };

/**
 * Labels of the pods kagent runs for an Agent (go/core/internal/controller/translator/agent/manifest_builder.go
 * at v0.9.12: `app: kagent`, `kagent: <agent name>`).
 * @internal
 */
export function kagentAgentPodLabels(agent: string): { [key: string]: string } {
  return { ...KAGENT_AGENT_POD_SELECTOR, kagent: agent };
}

/** Props of the kagent release. */
export interface KagentReleaseProps {
  /**
   * The namespaces kagent's controller watches and gets Roles in (the chart's `rbac.namespaces`),
   * besides its own, and which its namespace's NetworkPolicies open to: the controller calls the
   * agents and MCP servers there, and the agents call it back. Put the namespace of the platform's agents here.
   * @default - only its own namespace
   */
  readonly agentNamespaces?: string[];
  /**
   * StorageClass of the bundled PostgreSQL's volume (the chart's only database without an external one).
   * @default - the cluster's default StorageClass
   */
  readonly databaseStorageClass?: string;
}

const image = (i: PinnedImage) => {
  const slash = i.repository.indexOf('/');
  return { registry: i.repository.slice(0, slash), repository: i.repository.slice(slash + 1), tag: i.tag };
};

/**
 * kagent's CRDs (Agent, ModelConfig, RemoteMCPServer, ...): the kagent-crds chart 0.9.12, installed
 * before kagent as its docs say; kmcp's MCPServer CRD comes from the kmcp-crds release.
 * @internal
 */
export function kagentCrdsRelease(): OperatorRelease {
  return new OperatorRelease({
    name: 'kagent-crds',
    namespace: OPERATOR_NAMESPACES.kagent,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.kagentCrds),
    // kmcp's CRD comes from its own release (kmcpCrdsRelease): this chart's kmcp-crds dependency is not vendored.
    values: { kmcp: { enabled: false } },
    phase: InstallPhase.FOUNDATION,
    serverSideApply: true,
    // CRDs only: never delete them (and every agent with them) because upstream renamed a file.
    prune: false,
    description: 'kagent and kmcp CRDs (Agent, ModelConfig, MCPServer).',
    // CRDs only: no pods.
    network: {},
    provides: {
      customResources: [{ group: 'kagent.dev', kinds: ['Agent', 'ModelConfig', 'RemoteMCPServer', 'ToolServer', 'Memory', 'ModelProviderConfig'] }],
    },
  });
}

/**
 * kagent v0.9.12: the controller that turns Agents into pods (the agent runtime, which calls its
 * model and its MCP tools), with kmcp v0.3.0 (its `kmcp` subchart) to run MCPServers.
 *
 * Source: the kagent chart 0.9.12 (oci://ghcr.io/kagent-dev/kagent/helm; helm/kagent at v0.9.12, whose
 * Chart.yaml is filled at release: image tags default to the chart version, so the release sets each).
 * Turned off: the chart's demo agents (k8s, istio, cilium, helm, ... agents), its bundled tool
 * server (`kagent-tools`, one service account with wide rights for every agent: the platform runs
 * one read-only MCP server per agent instead), the Grafana and documentation MCP servers. The
 * chart always renders a `default-model-config` (templates/modelconfig.yaml has no switch): its key
 * Secret reference is emptied (the chart names `kagent-openai`, which it creates only when given a
 * key), so it names no Secret; kagent falls back to it only for an Agent that names no ModelConfig,
 * which the platform never creates, and nothing in kagent's namespace may reach a model (see the
 * network below). The controller watches only its own namespace and the agents'
 * (`rbac.namespaces`: Roles there, no ClusterRole).
 *
 * Network (kagent's namespace default-deny, DNS and the API server for every pod, then): the UI
 * calls the controller (its nginx proxies `/api`); the controller keeps its sessions in the bundled
 * PostgreSQL; for each agent namespace, the controller calls the agents' pods (A2A) and lists the
 * tools of the MCP servers kmcp runs there, and the agents call the controller back (`KAGENT_URL`).
 * Nothing calls the UI (users port-forward, which NetworkPolicies do not see). kmcp's controller
 * needs only the API server. Tracing is off in the chart (`otel.tracing.enabled: false`), so the
 * agents inherit no `OTEL_*` environment and send no traces: the gateway traces their model calls.
 * The agents' own egress (the gateway, their MCP server) and the MCP servers' (the API server,
 * Prometheus) are the assistant's policies in the agents' namespace (`OperationsAssistant`).
 * @internal
 */
export function kagentRelease(props: KagentReleaseProps = {}): OperatorRelease {
  const ns = OPERATOR_NAMESPACES.kagent;
  const off = { enabled: false };
  const agents = ['k8s-agent', 'kgateway-agent', 'istio-agent', 'promql-agent', 'observability-agent', 'argo-rollouts-agent',
    'helm-agent', 'cilium-policy-agent', 'cilium-manager-agent', 'cilium-debug-agent'];
  const agentNamespaces = (props.agentNamespaces ?? []).filter((n) => n !== ns);
  const watched = [ns, ...agentNamespaces];
  const postgres = ASSISTANT_IMAGES.kagentPostgres;
  const postgresRepo = postgres.repository.split('/');
  return new OperatorRelease({
    name: KAGENT_RELEASE,
    namespace: ns,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.kagent),
    values: {
      'controller': {
        image: image(ASSISTANT_IMAGES.kagentController),
        agentImage: image(ASSISTANT_IMAGES.kagentAgent),
        skillsInitImage: image(ASSISTANT_IMAGES.kagentSkillsInit),
      },
      'ui': { image: image(ASSISTANT_IMAGES.kagentUi) },
      'database': {
        postgres: {
          bundled: {
            image: { registry: postgresRepo[0], repository: postgresRepo[1], name: postgresRepo[2], tag: postgres.tag },
            ...(props.databaseStorageClass ? { storageClassName: props.databaseStorageClass } : {}),
          },
        },
      },
      'rbac': { namespaces: watched },
      // The chart's default ModelConfig names no key Secret (none exists; see above).
      'providers': { openAI: { apiKeySecretRef: '', apiKeySecretKey: '' } },
      'kmcp': kmcpSubchartValues(),
      'kagent-tools': off,
      'grafana-mcp': off,
      'querydoc': off,
      ...Object.fromEntries(agents.map((a) => [a, off])),
    },
    phase: InstallPhase.OPERATORS,
    description: 'kagent: agents on the platform\'s own model, with MCP tools (kmcp).',
    network: {
      connections: [
        ReleaseConnections.between(NetworkEnds.workload('kagent-ui'), NetworkEnds.workload('kagent-controller'), [KAGENT_CONTROLLER_PORT],
          'the UI calls the controller\'s API (its nginx proxies /api)'),
        ReleaseConnections.between(NetworkEnds.workload('kagent-controller'), NetworkEnds.workload('kagent-postgresql'), [KAGENT_POSTGRES_PORT],
          'the controller keeps sessions and tasks in the bundled PostgreSQL'),
        ...agentNamespaces.flatMap((n) => agentConnections(n)),
      ],
    },
    provides: {
      services: [
        { name: 'kagent-controller', ports: [{ name: 'controller', port: KAGENT_CONTROLLER_PORT, targetPort: KAGENT_CONTROLLER_PORT }], selector: KAGENT_CONTROLLER_POD_LABELS, template: 'templates/controller-service.yaml' },
        { name: 'kagent-ui', ports: [{ name: 'ui', port: 8080, targetPort: 8080 }], selector: KAGENT_UI_POD_LABELS, template: 'templates/ui-service.yaml' },
        {
          name: 'kagent-postgresql',
          ports: [{ name: 'postgresql', port: KAGENT_POSTGRES_PORT, targetPort: KAGENT_POSTGRES_PORT }],
          selector: KAGENT_POSTGRES_POD_LABELS,
          template: 'templates/postgresql.yaml',
        },
      ],
      workloads: [
        { name: 'kagent-controller', podLabels: KAGENT_CONTROLLER_POD_LABELS, ports: [{ name: 'http', containerPort: KAGENT_CONTROLLER_PORT }], serviceAccount: 'kagent-controller', template: 'templates/controller-deployment.yaml' },
        { name: 'kagent-ui', podLabels: KAGENT_UI_POD_LABELS, ports: [{ name: 'http', containerPort: 8080 }], serviceAccount: 'kagent-ui', template: 'templates/ui-deployment.yaml' },
        {
          name: 'kagent-postgresql',
          podLabels: KAGENT_POSTGRES_POD_LABELS,
          ports: [{ name: 'postgresql', containerPort: KAGENT_POSTGRES_PORT }],
          serviceAccount: 'kagent-postgresql',
          template: 'templates/postgresql.yaml',
        },
      ],
    },
  });
}

/**
 * The flows between kagent's controller and what it runs in an agent namespace: the agents' pods
 * (A2A, and their calls back) and the MCP servers kmcp runs (tool discovery).
 */
function agentConnections(namespace: string): ReleaseConnection[] {
  const agents = NetworkEnds.pods(namespace, KAGENT_AGENT_POD_SELECTOR);
  return [
    ReleaseConnections.between(NetworkEnds.workload('kagent-controller'), agents, [KAGENT_AGENT_PORT],
      `the controller calls the agents it runs in ${namespace} (A2A)`),
    ReleaseConnections.between(agents, NetworkEnds.workload('kagent-controller'), [KAGENT_CONTROLLER_PORT],
      `the agents in ${namespace} report their sessions and tasks to the controller (KAGENT_URL)`),
    ReleaseConnections.between(NetworkEnds.workload('kagent-controller'), NetworkEnds.pods(namespace, KMCP_SERVER_POD_SELECTOR), [KAGENT_TOOLS_PORT],
      `the controller lists the tools of the MCP servers kmcp runs in ${namespace}`),
  ];
}
