/**
 * Walks one object against its compiled schema and collects findings: a path and a reason
 * for each problem, all of them (the walk never stops at the first).
 */
import { CelRuleStatus, compiledRule, evaluateCelRule, toCelValue } from './cel';
import { checkLabelValue, checkQualifiedName } from './names';
import { JsonType, SchemaNode, SpecialType } from './schema-node';

/** What kind of problem a finding is. */
export enum FindingCategory {
  /** The document is not a Kubernetes object, or the YAML does not parse. */
  DOCUMENT = 'document',
  /** No schema for the apiVersion and kind, or the version is not served. */
  KIND = 'kind',
  /** A field the schema does not define. */
  UNKNOWN_FIELD = 'unknown-field',
  /** A value of the wrong type. */
  TYPE = 'type',
  /** A required field is missing. */
  REQUIRED = 'required',
  /** A value outside the schema's enum. */
  ENUM = 'enum',
  /** A value outside the schema's other constraints (pattern, format, bounds, lengths, junctors, list types). */
  CONSTRAINT = 'constraint',
  /** An object name, label or annotation the API server rejects. */
  NAME = 'name',
  /** Two documents define the same object. */
  DUPLICATE = 'duplicate',
  /** A CEL rule (x-kubernetes-validations) is violated. */
  CEL = 'cel',
}

/** A finding inside one object: where (JSON path segments) and why. */
export interface PathFinding {
  readonly path: ReadonlyArray<string | number>;
  readonly reason: string;
  readonly category: FindingCategory;
}

/** Counters of CEL rule evaluations. */
export interface CelCounters {
  /** Rule evaluations that produced a verdict (passed + failed). */
  evaluated: number;
  passed: number;
  failed: number;
  /** Transition rules met (skipped: they do not apply at creation). */
  skippedTransition: number;
  /** Rules met that could not be evaluated. */
  notEvaluated: number;
  /** Why, per distinct rule: `location: rule` → reason and count. */
  readonly notEvaluatedRules: Map<string, { rule: string; location: string; reason: string; count: number }>;
}

/** A fresh set of counters. */
export function newCelCounters(): CelCounters {
  return { evaluated: 0, passed: 0, failed: 0, skippedTransition: 0, notEvaluated: 0, notEvaluatedRules: new Map() };
}

interface Ctx {
  readonly findings: PathFinding[];
  readonly path: Array<string | number>;
  /** Inside anyOf/oneOf/not: only collecting whether the value matches. */
  readonly branch: boolean;
  readonly cel: boolean;
  readonly counters: CelCounters;
  readonly objectMeta: () => SchemaNode;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MAX = 9223372036854775807;
// k8s.io/apimachinery/pkg/api/resource: <sign><number><suffix>.
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\d+)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DURATION = /^[+-]?((\d+(\.\d+)?|\.\d+)\s*(ns|us|µs|ms|s|m|h|d|w)\s*)+$/;
const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
const IPV4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Options of {@link validateValue}. */
export interface ValidateValueOptions {
  /** Evaluate CEL rules. */
  readonly cel: boolean;
  /** Where CEL evaluations are counted. */
  readonly counters: CelCounters;
  /** The core ObjectMeta schema, for embedded resources. */
  readonly objectMeta: () => SchemaNode;
}

/**
 * Validates `value` against `node` and returns every finding (paths relative to `value`).
 */
export function validateValue(node: SchemaNode, value: unknown, options: ValidateValueOptions): PathFinding[] {
  const ctx: Ctx = { findings: [], path: [], branch: false, cel: options.cel, counters: options.counters, objectMeta: options.objectMeta };
  check(node, value, ctx);
  return ctx.findings;
}

function add(ctx: Ctx, category: FindingCategory, reason: string, extra?: string | number): void {
  const path = extra === undefined ? [...ctx.path] : [...ctx.path, extra];
  ctx.findings.push({ path, reason, category });
}

function check(node: SchemaNode, value: unknown, ctx: Ctx): void {
  if (value === null || value === undefined) {
    // A null where the schema has a default is dropped and defaulted by the API server.
    if (node.nullable || node.hasDefault || (!node.types && !node.intOrString && !node.quantity)) return;
    add(ctx, FindingCategory.TYPE, `null is not allowed here (expected ${expected(node)}); omit the field instead`);
    return;
  }
  const t = jsonType(value);
  if (node.intOrString) {
    if (t !== 'integer' && t !== 'string') {
      add(ctx, FindingCategory.TYPE, `expected integer or string, got ${describe(value)}`);
      return;
    }
  } else if (node.quantity) {
    if (t === 'string') {
      if (!QUANTITY.test(value as string)) add(ctx, FindingCategory.CONSTRAINT, `value ${JSON.stringify(value)} is not a quantity (like "500m", "2Gi" or "1.5")`);
    } else if (t !== 'integer' && t !== 'number') {
      add(ctx, FindingCategory.TYPE, `expected a quantity (string or number), got ${describe(value)}`);
    }
    return;
  } else if (node.types && !node.types.includes(t as JsonType) && !(t === 'integer' && node.types.includes('number'))) {
    add(ctx, FindingCategory.TYPE, `expected ${expected(node)}, got ${describe(value)}`);
    return;
  }
  if (node.enumValues && !inEnum(node, value)) {
    add(ctx, FindingCategory.ENUM, `value ${preview(value)} not in enum ${formatEnum(node.enumValues)}`);
  }
  switch (t) {
    case 'string':
      checkString(node, value as string, ctx);
      break;
    case 'integer':
    case 'number':
      checkNumber(node, value as number, ctx);
      break;
    case 'object':
      checkObject(node, value as { [key: string]: unknown }, ctx);
      break;
    case 'array':
      checkArray(node, value as unknown[], ctx);
      break;
    default:
      break;
  }
  if (node.allOf) for (const sub of node.allOf) check(sub, value, ctx);
  if (node.anyOf && !node.anyOf.some((sub) => matches(sub, value, ctx).length === 0)) {
    add(ctx, FindingCategory.CONSTRAINT, `must match at least one of the anyOf schemas: ${alternatives(node.anyOf, value, ctx)}`);
  }
  if (node.oneOf) {
    const matching = node.oneOf.filter((sub) => matches(sub, value, ctx).length === 0).length;
    if (matching !== 1) {
      add(ctx, FindingCategory.CONSTRAINT, matching === 0
        ? `must match exactly one of the oneOf schemas, matches none: ${alternatives(node.oneOf, value, ctx)}`
        : `must match exactly one of the oneOf schemas, matches ${matching}`);
    }
  }
  if (node.not && matches(node.not, value, ctx).length === 0) add(ctx, FindingCategory.CONSTRAINT, 'must not match the "not" schema');
  if (node.special !== SpecialType.NONE && t === 'object') special(node.special, value as { [key: string]: unknown }, ctx);
  if (node.rules && ctx.cel && !ctx.branch) runRules(node, value, ctx);
}

function checkString(node: SchemaNode, value: string, ctx: Ctx): void {
  if (node.minLength !== undefined || node.maxLength !== undefined) {
    const length = [...value].length;
    if (node.minLength !== undefined && length < node.minLength) add(ctx, FindingCategory.CONSTRAINT, `string ${preview(value)} is shorter than minLength ${node.minLength}`);
    if (node.maxLength !== undefined && length > node.maxLength) add(ctx, FindingCategory.CONSTRAINT, `string of ${length} characters is longer than maxLength ${node.maxLength}`);
  }
  if (node.pattern && !node.pattern.test(value)) add(ctx, FindingCategory.CONSTRAINT, `value ${preview(value)} does not match pattern ${node.patternSource}`);
  if (node.format) {
    const problem = stringFormatProblem(node.format, value);
    if (problem) add(ctx, FindingCategory.CONSTRAINT, `value ${preview(value)} is not a valid ${node.format}${problem === true ? '' : ` (${problem})`}`);
  }
}

function stringFormatProblem(format: string, value: string): boolean | string {
  switch (format) {
    case 'date-time': return !DATE_TIME.test(value);
    case 'date': return !DATE.test(value);
    case 'byte': return !BASE64.test(value) && 'expected base64';
    case 'duration': return !DURATION.test(value) && 'expected a duration like "30s" or "1h30m"';
    case 'uuid': return !UUID.test(value);
    case 'ipv4': return !IPV4.test(value);
    case 'ipv6': return !isIpv6(value);
    case 'cidr': {
      const [ip, bits, rest] = value.split('/');
      if (rest !== undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return true;
      if (IPV4.test(ip)) return Number(bits) > 32;
      return !isIpv6(ip) || Number(bits) > 128;
    }
    default: return false;
  }
}

function isIpv6(value: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(value) || value.split('::').length > 2) return false;
  const groups = value.split(':');
  return groups.length >= 3 && groups.length <= 8;
}

function checkNumber(node: SchemaNode, value: number, ctx: Ctx): void {
  if (node.minimum !== undefined && (node.exclusiveMinimum ? value <= node.minimum : value < node.minimum)) {
    add(ctx, FindingCategory.CONSTRAINT, `value ${value} is ${node.exclusiveMinimum ? 'not greater than' : 'less than'} the minimum ${node.minimum}`);
  }
  if (node.maximum !== undefined && (node.exclusiveMaximum ? value >= node.maximum : value > node.maximum)) {
    add(ctx, FindingCategory.CONSTRAINT, `value ${value} is ${node.exclusiveMaximum ? 'not less than' : 'greater than'} the maximum ${node.maximum}`);
  }
  if (node.multipleOf !== undefined && node.multipleOf > 0 && Math.abs(value / node.multipleOf - Math.round(value / node.multipleOf)) > 1e-9) {
    add(ctx, FindingCategory.CONSTRAINT, `value ${value} is not a multiple of ${node.multipleOf}`);
  }
  if (node.format === 'int32' && Number.isInteger(value) && (value < INT32_MIN || value > INT32_MAX)) {
    add(ctx, FindingCategory.CONSTRAINT, `value ${value} is out of range for int32 (${INT32_MIN} to ${INT32_MAX})`);
  } else if (node.format === 'int64' && Math.abs(value) > INT64_MAX) {
    add(ctx, FindingCategory.CONSTRAINT, `value ${value} is out of range for int64`);
  }
}

function checkObject(node: SchemaNode, obj: { [key: string]: unknown }, ctx: Ctx): void {
  const keys = Object.keys(obj);
  if (node.minProperties !== undefined && keys.length < node.minProperties) add(ctx, FindingCategory.CONSTRAINT, `has ${keys.length} properties, fewer than minProperties ${node.minProperties}`);
  if (node.maxProperties !== undefined && keys.length > node.maxProperties) add(ctx, FindingCategory.CONSTRAINT, `has ${keys.length} properties, more than maxProperties ${node.maxProperties}`);
  if (node.required) {
    for (const r of node.required) {
      // The API server applies defaults before it validates.
      if (obj[r] === undefined && !node.properties?.get(r)?.hasDefault) add(ctx, FindingCategory.REQUIRED, `missing required field ${JSON.stringify(r)}`);
    }
  }
  for (const key of keys) {
    let child = node.properties?.get(key);
    // An embedded resource's metadata is an ObjectMeta, whatever its own schema omits.
    if (node.embedded && key === 'metadata' && !child?.properties) child = ctx.objectMeta();
    ctx.path.push(key);
    if (child) {
      check(child, obj[key], ctx);
    } else if (node.embedded && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) {
      if (key === 'metadata') check(ctx.objectMeta(), obj[key], ctx);
      else if (typeof obj[key] !== 'string') add(ctx, FindingCategory.TYPE, `expected string, got ${describe(obj[key])}`);
    } else if (node.additional !== undefined) {
      if (node.additional !== true) check(node.additional, obj[key], ctx);
    } else if (node.closed && !ctx.branch) {
      ctx.path.pop();
      add(ctx, FindingCategory.UNKNOWN_FIELD, `unknown field ${JSON.stringify(key)}${suggestion(key, node)}`, key);
      continue;
    }
    ctx.path.pop();
  }
  if (node.embedded) {
    for (const r of ['apiVersion', 'kind']) {
      if (typeof obj[r] !== 'string' || obj[r] === '') add(ctx, FindingCategory.REQUIRED, `missing required field ${JSON.stringify(r)} (an embedded resource names its apiVersion and kind)`);
    }
  }
}

function checkArray(node: SchemaNode, list: unknown[], ctx: Ctx): void {
  if (node.minItems !== undefined && list.length < node.minItems) add(ctx, FindingCategory.CONSTRAINT, `has ${list.length} items, fewer than minItems ${node.minItems}`);
  if (node.maxItems !== undefined && list.length > node.maxItems) add(ctx, FindingCategory.CONSTRAINT, `has ${list.length} items, more than maxItems ${node.maxItems}`);
  if (node.items) {
    for (let i = 0; i < list.length; i++) {
      ctx.path.push(i);
      check(node.items, list[i], ctx);
      ctx.path.pop();
    }
  }
  const unique = node.uniqueItems || node.listType === 'set';
  const mapKeys = node.listType === 'map' ? node.listMapKeys : undefined;
  if ((unique || mapKeys) && list.length > 1) {
    const seen = new Map<string, number>();
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      let key: string;
      let shown: string;
      if (mapKeys) {
        if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
        const values = mapKeys.map((k) => {
          const v = (item as { [k: string]: unknown })[k];
          return v === undefined ? node.items?.properties?.get(k)?.defaultValue : v;
        });
        key = JSON.stringify(values);
        shown = mapKeys.map((k, j) => `${k}=${values[j] === undefined ? '(unset)' : JSON.stringify(values[j])}`).join(', ');
      } else {
        key = canonical(item);
        shown = preview(item);
      }
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, i);
      } else {
        add(ctx, FindingCategory.CONSTRAINT, mapKeys
          ? `duplicate entry for key ${shown} (same as [${first}]; list-type map)`
          : `duplicate value ${shown} (same as [${first}]; ${node.listType === 'set' ? 'list-type set' : 'uniqueItems'})`, i);
      }
    }
  }
}

function special(kind: SpecialType, obj: { [key: string]: unknown }, ctx: Ctx): void {
  if (kind === SpecialType.OBJECT_META) {
    const labels = obj.labels;
    if (labels && typeof labels === 'object' && !Array.isArray(labels)) {
      for (const [key, value] of Object.entries(labels)) {
        const keyProblem = checkQualifiedName(key);
        if (keyProblem) add(ctx, FindingCategory.NAME, `label key ${JSON.stringify(key)} is invalid: ${keyProblem}`, 'labels');
        const valueProblem = typeof value === 'string' ? checkLabelValue(value) : undefined;
        if (valueProblem) {
          ctx.path.push('labels');
          add(ctx, FindingCategory.NAME, `label value ${JSON.stringify(value)} is invalid: ${valueProblem}`, key);
          ctx.path.pop();
        }
      }
    }
    const annotations = obj.annotations;
    if (annotations && typeof annotations === 'object' && !Array.isArray(annotations)) {
      let size = 0;
      for (const [key, value] of Object.entries(annotations)) {
        const keyProblem = checkQualifiedName(key);
        if (keyProblem) add(ctx, FindingCategory.NAME, `annotation key ${JSON.stringify(key)} is invalid: ${keyProblem}`, 'annotations');
        size += key.length + (typeof value === 'string' ? value.length : 0);
      }
      if (size > 256 * 1024) add(ctx, FindingCategory.NAME, `annotations total ${size} bytes, more than the 262144 the API server accepts`, 'annotations');
    }
    if (typeof obj.namespace === 'string') {
      const ns = obj.namespace;
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns) || ns.length > 63) {
        add(ctx, FindingCategory.NAME, `namespace ${JSON.stringify(ns)} is not a valid DNS-1123 label (lowercase letters, digits and "-", at most 63 characters)`, 'namespace');
      }
    }
  } else if (kind === SpecialType.LABEL_SELECTOR) {
    const matchLabels = obj.matchLabels;
    if (matchLabels && typeof matchLabels === 'object' && !Array.isArray(matchLabels)) {
      ctx.path.push('matchLabels');
      for (const [key, value] of Object.entries(matchLabels)) {
        const problem = checkQualifiedName(key) ?? (typeof value === 'string' ? checkLabelValue(value) : undefined);
        if (problem) add(ctx, FindingCategory.NAME, `selector label ${JSON.stringify(key)}: ${JSON.stringify(value)} is invalid: ${problem}`, key);
      }
      ctx.path.pop();
    }
    const expressions = obj.matchExpressions;
    if (Array.isArray(expressions)) {
      expressions.forEach((e, i) => {
        if (!e || typeof e !== 'object') return;
        const { key, operator, values } = e as { key?: unknown; operator?: unknown; values?: unknown };
        ctx.path.push('matchExpressions', i);
        if (typeof key === 'string') {
          const problem = checkQualifiedName(key);
          if (problem) add(ctx, FindingCategory.NAME, `selector key ${JSON.stringify(key)} is invalid: ${problem}`, 'key');
        }
        const count = Array.isArray(values) ? values.length : 0;
        if ((operator === 'In' || operator === 'NotIn') && count === 0) add(ctx, FindingCategory.CONSTRAINT, `operator ${operator} needs at least one value`, 'values');
        if ((operator === 'Exists' || operator === 'DoesNotExist') && count > 0) add(ctx, FindingCategory.CONSTRAINT, `operator ${operator} takes no values`, 'values');
        ctx.path.pop();
        ctx.path.pop();
      });
    }
  }
}

function runRules(node: SchemaNode, value: unknown, ctx: Ctx): void {
  let self: unknown;
  let converted = false;
  for (const holder of node.rules!) {
    const rule = compiledRule(holder);
    if (rule.status === CelRuleStatus.TRANSITION) {
      ctx.counters.skippedTransition++;
      continue;
    }
    if (rule.status === CelRuleStatus.NOT_EVALUATED) {
      noteNotEvaluated(ctx, holder.location, holder.raw.rule, rule.reason ?? 'not evaluated');
      continue;
    }
    if (!converted) {
      self = toCelValue(node, value);
      converted = true;
    }
    const outcome = evaluateCelRule(rule, holder.raw, self);
    const fieldPath = holder.raw.fieldPath ? holder.raw.fieldPath.replace(/^\./, '').split('.').filter((s) => s) : [];
    if (outcome.kind === 'pass') {
      ctx.counters.evaluated++;
      ctx.counters.passed++;
    } else if (outcome.kind === 'fail') {
      ctx.counters.evaluated++;
      ctx.counters.failed++;
      ctx.findings.push({ path: [...ctx.path, ...fieldPath], reason: `${outcome.message} (rule: ${holder.raw.rule.trim()})`, category: FindingCategory.CEL });
    } else if (outcome.missingField) {
      ctx.counters.evaluated++;
      ctx.counters.failed++;
      ctx.findings.push({
        path: [...ctx.path],
        reason: `rule ${JSON.stringify(holder.raw.rule.trim())} fails with "${outcome.message}" (the API server rejects the object with this error too)`,
        category: FindingCategory.CEL,
      });
    } else {
      noteNotEvaluated(ctx, holder.location, holder.raw.rule, `evaluation error: ${outcome.message}`);
    }
  }
}

function noteNotEvaluated(ctx: Ctx, location: string, rule: string, reason: string): void {
  ctx.counters.notEvaluated++;
  const key = `${location}\0${rule}`;
  const entry = ctx.counters.notEvaluatedRules.get(key);
  if (entry) entry.count++;
  else ctx.counters.notEvaluatedRules.set(key, { rule, location, reason, count: 1 });
}

function matches(node: SchemaNode, value: unknown, ctx: Ctx): PathFinding[] {
  const sub: Ctx = { ...ctx, findings: [], path: [], branch: true };
  check(node, value, sub);
  return sub.findings;
}

function alternatives(options: SchemaNode[], value: unknown, ctx: Ctx): string {
  return options.map((o, i) => {
    const f = matches(o, value, ctx)[0];
    return `(${i + 1}) ${f ? `${f.path.length ? `${formatPath(f.path)}: ` : ''}${f.reason}` : 'matches'}`;
  }).join('; ');
}

function inEnum(node: SchemaNode, value: unknown): boolean {
  if (value === null || typeof value !== 'object') return node.enumSet!.has(value);
  const c = canonical(value);
  return node.enumValues!.some((v) => v !== null && typeof v === 'object' && canonical(v) === c);
}

function formatEnum(values: unknown[]): string {
  const shown = values.filter((v) => v !== '').map((v) => JSON.stringify(v)).join(', ');
  return values.includes('') ? `[${shown}] (or "")` : `[${shown}]`;
}

/** The JSON type of a value, with integral numbers as "integer". */
export function jsonType(value: unknown): JsonType | 'null' {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string': return 'string';
    case 'boolean': return 'boolean';
    case 'number': return Number.isInteger(value) ? 'integer' : 'number';
    case 'bigint': return 'integer';
    default: return 'object';
  }
}

function expected(node: SchemaNode): string {
  if (node.intOrString) return 'integer or string';
  if (node.quantity) return 'a quantity';
  return node.types ? node.types.join(' or ') : 'a value';
}

function describe(value: unknown): string {
  const t = jsonType(value);
  if (t === 'object' || t === 'array' || t === 'null') return t;
  return `${t} ${preview(value)}`;
}

function preview(value: unknown): string {
  const s = typeof value === 'bigint' ? value.toString() : JSON.stringify(value) ?? String(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as { [k: string]: unknown })[k])}`).join(',')}}`;
}

function suggestion(key: string, node: SchemaNode): string {
  if (!node.properties || node.properties.size === 0) return ' (the object has no fields)';
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of node.properties.keys()) {
    const d = candidate.toLowerCase() === key.toLowerCase() ? 0 : distance(key, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(key.length / 3)));
  return best !== undefined && bestDistance <= limit ? ` (did you mean ${JSON.stringify(best)}?)` : '';
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** Renders path segments as `spec.containers[0].image` (keys that are not identifiers in `["..."]`). */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
