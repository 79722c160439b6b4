/**
 * Where the upstream artifacts come from: the directory lookup, the committed list of the
 * files the library's releases use (kept in step with the shared upstream directory), and
 * fetchUpstream with a fake fetch (never the network).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { application, helmSource, output } from './helpers';
import { FetchFunction } from '../../../lib/verify/schemas';
import {
  fetchUpstream, formatManifest, formatUpstreamSources, libraryUpstream, loadPinnedUpstreamFiles, loadPinnedUpstreamSources, parseUpstreamSources,
  readVendoredFile,
  resolveUpstreamDir, sha256, UPSTREAM_DIR_ENV, UpstreamDirError, upstreamFileUrl, verifyReleases, verifyUpstreamChecksums,
} from '../../../lib/verify/upstream';

// The project's upstream directory (../shared/upstream, or $CNAI_UPSTREAM_DIR in CI).
const UPSTREAM = resolveUpstreamDir();
const PINNED_SOURCES = loadPinnedUpstreamSources();
const PINNED_FILES = loadPinnedUpstreamFiles();

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-upstream-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function withEnv<T>(value: string | undefined, fn: () => T): T {
  const saved = process.env[UPSTREAM_DIR_ENV];
  if (value === undefined) delete process.env[UPSTREAM_DIR_ENV];
  else process.env[UPSTREAM_DIR_ENV] = value;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env[UPSTREAM_DIR_ENV];
    else process.env[UPSTREAM_DIR_ENV] = saved;
  }
}

describe('resolveUpstreamDir', () => {
  test('an explicit directory wins, and must exist', () => {
    withEnv(UPSTREAM, () => expect(resolveUpstreamDir(tmp)).toBe(tmp));
    const missing = path.join(tmp, 'nope');
    expect(() => resolveUpstreamDir(missing)).toThrow(UpstreamDirError);
    expect(() => resolveUpstreamDir(missing)).toThrow(`Upstream directory ${missing} (from the upstreamDir option) does not exist. `
      + 'Get the files with `npx cnai-verify fetch-upstream` (or fetchUpstream() of the verify module)');
  });

  test('then $CNAI_UPSTREAM_DIR, which must exist too (never a silent fallback)', () => {
    withEnv(tmp, () => expect(resolveUpstreamDir()).toBe(tmp));
    withEnv(path.join(tmp, 'nope'), () => expect(() => resolveUpstreamDir()).toThrow(/\(from \$CNAI_UPSTREAM_DIR\) does not exist/));
  });

  test('then ../shared/upstream next to the project, or the fetch cache', () => {
    const found = withEnv(undefined, () => resolveUpstreamDir());
    expect(found === path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'upstream') || found.endsWith(path.join('.cache', 'cnai-upstream'))).toBe(true);
  });

  test('verifyReleases without an upstream directory fails with the cause, the variable, the fetch command and what was not verified', () => {
    const missing = path.join(tmp, 'nope');
    const run = () => verifyReleases(output(application('kueue', 'kueue-system', helmSource('registry.k8s.io/kueue/charts', 'kueue', '0.19.2'))), { upstreamDir: missing });
    expect(run).toThrow(UpstreamDirError);
    expect(run).toThrow(`Upstream directory ${missing} (from the upstreamDir option) does not exist. Get the files with \`npx cnai-verify fetch-upstream\` `
      + '(or fetchUpstream() of the verify module): it downloads the pinned files listed in lib/verify/upstream-files.sha256 from GitHub into '
      + `${path.resolve(__dirname, '..', '..', '..', '.cache', 'cnai-upstream')} and checks their sha256. Or point $CNAI_UPSTREAM_DIR or the upstreamDir option at `
      + 'a directory laid out as <component>/<version>/<upstream path> with a SOURCES.tsv.\n'
      + 'Not verified: the 1 Application kueue (dist/test.k8s.yaml#0). Nothing was checked against upstream.');
  });
});

describe('the pinned list of upstream files', () => {
  test('lists the directories the library\'s releases use, with their files and sha256, in step with the upstream directory', () => {
    // Regenerate after changing OPERATOR_SOURCES or the upstream directory: CNAI_UPDATE_UPSTREAM_LIST=1 npx jest test/verify/upstream/sources.test.ts
    const computed = libraryUpstream(UPSTREAM);
    if (process.env.CNAI_UPDATE_UPSTREAM_LIST === '1') {
      fs.writeFileSync(path.join(__dirname, '..', '..', '..', 'lib', 'verify', 'upstream-sources.tsv'), formatUpstreamSources(computed.sources));
      fs.writeFileSync(path.join(__dirname, '..', '..', '..', 'lib', 'verify', 'upstream-files.sha256'), formatManifest(computed.files));
    }
    const stale = 'lib/verify/upstream-sources.tsv and upstream-files.sha256 are out of step with OPERATOR_SOURCES and the upstream directory: '
      + 'regenerate them with CNAI_UPDATE_UPSTREAM_LIST=1 npx jest test/verify/upstream/sources.test.ts';
    expect({ stale, sources: formatUpstreamSources(PINNED_SOURCES) }).toEqual({ stale, sources: formatUpstreamSources(computed.sources) });
    expect({ stale, files: formatManifest(PINNED_FILES) }).toEqual({ stale, files: formatManifest(computed.files) });
    expect(verifyUpstreamChecksums(UPSTREAM, PINNED_FILES)).toEqual([]);
  });

  test('covers the charts with their vendored dependencies, the kustomize trees with their remote stand-ins, embedded config types and licences', () => {
    const dirs = PINNED_SOURCES.map((s) => s.dir);
    expect(dirs).toEqual(expect.arrayContaining([
      'kueue/0.19.2/charts/kueue', 'kueue/0.19.2/LICENSE',
      'aws-efa-k8s-device-plugin/v0.5.30/stable/aws-efa-k8s-device-plugin',
      'k8s-device-plugin/v0.19.0/deployments/helm/nvidia-device-plugin', 'node-feature-discovery/v0.17.3/deployment/helm/node-feature-discovery',
      'trainer/v2.3.0/manifests', 'jobset/v0.12.0/config',
      'katib/v0.19.0/manifests/v1beta1', 'katib/v0.19.0/pkg/apis/config/v1beta1/types.go',
    ]));
    // A directory no release uses is not fetched.
    expect(dirs).not.toContain('gateway-api/v1.6.1/config/crd/kustomization.yaml');
    expect(PINNED_FILES.find((f) => f.path === 'kueue/0.19.2/charts/kueue/values.yaml')?.sha256)
      .toBe(sha256(fs.readFileSync(path.join(UPSTREAM, 'kueue/0.19.2/charts/kueue/values.yaml'))));
  });

  test('every source the library pins has its upstream artifact', () => {
    expect(libraryUpstream(UPSTREAM).missing).toEqual([]);
  });
});

/** A fetch that serves the pinned files from the upstream directory by their raw.githubusercontent.com URL (symlinks upstream: their target's content). */
function fakeFetch(calls: string[], tamper: (file: string, data: Buffer) => Buffer | number = (_f, d) => d): FetchFunction {
  const byUrl = new Map<string, string>();
  for (const f of PINNED_FILES) {
    const url = upstreamFileUrl(f.path, PINNED_SOURCES);
    if (!byUrl.has(url)) byUrl.set(url, f.path);
  }
  return async (url: string) => {
    calls.push(url);
    const file = byUrl.get(url);
    const data = file ? tamper(file, readVendoredFile(path.join(UPSTREAM, file))) : 404;
    if (typeof data === 'number') return { ok: false, status: data, arrayBuffer: async () => new ArrayBuffer(0) };
    return { ok: true, status: 200, arrayBuffer: async () => data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer };
  };
}

describe('fetchUpstream', () => {
  const rows = PINNED_SOURCES.filter((s) => s.root === 'kueue/0.19.2' || s.root === 'karpenter/1.14.1');
  const files = PINNED_FILES.filter((f) => rows.some((s) => f.path === s.dir || f.path.startsWith(`${s.dir}/`)));

  test('file URLs are raw.githubusercontent.com/<repo>/<commit>/<upstream path>/<rest>; symlinks upstream are fetched from their target', () => {
    expect(upstreamFileUrl('kueue/0.19.2/charts/kueue/values.yaml', PINNED_SOURCES))
      .toBe('https://raw.githubusercontent.com/kubernetes-sigs/kueue/8eab68778fc1b52affe165fdf5af29d1e9b4f3cb/charts/kueue/values.yaml');
    expect(upstreamFileUrl('kueue/0.19.2/LICENSE', PINNED_SOURCES))
      .toBe('https://raw.githubusercontent.com/kubernetes-sigs/kueue/8eab68778fc1b52affe165fdf5af29d1e9b4f3cb/LICENSE');
    expect(upstreamFileUrl('karpenter/1.14.1/charts/karpenter/crds/karpenter.sh_nodepools.yaml', PINNED_SOURCES))
      .toBe('https://raw.githubusercontent.com/aws/karpenter-provider-aws/c88abbbad455186e69e30296c595e474123e9bc1/pkg/apis/crds/karpenter.sh_nodepools.yaml');
  });

  test('downloads each file, checks its sha256, writes SOURCES.tsv and MANIFEST.sha256; a second run downloads nothing', async () => {
    const calls: string[] = [];
    const result = await fetchUpstream({ dir: tmp, fetch: fakeFetch(calls), sources: rows, files });
    expect(result.downloaded).toHaveLength(files.length);
    expect(calls).toHaveLength(files.length);
    expect(verifyUpstreamChecksums(tmp, files)).toEqual([]);
    expect(parseUpstreamSources(fs.readFileSync(path.join(tmp, 'SOURCES.tsv'), 'utf8')).map((s) => s.dir)).toEqual(rows.map((s) => s.dir));
    expect(fs.readFileSync(path.join(tmp, 'MANIFEST.sha256'), 'utf8')).toBe(formatManifest(files));

    const again: string[] = [];
    const second = await fetchUpstream({ dir: tmp, fetch: fakeFetch(again), sources: rows, files });
    expect(again).toEqual([]);
    expect(second.cached).toHaveLength(files.length);
  });

  test('the fetched directory serves verifyReleases like the shared one', async () => {
    await fetchUpstream({ dir: tmp, fetch: fakeFetch([]), sources: rows, files });
    const result = verifyReleases(output(application('kueue', 'kueue-system', helmSource('registry.k8s.io/kueue/charts', 'kueue', '0.19.2', { enableCertManagr: true }))),
      { upstreamDir: tmp });
    expect(result.upstreamDir).toBe(tmp);
    expect(result.findings.map((f) => f.path)).toEqual(['enableCertManagr']);
  });

  test('a file with another sha256 or an HTTP error is not written; the error lists each with the URL', async () => {
    const values = 'kueue/0.19.2/charts/kueue/values.yaml';
    const chart = 'kueue/0.19.2/charts/kueue/Chart.yaml';
    const tampered = (file: string, data: Buffer) => (file === values ? Buffer.from('tampered') : file === chart ? 503 : data);
    const run = fetchUpstream({ dir: tmp, fetch: fakeFetch([], tampered), sources: rows, files });
    await expect(run).rejects.toThrow(UpstreamDirError);
    await expect(fetchUpstream({ dir: tmp, fetch: fakeFetch([], tampered), sources: rows, files })).rejects.toThrow(new RegExp(
      `Could not get 2 upstream files into ${tmp}:\\n`
      + `  - ${chart}: HTTP 503 from https://raw\\.githubusercontent\\.com/kubernetes-sigs/kueue/8eab68778fc1b52affe165fdf5af29d1e9b4f3cb/charts/kueue/Chart\\.yaml\\n`
      + `  - ${values}: sha256 mismatch: expected [0-9a-f]{64}, actual ${sha256('tampered')} \\(from https://`));
    expect(fs.existsSync(path.join(tmp, values))).toBe(false);
    expect(fs.existsSync(path.join(tmp, 'kueue/0.19.2/charts/kueue/templates/_helpers.tpl'))).toBe(true);
  });
});

test('an output without Applications needs no upstream directory', () => {
  const result = verifyReleases(output({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } }), { upstreamDir: path.join(os.tmpdir(), 'no-such-upstream') });
  expect(result).toEqual({ findings: [], releases: [], upstreamDir: '', renders: { run: 0, cached: 0 } });
});
