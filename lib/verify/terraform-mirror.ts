/**
 * Where Terraform gets the AWS provider from during verification: an unpacked filesystem
 * mirror when one is on the machine (offline, and `terraform init` symlinks the ~700 MB
 * binary instead of copying it), the public registry otherwise.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TERRAFORM } from '../core/versions';

/** Environment variable naming a provider mirror root (the directory holding `registry.terraform.io/`). */
export const PROVIDER_MIRROR_ENV = 'CNAI_TF_PROVIDER_MIRROR';

/** Terraform's `<os>_<arch>` name of this machine, e.g. `linux_amd64`. */
export function terraformPlatform(): string {
  const osName = process.platform === 'win32' ? 'windows' : process.platform;
  const arch: { [nodeArch: string]: string } = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };
  return `${osName}_${arch[process.arch] ?? process.arch}`;
}

/** Versions of hashicorp/aws unpacked for this platform under a mirror root, newest first. */
export function mirroredAwsProviderVersions(mirrorRoot: string): string[] {
  const base = path.join(mirrorRoot, 'registry.terraform.io', 'hashicorp', 'aws');
  const platform = terraformPlatform();
  return listDir(base)
    .filter((version) => listDir(path.join(base, version, platform)).some((f) => f.startsWith('terraform-provider-aws')))
    .sort(compareVersionsDesc);
}

/**
 * Finds an unpacked filesystem mirror that holds hashicorp/aws for this platform.
 *
 * Looks at `$CNAI_TF_PROVIDER_MIRROR` first (an error if it holds no AWS provider, so a
 * typo never silently falls back to the network), then at Terraform's implied local
 * mirror directories, then shallowly under `/opt`. A mirror with the pinned provider
 * version wins over one with another version.
 *
 * @returns the mirror root (the directory that contains `registry.terraform.io/`), or
 *   undefined when there is none and the registry must be used.
 */
export function findProviderMirror(): string | undefined {
  const fromEnv = process.env[PROVIDER_MIRROR_ENV];
  if (fromEnv) {
    const root = path.resolve(fromEnv);
    if (mirroredAwsProviderVersions(root).length === 0) {
      throw new Error(`${PROVIDER_MIRROR_ENV}=${root}: no unpacked hashicorp/aws provider for ${terraformPlatform()} there `
        + `(expected ${path.join(root, 'registry.terraform.io', 'hashicorp', 'aws', '<version>', terraformPlatform(), 'terraform-provider-aws_*')}). `
        + `Fix: point ${PROVIDER_MIRROR_ENV} at the mirror root, or unset it to use the registry.`);
    }
    return root;
  }
  const candidates = candidateMirrorRoots();
  const withAws = candidates.filter((c) => mirroredAwsProviderVersions(c).length > 0);
  const pinned = withAws.find((c) => mirroredAwsProviderVersions(c).includes(TERRAFORM.awsProvider.version));
  return pinned ?? withAws[0];
}

/** Terraform's implied local mirror directories for this OS, then /opt/<x> and /opt/<x>/<y>. */
function candidateMirrorRoots(): string[] {
  const home = os.homedir();
  const roots: string[] = [];
  if (process.platform === 'win32') {
    if (process.env.APPDATA) roots.push(path.join(process.env.APPDATA, 'HashiCorp', 'Terraform', 'plugins'));
  } else {
    roots.push(path.join(home, '.terraform.d', 'plugins'));
    if (process.platform === 'darwin') {
      roots.push(path.join(home, 'Library', 'Application Support', 'io.terraform', 'plugins'));
      roots.push('/Library/Application Support/io.terraform/plugins');
    }
    const dataHome = process.env.XDG_DATA_HOME || path.join(home, '.local', 'share');
    roots.push(path.join(dataHome, 'terraform', 'plugins'));
    const dataDirs = (process.env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':').filter((d) => d);
    for (const d of dataDirs) roots.push(path.join(d, 'terraform', 'plugins'));
    // Images and CI runners often unpack mirrors under /opt; two levels is enough and cheap.
    for (const a of listDir('/opt')) {
      roots.push(path.join('/opt', a));
      for (const b of listDir(path.join('/opt', a))) roots.push(path.join('/opt', a, b));
    }
  }
  return [...new Set(roots)];
}

/**
 * Provider addresses (`registry.terraform.io/hashicorp/aws`) unpacked for this platform
 * under a mirror root. Only these go to the mirror; everything else to the registry.
 */
export function mirroredProviders(mirrorRoot: string): string[] {
  const found: string[] = [];
  const platform = terraformPlatform();
  for (const host of listDir(mirrorRoot)) {
    if (!host.includes('.')) continue;
    for (const ns of listDir(path.join(mirrorRoot, host))) {
      for (const type of listDir(path.join(mirrorRoot, host, ns))) {
        const dir = path.join(mirrorRoot, host, ns, type);
        if (listDir(dir).some((v) => listDir(path.join(dir, v, platform)).some((f) => f.startsWith(`terraform-provider-${type}`)))) {
          found.push(`${host}/${ns}/${type}`);
        }
      }
    }
  }
  return found.sort();
}

/** Per-user scratch directory for the CLI config and cached lock files. */
export function verifyCacheDir(): string {
  const uid = typeof process.getuid === 'function' ? String(process.getuid()) : os.userInfo().username;
  const dir = path.join(os.tmpdir(), `cnai-tf-verify-${uid}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Writes a Terraform CLI config that installs mirrored providers from the mirror and the
 * rest from the registry, and returns its path. Meant for `TF_CLI_CONFIG_FILE` of child
 * processes only.
 *
 * With a mirror there is no plugin cache: init then symlinks the work dir straight to the
 * mirror (a cache would only add a second link). Without one, the registry download
 * (~700 MB for hashicorp/aws) goes through a plugin cache so it happens once per machine.
 */
export function writeCliConfig(mirrorRoot: string | undefined): string {
  const mirrored = mirrorRoot ? mirroredProviders(mirrorRoot) : [];
  const lines = ['# Written by cnai-constructs verifyTerraformStack; used through TF_CLI_CONFIG_FILE of its own terraform runs only.'];
  if (mirrorRoot && mirrored.length > 0) {
    const list = `[${mirrored.map(hclString).join(', ')}]`;
    lines.push('provider_installation {');
    lines.push('  filesystem_mirror {', `    path    = ${hclString(mirrorRoot)}`, `    include = ${list}`, '  }');
    lines.push('  direct {', `    exclude = ${list}`, '  }');
  } else {
    const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
    const pluginCache = process.env.TF_PLUGIN_CACHE_DIR || path.join(cacheHome, 'cnai-constructs', 'terraform-plugin-cache');
    fs.mkdirSync(pluginCache, { recursive: true });
    lines.push(`plugin_cache_dir = ${hclString(pluginCache)}`);
    // Use the cache even before a lock file lists a checksum for it (the first run).
    lines.push('plugin_cache_may_break_dependency_lock_file = true');
    lines.push('provider_installation {', '  direct {}');
  }
  lines.push('}', '');
  const text = lines.join('\n');
  const file = path.join(verifyCacheDir(), `cli-${sha256(text).slice(0, 16)}.tfrc`);
  writeFileAtomic(file, text);
  return file;
}

/** An HCL quoted string (JSON escapes plus HCL's template escapes). */
function hclString(s: string): string {
  return JSON.stringify(s).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}

/** Writes through a temp file and a rename, so parallel test workers never read half a file. */
export function writeFileAtomic(file: string, text: string | Buffer): void {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** Hex sha256 of a string or buffer. */
export function sha256(data: string | Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function compareVersionsDesc(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pb[i] ?? 0) - (pa[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
