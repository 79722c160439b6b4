/**
 * Renders a kustomize source the way Argo CD does, with the real tool: the vendored tree is
 * mirrored into a temporary directory (directories created, files linked), the Application's
 * namespace, images and patches are written into the target kustomization (Argo CD edits it
 * in place with `kustomize edit` and by appending to `patches`), remote resources of the
 * vendored kustomizations are redirected to their vendored source through
 * {@link REMOTE_RESOURCES}, and `kubectl kustomize --load-restrictor LoadRestrictionsNone`
 * builds it. Renders are cached on disk by the sha256 of their inputs (tree contents, edits,
 * redirections, kubectl binary), like the Terraform verdicts.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { ApplicationSource } from './applications';
import { defaultRenderCacheDir, readCached, writeCached } from './cache';
import { filesUnder } from './helm-chart';
import { parseImage } from './images';
import { kustomizationFileOf, locateGitPath } from './locate';
import { readVendoredFile, resolveVendoredFile, sha256, UpstreamSource } from './sources';
import { KubeObject } from './types';
import { isPlainObject } from './util';

/** Environment variable naming the kubectl binary. */
export const KUBECTL_ENV = 'CNAI_KUBECTL';

/** kubectl is missing or does not run. */
export class KubectlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubectlError';
  }
}

/** A remote resource of a vendored kustomization and the vendored source that stands in for it. */
export interface RemoteResourceMapping {
  /** The entry as the kustomization names it. */
  readonly url: string;
  /** GitHub repository of the stand-in. */
  readonly repo: string;
  /** Its tag. */
  readonly ref: string;
  /** Path of the kustomization that builds the same objects. */
  readonly path: string;
  /** Why it stands in for the remote resource. */
  readonly note: string;
}

/** Remote resources the vendored kustomizations pull, and their vendored stand-ins. */
export const REMOTE_RESOURCES: RemoteResourceMapping[] = [
  {
    url: 'https://github.com/kubernetes-sigs/jobset/releases/download/v0.12.0/manifests.yaml',
    repo: 'kubernetes-sigs/jobset',
    ref: 'v0.12.0',
    path: 'config/default',
    note: 'the release asset is built by `make artifacts` as `kustomize build config/default` (trainer v2.3.0 manifests/third-party/jobset)',
  },
];

/** Finds kubectl: the option, `$CNAI_KUBECTL`, else `kubectl` on PATH. */
export function findKubectl(explicit?: string): string {
  const fromEnv = process.env[KUBECTL_ENV];
  const named = explicit ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined);
  const help = 'Install kubectl 1.27 or later (it has kustomize built in; https://kubernetes.io/docs/tasks/tools/) and put it on PATH, '
    + `or name the binary with $${KUBECTL_ENV} or the kubectl option`;
  if (named !== undefined) {
    if (isExecutable(named)) return path.resolve(named);
    throw new KubectlError(`kubectl ${named} (from ${explicit !== undefined ? 'the kubectl option' : `$${KUBECTL_ENV}`}) does not exist or is not executable. ${help}.`);
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    for (const name of process.platform === 'win32' ? ['kubectl.exe', 'kubectl'] : ['kubectl']) {
      const candidate = path.join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  throw new KubectlError(`kubectl not found on PATH. ${help}.`);
}

function isExecutable(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A remote entry met in a vendored kustomization. */
export interface RemoteEntry {
  /** Kustomization file (relative to the upstream directory). */
  readonly file: string;
  readonly field: string;
  readonly entry: string;
  /** The vendored stand-in, when mapped and vendored. */
  readonly mapping?: RemoteResourceMapping;
  readonly mappedDir?: string;
  readonly mappedRoot?: string;
  /** Why there is no stand-in. */
  readonly problem?: string;
}

const RESOURCE_FIELDS = ['resources', 'bases', 'components'];

/** True for kustomize entries that are URLs or remote git bases. */
export function isRemoteEntry(entry: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^git@/.test(entry) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry) || /\?ref=|\/\/[^/]/.test(entry) && !entry.startsWith('.');
}

/** Remote entries of the kustomizations reachable from `dir` (the vendored tree, unchanged). */
export function findRemoteEntries(dir: string, upstreamDir: string, sources: UpstreamSource[],
  mappings: RemoteResourceMapping[] = REMOTE_RESOURCES): RemoteEntry[] {
  const out: RemoteEntry[] = [];
  const seen = new Set<string>();
  const visit = (d: string) => {
    const real = path.resolve(d);
    if (seen.has(real)) return;
    seen.add(real);
    const file = kustomizationFileOf(real);
    if (!file) return;
    let k: unknown;
    try {
      k = YAML.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      return; // kubectl reports it
    }
    if (!isPlainObject(k)) return;
    for (const field of RESOURCE_FIELDS) {
      const list = k[field];
      if (!Array.isArray(list)) continue;
      for (const entry of list) {
        if (typeof entry !== 'string') continue;
        if (isRemoteEntry(entry)) {
          const mapping = mappings.find((m) => m.url === entry);
          const rel = path.relative(upstreamDir, file);
          if (!mapping) {
            out.push({ file: rel, field, entry });
            continue;
          }
          const located = locateGitPath(upstreamDir, sources, `https://github.com/${mapping.repo}`, mapping.path, mapping.ref);
          if (located.location) out.push({ file: rel, field, entry, mapping, mappedDir: located.location.dir, mappedRoot: located.location.rootDir });
          else out.push({ file: rel, field, entry, mapping, problem: located.problem });
          continue;
        }
        const target = path.resolve(real, entry);
        if (fs.existsSync(target) && fs.statSync(target).isDirectory()) visit(target);
      }
    }
  };
  visit(dir);
  return out;
}

/** The edits Argo CD makes to the target kustomization. */
export interface KustomizeEdits {
  readonly namespace?: string;
  readonly images?: string[];
  readonly patches?: Array<{ [key: string]: unknown }>;
  readonly namePrefix?: string;
  readonly nameSuffix?: string;
  readonly commonLabels?: { [key: string]: string };
  readonly commonAnnotations?: { [key: string]: string };
  readonly components?: string[];
  readonly replicas?: Array<{ name: string; count: number }>;
}

/** The edits of an Application's `spec.source.kustomize`, and the fields this check does not apply. */
export function editsOf(source: ApplicationSource): { edits: KustomizeEdits; unsupported: string[] } {
  const k = source.kustomize ?? {};
  const supported = new Set(['namespace', 'images', 'patches', 'namePrefix', 'nameSuffix', 'commonLabels', 'commonAnnotations', 'components', 'replicas']);
  const unsupported = Object.keys(k).filter((x) => !supported.has(x) && k[x] !== undefined && k[x] !== null && k[x] !== false);
  const edits: KustomizeEdits = {
    ...(typeof k.namespace === 'string' && k.namespace !== '' ? { namespace: k.namespace } : {}),
    ...(Array.isArray(k.images) && k.images.length > 0 ? { images: k.images } : {}),
    ...(Array.isArray(k.patches) && k.patches.length > 0 ? { patches: k.patches as Array<{ [key: string]: unknown }> } : {}),
    ...(typeof k.namePrefix === 'string' ? { namePrefix: k.namePrefix } : {}),
    ...(typeof k.nameSuffix === 'string' ? { nameSuffix: k.nameSuffix } : {}),
    ...(isPlainObject(k.commonLabels) ? { commonLabels: k.commonLabels as { [key: string]: string } } : {}),
    ...(isPlainObject(k.commonAnnotations) ? { commonAnnotations: k.commonAnnotations as { [key: string]: string } } : {}),
    ...(Array.isArray(k.components) ? { components: k.components as string[] } : {}),
    ...(Array.isArray(k.replicas) ? { replicas: k.replicas as Array<{ name: string; count: number }> } : {}),
  };
  return { edits, unsupported };
}

/** Applies Argo CD's edits to a parsed kustomization. */
export function applyEdits(kustomization: { [key: string]: unknown }, edits: KustomizeEdits): { [key: string]: unknown } {
  const k = { ...kustomization };
  if (edits.namespace !== undefined) k.namespace = edits.namespace;
  if (edits.namePrefix !== undefined) k.namePrefix = edits.namePrefix;
  if (edits.nameSuffix !== undefined) k.nameSuffix = edits.nameSuffix;
  if (edits.images) {
    const images = Array.isArray(k.images) ? (k.images as Array<{ [key: string]: unknown }>).map((x) => ({ ...x })) : [];
    for (const arg of edits.images) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(0, eq) : parseImage(arg).name;
      const target = eq >= 0 ? parseImage(arg.slice(eq + 1)) : parseImage(arg);
      let entry = images.find((x) => x.name === name);
      if (!entry) {
        entry = { name };
        images.push(entry);
      }
      if (eq >= 0 && target.name !== '' && target.name !== name) entry.newName = target.name;
      if (target.tag !== undefined) {
        entry.newTag = target.tag;
        delete entry.digest;
      }
      if (target.digest !== undefined) {
        entry.digest = target.digest;
        delete entry.newTag;
      }
    }
    k.images = images;
  }
  if (edits.commonLabels) k.commonLabels = { ...(isPlainObject(k.commonLabels) ? k.commonLabels : {}), ...edits.commonLabels };
  if (edits.commonAnnotations) {
    k.commonAnnotations = { ...(isPlainObject(k.commonAnnotations) ? k.commonAnnotations : {}), ...edits.commonAnnotations };
  }
  if (edits.components) k.components = [...(Array.isArray(k.components) ? k.components : []), ...edits.components];
  if (edits.replicas) k.replicas = [...(Array.isArray(k.replicas) ? k.replicas : []), ...edits.replicas];
  if (edits.patches) k.patches = [...(Array.isArray(k.patches) ? k.patches : []), ...edits.patches];
  return k;
}

/** The result of one render. */
export interface RenderOutcome {
  readonly objects?: KubeObject[];
  /** kubectl's error output when the build failed. */
  readonly error?: string;
  /** True when it came from the cache. */
  readonly cached: boolean;
}

/** What to render. */
export interface RenderRequest {
  readonly upstreamDir: string;
  /** The kustomization directory (absolute, inside rootDir). */
  readonly dir: string;
  /** The repository root it belongs to (absolute). */
  readonly rootDir: string;
  /** Remote entries found by {@link findRemoteEntries}. */
  readonly remotes: RemoteEntry[];
  readonly kubectl: string;
  /** Variants of the edits to render (e.g. with every patch, and without each one). */
  readonly variants: KustomizeEdits[];
  /**
   * Cache directory.
   * @default - `$CNAI_KUSTOMIZE_CACHE_DIR`, else `.cache/cnai-kustomize-renders` under the package root
   */
  readonly cacheDir?: string;
}

/** Counters for tests (to prove the cache avoided kubectl runs). */
export const renderStats = { renders: 0, cacheHits: 0 };

const RENDER_FORMAT = 1;
const treeHashes = new Map<string, string>();

function treeHash(dir: string): string {
  let h = treeHashes.get(dir);
  if (!h) {
    const hash = crypto.createHash('sha256');
    for (const f of filesUnder(dir)) {
      hash.update(path.relative(dir, f));
      hash.update('\0');
      hash.update(readVendoredFile(f));
      hash.update('\0');
    }
    h = hash.digest('hex');
    treeHashes.set(dir, h);
  }
  return h;
}

/** Forgets the memoized tree hashes (tests that change a tree). */
export function clearTreeHashes(): void {
  treeHashes.clear();
}

function kubectlIdentity(kubectl: string): string {
  try {
    const st = fs.statSync(kubectl);
    return `${fs.realpathSync(kubectl)}\0${st.size}\0${st.mtimeMs}`;
  } catch {
    return kubectl;
  }
}

/** Renders every variant (from the cache where possible). */
export function renderKustomize(req: RenderRequest): RenderOutcome[] {
  const cacheDir = req.cacheDir ?? defaultRenderCacheDir();
  const roots = [req.rootDir, ...req.remotes.filter((r) => r.mappedRoot).map((r) => r.mappedRoot!)];
  const base = {
    format: RENDER_FORMAT,
    kubectl: kubectlIdentity(req.kubectl),
    roots: [...new Set(roots)].map((r) => ({ at: path.relative(req.upstreamDir, r), hash: treeHash(r) })),
    target: path.relative(req.upstreamDir, req.dir),
    remotes: req.remotes.map((r) => ({ file: r.file, entry: r.entry, to: r.mappedDir ? path.relative(req.upstreamDir, r.mappedDir) : null })),
  };
  const keys = req.variants.map((v) => sha256(JSON.stringify({ ...base, edits: v })));
  const results: Array<RenderOutcome | undefined> = keys.map((key) => readCache(cacheDir, key));
  if (results.every((r) => r !== undefined)) {
    renderStats.cacheHits += results.length;
    return results as RenderOutcome[];
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-kustomize-'));
  try {
    const mirrorOf = (abs: string) => path.join(work, path.relative(req.upstreamDir, abs));
    for (const r of new Set(roots)) mirror(r, mirrorOf(r));
    // Redirect remote entries (mapped ones to the mirrored stand-in, unmapped ones dropped).
    const byFile = new Map<string, RemoteEntry[]>();
    for (const r of req.remotes) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
    for (const [file, entries] of byFile) {
      const abs = path.join(work, file);
      const k = YAML.parse(fs.readFileSync(abs, 'utf8')) as { [key: string]: unknown };
      for (const e of entries) {
        const list = k[e.field] as string[];
        const i = list.indexOf(e.entry);
        if (i < 0) continue;
        if (e.mappedDir) list[i] = path.relative(path.dirname(abs), mirrorOf(e.mappedDir)) || '.';
        else list.splice(i, 1);
      }
      writeReplacing(abs, YAML.stringify(k));
    }
    const target = mirrorOf(req.dir);
    const kustFile = kustomizationFileOf(target)!;
    const original = YAML.parse(fs.readFileSync(kustFile, 'utf8')) as { [key: string]: unknown };
    req.variants.forEach((v, i) => {
      if (results[i]) {
        renderStats.cacheHits++;
        return;
      }
      writeReplacing(kustFile, YAML.stringify(applyEdits(original, v)));
      renderStats.renders++;
      const run = spawnSync(req.kubectl, ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', target], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
      let outcome: { objects?: KubeObject[]; error?: string };
      if (run.error) {
        throw new KubectlError(`kubectl ${req.kubectl} could not be started: ${run.error.message}. Install kubectl 1.27 or later, or set $${KUBECTL_ENV}.`);
      } else if (run.status !== 0) {
        outcome = { error: cleanError(run.stderr, work, req.upstreamDir) };
      } else {
        outcome = { objects: parseRender(run.stdout) };
      }
      writeCache(cacheDir, keys[i], outcome);
      results[i] = { ...outcome, cached: false };
    });
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return results as RenderOutcome[];
}

function parseRender(text: string): KubeObject[] {
  return YAML.parseAllDocuments(text, { version: '1.1' })
    .map((d) => d.toJS({ maxAliasCount: -1 }) as unknown)
    .filter((o): o is KubeObject => isPlainObject(o));
}

function cleanError(stderr: string, work: string, upstreamDir: string): string {
  return stderr.split(work).join(upstreamDir).replace(/\s+/g, ' ').trim().slice(0, 2000);
}

function readCache(dir: string, key: string): RenderOutcome | undefined {
  const o = readCached<{ objects?: KubeObject[]; error?: string }>(dir, key);
  return o ? { ...o, cached: true } : undefined;
}

function writeCache(dir: string, key: string, outcome: { objects?: KubeObject[]; error?: string }): void {
  writeCached(dir, key, outcome);
}

/** Mirrors a tree: directories created, files symlinked (never copied; edited files replace their link). */
function mirror(src: string, dest: string): void {
  fs.mkdirSync(dest, { recursive: true });
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    const from = path.join(src, e.name);
    const to = path.join(dest, e.name);
    let isDir = e.isDirectory();
    if (e.isSymbolicLink()) {
      try {
        isDir = fs.statSync(from).isDirectory();
      } catch {
        continue;
      }
    }
    if (isDir) mirror(from, to);
    else if (!fs.existsSync(to)) fs.symlinkSync(fs.realpathSync(resolveVendoredFile(from)), to);
  }
}

function writeReplacing(file: string, text: string): void {
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, text);
}
