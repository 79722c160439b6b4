/**
 * Evaluation of the CRDs' `x-kubernetes-validations` rules with @bufbuild/cel, at the node
 * where each rule sits, on the object as the API server would see it at creation (schema
 * defaults applied, integers as CEL ints).
 *
 * What is not evaluated is counted and reported, never passed silently:
 * - transition rules (they mention `oldSelf`) do not apply when an object is created;
 * - rules calling a function that is neither standard CEL, nor the CEL strings extension,
 *   nor the Kubernetes regex library (`find`, `findAll`, implemented here) are "not
 *   evaluated": the other Kubernetes libraries (quantity, url, ip, cidr, semver, format,
 *   authorizer, lists) are not available offline;
 * - rules that fail to parse, and evaluation errors other than a missing field, are "not
 *   evaluated" too. A missing field ("no such key") is a finding, as the API server
 *   rejects the object with the same error.
 */
import { celEnv, celMethod, CelScalar, isCelError, listType, parse, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { CelRuleHolder, RawCelRule, SchemaNode } from './schema-node';

/** What happened to a rule. */
export enum CelRuleStatus {
  /** Compiled and evaluable. */
  EVALUABLE = 'evaluable',
  /** A transition rule (mentions oldSelf): does not apply at creation. */
  TRANSITION = 'transition',
  /** Cannot be evaluated offline (see reason). */
  NOT_EVALUATED = 'not-evaluated',
}

/** A compiled rule. */
export interface CompiledCelRule {
  readonly status: CelRuleStatus;
  /** Why the rule is not evaluated. */
  readonly reason?: string;
  readonly program?: (bindings: { self: unknown }) => unknown;
  readonly messageProgram?: (bindings: { self: unknown }) => unknown;
}

/** The outcome of one evaluation. */
export type CelOutcome =
  | { readonly kind: 'pass' }
  | { readonly kind: 'fail'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string; readonly missingField: boolean };

// Kubernetes regex library: find returns the first match or "", findAll every match.
const K8S_REGEX = [
  celMethod('find', CelScalar.STRING, [CelScalar.STRING], CelScalar.STRING, function (this: string, re: string) {
    const m = new RegExp(re).exec(this);
    return m ? m[0] : '';
  }),
  celMethod('findAll', CelScalar.STRING, [CelScalar.STRING], listType(CelScalar.STRING), function (this: string, re: string) {
    return [...this.matchAll(new RegExp(re, 'g'))].map((m) => m[0]);
  }),
  celMethod('findAll', CelScalar.STRING, [CelScalar.STRING, CelScalar.INT], listType(CelScalar.STRING), function (this: string, re: string, limit: bigint) {
    const all = [...this.matchAll(new RegExp(re, 'g'))].map((m) => m[0]);
    return limit < 0n ? all : all.slice(0, Number(limit));
  }),
];

const ENV = celEnv({ funcs: [...strings, ...K8S_REGEX] });

/** Calls the CEL parser turns operators and macros into; evaluated by the planner itself. */
const BUILT_IN_FORMS = new Set(['_&&_', '_||_', '_?_:_', '@not_strictly_false', '_[_]', '@in']);

/** Identifiers CEL predefines (type denotations). */
const TYPE_NAMES = ['int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type', 'dyn'];

interface ExprLike {
  exprKind?: { case?: string; value?: any };
}

/** Compiles a rule (parse, classify, plan). Never throws. */
export function compileCelRule(raw: RawCelRule): CompiledCelRule {
  let parsed: { expr: ExprLike };
  try {
    parsed = parse(raw.rule) as unknown as { expr: ExprLike };
  } catch (e) {
    return { status: CelRuleStatus.NOT_EVALUATED, reason: `does not parse: ${(e as Error).message}` };
  }
  const calls = new Set<string>();
  const free = new Set<string>();
  collect(parsed.expr, calls, free, new Set());
  if (free.has('oldSelf')) return { status: CelRuleStatus.TRANSITION };
  const unknownCalls = [...calls].filter((c) => !BUILT_IN_FORMS.has(c) && ENV.funcs.find(c) === undefined);
  if (unknownCalls.length > 0) {
    return { status: CelRuleStatus.NOT_EVALUATED, reason: `uses ${unknownCalls.join(', ')} (a Kubernetes CEL library not available offline)` };
  }
  free.delete('self');
  for (const t of TYPE_NAMES) free.delete(t);
  if (free.size > 0) return { status: CelRuleStatus.NOT_EVALUATED, reason: `refers to ${[...free].join(', ')}` };
  try {
    const program = plan(ENV, parsed as never) as (b: { self: unknown }) => unknown;
    let messageProgram: ((b: { self: unknown }) => unknown) | undefined;
    if (raw.messageExpression) {
      try {
        messageProgram = plan(ENV, parse(raw.messageExpression)) as (b: { self: unknown }) => unknown;
      } catch {
        // The static message (or the rule) is shown instead.
      }
    }
    return { status: CelRuleStatus.EVALUABLE, program, messageProgram };
  } catch (e) {
    return { status: CelRuleStatus.NOT_EVALUATED, reason: `does not compile: ${(e as Error).message}` };
  }
}

/** A CEL expression compiled for the given variables (e.g. an admission policy's `object`, `request`, `variables`). */
export interface CelProgram {
  /** The expression. */
  readonly expression: string;
  /**
   * Evaluates it. Values are CEL values (see {@link toCelValue}); a JS Map can compute its
   * entries on demand (`variables`, evaluated lazily as Kubernetes does). Returns the
   * result, or `{ error }` when evaluation fails.
   */
  readonly evaluate: (bindings: { [name: string]: unknown }) => unknown;
}

/** The error of a failed evaluation, or undefined for a value. */
export function celErrorOf(result: unknown): string | undefined {
  return isCelError(result) ? result.message : undefined;
}

/**
 * Compiles an expression that may refer to `variables` only (and the functions of this
 * engine: standard CEL, the strings extension, the Kubernetes regex library). Throws an
 * Error that says why when it does not parse, calls another function, or refers to another
 * name, so an expression the engine cannot judge is never passed.
 */
export function compileCelExpression(expression: string, variables: string[]): CelProgram {
  let parsed: { expr: ExprLike };
  try {
    parsed = parse(expression) as unknown as { expr: ExprLike };
  } catch (e) {
    throw new Error(`CEL expression does not parse: ${(e as Error).message}\n  ${expression}`);
  }
  const calls = new Set<string>();
  const free = new Set<string>();
  collect(parsed.expr, calls, free, new Set());
  const unknownCalls = [...calls].filter((c) => !BUILT_IN_FORMS.has(c) && ENV.funcs.find(c) === undefined);
  if (unknownCalls.length > 0) throw new Error(`CEL expression calls ${unknownCalls.join(', ')}, which this engine does not provide\n  ${expression}`);
  for (const t of TYPE_NAMES) free.delete(t);
  const unknownNames = [...free].filter((n) => !variables.includes(n));
  if (unknownNames.length > 0) throw new Error(`CEL expression refers to ${unknownNames.join(', ')}, not one of ${variables.join(', ')}\n  ${expression}`);
  const program = plan(ENV, parsed as never) as (b: { [name: string]: unknown }) => unknown;
  return { expression, evaluate: (bindings) => program(bindings) };
}

/** The compiled form of a rule attached to a schema node (compiled once). */
export function compiledRule(holder: CelRuleHolder): CompiledCelRule {
  if (!holder.compiled) holder.compiled = compileCelRule(holder.raw);
  return holder.compiled as CompiledCelRule;
}

/** Evaluates an evaluable rule against `self` (already converted with {@link toCelValue}). */
export function evaluateCelRule(rule: CompiledCelRule, raw: RawCelRule, self: unknown): CelOutcome {
  const result = rule.program!({ self });
  if (isCelError(result)) {
    const message = result.message;
    return { kind: 'error', message, missingField: /no such key|field not found|no such field/i.test(message) };
  }
  if (result === true) return { kind: 'pass' };
  if (result !== false) return { kind: 'error', message: `evaluates to ${String(result)}, not a bool`, missingField: false };
  let message = raw.message;
  if (rule.messageProgram) {
    const m = rule.messageProgram({ self });
    if (typeof m === 'string' && m !== '') message = m;
  }
  return { kind: 'fail', message: message ?? `failed rule: ${raw.rule}` };
}

/**
 * Converts a JSON value to its CEL form under `node`: objects to maps with the schema's
 * defaults filled in (the API server defaults before it validates), integers to int
 * (bigint) where the schema says integer or does not say, numbers to double elsewhere.
 */
export function toCelValue(node: SchemaNode | undefined, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'number':
      if (Number.isInteger(value) && integral(node)) return BigInt(value);
      return value;
    case 'string':
    case 'boolean':
    case 'bigint':
      return value;
    case 'object':
      break;
    default:
      return value;
  }
  if (Array.isArray(value)) return value.map((v) => toCelValue(node?.items, v));
  const out = new Map<string, unknown>();
  const obj = value as { [key: string]: unknown };
  for (const [key, v] of Object.entries(obj)) {
    const child = node?.properties?.get(key) ?? (typeof node?.additional === 'object' ? node.additional : undefined);
    out.set(key, toCelValue(child, v));
  }
  if (node?.properties) {
    for (const [key, child] of node.properties) {
      if (!out.has(key) && child.hasDefault) out.set(key, toCelValue(child, child.defaultValue));
    }
  }
  return out;
}

function integral(node: SchemaNode | undefined): boolean {
  if (!node || node.intOrString || !node.types) return true;
  return node.types.includes('integer');
}

function collect(expr: ExprLike | undefined, calls: Set<string>, free: Set<string>, bound: Set<string>): void {
  const kind = expr?.exprKind;
  if (!kind || !kind.case) return;
  const v = kind.value;
  switch (kind.case) {
    case 'identExpr':
      if (!bound.has(v.name)) free.add(v.name);
      break;
    case 'selectExpr':
      collect(v.operand, calls, free, bound);
      break;
    case 'callExpr':
      calls.add(v.function);
      collect(v.target, calls, free, bound);
      for (const a of v.args ?? []) collect(a, calls, free, bound);
      break;
    case 'listExpr':
      for (const e of v.elements ?? []) collect(e, calls, free, bound);
      break;
    case 'structExpr':
      for (const e of v.entries ?? []) {
        if (e.keyKind?.case === 'mapKey') collect(e.keyKind.value, calls, free, bound);
        collect(e.value, calls, free, bound);
      }
      break;
    case 'comprehensionExpr': {
      collect(v.iterRange, calls, free, bound);
      collect(v.accuInit, calls, free, bound);
      const inner = new Set([...bound, v.iterVar, v.iterVar2, v.accuVar].filter((x) => x));
      collect(v.loopCondition, calls, free, inner);
      collect(v.loopStep, calls, free, inner);
      collect(v.result, calls, free, inner);
      break;
    }
    default:
      break;
  }
}
