/**
 * Maps the source of an Argo CD Application to its directory in the upstream directory:
 * git sources by repository, tag and path; Helm repository charts through the table of known
 * chart repositories (chart-repositories.ts), then by GitHub repository, chart directory and
 * version. The version of a row is its `<version>` path segment or its ref, so rows without a
 * tag (ref `-`, e.g. the EFA chart, identified by commit) and charts whose Chart.yaml in git
 * carries a placeholder version (cert-manager, Envoy Gateway, kagent, GIE) match by the
 * version the row was vendored for.
 */
import * as fs from 'fs';
import * as path from 'path';
import { findKnownChart, githubRepoOf, KNOWN_CHARTS, KnownChart } from './chart-repositories';
import { UPSTREAM_FILES_FILE, upstreamDirHelp, UpstreamSource } from './sources';

/** How a located source is built. */
export enum UpstreamKind {
  HELM = 'helm',
  KUSTOMIZE = 'kustomize',
}

/** Where an Application's source is in the upstream directory. */
export interface UpstreamLocation {
  readonly kind: UpstreamKind;
  /** The SOURCES.tsv row holding it. */
  readonly row: UpstreamSource;
  /** Path of the chart or kustomization directory relative to the upstream directory. */
  readonly relDir: string;
  /** The same, absolute. */
  readonly dir: string;
  /** Absolute path of the repository root at that commit (`<upstream dir>/<component>/<version>`). */
  readonly rootDir: string;
  /** Path of the chart or kustomization inside the upstream repository. */
  readonly repoPath: string;
}

/** The location, or why there is none (with the fix). */
export interface LocateResult {
  readonly location?: UpstreamLocation;
  readonly problem?: string;
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const CHART_FILES = ['Chart.yaml', 'Chart.template.yaml', 'Chart-template.yaml'];

/** The kustomization file of a directory, if any. */
export function kustomizationFileOf(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
}

/** The Chart.yaml of a chart directory (or the template upstream fills at release), if any. */
export function chartFileOf(dir: string): string | undefined {
  return CHART_FILES.map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
}

/** The version in a chart directory's Chart.yaml (not its placeholder template), if any. */
function chartVersionOf(dir: string): string | undefined {
  const file = path.join(dir, 'Chart.yaml');
  if (!fs.existsSync(file)) return undefined;
  return /^version:\s*["']?([^"'\s]+)/m.exec(fs.readFileSync(file, 'utf8'))?.[1];
}

/** `v1.2.3` and `1.2.3` are the same version. */
export function sameVersion(a: string, b: string): boolean {
  return a.replace(/^v/, '') === b.replace(/^v/, '');
}

function rowMatchesRevision(row: UpstreamSource, revision: string): boolean {
  return row.ref === revision || sameVersion(row.version, revision);
}

/** Locates a chart of a Helm repository. */
export function locateHelmChart(upstreamDir: string, sources: UpstreamSource[], helmRepo: string, chart: string, version: string,
  table: KnownChart[] = KNOWN_CHARTS): LocateResult {
  const known = findKnownChart(helmRepo, chart, table);
  if (!known) {
    const sameRepo = table.filter((c) => c.helmRepo.replace(/^(oci|https?):\/\//, '') === helmRepo.replace(/^(oci|https?):\/\//, '')).map((c) => c.chart);
    return {
      problem: `chart ${chart} of repository ${helmRepo} is not in the table of known chart repositories (lib/verify/upstream/chart-repositories.ts)`
        + `${sameRepo.length > 0 ? ` (known charts of that repository: ${sameRepo.join(', ')})` : ''}: add the chart's GitHub repository and chart directory there, `
        + 'and vendor the chart source at that version into the upstream directory (SOURCES.tsv, MANIFEST.sha256)',
    };
  }
  // The row of the chart directory, or of a directory that holds it (AI Gateway's `manifests` holds both of its charts).
  const rows = sources.filter((s) => s.repo.toLowerCase() === known.repo.toLowerCase()
    && (s.upstreamPath === known.chartPath || known.chartPath.startsWith(`${s.upstreamPath}/`)));
  // By the version the row was vendored for, else by the version its Chart.yaml says (a tag like 4.5.3-4.8.2 holding chart 4.8.2).
  const row = rows.find((s) => rowMatchesRevision(s, version))
    ?? rows.find((s) => sameVersion(chartVersionOf(path.join(upstreamDir, s.dir)) ?? '', version));
  if (!row) {
    const versions = rows.map((s) => s.version);
    return {
      problem: `chart ${chart} ${version} (source github.com/${known.repo} ${known.chartPath}) is not in the upstream directory`
        + `${versions.length > 0 ? ` (vendored versions: ${versions.join(', ')})` : ''}: vendor ${known.chartPath} of ${known.repo} at the commit of chart ${version} `
        + `as ${chart}/${version}/${known.chartPath} (SOURCES.tsv, MANIFEST.sha256, lib/verify/${UPSTREAM_FILES_FILE})`
        + `${versions.length > 0 ? ', or pin a vendored version' : ''}`,
    };
  }
  return located(upstreamDir, row, known.chartPath, UpstreamKind.HELM);
}

/** Locates a path of a git repository at a revision (a kustomization, or a chart directory). */
export function locateGitPath(upstreamDir: string, sources: UpstreamSource[], repoUrl: string, repoPath: string, revision: string): LocateResult {
  const repo = githubRepoOf(repoUrl);
  if (!repo) {
    return { problem: `git repository ${repoUrl} is not on GitHub: the upstream directory holds GitHub sources only; vendor the path from a GitHub mirror or install from a vendored source` };
  }
  const wanted = normalizeRepoPath(repoPath);
  const sameRepo = sources.filter((s) => s.repo.toLowerCase() === repo.toLowerCase() && s.upstreamPath !== 'LICENSE');
  const atRevision = sameRepo.filter((s) => rowMatchesRevision(s, revision));
  let best: UpstreamSource | undefined;
  for (const s of atRevision) {
    const p = normalizeRepoPath(s.upstreamPath);
    if ((p === '' || wanted === p || wanted.startsWith(`${p}/`)) && (!best || s.upstreamPath.length > best.upstreamPath.length)) best = s;
  }
  if (!best) {
    const partial = atRevision.filter((s) => normalizeRepoPath(s.upstreamPath).startsWith(wanted === '' ? '' : `${wanted}/`)).map((s) => s.upstreamPath);
    const other = sameRepo.filter((s) => !atRevision.includes(s)).map((s) => `${s.upstreamPath} @ ${s.ref === '-' ? s.version : s.ref}`);
    const hint = partial.length > 0
      ? ` (only parts of it are vendored: ${partial.join(', ')})`
      : atRevision.length > 0
        ? ` (vendored at ${revision}: ${atRevision.map((s) => s.upstreamPath).join(', ')})`
        : other.length > 0 ? ` (vendored: ${[...new Set(other)].join(', ')})` : ' (nothing of that repository is vendored)';
    return {
      problem: `path ${repoPath === '' ? '.' : repoPath} of github.com/${repo} at ${revision} is not in the upstream directory${hint}: vendor it `
        + `(SOURCES.tsv, MANIFEST.sha256, lib/verify/${UPSTREAM_FILES_FILE}) or install from a vendored source`,
    };
  }
  const kind = chartFileOf(path.join(upstreamDir, best.root, wanted)) ? UpstreamKind.HELM : UpstreamKind.KUSTOMIZE;
  return located(upstreamDir, best, wanted, kind);
}

function located(upstreamDir: string, row: UpstreamSource, repoPath: string, kind: UpstreamKind): LocateResult {
  const relDir = repoPath === '' ? row.root : `${row.root}/${repoPath}`;
  const dir = path.join(upstreamDir, relDir);
  if (!fs.existsSync(dir)) {
    return { problem: `${relDir} is listed in SOURCES.tsv but missing from the upstream directory ${upstreamDir}. ${upstreamDirHelp()}` };
  }
  if (kind === UpstreamKind.KUSTOMIZE && !kustomizationFileOf(dir)) {
    return { problem: `${relDir} has no kustomization.yaml (and no Chart.yaml): Argo CD would apply its files as a plain directory, which this check does not render; point the Application at a kustomization or a chart` };
  }
  if (kind === UpstreamKind.HELM && !chartFileOf(dir)) {
    return { problem: `${relDir} has no Chart.yaml: the vendored chart is incomplete. ${upstreamDirHelp()}` };
  }
  return { location: { kind, row, relDir, dir, rootDir: path.join(upstreamDir, row.root), repoPath } };
}

function normalizeRepoPath(p: string): string {
  const n = path.posix.normalize(p.trim() === '' ? '.' : p.trim()).replace(/^\.\/?/, '').replace(/\/+$/, '');
  return n === '.' ? '' : n;
}
