/**
 * Reads Go struct types from source (the fields, their types and JSON names) and checks a
 * decoded YAML value against them: the keys a Go decoder would silently drop are reported.
 *
 * Enough Go for configuration types: `type X struct { … }`, named types of basic kinds,
 * pointers, slices, maps, embedded structs (inline), `json:"name,omitempty"` and
 * `json:",inline"` tags. Types of other packages are opaque (any value), except Kubernetes
 * API types that are embedded inline, whose fields come from the Kubernetes OpenAPI
 * definitions when given.
 */

/** A Go type expression. */
export type GoType =
  | { readonly kind: 'basic'; readonly name: string }
  | { readonly kind: 'named'; readonly pkg?: string; readonly name: string }
  | { readonly kind: 'pointer'; readonly elem: GoType }
  | { readonly kind: 'slice'; readonly elem: GoType }
  | { readonly kind: 'map'; readonly elem: GoType }
  | { readonly kind: 'opaque' };

/** A field of a struct. */
export interface GoField {
  /** Go name. */
  readonly name: string;
  /** JSON name (`undefined` for inline/embedded fields). */
  readonly json?: string;
  readonly inline: boolean;
  readonly type: GoType;
}

/** The types of one Go file. */
export interface GoFile {
  /** Import alias → import path. */
  readonly imports: Map<string, string>;
  /** Struct types by name. */
  readonly structs: Map<string, GoField[]>;
  /** Non-struct named types by name (e.g. `type PullPolicy string`). */
  readonly aliases: Map<string, GoType>;
}

const BASIC = new Set(['string', 'bool', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64',
  'float32', 'float64', 'byte', 'rune', 'any', 'complex64', 'complex128', 'uintptr']);

/** Parses the imports and type declarations of a Go file. */
export function parseGoFile(text: string): GoFile {
  const src = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
  const imports = new Map<string, string>();
  const addImport = (alias: string | undefined, p: string) => imports.set(alias ?? p.split('/').pop()!, p);
  for (const m of src.matchAll(/\bimport\s*\(([\s\S]*?)\)/g)) {
    for (const l of m[1].matchAll(/^\s*([\w.]+)?\s*"([^"]+)"/gm)) addImport(l[1], l[2]);
  }
  for (const m of src.matchAll(/\bimport\s+([\w.]+)?\s*"([^"]+)"/g)) addImport(m[1], m[2]);
  const structs = new Map<string, GoField[]>();
  const aliases = new Map<string, GoType>();
  const typeDecl = /\btype\s+(\w+)\s+/g;
  let m: RegExpExecArray | null;
  while ((m = typeDecl.exec(src))) {
    const name = m[1];
    const after = src.slice(typeDecl.lastIndex);
    if (after.startsWith('struct')) {
      const open = src.indexOf('{', typeDecl.lastIndex);
      const close = matchBrace(src, open);
      structs.set(name, parseFields(src.slice(open + 1, close)));
      typeDecl.lastIndex = close + 1;
    } else {
      const line = after.split('\n')[0].trim();
      aliases.set(name, parseType(line.replace(/^=\s*/, '')));
    }
  }
  return { imports, structs, aliases };
}

function matchBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth === 0) return i;
  }
  return s.length;
}

function parseFields(body: string): GoField[] {
  const fields: GoField[] = [];
  // Join nested struct literals onto one line so each field is one line.
  const lines = body.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  for (const line of lines) {
    const tagMatch = /`([^`]*)`\s*$/.exec(line);
    const tag = tagMatch?.[1] ?? '';
    const decl = (tagMatch ? line.slice(0, tagMatch.index) : line).trim();
    const json = /json:"([^"]*)"/.exec(tag)?.[1];
    const jsonName = json?.split(',')[0];
    if (jsonName === '-') continue;
    const parts = decl.split(/\s+/);
    if (parts.length === 1 || (parts.length === 2 && parts[0] === '*')) {
      // Embedded: `pkg.Type`, `Type`, `*Type`.
      const type = parseType(decl);
      const name = decl.replace(/^\*/, '').split('.').pop()!;
      const inline = jsonName === undefined || jsonName === '';
      fields.push({ name, ...(inline ? {} : { json: jsonName }), inline, type });
      continue;
    }
    const names = decl.slice(0, decl.search(/\s/)).split(',').map((n) => n.trim()).filter((n) => n !== '');
    const typeText = decl.slice(decl.search(/\s/)).trim();
    // `A, B string`
    const multi = /^(\w+(?:\s*,\s*\w+)+)\s+(.+)$/.exec(decl);
    const fieldNames = multi ? multi[1].split(',').map((n) => n.trim()) : names;
    const type = parseType(multi ? multi[2] : typeText);
    for (const n of fieldNames) {
      if (!/^[A-Z]/.test(n)) continue; // unexported: not decoded
      fields.push({ name: n, json: jsonName !== undefined && jsonName !== '' ? jsonName : n, inline: false, type });
    }
  }
  return fields;
}

/** Parses a Go type expression. */
export function parseType(text: string): GoType {
  const t = text.trim();
  if (t.startsWith('*')) return { kind: 'pointer', elem: parseType(t.slice(1)) };
  if (t.startsWith('[]')) return { kind: 'slice', elem: parseType(t.slice(2)) };
  const map = /^map\[[^\]]+\](.+)$/.exec(t);
  if (map) return { kind: 'map', elem: parseType(map[1]) };
  if (t === 'interface{}' || t.startsWith('interface') || t.startsWith('struct') || t.startsWith('func') || t.startsWith('chan')) return { kind: 'opaque' };
  if (BASIC.has(t)) return { kind: 'basic', name: t };
  const q = /^(\w+)\.(\w+)$/.exec(t);
  if (q) return { kind: 'named', pkg: q[1], name: q[2] };
  if (/^\w+$/.test(t)) return { kind: 'named', name: t };
  return { kind: 'opaque' };
}

/** Field names of Kubernetes API types from the OpenAPI definitions (`io.k8s.api.core.v1.Container` → properties). */
export type KubernetesFields = (definition: string) => string[] | undefined;

/** An unknown key met while checking a value. */
export interface UnknownField {
  /** JSON path of the key. */
  readonly path: string;
  readonly key: string;
  /** The Go type it was looked up in. */
  readonly type: string;
  /** The keys that type accepts. */
  readonly known: string[];
}

/**
 * The keys of `value` that the Go type `root` of `file` does not declare (a decoder would drop them).
 * Keys are matched case-insensitively, as encoding/json matches them.
 */
export function unknownFields(value: unknown, file: GoFile, root: string, k8s?: KubernetesFields): UnknownField[] {
  const out: UnknownField[] = [];
  const walk = (v: unknown, type: GoType, at: string) => {
    switch (type.kind) {
      case 'basic':
      case 'opaque':
        return;
      case 'pointer':
        walk(v, type.elem, at);
        return;
      case 'slice':
        if (Array.isArray(v)) v.forEach((x, i) => walk(x, type.elem, `${at}[${i}]`));
        return;
      case 'map':
        if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(x, type.elem, `${at}.${k}`);
        return;
      case 'named': {
        if (type.pkg === undefined) {
          const alias = file.aliases.get(type.name);
          if (alias) {
            walk(v, alias, at);
            return;
          }
          if (!file.structs.has(type.name)) return;
          if (!v || typeof v !== 'object' || Array.isArray(v)) return;
          const { fields, open } = expand(file, type.name, k8s);
          const byName = new Map<string, GoType | undefined>();
          for (const f of fields) byName.set(f.json.toLowerCase(), f.type);
          for (const [k, x] of Object.entries(v as { [k: string]: unknown })) {
            const p = at === '' ? k : `${at}.${k}`;
            if (!byName.has(k.toLowerCase())) {
              if (open) continue;
              out.push({ path: p, key: k, type: type.name, known: fields.map((f) => f.json) });
              continue;
            }
            const ft = byName.get(k.toLowerCase());
            if (ft) walk(x, ft, p);
          }
        }
        return;
      }
    }
  };
  walk(value, { kind: 'named', name: root }, '');
  return out;
}

interface Expanded {
  readonly fields: Array<{ json: string; type?: GoType }>;
  readonly open: boolean;
}

/**
 * The JSON fields of a struct with inline/embedded fields flattened (type undefined for fields
 * of Kubernetes types); `open` when an inline type's fields are unknown (then any key is accepted).
 */
function expand(file: GoFile, name: string, k8s?: KubernetesFields, seen = new Set<string>()): Expanded {
  if (seen.has(name)) return { fields: [], open: false };
  seen.add(name);
  const out: Array<{ json: string; type?: GoType }> = [];
  let open = false;
  for (const f of file.structs.get(name) ?? []) {
    if (!f.inline) {
      out.push({ json: f.json!, type: f.type });
      continue;
    }
    const t = f.type.kind === 'pointer' ? f.type.elem : f.type;
    if (t.kind !== 'named') {
      open = true;
      continue;
    }
    if (t.pkg === undefined) {
      const inner = expand(file, t.name, k8s, seen);
      out.push(...inner.fields);
      open = open || inner.open || !file.structs.has(t.name);
      continue;
    }
    if (t.name === 'TypeMeta') {
      out.push({ json: 'apiVersion' }, { json: 'kind' });
      continue;
    }
    const importPath = file.imports.get(t.pkg) ?? '';
    const def = kubernetesDefinitionName(importPath, t.name);
    const names = def && k8s ? k8s(def) : undefined;
    if (names) for (const n of names) out.push({ json: n });
    else open = true;
  }
  return { fields: out, open };
}

/** `k8s.io/api/core/v1` + `Container` → `io.k8s.api.core.v1.Container`. */
export function kubernetesDefinitionName(importPath: string, type: string): string | undefined {
  const m = /^k8s\.io\/(api|apimachinery)\/(.+)$/.exec(importPath);
  if (!m) return undefined;
  return `io.k8s.${m[1]}.${m[2].replace(/\//g, '.')}.${type}`;
}
