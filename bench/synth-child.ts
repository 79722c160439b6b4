/**
 * One measurement of the synth benchmark, in a process of its own (started by
 * synth-bench.ts): builds one layer of one platform and synthesizes it to disk, and writes
 * what it measured as JSON to the file named by its argument.
 *
 *   node -r ts-node/register/transpile-only bench/synth-child.ts '{"layer":"aws","size":"100","outdir":"...","resultFile":"..."}'
 *
 * Timed: from just before the construct tree is built (spec validation included) to after
 * synthesis to disk. Module loading is reported apart (`loadMs`). For the k8s layer, the AWS
 * stack is built in memory first (not synthesized, not timed) for its preview contract.
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';

/** What the parent asks for. */
export interface ChildRequest {
  /** Which layer. */
  readonly layer: 'aws' | 'k8s';
  /** `reference` (the reference platform's spec) or a number of served models. */
  readonly size: string;
  /** Where to synthesize. */
  readonly outdir: string;
  /** Where to write the {@link ChildResult}. */
  readonly resultFile: string;
  /** Module exporting buildReferenceAws / buildReferenceK8s (relative to bench/). */
  readonly target?: string;
  /**
   * The platform contract as JSON: the aws child writes it (after measuring), the k8s child
   * of the same size reads it, as a user synthesizes the Kubernetes layer from the AWS
   * layer's `terraform output`. Without it the k8s child builds the AWS stack itself (untimed).
   */
  readonly contractFile?: string;
}

/** What one child measured. */
export interface ChildResult {
  readonly layer: string;
  readonly size: string;
  /** Served models, teams and GPU pools of the spec. */
  readonly models: number;
  readonly teams: number;
  readonly gpuPools: number;
  /** Node start-up and ts-node registration, up to the first line of this script (ms). */
  readonly bootMs: number;
  /** Loading the modules (library, cdktf, provider bindings, cdk8s) (ms). */
  readonly loadMs: number;
  /** Untimed set-up (k8s layer: building the AWS stack for its contract) (ms). */
  readonly setupMs: number;
  /** Building the construct tree (ms). */
  readonly buildMs: number;
  /** Synthesizing it to disk (ms). */
  readonly synthMs: number;
  /** buildMs + synthMs: the budgeted time (ms). */
  readonly wallMs: number;
  /** User + system CPU time of the timed part (ms). */
  readonly cpuMs: number;
  /** Resident set size once the modules are loaded (MB). */
  readonly loadRssMB: number;
  /** Peak resident set size of the process, start-up and loading included (MB). */
  readonly maxRssMB: number;
  /** Heap in use after synthesis (MB). */
  readonly heapUsedMB: number;
  /** What was written: Terraform resources (aws) or Kubernetes objects (k8s), and files. */
  readonly outputObjects: number;
  readonly outputFiles: number;
  readonly outputMB: number;
}

/** What the benchmarked module exports (examples/reference-platform/main.ts). */
interface ReferenceBuilders {
  buildReferenceAws(app: import('cdktf').App, spec?: import('../lib/core').PlatformSpec): import('../lib/aws').CnaiAwsStack;
  buildReferenceK8s(app: import('cdk8s').App, contract: import('../lib/core').PlatformContract, spec?: import('../lib/core').PlatformSpec): unknown;
}

const bootMs = performance.now();
const MB = 1024 * 1024;

function main(): void {
  const req: ChildRequest = JSON.parse(process.argv[2]);
  fs.rmSync(req.outdir, { recursive: true, force: true });
  fs.mkdirSync(req.outdir, { recursive: true });

  const l0 = performance.now();
  // Each layer loads only its own CDK, as its users' apps do.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { benchSpec }: typeof import('./spec-generator') = require('./spec-generator');
  const { REFERENCE_SPEC }: typeof import('../examples/reference-platform/spec') = require('../examples/reference-platform/spec');
  const haveContract = req.layer === 'k8s' && req.contractFile !== undefined && fs.existsSync(req.contractFile);
  const cdktf: typeof import('cdktf') | undefined = req.layer === 'aws' || !haveContract ? require('cdktf') : undefined;
  const aws: typeof import('../lib/aws') | undefined = cdktf ? require('../lib/aws') : undefined;
  const cdk8s: typeof import('cdk8s') | undefined = req.layer === 'k8s' ? require('cdk8s') : undefined;
  const target: Partial<ReferenceBuilders> = req.target
    ? require(req.target)
    : { ...(cdktf ? require('../examples/reference-platform/aws-layer') : {}), ...(cdk8s ? require('../examples/reference-platform/k8s-layer') : {}) };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const loadMs = performance.now() - l0;
  const loadRssMB = process.memoryUsage().rss / MB;

  const spec = req.size === 'reference' ? REFERENCE_SPEC : benchSpec(Number(req.size));

  let setupMs = 0;
  let contract: import('../lib/core').PlatformContract | undefined;
  if (req.layer === 'k8s') {
    const s0 = performance.now();
    if (haveContract) {
      contract = JSON.parse(fs.readFileSync(req.contractFile!, 'utf8'));
    } else {
      const awsApp = new cdktf!.App({ outdir: path.join(req.outdir, 'unused-aws') });
      contract = aws!.previewContract(target.buildReferenceAws!(awsApp, spec));
    }
    setupMs = performance.now() - s0;
  }

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let synth: () => void;
  let stack: import('../lib/aws').CnaiAwsStack | undefined;
  if (req.layer === 'aws') {
    const app = new cdktf!.App({ outdir: req.outdir });
    stack = target.buildReferenceAws!(app, spec);
    synth = () => app.synth();
  } else {
    const app = new cdk8s!.App({ outdir: req.outdir });
    target.buildReferenceK8s!(app, contract!, spec);
    synth = () => app.synth();
  }
  const t1 = performance.now();
  synth();
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);

  const files = listFiles(req.outdir).filter((f) => !f.includes(`${path.sep}unused-aws`));
  const result: ChildResult = {
    layer: req.layer,
    size: req.size,
    models: (spec.models ?? []).length,
    teams: spec.teams.length,
    gpuPools: spec.gpuPools.length,
    bootMs: round(bootMs),
    loadMs: round(loadMs),
    setupMs: round(setupMs),
    buildMs: round(t1 - t0),
    synthMs: round(t2 - t1),
    wallMs: round(t2 - t0),
    cpuMs: round((cpu.user + cpu.system) / 1000),
    loadRssMB: round(loadRssMB),
    maxRssMB: round(process.resourceUsage().maxRSS / 1024),
    heapUsedMB: round(process.memoryUsage().heapUsed / MB),
    outputObjects: req.layer === 'aws' ? countResources(files) : countObjects(files),
    outputFiles: files.length,
    outputMB: round(files.reduce((s, f) => s + fs.statSync(f).size, 0) / MB, 2),
  };
  fs.writeFileSync(req.resultFile, JSON.stringify(result));
  // After measuring: the contract for the k8s child of the same size.
  if (stack && req.contractFile) fs.writeFileSync(req.contractFile, JSON.stringify(aws!.previewContract(stack)));
}

function round(n: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(p) : [p];
  });
}

function countResources(files: string[]): number {
  let n = 0;
  for (const f of files.filter((x) => x.endsWith('.tf.json'))) {
    const tf = JSON.parse(fs.readFileSync(f, 'utf8'));
    for (const byType of Object.values<Record<string, unknown>>(tf.resource ?? {})) n += Object.keys(byType).length;
  }
  return n;
}

function countObjects(files: string[]): number {
  // Each object of a cdk8s YAML file starts with an `apiVersion:` line at column 0.
  return files.filter((f) => f.endsWith('.yaml')).reduce((s, f) => s + (fs.readFileSync(f, 'utf8').match(/^apiVersion:/gm) ?? []).length, 0);
}

main();
