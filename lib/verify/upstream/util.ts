/** Small helpers of the release checks. */
import { editDistance } from '../../core/edit-distance';

/** A plain object (not an array, not null). */
export function isPlainObject(x: unknown): x is { [key: string]: unknown } {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/**
 * Helm's merge of values: maps merge key by key, anything else replaces, and `null` removes
 * the key. Returns a new object; the inputs are not changed.
 */
export function mergeValues(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? clone(base) : clone(over);
  const out: { [key: string]: unknown } = clone(base) as { [key: string]: unknown };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else if (isPlainObject(v) && isPlainObject(out[k])) out[k] = mergeValues(out[k], v);
    else out[k] = clone(v);
  }
  return out;
}

/** A deep copy of plain data. */
export function clone<T>(x: T): T {
  return x === undefined ? x : JSON.parse(JSON.stringify(x)) as T;
}

/** The value at `path`, and whether it exists. */
export function getPath(root: unknown, path: string[]): { exists: boolean; value?: unknown } {
  let n: unknown = root;
  for (const k of path) {
    if (!isPlainObject(n) || !(k in n)) return { exists: false };
    n = n[k];
  }
  return { exists: true, value: n };
}

/** Sets `value` at a dotted Helm parameter path (`a.b[0].c`, `a\.b` for a dot in a key). */
export function setParameter(root: { [key: string]: unknown }, name: string, value: unknown): void {
  const keys = name.split(/(?<!\\)\./).map((k) => k.replace(/\\\./g, '.'));
  let n: { [key: string]: unknown } = root;
  keys.forEach((k, i) => {
    if (i === keys.length - 1) {
      n[k] = value;
    } else {
      if (!isPlainObject(n[k])) n[k] = {};
      n = n[k] as { [key: string]: unknown };
    }
  });
}

/** The candidates closest to `word` (case-insensitive edit distance within a third of its length, at least 2). */
export function nearest(word: string, candidates: string[], max = 3): string[] {
  const limit = Math.max(2, Math.floor(word.length / 3));
  return [...new Set(candidates)]
    .map((c) => ({ c, d: editDistance(word.toLowerCase(), c.toLowerCase()) }))
    .filter((x) => {
      const w = word.toLowerCase();
      const c = x.c.toLowerCase();
      return x.d <= limit || c.includes(w) || (w.includes(c) && c.length >= 4);
    })
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, max)
    .map((x) => x.c);
}

/** `a`, `a or b`, `a, b or c`. */
export function orList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** A JSON path as Helm and kubectl print it: `a.b[0].c`. */
export function joinPath(path: ReadonlyArray<string | number>): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : /^[A-Za-z_][\w-]*$/.test(k) ? `${i === 0 ? '' : '.'}${k}` : `[${JSON.stringify(k)}]`)).join('');
}
