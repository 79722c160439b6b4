/**
 * The upstream directories the library's own releases use (the chart and git sources of
 * OPERATOR_SOURCES in lib/core/versions.ts, with the dependencies of their charts, the
 * stand-ins of remote kustomize resources, the Go types of embedded configuration and the
 * licence of each repository): what `fetchUpstream` downloads, committed as
 * `lib/verify/upstream-sources.tsv` and `lib/verify/upstream-files.sha256`.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { EMBEDDED_CONFIGS } from './embedded-config';
import { ChartContext, HelmChart, loadChart } from './helm-chart';
import { findRemoteEntries } from './kustomize';
import { kustomizationFileOf, locateGitPath, locateHelmChart, UpstreamKind, UpstreamLocation } from './locate';
import { parseManifest, rowOfFile, UpstreamFile, UpstreamSource, upstreamSourcesOf } from './sources';
import { isPlainObject } from './util';
import { ARGO_CD_INSTALL, OPERATOR_SOURCES, PinnedGitPath, PinnedHelmChart, PinnedUpstreamFile } from '../../core/versions';

/** The rows and files the library's releases use, and the sources that are not vendored. */
export interface LibraryUpstream {
  readonly sources: UpstreamSource[];
  readonly files: UpstreamFile[];
  /** Sources of OPERATOR_SOURCES with no upstream artifact, with why. */
  readonly missing: string[];
}

/**
 * Computes the rows and files of `upstreamDir` (with its SOURCES.tsv and MANIFEST.sha256) that
 * the pinned sources use.
 * @param pinned the sources (default: every entry of OPERATOR_SOURCES)
 */
export function libraryUpstream(upstreamDir: string,
  pinned: Array<PinnedHelmChart | PinnedGitPath> = Object.values(OPERATOR_SOURCES),
  pinnedFiles: PinnedUpstreamFile[] = Object.values(ARGO_CD_INSTALL)): LibraryUpstream {
  const sources = upstreamSourcesOf(upstreamDir);
  const manifest = parseManifest(fs.readFileSync(path.join(upstreamDir, 'MANIFEST.sha256'), 'utf8'));
  const ctx: ChartContext = { upstreamDir, sources };
  const rows = new Set<UpstreamSource>();
  const missing: string[] = [];
  const addChart = (chart: HelmChart, seen: Set<string>) => {
    if (seen.has(chart.dir)) return;
    seen.add(chart.dir);
    const row = rowOfFile(path.relative(upstreamDir, chart.dir), sources);
    if (row) rows.add(row);
    for (const d of chart.dependencies) if (d.chart) addChart(d.chart, seen);
  };
  for (const p of pinned) {
    const located = 'chart' in p
      ? locateHelmChart(upstreamDir, sources, p.repoUrl, p.chart, p.version)
      : locateGitPath(upstreamDir, sources, p.repoUrl, p.path, p.revision);
    const name = 'chart' in p ? `chart ${p.chart} ${p.version} (${p.repoUrl})` : `${p.repoUrl} ${p.path} @ ${p.revision}`;
    if (!located.location) {
      missing.push(`${name}: ${located.problem}`);
      continue;
    }
    const loc = located.location;
    rows.add(loc.row);
    if (loc.kind === UpstreamKind.HELM) {
      addChart(loadChart(loc.dir, ctx, loc.row), new Set());
    } else {
      for (const f of kustomizationClosure(loc.dir)) {
        const row = rowOfFile(path.relative(upstreamDir, f), sources);
        if (row) rows.add(row);
      }
      for (const r of findRemoteEntries(loc.dir, upstreamDir, sources)) {
        if (!r.mappedDir) continue;
        const row = rowOfFile(path.relative(upstreamDir, r.mappedDir), sources);
        if (row) rows.add(row);
        for (const f of kustomizationClosure(r.mappedDir)) {
          const inner = rowOfFile(path.relative(upstreamDir, f), sources);
          if (inner) rows.add(inner);
        }
      }
    }
    addEmbeddedConfigRows(loc, sources, rows);
  }
  // Single files installed by URL (the bootstrap's Argo CD install): their rows, but only those files.
  const fileRows = new Map<UpstreamSource, Set<string>>();
  for (const f of pinnedFiles) {
    const row = sources.find((s) => s.repo.toLowerCase() === f.project.toLowerCase() && (s.ref === f.revision || s.commit === f.revision)
      && f.path.startsWith(`${s.upstreamPath.replace(/\/$/, '')}/`));
    if (!row) {
      missing.push(`${f.project} ${f.path} @ ${f.revision}: no vendored row holds it`);
      continue;
    }
    if (!rows.has(row)) fileRows.set(row, new Set([...(fileRows.get(row) ?? []), `${row.dir}/${path.relative(row.upstreamPath, f.path)}`]));
  }
  for (const r of [...rows, ...fileRows.keys()]) {
    const licence = sources.find((s) => s.dir === `${r.root}/LICENSE`);
    if (licence) rows.add(licence);
  }
  const ordered = sources.filter((s) => rows.has(s) || fileRows.has(s));
  const files = manifest.filter((f) => ordered.some((s) => (fileRows.has(s) && !rows.has(s)
    ? fileRows.get(s)!.has(f.path)
    : f.path === s.dir || f.path.startsWith(`${s.dir}/`))));
  return { sources: ordered, files, missing };
}

function addEmbeddedConfigRows(loc: UpstreamLocation, sources: UpstreamSource[], rows: Set<UpstreamSource>): void {
  for (const c of EMBEDDED_CONFIGS.filter((x) => x.repo.toLowerCase() === loc.row.repo.toLowerCase())) {
    const row = sources.find((s) => s.root === loc.row.root && (c.goFile === s.upstreamPath || c.goFile.startsWith(`${s.upstreamPath}/`)));
    if (row) rows.add(row);
  }
}

/** Every local path a kustomization reaches (kustomization directories, resource and patch files). */
export function kustomizationClosure(dir: string): string[] {
  const out = new Set<string>();
  const visit = (d: string) => {
    const real = path.resolve(d);
    if (out.has(real)) return;
    out.add(real);
    const file = kustomizationFileOf(real);
    if (!file) return;
    out.add(file);
    let k: unknown;
    try {
      k = YAML.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      return;
    }
    if (!isPlainObject(k)) return;
    const entries: string[] = [];
    for (const field of ['resources', 'bases', 'components', 'patchesStrategicMerge', 'crds', 'configurations', 'generators', 'transformers']) {
      const list = k[field];
      if (Array.isArray(list)) entries.push(...list.filter((x): x is string => typeof x === 'string'));
    }
    for (const field of ['patches', 'patchesJson6902']) {
      const list = k[field];
      if (Array.isArray(list)) for (const p of list) if (isPlainObject(p) && typeof p.path === 'string') entries.push(p.path);
    }
    for (const gen of ['configMapGenerator', 'secretGenerator']) {
      const list = k[gen];
      if (!Array.isArray(list)) continue;
      for (const g of list) {
        if (!isPlainObject(g)) continue;
        for (const key of ['files', 'envs']) {
          const files = g[key];
          if (Array.isArray(files)) for (const f of files) if (typeof f === 'string') entries.push(f.includes('=') ? f.slice(f.indexOf('=') + 1) : f);
        }
        if (typeof g.env === 'string') entries.push(g.env);
      }
    }
    for (const e of entries) {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(e) || /^(github\.com|git@)/.test(e)) continue;
      const target = path.resolve(real, e);
      if (!fs.existsSync(target)) continue;
      if (fs.statSync(target).isDirectory()) visit(target);
      else out.add(target);
    }
  };
  visit(dir);
  return [...out];
}
