/**
 * The Terraform side of the policy packs: the resources and data sources of a synthesized
 * stack (cdk.tf.json), with the construct path and the suppressions cdktf keeps in each
 * resource's `//` block, and the small lookups the rules share (which resources refer to a
 * bucket, which policy document a policy attribute names).
 */
import * as fs from 'fs';
import * as path from 'path';
import { TerraformContext, TerraformResourceInfo } from './types';
import { parseSuppressions, TERRAFORM_SUPPRESSION_KEY } from '../../core/policy-suppressions';

/** One synthesized stack: its JSON, or the file or stack folder to read it from. */
export interface TerraformStackInput {
  /**
   * Stack name shown in the report.
   * @default - the folder name of `file`
   */
  readonly name?: string;
  /**
   * `cdk.tf.json`, or the stack folder holding it.
   * @default - `json` must be given
   */
  readonly file?: string;
  /**
   * The parsed stack.
   * @default - read from `file`
   */
  readonly json?: { [key: string]: any };
}

/** The resources and data sources of one stack. */
export function terraformResources(input: TerraformStackInput): TerraformResourceInfo[] {
  let json = input.json;
  let name = input.name;
  if (!json) {
    if (!input.file) throw new Error('a Terraform stack input needs `json` or `file`');
    const file = fs.existsSync(input.file) && fs.statSync(input.file).isDirectory() ? path.join(input.file, 'cdk.tf.json') : input.file;
    json = JSON.parse(fs.readFileSync(file, 'utf8')) as { [key: string]: any };
    name = name ?? path.basename(path.dirname(file));
  }
  const stack = name ?? json['//']?.metadata?.stackName ?? 'stack';
  const out: TerraformResourceInfo[] = [];
  const read = (section: { [type: string]: { [name: string]: any } } | undefined, dataSource: boolean) => {
    for (const [type, byName] of Object.entries(section ?? {})) {
      for (const [resourceName, raw] of Object.entries(byName ?? {})) {
        const { '//': comment, ...body } = (raw ?? {}) as { [key: string]: any };
        const parsed = comment?.[TERRAFORM_SUPPRESSION_KEY] !== undefined
          ? parseSuppressions(comment[TERRAFORM_SUPPRESSION_KEY])
          : { suppressions: [], invalid: [] };
        out.push({
          stack,
          type,
          name: resourceName,
          address: `${dataSource ? 'data.' : ''}${type}.${resourceName}`,
          ...(typeof comment?.metadata?.path === 'string' ? { constructPath: comment.metadata.path } : {}),
          body,
          suppressions: parsed.suppressions,
          invalidSuppressions: parsed.invalid,
          dataSource,
        });
      }
    }
  };
  read(json.resource, false);
  read(json.data, true);
  return out;
}

/** The context of one stack's rules. */
export function terraformContext(resources: TerraformResourceInfo[], extra: Omit<TerraformContext, 'resources' | 'byAddress'>): TerraformContext {
  return { ...extra, resources, byAddress: new Map(resources.map((r) => [r.address, r])) };
}

/** `${type.name.attr}` references in a value (strings, arrays, objects): the addresses they name. */
export function referencedAddresses(value: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(/\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)/g)) out.add(`${m[1] ?? ''}${m[2]}.${m[3]}`);
    } else if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (v && typeof v === 'object') {
      Object.values(v).forEach(walk);
    }
  };
  walk(value);
  return [...out];
}

/** Whether `value` (a string attribute) refers to the resource at `address`. */
export function refersTo(value: unknown, address: string): boolean {
  return referencedAddresses(value).includes(address);
}

/** Resources of a type whose attribute `attribute` refers to `target` (e.g. the encryption configuration of a bucket). */
export function attachedTo(context: TerraformContext, type: string, attribute: string, target: TerraformResourceInfo): TerraformResourceInfo[] {
  return context.resources.filter((r) => !r.dataSource && r.type === type && refersTo(r.body[attribute], target.address));
}

/** A block attribute as a list (cdktf writes single blocks as objects, repeated ones as arrays). */
export function blocks(value: unknown): Array<{ [key: string]: any }> {
  if (Array.isArray(value)) return value.filter((v) => v && typeof v === 'object');
  return value && typeof value === 'object' ? [value as { [key: string]: any }] : [];
}

/** A boolean attribute (cdktf sometimes writes `"true"`). */
export function bool(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

/** An IAM policy statement, normalized from a policy document data source or an inline JSON policy. */
export interface PolicyStatement {
  /** `Sid`, or `#<index>` when it has none. */
  readonly sid: string;
  readonly effect: string;
  readonly actions: string[];
  readonly notActions: string[];
  readonly resources: string[];
  readonly notResources: string[];
  /** Principals as `type:identifier`. */
  readonly principals: string[];
  /** Conditions as `test variable values`. */
  readonly conditions: PolicyCondition[];
}

/** A condition of a policy statement. */
export interface PolicyCondition {
  /** Operator (`Bool`, `StringEquals`, ...). */
  readonly test: string;
  /** Condition key (`aws:SecureTransport`). */
  readonly variable: string;
  readonly values: string[];
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]);

/**
 * The statements of a policy attribute: a `${data.aws_iam_policy_document.x.json}` reference
 * (read from the data source), or an inline JSON policy (`jsonencode` output). Undefined when
 * the policy cannot be read at synth time (another expression).
 */
export function policyStatements(value: unknown, context: TerraformContext): PolicyStatement[] | undefined {
  if (typeof value !== 'string') return undefined;
  const ref = /^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\}$/.exec(value.trim());
  if (ref) {
    const doc = context.byAddress.get(`data.aws_iam_policy_document.${ref[1]}`);
    if (!doc) return undefined;
    return blocks(doc.body.statement).map((s, i) => ({
      sid: typeof s.sid === 'string' && s.sid ? s.sid : `#${i}`,
      effect: typeof s.effect === 'string' ? s.effect : 'Allow',
      actions: asList(s.actions),
      notActions: asList(s.not_actions),
      resources: asList(s.resources),
      notResources: asList(s.not_resources),
      principals: blocks(s.principals).flatMap((p) => asList(p.identifiers).map((id) => `${p.type}:${id}`)),
      conditions: blocks(s.condition).map((c) => ({ test: String(c.test), variable: String(c.variable), values: asList(c.values) })),
    }));
  }
  let parsed: any;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  return asObjectList(parsed?.Statement).map((s, i) => ({
    sid: typeof s.Sid === 'string' && s.Sid ? s.Sid : `#${i}`,
    effect: typeof s.Effect === 'string' ? s.Effect : 'Allow',
    actions: asList(s.Action),
    notActions: asList(s.NotAction),
    resources: asList(s.Resource),
    notResources: asList(s.NotResource),
    principals: principalList(s.Principal),
    conditions: conditionList(s.Condition),
  }));
}

function asObjectList(v: unknown): Array<{ [key: string]: any }> {
  if (Array.isArray(v)) return v.filter((x) => x && typeof x === 'object');
  return v && typeof v === 'object' ? [v as { [key: string]: any }] : [];
}

function principalList(p: unknown): string[] {
  if (p === '*') return ['*:*'];
  if (!p || typeof p !== 'object') return [];
  return Object.entries(p as { [key: string]: unknown }).flatMap(([type, ids]) => asList(ids).map((id) => `${type}:${id}`));
}

function conditionList(c: unknown): PolicyCondition[] {
  if (!c || typeof c !== 'object') return [];
  return Object.entries(c as { [test: string]: unknown }).flatMap(([test, byKey]) => (byKey && typeof byKey === 'object'
    ? Object.entries(byKey as { [key: string]: unknown }).map(([variable, values]) => ({ test, variable, values: asList(values) }))
    : []));
}
