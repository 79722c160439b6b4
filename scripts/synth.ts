/**
 * `npm run synth`: synthesizes the reference platform (examples/reference-platform/spec.ts)
 * into cdktf.out/ (Terraform JSON of the AWS layer) and dist/ (Kubernetes YAML), verifies
 * both with the project's verifier (every object against its schema; terraform validate
 * and an offline plan) and prints a short summary.
 *
 * The Kubernetes layer is built from the AWS layer's contract: the applied one when
 * examples/reference-platform/platform-contract.json exists, else a preview.
 *
 * Flags: --no-plan (terraform validate only), --json (print the summary as JSON).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App as Cdk8sApp } from 'cdk8s';
import { App as CdktfApp } from 'cdktf';
import { buildReferenceAws, buildReferenceK8s, k8sApp } from '../examples/reference-platform/main';
import { APPLIED_CONTRACT_FILE, isPreviewContract, previewContract } from '../lib/aws';
import { PlatformContract } from '../lib/core';
import { CnaiPlatform } from '../lib/k8s';
import { validateManifests } from '../lib/verify/k8s';
import { fetchSchemas, resolveSchemaDir, SchemaDirError } from '../lib/verify/schemas';
import { verifyTerraformStack } from '../lib/verify/terraform';

const root = path.resolve(__dirname, '..');
const args = new Set(process.argv.slice(2));

function timed<T>(label: string, fn: () => T, timings: { [k: string]: number }): T {
  const start = Date.now();
  try {
    return fn();
  } finally {
    timings[label] = Date.now() - start;
  }
}

function table(title: string, rows: { [k: string]: number | string }): string {
  const keys = Object.keys(rows);
  const width = Math.max(...keys.map((k) => k.length), 10);
  return [title, ...keys.map((k) => `  ${k.padEnd(width)}  ${rows[k]}`)].join('\n');
}

function main(schemaDir: string): void {
  const timings: { [k: string]: number } = {};
  const tfOut = path.join(root, 'cdktf.out');
  const k8sOut = path.join(root, 'dist');
  fs.rmSync(tfOut, { recursive: true, force: true });
  fs.rmSync(k8sOut, { recursive: true, force: true });

  // 1. AWS layer.
  const aws = timed('synth aws', () => {
    const app = new CdktfApp({ outdir: tfOut });
    const stack = buildReferenceAws(app);
    app.synth();
    return stack;
  }, timings);
  const applied = path.join(root, 'examples', 'reference-platform', APPLIED_CONTRACT_FILE);
  const contract: PlatformContract = fs.existsSync(applied) ? JSON.parse(fs.readFileSync(applied, 'utf8')) : previewContract(aws);

  // 2. Kubernetes layer.
  const k8s: CnaiPlatform = timed('synth k8s', () => {
    const app: Cdk8sApp = k8sApp(k8sOut);
    const platform = buildReferenceK8s(app, contract);
    app.synth();
    return platform;
  }, timings);

  // 3. Verify: every Kubernetes object against its schema, every stack with terraform.
  const yamlFiles = fs.readdirSync(k8sOut).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => ({ file: path.join('dist', f), content: fs.readFileSync(path.join(k8sOut, f), 'utf8') }));
  const k8sReport = timed('verify k8s', () => validateManifests(yamlFiles, { schemaDir }), timings);
  if (!k8sReport.valid) {
    console.error(k8sReport.findings.map((f) => `${f.file ?? ''}#${f.documentIndex} ${f.kind}/${f.name} ${f.path}: ${f.reason}`).join('\n'));
    throw new Error(`${k8sReport.findings.length} Kubernetes schema findings: the synthesized output is not valid`);
  }
  const stacksDir = path.join(tfOut, 'stacks');
  const tfResults = fs.readdirSync(stacksDir).sort().map((name) =>
    timed(`verify terraform ${name}`, () => verifyTerraformStack(path.join(stacksDir, name), { plan: !args.has('--no-plan') }), timings));

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
    })),
    contract: isPreviewContract(contract) ? 'preview (apply-time values marked pending-apply)' : 'applied (platform-contract.json)',
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
    [`${m.namespace}/${m.model}`, `${m.pool}: ${m.gpusPerReplica} GPU${m.gpusPerReplica > 1 ? 's' : ''} of ${m.instanceType} per replica, tensor parallel ${m.tensorParallel}, ${m.perGpuGiB} GiB per GPU`]))));
  lines.push(`Contract used by the Kubernetes layer: ${summary.contract}`);
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

schemaDirectory().then(main).catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
