/**
 * Prepares a throwaway copy of a synthesized stack in which Terraform can run offline:
 * the backend is overridden by a local one, every AWS provider block gets mock
 * credentials and the skip_* switches, and nothing the user configured for real
 * deployments (S3 state, profiles, assumed roles) is touched.
 */
import * as fs from 'fs';
import * as path from 'path';
import { STUBBED_SERVICES } from './terraform-aws-stub';
import { sha256 } from './terraform-mirror';

/** Files this module writes into the work dir; never copied from a stack. */
export const OVERRIDE_FILE = 'zz_cnai_verify_override.tf.json';
/** Default AWS provider added when a stack uses AWS without declaring a default provider block. */
export const DEFAULT_PROVIDER_FILE = 'zz_cnai_verify_provider.tf.json';
/** The `terraform test` file with mock providers. */
export const MOCK_TEST_FILE = 'zz_cnai_verify.tftest.hcl';
/** Region of the default provider block added to stacks that declare none. */
export const FALLBACK_REGION = 'us-east-1';

const GENERATED = new Set([OVERRIDE_FILE, DEFAULT_PROVIDER_FILE, MOCK_TEST_FILE]);
const AWS_SOURCES = new Set(['aws', 'hashicorp/aws', 'registry.terraform.io/hashicorp/aws']);

/** Whether a file or directory of a stack belongs in the work dir (no state, no .terraform). */
export function copiedFromStack(name: string): boolean {
  return !(name === '.terraform' || name === '.terraform.lock.hcl' || name.endsWith('.tfstate')
    || name.includes('.tfstate.') || name === 'tfplan' || GENERATED.has(name));
}

/** The files of a stack that Terraform reads, as sorted relative paths. */
export function stackFiles(stackDir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(stackDir, rel), { withFileTypes: true })) {
      if (!copiedFromStack(entry.name)) continue;
      const r = rel ? path.join(rel, entry.name) : entry.name;
      if (entry.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk('');
  return out.sort();
}

/** sha256 over the paths and contents of a stack's files. */
export function stackHash(stackDir: string, files: string[]): string {
  const parts = files.map((f) => `${f}\0${sha256(fs.readFileSync(path.join(stackDir, f)))}`);
  return sha256(parts.join('\n'));
}

/** One `provider "aws"` block of the stack. */
export interface AwsProviderBlock {
  /** Local name of the provider in required_providers (almost always `aws`). */
  readonly localName: string;
  /** The alias, undefined for the default block. */
  readonly alias?: string;
  /** Argument and nested block names present in the block. */
  readonly keys: string[];
}

/** What the work dir needs to know about the stack's Terraform JSON. */
export interface StackAnalysis {
  /** Local names under which hashicorp/aws is required (default `aws`). */
  readonly awsLocalNames: string[];
  /** Whether any resource or data source of the AWS provider is declared. */
  readonly usesAws: boolean;
  readonly awsProviderBlocks: AwsProviderBlock[];
  /** Whether a backend or cloud block is configured (it gets a local override). */
  readonly hasBackend: boolean;
  /** required_providers of all files, merged. */
  readonly requiredProviders: { [name: string]: unknown };
  /** `<type>.<name>` of every ephemeral resource of the AWS provider (opened at plan, so they read AWS). */
  readonly awsEphemeralResources: string[];
  /** `data.<type>.<name>` of the AWS data sources the offline stub answers (admin principal and imported cluster lookups). */
  readonly stubbedDataSources: string[];
}

/** Data source types whose reads the offline stub answers (see terraform-aws-stub.ts). */
export const STUBBED_DATA_SOURCES = ['aws_iam_role', 'aws_iam_user', 'aws_eks_cluster'];

/** Reads the *.tf.json files of a stack (HCL files, if any, are not analysed). */
export function analyseStack(stackDir: string, files: string[]): StackAnalysis {
  const docs: Array<{ [k: string]: unknown }> = [];
  for (const f of files) {
    if (!f.endsWith('.tf.json') || f.includes(path.sep)) continue;
    try {
      docs.push(JSON.parse(fs.readFileSync(path.join(stackDir, f), 'utf8')));
    } catch {
      // A file that is not JSON: Terraform reports it in init/validate with its position.
    }
  }
  const requiredProviders: { [name: string]: unknown } = {};
  let hasBackend = false;
  for (const doc of docs) {
    for (const tf of asArray(doc.terraform)) {
      const t = tf as { required_providers?: unknown; backend?: unknown; cloud?: unknown };
      for (const rp of asArray(t.required_providers)) Object.assign(requiredProviders, rp as object);
      if (t.backend || t.cloud) hasBackend = true;
    }
  }
  const awsLocalNames = Object.entries(requiredProviders)
    .filter(([, v]) => {
      const source = typeof v === 'string' ? undefined : (v as { source?: unknown } | null)?.source;
      return typeof source === 'string' && AWS_SOURCES.has(source.toLowerCase());
    })
    .map(([k]) => k);
  if (awsLocalNames.length === 0) awsLocalNames.push('aws');
  const usesAws = docs.some((doc) => ['resource', 'data'].some((kind) => Object.keys((doc[kind] as object | undefined) ?? {})
    .some((type) => awsLocalNames.some((n) => type.startsWith(`${n}_`)))));
  const isAws = (type: string) => awsLocalNames.some((n) => type.startsWith(`${n}_`));
  const awsEphemeralResources: string[] = [];
  const stubbedDataSources: string[] = [];
  for (const doc of docs) {
    for (const [type, blocks] of Object.entries((doc.ephemeral ?? {}) as { [type: string]: object })) {
      if (isAws(type)) awsEphemeralResources.push(...Object.keys(blocks ?? {}).map((n) => `${type}.${n}`));
    }
    for (const [type, blocks] of Object.entries((doc.data ?? {}) as { [type: string]: object })) {
      if (STUBBED_DATA_SOURCES.includes(type)) stubbedDataSources.push(...Object.keys(blocks ?? {}).map((n) => `data.${type}.${n}`));
    }
  }
  const awsProviderBlocks: AwsProviderBlock[] = [];
  for (const doc of docs) {
    const providers = (doc.provider ?? {}) as { [name: string]: unknown };
    for (const localName of awsLocalNames) {
      for (const block of asArray(providers[localName])) {
        const b = (block ?? {}) as { [k: string]: unknown };
        awsProviderBlocks.push({ localName, alias: typeof b.alias === 'string' ? b.alias : undefined, keys: Object.keys(b) });
      }
    }
  }
  return {
    awsLocalNames,
    usesAws,
    awsProviderBlocks,
    hasBackend,
    requiredProviders,
    awsEphemeralResources: awsEphemeralResources.sort(),
    stubbedDataSources: stubbedDataSources.sort(),
  };
}

/** Mock settings that let hashicorp/aws configure itself without any AWS call (and, given a stub URL, send its few plan-time reads there). */
function offlineProviderSettings(block: AwsProviderBlock | undefined, stubUrl?: string): { [k: string]: unknown } {
  const settings: { [k: string]: unknown } = {
    access_key: 'mock-access-key',
    secret_key: 'mock-secret-key',
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
    // A data source that reads AWS then fails at once instead of retrying for minutes.
    max_retries: 1,
  };
  const keys = new Set(block?.keys ?? []);
  // Overrides cannot remove nested blocks, only replace them; an empty role_arn turns
  // role assumption off in hashicorp/aws 5.x. Profiles and shared files are emptied so
  // a deployment profile that does not exist here cannot fail the plan.
  if (keys.has('assume_role')) settings.assume_role = [{ role_arn: '' }];
  if (keys.has('assume_role_with_web_identity')) settings.assume_role_with_web_identity = [{ role_arn: '', web_identity_token: 'mock' }];
  if (keys.has('profile')) settings.profile = '';
  if (keys.has('shared_config_files')) settings.shared_config_files = [];
  if (keys.has('shared_credentials_files')) settings.shared_credentials_files = [];
  if (keys.has('token')) settings.token = '';
  // With skip_requesting_account_id the provider knows no account id, so an account
  // allow/deny list would reject every offline plan. The list is still validated.
  if (keys.has('allowed_account_ids')) settings.allowed_account_ids = [];
  if (keys.has('forbidden_account_ids')) settings.forbidden_account_ids = [];
  if (stubUrl) settings.endpoints = [Object.fromEntries(STUBBED_SERVICES.map((service) => [service, stubUrl]))];
  return settings;
}

/** What {@link writeVerifyFiles} wrote, for the result's warnings. */
export interface WrittenFiles {
  readonly notes: string[];
}

/**
 * Writes the override file (local backend; mock credentials when `mockCredentials`), the
 * default provider block when the stack lacks one, or the `terraform test` file with
 * mock providers when `mockProviders`.
 */
export function writeVerifyFiles(workDir: string, analysis: StackAnalysis,
  mode: { mockCredentials: boolean; mockProviders: boolean; stubUrl?: string }): WrittenFiles {
  const notes: string[] = [];
  const override: { [k: string]: unknown } = {};
  if (analysis.hasBackend) {
    // Replaces S3/remote/cloud backends, so verification never reads or locks real state.
    override.terraform = { backend: { local: { path: 'cnai-verify.tfstate' } } };
  }
  const hasDefault = (name: string) => analysis.awsProviderBlocks.some((b) => b.localName === name && b.alias === undefined);
  if (mode.mockCredentials) {
    const providers: { [name: string]: unknown[] } = {};
    for (const b of analysis.awsProviderBlocks) {
      (providers[b.localName] ??= []).push({ ...(b.alias ? { alias: b.alias } : {}), ...offlineProviderSettings(b, mode.stubUrl) });
    }
    if (Object.keys(providers).length > 0) override.provider = providers;
    const missing = analysis.usesAws ? analysis.awsLocalNames.filter((n) => !hasDefault(n)) : [];
    if (missing.length > 0) {
      const provider: { [name: string]: unknown[] } = {};
      for (const n of missing) provider[n] = [{ region: FALLBACK_REGION, ...offlineProviderSettings(undefined, mode.stubUrl) }];
      fs.writeFileSync(path.join(workDir, DEFAULT_PROVIDER_FILE), JSON.stringify({ provider }, null, 2));
      notes.push(`the stack has no default ${missing.join(', ')} provider block; verified with one in ${FALLBACK_REGION}`);
    }
  }
  if (Object.keys(override).length > 0) {
    fs.writeFileSync(path.join(workDir, OVERRIDE_FILE), JSON.stringify(override, null, 2));
  }
  if (mode.mockProviders) {
    const lines: string[] = [];
    const seen = new Set<string>();
    const mock = (name: string, alias?: string) => {
      const key = `${name}.${alias ?? ''}`;
      if (seen.has(key)) return;
      seen.add(key);
      lines.push(`mock_provider "${name}" {`, ...(alias ? [`  alias = ${JSON.stringify(alias)}`] : []), '}');
    };
    for (const n of analysis.awsLocalNames) mock(n);
    for (const b of analysis.awsProviderBlocks) mock(b.localName, b.alias);
    lines.push('', 'run "cnai_verify_plan" {', '  command = plan', '}', '');
    fs.writeFileSync(path.join(workDir, MOCK_TEST_FILE), lines.join('\n'));
  }
  return { notes };
}

/** Copies the stack's Terraform files into the work dir. */
export function copyStack(stackDir: string, workDir: string): void {
  fs.cpSync(stackDir, workDir, { recursive: true, filter: (src) => src === stackDir || copiedFromStack(path.basename(src)) });
}

function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}
