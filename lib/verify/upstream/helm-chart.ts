/**
 * A chart of the upstream directory read statically: Chart.yaml (or the template upstream
 * fills at release), values.yaml, values.schema.json, its dependencies (local subcharts,
 * `file://` charts, or charts vendored as separate components), what its templates read from
 * `.Values`, and the CRDs it installs (crds/ and templates that hold CustomResourceDefinitions).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { defaultRenderCacheDir, readCached, writeCached } from './cache';
import { findKnownChart, KNOWN_CHARTS } from './chart-repositories';
import { scanTemplates, ValuePathIndex } from './helm-templates';
import { chartFileOf, sameVersion } from './locate';
import { readVendoredFile, sha256, UpstreamSource } from './sources';

/** A dependency of a chart (Chart.yaml `dependencies`). */
export interface HelmDependency {
  readonly name: string;
  /** The key its values are under: the alias, else the name. */
  readonly key: string;
  readonly version: string;
  readonly repository?: string;
  readonly condition?: string;
  /** The vendored chart, when found. */
  readonly chart?: HelmChart;
  /** Why it was not found. */
  readonly unresolved?: string;
}

/** A CRD a chart installs. */
export interface ChartCrd {
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly scope: string;
  /** Versions in the CRD's order, with served and storage. */
  readonly versions: Array<{ readonly name: string; readonly served: boolean; readonly storage: boolean }>;
  /** File in the upstream directory. */
  readonly file: string;
  /** The whole CRD, when the file parses (crds/ files, and templates once their actions are removed). */
  readonly crd?: { [key: string]: unknown };
}

/** A chart read from the upstream directory. */
export interface HelmChart {
  readonly name: string;
  /** Version the chart is published as (the row's version where Chart.yaml in git has a placeholder). */
  readonly version: string;
  /** appVersion (the row's ref where Chart.yaml in git has a placeholder), if any. */
  readonly appVersion?: string;
  /** True when Chart.yaml in git has a placeholder version that the release fills. */
  readonly placeholder: boolean;
  /** Absolute directory. */
  readonly dir: string;
  /** Directory relative to the upstream directory, for messages. */
  readonly relDir: string;
  /** values.yaml (or values.tmpl.yaml) relative to the upstream directory. */
  readonly valuesFile: string;
  readonly values: { [key: string]: unknown };
  readonly schema?: { [key: string]: unknown };
  readonly schemaFile?: string;
  readonly dependencies: HelmDependency[];
  /** What the templates read. */
  readonly reads: ValuePathIndex;
  /** CRDs of the chart itself (not of its dependencies). */
  readonly crds: ChartCrd[];
}

const YAML_OPTIONS = { version: '1.1' as const, maxAliasCount: -1 };
const memo = new Map<string, HelmChart>();

/** Context for resolving dependencies vendored as separate components. */
export interface ChartContext {
  readonly upstreamDir: string;
  readonly sources: UpstreamSource[];
}

/**
 * Reads the chart in `dir`. `row` is the SOURCES.tsv row it was located by (its version is
 * trusted where Chart.yaml carries a placeholder). Memoized per directory.
 */
export function loadChart(dir: string, ctx: ChartContext, row?: UpstreamSource): HelmChart {
  const key = path.resolve(dir);
  const cached = memo.get(key);
  if (cached) return cached;
  const chartFile = chartFileOf(dir);
  if (!chartFile) throw new Error(`internal: ${dir} has no Chart.yaml`);
  const rel = (p: string) => path.relative(ctx.upstreamDir, p);
  const rawText = fs.readFileSync(chartFile, 'utf8');
  const templated = path.basename(chartFile) !== 'Chart.yaml' || /\$\{[^}]+\}/.test(rawText);
  const meta = (YAML.parse(rawText.replace(/\$\{[^}]+\}/g, '0.0.0'), YAML_OPTIONS) ?? {}) as {
    name?: string; version?: unknown; appVersion?: unknown; dependencies?: RawDependency[];
  };
  const gitVersion = String(meta.version ?? '');
  const placeholder = templated || /^v?0\.0\.0/.test(gitVersion) || /latest/.test(gitVersion);
  const rowVersion = row ? (/^v?\d/.test(row.ref) ? row.ref : row.version) : undefined;
  const appVersionRaw = meta.appVersion === undefined ? undefined : String(meta.appVersion);
  const appPlaceholder = appVersionRaw === undefined ? placeholder : /^v?0\.0\.0|^latest$|\$\{/.test(appVersionRaw);
  const version = placeholder && row ? row.version : gitVersion;
  const appVersion = appPlaceholder ? (placeholder && rowVersion ? rowVersion : undefined) : appVersionRaw;

  const valuesPath = ['values.yaml', 'values.tmpl.yaml'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  const values = valuesPath ? ((YAML.parse(fs.readFileSync(valuesPath, 'utf8'), YAML_OPTIONS) ?? {}) as { [key: string]: unknown }) : {};
  const schemaPath = path.join(dir, 'values.schema.json');
  const schema = fs.existsSync(schemaPath) ? JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as { [key: string]: unknown } : undefined;

  const texts: string[] = [];
  for (const sub of ['templates', 'files']) for (const f of filesUnder(path.join(dir, sub))) texts.push(readVendoredFile(f).toString('utf8'));
  const reads = scanTemplates(texts);

  const chart: HelmChart = {
    name: meta.name ?? path.basename(dir),
    version,
    ...(appVersion ? { appVersion } : {}),
    placeholder,
    dir: key,
    relDir: rel(dir),
    valuesFile: rel(valuesPath ?? path.join(dir, 'values.yaml')),
    values,
    ...(schema ? { schema, schemaFile: rel(schemaPath) } : {}),
    dependencies: [],
    reads,
    crds: chartCrds(dir, ctx.upstreamDir),
  };
  memo.set(key, chart);
  // Dependencies after memoizing: a cycle ends at the memo.
  for (const d of meta.dependencies ?? []) {
    (chart.dependencies as HelmDependency[]).push(resolveDependency(dir, d, ctx));
  }
  return chart;
}

/** Forgets charts read so far (tests that change the upstream directory). */
export function clearChartCache(): void {
  memo.clear();
}

interface RawDependency {
  readonly name: string;
  readonly alias?: string;
  readonly version?: unknown;
  readonly repository?: string;
  readonly condition?: string;
}

function resolveDependency(dir: string, d: RawDependency, ctx: ChartContext): HelmDependency {
  const version = String(d.version ?? '');
  const base = {
    name: d.name,
    key: d.alias ?? d.name,
    version,
    ...(d.repository ? { repository: d.repository } : {}),
    ...(d.condition ? { condition: d.condition } : {}),
  };
  const local = path.join(dir, 'charts', d.name);
  if (chartFileOf(local)) return { ...base, chart: loadChart(local, ctx) };
  if (d.repository?.startsWith('file://')) {
    const target = path.resolve(dir, d.repository.slice('file://'.length));
    if (chartFileOf(target)) return { ...base, chart: loadChart(target, ctx) };
    return { ...base, unresolved: `its path ${d.repository} is not vendored` };
  }
  const known = d.repository ? findKnownChart(d.repository, d.name, KNOWN_CHARTS) : undefined;
  const candidates = ctx.sources.filter((s) => known
    ? s.repo.toLowerCase() === known.repo.toLowerCase() && s.upstreamPath === known.chartPath
    : path.posix.basename(s.upstreamPath) === d.name && chartFileOf(path.join(ctx.upstreamDir, s.dir)));
  const row = candidates.find((s) => sameVersion(s.version, version)) ?? candidates.find((s) => satisfies(s.version, version));
  if (row && chartFileOf(path.join(ctx.upstreamDir, row.dir))) return { ...base, chart: loadChart(path.join(ctx.upstreamDir, row.dir), ctx, row) };
  return {
    ...base,
    unresolved: `dependency ${d.name} ${version}${d.repository ? ` from ${d.repository}` : ''} is not vendored`
      + `${candidates.length > 0 ? ` (vendored versions: ${candidates.map((c) => c.version).join(', ')})` : ''}`,
  };
}

/** A small semver-range check: exact, `1.2.*`/`1.2.x`, `~1.2.3`, `^1.2.3`, comparisons, `||`. */
export function satisfies(versionIn: string, constraint: string): boolean {
  const v = parse(versionIn);
  if (!v) return false;
  return constraint.split('||').some((alt) => {
    const parts = alt.trim().split(/[\s,]+/).filter((p) => p !== '');
    return parts.length > 0 && parts.every((p) => one(v, p));
  });
}

function parse(s: string): number[] | undefined {
  const m = /^v?(\d+)(?:\.(\d+|[*xX]))?(?:\.(\d+|[*xX]))?/.exec(s.trim());
  if (!m) return undefined;
  return [m[1], m[2], m[3]].map((x) => (x === undefined || /[*xX]/.test(x) ? NaN : Number(x)));
}

function cmp(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) {
    const x = Number.isNaN(a[i]) ? 0 : a[i];
    const y = Number.isNaN(b[i]) ? 0 : b[i];
    if (x !== y) return x - y;
  }
  return 0;
}

function one(v: number[], p: string): boolean {
  const m = /^(>=|<=|>|<|=|~|\^)?\s*(.+)$/.exec(p);
  if (!m) return false;
  const c = parse(m[2]);
  if (!c) return false;
  switch (m[1]) {
    case '>=': return cmp(v, c) >= 0;
    case '<=': return cmp(v, c) <= 0;
    case '>': return cmp(v, c) > 0;
    case '<': return cmp(v, c) < 0;
    case '~': return cmp(v, c) >= 0 && v[0] === c[0] && (Number.isNaN(c[1]) || v[1] === c[1]);
    case '^': return cmp(v, c) >= 0 && v[0] === c[0];
    default: return c.every((x, i) => Number.isNaN(x) || x === v[i]);
  }
}

/** Files under a directory, recursively, sorted. */
export function filesUnder(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    let isDir = e.isDirectory();
    if (e.isSymbolicLink()) {
      try {
        isDir = fs.statSync(p).isDirectory();
      } catch {
        continue;
      }
    }
    if (isDir) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Removes Go template actions, so the YAML of a templated CRD parses. */
export function stripTemplateActions(text: string): string {
  const marked = text.replace(/\{\{-?[\s\S]*?-?\}\}/g, (m) => (m.includes('\n') ? '\u0001' : '\u0000'));
  return marked.split('\n').filter((l) => !/^\s*[\u0000\u0001]+\s*$/.test(l)).map((l) => l.replace(/[\u0000\u0001]/g, '')).join('\n');
}

function chartCrds(dir: string, upstreamDir: string): ChartCrd[] {
  const out: ChartCrd[] = [];
  const seenIncluded = new Set<string>();
  const files = [
    ...filesUnder(path.join(dir, 'crds')).filter((f) => /\.ya?ml$/.test(f)).map((f) => ({ f, templated: false })),
    ...filesUnder(path.join(dir, 'templates')).filter((f) => /\.ya?ml$/.test(f)).map((f) => ({ f, templated: true })),
  ];
  for (const { f, templated } of files) {
    const text = readVendoredFile(f).toString('utf8');
    // Files a template includes (`.Files.Get "conf/crds/x.yaml"`, as the OpenTelemetry operator chart does).
    for (const m of text.matchAll(/\.Files\.Get\s+"([^"]+)"/g)) {
      const included = path.join(dir, m[1]);
      if (!fs.existsSync(included) || seenIncluded.has(included)) continue;
      seenIncluded.add(included);
      const body = readVendoredFile(included).toString('utf8');
      if (/^kind:\s*CustomResourceDefinition\s*$/m.test(body)) out.push(...crdsOfText(stripTemplateActions(body), path.relative(upstreamDir, included), body));
    }
    if (!/^kind:\s*CustomResourceDefinition\s*$/m.test(text)) continue;
    out.push(...crdsOfText(templated ? stripTemplateActions(text) : text, path.relative(upstreamDir, f), text));
  }
  return out;
}

function crdsOfText(text: string, file: string, original: string): ChartCrd[] {
  // Parsing a large CRD takes a while: parsed CRDs are cached by the sha256 of the text.
  const dir = path.join(defaultRenderCacheDir(), 'chart-crds');
  const key = sha256(`1\0${file}\0${text}`);
  const cached = readCached<ChartCrd[]>(dir, key);
  if (cached) return cached;
  const parsed = parseCrdsOfText(text, file, original);
  writeCached(dir, key, parsed);
  return parsed;
}

export function parseCrdsOfText(text: string, file: string, original: string): ChartCrd[] {
  const out: ChartCrd[] = [];
  let parsedAny = false;
  try {
    for (const doc of YAML.parseAllDocuments(text, YAML_OPTIONS)) {
      if (doc.errors.length > 0) throw new Error(doc.errors[0].message);
      const o = doc.toJS({ maxAliasCount: -1 }) as {
        kind?: string;
        spec?: {
          group?: string;
          scope?: string;
          names?: { kind?: string; plural?: string };
          versions?: Array<{ name: string; served?: boolean; storage?: boolean }>;
        };
      } | null;
      if (!o || o.kind !== 'CustomResourceDefinition' || typeof o.spec?.group !== 'string' || typeof o.spec?.names?.kind !== 'string') continue;
      parsedAny = true;
      out.push({
        group: o.spec.group,
        kind: o.spec.names.kind,
        plural: o.spec.names.plural ?? `${o.spec.names.kind.toLowerCase()}s`,
        scope: o.spec.scope ?? 'Namespaced',
        versions: (o.spec.versions ?? []).map((v) => ({ name: v.name, served: v.served !== false, storage: v.storage === true })),
        file,
        crd: o as { [key: string]: unknown },
      });
    }
  } catch {
    parsedAny = false;
    out.length = 0;
  }
  if (parsedAny) return out;
  // Fall back to reading group and names from the text of each document.
  for (const doc of original.split(/^---\s*$/m)) {
    if (!/^kind:\s*CustomResourceDefinition\s*$/m.test(doc)) continue;
    const group = /^\s{2}group:\s*["']?([\w.-]+)/m.exec(doc)?.[1];
    const names = doc.slice(doc.search(/^\s{2}names:/m));
    const kind = /^\s{4}kind:\s*["']?(\w+)/m.exec(names)?.[1];
    if (!group || !kind) continue;
    out.push({
      group,
      kind,
      plural: /^\s{4}plural:\s*["']?([\w.-]+)/m.exec(names)?.[1] ?? `${kind.toLowerCase()}s`,
      scope: /^\s{2}scope:\s*["']?(\w+)/m.exec(doc)?.[1] ?? 'Namespaced',
      versions: [...doc.matchAll(/^\s{2}-?\s{0,2}name:\s*["']?(v[\w]+)/gm)].map((m, i) => ({ name: m[1], served: true, storage: i === 0 })),
      file,
    });
  }
  return out;
}

/** The CRDs a chart installs with its dependencies (recursively). */
export function allChartCrds(chart: HelmChart, seen = new Set<string>()): ChartCrd[] {
  if (seen.has(chart.dir)) return [];
  seen.add(chart.dir);
  return [...chart.crds, ...chart.dependencies.flatMap((d) => (d.chart ? allChartCrds(d.chart, seen) : []))];
}
