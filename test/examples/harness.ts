/**
 * Every example is a standalone app: `npx cdktf synth` (cdktf.json) and `npx cdk8s synth`
 * (cdk8s.yaml) run in its folder as a cdktf or cdk8s user runs them, and what they write is
 * verified: Terraform with `terraform validate` and an offline `terraform plan`, manifests
 * against the Kubernetes and CRD schemas.
 *
 * The examples import the package by name, as users do: Node resolves it to the compiled
 * build/ (compiled first here when missing or stale), and the app command in each config runs
 * sucrase (transpile only) on the example's own files (they are type-checked with the rest of the
 * repo: tsconfig.dev.json includes examples/). Each run records, in every process of the CLI,
 * which modules were loaded: an example's app never compiles the library, and its Kubernetes
 * entry never loads cdktf or the AWS provider.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { CliRun, entryPoint, ProcessRecord, runCli } from '../../bench/cli-run';
import { ASSISTANT_SPEC } from '../../examples/assistant/spec';
import { DELIVERY_SPEC } from '../../examples/delivery/spec';
import { EXISTING_CLUSTER } from '../../examples/existing-cluster/cluster';
import { FINE_TUNE_SPEC } from '../../examples/fine-tune/spec';
import { GATEWAY_SPEC } from '../../examples/gateway/spec';
import { K8S_PLATFORM_AWS, K8S_PLATFORM_SPEC } from '../../examples/k8s-platform/spec';
import { LLM_SERVING_AWS, LLM_SERVING_SPEC } from '../../examples/llm-serving/spec';
import { OBSERVABILITY_SPEC } from '../../examples/observability/spec';
import { PREDICTIVE_SPEC } from '../../examples/predictive/spec';
import { RAG_AWS, RAG_SPEC } from '../../examples/rag/spec';
import { REFERENCE_SPEC } from '../../examples/reference-platform/spec';
import { ContractPreview, ContractPreviewOptions, DATA_SERVICES, ExistingClusterContract, PlatformContract, PlatformSpec } from '../../lib/core';
import { assertValidManifests } from '../../lib/verify/k8s';
import { clusterAddressesOf, formatPlatformReport, verifyPlatform } from '../../lib/verify/platform/verify-platform';
import { formatPolicyReport, PolicyLayer, runPolicyPacks } from '../../lib/verify/policy';
import { verifyTerraformStack } from '../../lib/verify/terraform';
import { ensureBuild } from '../../scripts/ensure-build';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');
/** A CLI run (seconds; a minute on a busy machine). */
const CLI_TIMEOUT_MS = 180_000;
/** A synth and its verification (a first `terraform plan` of a big stack takes a minute). */
const TEST_TIMEOUT_MS = 400_000;

/** What each example synthesizes. */
export interface ExampleCase {
  readonly name: string;
  /** Stacks `npx cdktf synth` writes (the example has a cdktf.json). */
  readonly stacks?: string[];
  /** Run `terraform plan` after validate (else validate only). */
  readonly plan?: boolean;
  /** The example has a cdk8s.yaml. */
  readonly k8s?: boolean;
  /** Both layers from one spec: every Pod Identity association names a service account the manifests create. */
  readonly crossCheckIdentities?: boolean;
  /**
   * The spec of the example, for the policy packs (drift opt-ins, the environment) and the
   * contract preview (model store buckets and workload identities when there is no Terraform).
   */
  readonly spec?: PlatformSpec;
  /** What the example's AWS layer adds beyond the spec (its contract preview's options). */
  readonly aws?: ContractPreviewOptions;
  /**
   * The contract of an example without a spec (a cluster described by hand): its VPC block is
   * where the API server and the nodes are, for the flow checks.
   */
  readonly contract?: PlatformContract;
}

export const CASES: ExampleCase[] = [
  { name: 'reference-platform', stacks: ['cnai-reference'], plan: true, k8s: true, crossCheckIdentities: true, spec: REFERENCE_SPEC },
  { name: 'rag', stacks: ['cnai-rag'], plan: true, k8s: true, crossCheckIdentities: true, spec: RAG_SPEC, aws: RAG_AWS },
  { name: 'fine-tune', stacks: ['cnai-fine-tune'], plan: true, k8s: true, crossCheckIdentities: true, spec: FINE_TUNE_SPEC },
  // Planned by test/aws/aws-platform-example.test.ts; here the CLI and validate.
  { name: 'aws-platform', stacks: ['cnai-aws-platform'], plan: false },
  // An EKS cluster that already runs, imported by attributes, with a GPU pool and a model's identity.
  { name: 'existing-eks', stacks: ['cnai-existing-eks'], plan: true },
  { name: 'k8s-platform', k8s: true, spec: K8S_PLATFORM_SPEC, aws: K8S_PLATFORM_AWS },
  // A cluster the user already runs, described by hand: the Kubernetes layer alone, no cdktf.
  { name: 'existing-cluster', k8s: true, contract: ExistingClusterContract.create(EXISTING_CLUSTER) },
  { name: 'llm-serving', k8s: true, spec: LLM_SERVING_SPEC, aws: LLM_SERVING_AWS },
  // The managed Prometheus and Grafana option: its AWS side planned, its Kubernetes side verified
  // (its spec's registry identity has no server in this example, so no identity cross-check).
  { name: 'observability', stacks: ['cnai-observability'], plan: true, k8s: true, spec: OBSERVABILITY_SPEC },
  // A tabular model (XGBoost) on KServe's predictive runtime, from the spec on both layers.
  { name: 'predictive', stacks: ['cnai-predictive'], plan: true, k8s: true, crossCheckIdentities: true, spec: PREDICTIVE_SPEC },
  // Natural-language operations: kagent agents and k8sgpt analysis on a served chat model through the gateway.
  { name: 'assistant', stacks: ['cnai-assistant'], plan: true, k8s: true, crossCheckIdentities: true, spec: ASSISTANT_SPEC },
  // A served LLM delivered progressively (evaluation, Argo Rollouts canary under gates, MLflow alias), from the spec on both layers.
  { name: 'delivery', stacks: ['cnai-delivery'], plan: true, k8s: true, crossCheckIdentities: true, spec: DELIVERY_SPEC },
  // The model gateway reached from the VPC: OIDC tokens of the client teams, token budgets, an internal NLB with TLS (AWS Load Balancer Controller).
  { name: 'gateway', stacks: ['cnai-gateway'], plan: true, k8s: true, crossCheckIdentities: true, spec: GATEWAY_SPEC },
];

/** Runs `npx <cli> synth --output <outdir>` in the example's folder (as users do), recording what every process loads. */
function synth(example: string, cli: 'cdktf' | 'cdk8s', outdir: string): CliRun {
  return runCli(path.join(EXAMPLES, example), cli, outdir, { root: ROOT, workDir: path.join(work, 'processes'), timeoutMs: CLI_TIMEOUT_MS, env: { CI: '1' } });
}

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f));
}

const timings: string[] = [];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-examples-cli-'));
beforeAll(() => {
  // The examples load the compiled library (their app commands never compile it).
  const compiled = ensureBuild(ROOT);
  if (compiled) timings.push(`compiled build/ first (${compiled})`);
}, CLI_TIMEOUT_MS * 2);
afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  // eslint-disable-next-line no-console
  console.log(`examples via the CLIs (ms):\n  ${timings.join('\n  ')}`);
});

export { entryPoint };

/** The example's app loaded the library compiled (build/), none of its sources. */
function expectCompiledLibrary(app: ProcessRecord): void {
  expect(app.librarySources).toEqual([]);
  expect(app.buildFiles).toBeGreaterThan(0);
}

/** The tests of one example (one test file per example, so jest runs them in parallel). */
export function exampleTests(name: string): void {
  const c = CASES.find((x) => x.name === name)!;
  if (!c) throw new Error(`no example case ${name}`);
  describe(`examples/${c.name}`, () => {
    const tfOut = path.join(work, c.name, 'cdktf.out');
    const k8sOut = path.join(work, c.name, 'dist');

    if (c.stacks) {
      test(`npx cdktf synth: ${c.plan ? 'terraform validates and plans' : 'terraform validates'} ${c.stacks.join(', ')}`, () => {
        const run = synth(c.name, 'cdktf', tfOut);
        const ms = run.wallMs;
        expectCompiledLibrary(run.app);
        const stacksDir = path.join(tfOut, 'stacks');
        expect(fs.readdirSync(stacksDir).sort()).toEqual([...c.stacks!].sort());
        for (const stack of c.stacks!) {
          const result = verifyTerraformStack(path.join(stacksDir, stack), { plan: c.plan ?? true });
          expect(result.validated).toBe(true);
          expect(result.planned).toBe(c.plan ?? true);
          if (c.plan) expect(result.plannedResourceCount).toBeGreaterThan(0);
          timings.push(`${c.name} cdktf synth ${ms}, terraform ${JSON.stringify(result.timingsMs)}${c.plan ? `, ${result.plannedResourceCount} resources planned` : ''}`);
        }
      }, TEST_TIMEOUT_MS);
    }

    if (c.k8s) {
      test('npx cdk8s synth: every manifest is schema-valid', () => {
        const run = synth(c.name, 'cdk8s', k8sOut);
        const ms = run.wallMs;
        expectCompiledLibrary(run.app);
        // The Kubernetes layer's contract preview comes from core: no process loads the AWS layer's CDK.
        expect(run.processes.flatMap((p) => p.cdktf)).toEqual([]);
        const files = yamlFiles(k8sOut);
        expect(files.length).toBeGreaterThan(0);
        const started = Date.now();
        const report = assertValidManifests(files.map((file) => ({ file })));
        expect(report.objectsChecked).toBeGreaterThan(0);
        timings.push(`${c.name} cdk8s synth ${ms}, ${report.objectsChecked} objects in ${files.length} files validated in ${Date.now() - started}`);
      }, TEST_TIMEOUT_MS);
    }

    if (c.k8s) {
      test('the output works as a system: releases match upstream, references resolve, every needed flow is allowed', () => {
        const files = yamlFiles(k8sOut);
        expect(files.length).toBeGreaterThan(0);
        const bootstrap = path.join(k8sOut, 'bootstrap');
        const started = Date.now();
        const result = verifyPlatform(files.map((file) => ({ file })), {
          bootstrapDir: fs.existsSync(bootstrap) ? bootstrap : undefined,
          ...(c.contract ? { model: { clusterAddresses: clusterAddressesOf(c.contract) } } : {}),
        });
        if (!result.valid) throw new Error(formatPlatformReport(result));
        expect(result.releases.releases.length).toBeGreaterThan(0);
        expect(result.flows.results.length).toBeGreaterThan(0);
        timings.push(`${c.name} whole-platform verification in ${Date.now() - started}: ${result.releases.releases.length} releases, `
        + `${result.references.references} references, ${result.flows.results.length} flows`);
      }, TEST_TIMEOUT_MS);
    }

    test('the policy packs pass: zero unsuppressed findings, every suppression with its reason, none malformed', () => {
      const files = c.k8s ? yamlFiles(k8sOut).map((file) => ({ file })) : undefined;
      const stacks = c.stacks?.map((stack) => ({ file: path.join(tfOut, 'stacks', stack) }));
      const started = Date.now();
      const report = runPolicyPacks({ ...(files ? { kubernetes: files } : {}), ...(stacks ? { terraform: stacks } : {}) }, {
        ...(c.spec ? { spec: c.spec, contract: ContractPreview.fromSpec(c.spec, c.aws ?? {}) } : {}),
        ...(c.contract ? { contract: c.contract } : {}),
      });
      if (!report.passed) throw new Error(formatPolicyReport(report));
      expect(report.findings.filter((f) => !f.suppression)).toEqual([]);
      expect(report.invalidSuppressions).toEqual([]);
      // Every suppression reaches the report with its reason (the Suppressions helpers require one).
      expect(report.findings.filter((f) => f.suppression && f.suppression.reason.length < 10)).toEqual([]);
      expect(report.resourcesChecked.kubernetes + report.resourcesChecked.terraform).toBeGreaterThan(0);
      // With a spec every rule of the layers present runs.
      const absentLayer = (layer: PolicyLayer) => layer === PolicyLayer.TERRAFORM && !c.stacks;
      if (c.spec && c.k8s) expect(report.rules.filter((r) => r.skipped && !absentLayer(r.rule.layer)).map((r) => r.rule.id)).toEqual([]);
      timings.push(`${c.name} policy packs in ${Date.now() - started}: ${report.rules.filter((r) => !r.skipped).length} rules, `
        + `${report.findings.length} findings, all suppressed with a reason; ${report.unusedSuppressions.length} unused suppressions`);
    });

    test('what it synthesizes matches its reviewed inventory (objects, images, releases, Terraform resources)', () => {
      // The snapshot is reviewed by people and never written by CI (jest --ci): a changed
      // inventory fails until `npx jest -u test/examples/<name>.test.ts` is run and its diff reviewed.
      expect(inventoryOf(c, c.k8s ? k8sOut : undefined, c.stacks ? tfOut : undefined)).toMatchSnapshot();
    });

    if (c.crossCheckIdentities) {
      test('each Pod Identity association of the Terraform names a service account of the manifests', () => {
        const associations = c.stacks!.flatMap((stack) => {
          const tf = JSON.parse(fs.readFileSync(path.join(tfOut, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
          return Object.values<any>(tf.resource?.aws_eks_pod_identity_association ?? {}).map((a) => `${a.namespace}/${a.service_account}`);
        });
        const objects = yamlFiles(k8sOut).flatMap((f) => parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJSON()).filter((o) => o));
        const serviceAccounts = objects.filter((o) => o.kind === 'ServiceAccount').map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
        // Operator controllers' accounts (External Secrets, Karpenter) come from their charts: the
        // Argo CD Application's Helm values name them, in the release's namespace.
        const fromCharts = objects.filter((o) => o.kind === 'Application').flatMap((o) => {
          const values = o.spec.source?.helm?.valuesObject ?? parseYaml(o.spec.source?.helm?.values ?? '{}') ?? {};
          return values.serviceAccount?.name ? [`${o.spec.destination.namespace}/${values.serviceAccount.name}`] : [];
        });
        expect(fromCharts).toContain(`${DATA_SERVICES.secretsReader.namespace}/${DATA_SERVICES.secretsReader.serviceAccount}`);
        expect(associations.length).toBeGreaterThan(0);
        expect(associations.filter((a) => !serviceAccounts.includes(a) && !fromCharts.includes(a))).toEqual([]);
      });
    }
  });
}

/** Images an object names: pod templates' containers (any depth, custom resources too), Helm values and kustomize overrides of Applications. */
function imagesIn(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    value.forEach((v) => imagesIn(v, into));
  } else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    // Helm values' images ({ registry?, repository, tag }).
    if (typeof o.repository === 'string' && typeof o.tag === 'string') {
      // Some charts split the repository further ({ registry, repository, name, tag }).
      const name = typeof o.name === 'string' ? `/${o.name}` : '';
      into.add(`${typeof o.registry === 'string' ? `${o.registry}/` : ''}${o.repository}${name}:${o.tag}`);
    }
    for (const [key, v] of Object.entries(o)) {
      if (key === 'image' && typeof v === 'string') into.add(v);
      // Kustomize image overrides (`name=newName:tag`) of an Application's source.
      else if (key === 'images' && Array.isArray(v) && v.every((i) => typeof i === 'string')) v.forEach((i) => into.add(i));
      else imagesIn(v, into);
    }
  }
}

/**
 * A reviewable inventory of an example's output: every Kubernetes object (kind, namespace and
 * name, per file), every image, every Argo CD Application's source, and every Terraform resource
 * address. Small enough to read in a diff, exact enough that an unintended change shows.
 */
function inventoryOf(c: ExampleCase, k8sOut: string | undefined, tfOut: string | undefined): string {
  const lines: string[] = [];
  if (k8sOut) {
    const images = new Set<string>();
    const releases: string[] = [];
    const walk = (dir: string, rel: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) { walk(full, `${rel}${entry.name}/`); continue; }
        if (!/\.ya?ml$/.test(entry.name)) continue;
        lines.push(`${rel}${entry.name}`);
        const objects = parseAllDocuments(fs.readFileSync(full, 'utf8')).map((d) => d.toJSON()).filter((o) => o && o.kind);
        for (const o of objects) {
          lines.push(`  ${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`);
          imagesIn(o.spec, images);
          if (o.kind === 'Application') {
            for (const s of o.spec?.sources ?? (o.spec?.source ? [o.spec.source] : [])) {
              releases.push(`${o.metadata.name}: ${s.repoURL} ${s.chart ?? s.path ?? ''}@${s.targetRevision}`);
            }
          }
        }
      }
    };
    walk(k8sOut, '');
    lines.push('images:', ...[...images].sort().map((i) => `  ${i}`));
    lines.push('releases:', ...releases.sort().map((r) => `  ${r}`));
  }
  for (const stack of tfOut ? c.stacks ?? [] : []) {
    const tf = JSON.parse(fs.readFileSync(path.join(tfOut!, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
    lines.push(`terraform ${stack}:`);
    for (const [type, byName] of Object.entries<Record<string, unknown>>(tf.resource ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`  ${type}: ${Object.keys(byName).length}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
