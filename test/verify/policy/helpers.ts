// Runs one rule over literal output, for the rule tests.
import { PlatformContract } from '../../../lib/core';
import { PolicyReport, PolicyRule, PolicyRunOptions, runPolicyPacks, RuleStatus } from '../../../lib/verify/policy';

/** What one rule answered over a literal input. */
export interface RuleRun {
  /** non-compliant if any resource is, else compliant if any is, else not-applicable. */
  readonly status: RuleStatus;
  /** `subject: message` of each finding (subject omitted when none). */
  readonly findings: string[];
  readonly report: PolicyReport;
}

function summarize(report: PolicyReport): RuleRun {
  const s = report.rules[0];
  if (s.skipped) throw new Error(`rule ${s.rule.id} skipped: ${s.skipped}`);
  const status = s.nonCompliant > 0 ? RuleStatus.NON_COMPLIANT : s.compliant > 0 ? RuleStatus.COMPLIANT : RuleStatus.NOT_APPLICABLE;
  return { status, findings: report.findings.map((f) => (f.subject ? `${f.subject}: ${f.message}` : f.message)), report };
}

type Blocks = { [type: string]: { [name: string]: any } };

/** A Terraform stack JSON from resource blocks (`{ type: { name: body } }`) and data blocks. */
export function stack(resource: Blocks, data: Blocks = {}): { [key: string]: any } {
  return { resource, data };
}

/** Runs a Terraform rule over one stack. */
export function runTerraformRule(rule: PolicyRule, json: { [key: string]: any }, options: PolicyRunOptions = {}): RuleRun {
  return summarize(runPolicyPacks({ terraform: [{ name: 'test', json }] }, { packs: [], rules: [rule], ...options }));
}

/** Runs a Kubernetes rule over literal objects (one output file). */
export function runKubernetesRule(rule: PolicyRule, objects: any[], options: PolicyRunOptions = {}, terraform?: { [key: string]: any }): RuleRun {
  return summarize(runPolicyPacks({ kubernetes: [{ file: 'out/test.yaml', content: objects }], ...(terraform ? { terraform: [{ name: 'test', json: terraform }] } : {}) },
    { packs: [], rules: [rule], ...options }));
}

/** A container that meets every pod rule. */
export function goodContainer(name = 'app'): any {
  return {
    name,
    image: 'registry.example.com/app:1.2.3',
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 1000,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    livenessProbe: { httpGet: { path: '/health', port: 8080 } },
    readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
  };
}

/** A pod spec that meets every pod rule. */
export function goodPodSpec(overrides: any = {}): any {
  return {
    automountServiceAccountToken: false,
    priorityClassName: 'cnai-high',
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [goodContainer()],
    volumes: [{ name: 'tmp', emptyDir: {} }],
    ...overrides,
  };
}

/** A Deployment `app` in namespace `ns` with the given pod spec (default: one that meets every pod rule). */
export function deployment(podSpec: any = goodPodSpec(), meta: { name?: string; namespace?: string; labels?: any; annotations?: any } = {}): any {
  const labels = { app: meta.name ?? 'app' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: meta.name ?? 'app', namespace: meta.namespace ?? 'ns', ...(meta.labels ? { labels: meta.labels } : {}), ...(meta.annotations ? { annotations: meta.annotations } : {}) },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
  };
}

/** A Job `job` in namespace `ns`. */
export function job(podSpec: any, meta: { name?: string; namespace?: string; labels?: any } = {}): any {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: meta.name ?? 'job', namespace: meta.namespace ?? 'ns', ...(meta.labels ? { labels: meta.labels } : {}) },
    spec: { template: { spec: { restartPolicy: 'Never', ...podSpec } } },
  };
}

/** A Namespace with labels (and annotations). */
export function namespace(name: string, labels: { [k: string]: string } = {}, annotations?: { [k: string]: string }): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, ...(annotations ? { annotations } : {}) } };
}

/** The default-deny NetworkPolicy of a namespace. */
export function defaultDeny(ns: string): any {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: ns }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
}

/** A platform contract for rules that read one (environment, model store, ECR, workload identities). */
export const CONTRACT: PlatformContract = {
  platformName: 'cnai',
  environment: 'prod',
  region: 'us-west-2',
  accountId: '123456789012',
  clusterName: 'cnai-prod',
  kubernetesVersion: '1.34',
  buckets: { models: 'models-bucket', datasets: 'datasets-bucket' },
  nodePools: [],
  workloadIdentities: [{ namespace: 'team-a', serviceAccount: 'ml-training', roleName: 'cnai-prod-training-team-a' }],
};
