/**
 * Verifies a synthesized Terraform stack (a directory with cdk.tf.json) with the real
 * Terraform CLI and the real hashicorp/aws provider: `terraform init`, `terraform
 * validate`, and an offline `terraform plan` with mock credentials. Or, for stacks whose
 * plan must read AWS (data sources), `terraform test` with a mock AWS provider.
 *
 * Works on files only: no cdktf import here (see test/util/terraform.ts for the cdktf side).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startAwsStub, VERIFY_EPHEMERAL_SENTINEL } from './terraform-aws-stub';
import { formatDiagnostic, locateDiagnostic, RawTerraformDiagnostic, StackFiles, TerraformDiagnostic } from './terraform-diagnostics';
import { findProviderMirror, mirroredAwsProviderVersions, PROVIDER_MIRROR_ENV, sha256, terraformPlatform, writeCliConfig, writeFileAtomic } from './terraform-mirror';
import { analyseStack, copyStack, DEFAULT_PROVIDER_FILE, MOCK_TEST_FILE, OVERRIDE_FILE, stackFiles, stackHash, writeVerifyFiles } from './terraform-workdir';
import { TERRAFORM } from '../core/versions';

export { findProviderMirror, PROVIDER_MIRROR_ENV } from './terraform-mirror';
export { VERIFY_EPHEMERAL_SENTINEL } from './terraform-aws-stub';
export { formatDiagnostic } from './terraform-diagnostics';
export type { TerraformDiagnostic } from './terraform-diagnostics';

/** Environment variable naming the terraform binary when no option is given. */
export const TERRAFORM_BINARY_ENV = 'CNAI_TERRAFORM_BINARY';

/** Options of {@link verifyTerraformStack}. */
export interface TerraformVerifyOptions {
  /** Run `terraform plan` after validate. @default true */
  readonly plan?: boolean;
  /** terraform binary. @default - `$CNAI_TERRAFORM_BINARY`, else 'terraform' on PATH */
  readonly terraformBinary?: string;
  /** Keep the temporary work dir (its path is in the result) for debugging. @default false */
  readonly keepWorkDir?: boolean;
  /**
   * Directory where verdicts are also kept on disk, keyed by the sha256 of the stack's files,
   * the terraform version and the provider source, so that separate processes (jest workers,
   * test files) share them.
   * @default - `$CNAI_TF_VERIFY_CACHE_DIR`, else verdicts are cached in memory for this process only
   */
  readonly cacheDir?: string;
  /**
   * Return the plan as `terraform show -json` prints it (`planJson` of the result), for checks of
   * planned values. Costs one more terraform run. Only with `plan`.
   * @default false
   */
  readonly planJson?: boolean;
  /**
   * IAM role or user names the offline plan treats as missing (the admin principal lookups then fail
   * as they would against AWS). Everything else exists offline.
   * @default - none
   */
  readonly missingPrincipals?: string[];
  /**
   * EKS cluster names the offline plan treats as missing (the lookup of an imported cluster then fails
   * as it would against AWS). Every other cluster exists offline.
   * @default - none
   */
  readonly missingClusters?: string[];
}

/** What a verification found. */
export interface TerraformVerifyResult {
  readonly stackDir: string;
  readonly validated: boolean;
  readonly planned: boolean;
  /** resources the plan would create, by type, e.g. { aws_s3_bucket: 2 } */
  readonly plannedResourcesByType: { [type: string]: number };
  readonly plannedResourceCount: number;
  /** Warnings of validate/plan (formatted like errors) and notes on what the verifier changed. */
  readonly warnings: string[];
  readonly providerSource: 'filesystem-mirror' | 'registry';
  /** Wall time of each terraform step in milliseconds (`init`, `validate`, `plan` or `test`). */
  readonly timingsMs: { [step: string]: number };
  /** The work dir, only when `keepWorkDir` was set. @default - removed after the run */
  readonly workDir?: string;
  /** `terraform show -json` of the plan, when `planJson` was asked for. @default - not returned */
  readonly planJson?: any;
}

/** A Terraform step that can fail. */
export type TerraformStep = 'init' | 'validate' | 'plan' | 'test';

const FIXES: { [step: string]: string } = {
  init: `check the terraform binary, the provider mirror (${PROVIDER_MIRROR_ENV}) or access to registry.terraform.io, and the stack's required_providers`,
  validate: 'change the props of the constructs named above so that they synthesize arguments hashicorp/aws accepts (names and allowed values as in the Terraform resource docs)',
  plan: 'change the props of the constructs named above; if the plan must read AWS (data sources), verify the stack with runTerraformTestWithMockProvider() instead',
  test: 'change the props of the constructs named above so that the plan against the mock AWS provider succeeds',
};

/** Terraform rejected the stack (or could not run). The message lists every error, one per line. */
export class TerraformVerificationError extends Error {
  public readonly stackDir: string;
  public readonly step: TerraformStep;
  /** One readable line per error: construct path, address, attribute, value, Terraform's summary and detail, file:line:col. */
  public readonly diagnostics: string[];
  /** The same errors, structured. */
  public readonly problems: TerraformDiagnostic[];
  /** What to do about it. */
  public readonly fix: string;

  constructor(stackDir: string, step: TerraformStep, diagnostics: string[], problems: TerraformDiagnostic[] = [], fix?: string) {
    const n = diagnostics.length;
    const theFix = (fix ?? FIXES[step]).replace(/\.$/, '');
    super(`terraform ${step} failed for ${stackDir} (${n} error${n === 1 ? '' : 's'}):\n`
      + diagnostics.map((d) => `  - ${d}`).join('\n')
      + `\nFix: ${theFix}.`);
    this.name = 'TerraformVerificationError';
    this.stackDir = stackDir;
    this.step = step;
    this.diagnostics = diagnostics;
    this.problems = problems;
    this.fix = theFix;
  }
}

/** Counters for tests (e.g. to prove the cache avoided a second terraform run). */
export interface TerraformVerifyStats {
  /** Stacks actually run through terraform. */
  readonly verifications: number;
  /** Requests answered from the cache. */
  readonly cacheHits: number;
  /** terraform processes started. */
  readonly terraformInvocations: number;
}

const stats = { verifications: 0, cacheHits: 0, terraformInvocations: 0 };

/** What Terraform said about a stack's content, independent of where the stack was synthesized. */
interface Verdict {
  readonly result?: Omit<TerraformVerifyResult, 'stackDir' | 'workDir'>;
  readonly error?: { readonly step: TerraformStep; readonly diagnostics: string[]; readonly problems: TerraformDiagnostic[]; readonly fix: string };
}
const cache = new Map<string, Verdict>();
/** The disk cache's view of `terraform version`, once per binary and process. */
const terraformVersions = new Map<string, string>();

/** Environment variable naming a directory for verdicts shared between processes. */
export const VERIFY_CACHE_DIR_ENV = 'CNAI_TF_VERIFY_CACHE_DIR';

/** Current counters of this process. */
export function terraformVerifyStats(): TerraformVerifyStats {
  return { ...stats };
}

/** Forgets cached results (the counters stay). */
export function clearTerraformVerifyCache(): void {
  cache.clear();
}

/**
 * Verifies the stack in `stackDir` (the directory holding cdk.tf.json): `terraform init`,
 * `terraform validate -json`, then (unless `plan: false`) `terraform plan` with mock
 * credentials and no network access for the provider.
 *
 * Runs in a copy of the stack under the OS temp dir (removed afterwards), with the stack's
 * backend replaced by a local one, so real state is never read. Results are cached per
 * process by the sha256 of the stack's files: the same stack is not run twice.
 *
 * @throws TerraformVerificationError naming each construct, resource and attribute Terraform rejected.
 */
export function verifyTerraformStack(stackDir: string, options: TerraformVerifyOptions = {}): TerraformVerifyResult {
  return run(stackDir, options.plan ?? true ? 'plan' : 'validate', options);
}

/**
 * Verifies a stack whose plan must read AWS (data sources such as `aws_caller_identity`)
 * with `terraform test` and a `mock_provider "aws"` for every AWS provider block: the
 * plan runs against the provider's schema with generated values for computed attributes.
 * Needs Terraform >= 1.7. The result counts the resources of the mocked plan.
 *
 * @throws TerraformVerificationError with step `init` or `test`.
 */
export function runTerraformTestWithMockProvider(stackDir: string, options: TerraformVerifyOptions = {}): TerraformVerifyResult {
  return run(stackDir, 'test', options);
}

type Mode = 'validate' | 'plan' | 'test';

function run(stackDirIn: string, mode: Mode, options: TerraformVerifyOptions): TerraformVerifyResult {
  const stackDir = path.resolve(stackDirIn);
  const binary = options.terraformBinary ?? process.env[TERRAFORM_BINARY_ENV] ?? 'terraform';
  if (!fs.existsSync(stackDir) || !fs.statSync(stackDir).isDirectory()) {
    throw new TerraformVerificationError(stackDir, 'init', [`stack directory ${stackDir} does not exist`], [],
      'synthesize the stack first and pass the directory that holds cdk.tf.json');
  }
  const files = stackFiles(stackDir);
  // Terraform reads only the top level of the directory.
  if (!files.some((f) => !f.includes(path.sep) && (f.endsWith('.tf.json') || f.endsWith('.tf')))) {
    throw new TerraformVerificationError(stackDir, 'init', [`no Terraform configuration (*.tf.json) in ${stackDir}`], [],
      'pass the stack directory that holds cdk.tf.json (cdktf.out/stacks/<stack>)');
  }
  const mirror = findMirrorOrThrow(stackDir);
  const content = stackHash(stackDir, files);
  const missingClusters = [...(options.missingClusters ?? [])].sort();
  const variant = JSON.stringify({
    planJson: options.planJson === true,
    missing: [...(options.missingPrincipals ?? [])].sort(),
    // Only when given, so the keys of every other verdict stay as they were.
    ...(missingClusters.length > 0 ? { missingClusters } : {}),
  });
  const keyOf = (m: Mode) => sha256([m, binary, mirror ?? 'registry', content, variant].join('\n'));
  const cacheDir = options.cacheDir ?? process.env[VERIFY_CACHE_DIR_ENV];
  const diskKey = (m: Mode) => sha256([keyOf(m), terraformVersion(binary, stackDir), mirror ? mirroredAwsProviderVersions(mirror).join(',') : ''].join('\n'));
  const lookup = (m: Mode): Verdict | undefined => {
    const inMemory = cache.get(keyOf(m));
    if (inMemory || !cacheDir) return inMemory;
    try {
      const fromDisk = JSON.parse(fs.readFileSync(path.join(cacheDir, `${diskKey(m)}.json`), 'utf8')) as Verdict;
      cache.set(keyOf(m), fromDisk);
      return fromDisk;
    } catch {
      return undefined;
    }
  };
  // A plan verdict also answers a validate-only request, unless it failed at the plan step.
  const planned = mode === 'validate' ? lookup('plan') : undefined;
  const hit = lookup(mode) ?? (planned && planned.error?.step !== 'plan' ? planned : undefined);
  if (hit) {
    stats.cacheHits++;
    return materialize(hit, stackDir);
  }
  stats.verifications++;
  let verdict: Verdict;
  let fresh: TerraformVerifyResult | undefined;
  let failure: TerraformVerificationError | undefined;
  try {
    fresh = runUncached(stackDir, files, mode, binary, mirror, options);
    const { stackDir: _dir, workDir: _work, ...result } = fresh;
    verdict = { result };
  } catch (e) {
    // Only Terraform's verdicts are cached; a missing binary may be installed meanwhile.
    if (!(e instanceof TerraformVerificationError) || e.step === 'init') throw e;
    failure = e;
    verdict = { error: { step: e.step, diagnostics: e.diagnostics, problems: e.problems, fix: e.fix } };
  }
  cache.set(keyOf(mode), verdict);
  if (cacheDir) {
    fs.mkdirSync(cacheDir, { recursive: true });
    writeFileAtomic(path.join(cacheDir, `${diskKey(mode)}.json`), JSON.stringify(verdict));
  }
  if (failure) throw failure;
  return fresh!;
}

function materialize(verdict: Verdict, stackDir: string): TerraformVerifyResult {
  if (verdict.error) {
    const e = verdict.error;
    throw new TerraformVerificationError(stackDir, e.step, e.diagnostics, e.problems, e.fix);
  }
  return { stackDir, ...verdict.result! };
}

/** `terraform version` output, part of the disk cache key so an upgrade re-verifies. */
function terraformVersion(binary: string, stackDir: string): string {
  let v = terraformVersions.get(binary);
  if (v === undefined) {
    const r = terraform(binary, ['version', '-json'], os.tmpdir(), { ...process.env, CHECKPOINT_DISABLE: '1' }, stackDir, 'init');
    v = r.stdout.trim();
    terraformVersions.set(binary, v);
  }
  return v;
}

function findMirrorOrThrow(stackDir: string): string | undefined {
  try {
    return findProviderMirror();
  } catch (e) {
    throw new TerraformVerificationError(stackDir, 'init', [(e as Error).message]);
  }
}

function runUncached(stackDir: string, files: string[], mode: Mode, binary: string, mirror: string | undefined,
  options: TerraformVerifyOptions): TerraformVerifyResult {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-tf-verify-work-'));
  const timingsMs: { [step: string]: number } = {};
  let stub: { url: string; stop(): void } | undefined;
  const warnings: string[] = [];
  try {
    copyStack(stackDir, workDir);
    const analysis = analyseStack(stackDir, files);
    // The few AWS reads of a plan (ephemeral random passwords, admin principal lookups) go to a loopback stub.
    const stubbed = mode === 'plan' && (analysis.awsEphemeralResources.length > 0 || analysis.stubbedDataSources.length > 0);
    if (stubbed) stub = startAwsStub(workDir, { missingPrincipals: options.missingPrincipals, missingClusters: options.missingClusters });
    const written = writeVerifyFiles(workDir, analysis, { mockCredentials: mode !== 'test', mockProviders: mode === 'test', stubUrl: stub?.url });
    warnings.push(...written.notes);
    if (stubbed) {
      const read = [...analysis.awsEphemeralResources.map((e) => `ephemeral.${e}`), ...analysis.stubbedDataSources];
      const but = (names?: string[]) => (names?.length ? ` but ${names.join(', ')}` : '');
      warnings.push(`offline plan: ${read.join(', ')} read from the verifier's loopback AWS stub (random passwords are a sentinel searched for in the plan; `
        + `every IAM principal exists${but(options.missingPrincipals)}; every EKS cluster exists${but(options.missingClusters)})`);
    }
    const cliConfig = writeCliConfig(mirror);
    const tf = (step: TerraformStep, args: string[], offline: boolean) => {
      const started = Date.now();
      const r = terraform(binary, args, workDir, childEnv(cliConfig, offline), stackDir, step);
      timingsMs[step] = (timingsMs[step] ?? 0) + Date.now() - started;
      return r;
    };

    init(stackDir, mirror, () => tf('init', ['init', '-input=false', '-no-color'], false));

    const workFiles = new StackFiles(workDir);
    const located = (raws: RawTerraformDiagnostic[]) => raws.map((r) => locateDiagnostic(r, workFiles));
    const ours = (d: TerraformDiagnostic) => d.file !== undefined && [OVERRIDE_FILE, DEFAULT_PROVIDER_FILE, MOCK_TEST_FILE].includes(d.file);
    const collect = (step: TerraformStep, diags: TerraformDiagnostic[], failed: boolean, fallback: string) => {
      const errors = diags.filter((d) => d.severity === 'error');
      warnings.push(...diags.filter((d) => d.severity === 'warning' && !ours(d)).map(formatDiagnostic));
      if (errors.length > 0 || failed) {
        const lines = errors.length > 0 ? errors.map(formatDiagnostic) : [fallback];
        throw new TerraformVerificationError(stackDir, step, lines, errors, fixFor(step, errors));
      }
    };

    if (mode === 'test') {
      const r = tf('test', ['test', '-json', '-verbose', '-no-color'], true);
      const events = jsonLines(r.stdout);
      const changes: ResourceChange[] = [];
      for (const e of events) {
        if (e.type === 'test_plan') changes.push(...((e.test_plan as { resource_changes?: ResourceChange[] })?.resource_changes ?? []));
      }
      const summary = events.find((e) => e.type === 'test_summary')?.test_summary as { status?: string } | undefined;
      const diags = located(events.filter((e) => e.type === 'diagnostic').map((e) => e.diagnostic as RawTerraformDiagnostic));
      collect('test', diags, r.status !== 0 || summary?.status !== 'pass', tail(r.stderr || r.stdout));
      const byType = countCreates(changes.map((c) => ({ type: c.type, mode: c.mode, actions: c.change?.actions ?? [] })));
      return finish(stackDir, workDir, options, warnings, timingsMs, mirror, true, true, byType);
    }

    const v = tf('validate', ['validate', '-json', '-no-color'], true);
    const validation = parseJson(v.stdout) as { valid?: boolean; diagnostics?: RawTerraformDiagnostic[] } | undefined;
    collect('validate', located(validation?.diagnostics ?? []), v.status !== 0 || validation?.valid !== true, tail(v.stderr || v.stdout));
    if (mode === 'validate') return finish(stackDir, workDir, options, warnings, timingsMs, mirror, true, false, {});

    // The -json stream carries the planned changes and the diagnostics, which saves a
    // `terraform show -json` run (another ~2 s of provider start-up).
    // A saved plan is needed to read planned values back (planJson, and the ephemeral value check).
    const showPlan = options.planJson === true || analysis.awsEphemeralResources.length > 0;
    const p = tf('plan', ['plan', '-input=false', '-lock=false', '-refresh=false', '-json', '-no-color', ...(showPlan ? ['-out=cnai-verify.tfplan'] : [])], true);
    const events = jsonLines(p.stdout);
    const diags = located(events.filter((e) => e.type === 'diagnostic').map((e) => e.diagnostic as RawTerraformDiagnostic));
    collect('plan', diags, p.status !== 0, tail(p.stderr || p.stdout));
    const planned = events.filter((e) => e.type === 'planned_change').map((e) => {
      const change = e.change as { resource?: { addr?: string; resource_type?: string }; action?: string };
      // Data source reads come as action "read" and are not counted.
      return { type: change.resource?.resource_type ?? '', actions: [change.action ?? ''] };
    });
    let planJson: any;
    if (showPlan) {
      const shown = tf('plan', ['show', '-json', '-no-color', 'cnai-verify.tfplan'], true);
      if (shown.status !== 0) {
        throw new TerraformVerificationError(stackDir, 'plan', [`terraform show -json of the plan failed: ${tail(shown.stderr || shown.stdout)}`]);
      }
      if (shown.stdout.includes(VERIFY_EPHEMERAL_SENTINEL)) {
        const where = ephemeralLeaks(parseJson(shown.stdout));
        throw new TerraformVerificationError(stackDir, 'plan', [`an ephemeral value (the stub's random password) is in the plan${where.length ? ` at ${where.join(', ')}` : ''}`], [],
          'pass ephemeral values only to write-only arguments (such as secret_string_wo), never to arguments Terraform stores in the plan and state');
      }
      if (options.planJson) planJson = parseJson(shown.stdout);
    }
    const result = finish(stackDir, workDir, options, warnings, timingsMs, mirror, true, true, countCreates(planned));
    return planJson === undefined ? result : { ...result, planJson };
  } finally {
    stub?.stop();
    if (!options.keepWorkDir) fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/** JSON paths of the plan where the stub's sentinel appears. */
function ephemeralLeaks(plan: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, at: string) => {
    if (out.length >= 5) return;
    if (typeof v === 'string') {
      if (v.includes(VERIFY_EPHEMERAL_SENTINEL)) out.push(at || '$');
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${at}[${i}]`));
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(x, at ? `${at}.${k}` : k);
    }
  };
  walk(plan, '');
  return out;
}

interface ResourceChange {
  readonly type: string;
  readonly mode?: string;
  readonly change?: { readonly actions?: string[] };
}

function countCreates(changes: Array<{ type: string; mode?: string; actions: string[] }>): { [type: string]: number } {
  const byType: { [type: string]: number } = {};
  for (const c of changes) {
    if (c.mode === 'data' || !c.actions.includes('create')) continue;
    byType[c.type] = (byType[c.type] ?? 0) + 1;
  }
  return byType;
}

function finish(stackDir: string, workDir: string, options: TerraformVerifyOptions, warnings: string[], timingsMs: { [step: string]: number },
  mirror: string | undefined, validated: boolean, planned: boolean, byType: { [type: string]: number }): TerraformVerifyResult {
  const sorted: { [type: string]: number } = {};
  for (const t of Object.keys(byType).sort()) sorted[t] = byType[t];
  return {
    stackDir,
    validated,
    planned,
    plannedResourcesByType: sorted,
    plannedResourceCount: Object.values(sorted).reduce((a, b) => a + b, 0),
    warnings,
    providerSource: mirror ? 'filesystem-mirror' : 'registry',
    timingsMs,
    ...(options.keepWorkDir ? { workDir } : {}),
  };
}

/** A hint where the plan failed because it tried to reach AWS. */
function fixFor(step: TerraformStep, errors: TerraformDiagnostic[]): string | undefined {
  if (step !== 'plan') return undefined;
  if (errors.some((e) => /^No value for required variable/.test(e.summary))) {
    return 'give each variable named above a default, or set TF_VAR_<name> in the environment of the verification';
  }
  const principals = errors.filter((e) => /^data\.aws_iam_(role|user)\./.test(e.address ?? '') && /couldn't find resource|NoSuchEntity/.test(`${e.summary} ${e.detail}`));
  if (principals.length > 0) {
    return 'an admin principal (adminPrincipalArns) does not exist, so EKS would reject its access entry at apply and the cluster would have no admin: '
      + 'create the role or user first, or correct the ARN';
  }
  const clusters = errors.filter((e) => /^data\.aws_eks_cluster\./.test(e.address ?? '')
    && /couldn't find resource|ResourceNotFoundException|No cluster found/.test(`${e.summary} ${e.detail}`));
  if (clusters.length > 0) {
    return 'an imported EKS cluster (Cluster.fromClusterAttributes) does not exist in the region and account of the stack\'s AWS provider: '
      + 'check clusterName (aws eks list-clusters) and the provider\'s region';
  }
  const reads = errors.filter((e) => /proxyconnect|request send failed|dial tcp|no such host|exceeded maximum number of attempts/.test(e.detail)
    || (e.address ?? '').startsWith('data.'));
  if (reads.length === 0) return undefined;
  const what = [...new Set(reads.map((e) => e.address).filter((a) => a))].join(', ') || 'the provider';
  return `the plan needs AWS (${what}) and verification runs offline with mock credentials: `
    + 'verify this stack with runTerraformTestWithMockProvider() (terraform test with mock_provider "aws"), or pass the value in instead of reading it';
}

/**
 * `terraform init`. No lock file is reused: with one, init verifies the ~700 MB provider
 * against it and takes twice as long (0.8 s against 0.4 s from a mirror).
 */
function init(stackDir: string, mirror: string | undefined, runInit: () => TerraformRun): void {
  const r = runInit();
  if (r.status !== 0) {
    const errors = initErrors(r.stderr || r.stdout);
    const versions = mirror ? mirroredAwsProviderVersions(mirror) : [];
    const hint = mirror && /hashicorp\/aws/.test(r.stderr)
      ? `; the provider mirror ${mirror} holds hashicorp/aws ${versions.join(', ')} for ${terraformPlatform()} (the library pins ${TERRAFORM.awsProvider.version}): set ${PROVIDER_MIRROR_ENV} to a mirror with the version the stack requires`
      : '';
    throw new TerraformVerificationError(stackDir, 'init', errors, [], `${FIXES.init}${hint}`);
  }
}

/** `Error: <summary>\n\n<detail>` blocks of init's human output, one line each. */
function initErrors(text: string): string[] {
  const blocks = text.split(/^(?:│\s*)?Error: /m).slice(1).map((b) => b.replace(/^│ ?/gm, '').replace(/[╷╵]/g, '').replace(/\s+/g, ' ').trim());
  return blocks.length > 0 ? blocks.map((b) => (b.length > 600 ? `${b.slice(0, 597)}...` : b)) : [tail(text)];
}

interface TerraformRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function terraform(binary: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, stackDir: string, step: TerraformStep): TerraformRun {
  stats.terraformInvocations++;
  const r = spawnSync(binary, args, {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    // A registry download of the AWS provider is ~700 MB; everything else takes seconds.
    timeout: (step === 'init' ? 30 : 10) * 60 * 1000,
  });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new TerraformVerificationError(stackDir, step, [`terraform binary ${JSON.stringify(binary)} not found${path.isAbsolute(binary) ? '' : ' on PATH'}`], [],
        `install Terraform ${TERRAFORM.requiredVersion} (https://developer.hashicorp.com/terraform/install), or pass terraformBinary / set ${TERRAFORM_BINARY_ENV}`);
    }
    if (code === 'ETIMEDOUT') {
      throw new TerraformVerificationError(stackDir, step, [`terraform ${args[0]} timed out`], [], 'check network access to the provider source, or use a provider mirror');
    }
    throw new TerraformVerificationError(stackDir, step, [`could not run ${binary}: ${r.error.message}`]);
  }
  return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/**
 * The environment of terraform children: our CLI config (the user's TF_CLI_CONFIG_FILE
 * may point nowhere), no AWS credentials, profiles or roles of the user's shell, and for
 * validate/plan/test an unreachable proxy so the provider cannot reach AWS at all.
 */
function childEnv(cliConfig: string, offline: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    const upper = k.toUpperCase();
    if (upper.startsWith('AWS_') && upper !== 'AWS_REGION' && upper !== 'AWS_DEFAULT_REGION') continue;
    if (upper.startsWith('TF_CLI_ARGS') || ['TF_DATA_DIR', 'TF_WORKSPACE', 'TF_LOG', 'TF_LOG_PATH', 'TF_CLI_CONFIG_FILE', 'TERRAFORM_CONFIG'].includes(upper)) continue;
    if (offline && ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY'].includes(upper)) continue;
    env[k] = v;
  }
  env.TF_CLI_CONFIG_FILE = cliConfig;
  env.TF_IN_AUTOMATION = '1';
  env.TF_INPUT = '0';
  env.CHECKPOINT_DISABLE = '1';
  env.AWS_EC2_METADATA_DISABLED = 'true';
  if (offline) {
    const blackhole = 'http://127.0.0.1:9';
    env.HTTP_PROXY = env.HTTPS_PROXY = env.http_proxy = env.https_proxy = blackhole;
    env.NO_PROXY = env.no_proxy = '';
  }
  return env;
}

function jsonLines(text: string): Array<{ type?: string; [k: string]: unknown }> {
  const out: Array<{ type?: string; [k: string]: unknown }> = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // not a JSON event line
    }
  }
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function tail(text: string): string {
  const lines = text.trim().split('\n').slice(-15).join(' ').replace(/\s+/g, ' ').trim();
  return lines || 'terraform exited with an error and no output';
}
