/**
 * Where the upstream install artifacts come from: a directory laid out as
 * `<component>/<version>/<upstream path>` with a `SOURCES.tsv` (one row per vendored
 * directory or file: repository, ref, commit, upstream path, licence, file count, notes) and
 * a `MANIFEST.sha256` (sha256 of every file).
 *
 * The directory is found in this order: the `upstreamDir` option, `$CNAI_UPSTREAM_DIR`,
 * `../shared/upstream` next to the package, and the cache `.cache/cnai-upstream` that
 * {@link fetchUpstream} fills from GitHub. The files the library's own releases need are
 * listed with their sha256 in `lib/verify/upstream-sources.tsv` and
 * `lib/verify/upstream-files.sha256`. A missing directory is an error that says how to get
 * the files, never a silent skip.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { FetchFunction, globalFetch, networkCause, packageRoot, resolveDataDir, writeAtomic } from '../schemas';

/** Environment variable naming the upstream directory. */
export const UPSTREAM_DIR_ENV = 'CNAI_UPSTREAM_DIR';

/** The command that fills the fetch cache (for messages). */
export const FETCH_UPSTREAM_COMMAND = 'npx cnai-verify fetch-upstream';

/** The committed list of the upstream directories the library's releases use (SOURCES.tsv rows). */
export const UPSTREAM_SOURCES_FILE = 'upstream-sources.tsv';
/** The committed list of their files with sha256 (`sha256  path`, paths relative to the upstream directory). */
export const UPSTREAM_FILES_FILE = 'upstream-files.sha256';

const COLUMNS = ['dir', 'repo', 'ref', 'commit', 'upstream_path', 'license', 'files', 'note'];

/** One vendored directory or file (a row of `SOURCES.tsv`). */
export interface UpstreamSource {
  /** Path in the upstream directory, e.g. `kueue/0.19.2/charts/kueue`. */
  readonly dir: string;
  /** GitHub repository (`owner/name`). */
  readonly repo: string;
  /** Tag or branch (`-` when the commit has none). */
  readonly ref: string;
  /** Commit the files are taken from. */
  readonly commit: string;
  /** Path in the repository. */
  readonly upstreamPath: string;
  /** Licence. */
  readonly license: string;
  /** Number of files. */
  readonly files: number;
  /** Notes (placeholders filled at release, skipped files, remote bases, symlinks). */
  readonly note: string;
  /** First path segment of `dir`: the component (`kueue`). */
  readonly component: string;
  /** Second path segment of `dir`: the chart version or tag (`0.19.2`, `v0.20.0`). */
  readonly version: string;
  /** `<component>/<version>`: the repository root at that commit. */
  readonly root: string;
}

/** A file of the upstream directory with its sha256. */
export interface UpstreamFile {
  /** Path relative to the upstream directory. */
  readonly path: string;
  /** sha256, hex. */
  readonly sha256: string;
}

/** A problem with the upstream directory: missing, or a file with the wrong checksum. */
export class UpstreamDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamDirError';
  }
}

/** Parses the text of a SOURCES.tsv (tab-separated, header row). */
export function parseUpstreamSources(tsv: string, origin = 'SOURCES.tsv'): UpstreamSource[] {
  const lines = tsv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split('\t');
  if (COLUMNS.some((c, i) => header[i] !== c)) {
    throw new UpstreamDirError(`${origin}: expected the columns ${COLUMNS.join(', ')}, got ${header.join(', ')}`);
  }
  return lines.map((line, i) => {
    const c = line.split('\t');
    const segments = (c[0] ?? '').split('/');
    if (c.length < 7 || segments.length < 3 || !/^[0-9a-f]{40}$/.test(c[3])) {
      throw new UpstreamDirError(`${origin}, row ${i + 2}: expected ${COLUMNS.length} tab-separated columns with a 40-digit commit, got "${line}"`);
    }
    return {
      dir: c[0],
      repo: c[1],
      ref: c[2],
      commit: c[3],
      upstreamPath: c[4],
      license: c[5],
      files: Number(c[6]),
      note: c[7] ?? '',
      component: segments[0],
      version: segments[1],
      root: `${segments[0]}/${segments[1]}`,
    };
  });
}

/** The rows as SOURCES.tsv text (header and one line per row). */
export function formatUpstreamSources(sources: UpstreamSource[]): string {
  return [COLUMNS.join('\t'), ...sources.map((s) => [s.dir, s.repo, s.ref, s.commit, s.upstreamPath, s.license, String(s.files), s.note].join('\t'))].join('\n') + '\n';
}

/** Parses a `sha256sum` listing (`<sha256>  <path>` per line). */
export function parseManifest(text: string, origin = 'MANIFEST.sha256'): UpstreamFile[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '').map((line, i) => {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!m) throw new UpstreamDirError(`${origin}, line ${i + 1}: expected "<sha256>  <path>", got "${line}"`);
    return { sha256: m[1], path: m[2] };
  });
}

/** The listing as `sha256sum` text. */
export function formatManifest(files: UpstreamFile[]): string {
  return files.map((f) => `${f.sha256}  ${f.path}`).join('\n') + '\n';
}

function committedFile(name: string): string {
  const candidates = [path.join(__dirname, '..', name), path.join(packageRoot(), 'lib', 'verify', name)];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new UpstreamDirError(`${name} not found (looked at ${candidates.join(', ')})`);
  return found;
}

/** The upstream directories the library's releases use (from `lib/verify/upstream-sources.tsv`). */
export function loadPinnedUpstreamSources(): UpstreamSource[] {
  const file = committedFile(UPSTREAM_SOURCES_FILE);
  return parseUpstreamSources(fs.readFileSync(file, 'utf8'), file);
}

/** Their files with sha256 (from `lib/verify/upstream-files.sha256`). */
export function loadPinnedUpstreamFiles(): UpstreamFile[] {
  const file = committedFile(UPSTREAM_FILES_FILE);
  return parseManifest(fs.readFileSync(file, 'utf8'), file);
}

/**
 * The rows describing `dir`: its own SOURCES.tsv when it has one, else the committed list.
 * Memoized per directory and file modification time.
 */
export function upstreamSourcesOf(dir: string): UpstreamSource[] {
  const file = path.join(dir, 'SOURCES.tsv');
  let key = `${dir}\0committed`;
  try {
    key = `${dir}\0${fs.statSync(file).mtimeMs}`;
  } catch {
    // no SOURCES.tsv: the committed list describes the directory
  }
  let rows = sourcesMemo.get(key);
  if (!rows) {
    rows = fs.existsSync(file) ? parseUpstreamSources(fs.readFileSync(file, 'utf8'), file) : loadPinnedUpstreamSources();
    sourcesMemo.set(key, rows);
  }
  return rows;
}
const sourcesMemo = new Map<string, UpstreamSource[]>();

/** The cache directory {@link fetchUpstream} writes to by default: `<package root>/.cache/cnai-upstream`. */
export function defaultUpstreamCacheDir(): string {
  return path.join(packageRoot(), '.cache', 'cnai-upstream');
}

/** How to get the upstream files, for error messages. */
export function upstreamDirHelp(): string {
  return `Get the files with \`${FETCH_UPSTREAM_COMMAND}\` (or fetchUpstream() of the verify module): it downloads the pinned files listed in `
    + `lib/verify/${UPSTREAM_FILES_FILE} from GitHub into ${defaultUpstreamCacheDir()} and checks their sha256. Or point $${UPSTREAM_DIR_ENV} `
    + 'or the upstreamDir option at a directory laid out as <component>/<version>/<upstream path> with a SOURCES.tsv.';
}

/**
 * Finds the upstream directory: `explicit`, else `$CNAI_UPSTREAM_DIR`, else `../shared/upstream`
 * next to the package root, else the fetch cache `.cache/cnai-upstream`.
 *
 * @throws UpstreamDirError when the chosen directory does not exist (an explicit or
 *   environment path is never skipped silently in favour of the next one), or when none does
 */
export function resolveUpstreamDir(explicit?: string): string {
  return resolveDataDir({
    explicit,
    option: 'upstreamDir',
    envVar: UPSTREAM_DIR_ENV,
    shared: 'upstream',
    cache: defaultUpstreamCacheDir(),
    noun: 'upstream',
    help: upstreamDirHelp,
    error: (message) => new UpstreamDirError(message),
  });
}

/** Options of {@link fetchUpstream}. */
export interface FetchUpstreamOptions {
  /**
   * Directory to fill.
   * @default defaultUpstreamCacheDir() (`.cache/cnai-upstream` under the package root)
   */
  readonly dir?: string;
  /**
   * The fetch function.
   * @default the global fetch
   */
  readonly fetch?: FetchFunction;
  /**
   * The directories (SOURCES.tsv rows) the files belong to.
   * @default loadPinnedUpstreamSources()
   */
  readonly sources?: UpstreamSource[];
  /**
   * The files to get.
   * @default loadPinnedUpstreamFiles()
   */
  readonly files?: UpstreamFile[];
  /**
   * Download files even when a copy with the right sha256 is already there.
   * @default false
   */
  readonly force?: boolean;
}

/** What {@link fetchUpstream} did. */
export interface FetchUpstreamResult {
  /** The directory filled. */
  readonly dir: string;
  /** Files downloaded. */
  readonly downloaded: string[];
  /** Files already present with the right sha256. */
  readonly cached: string[];
}

/**
 * The raw.githubusercontent.com URL of a vendored file:
 * `https://raw.githubusercontent.com/<repo>/<commit>/<upstream path>/<rest>`. Files that are
 * symlinks upstream (noted as `symlink A -> B` in the row) are fetched from their target,
 * since GitHub serves a symlink as the text of its target path.
 */
export function upstreamFileUrl(file: string, sources: UpstreamSource[]): string {
  const row = rowOfFile(file, sources);
  if (!row) throw new UpstreamDirError(`${file} belongs to no directory of the sources list`);
  const rest = file === row.dir ? '' : file.slice(row.dir.length + 1);
  let repoPath = rest === '' ? row.upstreamPath : `${row.upstreamPath}/${rest}`;
  const link = symlinksOf(row).get(repoPath);
  if (link) repoPath = path.posix.normalize(path.posix.join(path.posix.dirname(repoPath), link));
  return `https://raw.githubusercontent.com/${row.repo}/${row.commit}/${repoPath}`;
}

/** The row whose directory holds `file` (the longest match). */
export function rowOfFile(file: string, sources: UpstreamSource[]): UpstreamSource | undefined {
  let best: UpstreamSource | undefined;
  for (const s of sources) {
    if ((file === s.dir || file.startsWith(`${s.dir}/`)) && (!best || s.dir.length > best.dir.length)) best = s;
  }
  return best;
}

function symlinksOf(row: UpstreamSource): Map<string, string> {
  const links = new Map<string, string>();
  for (const m of row.note.matchAll(/symlink (\S+) -> ([^\s;]+)/g)) links.set(m[1], m[2]);
  return links;
}

/**
 * Downloads the pinned upstream files into `dir` and checks each sha256; writes the
 * `SOURCES.tsv` and `MANIFEST.sha256` of what it holds, so the directory describes itself.
 * Files already present with the right sha256 are kept; a file with another sha256 is not written.
 *
 * @throws UpstreamDirError listing every file that failed (HTTP error, checksum mismatch with
 *   the expected and actual sha256); the files that succeeded are kept
 */
export async function fetchUpstream(options: FetchUpstreamOptions = {}): Promise<FetchUpstreamResult> {
  const dir = path.resolve(options.dir ?? defaultUpstreamCacheDir());
  const sources = options.sources ?? loadPinnedUpstreamSources();
  const files = options.files ?? loadPinnedUpstreamFiles();
  const doFetch = options.fetch ?? globalFetch((m) => new UpstreamDirError(m));
  const result = { dir, downloaded: [] as string[], cached: [] as string[] };
  const failures: string[] = [];
  for (const f of files) {
    const target = path.join(dir, f.path);
    if (!options.force && fs.existsSync(target) && sha256(fs.readFileSync(target)) === f.sha256) {
      result.cached.push(f.path);
      continue;
    }
    let url: string;
    try {
      url = upstreamFileUrl(f.path, sources);
    } catch (e) {
      failures.push(`${f.path}: ${(e as Error).message}`);
      continue;
    }
    let data: Buffer;
    try {
      const response = await doFetch(url);
      if (!response.ok) {
        failures.push(`${f.path}: HTTP ${response.status} from ${url}`);
        continue;
      }
      data = Buffer.from(await response.arrayBuffer());
    } catch (e) {
      // No network fails every file the same way: say it once, with the real cause.
      throw new UpstreamDirError(`Could not download the upstream install artifacts: ${networkCause(e)} (fetching ${url}). `
        + `Without network access, point $${UPSTREAM_DIR_ENV} at a folder holding them (the files and their sha256 are listed in `
        + `upstream-files.sha256), or run \`${FETCH_UPSTREAM_COMMAND}\` on a machine that can reach raw.githubusercontent.com and copy ${dir} here.`);
    }
    const actual = sha256(data);
    if (actual !== f.sha256) {
      failures.push(`${f.path}: sha256 mismatch: expected ${f.sha256}, actual ${actual} (from ${url})`);
      continue;
    }
    writeAtomic(target, data);
    result.downloaded.push(f.path);
  }
  writeAtomic(path.join(dir, 'SOURCES.tsv'), Buffer.from(formatUpstreamSources(sources)));
  writeAtomic(path.join(dir, 'MANIFEST.sha256'), Buffer.from(formatManifest(files)));
  if (failures.length > 0) {
    throw new UpstreamDirError(`Could not get ${failures.length} upstream file${failures.length === 1 ? '' : 's'} into ${dir}:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  }
  return result;
}

/** Compares every present file of `dir` with its sha256 in `files` (missing files are not reported here). */
export function verifyUpstreamChecksums(dir: string, files: UpstreamFile[]): Array<{ file: string; expected: string; actual: string }> {
  const out: Array<{ file: string; expected: string; actual: string }> = [];
  for (const f of files) {
    const p = path.join(dir, f.path);
    if (!fs.existsSync(p)) continue;
    const actual = sha256(readVendoredFile(p));
    if (actual !== f.sha256) out.push({ file: f.path, expected: f.sha256, actual });
  }
  return out;
}

/**
 * The path a vendored file stands for: itself, or the target of an upstream symlink that a
 * copy without symlink support stored as a small file holding the relative target path.
 */
export function resolveVendoredFile(file: string): string {
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile() || st.size > 512) return file;
    const text = fs.readFileSync(file, 'utf8');
    if (!/^\.\.?\/[^\n]+\n?$/.test(text)) return file;
    const target = path.resolve(path.dirname(file), text.trim());
    return fs.existsSync(target) && fs.statSync(target).isFile() ? target : file;
  } catch {
    return file;
  }
}

/** The content of a vendored file (of the symlink target, see {@link resolveVendoredFile}). */
export function readVendoredFile(file: string): Buffer {
  return fs.readFileSync(resolveVendoredFile(file));
}

/** sha256 of a buffer or string, hex. */
export function sha256(data: Buffer | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

