/**
 * The verifier: schemas with CEL, terraform validate/plan, upstream releases and the whole-platform checks. Loads no CDK.
 * @packageDocumentation
 * @module cnai-constructs/verify
 */
// Checks of synthesized output, for the project's tests and for users (library API and
// the `cnai-verify` command). Imports neither CDK: it reads files and plain objects.
export * from './schemas';
export * from './k8s';
export * from './terraform';
export * from './upstream';
export * from './platform/model';
export * from './platform/model-builder';
export * from './platform/verify-references';
export * from './platform/reference-report';
export * from './platform/verify-platform';
export { FlowFindingKind, FlowKind, checkFlows, neededFlows, checkDataServiceIsolation } from './platform/flows';
export type { FlowCheck, FlowOptions, FlowResult, FlowFinding, NeededFlow, NeededFlows, DataServiceIsolation } from './platform/flows';
export type { PolicyDecision, Endpoint, PodEndpoint, ExternalEndpoint, SideDecision, RuleRef, Direction, Traffic } from './platform/network-policy';
export { NetworkPolicyEvaluator } from './platform/network-policy';
export * from './report';
export * from './policy';
