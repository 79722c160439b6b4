import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AdmissionExemptions, AdmissionPolicyOptions, HostAccessExemption, WorkloadExemption } from './admission-options';
import { AdmissionPolicy, AdmissionPolicyMode, AdmissionPolicyProps } from './admission-policy';
import { gpuQueuePolicy } from './gpu-queue-policy';
import { hostAccessPolicy } from './host-access-policy';
import { imagePolicy } from './image-policy';
import { contractImageSources, pinnedImagePublishers, withoutCovered } from './image-sources';
import { modelSourcePolicy } from './model-source-policy';
import { servingIdentityPolicy } from './serving-identity-policy';
import { trainingIdentityPolicy } from './training-identity-policy';
import { DATA_SERVICES, PlatformContract, TRAINING } from '../../core/contract';
import { ProblemCollector } from '../../core/errors';
import { NAME_RULES, satisfiesNameRule } from '../../core/names';
import { TEAM_LABEL } from '../kueue-queues';

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
 *   workloads people create or change.
 *
 * The first four start in {@link AdmissionPolicyMode.WARN} (warnings and audit events);
 * `mode: AdmissionPolicyMode.ENFORCE` makes their bindings deny. The training identity
 * and serving identity boundaries are enforced from the start (`trainingIdentityMode`,
 * `servingIdentityMode`).
 */
export class PlatformAdmissionPolicies extends Construct {
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
  /** The policies by name. */
  public readonly policies: { [name: string]: AdmissionPolicy } = {};

  constructor(scope: Construct, id: string, props: PlatformAdmissionPoliciesProps) {
    super(scope, id);
    const where = this.node.path;
    const problems = new ProblemCollector();
    this.mode = props.mode ?? AdmissionPolicyMode.WARN;
    this.trainingIdentityMode = props.trainingIdentityMode ?? AdmissionPolicyMode.ENFORCE;
    this.servingIdentityMode = props.servingIdentityMode ?? AdmissionPolicyMode.ENFORCE;

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
    this.trainingServiceAccounts.forEach((sa, i) => problems.check(typeof sa === 'string' && satisfiesNameRule(sa, NAME_RULES.dns1123Subdomain), {
      construct: where, prop: `trainingServiceAccounts[${i}]`, value: sa, problem: 'not a service account name', fix: 'give the name of a service account (a DNS-1123 subdomain)',
    }));
    this.servingServiceAccounts = [...new Set(props.servingServiceAccounts
      ?? (props.contract.workloadIdentities ?? []).map((w) => w.serviceAccount).filter((sa) => !this.trainingServiceAccounts.includes(sa)))].sort();
    this.servingServiceAccounts.forEach((sa, i) => problems.check(typeof sa === 'string' && satisfiesNameRule(sa, NAME_RULES.dns1123Subdomain), {
      construct: where, prop: `servingServiceAccounts[${i}]`, value: sa, problem: 'not a service account name', fix: 'give the name of a service account (a DNS-1123 subdomain)',
    }));
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
    for (const p of all) this.policies[p.name] = new AdmissionPolicy(this, p.name, p);
  }

  private checkNamespace(problems: ProblemCollector, prop: string, value: string): void {
    problems.check(typeof value === 'string' && satisfiesNameRule(value, NAME_RULES.dns1123Label), {
      construct: this.node.path, prop, value, problem: 'not a namespace name (a DNS-1123 label)', fix: 'give the namespace\'s name',
    });
  }

  private checkReason(problems: ProblemCollector, prop: string, value: string): void {
    problems.check(typeof value === 'string' && value.trim().length >= MIN_REASON, {
      construct: this.node.path,
      prop,
      value,
      problem: 'an exemption needs a stated reason',
      fix: `say which workload needs it and what for (at least ${MIN_REASON} characters); the reason is written on the policy`,
    });
  }
}

/** A registry host as image references name it: a domain, a host with a port, or localhost. */
function isRegistryHost(part: string): boolean {
  return part.includes('.') || part.includes(':') || part === 'localhost';
}

/** Prefixes without those another one covers (`served/chat/` under `served/`). */
function withoutPrefixed(prefixes: string[]): string[] {
  return prefixes.filter((p) => !prefixes.some((q) => q !== p && p.startsWith(q))).sort();
}
