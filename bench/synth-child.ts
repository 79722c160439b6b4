/**
 * One measurement of the synth benchmark, in a process of its own (started by
 * synth-bench.ts, which transpiles this file to .tmp/bench/js first): loads the compiled
 * library by its package name (build/), builds one layer of one platform, synthesizes it to
 * disk, and writes what it measured as JSON to the file its request names.
 *
 *   node .tmp/bench/js/bench/synth-child.js '{"layer":"k8s","size":"100","outdir":"...","resultFile":"..."}'
 *
 * Timed: from just before the construct tree is built (the Kubernetes layer's contract preview
 * and spec validation included) to after synthesis to disk. Module loading is reported apart.
 * The Kubernetes layer takes its contract as the examples do, from the spec (core): it loads
 * neither cdktf nor the provider, which the result reports from require.cache.
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
}

/** What one child measured. */
export interface ChildResult {
  readonly layer: string;
  readonly size: string;
  /** Served models, teams and GPU pools of the spec. */
  readonly models: number;
  readonly teams: number;
  readonly gpuPools: number;
  /** Node start-up, up to the first line of this script (ms). */
  readonly bootMs: number;
  /** Loading the modules (the library's entry point and its CDK) (ms). */
  readonly loadMs: number;
  /** Building the construct tree (ms). */
  readonly buildMs: number;
  /** Synthesizing it to disk (ms). */
  readonly synthMs: number;
  /** buildMs + synthMs: the budgeted time (ms). */
  readonly wallMs: number;
  /** User + system CPU time of the timed part (ms). */
  readonly cpuMs: number;
  /** User + system CPU time of the whole process, start-up and loading included (ms). */
  readonly processCpuMs: number;
  /** Resident set size once the modules are loaded (MB). */
  readonly loadRssMB: number;
  /** Peak resident set size of the process, start-up and loading included (MB). */
  readonly maxRssMB: number;
  /** Heap in use after synthesis (MB). */
  readonly heapUsedMB: number;
  /* the process loaded. */
  readonly cdktfModules: number;
  /** Modules of cdk8s and cdk8s-plus-27 the process loaded. */
  readonly cdk8sModules: number;
  /** TypeScript sources of the library the process loaded (0: it ran the compiled build/). */
  readonly librarySources: number;
}

const bootMs = performance.now();
const MB = 1024 * 1024;

function main(): void {
  const req: ChildRequest = JSON.parse(process.argv[2]);

  const l0 = performance.now();
  // Each layer loads only its own entry point and CDK, as its users' apps do.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const core: typeof import('cnai-constructs') = require('cnai-constructs');
  const { benchSpec }: typeof import('./spec-generator') = require('./spec-generator');
  const { REFERENCE_SPEC }: typeof import('../examples/reference-platform/spec') = require('../examples/reference-platform/spec');
  const awsLayer: typeof import('../examples/reference-platform/aws-layer') | undefined = req.layer === 'aws' ? require('../examples/reference-platform/aws-layer') : undefined;
  const k8sLayer: typeof import('../examples/reference-platform/k8s-layer') | undefined = req.layer === 'k8s' ? require('../examples/reference-platform/k8s-layer') : undefined;
  const cdktf: typeof import('cdktf') | undefined = awsLayer ? require('cdktf') : undefined;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const loadMs = performance.now() - l0;
  const loadRssMB = process.memoryUsage().rss / MB;

  const spec = req.size === 'reference' ? REFERENCE_SPEC : benchSpec(Number(req.size));

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let synth: () => void;
  if (awsLayer) {
    const app = new cdktf!.App({ outdir: req.outdir });
    awsLayer.buildReferenceAws(app, spec);
    synth = () => app.synth();
  } else {
    // As the reference platform's k8s.ts (its app), with the preview contract derived from the spec.
    const app = k8sLayer!.k8sApp(req.outdir);
    k8sLayer!.buildReferenceK8s(app, core.ContractPreview.fromSpec(spec), spec);
    synth = () => app.synth();
  }
  const t1 = performance.now();
  synth();
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);

  const loaded = Object.keys(require.cache);
  const root = path.resolve(__dirname, '..', '..', '..', '..');
  const result: ChildResult = {
    layer: req.layer,
    size: req.size,
    models: (spec.models ?? []).length,
    teams: spec.teams.length,
    gpuPools: spec.gpuPools.length,
    bootMs: round(bootMs),
    loadMs: round(loadMs),
    buildMs: round(t1 - t0),
    synthMs: round(t2 - t1),
    wallMs: round(t2 - t0),
    cpuMs: round((cpu.user + cpu.system) / 1000),
    processCpuMs: 0,
    loadRssMB: round(loadRssMB),
    maxRssMB: round(process.resourceUsage().maxRSS / 1024),
    heapUsedMB: round(process.memoryUsage().heapUsed / MB),
    cdktfModules: loaded.filter((f) => /[\\/]node_modules[\\/](cdktf|@cdktf)[\\/]/.test(f)).length,
    cdk8sModules: loaded.filter((f) => /[\\/]node_modules[\\/](cdk8s|cdk8s-plus-27)[\\/]/.test(f)).length,
    librarySources: loaded.filter((f) => f.startsWith(path.join(root, 'lib') + path.sep)).length,
  };
  const all = process.cpuUsage();
  fs.writeFileSync(req.resultFile, JSON.stringify({ ...result, processCpuMs: round((all.user + all.system) / 1000) }));
}

function round(n: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

main();
