/**
 * Synth benchmark: synthesizes the reference platform and platforms of growing size (1, 10,
 * 100, 1000 served models; teams and GPU pools grow alongside, see spec-generator.ts), each
 * layer in a fresh process, one after the other, and reports wall time, CPU time and peak
 * RSS per layer and size, and how time grows between sizes. Exits non-zero when a budget is
 * missed, naming it.
 *
 *   npm run bench                       # all sizes, budgets enforced
 *   npm run bench -- --no-budgets       # report only
 *   npm run bench -- --sizes=reference,100 --layers=k8s --runs=3
 *   npm run bench -- --cpu-prof=1000    # also profile the 1000-model children and summarise them
 *
 * Results: printed as a table, and as JSON in .tmp/bench-results.json.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { formatProfileSummary, ProfileSummary, summariseCpuProfile } from './cpu-profile';
import type { ChildRequest, ChildResult } from './synth-child';

const ROOT = path.resolve(__dirname, '..');
const CHILD = path.join(__dirname, 'synth-child.ts');
const WORK = path.join(ROOT, '.tmp', 'bench');
const RESULTS = path.join(ROOT, '.tmp', 'bench-results.json');

/** Budgets of issue 9, for a 2-core machine. */
export const BUDGETS = {
  /** The reference platform, both layers together. */
  reference: { wallMs: 2000, maxRssMB: 400 },
  /** 1000 served models, both layers together. */
  thousandModels: { wallMs: 10_000, maxRssMB: 1536 },
  /**
   * Time may grow at most this much faster than the size (1.2: 10x the models may take up
   * to 12x the time, leaving room for noise and larger heaps); linear or better passes.
   */
  growthTolerance: 1.2,
  /** Growth is judged only where the larger size takes at least this long (below, it is noise). */
  growthMinMs: 200,
};

/** A child that runs longer than this is stopped and reported as a miss (seconds; --timeout). */
const DEFAULT_TIMEOUT_S = 120;

const DEFAULT_SIZES = ['reference', '1', '10', '100', '1000'];
const LAYERS = ['aws', 'k8s'] as const;
type Layer = typeof LAYERS[number];

interface Options {
  readonly budgets: boolean;
  readonly sizes: string[];
  readonly layers: Layer[];
  readonly runs: number;
  readonly cpuProf: string[];
  readonly timeoutS: number;
  /** Run the children on JavaScript compiled with tsc instead of ts-node. */
  readonly compiled: boolean;
  readonly target?: string;
}

/** One (layer, size): the median run by wall time, and every run. */
interface Measurement extends ChildResult {
  /** Wall time of the whole child process, start-up and loading included (ms). */
  readonly processMs: number;
  readonly runs: number;
  readonly wallMsAll: number[];
}

interface Growth {
  readonly layer: Layer;
  readonly from: string;
  readonly to: string;
  readonly sizeRatio: number;
  readonly wallRatio: number;
  readonly cpuRatio: number;
  readonly judged: boolean;
  readonly linear: boolean;
}

const USAGE = 'usage: synth-bench [--no-budgets] [--sizes=reference,1,10,100,1000] [--layers=aws,k8s] [--runs=N] [--cpu-prof[=size,...]]'
  + ' [--timeout=seconds] [--compiled] [--target=module]';

function parseArgs(argv: string[]): Options {
  let budgets = true;
  let sizes = DEFAULT_SIZES;
  let layers: Layer[] = [...LAYERS];
  let runs = 1;
  let cpuProf: string[] = [];
  let target: string | undefined;
  let timeoutS = DEFAULT_TIMEOUT_S;
  let compiled = false;
  for (const a of argv) {
    const [k, v] = a.split('=', 2);
    switch (k) {
      case '--no-budgets': budgets = false; break;
      case '--sizes': sizes = v.split(','); break;
      case '--layers': layers = v.split(',') as Layer[]; break;
      case '--runs': runs = Number(v); break;
      case '--cpu-prof': cpuProf = (v ?? '1000').split(','); break;
      case '--target': target = v; break;
      case '--timeout': timeoutS = Number(v); break;
      case '--compiled': compiled = true; break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
      default: throw new Error(`unknown argument ${a} (see --help)`);
    }
  }
  for (const s of sizes) {
    if (s !== 'reference' && !(Number.isInteger(Number(s)) && Number(s) >= 0)) throw new Error(`--sizes: ${s} is neither "reference" nor a number of models`);
  }
  for (const l of layers) if (!LAYERS.includes(l)) throw new Error(`--layers: ${l} is not one of ${LAYERS.join(', ')}`);
  if (!(Number.isInteger(runs) && runs >= 1)) throw new Error(`--runs: ${runs} must be a whole number >= 1`);
  if (!(timeoutS > 0)) throw new Error(`--timeout: ${timeoutS} must be a number of seconds > 0`);
  return { budgets, sizes, layers, runs, cpuProf, timeoutS, compiled, target };
}

const COMPILED = path.join(WORK, 'js');

/**
 * Compiles the library, the reference platform and the benchmark with tsc into .tmp/bench/js
 * (what users of the published package run: no ts-node, no source-map-support); returns
 * how long that took (ms).
 */
function compile(options: Options): number {
  const rel = (p: string) => path.relative(WORK, path.join(ROOT, p));
  const include = [rel('lib/**/*.ts'), rel('examples/reference-platform/*.ts'), rel('bench/*.ts')];
  if (options.target) include.push(path.relative(WORK, require.resolve(path.join(__dirname, options.target))));
  const config = path.join(WORK, 'tsconfig.compiled.json');
  fs.writeFileSync(config, JSON.stringify({
    extends: rel('tsconfig.json'),
    compilerOptions: {
      rootDir: path.relative(WORK, ROOT),
      outDir: 'js',
      noEmit: false,
      declaration: false,
      inlineSourceMap: false,
      inlineSources: false,
      incremental: false,
      noUnusedLocals: false,
      noUnusedParameters: false,
    },
    include,
  }, null, 2));
  fs.rmSync(COMPILED, { recursive: true, force: true });
  const t0 = performance.now();
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', config], { cwd: ROOT, encoding: 'utf8' });
  if (!fs.existsSync(path.join(COMPILED, 'bench', 'synth-child.js'))) {
    throw new Error(`tsc emitted nothing (exit ${tsc.status}):\n${tsc.stdout}\n${tsc.stderr}`);
  }
  if (tsc.status !== 0) console.log(`  (tsc reported type errors, ignored here as ts-node transpile-only would: ${tsc.stdout.split('\n').length} lines)`);
  return Math.round(performance.now() - t0);
}

/** A child that failed or ran out of time. */
class ChildFailure extends Error {}

function runChild(layer: Layer, size: string, run: number, options: Options): ChildResult & { processMs: number } {
  const resultFile = path.join(WORK, `result-${layer}-${size}-${run}.json`);
  fs.rmSync(resultFile, { force: true });
  const req: ChildRequest = {
    layer,
    size,
    outdir: path.join(WORK, `out-${layer}-${size}`),
    resultFile,
    target: options.target,
    // Written by the aws child of this size, read by its k8s child (runs go aws first).
    contractFile: path.join(WORK, `contract-${size}.json`),
  };
  const profile = options.cpuProf.includes(size) && run === 0;
  const profDir = path.join(WORK, 'profiles');
  const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${layer}-${size}.cpuprofile`] : [];
  const t0 = performance.now();
  const script = options.compiled ? [path.join(COMPILED, 'bench', 'synth-child.js')] : ['-r', 'ts-node/register/transpile-only', CHILD];
  const child = spawnSync(process.execPath, [...nodeArgs, ...script, JSON.stringify(req)], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json'), TS_NODE_TRANSPILE_ONLY: 'true' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeoutS * 1000,
    killSignal: 'SIGKILL',
  });
  const processMs = Math.round(performance.now() - t0);
  if (child.error && (child.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    throw new ChildFailure(`did not finish within ${options.timeoutS} s (--timeout)`);
  }
  if (child.status !== 0 || !fs.existsSync(resultFile)) {
    const tail = `${child.stdout ?? ''}\n${child.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new ChildFailure(`failed (exit ${child.status}${child.signal ? `, ${child.signal}` : ''}):\n${tail}`);
  }
  return { ...JSON.parse(fs.readFileSync(resultFile, 'utf8')), processMs };
}

function measure(layer: Layer, size: string, options: Options): Measurement {
  const all = Array.from({ length: options.runs }, (_, run) => runChild(layer, size, run, options));
  const sorted = [...all].sort((a, b) => a.wallMs - b.wallMs);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return { ...median, runs: all.length, wallMsAll: all.map((r) => r.wallMs) };
}

function growth(results: Measurement[], options: Options): Growth[] {
  const out: Growth[] = [];
  const numeric = options.sizes.filter((s) => s !== 'reference').sort((a, b) => Number(a) - Number(b));
  for (const layer of options.layers) {
    for (let i = 1; i < numeric.length; i++) {
      const a = results.find((r) => r.layer === layer && r.size === numeric[i - 1]);
      const b = results.find((r) => r.layer === layer && r.size === numeric[i]);
      if (!a || !b || Number(a.size) === 0) continue;
      const sizeRatio = Number(b.size) / Number(a.size);
      const wallRatio = b.wallMs / Math.max(1, a.wallMs);
      const judged = b.wallMs >= BUDGETS.growthMinMs;
      out.push({
        layer,
        from: a.size,
        to: b.size,
        sizeRatio,
        wallRatio: Math.round(wallRatio * 100) / 100,
        cpuRatio: Math.round((b.cpuMs / Math.max(1, a.cpuMs)) * 100) / 100,
        judged,
        linear: wallRatio <= sizeRatio * BUDGETS.growthTolerance,
      });
    }
  }
  return out;
}

function checkBudgets(results: Measurement[], growths: Growth[]): string[] {
  const failures: string[] = [];
  const both = (size: string, label: string, budget: { wallMs: number; maxRssMB: number }) => {
    const rs = results.filter((r) => r.size === size);
    if (rs.length === 0) return;
    const layers = rs.map((r) => r.layer).join('+');
    const wall = rs.reduce((s, r) => s + r.wallMs, 0);
    if (wall > budget.wallMs) {
      failures.push(`${label}: ${layers} took ${wall} ms (${rs.map((r) => `${r.layer} ${r.wallMs} ms`).join(', ')}), over the budget of ${budget.wallMs} ms`);
    }
    for (const r of rs) {
      if (r.maxRssMB > budget.maxRssMB) failures.push(`${label}: the ${r.layer} layer peaked at ${r.maxRssMB} MB RSS, over the budget of ${budget.maxRssMB} MB`);
    }
  };
  both('reference', 'reference platform', BUDGETS.reference);
  both('1000', '1000 served models', BUDGETS.thousandModels);
  for (const g of growths.filter((x) => x.judged && !x.linear)) {
    failures.push(`growth: ${g.layer} time grew ${g.wallRatio}x from ${g.from} to ${g.to} models (${g.sizeRatio}x), more than linear (limit ${g.sizeRatio * BUDGETS.growthTolerance}x)`);
  }
  return failures;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r, j) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
    + (j === 0 ? `\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : '')).join('\n');
}

function machine() {
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  const cpus = os.cpus();
  return {
    nproc: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemGB: Math.round(os.totalmem() / 1024 ** 3),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    commit: git.status === 0 ? git.stdout.trim() : 'unknown',
    date: new Date().toISOString(),
  };
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  fs.mkdirSync(WORK, { recursive: true });
  const host = machine();
  console.log(`synth benchmark: ${host.nproc} CPUs (${host.cpuModel}), ${host.totalMemGB} GB, node ${host.node}, commit ${host.commit}, load ${host.loadAverage.join(' ')}`);
  const mode = options.compiled ? 'compiled' : 'ts-node';
  if (options.compiled) console.log(`  compiled with tsc in ${compile(options)} ms; children run on plain node`);
  else console.log('  children run with ts-node (transpile-only)');

  const results: Measurement[] = [];
  const errors: string[] = [];
  for (const size of options.sizes) {
    for (const layer of options.layers) {
      process.stdout.write(`  ${layer} ${size} ... `);
      try {
        const m = measure(layer, size, options);
        results.push(m);
        console.log(`${m.wallMs} ms, ${m.maxRssMB} MB`);
      } catch (e) {
        if (!(e instanceof ChildFailure)) throw e;
        console.log(e.message);
        errors.push(`${layer} layer, size ${size}: ${e.message.split('\n')[0]}`);
      }
    }
  }
  const growths = growth(results, options);
  // A child that failed or timed out misses its budgets whatever --no-budgets says.
  const failures = [...errors, ...(options.budgets ? checkBudgets(results, growths) : [])];
  const profiles: ProfileSummary[] = options.cpuProf.flatMap((size) => options.layers.map((layer) => path.join(WORK, 'profiles', `${layer}-${size}.cpuprofile`)))
    .filter((f) => fs.existsSync(f))
    .map((f) => summariseCpuProfile(f, ROOT));

  console.log('');
  console.log(table([
    ['size', 'layer', 'models', 'teams', 'pools', 'objects', 'out MB', 'wall ms', 'build ms', 'synth ms', 'cpu ms', 'peak RSS MB', 'RSS after load MB', 'load ms', 'process ms'],
    ...results.map((r) => [r.size, r.layer, String(r.models), String(r.teams), String(r.gpuPools), String(r.outputObjects), r.outputMB.toFixed(2),
      String(r.wallMs), String(r.buildMs), String(r.synthMs), String(r.cpuMs), String(r.maxRssMB), String(r.loadRssMB), String(r.loadMs),
      String(r.processMs)]),
  ]));
  if (growths.length > 0) {
    console.log('');
    console.log(table([
      ['from', 'layer', 'to', 'size x', 'wall x', 'cpu x', 'verdict'],
      ...growths.map((g) => [g.from, g.layer, g.to, String(g.sizeRatio), String(g.wallRatio), String(g.cpuRatio),
        !g.judged ? 'too small to judge' : g.linear ? 'linear or better' : 'FASTER THAN LINEAR']),
    ]));
  }
  for (const p of profiles) {
    console.log('');
    console.log(formatProfileSummary(p).join('\n'));
  }

  const report = { machine: host, mode, options, budgets: BUDGETS, results, growth: growths, failures, profiles };
  fs.writeFileSync(RESULTS, JSON.stringify(report, null, 2) + '\n');
  console.log('');
  console.log(`wall/cpu: build + synth to disk (module loading apart: "load ms"); peak RSS: the whole child process. JSON: ${path.relative(ROOT, RESULTS)}`);
  if (failures.length > 0) {
    console.log(`\n${failures.length} budget(s) missed${options.budgets ? '' : ' (children that failed; other budgets not checked: --no-budgets)'}:`);
    for (const f of failures) console.log(`  - ${f}`);
    process.exitCode = 1;
  } else {
    console.log(options.budgets ? 'all budgets met' : 'budgets not checked (--no-budgets)');
  }
}

main();
