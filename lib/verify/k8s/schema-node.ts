/**
 * A schema compiled once per kind into a tree the validator walks without looking anything
 * up: `$ref`s resolved (shared and cycle-safe), patterns compiled, enums in sets, and the
 * Kubernetes extensions turned into flags.
 *
 * Two dialects feed it. The core definitions (Go structs: unknown fields are errors where
 * a struct has properties, null is a zero value, `IntOrString` and `Quantity` are special
 * types) and CRD structural schemas (unknown fields are errors unless
 * `x-kubernetes-preserve-unknown-fields`, null only where `nullable`, defaults applied
 * before validation).
 */
import { coreEnumFor } from './core-enums';

/** The JSON types of schemas. */
export type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

/** A raw OpenAPI schema object. */
export type RawSchema = { [key: string]: unknown };

/** A CEL validation rule as it appears in `x-kubernetes-validations`. */
export interface RawCelRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly reason?: string;
  readonly fieldPath?: string;
  readonly optionalOldSelf?: boolean;
}

/** Special validation attached to well-known core types. */
export enum SpecialType {
  NONE = 0,
  /** io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta: label and annotation syntax. */
  OBJECT_META = 1,
  /** io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector: selector syntax. */
  LABEL_SELECTOR = 2,
}

/** A compiled schema node. */
export interface SchemaNode {
  /** Allowed types; undefined accepts any value. */
  types?: JsonType[];
  /** null is accepted (and nothing else is checked). */
  nullable: boolean;
  /** x-kubernetes-int-or-string / core IntOrString: integer or string. */
  intOrString: boolean;
  /** Core resource.Quantity: a quantity string or a number. */
  quantity: boolean;
  properties?: Map<string, SchemaNode>;
  required?: string[];
  /** additionalProperties: a schema, or true for anything. */
  additional?: SchemaNode | true;
  /** Unknown properties are errors (a struct, not a map and not preserving unknown fields). */
  closed: boolean;
  /** x-kubernetes-embedded-resource: apiVersion, kind and metadata are implied. */
  embedded: boolean;
  /** The default value (CRDs), applied before required checks and CEL. */
  defaultValue?: unknown;
  hasDefault: boolean;
  enumValues?: unknown[];
  enumSet?: Set<unknown>;
  pattern?: RegExp;
  patternSource?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum: boolean;
  exclusiveMaximum: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems: boolean;
  minProperties?: number;
  maxProperties?: number;
  items?: SchemaNode;
  allOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  not?: SchemaNode;
  listType?: string;
  listMapKeys?: string[];
  rules?: CelRuleHolder[];
  special: SpecialType;
}

/** A CEL rule attached to a node; compiled on first use (see cel.ts). */
export interface CelRuleHolder {
  readonly raw: RawCelRule;
  /** Where the rule sits, for reports: `<source>` + schema path. */
  readonly location: string;
  /** Set by the CEL module on first use. */
  compiled?: unknown;
}

/** Patterns that JavaScript cannot compile (Go RE2 syntax it lacks), reported as not checked. */
export interface UncheckedPattern {
  readonly pattern: string;
  readonly error: string;
}

/** Shared state of one compilation (one core definitions file, or one CRD version). */
export interface CompileContext {
  readonly dialect: 'core' | 'crd';
  /** Resolves a `#/definitions/<name>` reference (core). */
  readonly ref?: (name: string) => SchemaNode;
  /** Where the schema comes from, for rule locations. */
  readonly source: string;
  /** Patterns JavaScript could not compile. */
  readonly uncheckedPatterns: UncheckedPattern[];
}

const QUANTITY_DEF = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING_DEF = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const OBJECT_META_DEF = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LABEL_SELECTOR_DEF = 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector';

/** A node with nothing set. */
export function emptyNode(): SchemaNode {
  return {
    nullable: false,
    intOrString: false,
    quantity: false,
    closed: false,
    embedded: false,
    hasDefault: false,
    exclusiveMinimum: false,
    exclusiveMaximum: false,
    uniqueItems: false,
    special: SpecialType.NONE,
  };
}

/**
 * Compiles every definition of a core definitions file lazily: a definition is compiled on
 * first reference, once, and shared (recursive types such as JSONSchemaProps are fine).
 */
export class CoreDefinitions {
  private readonly compiled = new Map<string, SchemaNode>();
  private readonly ctx: CompileContext;

  constructor(private readonly definitions: { [name: string]: RawSchema }, source: string) {
    this.ctx = { dialect: 'core', ref: (name) => this.get(name), source, uncheckedPatterns: [] };
  }

  /** Patterns JavaScript could not compile so far. */
  public get uncheckedPatterns(): UncheckedPattern[] {
    return this.ctx.uncheckedPatterns;
  }

  /** True when the file defines `name`. */
  public has(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.definitions, name);
  }

  /** The compiled definition `name`. */
  public get(name: string): SchemaNode {
    const done = this.compiled.get(name);
    if (done) return done;
    const raw = this.definitions[name];
    if (raw === undefined) throw new Error(`core definitions: unresolved $ref ${name}`);
    const node = emptyNode();
    // Registered before compiling children so that cycles resolve to this node.
    this.compiled.set(name, node);
    if (name === QUANTITY_DEF) {
      node.quantity = true;
      return node;
    }
    if (name === INT_OR_STRING_DEF) {
      node.intOrString = true;
      node.format = 'int32';
      return node;
    }
    fill(node, raw, this.ctx, false, name);
    if (name === OBJECT_META_DEF) node.special = SpecialType.OBJECT_META;
    if (name === LABEL_SELECTOR_DEF) node.special = SpecialType.LABEL_SELECTOR;
    return node;
  }
}

/** Compiles a CRD structural schema (one version's `openAPIV3Schema`). */
export function compileCrdSchema(raw: RawSchema, source: string, uncheckedPatterns: UncheckedPattern[]): SchemaNode {
  const ctx: CompileContext = { dialect: 'crd', source, uncheckedPatterns };
  return compile(raw, ctx, false, '');
}

function compile(raw: RawSchema, ctx: CompileContext, junctor: boolean, path: string): SchemaNode {
  if (typeof raw.$ref === 'string' && ctx.ref) return ctx.ref(refName(raw.$ref));
  const node = emptyNode();
  fill(node, raw, ctx, junctor, undefined, path);
  return node;
}

function refName(ref: string): string {
  return ref.replace(/^#\/(definitions|components\/schemas)\//, '');
}

function fill(node: SchemaNode, raw: RawSchema, ctx: CompileContext, junctor: boolean, defName?: string, path = ''): void {
  const core = ctx.dialect === 'core';
  const type = raw.type;
  if (typeof type === 'string') node.types = [type as JsonType];
  else if (Array.isArray(type)) node.types = type.filter((t) => t !== 'null') as JsonType[];
  // Go decodes null into the zero value; CRDs accept null only where nullable.
  node.nullable = core || raw.nullable === true || (Array.isArray(type) && type.includes('null'));
  if (raw['x-kubernetes-int-or-string'] === true || raw.format === 'int-or-string') {
    node.intOrString = true;
    node.types = undefined;
  }
  const preserve = raw['x-kubernetes-preserve-unknown-fields'] === true;
  node.embedded = raw['x-kubernetes-embedded-resource'] === true;
  if ('default' in raw) {
    node.hasDefault = true;
    node.defaultValue = raw.default;
  }
  if (Array.isArray(raw.enum)) setEnum(node, raw.enum);
  if (typeof raw.pattern === 'string') setPattern(node, raw.pattern, ctx);
  if (typeof raw.format === 'string' && !node.intOrString) node.format = raw.format;
  if (typeof raw.minimum === 'number') node.minimum = raw.minimum;
  if (typeof raw.maximum === 'number') node.maximum = raw.maximum;
  // OpenAPI 3.0 booleans; JSON Schema draft 6+ numbers.
  if (raw.exclusiveMinimum === true) {node.exclusiveMinimum = true;} else if (typeof raw.exclusiveMinimum === 'number') {
    node.minimum = raw.exclusiveMinimum;
    node.exclusiveMinimum = true;
  }
  if (raw.exclusiveMaximum === true) {node.exclusiveMaximum = true;} else if (typeof raw.exclusiveMaximum === 'number') {
    node.maximum = raw.exclusiveMaximum;
    node.exclusiveMaximum = true;
  }
  if (typeof raw.multipleOf === 'number') node.multipleOf = raw.multipleOf;
  if (typeof raw.minLength === 'number') node.minLength = raw.minLength;
  if (typeof raw.maxLength === 'number') node.maxLength = raw.maxLength;
  if (typeof raw.minItems === 'number') node.minItems = raw.minItems;
  if (typeof raw.maxItems === 'number') node.maxItems = raw.maxItems;
  if (raw.uniqueItems === true) node.uniqueItems = true;
  if (typeof raw.minProperties === 'number') node.minProperties = raw.minProperties;
  if (typeof raw.maxProperties === 'number') node.maxProperties = raw.maxProperties;
  if (Array.isArray(raw.required)) node.required = raw.required.filter((r): r is string => typeof r === 'string');
  if (typeof raw['x-kubernetes-list-type'] === 'string') node.listType = raw['x-kubernetes-list-type'];
  if (Array.isArray(raw['x-kubernetes-list-map-keys'])) node.listMapKeys = raw['x-kubernetes-list-map-keys'] as string[];

  if (isRaw(raw.properties)) {
    node.properties = new Map();
    for (const [name, sub] of Object.entries(raw.properties)) {
      if (!isRaw(sub)) continue;
      let child = compile(sub, ctx, junctor, `${path}.${name}`);
      const curated = defName ? coreEnumFor(defName, name) : undefined;
      if (curated) child = withEnum(child, curated);
      node.properties.set(name, child);
    }
  }
  if (raw.additionalProperties === true) node.additional = true;
  else if (isRaw(raw.additionalProperties)) node.additional = compile(raw.additionalProperties, ctx, junctor, `${path}{}`);
  if (isRaw(raw.items)) node.items = compile(raw.items, ctx, junctor, `${path}[]`);
  else if (Array.isArray(raw.items) && isRaw(raw.items[0])) node.items = compile(raw.items[0], ctx, junctor, `${path}[]`);
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = raw[key];
    if (Array.isArray(list)) node[key] = list.filter(isRaw).map((s) => compile(s, ctx, true, path));
  }
  if (isRaw(raw.not)) node.not = compile(raw.not, ctx, true, path);
  if (Array.isArray(raw['x-kubernetes-validations']) && !junctor) {
    node.rules = (raw['x-kubernetes-validations'] as RawCelRule[])
      .filter((r) => r && typeof r.rule === 'string')
      .map((r) => ({ raw: r, location: `${ctx.source} ${path || '.'}` }));
  }

  const isObjectType = node.types?.includes('object') ?? false;
  if (preserve || junctor) {
    node.closed = false;
    if (preserve && !node.additional) node.additional = true;
  } else if (core) {
    // A Go struct has properties; a type: object without them is free-form (RawExtension, FieldsV1).
    node.closed = node.properties !== undefined && node.additional === undefined;
  } else {
    // Structural schemas: an object keeps only what its schema names.
    node.closed = (isObjectType || node.properties !== undefined) && node.additional === undefined;
  }
}

function withEnum(node: SchemaNode, values: readonly string[]): SchemaNode {
  const copy: SchemaNode = { ...node };
  if (copy.items && copy.types?.includes('array')) {
    copy.items = { ...copy.items };
    setEnum(copy.items, [...values, '']);
  } else {
    setEnum(copy, [...values, '']);
  }
  return copy;
}

function setEnum(node: SchemaNode, values: unknown[]): void {
  node.enumValues = values;
  node.enumSet = new Set(values.filter((v) => v === null || typeof v !== 'object'));
}

function setPattern(node: SchemaNode, pattern: string, ctx: CompileContext): void {
  node.patternSource = pattern;
  let source = pattern;
  let flags = '';
  // Go's inline case-insensitive flag at the start (possibly after "^"); JavaScript wants it as a flag.
  const inline = /^(\^?)\(\?i\)/.exec(source);
  if (inline) {
    source = inline[1] + source.slice(inline[0].length);
    flags = 'i';
  }
  try {
    node.pattern = new RegExp(source.replace(/\\z/g, '$'), flags);
  } catch (e) {
    ctx.uncheckedPatterns.push({ pattern, error: (e as Error).message });
  }
}

function isRaw(value: unknown): value is RawSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
