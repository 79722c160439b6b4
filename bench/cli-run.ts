/**
 * Runs an example's CLI as its users do (`npx cdk8s synth`, `npx cdktf synth` in the example's
 * folder, with the stock CLIs and the app command of its config) and records, in every node
 * process of the run, what it loaded, its CPU time and its peak RSS. Used by the benchmark and
 * by the examples' tests.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { parse as parseYaml } from 'yaml';

/**
 * The environment that keeps the CLIs quiet and local offline. None of it can be set in
 * cdk8s.yaml or cdktf.json: the cdk8s CLI asks npm for a newer version of itself before it runs
 * the app (CDK8S_CHECK_UPGRADE, or --no-check-upgrade); the cdktf CLI sends HashiCorp's
 * checkpoint telemetry after synthesis (CHECKPOINT_DISABLE) and, in a terminal, asks npm for a
 * newer version (DISABLE_VERSION_CHECK).
 */
export const OFFLINE_ENV: { readonly [name: string]: string } = { CDK8S_CHECK_UPGRADE: 'false', CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: 'true' };

/** The app command of cdk8s.yaml and cdktf.json: sucrase (transpiles, never type-checks), on the example's entry file. */
export const APP_COMMAND = /^node -r sucrase\/register\/ts (\S+\.ts)$/;

/** What one node process of a CLI run loaded and used (written by the recorder when it exits). */
export interface ProcessRecord {
  readonly pid: number;
  readonly argv: string[];
  /** User + system CPU time of the process (ms). */
  readonly cpuMs: number;
  /** Wall time of the process, from its start to its exit (ms). */
  readonly uptimeMs: number;
  /** Peak resident set size of the process (MB). */
  readonly maxRssMB: number;
  /* it loaded. */
  readonly cdktf: string[];
  /** TypeScript sources of the repository's lib/ it loaded (compiled on the fly). */
  readonly librarySources: string[];
  /** Files of build/ it loaded. */
  readonly buildFiles: number;
}

/** A CLI run. */
export interface CliRun {
  /** Wall time of the whole run, `npx` included (ms). */
  readonly wallMs: number;
  /** Every node process of the run. */
  readonly processes: ProcessRecord[];
  /** The process that ran the example's app. */
  readonly app: ProcessRecord;
  /** The run's output (stdout, then stderr). */
  readonly output: string;
}

/**
 * A script every node process of a run loads first (NODE_OPTIONS=--require): when the process
 * exits, it writes its {@link ProcessRecord} to $CNAI_MODULE_LOG_DIR/<pid>.json.
 */
export function moduleRecorderScript(root: string): string {
  return `
const fs = require('fs');
const path = require('path');
process.on('exit', () => {
  const files = Object.keys(require.cache);
  const cpu = process.cpuUsage();
  const record = {
    pid: process.pid,
    argv: process.argv,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    uptimeMs: Math.round(process.uptime() * 1000),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    cdktf: files.filter((f) => /[\\\\/]node_modules[\\\\/](cdktf|@cdktf)[\\\\/]/.test(f)),
    librarySources: files.filter((f) => f.startsWith(${JSON.stringify(path.join(root, 'lib') + path.sep)})),
    buildFiles: files.filter((f) => f.startsWith(${JSON.stringify(path.join(root, 'build') + path.sep)})).length,
  };
  fs.writeFileSync(path.join(process.env.CNAI_MODULE_LOG_DIR, process.pid + '.json'), JSON.stringify(record));
});
`;
}

/** The entry file of an app command (`node -r sucrase/register/ts <file>.ts`). */
export function entryPoint(app: string): string {
  const m = APP_COMMAND.exec(app);
  if (!m) throw new Error(`app "${app}" is not "node -r sucrase/register/ts <file>.ts"`);
  return m[1];
}

/** The entry file the CLI config of an example folder runs. */
export function configEntry(dir: string, cli: 'cdktf' | 'cdk8s'): string {
  const app = cli === 'cdktf' ? JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.json'), 'utf8')).app : parseYaml(fs.readFileSync(path.join(dir, 'cdk8s.yaml'), 'utf8')).app;
  return entryPoint(app);
}

/** Options of {@link runCli}. */
export interface CliRunOptions {
  /** The repository root (the recorder tells its lib/ and build/ apart). */
  readonly root: string;
  /** Where the recorder script and the records go. */
  readonly workDir: string;
  /** Time limit (ms). */
  readonly timeoutMs: number;
  /** More environment. */
  readonly env?: { readonly [name: string]: string };
}

/**
 * Runs `npx <cli> synth --output <outdir>` in `dir`; throws with the output's tail when it fails.
 * The app's process is the one whose command line names the entry file of the folder's config,
 * or `appEntry`.
 */
export function runCli(dir: string, cli: 'cdktf' | 'cdk8s', outdir: string, options: CliRunOptions, appEntry?: string): CliRun {
  // cdktf's App creates only the last level of its outdir.
  fs.mkdirSync(path.dirname(outdir), { recursive: true });
  fs.mkdirSync(options.workDir, { recursive: true });
  const recorder = path.join(options.workDir, 'record-modules.js');
  fs.writeFileSync(recorder, moduleRecorderScript(options.root));
  const logDir = fs.mkdtempSync(path.join(options.workDir, `processes-${cli}-`));
  const t0 = performance.now();
  const run = spawnSync('npx', [cli, 'synth', '--output', outdir], {
    cwd: dir,
    env: {
      ...process.env,
      ...OFFLINE_ENV,
      ...options.env,
      CNAI_MODULE_LOG_DIR: logDir,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${recorder}`.trim(),
    },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeoutMs,
    killSignal: 'SIGKILL',
  });
  const wallMs = Math.round(performance.now() - t0);
  const output = `${run.stdout ?? ''}\n${run.stderr ?? ''}`;
  if (run.error || run.status !== 0) {
    const tail = output.trim().split('\n').slice(-40).join('\n');
    throw new Error(`npx ${cli} synth failed in ${dir} (${run.error ? run.error.message : `exit ${run.status}`}):\n${tail}`);
  }
  const processes = fs.readdirSync(logDir).map((f) => JSON.parse(fs.readFileSync(path.join(logDir, f), 'utf8')) as ProcessRecord);
  fs.rmSync(logDir, { recursive: true, force: true });
  const entry = appEntry ?? configEntry(dir, cli);
  const apps = processes.filter((p) => p.argv.some((a) => path.basename(a) === entry));
  if (apps.length !== 1) {
    throw new Error(`expected one process running ${entry}, found ${apps.length}: ${processes.map((p) => p.argv.join(' ')).join('; ')}`);
  }
  return { wallMs, processes, app: apps[0], output };
}

/** A temporary work directory. */
export function tempWorkDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
