/**
 * What a chart's templates read from `.Values`, found statically (there is no helm binary):
 * `.Values.a.b` and `$.Values.a.b` chains, `index .Values "a" "b"`, variables assigned from
 * values, and the relative chains inside `with`/`range` blocks over a values path. A path
 * handed whole to `toYaml`, `tpl`, `include`, `range` and similar functions is marked
 * "whole": any key under it reaches the output, so every key below it is accepted.
 */

/** A trie of value paths. */
export class ValuePathIndex {
  private readonly root: IndexNode = newNode();

  /** Records that templates read `path`. */
  public addRead(path: string[]): void {
    let n = this.root;
    for (const k of path) n = child(n, k);
    n.read = true;
  }

  /** Records that templates pass `path` whole (everything below it reaches the output). */
  public addWhole(path: string[]): void {
    if (path.length === 0) return; // `.Values` as a whole tells nothing about its keys
    let n = this.root;
    for (const k of path) n = child(n, k);
    n.whole = true;
  }

  /** Records that templates pass `path` to `default`, `include` or a similar function (its empty value may be replaced). */
  public addDefaulted(path: string[]): void {
    let n = this.root;
    for (const k of path) n = child(n, k);
    n.defaulted = true;
  }

  /** True when some template passes `path` (or an object holding it) to `default`, `include` or a similar function. */
  public isDefaulted(path: string[]): boolean {
    let n: IndexNode | undefined = this.root;
    for (const k of path) {
      n = n.children.get(k);
      if (!n) return false;
      if (n.defaulted) return true;
    }
    return false;
  }

  /** True when `path` or one of its prefixes is passed whole. */
  public isWhole(path: string[]): boolean {
    let n: IndexNode | undefined = this.root;
    for (const k of path) {
      n = n.children.get(k);
      if (!n) return false;
      if (n.whole) return true;
    }
    return false;
  }

  /** True when some template reads `path` or something below it. */
  public isRead(path: string[]): boolean {
    let n: IndexNode | undefined = this.root;
    for (const k of path) {
      n = n.children.get(k);
      if (!n) return false;
    }
    return true;
  }

  /** Keys read directly under `path`. */
  public keysUnder(path: string[]): string[] {
    let n: IndexNode | undefined = this.root;
    for (const k of path) {
      n = n.children.get(k);
      if (!n) return [];
    }
    return [...n.children.keys()];
  }
}

interface IndexNode {
  read: boolean;
  whole: boolean;
  defaulted: boolean;
  readonly children: Map<string, IndexNode>;
}

function newNode(): IndexNode {
  return { read: false, whole: false, defaulted: false, children: new Map() };
}

function child(n: IndexNode, k: string): IndexNode {
  let c = n.children.get(k);
  if (!c) {
    c = newNode();
    n.children.set(k, c);
  }
  return c;
}

/** What `.` is inside a block: the root context, a values path, or unknown. */
type Dot = { readonly kind: 'root' } | { readonly kind: 'values'; readonly path: string[] } | { readonly kind: 'unknown' };

const ROOT: Dot = { kind: 'root' };
const UNKNOWN: Dot = { kind: 'unknown' };
const BUILTIN_OBJECTS = new Set(['Values', 'Chart', 'Release', 'Capabilities', 'Template', 'Files', 'Subcharts']);
const WHOLE_FUNCTIONS = /\b(toYaml|toJson|toPrettyJson|toRawJson|mustToJson|mustToPrettyJson|mustToRawJson|tpl|include|template|merge|mergeOverwrite|mustMerge|mustMergeOverwrite|deepCopy|mustDeepCopy|dict|list|keys|pick|omit|hasKey|get|pluck|values|range|toString|toStrings|join|concat|empty)\b/;
const DEFAULTING_FUNCTIONS = /\b(default|include|template|dict|coalesce|ternary|required)\b/;
const ACTION = /\{\{-?([\s\S]*?)-?\}\}/g;
const STRING = /"(?:[^"\\]|\\.)*"|`[^`]*`/g;
const CHAIN = /(^|[^\w.$\])])(\$[A-Za-z0-9_]*)?((?:\.[A-Za-z_][A-Za-z0-9_]*)+|\.(?![\w.]))/g;

interface Frame {
  readonly dot: Dot;
  readonly outer: Dot;
  readonly vars: Map<string, string[]>;
}

/** Scans template texts (templates/*.yaml, *.tpl) into an index of value paths. */
export function scanTemplates(texts: string[]): ValuePathIndex {
  const index = new ValuePathIndex();
  for (const text of texts) scanOne(text, index);
  return index;
}

function scanOne(text: string, index: ValuePathIndex): void {
  const stack: Frame[] = [{ dot: ROOT, outer: ROOT, vars: new Map() }];
  for (const m of text.matchAll(ACTION)) {
    const body = m[1].trim();
    if (body.startsWith('/*')) continue;
    const top = stack[stack.length - 1];
    const word = /^[a-z]+/.exec(body)?.[0] ?? '';
    const rest = body.slice(word.length).trim();
    if (word === 'end') {
      if (stack.length > 1) stack.pop();
      continue;
    }
    if (word === 'define') {
      stack.push({ dot: UNKNOWN, outer: UNKNOWN, vars: new Map() });
      continue;
    }
    const whole = WHOLE_FUNCTIONS.test(body) || word === 'range';
    // `default .Chart.AppVersion` only helps where the chart has an appVersion (checked on its own).
    const defaulted = DEFAULTING_FUNCTIONS.test(body.replace(/\bdefault\s+\$?\.Chart\.AppVersion\b/g, ''));
    references(body, top, index, whole, defaulted);
    if (word === 'else') {
      // `else` of a with: `.` is the outer dot again; `else with X` / `else if X`: a new branch.
      const frame = stack.pop()!;
      const elseWith = /^with\b/.test(rest);
      const p = elseWith ? firstValuesPath(rest.slice(4), frame.outer, frame.vars) : undefined;
      stack.push({ dot: p ? { kind: 'values', path: p } : frame.outer, outer: frame.outer, vars: new Map(frame.vars) });
      continue;
    }
    if (word === 'with' || word === 'range' || word === 'if' || word === 'block') {
      const vars = new Map(top.vars);
      let dot: Dot = top.dot;
      if (word === 'with') {
        const assign = /^(\$[A-Za-z0-9_]+)\s*:?=\s*([\s\S]*)$/.exec(rest);
        const p = firstValuesPath(assign ? assign[2] : rest, top.dot, top.vars);
        if (assign && p) vars.set(assign[1], p);
        dot = p ? { kind: 'values', path: p } : UNKNOWN;
      } else if (word === 'range') {
        dot = UNKNOWN;
        // The element variables ($k, $v) are elements: unknown.
        const assign = /^(\$[A-Za-z0-9_]+)(?:\s*,\s*(\$[A-Za-z0-9_]+))?\s*:=/.exec(rest);
        if (assign) {
          vars.delete(assign[1]);
          if (assign[2]) vars.delete(assign[2]);
        }
      } else if (word === 'block') {
        dot = UNKNOWN;
      }
      stack.push({ dot, outer: top.dot, vars });
      continue;
    }
    // Variable assignment in a plain action: {{ $x := .Values.a }}
    const assign = /^(\$[A-Za-z0-9_]+)\s*:?=\s*([\s\S]*)$/.exec(body);
    if (assign) {
      const p = firstValuesPath(assign[2], top.dot, top.vars);
      if (p) top.vars.set(assign[1], p);
      else top.vars.delete(assign[1]);
    }
  }
}

/** Every values path an action mentions, recorded as read (and whole when the action hands it to a function). */
function references(body: string, frame: Frame, index: ValuePathIndex, whole: boolean, defaulted: boolean): void {
  const found: string[][] = [];
  // index X "a" "b" before strings are blanked out.
  for (const m of body.matchAll(/\bindex\s+(\$?[A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|\.)\s+((?:(?:"[^"]*"|`[^`]*`)\s*)+)/g)) {
    const base = resolve(m[1], frame.dot, frame.vars);
    if (!base) continue;
    const keys = [...m[2].matchAll(/"([^"]*)"|`([^`]*)`/g)].map((k) => k[1] ?? k[2]);
    found.push([...base, ...keys]);
  }
  const code = body.replace(STRING, '""');
  for (const m of code.matchAll(CHAIN)) {
    const p = resolve(`${m[2] ?? ''}${m[3]}`, frame.dot, frame.vars);
    if (p) found.push(p);
  }
  // A bare variable that holds a values path (`merge $user $base`, gateway-helm's envoy-gateway-config.yaml).
  for (const m of code.matchAll(/(\$[A-Za-z0-9_]+)(?![\w.])/g)) {
    const p = frame.vars.get(m[1]);
    if (p) found.push(p);
  }
  for (const p of found) {
    index.addRead(p);
    if (whole) index.addWhole(p);
    if (defaulted) index.addDefaulted(p);
  }
}

/** The values path of an expression like `.Values.a.b`, `$.Values.a`, `$v.b`, `.b` (inside a values block), or `.`. */
function resolve(expr: string, dot: Dot, vars: Map<string, string[]>): string[] | undefined {
  const m = /^(\$[A-Za-z0-9_]*)?(.*)$/.exec(expr);
  if (!m) return undefined;
  const variable = m[1];
  const segs = m[2] === '.' || m[2] === '' ? [] : m[2].split('.').slice(1);
  if (variable === '$') {
    return segs[0] === 'Values' ? segs.slice(1) : undefined;
  }
  if (variable) {
    const base = vars.get(variable);
    return base ? [...base, ...segs] : undefined;
  }
  if (segs[0] === 'Values' && dot.kind !== 'values') return segs.slice(1);
  if (dot.kind === 'values') {
    if (segs.length > 0 && BUILTIN_OBJECTS.has(segs[0])) return undefined;
    return [...dot.path, ...segs];
  }
  return undefined;
}

function firstValuesPath(expr: string, dot: Dot, vars: Map<string, string[]>): string[] | undefined {
  const code = expr.replace(STRING, '""');
  for (const m of code.matchAll(CHAIN)) {
    const p = resolve(`${m[2] ?? ''}${m[3]}`, dot, vars);
    if (p) return p;
  }
  return undefined;
}
