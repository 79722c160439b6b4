/** The shape of an operations assistant agent's role: its RBAC rules and instructions (the roles themselves are in agent-roles.ts). */

/** One RBAC rule. */
export interface AgentRule {
  /** API groups (`''` for the core group). */
  readonly apiGroups: string[];
  /** Resources (and subresources). */
  readonly resources: string[];
  /** Verbs. */
  readonly verbs: string[];
}

/** What one agent is: its name, description, instructions and reads. */
export interface AgentRole {
  /** Name of the Agent (and prefix of its objects). */
  readonly name: string;
  /** Description (the Agent's, shown to users and to other agents). */
  readonly description: string;
  /** What the agent answers, and how (before the platform's facts). */
  readonly instructions: string;
  /** Cluster-wide read rules of its MCP server. */
  readonly readRules: AgentRule[];
  /** Namespaced resources it may change with write access (by API group), when given. */
  readonly writable: AgentRule[];
}
