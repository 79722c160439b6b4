import { k8s } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { AdmissionExemptions, AdmissionPolicyOptions, DormantIdentity, HostAccessExemption, WorkloadExemption } from './admission-options';
import { AdmissionPolicy, AdmissionPolicyMode, AdmissionPolicyProps } from './admission-policy';
import { dormantIdentityPolicy } from './dormant-identity-policy';
import { gpuQueuePolicy } from './gpu-queue-policy';
import { hostAccessPolicy } from './host-access-policy';
import { imagePolicy } from './image-policy';
import { contractImageSources, pinnedImagePublishers, withoutCovered } from './image-sources';
import { modelSourcePolicy } from './model-source-policy';
import { SERVING_IDENTITY_POLICY, servingIdentityPolicy } from './serving-identity-policy';
import { TRAINING_IDENTITY_POLICY, trainingIdentityPolicy } from './training-identity-policy';
import { DATA_SERVICES, PlatformContract, TRAINING, trainingOutputPrefix } from '../../core/contract';
import { invalidProp, ProblemCollector } from '../../core/errors';
import { NAME_RULES, satisfiesNameRule } from '../../core/names';
import { OperationsAssistant } from '../assistant';
import { CnaiKubernetesPlatform } from '../cnai-kubernetes-platform';
import { Suppressions } from '../common';
import { FeatureStore } from '../features';
import { ChatUi, ModelGateway } from '../gateway';
import { TEAM_LABEL } from '../kueue-queues';
import { TelemetryCollector } from '../observability';
import { ModelRegistry } from '../registry';
import { VectorDatabase } from '../retrieval';
import { LlmService, PredictiveService } from '../serving';

/** Props of {@link PlatformAdmissionPolicies}. */
export interface PlatformAdmissionPoliciesProps extends AdmissionPolicyOptions {
  /** The platform contract: the models bucket, and the ECR repositories (their namespace is an image source). */
  readonly contract: PlatformContract;
  /**
   * Namespaces where the platform runs its own workloads (data services, collector, GPU
   * support): the image policy checks them too. Team namespaces are always checked.
   * @default - none
   */
  readonly platformNamespaces?: string[];
  /**
   * Key prefixes of the models bucket served models may load from (each ending with `/`);
   * the team's own training outputs (`training/<namespace>/`) are always allowed.
   * @default - `served/` and the model registry's artifacts (`mlflow/`)
   */
  readonly modelPrefixes?: string[];
  /**
   * The service accounts of the training identity in team namespaces.
   * @default - TRAINING.serviceAccount and TRAINING.sparkServiceAccount (`ml-training`, `ml-training-spark`)
   */
  readonly trainingServiceAccounts?: string[];
  /**
   * The service accounts of the serving identities in team namespaces (the served models').
   * @default - every service account of the contract's workload identities but the training accounts
   */
  readonly servingServiceAccounts?: string[];
}

/**
 * What a platform composed from constructs runs, for {@link PlatformAdmissionPolicies.forPlatform}:
 * its served models (every one in a team namespace must be listed) and the owners of its
 * platform namespaces, besides the policies' options.
 */
export interface PlatformAdmissionOptions extends AdmissionPolicyOptions {
  /**
   * The LLM services of the platform's teams: their GPU workloads are exempt from the Kueue
   * rule (long-running servers) and their model store prefixes are allowed model sources.
   * Every LlmService of a team namespace under the App must be here (synthesis fails otherwise).
   * @default - none
   */
  readonly llmServices?: LlmService[];
  /**
   * The predictive services of the platform's teams: the Deployments of those with GPUs are
   * exempt from the Kueue rule, and their model store prefixes are allowed model sources. Every
   * PredictiveService of a team namespace under the App must be here (synthesis fails otherwise).
   * @default - none
   */
  readonly predictiveServices?: PredictiveService[];
  /**
   * Vector databases: their namespaces are checked by the image policy.
   * @default - none
   */
  readonly vectorDatabases?: VectorDatabase[];
  /**
   * Model registries: their namespaces are checked by the image policy.
   * @default - none
   */
  readonly registries?: ModelRegistry[];
  /**
   * Telemetry collectors: their namespaces are checked by the image policy.
   * @default - none
   */
  readonly collectors?: TelemetryCollector[];
  /**
   * Feature stores: their namespaces are checked by the image policy.
   * @default - none
   */
  readonly featureStores?: FeatureStore[];
  /**
   * Model gateways: their namespaces are checked by the image policy.
   * @default - none
   */
  readonly gateways?: ModelGateway[];
  /**
   * Chat front ends: their namespaces are checked by the image policy.
   * @default - none
   */
  readonly chatUis?: ChatUi[];
  /**
   * Operations assistants: their namespaces (the agents', the analysis') are checked by the image policy.
   * @default - none
   */
  readonly assistants?: OperationsAssistant[];
  /**
   * Namespaces of platform workloads of your own that the image policy should check too.
   * @default - none
   */
  readonly additionalPlatformNamespaces?: string[];
}

/** What a team namespace carries: the team label (TeamNamespace). */
const TEAM_NAMESPACES: k8s.LabelSelector = { matchExpressions: [{ key: TEAM_LABEL, operator: 'Exists' }] };

const IMAGE_SOURCE = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const MODEL_PREFIX = /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*\/$/;
const MIN_REASON = 10;

/**
 * The platform's admission policies (ValidatingAdmissionPolicy, built into Kubernetes: no
 * controller), generated from the contract and the platform's exemptions:
 *
 * - `cnai-gpu-workloads-through-kueue` (team namespaces): what requests GPUs is admitted by
 *   Kueue (queue label; Kueue's admission labels on the pods of admitted Jobs), or is exempt
 *   by name; TrainJobs carry the queue label;
 * - `cnai-allowed-images` (team and platform namespaces): images from the publishers of the
 *   images the library pins or the platform's ECR namespace, pinned by tag (not `latest`)
 *   or digest;
 * - `cnai-no-host-access` (every namespace): no privileged containers, host namespaces or
 *   hostPath volumes, except per namespace with a reason;
 * - `cnai-served-model-sources` (team namespaces): InferenceServices and vLLM servers load
 *   from the model store's allowed prefixes or the platform's ECR repositories;
 * - `cnai-training-identity` (team namespaces): the training service accounts run only in
 *   pods controllers create for queued Jobs, TrainJobs and Notebooks;
 * - `cnai-serving-identity` (team namespaces): the serving service accounts run only in what
 *   controllers apply and run (Argo CD, KServe, the Deployment controller), never in pods or
 *   workloads people create or change;
 * - `cnai-dormant-identities` (the namespaces of dormant service accounts, when there are any):
 *   service accounts upstream creates with rights that nothing of the platform runs as run no
 *   pod and get no token.
 *
 * The first four start in {@link AdmissionPolicyMode.WARN} (warnings and audit events);
 * `mode: AdmissionPolicyMode.ENFORCE` makes their bindings deny. The training identity
 * and serving identity boundaries and the dormant identities are enforced from the start
 * (`trainingIdentityMode`, `servingIdentityMode`, `dormantIdentityMode`).
 */
export class PlatformAdmissionPolicies extends Construct {
  /**
   * The admission policies of a platform composed from constructs, derived from what it runs,
   * in the platform's chart: the image policy checks the namespaces of the GPU support and of
   * the services given; the served models' GPU workloads are exempt from the Kueue rule and their
   * model store prefixes are allowed; the GPU device plugin and the operator releases that need
   * the node get their host access. With both identity boundaries enforced (the default), each
   * team's developer Role is accepted for `pod-create-workload-identity` (the policies refuse
   * people's pods the team's workload identities). `CnaiPlatform` builds its policies with it.
   *
   * Create it after the platform's workloads: an LlmService or PredictiveService of one of the
   * platform's teams that is under the App and not listed fails here, or at synthesis when it is
   * created later (the policies would not know its GPU server nor its model store prefix).
   * @param platform the platform (its contract, teams, GPU support and operator releases)
   * @param id the construct id, under the platform
   * @param options what the platform runs, and the policies' options
   */
  public static forPlatform(platform: CnaiKubernetesPlatform, id: string, options: PlatformAdmissionOptions = {}): PlatformAdmissionPolicies {
    const contract = platform.contract;
    const gpu = platform.gpuSupport;
    const llms = options.llmServices ?? [];
    const predictive = options.predictiveServices ?? [];
    // What each model loads from the models bucket (its team's own training outputs are allowed per namespace already).
    const ownPrefix = (s: LlmService | PredictiveService) => {
      const prefix = s.source.bucket === contract.buckets.models && s.source.prefix ? `${s.source.prefix}/` : undefined;
      return prefix && !prefix.startsWith(trainingOutputPrefix(s.namespaceName)) ? [prefix] : [];
    };
    const policies = new PlatformAdmissionPolicies(platform, id, {
      ...options,
      contract,
      platformNamespaces: [
        gpu?.namespace,
        ...(options.vectorDatabases ?? []).map((v) => v.namespace),
        ...(options.registries ?? []).map((r) => r.namespace),
        ...(options.collectors ?? []).map((c) => c.namespace),
        ...(options.featureStores ?? []).map((f) => f.namespaceName),
        ...(options.gateways ?? []).map((g) => g.namespaceName),
        ...(options.chatUis ?? []).map((c) => c.namespaceName),
        ...(options.assistants ?? []).flatMap((a) => a.namespaces()),
        ...(options.additionalPlatformNamespaces ?? []),
      ].filter((ns): ns is string => ns !== undefined && platform.teams[ns] === undefined),
      additionalModelPrefixes: [...[...llms, ...predictive].flatMap(ownPrefix), ...(options.additionalModelPrefixes ?? [])],
      gpuExemptions: [
        ...llms.flatMap((m) => m.gpuWorkloadNames.map((w) => AdmissionExemptions.servedModel(m.namespaceName, w, m.name))),
        ...predictive.filter((m) => m.gpus > 0).map((m) => AdmissionExemptions.servedModel(m.namespaceName, m.deploymentName, m.name)),
        ...(options.gpuExemptions ?? []),
      ],
      hostAccessExemptions: [
        ...(gpu ? [AdmissionExemptions.gpuDevicePlugin(gpu.namespace)] : []),
        ...AdmissionExemptions.ofReleases(platform.operators?.releases ?? []),
        ...(options.hostAccessExemptions ?? []),
      ],
      dormantIdentities: [
        ...AdmissionExemptions.dormantOfReleases(platform.operators?.releases ?? []),
        ...(options.dormantIdentities ?? []),
      ],
    });
    // Served models created before are refused now; those created after, at synthesis.
    const listed = new Set<IConstruct>([...llms, ...predictive]);
    const unlisted = () => unlistedModels(platform, listed).map((m) => ({
      construct: policies.node.path,
      prop: m.prop,
      value: m.path,
      problem: `${m.kind} ${m.namespace}/${m.name} serves in the team namespace ${m.namespace} of the platform and is not listed, so the `
        + 'policies do not know it: its GPU server would be refused outside Kueue, its model store prefix not allowed',
      fix: `pass it in ${m.prop} of PlatformAdmissionPolicies.forPlatform (create the policies after every served model)`,
    }));
    const problems = new ProblemCollector();
    unlisted().forEach((d) => problems.add(d));
    problems.throwIfAny();
    const check = () => unlisted().map((d) => invalidProp(d.construct, d.prop, d.value, d.problem, d.fix).message);
    policies.node.addValidation({ validate: check });
    policies.acceptDeveloperRoles(platform);
    return policies;
  }

  /** The mode of the platform's rules (every policy but the training identity's). */
  public readonly mode: AdmissionPolicyMode;
  /** The mode of the training identity boundary. */
  public readonly trainingIdentityMode: AdmissionPolicyMode;
  /** Where images may come from (registry, organisation or repository prefixes). */
  public readonly imageSources: string[];
  /** Where served models may load from (`s3://` prefixes; `training/<namespace>/` is added per namespace). */
  public readonly modelLocations: string[];
  /** Workloads whose pods may request GPUs outside Kueue. */
  public readonly gpuExemptions: WorkloadExemption[];
  /** Namespaces whose pods may access their node, and how. */
  public readonly hostAccessExemptions: HostAccessExemption[];
  /** The training service accounts. */
  public readonly trainingServiceAccounts: string[];
  /** The mode of the serving identity boundary. */
  public readonly servingIdentityMode: AdmissionPolicyMode;
  /** The serving service accounts. */
  public readonly servingServiceAccounts: string[];
  /** The mode of the dormant identities' policy. */
  public readonly dormantIdentityMode: AdmissionPolicyMode;
  /** Service accounts no pod runs as and no token is issued for (`cnai-dormant-identities`, when any). */
  public readonly dormantIdentities: DormantIdentity[];
  /** The policies by name. */
  public readonly policies: { [name: string]: AdmissionPolicy } = {};

  constructor(scope: Construct, id: string, props: PlatformAdmissionPoliciesProps) {
    super(scope, id);
    const where = this.node.path;
    const problems = new ProblemCollector();
    this.mode = props.mode ?? AdmissionPolicyMode.WARN;
    this.trainingIdentityMode = props.trainingIdentityMode ?? AdmissionPolicyMode.ENFORCE;
    this.servingIdentityMode = props.servingIdentityMode ?? AdmissionPolicyMode.ENFORCE;
    this.dormantIdentityMode = props.dormantIdentityMode ?? AdmissionPolicyMode.ENFORCE;

    const extraSources = props.additionalImageSources ?? [];
    extraSources.forEach((s, i) => problems.check(typeof s === 'string' && IMAGE_SOURCE.test(s) && isRegistryHost(s.split('/')[0]), {
      construct: where,
      prop: `additionalImageSources[${i}]`,
      value: s,
      problem: 'not an image source: a registry host, optionally with an organisation or repository, without tag, digest, scheme or trailing "/"',
      fix: 'give e.g. "quay.io", "docker.io/my-org" or "123456789012.dkr.ecr.us-west-2.amazonaws.com/team/trainer" (Docker Hub is "docker.io/...")',
    }));
    const checkPrefix = (prop: string, p: string) => problems.check(typeof p === 'string' && MODEL_PREFIX.test(p) && !p.split('/').includes('..'), {
      construct: where, prop, value: p, problem: 'not a key prefix of the models bucket ending with "/"', fix: 'give e.g. "served/" or "fine-tuned/chat/"',
    });
    (props.modelPrefixes ?? []).forEach((p, i) => checkPrefix(`modelPrefixes[${i}]`, p));
    (props.additionalModelPrefixes ?? []).forEach((p, i) => checkPrefix(`additionalModelPrefixes[${i}]`, p));
    const prefixes = [...(props.modelPrefixes ?? ['served/', DATA_SERVICES.registryArtifactPrefix]), ...(props.additionalModelPrefixes ?? [])];
    this.gpuExemptions = props.gpuExemptions ?? [];
    this.gpuExemptions.forEach((e, i) => {
      this.checkNamespace(problems, `gpuExemptions[${i}].namespace`, e.namespace);
      problems.check(typeof e.workload === 'string' && satisfiesNameRule(e.workload, NAME_RULES.dns1123Subdomain), {
        construct: where,
        prop: `gpuExemptions[${i}].workload`,
        value: e.workload,
        problem: 'not a workload name (a DNS-1123 subdomain)',
        fix: 'give the name of the Deployment, StatefulSet, DaemonSet or Job whose pods are exempt',
      });
      this.checkReason(problems, `gpuExemptions[${i}].reason`, e.reason);
    });
    this.hostAccessExemptions = [AdmissionExemptions.kubeSystem(), ...(props.hostAccessExemptions ?? [])];
    (props.hostAccessExemptions ?? []).forEach((e, i) => {
      this.checkNamespace(problems, `hostAccessExemptions[${i}].namespace`, e.namespace);
      problems.check(Array.isArray(e.access) && e.access.length > 0, {
        construct: where,
        prop: `hostAccessExemptions[${i}].access`,
        value: e.access,
        problem: 'an exemption that allows nothing',
        fix: 'list the HostAccess kinds the namespace\'s pods need, e.g. [HostAccess.HOST_PATH]',
      });
      this.checkReason(problems, `hostAccessExemptions[${i}].reason`, e.reason);
    });
    this.trainingServiceAccounts = props.trainingServiceAccounts ?? [TRAINING.serviceAccount, TRAINING.sparkServiceAccount];
    this.trainingServiceAccounts.forEach((sa, i) => this.checkServiceAccount(problems, `trainingServiceAccounts[${i}]`, sa));
    this.servingServiceAccounts = [...new Set(props.servingServiceAccounts
      ?? (props.contract.workloadIdentities ?? []).map((w) => w.serviceAccount).filter((sa) => !this.trainingServiceAccounts.includes(sa)))].sort();
    this.servingServiceAccounts.forEach((sa, i) => this.checkServiceAccount(problems, `servingServiceAccounts[${i}]`, sa));
    this.dormantIdentities = props.dormantIdentities ?? [];
    this.dormantIdentities.forEach((d, i) => {
      this.checkNamespace(problems, `dormantIdentities[${i}].namespace`, d.namespace);
      this.checkServiceAccount(problems, `dormantIdentities[${i}].serviceAccount`, d.serviceAccount);
      this.checkReason(problems, `dormantIdentities[${i}].reason`, d.reason, 'a dormant service account needs a stated reason', 'say what it is granted and why nothing runs as it');
    });
    const platformNamespaces = [...new Set(props.platformNamespaces ?? [])].sort();
    platformNamespaces.forEach((ns, i) => this.checkNamespace(problems, `platformNamespaces[${i}]`, ns));
    problems.throwIfAny();

    const ecr = contractImageSources(props.contract);
    this.imageSources = withoutCovered([...pinnedImagePublishers(), ...ecr, ...extraSources]);
    const uniquePrefixes = withoutPrefixed([...new Set(prefixes)]);
    this.modelLocations = uniquePrefixes.map((p) => `s3://${props.contract.buckets.models}/${p}`);

    const all: AdmissionPolicyProps[] = [
      { ...gpuQueuePolicy(this.gpuExemptions, TEAM_NAMESPACES), mode: this.mode },
      { ...imagePolicy(this.imageSources, TEAM_NAMESPACES, platformNamespaces), mode: this.mode },
      { ...hostAccessPolicy(this.hostAccessExemptions), mode: this.mode },
      { ...modelSourcePolicy(props.contract.buckets.models, uniquePrefixes, ecr, TEAM_NAMESPACES), mode: this.mode },
      { ...trainingIdentityPolicy(this.trainingServiceAccounts, TEAM_NAMESPACES), mode: this.trainingIdentityMode },
      { ...servingIdentityPolicy(this.servingServiceAccounts, TEAM_NAMESPACES), mode: this.servingIdentityMode },
    ];
    const dormant = dormantIdentityPolicy(this.dormantIdentities);
    if (dormant) all.push({ ...dormant, mode: this.dormantIdentityMode });
    for (const p of all) this.policies[p.name] = new AdmissionPolicy(this, p.name, p);
  }

  /**
   * Developers create pods and workloads in their team's namespace, where service accounts have
   * IAM roles (the policy pack's pod-create-workload-identity). With both identity boundaries
   * enforced and every identity of the namespace covered by one of them, their Role is accepted
   * at the construct, with the policies as the reason; otherwise the finding stays.
   */
  private acceptDeveloperRoles(platform: CnaiKubernetesPlatform): void {
    if (this.trainingIdentityMode !== AdmissionPolicyMode.ENFORCE || this.servingIdentityMode !== AdmissionPolicyMode.ENFORCE) return;
    for (const team of Object.values(platform.teams)) {
      const role = team.node.tryFindChild('DeveloperRole');
      const identities = (platform.contract.workloadIdentities ?? []).filter((w) => w.namespace === team.namespaceName);
      const accounts = [...new Set(identities.map((w) => w.serviceAccount))].sort();
      const covered = accounts.every((sa) => this.trainingServiceAccounts.includes(sa) || this.servingServiceAccounts.includes(sa));
      if (!role || accounts.length === 0 || !covered) continue;
      Suppressions.add(role, 'pod-create-workload-identity', `people's pods and workloads in ${team.namespaceName} are refused its workload identities `
        + `(${accounts.join(', ')}) by the enforced admission policies ${TRAINING_IDENTITY_POLICY} and ${SERVING_IDENTITY_POLICY}: only controllers run them `
        + '(TrainJobs, queued Jobs, Notebooks; the served models Argo CD applies); pods/exec into a running pod stays, recorded by the audit log');
    }
  }

  private checkNamespace(problems: ProblemCollector, prop: string, value: string): void {
    problems.check(typeof value === 'string' && satisfiesNameRule(value, NAME_RULES.dns1123Label), {
      construct: this.node.path, prop, value, problem: 'not a namespace name (a DNS-1123 label)', fix: 'give the namespace\'s name',
    });
  }

  private checkServiceAccount(problems: ProblemCollector, prop: string, value: string): void {
    problems.check(typeof value === 'string' && satisfiesNameRule(value, NAME_RULES.dns1123Subdomain), {
      construct: this.node.path, prop, value, problem: 'not a service account name', fix: 'give the name of a service account (a DNS-1123 subdomain)',
    });
  }

  private checkReason(problems: ProblemCollector, prop: string, value: string,
    problem = 'an exemption needs a stated reason', what = 'say which workload needs it and what for'): void {
    problems.check(typeof value === 'string' && value.trim().length >= MIN_REASON, {
      construct: this.node.path,
      prop,
      value,
      problem,
      fix: `${what} (at least ${MIN_REASON} characters); the reason is written on the policy`,
    });
  }

}

/** A served model under the App, in a team namespace of the platform, that the policies were not given. */
interface UnlistedModel {
  readonly kind: string;
  readonly prop: string;
  readonly path: string;
  readonly namespace: string;
  readonly name: string;
}

function unlistedModels(platform: CnaiKubernetesPlatform, listed: Set<IConstruct>): UnlistedModel[] {
  const out: UnlistedModel[] = [];
  for (const c of platform.node.root.node.findAll()) {
    if (listed.has(c)) continue;
    const kind = c instanceof LlmService ? 'LlmService' : c instanceof PredictiveService ? 'PredictiveService' : undefined;
    if (!kind) continue;
    const m = c as LlmService | PredictiveService;
    if (platform.teams[m.namespaceName] === undefined) continue;
    out.push({ kind, prop: kind === 'LlmService' ? 'llmServices' : 'predictiveServices', path: c.node.path, namespace: m.namespaceName, name: m.name });
  }
  return out;
}

/** A registry host as image references name it: a domain, a host with a port, or localhost. */
function isRegistryHost(part: string): boolean {
  return part.includes('.') || part.includes(':') || part === 'localhost';
}

/** Prefixes without those another one covers (`served/chat/` under `served/`). */
function withoutPrefixed(prefixes: string[]): string[] {
  return prefixes.filter((p) => !prefixes.some((q) => q !== p && p.startsWith(q))).sort();
}
