/**
 * The operations assistant's vocabulary, shared by the spec and the Kubernetes layer: which agents
 * run, what they may change, and the checks both report with the same messages (one problem per
 * mistake). Plain data.
 */
import { ProblemDetails } from './errors';
import { ModelSpec } from './models';
import { isDns1123Label } from './names';

/** The agents of the operations assistant. */
export enum AssistantAgentKind {
  /**
   * Cluster diagnostics: pods, events and logs, Kueue queues and workloads, GPU node pools.
   * Reads those through its own MCP server, nothing else (no Secrets).
   */
  DIAGNOSTICS = 'diagnostics',
  /**
   * The platform: served models and their autoscaling (InferenceServices, Deployments, KEDA
   * ScaledObjects, HorizontalPodAutoscalers), their metrics from Prometheus, training jobs.
   */
  PLATFORM = 'platform',
}

/** What an agent with write access may do (Kubernetes RBAC verbs). */
export enum AgentWriteVerb {
  /** Create objects. */
  CREATE = 'create',
  /** Replace objects. */
  UPDATE = 'update',
  /** Patch objects (scale, restart a rollout, label). */
  PATCH = 'patch',
  /** Delete objects (e.g. a stuck pod). */
  DELETE = 'delete',
}

/**
 * Write access of one agent: the verbs, in the namespaces given, on the kinds the agent reads
 * there. An explicit opt-in; agents are read-only without it.
 */
export interface AgentWriteAccessSpec {
  /** The namespaces the agent may change objects in (at least one; never cluster-wide). */
  readonly namespaces: string[];
  /** The verbs it may use there (at least one). */
  readonly verbs: AgentWriteVerb[];
}

/** One agent of the assistant. */
export interface AssistantAgentSpec {
  /** Which agent. */
  readonly kind: AssistantAgentKind;
  /**
   * Write access: the agent's MCP server then also offers the write tools, and RBAC lets it use
   * them in these namespaces only. Every change is made as the agent's MCP server's service account,
   * which is how the cluster's audit log names it.
   * @default - read-only
   */
  readonly writeAccess?: AgentWriteAccessSpec;
}

/** The operations assistant. */
export interface AssistantSpec {
  /**
   * Whether the assistant is installed.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The served chat model (a name of `models`) the agents and the analysis use, through the gateway:
   * a text-generation LLM whose model spec supports tool calling. It is served with tool calling on.
   */
  readonly model: string;
  /**
   * The agents.
   * @default - the diagnostics and platform agents, read-only
   */
  readonly agents?: AssistantAgentSpec[];
  /**
   * AI-assisted analysis of what is broken or insecure (k8sgpt-operator): Result objects, and an
   * alert on new results about critical kinds.
   * @default true
   */
  readonly analysis?: boolean;
}

/** Where the problems of an assistant's settings are reported. */
export interface AssistantSite {
  /** Construct path or spec name. */
  readonly construct: string;
  /** Prefix of the props (`assistant.`, or empty for construct props). */
  readonly prefix: string;
}

/** Checks of the assistant's settings, shared by the spec validation and the Kubernetes constructs. */
export class AssistantChecks {
  /**
   * The problem of asking `model` for tool calling, when its spec names no tool call parser (none otherwise).
   * @param construct construct path or spec name
   * @param prop the prop that asks for tool calling
   */
  public static toolCallingProblem(construct: string, prop: string, model: ModelSpec): ProblemDetails | undefined {
    if (model.toolCallParser !== undefined) return undefined;
    return {
      construct,
      prop,
      value: model.name,
      problem: `tool calling is asked of ${model.name}, whose model spec names no tool call parser (the model does not call tools, or its format is not known)`,
      fix: 'serve a model that calls tools (e.g. ModelPresets.LLAMA_3_1_8B_INSTRUCT or QWEN2_5_7B_INSTRUCT), or give its spec a toolCallParser if vLLM supports its format',
    };
  }

  /**
   * The problems of the agents: each kind once, and write access only with namespaces (valid names) and verbs.
   */
  public static agentProblems(site: AssistantSite, agents: AssistantAgentSpec[]): ProblemDetails[] {
    const out: ProblemDetails[] = [];
    const p = (prop: string, value: unknown, problem: string, fix: string) => out.push({ construct: site.construct, prop: `${site.prefix}${prop}`, value, problem, fix });
    const seen = new Set<string>();
    agents.forEach((a, i) => {
      const at = `agents[${i}]`;
      if (!(Object.values(AssistantAgentKind) as string[]).includes(a.kind)) {
        p(`${at}.kind`, a.kind, 'not an assistant agent', 'use AssistantAgentKind.DIAGNOSTICS or AssistantAgentKind.PLATFORM');
      } else if (seen.has(a.kind)) {
        p(`${at}.kind`, a.kind, 'the agent is listed twice', 'list each agent once');
      }
      seen.add(a.kind);
      const w = a.writeAccess;
      if (!w) return;
      const namespaces = w.namespaces ?? [];
      if (namespaces.length === 0) {
        p(`${at}.writeAccess.namespaces`, w.namespaces, 'write access without a namespace scope would let the agent change objects anywhere in the cluster',
          'list the namespaces the agent may change objects in (e.g. ["team-a"]), or leave writeAccess out to keep the agent read-only');
      }
      namespaces.forEach((n, j) => {
        if (typeof n !== 'string' || !isDns1123Label(n)) {
          p(`${at}.writeAccess.namespaces[${j}]`, n, 'not a namespace name', 'give a DNS-1123 label such as "team-a"');
        } else if (n.startsWith('kube-')) {
          p(`${at}.writeAccess.namespaces[${j}]`, n, 'a system namespace: the assistant never changes the cluster\'s own components', 'scope write access to the namespaces of teams or of your workloads');
        }
      });
      const verbs = w.verbs ?? [];
      if (verbs.length === 0) {
        p(`${at}.writeAccess.verbs`, w.verbs, 'write access without verbs grants nothing', 'list the verbs, e.g. [AgentWriteVerb.PATCH], or leave writeAccess out');
      }
      verbs.forEach((v, j) => {
        if (!(Object.values(AgentWriteVerb) as string[]).includes(v)) {
          p(`${at}.writeAccess.verbs[${j}]`, v, 'not a write verb the assistant grants', `use one of ${Object.values(AgentWriteVerb).join(', ')} (the AgentWriteVerb enum)`);
        }
      });
    });
    return out;
  }

  /** The agents the assistant runs by default: diagnostics and platform, read-only. */
  public static defaultAgents(): AssistantAgentSpec[] {
    return [{ kind: AssistantAgentKind.DIAGNOSTICS }, { kind: AssistantAgentKind.PLATFORM }];
  }

  private constructor() {}
}
