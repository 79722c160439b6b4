#!/usr/bin/env node
/**
 * cnai-verify: checks synthesized output with real tools.
 *
 *   cnai-verify k8s [--schemas DIR] [--kubernetes-version 1.34] [--crd FILE]... PATH...
 *   cnai-verify terraform [--no-plan] [--mock-provider] PATH...
 *   cnai-verify fetch-schemas [--dir DIR]
 *   cnai-verify policy [--tf DIR]... [--contract FILE] [--spec FILE] [--warn-only] [--json] PATH...
 *   cnai-verify [all] [--k8s DIR] [--terraform DIR]      (defaults: dist, cdktf.out)
 *
 * A PATH is a YAML file or a folder of them (k8s), or a stack folder or a cdktf.out
 * folder (terraform). Exit code 0 when everything is valid, 1 on findings, 2 on usage errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import { formatReport, ManifestFile, validateManifests } from './k8s';
import { clusterAddressesOf, formatPlatformReport, platformFlowsMarkdown, verifyPlatform } from './platform/verify-platform';
import { formatPolicyReport, formatPolicyReportJson, PolicyPack, runPolicyPacks } from './policy';
import { fetchSchemas } from './schemas';
import { runTerraformTestWithMockProvider, TerraformVerificationError, verifyTerraformStack } from './terraform';
import { fetchUpstream, formatReleaseReport, verifyReleases } from './upstream';
import { PlatformContract } from '../core/contract';
import { PlatformContractFile } from '../core/contract-file';
import { PlatformSpec } from '../core/platform-spec';
import { validatePlatformSpec } from '../core/platform-spec-validation';

/** Where the command writes. */
export interface CliIo {
  /** Normal output. */
  readonly out: (line: string) => void;
  /** Errors. */
  readonly err: (line: string) => void;
}

const USAGE = `usage:
  cnai-verify k8s [--schemas DIR] [--kubernetes-version V] [--crd FILE]... PATH...
  cnai-verify platform [--schemas DIR] [--upstream DIR] [--kubernetes-version V] [--vpc-cidr CIDR] [--bootstrap DIR] [--flows FILE] PATH...
  cnai-verify releases [--schemas DIR] [--upstream DIR] PATH...
  cnai-verify policy [--tf DIR]... [--contract FILE] [--spec FILE] [--pack ID]... [--vpc-cidr CIDR] [--warn-only] [--json] PATH...
  cnai-verify terraform [--no-plan] [--mock-provider] PATH...
  cnai-verify fetch-schemas [--dir DIR]
  cnai-verify fetch-upstream [--dir DIR]
  cnai-verify [all] [--k8s DIR] [--terraform DIR] [--no-plan] [--warn-only]     (defaults: dist, cdktf.out)
  cnai-verify --help

k8s checks every object against the schema of its kind. platform checks the output as a system:
each Argo CD Application against the upstream artifacts it installs, every reference (Services
and ports, Secrets, queues, runtimes, custom kinds installed in time, monitors selected, dashboards
loaded), every network flow the platform needs against its NetworkPolicies, and a bootstrap folder
(dist/bootstrap when present). all runs k8s, platform and terraform.

A PATH is a YAML file or a folder of them (k8s, platform), or a stack folder or a cdktf.out folder
(terraform). Exit code 0 when everything is valid, 1 on findings, 2 on usage errors.

Environment:
  CNAI_SCHEMA_DIR          schema folder (k8s/ and crds/); default: ../shared/schemas next to the
                           package, then .cache/cnai-schemas (filled by fetch-schemas)
  CNAI_UPSTREAM_DIR        upstream install artifacts (charts, kustomize trees) at the pinned versions;
                           default: ../shared/upstream next to the package, then .cache/cnai-upstream
                           (filled by fetch-upstream)
  CNAI_KUBECTL             kubectl (with built-in kustomize) for rendering; default: kubectl on PATH
  CNAI_TF_PROVIDER_MIRROR  filesystem mirror of the hashicorp/aws provider for offline init/plan;
                           default: the standard plugin folders, else the Terraform registry
  CNAI_TERRAFORM_BINARY    terraform executable; default: terraform on PATH`;

class UsageError extends Error {}

interface Parsed {
  readonly flags: Map<string, string[]>;
  readonly positional: string[];
}

function parse(argv: string[], valued: string[], booleans: string[]): Parsed {
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split('=', 2);
      if (booleans.includes(name)) {
        flags.set(name, ['true']);
      } else if (valued.includes(name)) {
        const v = inline ?? argv[++i];
        if (v === undefined) throw new UsageError(`--${name} needs a value`);
        flags.set(name, [...(flags.get(name) ?? []), v]);
      } else {
        throw new UsageError(`unknown option --${name}`);
      }
    } else {
      positional.push(a);
    }
  }
  return { flags, positional };
}

/** YAML files under the given paths, sorted. */
export function yamlFilesUnder(paths: string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    if (!fs.existsSync(p)) throw new UsageError(`${p} does not exist`);
    if (fs.statSync(p).isDirectory()) {
      for (const f of fs.readdirSync(p).sort()) {
        const full = path.join(p, f);
        if (fs.statSync(full).isDirectory()) files.push(...yamlFilesUnder([full]));
        // A kustomization (dist/bootstrap) is not a Kubernetes object: the platform check renders it.
        else if (/\.ya?ml$/.test(f) && !/^kustomization\.ya?ml$/.test(f)) files.push(full);
      }
    } else {
      files.push(p);
    }
  }
  return files;
}

/** Stack folders (with cdk.tf.json or *.tf.json) under the given paths. */
export function stackDirsUnder(paths: string[]): string[] {
  const dirs: string[] = [];
  for (const p of paths) {
    if (!fs.existsSync(p) || !fs.statSync(p).isDirectory()) throw new UsageError(`${p} is not a folder`);
    if (fs.readdirSync(p).some((f) => f.endsWith('.tf.json') || f.endsWith('.tf'))) {
      dirs.push(p);
    } else {
      const stacks = path.join(p, 'stacks');
      const base = fs.existsSync(stacks) ? stacks : p;
      for (const d of fs.readdirSync(base).sort()) {
        const full = path.join(base, d);
        if (fs.statSync(full).isDirectory() && fs.readdirSync(full).some((f) => f.endsWith('.tf.json'))) dirs.push(full);
      }
    }
  }
  return dirs;
}

function verifyK8s(parsed: Parsed, io: CliIo): boolean {
  const files = yamlFilesUnder(parsed.positional);
  if (files.length === 0) throw new UsageError(`no YAML files under ${parsed.positional.join(', ')}`);
  const report = validateManifests(files.map((file): ManifestFile => ({ file })), {
    schemaDir: parsed.flags.get('schemas')?.[0],
    kubernetesVersion: parsed.flags.get('kubernetes-version')?.[0],
    crdFiles: parsed.flags.get('crd'),
  });
  if (!report.valid) {
    io.err(formatReport(report));
    return false;
  }
  const kinds = Object.entries(report.objectsPerKind).map(([k, n]) => `${k} ${n}`).join(', ');
  io.out(`k8s: ${report.objectsChecked} objects in ${files.length} files valid against Kubernetes ${report.kubernetesVersion} and the pinned CRDs (${kinds})`);
  io.out(`k8s: CEL rules: ${report.cel.evaluated} evaluations, ${report.cel.skippedTransition} transition rules skipped, ${report.cel.notEvaluated} not evaluated`);
  for (const r of report.cel.notEvaluatedRules) io.out(`  not evaluated: ${r.location}: ${r.rule} (${r.reason})`);
  return true;
}

/** Folders under the paths holding a kustomization.yaml (a bootstrap). */
function kustomizationDirsUnder(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!fs.existsSync(p) || !fs.statSync(p).isDirectory()) continue;
    if (fs.existsSync(path.join(p, 'kustomization.yaml'))) out.push(p);
    for (const d of fs.readdirSync(p).sort()) {
      const full = path.join(p, d);
      if (fs.statSync(full).isDirectory()) out.push(...kustomizationDirsUnder([full]));
    }
  }
  return out;
}

function verifySystem(parsed: Parsed, io: CliIo): boolean {
  const kustomizations = kustomizationDirsUnder(parsed.positional);
  const files = yamlFilesUnder(parsed.positional).filter((f) => !kustomizations.includes(path.dirname(f)));
  if (files.length === 0) throw new UsageError(`no YAML files under ${parsed.positional.join(', ')}`);
  const bootstraps = parsed.flags.get('bootstrap') ?? kustomizations;
  if (bootstraps.length > 1) throw new UsageError(`more than one kustomization folder (${bootstraps.join(', ')}): name the bootstrap with --bootstrap`);
  const vpc = parsed.flags.get('vpc-cidr')?.[0];
  const result = verifyPlatform(files.map((file) => ({ file })), {
    schemaDir: parsed.flags.get('schemas')?.[0],
    upstreamDir: parsed.flags.get('upstream')?.[0],
    kubernetesVersion: parsed.flags.get('kubernetes-version')?.[0],
    model: vpc ? { clusterAddresses: clusterAddressesOf({ vpcCidr: vpc }) } : undefined,
    bootstrapDir: bootstraps[0],
  });
  const flowsFile = parsed.flags.get('flows')?.[0];
  if (flowsFile) fs.writeFileSync(flowsFile, platformFlowsMarkdown(result, path.basename(path.resolve(parsed.positional[0] ?? '.'))));
  (result.valid ? io.out : io.err)(formatPlatformReport(result).split('\n').map((l) => (l && !l.startsWith(' ') && !l.startsWith('-') ? `platform: ${l}` : l)).join('\n'));
  return result.valid;
}

/** The PlatformSpec of a JSON file, validated. */
function readSpec(file: string): PlatformSpec {
  let spec: PlatformSpec;
  try {
    spec = JSON.parse(fs.readFileSync(file, 'utf8')) as PlatformSpec;
  } catch (e) {
    throw new UsageError(`--spec ${file}: not a JSON PlatformSpec (${(e as Error).message})`);
  }
  validatePlatformSpec(spec);
  return spec;
}

function verifyPolicy(parsed: Parsed, io: CliIo): boolean {
  const kustomizations = kustomizationDirsUnder(parsed.positional);
  const files = parsed.positional.length === 0 ? [] : yamlFilesUnder(parsed.positional).filter((f) => !kustomizations.includes(path.dirname(f)));
  const stacks = stackDirsUnder(parsed.flags.get('tf') ?? []);
  if (files.length === 0 && stacks.length === 0) {
    throw new UsageError(`nothing to check: no YAML files under ${parsed.positional.join(', ') || '(no PATH)'} and no Terraform stack (--tf)`);
  }
  const packs = parsed.flags.get('pack')?.map((p) => {
    const pack = Object.values(PolicyPack).find((x) => x === p);
    if (!pack) throw new UsageError(`--pack ${p}: not a pack (${Object.values(PolicyPack).join(', ')})`);
    return pack;
  });
  const contractFile = parsed.flags.get('contract')?.[0];
  const contract: PlatformContract | undefined = contractFile ? PlatformContractFile.read(contractFile) : undefined;
  const specFile = parsed.flags.get('spec')?.[0];
  const vpc = parsed.flags.get('vpc-cidr')?.[0] ?? contract?.vpcCidr;
  const report = runPolicyPacks({
    ...(files.length > 0 ? { kubernetes: files.map((file) => ({ file })) } : {}),
    ...(stacks.length > 0 ? { terraform: stacks.map((file) => ({ file })) } : {}),
  }, {
    ...(packs ? { packs } : {}),
    ...(contract ? { contract } : {}),
    ...(specFile ? { spec: readSpec(specFile) } : {}),
    ...(vpc ? { model: { clusterAddresses: clusterAddressesOf({ vpcCidr: vpc }) } } : {}),
    warnOnly: parsed.flags.has('warn-only'),
  });
  if (parsed.flags.has('json')) {
    io.out(formatPolicyReportJson(report));
  } else {
    (report.passed ? io.out : io.err)(formatPolicyReport(report).split('\n').map((l) => (l && !l.startsWith(' ') ? `policy: ${l}` : l)).join('\n'));
  }
  return report.passed;
}

function verifyUpstreamReleases(parsed: Parsed, io: CliIo): boolean {
  const files = yamlFilesUnder(parsed.positional);
  const result = verifyReleases(files.map((file) => ({ file })), { schemaDir: parsed.flags.get('schemas')?.[0], upstreamDir: parsed.flags.get('upstream')?.[0] });
  (result.findings.length === 0 ? io.out : io.err)(formatReleaseReport(result));
  return result.findings.length === 0;
}

function verifyTerraform(parsed: Parsed, io: CliIo): boolean {
  const dirs = stackDirsUnder(parsed.positional);
  if (dirs.length === 0) throw new UsageError(`no Terraform stacks under ${parsed.positional.join(', ')}`);
  let ok = true;
  for (const dir of dirs) {
    try {
      const options = { plan: !parsed.flags.has('no-plan') };
      const r = parsed.flags.has('mock-provider') ? runTerraformTestWithMockProvider(dir, options) : verifyTerraformStack(dir, options);
      io.out(`terraform: ${dir}: validated${r.planned ? `, plan creates ${r.plannedResourceCount} resources` : ''} (provider from ${r.providerSource})`);
      for (const w of r.warnings) io.out(`  warning: ${w}`);
    } catch (e) {
      if (!(e instanceof TerraformVerificationError)) throw e;
      io.err(e.message);
      ok = false;
    }
  }
  return ok;
}

/** Runs the command; returns the exit code. */
export async function main(argv: string[], io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  const [command, ...rest] = argv[0] && !argv[0].startsWith('--') ? argv : ['all', ...argv];
  try {
    switch (command) {
      case 'k8s':
        return verifyK8s(parse(rest, ['schemas', 'kubernetes-version', 'crd'], []), io) ? 0 : 1;
      case 'terraform':
        return verifyTerraform(parse(rest, [], ['no-plan', 'mock-provider']), io) ? 0 : 1;
      case 'platform':
        return verifySystem(parse(rest, ['schemas', 'upstream', 'kubernetes-version', 'vpc-cidr', 'bootstrap', 'flows'], []), io) ? 0 : 1;
      case 'policy':
        return verifyPolicy(parse(rest, ['tf', 'contract', 'spec', 'pack', 'vpc-cidr'], ['warn-only', 'json']), io) ? 0 : 1;
      case 'releases':
        return verifyUpstreamReleases(parse(rest, ['schemas', 'upstream'], []), io) ? 0 : 1;
      case 'fetch-upstream': {
        const p = parse(rest, ['dir'], []);
        const result = await fetchUpstream({ dir: p.flags.get('dir')?.[0] });
        io.out(`upstream: ${result.dir}: ${result.downloaded.length} downloaded, ${result.cached.length} already present (all sha256-checked)`);
        return 0;
      }
      case 'fetch-schemas': {
        const p = parse(rest, ['dir'], []);
        const result = await fetchSchemas({ dir: p.flags.get('dir')?.[0] });
        io.out(`schemas: ${result.dir}: ${result.downloaded.length} downloaded, ${result.derived.length} derived, ${result.cached.length} already present (all sha256-checked)`);
        return 0;
      }
      case 'all': {
        const p = parse(rest, ['k8s', 'terraform', 'schemas'], ['no-plan', 'warn-only']);
        const k8sDir = p.flags.get('k8s')?.[0] ?? 'dist';
        const tfDir = p.flags.get('terraform')?.[0] ?? 'cdktf.out';
        const k8sOk = verifyK8s({ flags: p.flags, positional: [k8sDir] }, io);
        const systemOk = k8sOk && verifySystem({ flags: p.flags, positional: [k8sDir] }, io);
        const policyFlags = new Map([['tf', [tfDir]], ...(p.flags.has('warn-only') ? [['warn-only', ['true']] as [string, string[]]] : [])]);
        const policyOk = k8sOk && verifyPolicy({ flags: policyFlags, positional: [k8sDir] }, io);
        const tfOk = verifyTerraform({ flags: p.flags, positional: [tfDir] }, io);
        return k8sOk && systemOk && policyOk && tfOk ? 0 : 1;
      }
      case 'help':
      case '-h':
        io.out(USAGE);
        return 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`cnai-verify: ${e.message}\n${USAGE}`);
      return 2;
    }
    io.err(`cnai-verify: ${(e as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
    console.error(e);
    process.exit(1);
  });
}
