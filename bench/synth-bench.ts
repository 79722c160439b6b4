/**
 * Synth benchmark, all measured in the same run, each measurement in fresh processes:
 *
 * 1. The reference platform as users run it: `npx cdktf synth` and `npx cdk8s synth` in
 *    examples/reference-platform, the stock CLIs running the app commands of cdktf.json and
 *    cdk8s.yaml (wall time of the whole command, CPU and peak RSS of its node processes).
 * 2. The CLI alone: the same command on an app that writes an empty synthesis, which is what
 *    the stock CLI costs whatever the app (npx, the CLI's own start-up and checks).
 * 3. The same layers from the compiled entry points: a node process that requires the library
 *    by its package name (build/) and synthesizes the reference platform.
 * 4. The load floor of each layer: a node process that only requires the CDKs the layer needs
 *    (cdk8s + cdk8s-plus-27; cdktf + the provider resources the AWS layer imports).
 * 5. Platforms of growing size (1, 10, 100, 1000 served models; teams and GPU pools grow
 *    alongside, see spec-generator.ts), compiled, each layer in a fresh process.
 *
 * Exits non-zero when a budget is missed, naming it (see BUDGETS).
 *
 *   npm run bench                       # everything, budgets enforced
 *   npm run bench -- --no-budgets       # report only
 *   npm run bench -- --sizes=100 --layers=k8s --runs=5 --size-runs=3
 *   npm run bench -- --cpu-prof=1000    # also profile the compiled 1000-model children and summarise them
 *
 * Results: printed as tables, and as JSON in .tmp/bench-results.json.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as ts from 'typescript';
import { CliRun, runCli } from './cli-run';
import { formatProfileSummary, ProfileSummary, summariseCpuProfile } from './cpu-profile';
import type { FloorRequest, FloorResult } from './load-floor';
import type { ChildRequest, ChildResult } from './synth-child';
import { ensureBuild } from '../scripts/ensure-build';

const ROOT = path.resolve(__dirname, '..');
const WORK = path.join(ROOT, '.tmp', 'bench');
/** The transpiled children and the example they build (inside the package, so the package name resolves to build/). */
const JS = path.join(WORK, 'js');
const RESULTS = path.join(ROOT, '.tmp', 'bench-results.json');
const REFERENCE = path.join(ROOT, 'examples', 'reference-platform');

/** Budgets, for a 2-core machine. */
export const BUDGETS = {
  /**
   * As users run it, what the app command adds to the stock CLI (the command's time less the
   * CLI's alone) is at most this many times the compiled entry point's process, per layer.
   */
  asUsersRunItVsCompiled: 1.5,
  /** Both compiled entry points' processes together, at most this many times both load floors. */
  compiledVsLoadFloor: 2,
  /** The reference platform, both layers together (build + synth, compiled). */
  reference: { wallMs: 2000, maxRssMB: 400 },
  /** 1000 served models, both layers together (build + synth, compiled). */
  thousandModels: { wallMs: 3000, maxRssMB: 1536 },
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
const DEFAULT_SIZES = ['1', '10', '100', '1000'];
const LAYERS = ['aws', 'k8s'] as const;
type Layer = typeof LAYERS[number];
const CLI: { [l in Layer]: 'cdktf' | 'cdk8s' } = { aws: 'cdktf', k8s: 'cdk8s' };

interface Options {
  readonly budgets: boolean;
  readonly sizes: string[];
  readonly layers: Layer[];
  /** Runs of each reference measurement (as users run it, compiled, load floor), interleaved. */
  readonly runs: number;
  /** Runs of each generated size. */
  readonly sizeRuns: number;
  readonly cpuProf: string[];
  readonly timeoutS: number;
}

const USAGE = 'usage: synth-bench [--no-budgets] [--sizes=1,10,100,1000] [--layers=aws,k8s] [--runs=N] [--size-runs=N] [--cpu-prof[=reference,1000]] [--timeout=seconds]';

function parseArgs(argv: string[]): Options {
  let budgets = true;
  let sizes = DEFAULT_SIZES;
  let layers: Layer[] = [...LAYERS];
  let runs = 3;
  let sizeRuns = 3;
  let cpuProf: string[] = [];
  let timeoutS = DEFAULT_TIMEOUT_S;
  for (const a of argv) {
    const [k, v] = a.split('=', 2);
    switch (k) {
      case '--no-budgets': budgets = false; break;
      case '--sizes': sizes = v ? v.split(',').filter((s) => s !== 'reference') : []; break;
      case '--layers': layers = v.split(',') as Layer[]; break;
      case '--runs': runs = Number(v); break;
      case '--size-runs': sizeRuns = Number(v); break;
      case '--cpu-prof': cpuProf = (v ?? '1000').split(','); break;
      case '--timeout': timeoutS = Number(v); break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
      default: throw new Error(`unknown argument ${a} (see --help)`);
    }
  }
  for (const s of sizes) if (!(Number.isInteger(Number(s)) && Number(s) >= 0)) throw new Error(`--sizes: ${s} is not a number of models`);
  for (const l of layers) if (!LAYERS.includes(l)) throw new Error(`--layers: ${l} is not one of ${LAYERS.join(', ')}`);
  for (const [name, n] of [['--runs', runs], ['--size-runs', sizeRuns]] as const) {
    if (!(Number.isInteger(n) && n >= 1)) throw new Error(`${name}: ${n} must be a whole number >= 1`);
  }
  if (!(timeoutS > 0)) throw new Error(`--timeout: ${timeoutS} must be a number of seconds > 0`);
  return { budgets, sizes, layers, runs, sizeRuns, cpuProf, timeoutS };
}

/**
 * The files the benchmark's children load besides the library (build/): the children and the
 * reference platform's modules with the helpers they import, as paths relative to the root.
 */
export function transpiledSources(root: string = ROOT): string[] {
  const tsIn = (dir: string) => fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`);
  return ['bench/synth-child.ts', 'bench/load-floor.ts', 'bench/spec-generator.ts',
    ...tsIn('examples/reference-platform'),
    // The helpers the examples share (the reference imports them).
    ...tsIn('examples/shared')];
}

/**
 * Transpiles the children and the reference platform's modules they load into .tmp/bench/js
 * (JavaScript as tsc emits it, without type-checking: `npm test` type-checks them), keeping
 * their relative layout. The library itself is not compiled here: it is build/.
 */
function transpile(): number {
  const t0 = performance.now();
  fs.rmSync(JS, { recursive: true, force: true });
  const sources = transpiledSources();
  for (const rel of sources) {
    const out = ts.transpileModule(fs.readFileSync(path.join(ROOT, rel), 'utf8'), {
      fileName: rel,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    const file = path.join(JS, rel.replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, out.outputText);
  }
  return Math.round(performance.now() - t0);
}

/** A measurement that failed or ran out of time. */
class MeasurementFailure extends Error {}

interface ProcessMeasure {
  /** Wall time of the whole process (or command), start-up and loading included (ms). */
  readonly processMs: number;
}

/** One compiled child's measurement. */
type Compiled = ChildResult & ProcessMeasure & Output;

/** What a compiled run wrote: Terraform resources (aws) or Kubernetes objects (k8s), and files; counted by the parent, outside the timed process. */
interface Output {
  readonly outputObjects: number;
  readonly outputFiles: number;
  readonly outputMB: number;
}
/** One load floor measurement. */
type Floor = FloorResult & ProcessMeasure;
/** One CLI run, summarised. */
interface UserRun extends ProcessMeasure {
  readonly layer: Layer;
  readonly command: string;
  /** Wall time of the app's process (ms). */
  readonly appMs: number;
  /** CPU time of the app's process (ms). */
  readonly appCpuMs: number;
  /** CPU time of all node processes of the command (ms). */
  readonly cpuMs: number;
  /** Peak RSS of the app's process (MB). */
  readonly appMaxRssMB: number;
  /** Sum of the peak RSS of the command's node processes, which run at the same time (MB). */
  readonly treeMaxRssMB: number;
  readonly nodeProcesses: number;
  /* any process of the command loaded. */
  readonly cdktfModules: number;
  /** TypeScript sources of the library the app loaded (0: the app ran the compiled build/). */
  readonly librarySources: number;
}

function spawnNode(args: string[], timeoutS: number, nodeArgs: string[] = []): number {
  const t0 = performance.now();
  const child = spawnSync(process.execPath, [...nodeArgs, ...args], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: timeoutS * 1000, killSignal: 'SIGKILL',
  });
  const processMs = Math.round(performance.now() - t0);
  if (child.error && (child.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') throw new MeasurementFailure(`did not finish within ${timeoutS} s (--timeout)`);
  if (child.status !== 0) {
    const tail = `${child.stdout ?? ''}\n${child.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new MeasurementFailure(`failed (exit ${child.status}${child.signal ? `, ${child.signal}` : ''}):\n${tail}`);
  }
  return processMs;
}

function runCompiled(layer: Layer, size: string, run: number, options: Options): Compiled {
  const resultFile = path.join(WORK, `result-${layer}-${size}-${run}.json`);
  fs.rmSync(resultFile, { force: true });
  const req: ChildRequest = { layer, size, outdir: path.join(WORK, `out-${layer}-${size}`), resultFile };
  const profile = options.cpuProf.includes(size) && run === 0;
  const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(WORK, 'profiles')}`, `--cpu-prof-name=${layer}-${size}.cpuprofile`] : [];
  // The output folder is emptied here and what was written counted after: the timed process does only what an app does.
  fs.rmSync(req.outdir, { recursive: true, force: true });
  fs.mkdirSync(req.outdir, { recursive: true });
  const processMs = spawnNode([path.join(JS, 'bench', 'synth-child.js'), JSON.stringify(req)], options.timeoutS, nodeArgs);
  if (!fs.existsSync(resultFile)) throw new MeasurementFailure('wrote no result');
  return { ...JSON.parse(fs.readFileSync(resultFile, 'utf8')), ...outputOf(layer, req.outdir), processMs };
}

function outputOf(layer: Layer, dir: string): Output {
  const files = listFiles(dir);
  const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  return {
    outputObjects: layer === 'aws' ? countResources(files) : countObjects(files),
    outputFiles: files.length,
    outputMB: Math.round((bytes / (1024 * 1024)) * 100) / 100,
  };
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

function runFloor(layer: Layer, options: Options): Floor {
  const resultFile = path.join(WORK, `floor-${layer}.json`);
  fs.rmSync(resultFile, { force: true });
  const req: FloorRequest = { layer, resultFile };
  const processMs = spawnNode([path.join(JS, 'bench', 'load-floor.js'), JSON.stringify(req)], options.timeoutS);
  return { ...JSON.parse(fs.readFileSync(resultFile, 'utf8')), processMs };
}

/** The folder of the CLI-alone measurement: both configs, whose app writes an empty synthesis. */
const CLI_ALONE = path.join(WORK, 'cli-alone');
const CLI_ALONE_APP = 'empty-app.js';

function writeCliAlone(): void {
  fs.mkdirSync(CLI_ALONE, { recursive: true });
  fs.writeFileSync(path.join(CLI_ALONE, CLI_ALONE_APP), `// Writes what each CLI expects of an app that synthesizes nothing.
const fs = require('fs');
const path = require('path');
const out = process.argv[2] === 'cdktf' ? process.env.CDKTF_OUTDIR : process.env.CDK8S_OUTDIR;
fs.mkdirSync(out, { recursive: true });
if (process.argv[2] === 'cdktf') fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks: {} }));
else fs.writeFileSync(path.join(out, 'empty.k8s.yaml'), '');
`);
  fs.writeFileSync(path.join(CLI_ALONE, 'cdk8s.yaml'), `language: typescript\napp: node ${CLI_ALONE_APP} cdk8s\noutput: dist\n`);
  fs.writeFileSync(path.join(CLI_ALONE, 'cdktf.json'), JSON.stringify({
    language: 'typescript', app: `node ${CLI_ALONE_APP} cdktf`, sendCrashReports: 'false', terraformProviders: [], terraformModules: [],
  }));
}

function runAsUsers(layer: Layer, options: Options, alone = false): UserRun {
  let run: CliRun;
  try {
    run = alone
      ? runCli(CLI_ALONE, CLI[layer], path.join(CLI_ALONE, `out-${layer}`), { root: ROOT, workDir: path.join(WORK, 'cli'), timeoutMs: options.timeoutS * 1000 }, CLI_ALONE_APP)
      : runCli(REFERENCE, CLI[layer], path.join(WORK, `cli-${layer}`, layer === 'aws' ? 'cdktf.out' : 'dist'),
        { root: ROOT, workDir: path.join(WORK, 'cli'), timeoutMs: options.timeoutS * 1000 });
  } catch (e) {
    throw new MeasurementFailure((e as Error).message);
  }
  return {
    layer,
    command: `npx ${CLI[layer]} synth${alone ? ' (empty app)' : ''}`,
    appMs: run.app.uptimeMs,
    appCpuMs: run.app.cpuMs,
    processMs: run.wallMs,
    cpuMs: run.processes.reduce((s, p) => s + p.cpuMs, 0),
    appMaxRssMB: run.app.maxRssMB,
    treeMaxRssMB: run.processes.reduce((s, p) => s + p.maxRssMB, 0),
    nodeProcesses: run.processes.length,
    cdktfModules: run.processes.reduce((s, p) => s + p.cdktf.length, 0),
    librarySources: run.app.librarySources.length,
  };
}

/** The run with the median of `key`. */
function median<T>(runs: T[], key: (t: T) => number): T {
  return [...runs].sort((a, b) => key(a) - key(b))[Math.floor((runs.length - 1) / 2)];
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

function growth(results: Compiled[], options: Options): Growth[] {
  const out: Growth[] = [];
  const numeric = [...options.sizes].sort((a, b) => Number(a) - Number(b));
  for (const layer of options.layers) {
    for (let i = 1; i < numeric.length; i++) {
      const a = results.find((r) => r.layer === layer && r.size === numeric[i - 1]);
      const b = results.find((r) => r.layer === layer && r.size === numeric[i]);
      if (!a || !b || Number(a.size) === 0) continue;
      const sizeRatio = Number(b.size) / Number(a.size);
      const wallRatio = b.wallMs / Math.max(1, a.wallMs);
      out.push({
        layer,
        from: a.size,
        to: b.size,
        sizeRatio,
        wallRatio: Math.round(wallRatio * 100) / 100,
        cpuRatio: Math.round((b.cpuMs / Math.max(1, a.cpuMs)) * 100) / 100,
        judged: b.wallMs >= BUDGETS.growthMinMs,
        linear: wallRatio <= sizeRatio * BUDGETS.growthTolerance,
      });
    }
  }
  return out;
}

interface Reference {
  readonly asUsers: UserRun[];
  readonly cliAlone: UserRun[];
  readonly compiled: Compiled[];
  readonly floor: Floor[];
}

function checkBudgets(ref: Reference, sized: Compiled[], growths: Growth[]): string[] {
  const failures: string[] = [];
  for (const u of ref.asUsers) {
    const c = ref.compiled.find((x) => x.layer === u.layer);
    const cli = ref.cliAlone.find((x) => x.layer === u.layer);
    if (c && cli && u.processMs - cli.processMs > BUDGETS.asUsersRunItVsCompiled * c.processMs) {
      failures.push(`as users run it: ${u.command} took ${u.processMs} ms, ${u.processMs - cli.processMs} ms more than the CLI alone (${cli.processMs} ms), `
        + `over ${BUDGETS.asUsersRunItVsCompiled}x the compiled ${u.layer} layer's ${c.processMs} ms`);
    }
  }
  if (ref.compiled.length === 2 && ref.floor.length === 2) {
    const compiled = ref.compiled.reduce((s, c) => s + c.processMs, 0);
    const floor = ref.floor.reduce((s, f) => s + f.processMs, 0);
    if (compiled > BUDGETS.compiledVsLoadFloor * floor) {
      failures.push(`compiled: both layers took ${compiled} ms, over ${BUDGETS.compiledVsLoadFloor}x their load floor of ${floor} ms`);
    }
  }
  for (const k of [...ref.asUsers.filter((u) => u.layer === 'k8s'), ...[...ref.compiled, ...sized].filter((c) => c.layer === 'k8s')]) {
    if (k.cdktfModules > 0) failures.push(`the Kubernetes layer loaded ${k.cdktfModules} modules of cdktf or the AWS provider (${'command' in k ? k.command : `compiled, size ${k.size}`})`);
  }
  for (const u of ref.asUsers) if (u.librarySources > 0) failures.push(`${u.command} compiled ${u.librarySources} files of lib/ instead of loading build/`);
  const both = (rs: Compiled[], label: string, budget: { wallMs: number; maxRssMB: number }) => {
    if (rs.length < 2) return;
    const wall = rs.reduce((s, r) => s + r.wallMs, 0);
    if (wall > budget.wallMs) {
      failures.push(`${label}: aws+k8s took ${wall} ms (${rs.map((r) => `${r.layer} ${r.wallMs} ms`).join(', ')}), over the budget of ${budget.wallMs} ms`);
    }
    for (const r of rs) if (r.maxRssMB > budget.maxRssMB) failures.push(`${label}: the ${r.layer} layer peaked at ${r.maxRssMB} MB RSS, over the budget of ${budget.maxRssMB} MB`);
  };
  both(ref.compiled, 'reference platform', BUDGETS.reference);
  both(sized.filter((r) => r.size === '1000'), '1000 served models', BUDGETS.thousandModels);
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

function measureReference(options: Options, errors: string[]): Reference {
  writeCliAlone();
  const runs = {
    asUsers: new Map<Layer, UserRun[]>(),
    cliAlone: new Map<Layer, UserRun[]>(),
    compiled: new Map<Layer, Compiled[]>(),
    floor: new Map<Layer, Floor[]>(),
  };
  const attempt = <T>(label: string, map: Map<Layer, T[]>, layer: Layer, fn: () => T) => {
    try {
      map.set(layer, [...(map.get(layer) ?? []), fn()]);
    } catch (e) {
      if (!(e instanceof MeasurementFailure)) throw e;
      errors.push(`${label} (${layer}): ${e.message.split('\n')[0]}`);
      console.log(`  ${label} ${layer}: ${e.message}`);
    }
  };
  // Interleaved, so that a busy moment of the machine weighs on every kind alike.
  for (let run = 0; run < options.runs; run++) {
    for (const layer of options.layers) {
      process.stdout.write(`  reference ${layer}, run ${run + 1}/${options.runs}: `);
      attempt('as users run it', runs.asUsers, layer, () => runAsUsers(layer, options));
      attempt('the CLI alone', runs.cliAlone, layer, () => runAsUsers(layer, options, true));
      attempt('compiled', runs.compiled, layer, () => runCompiled(layer, 'reference', run, options));
      attempt('load floor', runs.floor, layer, () => runFloor(layer, options));
      const last = <T extends ProcessMeasure>(m: Map<Layer, T[]>) => m.get(layer)?.[run]?.processMs ?? '-';
      console.log(`npx ${CLI[layer]} synth ${last(runs.asUsers)} ms (the CLI alone ${last(runs.cliAlone)} ms), compiled ${last(runs.compiled)} ms, load floor ${last(runs.floor)} ms`);
    }
  }
  const medians = <T extends ProcessMeasure>(m: Map<Layer, T[]>) => options.layers.filter((l) => m.has(l))
    .map((l) => median(m.get(l)!, (x) => x.processMs));
  return { asUsers: medians(runs.asUsers), cliAlone: medians(runs.cliAlone), compiled: medians(runs.compiled), floor: medians(runs.floor) };
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  fs.mkdirSync(WORK, { recursive: true });
  const host = machine();
  console.log(`synth benchmark: ${host.nproc} CPUs (${host.cpuModel}), ${host.totalMemGB} GB, node ${host.node}, commit ${host.commit}, load ${host.loadAverage.join(' ')}`);
  const compiled = ensureBuild(ROOT);
  if (compiled) console.log(`  compiled the library into build/ first (${compiled})`);
  console.log(`  transpiled the children and the reference platform in ${transpile()} ms; the library is build/`);

  const errors: string[] = [];
  const ref = measureReference(options, errors);
  const sized: Compiled[] = [];
  for (const size of options.sizes) {
    for (const layer of options.layers) {
      process.stdout.write(`  ${layer} ${size} ... `);
      try {
        const all = Array.from({ length: options.sizeRuns }, (_, run) => runCompiled(layer, size, run, options));
        const m = median(all, (r) => r.wallMs);
        sized.push(m);
        console.log(`${m.wallMs} ms, ${m.maxRssMB} MB`);
      } catch (e) {
        if (!(e instanceof MeasurementFailure)) throw e;
        console.log(e.message);
        errors.push(`${layer} layer, size ${size}: ${e.message.split('\n')[0]}`);
      }
    }
  }
  const growths = growth(sized, options);
  // A measurement that failed misses its budgets whatever --no-budgets says.
  const failures = [...errors, ...(options.budgets ? checkBudgets(ref, sized, growths) : [])];
  const profiles: ProfileSummary[] = options.cpuProf.flatMap((size) => options.layers.map((layer) => path.join(WORK, 'profiles', `${layer}-${size}.cpuprofile`)))
    .filter((f) => fs.existsSync(f))
    .map((f) => summariseCpuProfile(f, ROOT));

  console.log('');
  console.log(`The reference platform (median of ${options.runs} runs; process wall time, start-up and loading included; CPU of all node processes)`);
  const rows: string[][] = [['layer', 'how', 'process ms', 'cpu ms', 'peak RSS MB', 'what']];
  for (const layer of options.layers) {
    const u = ref.asUsers.find((x) => x.layer === layer);
    const cli = ref.cliAlone.find((x) => x.layer === layer);
    const c = ref.compiled.find((x) => x.layer === layer);
    const f = ref.floor.find((x) => x.layer === layer);
    if (u) {
      rows.push([layer, 'as users run it', String(u.processMs), String(u.cpuMs), `${u.appMaxRssMB} (all ${u.treeMaxRssMB})`,
        `${u.command}: ${u.nodeProcesses} node processes; the app ${u.appMs} ms, ${u.appCpuMs} ms CPU, on build/${u.librarySources > 0 ? ` and ${u.librarySources} files of lib/` : ''}`
        + `${u.cdktfModules > 0 && layer === 'k8s' ? `, ${u.cdktfModules} cdktf modules` : ''}`]);
    }
    if (cli) rows.push([layer, 'the CLI alone', String(cli.processMs), String(cli.cpuMs), `(all ${cli.treeMaxRssMB})`, `${cli.command}: npx and the CLI's own start-up and checks`]);
    if (c) {
      rows.push([layer, 'compiled', String(c.processMs), String(c.processCpuMs), String(c.maxRssMB),
        `node, build/: load ${c.loadMs} + build ${c.buildMs} + synth ${c.synthMs} ms, ${c.outputObjects} ${layer === 'aws' ? 'resources' : 'objects'}, ${c.cdktfModules} cdktf modules`]);
    }
    if (f) rows.push([layer, 'load floor', String(f.processMs), String(f.processCpuMs), String(f.maxRssMB), `node: requires ${f.modules.length > 3 ? `${f.modules[0]} + ${f.modules.length - 1} provider resources` : f.modules.join(' + ')}`]);
  }
  console.log(table(rows));
  const sum = (xs: ProcessMeasure[]) => xs.reduce((s2, v) => s2 + v.processMs, 0);
  for (const u of ref.asUsers) {
    const c = ref.compiled.find((x) => x.layer === u.layer);
    const cli = ref.cliAlone.find((x) => x.layer === u.layer);
    if (!c || !cli) continue;
    console.log(`${u.layer}: as users run it ${(u.processMs / c.processMs).toFixed(2)}x the compiled process; less the CLI alone ${((u.processMs - cli.processMs) / c.processMs).toFixed(2)}x `
      + `(budget ${BUDGETS.asUsersRunItVsCompiled}x); the app's own process ${(u.appMs / c.processMs).toFixed(2)}x`);
  }
  if (ref.compiled.length === 2 && ref.floor.length === 2) {
    console.log(`compiled, both layers: ${(sum(ref.compiled) / Math.max(1, sum(ref.floor))).toFixed(2)}x their load floor (budget ${BUDGETS.compiledVsLoadFloor}x)`);
  }

  if (sized.length > 0) {
    console.log('');
    console.log(`Generated platforms, compiled (median of ${options.sizeRuns} run${options.sizeRuns > 1 ? 's' : ''}; wall = build + synth to disk, module loading apart)`);
    console.log(table([
      ['size', 'layer', 'models', 'teams', 'pools', 'objects', 'out MB', 'wall ms', 'build ms', 'synth ms', 'cpu ms', 'peak RSS MB', 'load ms', 'process ms'],
      ...[...ref.compiled, ...sized].map((r) => [r.size, r.layer, String(r.models), String(r.teams), String(r.gpuPools), String(r.outputObjects),
        r.outputMB.toFixed(2), String(r.wallMs), String(r.buildMs), String(r.synthMs), String(r.cpuMs), String(r.maxRssMB), String(r.loadMs),
        String(r.processMs)]),
    ]));
  }
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

  const report = { machine: host, options, budgets: BUDGETS, reference: ref, sized, growth: growths, failures, profiles };
  fs.writeFileSync(RESULTS, JSON.stringify(report, null, 2) + '\n');
  console.log('');
  console.log(`JSON: ${path.relative(ROOT, RESULTS)}`);
  if (failures.length > 0) {
    console.log(`\n${failures.length} budget(s) missed${options.budgets ? '' : ' (measurements that failed; other budgets not checked: --no-budgets)'}:`);
    for (const f of failures) console.log(`  - ${f}`);
    process.exitCode = 1;
  } else {
    console.log(options.budgets ? 'all budgets met' : 'budgets not checked (--no-budgets)');
  }
}

if (require.main === module) main();
