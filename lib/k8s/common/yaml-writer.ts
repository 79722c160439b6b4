import { Yaml } from 'cdk8s';

/**
 * The YAML that cdk8s 2.70 writes for a set of documents (`Yaml.stringify(...docs)`: the
 * `yaml` library, YAML 1.1, no line folding, `undefined` as `null`), byte for byte, in a
 * fraction of the time.
 *
 * The `yaml` library builds a node tree for every document and visits it several times; for
 * the platform's output (plain JSON data: maps, lists, strings, numbers, booleans) that is
 * two thirds of synthesis. Here maps and lists are written directly in the block style that
 * library uses, and every scalar whose form is not obvious (a string that would need quotes
 * or a block, a number that is not a plain integer, a key that is not plain) is rendered by
 * the library itself, once per distinct value. A document that is anything else (a shared
 * object the library would write as an alias, a class instance, a top-level scalar) goes to
 * the library whole.
 *
 * Internal: `CnaiApp` writes its files through it.
 */
export function stringifyYaml(docs: readonly unknown[]): string {
  const writer = new YamlWriter();
  return docs.map((d) => writer.document(d)).join('---\n');
}

/**
 * Strings the library writes plain in every position, on one line: a letter, `_` or `/` first
 * (so no number, timestamp or indicator), none of the sequences its plain style excludes (its
 * own test), no line break and no control character (those it double-quotes).
 */
function isPlain(s: string): boolean {
  return FIRST.test(s) && !NOT_PLAIN.test(s) && !CONTROL.test(s) && !KEYWORDS.has(s.toLowerCase());
}
const FIRST = /^[A-Za-z_/]/;
/** The library's test for a string that cannot be plain (yaml 2.x, `plainString`), line breaks included. */
const NOT_PLAIN = /\n|^[\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[:][ \t]|[ \t]$|[\t ]#|[\t :]$/;
/** Characters the library always double-quotes. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
/** Words YAML 1.1 reads as booleans or null (any case): never plain. */
const KEYWORDS = new Set(['y', 'n', 'yes', 'no', 'true', 'false', 'on', 'off', 'null']);
/** A line that starts with a document marker. */
const DOCUMENT_MARKER = /^(?:---|\.\.\.)/m;
/** Longest key written as an implicit key (the library writes longer keys as `? key`). */
const MAX_PLAIN_KEY = 1000;

/** How the library renders a scalar: on the line of its key or dash, or as a block below it. */
interface Rendered {
  /** What follows `key: ` or `- `. */
  readonly head: string;
  /** Lines of a block scalar, each relative to the column of the key or dash. */
  readonly block: readonly string[];
}

class NotPlainData extends Error {}

class YamlWriter {
  private readonly values = new Map<string, Rendered>();
  private readonly keys = new Map<string, string>();
  private seen = new Set<object>();

  public document(doc: unknown): string {
    if (doc === undefined) return '\n';
    if (!isPlainObject(doc) || Object.keys(doc).length === 0) return Yaml.stringify(doc);
    this.seen = new Set();
    const out: string[] = [];
    try {
      this.map(doc, '', '', out);
    } catch (e) {
      if (e instanceof NotPlainData) return Yaml.stringify(doc);
      throw e;
    }
    out.push('');
    return out.join('\n');
  }

  /** A non-empty map: its first entry after `first`, the others on lines of their own at `indent`. */
  private map(obj: Record<string, unknown>, first: string, indent: string, out: string[]): void {
    this.enter(obj);
    let prefix = first;
    for (const k of Object.keys(obj)) {
      this.entry(prefix + this.key(k) + ':', obj[k], prefix.length, indent, out);
      prefix = indent;
    }
  }

  /** A non-empty list, indented: its first item after `first`, the others at `indent`. */
  private list(items: readonly unknown[], first: string, indent: string, out: string[]): void {
    this.enter(items);
    let prefix = first;
    for (const item of items) {
      const line = prefix + '-';
      const column = prefix.length;
      const inner = indent + '  ';
      if (Array.isArray(item) && item.length > 0) {
        this.list(item, line + ' ', inner, out);
      } else if (isPlainObject(item) && Object.keys(item).length > 0) {
        this.map(item, line + ' ', inner, out);
      } else {
        this.scalarAfter(line, this.scalar(item), column, out);
      }
      prefix = indent;
    }
  }

  /** `line` is `key:`; the value follows on it, or below it at `indent` plus a step. */
  private entry(line: string, value: unknown, column: number, indent: string, out: string[]): void {
    const inner = indent + '  ';
    if (Array.isArray(value) && value.length > 0) {
      out.push(line);
      this.list(value, inner, inner, out);
    } else if (isPlainObject(value) && Object.keys(value).length > 0) {
      out.push(line);
      this.map(value, inner, inner, out);
    } else {
      this.scalarAfter(line, this.scalar(value), column, out);
    }
  }

  private scalarAfter(line: string, r: Rendered, column: number, out: string[]): void {
    out.push(`${line} ${r.head}`);
    if (r.block.length === 0) return;
    const pad = ' '.repeat(column);
    for (const l of r.block) out.push(l === '' ? '' : pad + l);
  }

  private enter(o: object): void {
    // The library writes an object met twice in a document as an anchor and an alias.
    if (this.seen.has(o)) throw new NotPlainData();
    this.seen.add(o);
  }

  private key(k: string): string {
    if (k.length < MAX_PLAIN_KEY && isPlain(k)) return k;
    // A key that starts a line with a document marker is quoted at some depths only.
    if (DOCUMENT_MARKER.test(k)) throw new NotPlainData();
    let found = this.keys.get(k);
    if (found === undefined) {
      const text = Yaml.stringify({ [k]: null });
      if (!text.endsWith(': null\n') || text.startsWith('?') || text.indexOf('\n') !== text.length - 1) throw new NotPlainData();
      found = text.slice(0, -': null\n'.length);
      this.keys.set(k, found);
    }
    return found;
  }

  private scalar(v: unknown): Rendered {
    switch (typeof v) {
      case 'string':
        return isPlain(v) ? { head: v, block: [] } : this.rendered(v);
      case 'boolean':
        return { head: v ? 'true' : 'false', block: [] };
      case 'undefined':
        return { head: 'null', block: [] };
      case 'number':
        if (Number.isSafeInteger(v) && !Object.is(v, -0)) return { head: String(v), block: [] };
        return this.library(v);
      case 'object':
        if (v === null) return { head: 'null', block: [] };
        if (Array.isArray(v)) return { head: '[]', block: [] };
        if (isPlainObject(v)) return { head: '{}', block: [] };
        throw new NotPlainData();
      default:
        throw new NotPlainData();
    }
  }

  private rendered(s: string): Rendered {
    let found = this.values.get(s);
    if (!found) {
      found = this.library(s);
      this.values.set(s, found);
    }
    return found;
  }

  /** The library's rendering of a value of a map entry at column 0 (its block lines at 2). */
  private library(v: unknown): Rendered {
    const lines = Yaml.stringify({ k: v }).split('\n');
    lines.pop();
    if (!lines[0].startsWith('k: ')) throw new NotPlainData();
    return { head: lines[0].slice('k: '.length), block: lines.slice(1) };
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
