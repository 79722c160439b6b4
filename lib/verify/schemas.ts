/**
 * Where the schema files of the Kubernetes verifier come from: the Kubernetes OpenAPI
 * definitions (`k8s/`) and the CRDs of the pinned operator releases (`crds/`), as listed
 * with their upstream commit and sha256 in `schema-sources.tsv`.
 *
 * The directory is found in this order: the `schemaDir` option, `$CNAI_SCHEMA_DIR`,
 * `../shared/schemas` next to the project (the project's own tests and CI), and the cache
 * `.cache/cnai-schemas` that {@link fetchSchemas} fills from upstream. A missing or
 * incomplete directory is an error that says how to get the files, never a silent skip.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { deriveKatibExperimentCrd, deriveKustomizedNotebookCrd } from './k8s/derive';

/** Environment variable naming the schema directory. */
export const SCHEMA_DIR_ENV = 'CNAI_SCHEMA_DIR';

/** One file of the schema directory and where it comes from (a row of `schema-sources.tsv`). */
export interface SchemaSource {
  /** Path inside the schema directory, e.g. `crds/kueue-clusterqueues.yaml`. */
  readonly file: string;
  /** Upstream GitHub repository (`owner/name`). */
  readonly repo: string;
  /** Upstream tag (or branch) the commit belongs to. */
  readonly ref: string;
  /** Upstream commit the file is taken from. */
  readonly commit: string;
  /** Path in the upstream repository (or how the file is derived). */
  readonly upstreamPath: string;
  /** License of the file. */
  readonly license: string;
  /** Size in bytes. */
  readonly bytes: number;
  /** sha256 of the file, hex. */
  readonly sha256: string;
  /** Free-form note (e.g. how a derived file was built). */
  readonly note: string;
  /** For files upstream does not publish as such: the schema file it is derived from. */
  readonly derivedFrom?: string;
}

/** A problem with the schema directory: missing, incomplete, or a file with the wrong checksum. */
export class SchemaDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaDirError';
  }
}

/**
 * Files built by the project's own code from another schema file (see `k8s/derive.ts`),
 * because upstream does not publish them as such.
 */
const DERIVATIONS: { [file: string]: { readonly input: string; readonly derive: (input: string) => string } } = {
  'crds/katib-experiments.from-openapi.yaml': { input: 'crds/katib-openapi-spec.json', derive: deriveKatibExperimentCrd },
  'crds/notebooks-notebooks.kustomized.yaml': { input: 'crds/notebooks-notebooks.yaml', derive: deriveKustomizedNotebookCrd },
};

const SOURCES_FILE = 'schema-sources.tsv';
const COLUMNS = ['file', 'repo', 'ref', 'commit', 'upstream_path', 'license', 'bytes', 'sha256', 'note'];

/** The root of this package (the directory of its package.json). */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(__dirname, '..', '..');
    dir = parent;
  }
}

/** The cache directory {@link fetchSchemas} writes to by default: `<package root>/.cache/cnai-schemas`. */
export function defaultSchemaCacheDir(): string {
  return path.join(packageRoot(), '.cache', 'cnai-schemas');
}

/** Parses the text of a sources list (tab-separated, header row, the columns of `schema-sources.tsv`). */
export function parseSchemaSources(tsv: string): SchemaSource[] {
  const lines = tsv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split('\t');
  if (COLUMNS.some((c, i) => header[i] !== c)) {
    throw new SchemaDirError(`schema sources list: expected the columns ${COLUMNS.join(', ')}, got ${header.join(', ')}`);
  }
  return lines.map((line, i) => {
    const c = line.split('\t');
    if (c.length < 8 || !/^[0-9a-f]{64}$/.test(c[7])) {
      throw new SchemaDirError(`schema sources list, row ${i + 2}: expected ${COLUMNS.length} tab-separated columns with a sha256, got "${line}"`);
    }
    const derivation = DERIVATIONS[c[0]];
    return {
      file: c[0],
      repo: c[1],
      ref: c[2],
      commit: c[3],
      upstreamPath: c[4],
      license: c[5],
      bytes: Number(c[6]),
      sha256: c[7],
      note: c[8] ?? '',
      ...(derivation ? { derivedFrom: derivation.input } : {}),
    };
  });
}

/** The pinned schema files (from `lib/verify/schema-sources.tsv`). */
export function loadSchemaSources(): SchemaSource[] {
  const candidates = [path.join(__dirname, SOURCES_FILE), path.join(packageRoot(), 'lib', 'verify', SOURCES_FILE)];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new SchemaDirError(`${SOURCES_FILE} not found (looked at ${candidates.join(', ')})`);
  return parseSchemaSources(fs.readFileSync(found, 'utf8'));
}

/** How to get the schema files, for error messages. */
export function schemaDirHelp(): string {
  return `Get the files with \`npx cnai-verify fetch-schemas\` (or fetchSchemas() from the verify module: downloads the pinned files listed in ${SOURCES_FILE} `
    + `into ${defaultSchemaCacheDir()} and checks their sha256), or point $${SCHEMA_DIR_ENV} or the schemaDir option `
    + 'at a directory holding k8s/v<version>-definitions.json and crds/*.yaml.';
}

/**
 * Finds the schema directory: `explicit`, else `$CNAI_SCHEMA_DIR`, else `../shared/schemas`
 * next to the package root, else the fetch cache `.cache/cnai-schemas`.
 *
 * @throws SchemaDirError when the chosen directory does not exist (an explicit or
 *   environment path is never skipped silently in favour of the next one)
 */
export function resolveSchemaDir(explicit?: string): string {
  return resolveDataDir({
    explicit,
    option: 'schemaDir',
    envVar: SCHEMA_DIR_ENV,
    shared: 'schemas',
    cache: defaultSchemaCacheDir(),
    noun: 'schema',
    help: schemaDirHelp,
    error: (message) => new SchemaDirError(message),
  });
}

/**
 * Where a directory of pinned data (schemas, upstream files) is looked for.
 * @internal
 */
export interface DataDirLookup {
  /** The option's value, if given. */
  readonly explicit?: string;
  /** Name of the option (in messages). */
  readonly option: string;
  /** The environment variable that names the directory. */
  readonly envVar: string;
  /** Folder of `../shared` next to the package root. */
  readonly shared: string;
  /** The fetch cache. */
  readonly cache: string;
  /** What the directory holds, in messages (`schema`, `upstream`). */
  readonly noun: string;
  /** How to get the files, for messages. */
  readonly help: () => string;
  /** The error to throw. */
  readonly error: (message: string) => Error;
}

/**
 * Finds a data directory: the option, else the environment variable, else `../shared/<shared>`
 * next to the package root, else the fetch cache. An explicit or environment path that does not
 * exist is an error (never skipped silently in favour of the next one), and so is finding none.
 * @internal
 */
export function resolveDataDir(l: DataDirLookup): string {
  const existing = (dir: string, origin: string): string => {
    if (!isDir(dir)) throw l.error(`${l.noun[0].toUpperCase()}${l.noun.slice(1)} directory ${dir} (from ${origin}) does not exist. ${l.help()}`);
    return dir;
  };
  if (l.explicit !== undefined && l.explicit !== '') return existing(path.resolve(l.explicit), `the ${l.option} option`);
  const env = process.env[l.envVar];
  if (env !== undefined && env !== '') return existing(path.resolve(env), `$${l.envVar}`);
  const shared = path.resolve(packageRoot(), '..', 'shared', l.shared);
  if (isDir(shared)) return shared;
  if (isDir(l.cache)) return l.cache;
  throw l.error(`No ${l.noun} directory: no ${l.option} option, $${l.envVar} is not set, and neither ${shared} nor ${l.cache} exists. ${l.help()}`);
}

/** Files of `sources` missing from `dir` (paths relative to `dir`). */
export function missingSchemaFiles(dir: string, sources: SchemaSource[] = loadSchemaSources()): string[] {
  return sources.map((s) => s.file).filter((f) => !fs.existsSync(path.join(dir, f)));
}

/**
 * Checks that `dir` holds every pinned schema file.
 * @throws SchemaDirError naming the missing files and how to get them
 */
export function assertSchemaDir(dir: string, sources: SchemaSource[] = loadSchemaSources()): void {
  if (!isDir(dir)) throw new SchemaDirError(`Schema directory ${dir} does not exist. ${schemaDirHelp()}`);
  const missing = missingSchemaFiles(dir, sources);
  if (missing.length > 0) {
    throw new SchemaDirError(`Schema directory ${dir} is incomplete: missing ${missing.join(', ')}. ${schemaDirHelp()}`);
  }
}

/** A file whose content does not have the pinned sha256. */
export interface ChecksumMismatch {
  /** Path inside the schema directory. */
  readonly file: string;
  /** The pinned sha256. */
  readonly expected: string;
  /** The sha256 of the content. */
  readonly actual: string;
}

/** Compares every present file of `dir` with its pinned sha256 (missing files are not reported here). */
export function verifySchemaChecksums(dir: string, sources: SchemaSource[] = loadSchemaSources()): ChecksumMismatch[] {
  const mismatches: ChecksumMismatch[] = [];
  for (const s of sources) {
    const file = path.join(dir, s.file);
    if (!fs.existsSync(file)) continue;
    const actual = sha256(fs.readFileSync(file));
    if (actual !== s.sha256) mismatches.push({ file: s.file, expected: s.sha256, actual });
  }
  return mismatches;
}

/** What `fetch` must return: the part of the WHATWG Response that {@link fetchSchemas} uses. */
export interface FetchResponse {
  /** True for a 2xx status. */
  readonly ok: boolean;
  /** HTTP status. */
  readonly status: number;
  /** The body. */
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A fetch function (the global `fetch` by default; tests inject a fake). */
export type FetchFunction = (url: string) => Promise<FetchResponse>;

/** Options of {@link fetchSchemas}. */
export interface FetchSchemasOptions {
  /**
   * Directory to fill.
   * @default defaultSchemaCacheDir() (`.cache/cnai-schemas` under the package root)
   */
  readonly dir?: string;
  /**
   * The fetch function.
   * @default the global fetch
   */
  readonly fetch?: FetchFunction;
  /**
   * The files to get.
   * @default loadSchemaSources()
   */
  readonly sources?: SchemaSource[];
  /**
   * Download files even when a copy with the right sha256 is already there.
   * @default false
   */
  readonly force?: boolean;
}

/** What {@link fetchSchemas} did. */
export interface FetchSchemasResult {
  /** The directory filled. */
  readonly dir: string;
  /** Files downloaded. */
  readonly downloaded: string[];
  /** Files built from another file (see {@link SchemaSource.derivedFrom}). */
  readonly derived: string[];
  /** Files already present with the right sha256. */
  readonly cached: string[];
}

/** The raw.githubusercontent.com URL of a pinned (non-derived) file. */
export function schemaSourceUrl(source: SchemaSource): string {
  return `https://raw.githubusercontent.com/${source.repo}/${source.commit}/${source.upstreamPath}`;
}

/**
 * Downloads every pinned schema file into `dir` from
 * `https://raw.githubusercontent.com/<repo>/<commit>/<upstream_path>` and checks its sha256;
 * builds the derived files from their inputs and checks theirs. Files already present with
 * the right sha256 are kept. A file with another sha256 is not written.
 *
 * @throws SchemaDirError listing every file that failed (HTTP error, checksum mismatch with
 *   the expected and actual sha256, failed derivation); the files that succeeded are kept
 */
export async function fetchSchemas(options: FetchSchemasOptions = {}): Promise<FetchSchemasResult> {
  const dir = path.resolve(options.dir ?? defaultSchemaCacheDir());
  const sources = options.sources ?? loadSchemaSources();
  const doFetch = options.fetch ?? globalFetch();
  const result = { dir, downloaded: [] as string[], derived: [] as string[], cached: [] as string[] };
  const failures: string[] = [];
  const bySha = (s: SchemaSource, data: Buffer): boolean => {
    const actual = sha256(data);
    if (actual === s.sha256) return true;
    failures.push(`${s.file}: sha256 mismatch: expected ${s.sha256}, actual ${actual}`);
    return false;
  };
  const cached = (s: SchemaSource): boolean => {
    const file = path.join(dir, s.file);
    return !options.force && fs.existsSync(file) && sha256(fs.readFileSync(file)) === s.sha256;
  };
  // Plain downloads first: derived files are built from some of them.
  for (const s of sources.filter((x) => !DERIVATIONS[x.file])) {
    if (cached(s)) {
      result.cached.push(s.file);
      continue;
    }
    const url = schemaSourceUrl(s);
    let data: Buffer;
    try {
      const response = await doFetch(url);
      if (!response.ok) {
        failures.push(`${s.file}: HTTP ${response.status} from ${url}`);
        continue;
      }
      data = Buffer.from(await response.arrayBuffer());
    } catch (e) {
      // A network that cannot be reached fails every file the same way: say it once, with
      // the real cause, and what to do instead.
      throw new SchemaDirError(`Could not download the schema files: ${networkCause(e)} (fetching ${url}). `
        + `Without network access, point $${SCHEMA_DIR_ENV} at a folder holding the schema files (k8s/ and crds/; the files and their `
        + `sha256 are listed in ${SOURCES_FILE}), or run \`npx cnai-verify fetch-schemas\` on a machine that can reach raw.githubusercontent.com `
        + `and copy ${dir} here.${result.downloaded.length + result.cached.length > 0 ? ` ${result.downloaded.length + result.cached.length} of ${sources.length} files are in place.` : ''}`);
    }
    if (!bySha(s, data)) continue;
    writeAtomic(path.join(dir, s.file), data);
    result.downloaded.push(s.file);
  }
  for (const s of sources.filter((x) => DERIVATIONS[x.file])) {
    if (cached(s)) {
      result.cached.push(s.file);
      continue;
    }
    const derivation = DERIVATIONS[s.file];
    const input = path.join(dir, derivation.input);
    if (!fs.existsSync(input)) {
      failures.push(`${s.file}: cannot derive, its input ${derivation.input} is missing`);
      continue;
    }
    let data: Buffer;
    try {
      data = Buffer.from(derivation.derive(fs.readFileSync(input, 'utf8')), 'utf8');
    } catch (e) {
      failures.push(`${s.file}: derivation from ${derivation.input} failed: ${(e as Error).message}`);
      continue;
    }
    if (!bySha(s, data)) continue;
    writeAtomic(path.join(dir, s.file), data);
    result.derived.push(s.file);
  }
  if (failures.length > 0) {
    throw new SchemaDirError(`Could not get ${failures.length} schema file${failures.length === 1 ? '' : 's'} into ${dir}:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  }
  return result;
}

/** The underlying reason of a failed fetch (Node's fetch wraps it: `fetch failed` with a `cause` such as ENOTFOUND). */
export function networkCause(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  const cause = err?.cause;
  if (cause?.code && cause.message) return cause.message.includes(cause.code) ? cause.message : `${cause.code}: ${cause.message}`;
  if (cause?.message) return cause.message;
  return err?.message ?? String(e);
}

/**
 * The global fetch of Node.js; `error` makes the error when there is none.
 * @internal
 */
export function globalFetch(error: (message: string) => Error = (m) => new SchemaDirError(m)): FetchFunction {
  const f = (globalThis as { fetch?: FetchFunction }).fetch;
  if (!f) throw error('No global fetch in this Node.js (needs Node 18 or later): pass options.fetch');
  return f;
}

/**
 * Writes `file` through a temporary file renamed into place (no half-written file is ever read).
 * @internal
 */
export function writeAtomic(file: string, data: Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function sha256(data: Buffer | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** Whether `p` is a directory (false when it does not exist). */
function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
