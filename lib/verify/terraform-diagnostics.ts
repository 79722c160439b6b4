/**
 * Turns Terraform's JSON diagnostics into messages a construct author can act on: the
 * construct path (from cdktf's `//` metadata), the resource address, the attribute and
 * its value, besides Terraform's summary and detail.
 */
import * as fs from 'fs';
import * as path from 'path';
import { formatValue } from '../core/errors';

/** One diagnostic of `terraform validate` or `terraform plan`, located in the stack. */
export interface TerraformDiagnostic {
  /** `error` or `warning`. */
  readonly severity: string;
  /** Terraform's one-line summary. */
  readonly summary: string;
  /** Terraform's detail, on one line. Empty when Terraform gave none. */
  readonly detail: string;
  /** Resource address (`aws_kms_key.key`, `data.aws_caller_identity.me`, `provider.aws.west`), when known. */
  readonly address?: string;
  /** Path of the cdktf construct that synthesized the block, when the stack carries cdktf metadata. */
  readonly constructPath?: string;
  /** The attribute inside the block, e.g. `key_usage` or `versioning_configuration[0].status`. */
  readonly attribute?: string;
  /** The attribute's value in the synthesized JSON. */
  readonly value?: unknown;
  /** File of the stack the diagnostic points into, relative to the stack directory. */
  readonly file?: string;
  /** 1-based line in {@link file}. */
  readonly line?: number;
  /** 1-based column in {@link file}. */
  readonly column?: number;
}

/** The parts of Terraform's machine-readable diagnostic that we use. */
export interface RawTerraformDiagnostic {
  readonly severity?: string;
  readonly summary?: string;
  readonly detail?: string;
  readonly address?: string;
  readonly range?: { readonly filename?: string; readonly start?: { readonly line?: number; readonly column?: number; readonly byte?: number } };
  readonly snippet?: { readonly context?: string | null };
}

/** Reads each file of the work dir once while diagnostics are located. */
export class StackFiles {
  private readonly cache = new Map<string, { buf: Buffer; json: unknown } | undefined>();

  constructor(private readonly dir: string) {}

  public get(file: string): { buf: Buffer; json: unknown } | undefined {
    if (!this.cache.has(file)) {
      let entry: { buf: Buffer; json: unknown } | undefined;
      try {
        const buf = fs.readFileSync(path.resolve(this.dir, file));
        entry = { buf, json: file.endsWith('.json') ? JSON.parse(buf.toString('utf8')) : undefined };
      } catch {
        entry = undefined;
      }
      this.cache.set(file, entry);
    }
    return this.cache.get(file);
  }
}

/** Locates a raw diagnostic in the stack's JSON and names construct, address and attribute. */
export function locateDiagnostic(raw: RawTerraformDiagnostic, files: StackFiles): TerraformDiagnostic {
  const base = {
    severity: raw.severity ?? 'error',
    summary: oneLine(raw.summary ?? ''),
    detail: oneLine(raw.detail ?? ''),
  };
  const file = raw.range?.filename;
  const start = raw.range?.start;
  let address = raw.address ?? contextAddress(raw.snippet?.context);
  let constructPath: string | undefined;
  let attribute: string | undefined;
  let value: unknown;
  const content = file ? files.get(file) : undefined;
  if (content && content.json !== undefined && start?.byte !== undefined) {
    const jsonPath = jsonPathAt(content.buf, start.byte);
    if (jsonPath) {
      const split = splitPath(jsonPath, content.json);
      address = split.address ?? address;
      constructPath = split.constructPath;
      attribute = split.attribute;
      if (attribute !== undefined) value = valueAt(content.json, jsonPath);
    }
  }
  return {
    ...base,
    ...(address ? { address } : {}),
    ...(constructPath ? { constructPath } : {}),
    ...(attribute !== undefined ? { attribute, value } : {}),
    ...(file ? { file, line: start?.line, column: start?.column } : {}),
  };
}

/**
 * One line per diagnostic, in the library's error shape where an attribute is known:
 * `<construct path> (<address>): invalid <attribute> = <value>: <summary>: <detail> [file:line:col]`.
 */
export function formatDiagnostic(d: TerraformDiagnostic): string {
  const prefix = d.severity === 'warning' ? 'warning: ' : '';
  const where = d.constructPath && d.address ? `${d.constructPath} (${d.address})` : d.address ?? d.constructPath;
  const what = [d.summary, d.detail].filter((s) => s).join(': ');
  const location = d.file ? ` [${d.file}${d.line ? `:${d.line}` : ''}${d.column ? `:${d.column}` : ''}]` : '';
  if (where && d.attribute !== undefined) return `${prefix}${where}: invalid ${d.attribute} = ${formatValue(d.value)}: ${what}${location}`;
  if (where) return `${prefix}${where}: ${what}${location}`;
  return `${prefix}${what}${location}`;
}

function oneLine(s: string): string {
  const flat = s.replace(/\s*\n\s*/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > 600 ? `${flat.slice(0, 597)}...` : flat;
}

/** `resource.aws_s3_bucket.b` (Terraform's snippet context) to `aws_s3_bucket.b`. */
function contextAddress(context: string | null | undefined): string | undefined {
  if (!context) return undefined;
  const m = /^resource\.([^.[]+)\.([^.[]+)/.exec(context);
  if (m) return `${m[1]}.${m[2]}`;
  const d = /^data\.([^.[]+)\.([^.[]+)/.exec(context);
  if (d) return `data.${d[1]}.${d[2]}`;
  return undefined;
}

type PathSegment = string | number;

/** Splits a JSON path of a Terraform JSON file into block address and attribute. */
function splitPath(p: PathSegment[], json: unknown): { address?: string; constructPath?: string; attribute?: string } {
  const rest = (from: number) => (p.length > from ? renderPath(p.slice(from)) : undefined);
  const metadataPath = (block: unknown): string | undefined => {
    const meta = (block as { '//'?: { metadata?: { path?: unknown } } } | undefined)?.['//']?.metadata?.path;
    return typeof meta === 'string' ? meta : undefined;
  };
  if ((p[0] === 'resource' || p[0] === 'data') && p.length >= 3) {
    const address = `${p[0] === 'data' ? 'data.' : ''}${p[1]}.${p[2]}`;
    const constructPath = metadataPath(valueAt(json, p.slice(0, 3)));
    return { address, constructPath, attribute: p[3] === '//' ? undefined : rest(3) };
  }
  if (p[0] === 'provider' && p.length >= 2) {
    // cdktf writes provider.<name> as an array of blocks; the alias tells them apart.
    const indexed = typeof p[2] === 'number';
    const block = valueAt(json, p.slice(0, indexed ? 3 : 2)) as { alias?: unknown } | undefined;
    const alias = block && typeof block.alias === 'string' ? `.${block.alias}` : '';
    return { address: `provider.${p[1]}${alias}`, constructPath: metadataPath(block), attribute: rest(indexed ? 3 : 2) };
  }
  if ((p[0] === 'output' || p[0] === 'variable' || p[0] === 'module') && p.length >= 2) {
    const block = valueAt(json, p.slice(0, 2));
    return { address: `${p[0]}.${p[1]}`, constructPath: metadataPath(block), attribute: rest(2) };
  }
  return { attribute: p.length > 0 ? renderPath(p) : undefined };
}

function renderPath(p: PathSegment[]): string {
  return p.map((s, i) => (typeof s === 'number' ? `[${s}]` : `${i === 0 ? '' : '.'}${s}`)).join('');
}

function valueAt(json: unknown, p: PathSegment[]): unknown {
  let cur: unknown = json;
  for (const seg of p) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as { [k: string]: unknown })[seg as string];
  }
  return cur;
}

/**
 * The path of the innermost JSON member or element whose key or value contains the byte
 * offset `target` (Terraform reports ranges in bytes). Undefined if the text is not JSON.
 */
export function jsonPathAt(buf: Buffer, target: number): PathSegment[] | undefined {
  let best: PathSegment[] = [];
  let i = 0;
  const ws = () => {
    while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++;
  };
  const consider = (p: PathSegment[], from: number, to: number) => {
    if (target >= from && target < to && p.length > best.length) best = p;
  };
  const str = (): string => {
    const s = i;
    i++; // opening quote
    while (i < buf.length && buf[i] !== 0x22) i += buf[i] === 0x5c ? 2 : 1;
    i++; // closing quote
    return JSON.parse(buf.subarray(s, i).toString('utf8'));
  };
  const value = (p: PathSegment[]): void => {
    ws();
    const c = buf[i];
    if (c === 0x7b) { // {
      i++;
      ws();
      if (buf[i] === 0x7d) { i++; return; }
      for (;;) {
        ws();
        const keyStart = i;
        const key = str();
        ws();
        if (buf[i] !== 0x3a) throw new Error('expected :');
        i++;
        value([...p, key]);
        consider([...p, key], keyStart, i);
        ws();
        if (buf[i] === 0x2c) { i++; continue; }
        if (buf[i] === 0x7d) { i++; return; }
        throw new Error('expected , or }');
      }
    } else if (c === 0x5b) { // [
      i++;
      ws();
      if (buf[i] === 0x5d) { i++; return; }
      for (let n = 0; ; n++) {
        ws();
        const elStart = i;
        value([...p, n]);
        consider([...p, n], elStart, i);
        ws();
        if (buf[i] === 0x2c) { i++; continue; }
        if (buf[i] === 0x5d) { i++; return; }
        throw new Error('expected , or ]');
      }
    } else if (c === 0x22) {
      str();
    } else {
      while (i < buf.length && !/[\s,\]}]/.test(String.fromCharCode(buf[i]))) i++;
    }
  };
  try {
    value([]);
  } catch {
    return undefined;
  }
  return best;
}
