/**
 * Runs the policy packs over synthesized output: the Terraform JSON of the stacks and the
 * Kubernetes objects of the platform model, each rule on each resource of its layer. A
 * non-compliance is a finding; a finding that a suppression on the resource covers is
 * reported with the suppression's reason, never dropped.
 *
 * ```ts
 * const report = runPolicyPacks({ kubernetes: [{ file: 'dist/0001-cnai-platform.k8s.yaml' }], terraform: [{ file: 'cdktf.out/stacks/cnai' }] },
 *   { spec, contract });
 * console.log(formatPolicyReport(report));
 * if (!report.passed) process.exitCode = 1;
 * ```
 */
import { kubernetesResources } from './kubernetes-resources';
import { allPolicyRules } from './packs';
import { PlatformContract } from '../../core/contract';
import { PlatformSpec } from '../../core/platform-spec';
import { POD_SECURITY_REASON_ANNOTATION, PolicySuppression } from '../../core/policy-suppressions';
import { checkFlows, FlowCheck } from '../platform/flows';
import { PlatformModel } from '../platform/model';
import { buildPlatformModel, BuildPlatformModelOptions, PlatformOutputFile } from '../platform/model-builder';
import { clusterAddressesOf } from '../platform/verify-platform';
import { POD_NAMESPACE_RESTRICTED } from './rules/pod/namespace-restricted';
import { terraformContext, terraformResources, TerraformStackInput } from './terraform-resources';
import {
  KubernetesContext, KubernetesResourceInfo, KubernetesRule, PolicyFinding, PolicyLayer, PolicyNeed, PolicyPack, PolicyRule, PolicyRuleInfo,
  RuleStatus, TerraformResourceInfo, TerraformRule,
} from './types';

/** What the packs read. */
export interface PolicyInput {
  /**
   * The Kubernetes output files (YAML text or parsed objects, or read from disk); the model is
   * built from them without release renders (the packs judge the platform's own objects).
   * @default - no Kubernetes output, unless `model` is given
   */
  readonly kubernetes?: PlatformOutputFile[];
  /**
   * The platform model, e.g. `verifyPlatform(...).model` (then releases' pods count for default-deny and flows).
   * @default - built from `kubernetes`
   */
  readonly model?: PlatformModel;
  /**
   * The flow check over the model, e.g. `verifyPlatform(...).flows`.
   * @default - checked here over the model
   */
  readonly flows?: FlowCheck;
  /**
   * The Terraform stacks (cdk.tf.json).
   * @default - no Terraform output
   */
  readonly terraform?: TerraformStackInput[];
}

/** Options of {@link runPolicyPacks}. */
export interface PolicyRunOptions {
  /**
   * The packs to run.
   * @default - every pack
   */
  readonly packs?: PolicyPack[];
  /**
   * More rules to run (your own), with the packs' rules.
   * @default - none
   */
  readonly rules?: PolicyRule[];
  /**
   * The platform spec (drift monitoring opt-ins, team names, the environment).
   * @default - rules that need it are skipped, and the report says so
   */
  readonly spec?: PlatformSpec;
  /**
   * The platform contract (model store buckets, ECR registry, the environment).
   * @default - the buckets of the Terraform input, when given
   */
  readonly contract?: PlatformContract;
  /**
   * Report unsuppressed findings as warnings: the run passes anyway.
   * @default false
   */
  readonly warnOnly?: boolean;
  /**
   * Options of the model built from `input.kubernetes`.
   * @default - see BuildPlatformModelOptions
   */
  readonly model?: BuildPlatformModelOptions;
}

/** What one rule did in a run. */
export interface PolicyRuleSummary {
  readonly rule: PolicyRuleInfo;
  readonly compliant: number;
  readonly nonCompliant: number;
  readonly notApplicable: number;
  /** Its findings, suppressed or not. */
  readonly findings: number;
  readonly suppressed: number;
  /**
   * Why it did not run (a missing input).
   * @default - it ran
   */
  readonly skipped?: string;
}

/** A suppression that covered no finding (stale, or naming no rule). */
export interface UnusedSuppression {
  readonly resource: string;
  readonly location: string;
  readonly suppression: PolicySuppression;
  /** `no finding` or `no such rule`. */
  readonly why: string;
}

/** A malformed suppression in the output: never applied, and the run fails. */
export interface InvalidSuppression {
  readonly resource: string;
  readonly location: string;
  readonly problem: string;
}

/** The result of {@link runPolicyPacks}. */
export interface PolicyReport {
  /** No unsuppressed finding and no malformed suppression (always true with warnOnly). */
  readonly passed: boolean;
  readonly warnOnly: boolean;
  /** Every finding, suppressed or not, in rule order, then in the order of the output (cdk.tf.json sorts resources by name). */
  readonly findings: PolicyFinding[];
  /** Per rule. */
  readonly rules: PolicyRuleSummary[];
  readonly unusedSuppressions: UnusedSuppression[];
  readonly invalidSuppressions: InvalidSuppression[];
  /** Resources each layer's rules looked at. */
  readonly resourcesChecked: { readonly terraform: number; readonly kubernetes: number };
}

/** The environment of the platform: the spec's, else the contract's. */
function environmentOf(options: PolicyRunOptions): string | undefined {
  return options.spec?.environment ?? options.contract?.environment;
}

/** Buckets of the model store: the contract's, else those the Terraform stacks create (literal names). */
function modelStoreBuckets(options: PolicyRunOptions, terraform: TerraformResourceInfo[]): string[] {
  if (options.contract) return [options.contract.buckets.models, options.contract.buckets.datasets];
  return terraform.filter((r) => !r.dataSource && r.type === 'aws_s3_bucket' && typeof r.body.bucket === 'string' && !r.body.bucket.includes('${'))
    .map((r) => r.body.bucket as string);
}

/** Service accounts with an IAM role: the contract's, else the Pod Identity associations of the stacks. */
function workloadIdentities(options: PolicyRunOptions, terraform: TerraformResourceInfo[]): Set<string> {
  if (options.contract) return new Set(options.contract.workloadIdentities.map((w) => `${w.namespace}/${w.serviceAccount}`));
  return new Set(terraform.filter((r) => !r.dataSource && r.type === 'aws_eks_pod_identity_association'
    && typeof r.body.namespace === 'string' && typeof r.body.service_account === 'string')
    .map((r) => `${r.body.namespace}/${r.body.service_account}`));
}

/** Suppressions the library writes in other forms: a Namespace's pod-security reason. */
function implicitSuppressions(resource: KubernetesResourceInfo): PolicySuppression[] {
  const reason = resource.object.kind === 'Namespace' ? resource.object.metadata.annotations?.[POD_SECURITY_REASON_ANNOTATION] : undefined;
  return reason && reason.trim().length >= 10 ? [{ id: POD_NAMESPACE_RESTRICTED.id, reason: reason.trim() }] : [];
}

interface Subject {
  readonly address: string;
  readonly location: string;
  readonly constructPath?: string;
  readonly suppressions: PolicySuppression[];
  readonly used: Set<PolicySuppression>;
}

/**
 * Runs the policy packs over the output (see the module comment).
 * @returns the report: `passed` is false when an unsuppressed finding (or a malformed suppression) remains, unless `warnOnly`
 */
export function runPolicyPacks(input: PolicyInput, options: PolicyRunOptions = {}): PolicyReport {
  const packs = options.packs ?? Object.values(PolicyPack);
  const rules = [...allPolicyRules().filter((r) => packs.includes(r.pack)), ...(options.rules ?? [])];
  const ids = new Set(rules.map((r) => r.id));
  const knownIds = new Set([...allPolicyRules().map((r) => r.id), ...ids]);

  const stacks = (input.terraform ?? []).map((t) => terraformResources(t));
  const allTerraform = stacks.flat();
  // Without a contract's VPC block, the AWS layer's default one (as verifyPlatform does).
  const model = input.model ?? (input.kubernetes
    ? buildPlatformModel(input.kubernetes, [], { clusterAddresses: clusterAddressesOf(options.contract ?? {}), ...options.model })
    : undefined);
  const kubernetes = model ? kubernetesResources(model) : [];
  const buckets = modelStoreBuckets(options, allTerraform);
  const identities = workloadIdentities(options, allTerraform);

  const missing = (needs: PolicyNeed[] | undefined): string | undefined => {
    const what: { [need in PolicyNeed]: { absent: boolean; text: string } } = {
      'spec': { absent: !options.spec, text: 'the platform spec' },
      'model-store': { absent: buckets.length === 0, text: 'the model store buckets (the contract, or the Terraform stack)' },
      'workload-identities': { absent: !options.contract && !allTerraform.some((r) => r.type === 'aws_eks_pod_identity_association'), text: 'the workload identities (the contract, or the Terraform stack)' },
    };
    const absent = (needs ?? []).filter((n) => what[n].absent);
    return absent.length === 0 ? undefined : `needs ${absent.map((n) => what[n].text).join(' and ')}`;
  };

  const subjects = new Map<string, Subject>();
  const subjectOf = (layer: PolicyLayer, r: TerraformResourceInfo | KubernetesResourceInfo): Subject => {
    const key = `${layer}|${layer === PolicyLayer.TERRAFORM ? `${(r as TerraformResourceInfo).stack}|` : ''}${r.address}`;
    let s = subjects.get(key);
    if (!s) {
      const isTf = layer === PolicyLayer.TERRAFORM;
      const tf = r as TerraformResourceInfo;
      const k8s = r as KubernetesResourceInfo;
      s = {
        address: r.address,
        location: isTf ? `stack ${tf.stack}` : k8s.location,
        ...(isTf && tf.constructPath ? { constructPath: tf.constructPath } : {}),
        suppressions: isTf ? tf.suppressions : [...k8s.suppressions, ...implicitSuppressions(k8s)],
        used: new Set(),
      };
      subjects.set(key, s);
    }
    return s;
  };
  for (const r of allTerraform) subjectOf(PolicyLayer.TERRAFORM, r);
  for (const r of kubernetes) subjectOf(PolicyLayer.KUBERNETES, r);

  const k8sContext: KubernetesContext | undefined = model ? {
    model,
    flows: input.flows ?? checkFlows(model),
    resources: new Map(kubernetes.map((r) => [r.address, r])),
    teamNamespaces: new Set([
      ...[...model.namespaces.values()].filter((n) => n.labels['cnai.io/team'] !== undefined).map((n) => n.name),
      ...(options.spec?.teams ?? []).map((t) => t.name),
    ]),
    modelStoreBuckets: buckets,
    workloadIdentities: identities,
    objects: model.objects,
    ...(options.spec ? { spec: options.spec } : {}),
    ...(options.contract ? { contract: options.contract } : {}),
  } : undefined;
  const environment = environmentOf(options);
  const tfContexts = stacks.map((resources) => terraformContext(resources, {
    ...(environment !== undefined ? { environment } : {}),
    ...(options.spec ? { spec: options.spec } : {}),
    ...(options.contract ? { contract: options.contract } : {}),
  }));

  const findings: PolicyFinding[] = [];
  const summaries: PolicyRuleSummary[] = [];
  for (const rule of rules) {
    const counts = { compliant: 0, nonCompliant: 0, notApplicable: 0, findings: 0, suppressed: 0 };
    const skipped = missing(rule.needs);
    const layerAbsent = rule.layer === PolicyLayer.TERRAFORM ? stacks.length === 0 : !k8sContext;
    if (skipped || layerAbsent) {
      summaries.push({ rule: describe(rule), ...counts, skipped: skipped ?? `no ${rule.layer} output given` });
      continue;
    }
    const record = (layer: PolicyLayer, resource: TerraformResourceInfo | KubernetesResourceInfo, result: ReturnType<PolicyRule['evaluate']>) => {
      if (result.status === RuleStatus.COMPLIANT) { counts.compliant++; return; }
      if (result.status === RuleStatus.NOT_APPLICABLE) { counts.notApplicable++; return; }
      counts.nonCompliant++;
      const subject = subjectOf(layer, resource);
      for (const v of result.violations) {
        const suppression = subject.suppressions.find((s) => s.id === rule.id && (s.appliesTo === undefined || s.appliesTo === v.subject));
        if (suppression) { subject.used.add(suppression); counts.suppressed++; }
        counts.findings++;
        findings.push({
          ruleId: rule.id,
          pack: rule.pack,
          severity: rule.severity,
          layer,
          resource: resource.address,
          ...(subject.constructPath ? { constructPath: subject.constructPath } : {}),
          location: subject.location,
          ...(v.subject !== undefined ? { subject: v.subject } : {}),
          message: v.message,
          fix: v.fix,
          ...(suppression ? { suppression } : {}),
        });
      }
    };
    if (rule.layer === PolicyLayer.TERRAFORM) {
      const tfRule = rule as TerraformRule;
      for (const context of tfContexts) {
        for (const resource of context.resources) {
          const typeKey = resource.dataSource ? `data.${resource.type}` : resource.type;
          if (!tfRule.resourceTypes.includes(typeKey)) continue;
          record(PolicyLayer.TERRAFORM, resource, tfRule.evaluate(resource, context));
        }
      }
    } else {
      const k8sRule = rule as KubernetesRule;
      for (const resource of kubernetes) record(PolicyLayer.KUBERNETES, resource, k8sRule.evaluate(resource, k8sContext!));
    }
    summaries.push({ rule: describe(rule), ...counts });
  }

  const unusedSuppressions: UnusedSuppression[] = [];
  for (const s of subjects.values()) {
    for (const suppression of s.suppressions) {
      if (s.used.has(suppression)) continue;
      if (!knownIds.has(suppression.id)) unusedSuppressions.push({ resource: s.address, location: s.location, suppression, why: 'no such rule' });
      else if (ids.has(suppression.id) && !summaries.find((x) => x.rule.id === suppression.id)?.skipped) unusedSuppressions.push({ resource: s.address, location: s.location, suppression, why: 'no finding' });
    }
  }
  const invalidSuppressions: InvalidSuppression[] = [
    ...allTerraform.flatMap((r) => r.invalidSuppressions.map((problem) => ({ resource: r.address, location: `stack ${r.stack}`, problem }))),
    ...kubernetes.flatMap((r) => r.invalidSuppressions.map((problem) => ({ resource: r.address, location: r.location, problem }))),
  ];
  const warnOnly = options.warnOnly ?? false;
  const unsuppressed = findings.filter((f) => !f.suppression).length;
  return {
    passed: warnOnly || (unsuppressed === 0 && invalidSuppressions.length === 0),
    warnOnly,
    findings,
    rules: summaries,
    unusedSuppressions,
    invalidSuppressions,
    resourcesChecked: { terraform: allTerraform.length, kubernetes: kubernetes.length },
  };
}

/** A rule's description without its function (and resource types): what the report carries. */
function describe(rule: PolicyRule): PolicyRuleInfo {
  return {
    id: rule.id,
    pack: rule.pack,
    info: rule.info,
    explanation: rule.explanation,
    severity: rule.severity,
    benchmarks: rule.benchmarks,
    layer: rule.layer,
    ...(rule.needs ? { needs: rule.needs } : {}),
  };
}
