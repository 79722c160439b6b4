import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { deriveKatibExperimentCrd, deriveKustomizedNotebookCrd, validateManifests } from '../../lib/verify/k8s';
import {
  assertSchemaDir, defaultSchemaCacheDir, FetchFunction, fetchSchemas, loadSchemaSources, packageRoot, resolveSchemaDir, SCHEMA_DIR_ENV,
  SchemaDirError, SchemaSource, schemaSourceUrl, verifySchemaChecksums,
} from '../../lib/verify/schemas';

// The project's own schema directory (../shared/schemas, or $CNAI_SCHEMA_DIR in CI).
const SCHEMAS = resolveSchemaDir();
const SOURCES = loadSchemaSources();
const sha256 = (data: string | Buffer) => crypto.createHash('sha256').update(data).digest('hex');
const source = (file: string) => SOURCES.find((s) => s.file === file)!;

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-schemas-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function withEnv<T>(value: string | undefined, fn: () => T): T {
  const saved = process.env[SCHEMA_DIR_ENV];
  if (value === undefined) delete process.env[SCHEMA_DIR_ENV];
  else process.env[SCHEMA_DIR_ENV] = value;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env[SCHEMA_DIR_ENV];
    else process.env[SCHEMA_DIR_ENV] = saved;
  }
}

/** A fetch that serves the pinned files from the local schema directory, by their upstream URL. */
function fakeFetch(calls: string[], tamper: (file: string, data: Buffer) => Buffer | number = (_f, d) => d): FetchFunction {
  const byUrl = new Map(SOURCES.filter((s) => !s.derivedFrom).map((s) => [schemaSourceUrl(s), s.file]));
  return async (url: string) => {
    calls.push(url);
    const file = byUrl.get(url);
    const data = file ? tamper(file, fs.readFileSync(path.join(SCHEMAS, file))) : 404;
    if (typeof data === 'number') return { ok: false, status: data, arrayBuffer: async () => new ArrayBuffer(0) };
    return { ok: true, status: 200, arrayBuffer: async () => data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer };
  };
}

describe('resolveSchemaDir', () => {
  test('an explicit directory wins, and must exist', () => {
    withEnv(SCHEMAS, () => expect(resolveSchemaDir(tmp)).toBe(tmp));
    const missing = path.join(tmp, 'nope');
    expect(() => resolveSchemaDir(missing)).toThrow(SchemaDirError);
    expect(() => resolveSchemaDir(missing))
      .toThrow(new RegExp(`Schema directory ${missing} \\(from the schemaDir option\\) does not exist\\. Get the files with .npx cnai-verify fetch-schemas. \\(or fetchSchemas\\(\\).*\\$${SCHEMA_DIR_ENV}`));
  });

  test('then $CNAI_SCHEMA_DIR, which must exist too (never a silent fallback)', () => {
    withEnv(tmp, () => expect(resolveSchemaDir()).toBe(tmp));
    withEnv(path.join(tmp, 'nope'), () => expect(() => resolveSchemaDir()).toThrow(/\(from \$CNAI_SCHEMA_DIR\) does not exist/));
  });

  test('then ../shared/schemas next to the project, then the fetch cache, else an error saying how to get the files', () => {
    // Whichever of the two this clone has (a maintainer's ../shared, a user's fetch cache, or neither).
    const shared = path.resolve(packageRoot(), '..', 'shared', 'schemas');
    const cache = defaultSchemaCacheDir();
    const isDir = (d: string) => fs.existsSync(d) && fs.statSync(d).isDirectory();
    const expected = isDir(shared) ? shared : isDir(cache) ? cache : undefined;
    if (expected) {
      expect(withEnv(undefined, () => resolveSchemaDir())).toBe(expected);
    } else {
      expect(() => withEnv(undefined, () => resolveSchemaDir())).toThrow(/No schema directory: no schemaDir option, \$CNAI_SCHEMA_DIR is not set/);
    }
  });

  test('an incomplete directory is an error naming the missing files', () => {
    fs.mkdirSync(path.join(tmp, 'k8s'));
    fs.copyFileSync(path.join(SCHEMAS, 'k8s', 'v1.34.0-definitions.json'), path.join(tmp, 'k8s', 'v1.34.0-definitions.json'));
    expect(() => assertSchemaDir(tmp)).toThrow(new RegExp(`Schema directory ${tmp} is incomplete: missing crds/kserve-inferenceservices\\.yaml, .*fetchSchemas\\(\\)`));
    expect(() => validateManifests([], { schemaDir: tmp })).toThrow(/is incomplete: missing crds\/kserve-inferenceservices.yaml/);
  });
});

describe('schema sources', () => {
  test('schema-sources.tsv lists every file with its commit and sha256; two are derived', () => {
    expect(SOURCES.length).toBe(49);
    expect(SOURCES.filter((s) => s.derivedFrom).map((s) => [s.file, s.derivedFrom])).toEqual([
      ['crds/notebooks-notebooks.kustomized.yaml', 'crds/notebooks-notebooks.yaml'],
      ['crds/katib-experiments.from-openapi.yaml', 'crds/katib-openapi-spec.json'],
    ]);
    expect(schemaSourceUrl(source('crds/keda-scaledobjects.yaml')))
      .toBe('https://raw.githubusercontent.com/kedacore/keda/68a5b5028f35b22d50597c69819ab32c4e92f21a/config/crd/bases/keda.sh_scaledobjects.yaml');
  });

  test('the project\'s schema directory matches the pinned checksums', () => {
    expect(verifySchemaChecksums(SCHEMAS)).toEqual([]);
  });
});

describe('derived schema files', () => {
  test('the Katib Experiment CRD is rebuilt from Katib\'s OpenAPI document byte for byte', () => {
    const out = deriveKatibExperimentCrd(fs.readFileSync(path.join(SCHEMAS, 'crds', 'katib-openapi-spec.json'), 'utf8'));
    expect(sha256(out)).toBe(source('crds/katib-experiments.from-openapi.yaml').sha256);
  });

  test('the kustomized Notebook CRD is rebuilt from the controller-gen CRD byte for byte', () => {
    const out = deriveKustomizedNotebookCrd(fs.readFileSync(path.join(SCHEMAS, 'crds', 'notebooks-notebooks.yaml'), 'utf8'));
    expect(sha256(out)).toBe(source('crds/notebooks-notebooks.kustomized.yaml').sha256);
  });
});

describe('fetchSchemas', () => {
  test('downloads every pinned file by commit, derives the rest, and checks every sha256', async () => {
    const calls: string[] = [];
    const result = await fetchSchemas({ dir: tmp, fetch: fakeFetch(calls) });
    expect(result.downloaded).toHaveLength(47);
    expect(result.derived).toEqual(['crds/notebooks-notebooks.kustomized.yaml', 'crds/katib-experiments.from-openapi.yaml']);
    expect(calls).toContain('https://raw.githubusercontent.com/cdk8s-team/cdk8s/71f8cba7ecc809d861e837e842217202d5e5a16c/kubernetes-schemas/v1.34.0/_definitions.json');
    expect(verifySchemaChecksums(tmp)).toEqual([]);
    expect(() => assertSchemaDir(tmp)).not.toThrow();

    const again: string[] = [];
    const second = await fetchSchemas({ dir: tmp, fetch: fakeFetch(again) });
    expect(second.cached).toHaveLength(49);
    expect(again).toEqual([]);
  });

  test('a checksum mismatch is an error naming the file, the expected and the actual sha256; nothing is written for it', async () => {
    const sources: SchemaSource[] = [source('crds/keda-scaledobjects.yaml'), source('crds/kueue-localqueues.yaml')];
    const tampered = Buffer.from('apiVersion: tampered\n');
    const fetch = fakeFetch([], (file, data) => (file === 'crds/keda-scaledobjects.yaml' ? tampered : data));
    await expect(fetchSchemas({ dir: tmp, fetch, sources })).rejects.toThrow(SchemaDirError);
    await expect(fetchSchemas({ dir: tmp, fetch, sources })).rejects.toThrow(
      `crds/keda-scaledobjects.yaml: sha256 mismatch: expected ${sources[0].sha256}, actual ${sha256(tampered)}`);
    expect(fs.existsSync(path.join(tmp, 'crds', 'keda-scaledobjects.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(tmp, 'crds', 'kueue-localqueues.yaml'))).toBe(true);
  });

  test('no network: one message with the real cause and what to do instead, not one line per file', async () => {
    // What Node's fetch throws when DNS fails.
    const offline: FetchFunction = async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND raw.githubusercontent.com'), { code: 'ENOTFOUND' }) });
    };
    let message = '';
    try {
      await fetchSchemas({ dir: tmp, fetch: offline });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^Could not download the schema files: getaddrinfo ENOTFOUND raw\.githubusercontent\.com \(fetching https:\/\/raw\.githubusercontent\.com\/\S+\)\. /);
    expect(message).toContain('point $CNAI_SCHEMA_DIR at a folder holding the schema files');
    expect(message).toContain('npx cnai-verify fetch-schemas');
    expect(message.split('\n')).toHaveLength(1);
  });

  test('HTTP errors and missing inputs of derived files are reported per file', async () => {
    const sources: SchemaSource[] = [source('crds/keda-scaledobjects.yaml'), source('crds/katib-experiments.from-openapi.yaml')];
    const fetch = fakeFetch([], () => 404);
    await expect(fetchSchemas({ dir: tmp, fetch, sources })).rejects.toThrow(new RegExp([
      'Could not get 2 schema files into .*:',
      '  - crds/keda-scaledobjects.yaml: HTTP 404 from https://raw.githubusercontent.com/kedacore/keda/.*',
      '  - crds/katib-experiments.from-openapi.yaml: cannot derive, its input crds/katib-openapi-spec.json is missing',
    ].join('\n')));
  });
});
