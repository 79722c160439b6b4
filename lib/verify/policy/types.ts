/**
 * The shape of policy rules (cdk-nag's: an id, a short info line, an explanation, a severity,
 * and a pure function that answers compliant / non-compliant / not applicable per resource),
 * the resources they look at (Terraform resources of a stack, Kubernetes objects of the
 * platform model), and what a run reports.
 */
import { PlatformContract } from '../../core/contract';
import { PlatformSpec } from '../../core/platform-spec';
import { PolicySuppression } from '../../core/policy-suppressions';
import { FlowCheck } from '../platform/flows';
import { ModelObject, PlatformModel, PodGroup } from '../platform/model';
import { KubeObject } from '../upstream/types';

/** The packs. */
export enum PolicyPack {
  /** EKS and AWS data protection (Terraform): encryption with CMKs, rotation, public access, logging, backups, IMDSv2, IAM wildcards. */
  AWS_DATA_PROTECTION = 'aws-data-protection',
  /** The Kubernetes Pod Security Standards (restricted) field by field, plus hygiene. */
  POD_SECURITY = 'pod-security',
  /** Default-deny, no public load balancers or node ports, flows only as declared. */
  NETWORK_ISOLATION = 'network-isolation',
  /** GPU workloads through Kueue, models from the model store, tracing content off, payload storage only where opted in. */
  AI_PLATFORM = 'ai-platform',
}

/** How bad a finding is (the Security Hub scale). */
export enum PolicySeverity {
  HIGH = 'high',
  MEDIUM = 'medium',
  LOW = 'low',
}

/** Which output a rule reads. */
export enum PolicyLayer {
  TERRAFORM = 'terraform',
  KUBERNETES = 'kubernetes',
}

/** A public benchmark control a rule follows. */
export interface BenchmarkReference {
  /** The benchmark (e.g. `AWS Foundational Security Best Practices`, `CIS Amazon EKS Benchmark`). */
  readonly benchmark: string;
  /** The control in it (e.g. `S3.17`, `4.2.1`, `Running as Non-root`). */
  readonly control: string;
  /** Where it is described. */
  readonly url: string;
}

/** The answer of a rule for one resource. */
export enum RuleStatus {
  COMPLIANT = 'compliant',
  NON_COMPLIANT = 'non-compliant',
  NOT_APPLICABLE = 'not-applicable',
}

/** One thing wrong with a resource. */
export interface Violation {
  /**
   * What in the resource (e.g. `container config-manager`, `statement XRayWrite`): the
   * `appliesTo` of a suppression that targets this finding.
   * @default - the resource as a whole
   */
  readonly subject?: string;
  /** What is wrong. */
  readonly message: string;
  /** What to change. */
  readonly fix: string;
}

/** What a rule answers for one resource. */
export interface RuleResult {
  readonly status: RuleStatus;
  /** For non-compliant resources: each violation. */
  readonly violations: Violation[];
}

/** A Terraform resource (or data source) of a synthesized stack. */
export interface TerraformResourceInfo {
  /** The stack (its folder name under cdktf.out/stacks, or the name given). */
  readonly stack: string;
  /** Resource type (`aws_s3_bucket`). */
  readonly type: string;
  /** Resource name (cdktf's unique id). */
  readonly name: string;
  /** `type.name` (`data.type.name` for data sources). */
  readonly address: string;
  /** The construct path cdktf writes into `//.metadata.path`. */
  readonly constructPath?: string;
  /** The resource's body (without `//`). */
  readonly body: { [key: string]: any };
  /** Suppressions written onto the resource (`//.cnai_suppress`). */
  readonly suppressions: PolicySuppression[];
  /** Malformed suppression entries (reported, never applied). */
  readonly invalidSuppressions: string[];
  /** Whether it is a data source. */
  readonly dataSource: boolean;
}

/** A Kubernetes object of the platform's own output. */
export interface KubernetesResourceInfo {
  /** `Kind namespace/name`, or `Kind name` for cluster-scoped kinds. */
  readonly address: string;
  readonly object: KubeObject;
  readonly namespace?: string;
  /** Where it is in the output (`file#doc`). */
  readonly location: string;
  /** The pods it runs (built-in workloads, and custom resources an operator turns into pods). */
  readonly podGroups: PodGroup[];
  /** Suppressions written onto the object (`cnai.io/suppress`). */
  readonly suppressions: PolicySuppression[];
  /** Malformed suppression entries (reported, never applied). */
  readonly invalidSuppressions: string[];
}

/** What Terraform rules see besides the resource. */
export interface TerraformContext {
  /** Every resource and data source of the resource's stack. */
  readonly resources: TerraformResourceInfo[];
  /** Resources by address (`type.name`, `data.type.name`). */
  readonly byAddress: Map<string, TerraformResourceInfo>;
  /** The platform's environment (`prod`, ...), from the spec or contract. */
  readonly environment?: string;
  readonly spec?: PlatformSpec;
  readonly contract?: PlatformContract;
}

/** What Kubernetes rules see besides the resource. */
export interface KubernetesContext {
  readonly model: PlatformModel;
  /** The flow check over the model (needed flows and their decisions, findings). */
  readonly flows: FlowCheck;
  /** The platform's own objects, by address. */
  readonly resources: Map<string, KubernetesResourceInfo>;
  /** Team namespaces: labelled `cnai.io/team` in the output, or named by the spec's teams. */
  readonly teamNamespaces: Set<string>;
  /** Buckets of the model store: the contract's, else the spec's stack's in the Terraform input. */
  readonly modelStoreBuckets: string[];
  /** Service accounts (`namespace/name`) with an IAM role: the contract's workload identities, else the stacks' Pod Identity associations. */
  readonly workloadIdentities: Set<string>;
  readonly spec?: PlatformSpec;
  readonly contract?: PlatformContract;
  /** Every object of the model, for lookups (Roles, bindings, ServiceAccounts, releases). */
  readonly objects: ModelObject[];
}

/**
 * An input a rule needs beyond the output: `spec` (the PlatformSpec), `model-store` (the model
 * store's buckets: the contract, or a Terraform stack with its buckets), `workload-identities`
 * (the service accounts with an IAM role: the contract, or the stack's Pod Identity associations).
 */
export type PolicyNeed = 'spec' | 'model-store' | 'workload-identities';

/** The description of a rule (what the report and the README list). */
export interface PolicyRuleInfo {
  /** Rule id (lowercase, `-`-joined, prefixed by its pack: `aws-`, `pod-`, `net-`, `ai-`). */
  readonly id: string;
  readonly pack: PolicyPack;
  /** One line: what compliant means. */
  readonly info: string;
  /** Why it matters, and what the rule checks exactly. */
  readonly explanation: string;
  readonly severity: PolicySeverity;
  /** The public benchmarks it follows. */
  readonly benchmarks: BenchmarkReference[];
  readonly layer: PolicyLayer;
  /**
   * What the rule needs beyond the output: without it, the rule is skipped and the report says so.
   * @default - nothing
   */
  readonly needs?: PolicyNeed[];
}

/** A rule over Terraform resources. */
export interface TerraformRule extends PolicyRuleInfo {
  readonly layer: PolicyLayer.TERRAFORM;
  /** Resource types it looks at (`data.` prefixed for data sources). */
  readonly resourceTypes: string[];
  evaluate(resource: TerraformResourceInfo, context: TerraformContext): RuleResult;
}

/** A rule over the platform's Kubernetes objects. */
export interface KubernetesRule extends PolicyRuleInfo {
  readonly layer: PolicyLayer.KUBERNETES;
  evaluate(resource: KubernetesResourceInfo, context: KubernetesContext): RuleResult;
}

/** Any rule. */
export type PolicyRule = TerraformRule | KubernetesRule;

/** A non-compliance found by a run. */
export interface PolicyFinding {
  readonly ruleId: string;
  readonly pack: PolicyPack;
  readonly severity: PolicySeverity;
  readonly layer: PolicyLayer;
  /** `type.name` (Terraform) or `Kind namespace/name` (Kubernetes). */
  readonly resource: string;
  /** The construct path (Terraform: from the output's `//.metadata.path`). */
  readonly constructPath?: string;
  /** Where in the output: the stack, or `file#doc`. */
  readonly location: string;
  /**
   * What in the resource.
   * @default - the resource as a whole
   */
  readonly subject?: string;
  readonly message: string;
  readonly fix: string;
  /** The suppression that covers it (its reason is reported), if any. */
  readonly suppression?: PolicySuppression;
}

/** Helpers to build rule results. */
export const Results = {
  compliant(): RuleResult {
    return { status: RuleStatus.COMPLIANT, violations: [] };
  },
  notApplicable(): RuleResult {
    return { status: RuleStatus.NOT_APPLICABLE, violations: [] };
  },
  of(violations: Violation[]): RuleResult {
    return violations.length === 0 ? { status: RuleStatus.COMPLIANT, violations } : { status: RuleStatus.NON_COMPLIANT, violations };
  },
};
