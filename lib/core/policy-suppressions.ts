/**
 * Suppressions of policy rules, shared by the layers that write them (lib/k8s, lib/aws: the
 * `Suppressions.add(construct, ruleId, reason)` of each) and the policy packs that read them
 * from the synthesized output (lib/verify/policy).
 *
 * - Kubernetes: the annotation {@link SUPPRESSION_ANNOTATION} on each object of the construct,
 *   whose value is the compact JSON of a {@link PolicySuppression} list.
 * - Terraform: the same list under `"//": { "cnai_suppress": [...] }` in the resource's body in
 *   cdk.tf.json. Terraform ignores `//` properties in JSON configuration, and cdktf keeps that
 *   block on every resource (it writes the construct path there), so a suppression survives
 *   into the output for every resource type, tagged or not.
 *
 * Plain data and checks: it imports nothing but the error builder.
 */
import { invalidProp } from './errors';

/** Annotation of a Kubernetes object holding the JSON list of its {@link PolicySuppression}s. */
export const SUPPRESSION_ANNOTATION = 'cnai.io/suppress';

/** Key of the `//` block of a Terraform resource holding its {@link PolicySuppression} list. */
export const TERRAFORM_SUPPRESSION_KEY = 'cnai_suppress';

/**
 * Annotation of a Namespace that records why it enforces a Pod Security level weaker than
 * `restricted` (written by lib/k8s SecureNamespace); the packs read it as the suppression of
 * the `pod-namespace-restricted` rule on that Namespace.
 */
export const POD_SECURITY_REASON_ANNOTATION = 'cnai.io/pod-security-reason';

/** The shortest reason a suppression may give. */
export const MIN_SUPPRESSION_REASON_LENGTH = 10;

/** One suppressed rule, as written into the output. */
export interface PolicySuppression {
  /** The rule id (e.g. `pod-host-path`). */
  readonly id: string;
  /** Why the rule does not apply here: reported next to every finding it suppresses. */
  readonly reason: string;
  /**
   * The one finding it suppresses, by the finding's subject within the resource (e.g.
   * `container config-manager`, `volume device-plugin`, `statement XRayWrite`).
   * @default - every finding of the rule on the resource
   */
  readonly appliesTo?: string;
}

/**
 * Checks a suppression before it is written, naming the construct path on error: the rule id
 * must be a rule id (lowercase words joined by `-`) and the reason at least
 * {@link MIN_SUPPRESSION_REASON_LENGTH} characters.
 */
export function checkSuppression(constructPath: string, suppression: PolicySuppression): void {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(suppression.id)) {
    throw invalidProp(constructPath, 'ruleId', suppression.id, 'is not a policy rule id',
      'pass the id of the rule the finding names (lowercase words joined by "-", e.g. "pod-host-path")');
  }
  const reason = suppression.reason.trim();
  if (reason.length < MIN_SUPPRESSION_REASON_LENGTH) {
    throw invalidProp(constructPath, 'reason', suppression.reason, `is shorter than ${MIN_SUPPRESSION_REASON_LENGTH} characters`,
      'say why the rule does not apply to this construct (the reason is printed next to every finding it suppresses)');
  }
  if (suppression.appliesTo !== undefined && suppression.appliesTo.trim() === '') {
    throw invalidProp(constructPath, 'appliesTo', suppression.appliesTo, 'is empty',
      'name the finding\'s subject as the report shows it (e.g. "container config-manager"), or leave appliesTo out');
  }
}

/** `list` with `added` in it: an entry for the same rule and subject is replaced. */
export function mergeSuppressions(list: PolicySuppression[], added: PolicySuppression): PolicySuppression[] {
  const same = (s: PolicySuppression) => s.id === added.id && (s.appliesTo ?? '') === (added.appliesTo ?? '');
  return [...list.filter((s) => !same(s)), {
    id: added.id,
    reason: added.reason.trim(),
    ...(added.appliesTo !== undefined ? { appliesTo: added.appliesTo.trim() } : {}),
  }];
}

/** A suppression list read from the output. */
export interface ParsedSuppressions {
  /** The well-formed entries. */
  readonly suppressions: PolicySuppression[];
  /** What was wrong with each other entry. */
  readonly invalid: string[];
}

/**
 * Reads a suppression list written by the layers (the annotation's JSON, or the parsed
 * `cnai_suppress` value). Entries that are not suppressions are returned as `invalid` with the
 * problem, so a hand-edited output cannot suppress silently.
 */
export function parseSuppressions(value: unknown): ParsedSuppressions {
  let list: unknown = value;
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value);
    } catch {
      return { suppressions: [], invalid: [`not JSON: ${value.slice(0, 80)}`] };
    }
  }
  if (!Array.isArray(list)) return { suppressions: [], invalid: ['not a list of {id, reason}'] };
  const suppressions: PolicySuppression[] = [];
  const invalid: string[] = [];
  for (const entry of list) {
    const e = entry as { [key: string]: unknown } | null;
    const id = typeof e?.id === 'string' ? e.id : undefined;
    const reason = typeof e?.reason === 'string' ? e.reason.trim() : undefined;
    const appliesTo = typeof e?.appliesTo === 'string' ? e.appliesTo : undefined;
    if (!id) {
      invalid.push(`entry without a rule id: ${JSON.stringify(entry)}`);
    } else if (!reason || reason.length < MIN_SUPPRESSION_REASON_LENGTH) {
      invalid.push(`${id}: reason shorter than ${MIN_SUPPRESSION_REASON_LENGTH} characters`);
    } else {
      suppressions.push({ id, reason, ...(appliesTo ? { appliesTo } : {}) });
    }
  }
  return { suppressions, invalid };
}
