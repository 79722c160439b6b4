/**
 * Summary of a V8 CPU profile (`node --cpu-prof`): where the self time went, by function
 * and by file, so that a hot spot can be named without opening a profiler.
 */
import * as fs from 'fs';
import * as path from 'path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: number[];
}

interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
  readonly startTime: number;
  readonly endTime: number;
}

/** Self time of one function or file. */
export interface SelfTime {
  /** `function (file:line)` or a file. */
  readonly name: string;
  readonly selfMs: number;
  /** Share of all sampled time, in percent. */
  readonly percent: number;
}

/** What a profile spent its time on. */
export interface ProfileSummary {
  readonly file: string;
  readonly totalMs: number;
  readonly topFunctions: SelfTime[];
  readonly topFiles: SelfTime[];
  /** Self time by area: library folders (lib/ or its compiled build/), generated bindings, cdktf, cdk8s, ts-node, GC, node. */
  readonly byArea: SelfTime[];
  /** Functions of this project (lib/ or build/, examples/, bench/) by total time, callees included. */
  readonly topOwnInclusive: SelfTime[];
}

/** Summarises a `.cpuprofile` file; `root` shortens paths. */
export function summariseCpuProfile(file: string, root: string, top = 20): ProfileSummary {
  const profile: CpuProfile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((s, v) => s + v, 0);

  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    const url = shorten(f.url, root);
    const fn = `${f.functionName || '(anonymous)'} (${url || 'native'}${line(url, f.lineNumber)})`;
    add(fns, fn, us);
    add(files, url || `(${f.functionName})`, us);
    add(areas, areaOf(url, f.functionName), us);
  }
  // Inclusive time of the project's own functions: each function counted once per stack.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const own = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      const url = shorten(f.url, root);
      if (!/^(lib|build|examples|bench)\//.test(url)) continue;
      const fn = `${f.functionName || '(anonymous)'} (${url}${line(url, f.lineNumber)})`;
      if (!seen.has(fn)) {
        seen.add(fn);
        add(own, fn, us);
      }
    }
  }
  const rank = (m: Map<string, number>, n: number): SelfTime[] => [...m]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([name, us]) => ({ name, selfMs: Math.round(us / 1000), percent: Math.round((1000 * us) / total) / 10 }));
  return {
    file,
    totalMs: Math.round(total / 1000),
    topFunctions: rank(fns, top),
    topFiles: rank(files, top),
    byArea: rank(areas, 50),
    topOwnInclusive: rank(own, top),
  };
}

// Lines of .ts files are those of ts-node's in-memory JavaScript, not of the source: left out.
function line(url: string, lineNumber: number): string {
  return url && !url.endsWith('.ts') ? `:${lineNumber + 1}` : '';
}

function add(m: Map<string, number>, key: string, v: number): void {
  m.set(key, (m.get(key) ?? 0) + v);
}

/** Where the benchmark puts its transpiled examples and children (relative to the root). */
const BENCH_JS = path.join('.tmp', 'bench', 'js') + path.sep;

function shorten(url: string, root: string): string {
  const p = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const rel = p.startsWith(root + path.sep) ? p.slice(root.length + 1) : p;
  return rel.startsWith(BENCH_JS) ? rel.slice(BENCH_JS.length) : rel;
}

function areaOf(url: string, fn: string): string {
  if (!url) return fn === '(garbage collector)' ? 'gc' : `native ${fn}`;
  // The compiled library (build/) counts as the folder of lib/ it comes from.
  const m = /^(?:lib|build)\/([^/]+)(?:\/([^/]+)\/)?/.exec(url);
  if (m) return m[2] && m[1] === 'k8s' ? `lib/k8s/${m[2]}` : `lib/${m[1]}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  return url.split('/')[0];
}

/** The summary as text lines. */
export function formatProfileSummary(s: ProfileSummary): string[] {
  const lines = [`${s.file}: ${s.totalMs} ms sampled`, '  by area (self time):'];
  for (const a of s.byArea.slice(0, 12)) lines.push(`    ${String(a.selfMs).padStart(6)} ms ${a.percent.toFixed(1).padStart(5)}%  ${a.name}`);
  lines.push('  top functions (self time):');
  for (const f of s.topFunctions) lines.push(`    ${String(f.selfMs).padStart(6)} ms ${f.percent.toFixed(1).padStart(5)}%  ${f.name}`);
  lines.push('  top functions of this project (total time, callees included):');
  for (const f of s.topOwnInclusive) lines.push(`    ${String(f.selfMs).padStart(6)} ms ${f.percent.toFixed(1).padStart(5)}%  ${f.name}`);
  lines.push('  top files (self time):');
  for (const f of s.topFiles.slice(0, 10)) lines.push(`    ${String(f.selfMs).padStart(6)} ms ${f.percent.toFixed(1).padStart(5)}%  ${f.name}`);
  return lines;
}
