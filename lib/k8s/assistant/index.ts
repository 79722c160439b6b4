// The operations assistant: kagent agents and k8sgpt analysis on the platform's own model.
export * from './agent-role';
export { READ_TOOLS, WRITE_TOOLS } from './agent-roles';
export * from './assistant-agent';
export * from './cluster-analysis';
export * from './operations-assistant';
