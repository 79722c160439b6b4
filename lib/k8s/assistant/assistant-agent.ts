import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AgentRole, AgentRule } from './agent-role';
import { AGENT_ROLES, agentTools, writeRules } from './agent-roles';
import { AgentWriteAccessSpec, AgentWriteVerb, AssistantAgentKind, AssistantChecks } from '../../core/assistant-spec';
import { CnaiError, invalidProp } from '../../core/errors';
import { NAME_RULES, assertName } from '../../core/names';
import { ASSISTANT_IMAGES, imageRef } from '../../core/versions';
import { Suppressions } from '../common/suppressions';
import { KAGENT_TOOLS_PORT, kagentAgentPodLabels } from '../operators/kagent';
import { kmcpServerPodLabels } from '../operators/kmcp';
import { SYNC_WAVE_ANNOTATION, WORKLOADS_SYNC_WAVE, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../pod-security';
import { WorkloadSelector } from '../workload-selector';

/** Port of the agents' MCP servers (kagent's tool server: `--port`; kagent's release allows its controller there). */
export const AGENT_TOOLS_PORT = KAGENT_TOOLS_PORT;

/** Path of the MCP endpoint of kagent's tool server (streamable HTTP). */
const MCP_PATH = '/mcp';

/** The uid the tool server and the agents run as (the images' non-root user). */
const RUN_AS = 65532;

/** Props of {@link AssistantAgent}. */
export interface AssistantAgentProps {
  /** Which agent. */
  readonly kind: AssistantAgentKind;
  /** Namespace of the agent, its MCP server and their service accounts. */
  readonly namespace: string;
  /** Name of the kagent ModelConfig the agent uses (in the same namespace). */
  readonly modelConfigName: string;
  /** The Prometheus query URL the agent's Prometheus tools call. */
  readonly prometheusUrl: string;
  /**
   * Write access: the verbs, in the namespaces given. An explicit opt-in.
   * @default - read-only
   */
  readonly writeAccess?: AgentWriteAccessSpec;
  /**
   * Labels of every object.
   * @default - the platform's part-of label
   */
  readonly labels?: { [key: string]: string };
}

/**
 * One agent of the operations assistant: a kagent Agent on the platform's model, and its own MCP
 * server (kmcp MCPServer running kagent's tool server) with its own service account and RBAC.
 *
 * The agent itself holds no Kubernetes rights: every read and write goes through its MCP server,
 * whose ClusterRole grants `get`/`list`/`watch` on exactly the resources the agent's tools read
 * (never Secrets). The server runs with `--read-only` (no write tools at all) unless write access
 * is given; then Roles in the namespaces given grant the verbs given, and the agent may call the
 * write tools of those verbs only. The cluster's audit log records every call as the server's
 * service account, `system:serviceaccount:<namespace>:<agent>-tools`.
 */
export class AssistantAgent extends Construct {
  /** The Agent's name. */
  public readonly name: string;
  /** The agent's role (instructions, reads). */
  public readonly role: AgentRole;
  /** Namespace. */
  public readonly namespaceName: string;
  /** Name of the MCPServer (and of its Service and service account). */
  public readonly toolsName: string;
  /** The service account every Kubernetes call of the agent is made as (what the audit log names). */
  public readonly auditIdentity: string;
  /** Whether the agent may change objects. */
  public readonly readOnly: boolean;
  /** The tools the agent may call. */
  public readonly tools: string[];
  /** The read rules of its MCP server (cluster-wide). */
  public readonly readRules: AgentRule[];
  /** The write rules, by namespace (none when read-only). */
  public readonly writeRules: { [namespace: string]: AgentRule[] } = {};
  /** The Agent. */
  public readonly agent: ApiObject;
  /** The MCPServer. */
  public readonly mcpServer: ApiObject;

  constructor(scope: Construct, id: string, props: AssistantAgentProps) {
    super(scope, id);
    const where = this.node.path;
    const role = AGENT_ROLES[props.kind];
    if (!role) throw invalidProp(where, 'kind', props.kind, 'not an assistant agent', 'use AssistantAgentKind.DIAGNOSTICS or AssistantAgentKind.PLATFORM');
    const problems = AssistantChecks.agentProblems({ construct: where, prefix: '' }, [{ kind: props.kind, writeAccess: props.writeAccess }]);
    if (problems.length > 0) throw new CnaiError({ ...problems[0], prop: problems[0].prop.replace(/^agents\[0\]\./, '') });
    this.role = role;
    this.name = role.name;
    this.namespaceName = assertName(where, 'namespace', props.namespace, NAME_RULES.dns1123Label);
    this.toolsName = `${this.name}-tools`;
    this.auditIdentity = `system:serviceaccount:${this.namespaceName}:${this.toolsName}`;
    const verbs: AgentWriteVerb[] = props.writeAccess ? [...props.writeAccess.verbs] : [];
    this.readOnly = verbs.length === 0;
    this.tools = agentTools(verbs);
    this.readRules = role.readRules;
    const labels = { 'app.kubernetes.io/part-of': 'cnai-platform', 'app.kubernetes.io/component': 'assistant', ...props.labels };
    const annotations = { [SYNC_WAVE_ANNOTATION]: String(WORKLOADS_SYNC_WAVE) };
    const meta = (name: string, namespaced: boolean = true) => ({
      name, ...(namespaced ? { namespace: this.namespaceName } : {}), labels: { ...labels }, annotations: { ...annotations },
    });

    // Identities: the agent's pods (no rights), its MCP server's (the rights).
    new k8s.KubeServiceAccount(this, 'AgentServiceAccount', { metadata: meta(this.name), automountServiceAccountToken: false });
    new k8s.KubeServiceAccount(this, 'ToolsServiceAccount', { metadata: meta(this.toolsName), automountServiceAccountToken: true });
    const subject = { kind: 'ServiceAccount', name: this.toolsName, namespace: this.namespaceName };
    const clusterRoleName = `cnai-assistant-${this.name}-read`;
    new k8s.KubeClusterRole(this, 'ReadRole', { metadata: meta(clusterRoleName, false), rules: this.readRules.map(toRule) });
    new k8s.KubeClusterRoleBinding(this, 'ReadBinding', {
      metadata: meta(clusterRoleName, false),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRoleName },
      subjects: [subject],
    });
    if (!this.readOnly) {
      for (const ns of props.writeAccess!.namespaces) {
        const rules = writeRules(role, verbs);
        this.writeRules[ns] = rules;
        const roleName = `cnai-assistant-${this.name}-write`;
        new k8s.KubeRole(this, `WriteRole-${ns}`, { metadata: { ...meta(roleName), namespace: ns }, rules: rules.map(toRule) });
        new k8s.KubeRoleBinding(this, `WriteBinding-${ns}`, {
          metadata: { ...meta(roleName), namespace: ns },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
          subjects: [subject],
        });
      }
    }

    // The MCP server: kagent's tool server, Kubernetes and Prometheus tools, read-only unless write access is given.
    const tools = ASSISTANT_IMAGES.kagentTools;
    this.mcpServer = new ApiObject(this, 'McpServer', {
      apiVersion: 'kagent.dev/v1alpha1',
      kind: 'MCPServer',
      metadata: meta(this.toolsName),
      spec: {
        transportType: 'http',
        httpTransport: { targetPort: AGENT_TOOLS_PORT, path: MCP_PATH },
        deployment: {
          image: imageRef(tools),
          port: AGENT_TOOLS_PORT,
          args: ['--port', String(AGENT_TOOLS_PORT), '--tools', 'k8s,prometheus', ...(this.readOnly ? ['--read-only'] : [])],
          // kubectl keeps its discovery cache under $HOME: a writable emptyDir, the root filesystem stays read-only.
          env: { HOME: '/tmp' },
          serviceAccountName: this.toolsName,
          podSecurityContext: restrictedPodSecurityContext(RUN_AS),
          securityContext: restrictedContainerSecurityContext(RUN_AS),
          resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        },
      },
    });

    // The agent: the platform's model, its MCP server's tools (those of its verbs only).
    this.agent = new ApiObject(this, 'Agent', {
      apiVersion: 'kagent.dev/v1alpha2',
      kind: 'Agent',
      metadata: meta(this.name),
      spec: {
        type: 'Declarative',
        description: role.description,
        declarative: {
          modelConfig: props.modelConfigName,
          systemMessage: [
            role.instructions,
            `Prometheus answers queries at ${props.prometheusUrl}: pass it as prometheus_url to the Prometheus tools.`,
            this.readOnly
              ? 'You are read-only: you cannot change anything in the cluster. When a change would help, say which, and who should make it.'
              : `You may change objects only in the namespaces ${props.writeAccess!.namespaces.join(', ')}, with the verbs ${verbs.join(', ')}; `
                + 'say what you will change and why before you change it. Everything you change is recorded in the cluster\'s audit log.',
          ].join('\n\n'),
          tools: [{
            type: 'McpServer',
            mcpServer: { apiGroup: 'kagent.dev', kind: 'MCPServer', name: this.toolsName, toolNames: [...this.tools] },
          }],
          deployment: {
            serviceAccountName: this.name,
            // HOME on the writable emptyDir: the root filesystem stays read-only. The API key comes from the ModelConfig.
            env: [{ name: 'HOME', value: '/tmp' }],
            podSecurityContext: restrictedPodSecurityContext(RUN_AS),
            securityContext: restrictedContainerSecurityContext(RUN_AS),
            resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '128Mi' } }],
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          },
        },
      },
    });

    // What the upstream resources cannot express, carried here with the reasons (the policy packs read them).
    Suppressions.add(this.agent, 'pod-priority-class', 'kagent v0.9.12\'s Agent has no priority class field: the agent pods (no GPUs) run at the cluster\'s default priority');
    Suppressions.add(this.agent, 'pod-probes', 'kagent v0.9.12 gives agent pods a readiness probe on their agent card and no liveness probe, and its Agent has no field for one');
    Suppressions.add(this.mcpServer, 'pod-priority-class', 'kmcp v0.3.0\'s MCPServer has no priority class field: the MCP server pods (no GPUs) run at the cluster\'s default priority');
    Suppressions.add(this.mcpServer, 'pod-probes', 'kmcp v0.3.0 sets no probes on MCP server pods, and its MCPServer has no field for them');
  }

  /** The agent's pods (as kagent labels them). */
  public agentPods(): WorkloadSelector {
    return WorkloadSelector.inNamespace(this.namespaceName, kagentAgentPodLabels(this.name));
  }

  /** The pods of the agent's MCP server (as kmcp labels them). */
  public toolPods(): WorkloadSelector {
    return WorkloadSelector.inNamespace(this.namespaceName, kmcpServerPodLabels(this.toolsName));
  }
}

function toRule(r: AgentRule): k8s.PolicyRule {
  return { apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] };
}
