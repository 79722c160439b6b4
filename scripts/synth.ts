/**
 * `npm run synth`: synthesizes the reference platform (examples/reference-platform/spec.ts)
 * into cdktf.out/ (Terraform JSON of the AWS layer) and dist/ (Kubernetes YAML), verifies
 * both with the project's verifier (every object against its schema; terraform validate
 * and an offline plan; the platform as a system) and prints a short summary with the GPU
 * cost per pool, team and served model. It writes the platform report next to the output:
 * report/platform-report.html (one self-contained page: architecture, GPU capacity, cost
 * charts, network flows) and report/cost.json (the cost report as data). Not into dist/:
 * Argo CD applies every YAML and JSON file of that folder.
 *
 * The Kubernetes layer is built from the AWS layer's contract: the applied one when
 * examples/reference-platform/platform-contract.json exists, else a preview.
 *
 * Like the examples it builds, it imports the package by name: one copy of the library, the
 * compiled one in build/ (the `synth` task compiles first when build/ is missing or stale).
 *
 * The policy packs (lib/verify/policy) run over both layers' output: an unsuppressed finding
 * fails the synth (--warn-only reports it and passes); every suppression is listed with its reason.
 *
 * Flags: --no-plan (terraform validate only), --json (print the summary as JSON), --warn-only
 * (policy findings as warnings).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App as Cdk8sApp } from 'cdk8s';
import { App as CdktfApp } from 'cdktf';
import { ContractPreview, CostModel, kubernetesVersionSupport, PlatformContract, scarceCapacityNotes, ServedModelPlacement } from 'cnai-constructs';
import { CnaiPlatform } from 'cnai-constructs/k8s';
import {
  clusterAddressesOf, fetchSchemas, formatPlatformReport, formatPolicyReport, platformFlowsMarkdown, PlatformReport, resolveSchemaDir, runPolicyPacks,
  SchemaDirError, validateManifests, verifyPlatform, verifyTerraformStack,
} from 'cnai-constructs/verify';
import { buildReferenceAws, buildReferenceK8s, k8sApp, referenceContract } from '../examples/reference-platform/main';
import { REFERENCE_SPEC } from '../examples/reference-platform/spec';

const root = path.resolve(__dirname, '..');
/** The reference platform's flows as a Mermaid diagram (docs), rewritten by every synth. */
const FLOWS_DOC = path.join(root, 'docs', 'reference-platform-flows.md');
/** The platform report and the cost report, rewritten by every synth (git-ignored). */
const REPORT_DIR = path.join(root, 'report');
const REPORT_HTML = path.join(REPORT_DIR, 'platform-report.html');
const COST_JSON = path.join(REPORT_DIR, 'cost.json');
const args = new Set(process.argv.slice(2));

function table(title: string, rows: { [k: string]: number | string }): string {
  const keys = Object.keys(rows);
  const width = Math.max(...keys.map((k) => k.length), 10);
  return [title, ...keys.map((k) => `  ${k.padEnd(width)}  ${rows[k]}`)].join('\n');
}

/** Prints a progress line when a phase ends: its name, what it did and how long it took. */
function phase<T>(label: string, fn: () => T, timings: { [k: string]: number }, describe: (r: T) => string = () => ''): T {
  const start = Date.now();
  const result = fn();
  timings[label] = Date.now() - start;
  const what = describe(result);
  console.log(`${label.padEnd(28)} ${String(timings[label]).padStart(6)} ms${what ? `  ${what}` : ''}`);
  return result;
}

async function main(): Promise<void> {
  const timings: { [k: string]: number } = {};
  const tfOut = path.join(root, 'cdktf.out');
  const k8sOut = path.join(root, 'dist');
  fs.rmSync(tfOut, { recursive: true, force: true });
  fs.rmSync(k8sOut, { recursive: true, force: true });
  fs.rmSync(REPORT_DIR, { recursive: true, force: true });

  // 1. Synthesize both layers: the output is written before anything is verified.
  phase('synthesize AWS layer', () => {
    const app = new CdktfApp({ outdir: tfOut });
    buildReferenceAws(app);
    app.synth();
  }, timings, () => path.relative(root, tfOut));
  // As `npx cdk8s synth` in the example's folder: the applied contract, or the preview of the spec.
  const contract: PlatformContract = referenceContract();
  const k8s: CnaiPlatform = phase('synthesize Kubernetes layer', () => {
    const app: Cdk8sApp = k8sApp(k8sOut);
    const platform = buildReferenceK8s(app, contract);
    app.synth();
    return platform;
  }, timings, () => path.relative(root, k8sOut));

  // 2. Verify. Without schema files (and no network to fetch them) the output stays written
  // and the message says what was and was not verified.
  let schemaDir: string;
  try {
    schemaDir = await schemaDirectory();
  } catch (e) {
    throw new Error(`${(e as Error).message}\n\nWritten but not verified: ${path.relative(root, tfOut)}/ and ${path.relative(root, k8sOut)}/ `
      + '(no Kubernetes schema or Terraform check ran).');
  }
  const yamlFiles = fs.readdirSync(k8sOut).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => ({ file: path.join('dist', f), content: fs.readFileSync(path.join(k8sOut, f), 'utf8') }));
  const k8sReport = phase('verify Kubernetes schemas', () => validateManifests(yamlFiles, { schemaDir, kubernetesVersion: contract.kubernetesVersion }), timings,
    (r) => `${r.objectsChecked} objects, ${r.findings.length} findings`);
  if (!k8sReport.valid) {
    console.error(k8sReport.findings.map((f) => `${f.file ?? ''}#${f.documentIndex} ${f.kind}/${f.name} ${f.path}: ${f.reason}`).join('\n'));
    throw new Error(`${k8sReport.findings.length} Kubernetes schema findings: the synthesized output is not valid`);
  }
  const system = phase('verify the platform as a system', () => verifyPlatform(yamlFiles, {
    schemaDir,
    kubernetesVersion: contract.kubernetesVersion,
    model: { clusterAddresses: clusterAddressesOf(contract) },
    bootstrapDir: fs.existsSync(path.join(k8sOut, 'bootstrap')) ? path.relative(process.cwd(), path.join(k8sOut, 'bootstrap')) : undefined,
  }), timings, (v) => `releases ${v.timingsMs.releases} ms, model ${v.timingsMs.model} ms, references ${v.timingsMs.references} ms, flows ${v.timingsMs.flows} ms`);
  if (!system.valid) {
    console.error(formatPlatformReport(system));
    throw new Error('The synthesized platform does not fit together (see above)');
  }
  fs.writeFileSync(FLOWS_DOC, platformFlowsMarkdown(system, 'The reference platform'));
  // The cost of what was synthesized, with the served models where the Kubernetes layer's
  // sizing placed them, and the platform report drawn from the verified output.
  const cost = phase('cost and platform report', () => {
    const placements = Object.entries(k8s.models).map(([name, m]): ServedModelPlacement => ({
      model: name, pool: m.plan.pool.poolName, instanceTypes: m.plan.fittingInstanceTypes, gpusPerReplica: m.plan.gpusPerReplica,
    }));
    const report = CostModel.report(REFERENCE_SPEC, { placements });
    fs.mkdirSync(REPORT_DIR, { recursive: true });
    fs.writeFileSync(COST_JSON, CostModel.toJson(report));
    fs.writeFileSync(REPORT_HTML, PlatformReport.html({ spec: REFERENCE_SPEC, verification: system, cost: report }));
    return report;
  }, timings, () => `${path.relative(root, REPORT_HTML)}, ${path.relative(root, COST_JSON)}`);
  const stacksDir = path.join(tfOut, 'stacks');
  const policy = phase('policy packs', () => runPolicyPacks({
    // The platform's own objects, as the example tests and `cnai-verify policy` read them.
    kubernetes: yamlFiles,
    terraform: fs.readdirSync(stacksDir).sort().map((name) => ({ file: path.join(stacksDir, name) })),
  }, { spec: REFERENCE_SPEC, contract, warnOnly: args.has('--warn-only') }), timings,
  (r) => `${r.findings.filter((f) => !f.suppression).length} unsuppressed, ${r.findings.filter((f) => f.suppression).length} suppressed`);
  if (!policy.passed) {
    console.error(formatPolicyReport(policy));
    throw new Error('The synthesized platform has unsuppressed policy findings (see above): fix them, or suppress each at its construct with a reason');
  }
  const tfResults = fs.readdirSync(stacksDir).sort().map((name) => {
    const r = phase(`terraform ${name}`, () => verifyTerraformStack(path.join(stacksDir, name), { plan: !args.has('--no-plan') }), timings,
      (x) => Object.entries(x.timingsMs).map(([step, ms]) => `${step} ${ms} ms`).join(', '));
    return r;
  });

  const summary = {
    terraform: {
      stacks: tfResults.map((r) => ({
        stack: path.relative(root, r.stackDir),
        validated: r.validated,
        planned: r.planned,
        resources: r.plannedResourceCount,
        resourcesByType: r.plannedResourcesByType,
      })),
    },
    kubernetes: {
      files: yamlFiles.map((f) => f.file),
      objects: k8sReport.objectsChecked,
      objectsPerKind: k8sReport.objectsPerKind,
      celRules: { evaluated: k8sReport.cel.evaluated, skippedTransition: k8sReport.cel.skippedTransition, notEvaluated: k8sReport.cel.notEvaluated },
      kubernetesVersion: k8sReport.kubernetesVersion,
    },
    gpuPools: contract.nodePools.filter((p) => p.gpusPerNode > 0).map((p) => ({
      pool: p.name,
      instanceTypes: p.instanceTypes,
      gpusPerNode: p.gpusPerNode,
      gpuMemoryGiB: p.gpuMemoryGiB,
      maxNodes: p.maxNodes,
      maxGpus: p.gpusPerNode * p.maxNodes,
      efa: p.efa,
    })),
    models: Object.entries(k8s.models).map(([name, m]) => ({
      model: name,
      namespace: m.namespaceName,
      pool: m.plan.pool.poolName,
      instanceType: m.plan.instanceType.name,
      gpusPerReplica: m.plan.gpusPerReplica,
      tensorParallel: m.plan.tensorParallelSize,
      perGpuGiB: `${m.plan.breakdown.requiredGiB.toFixed(1)} of ${m.plan.breakdown.availableGiB.toFixed(1)}`,
      nodesPerReplica: m.plan.nodesPerReplica,
      plan: m.plan.summary,
    })),
    cost,
    policy: {
      passed: policy.passed,
      unsuppressed: policy.findings.filter((f) => !f.suppression).map((f) => `${f.ruleId} ${f.resource}${f.subject ? ` ${f.subject}` : ''}`),
      suppressed: policy.findings.filter((f) => f.suppression).map((f) => ({
        rule: f.ruleId, resource: `${f.resource}${f.subject ? ` ${f.subject}` : ''}`, reason: f.suppression!.reason,
      })),
      skippedRules: policy.rules.filter((r) => r.skipped).map((r) => `${r.rule.id}: ${r.skipped}`),
    },
    contract: ContractPreview.isPreview(contract) ? 'preview (apply-time values marked pending-apply)' : 'applied (platform-contract.json)',
    timingsMs: timings,
  };

  if (args.has('--json')) {
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  const lines: string[] = [];
  for (const s of summary.terraform.stacks) {
    lines.push(table(`Terraform ${s.stack}: validated, ${s.planned ? `planned ${s.resources} resources to create` : 'plan skipped'}`, s.resourcesByType));
  }
  lines.push(table(`Kubernetes ${summary.kubernetes.files.join(', ')}: ${summary.kubernetes.objects} objects valid against Kubernetes ${summary.kubernetes.kubernetesVersion} and the pinned CRDs`
    + ` (CEL rules: ${summary.kubernetes.celRules.evaluated} evaluations, ${summary.kubernetes.celRules.skippedTransition} transition rules skipped, ${summary.kubernetes.celRules.notEvaluated} not evaluated)`,
  summary.kubernetes.objectsPerKind));
  lines.push(table('GPU pools (AWS layer)', Object.fromEntries(summary.gpuPools.map((p) =>
    [p.pool, `${p.instanceTypes.join('/')}: ${p.gpusPerNode} x ${p.gpuMemoryGiB} GiB per node, up to ${p.maxNodes} nodes = ${p.maxGpus} GPUs${p.efa ? ', EFA' : ''}`]))));
  lines.push(table('Models served', Object.fromEntries(summary.models.map((m) =>
    [`${m.namespace}/${m.model}`, m.nodesPerReplica > 1
      // Across nodes (a LeaderWorkerSet per replica): the plan, e.g. `405B bf16: 2 x p5.48xlarge, TP 8, PP 2`.
      ? `${m.pool}: ${m.plan} per replica, ${m.perGpuGiB} GiB per GPU`
      : `${m.pool}: ${m.gpusPerReplica} GPU${m.gpusPerReplica > 1 ? 's' : ''} of ${m.instanceType} per replica, tensor parallel ${m.tensorParallel}, ${m.perGpuGiB} GiB per GPU`]))));
  lines.push(CostModel.formatText(summary.cost));
  const notes = scarceCapacityNotes(REFERENCE_SPEC);
  if (notes.length > 0) lines.push(table('Scarce GPU capacity', Object.fromEntries(notes.map((n) => [n.pool, n.note]))));
  lines.push(`Contract used by the Kubernetes layer: ${summary.contract}`);
  const support = kubernetesVersionSupport(contract.kubernetesVersion);
  lines.push(`Kubernetes ${contract.kubernetesVersion} on EKS: ${support.warning ?? `in standard support${support.endOfStandardSupport ? ` until ${support.endOfStandardSupport}` : ''}`}`);
  lines.push(formatPlatformReport(system).split('\n').join('\n'));
  lines.push(`Flow diagram (Mermaid): ${path.relative(root, FLOWS_DOC)}`);
  lines.push(`Platform report (open in a browser): ${path.relative(root, REPORT_HTML)}; cost report as JSON: ${path.relative(root, COST_JSON)}`);
  lines.push(formatPolicyReport(policy));
  lines.push(table('Timings (ms)', timings));
  console.log(lines.join('\n\n'));
}

/**
 * The schema directory: $CNAI_SCHEMA_DIR, ../shared/schemas, or the cache; on a fresh clone
 * without any of them, the pinned schema files are fetched first (sha256-checked), as the
 * test command does.
 */
async function schemaDirectory(): Promise<string> {
  try {
    return resolveSchemaDir();
  } catch (e) {
    if (!(e instanceof SchemaDirError) || process.env.CNAI_SCHEMA_DIR) throw e;
    console.log('No schema directory found: fetching the pinned schema files (see lib/verify/schema-sources.tsv)...');
    return (await fetchSchemas()).dir;
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
