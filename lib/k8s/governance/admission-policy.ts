import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { invalidProp } from '../../core/errors';
import { NAME_RULES, assertName } from '../../core/names';
import { NAMESPACE_SYNC_WAVE, SYNC_WAVE_ANNOTATION } from '../pod-security';

/**
 * What a binding does with a request that fails a validation.
 *
 * Switching every binding from WARN to ENFORCE is the one step from observing to enforcing:
 * run in WARN first, read the warnings (`kubectl` prints them) and the audit log, fix or
 * exempt what they name, then enforce.
 */
export enum AdmissionPolicyMode {
  /**
   * `validationActions: [Warn, Audit]`: the request is admitted; the client gets a warning and
   * the audit event records the violation.
   */
  WARN = 'warn',
  /** `validationActions: [Deny, Audit]`: the request is rejected and the audit event records why. */
  ENFORCE = 'enforce',
}

/** The `validationActions` of a mode (Kubernetes refuses Deny together with Warn). */
function validationActionsOf(mode: AdmissionPolicyMode): string[] {
  return mode === AdmissionPolicyMode.ENFORCE ? ['Deny', 'Audit'] : ['Warn', 'Audit'];
}

/** An operation an admission rule matches. */
export enum AdmissionOperation {
  /** Creation. */
  CREATE = 'CREATE',
  /** Update (including the subresources named in the rule). */
  UPDATE = 'UPDATE',
}

/** The requests a policy looks at: resources of API groups, by operation. */
export interface AdmissionResourceRule {
  /** API groups (`''` for the core group). */
  readonly apiGroups: string[];
  /** API versions. */
  readonly apiVersions: string[];
  /** Resources (plural, e.g. `pods`; `pods/ephemeralcontainers` for a subresource). */
  readonly resources: string[];
  /** Operations. */
  readonly operations: AdmissionOperation[];
}

/** A named CEL expression: a match condition or a variable. */
export interface AdmissionExpression {
  /** Name (a CEL identifier for variables, a qualified name for match conditions). */
  readonly name: string;
  /** The CEL expression. */
  readonly expression: string;
}

/** A CEL validation of a policy: the request passes when it evaluates to true. */
export interface AdmissionValidation {
  /** The CEL expression. */
  readonly expression: string;
  /** What the user is told when it is false: what is wrong and how to fix it. */
  readonly message: string;
  /**
   * A CEL expression (of type string) that names the offending values; the static message is
   * shown when it fails.
   * @default - the static message
   */
  readonly messageExpression?: string;
}

/** Where a policy applies: one ValidatingAdmissionPolicyBinding. */
export interface AdmissionPolicyBinding {
  /** Name of the binding (a DNS-1123 subdomain). */
  readonly name: string;
  /**
   * The namespaces whose requests it validates, by their labels (`kubernetes.io/metadata.name`
   * holds every namespace's name).
   * @default - every namespace
   */
  readonly namespaceSelector?: k8s.LabelSelector;
}

/** Props of {@link AdmissionPolicy}. */
export interface AdmissionPolicyProps {
  /** Name of the ValidatingAdmissionPolicy (a DNS-1123 subdomain). */
  readonly name: string;
  /** What the policy enforces and why (the `cnai.io/description` annotation). */
  readonly description: string;
  /** The requests the policy looks at. */
  readonly resourceRules: AdmissionResourceRule[];
  /**
   * Conditions a request must meet to be validated at all.
   * @default - none
   */
  readonly matchConditions?: AdmissionExpression[];
  /**
   * Variables (evaluated lazily, in order; `variables.<name>` in later expressions).
   * @default - none
   */
  readonly variables?: AdmissionExpression[];
  /** The validations. */
  readonly validations: AdmissionValidation[];
  /** Where it applies (one binding each). */
  readonly bindings: AdmissionPolicyBinding[];
  /**
   * What the bindings do with a failing request.
   * @default AdmissionPolicyMode.WARN
   */
  readonly mode?: AdmissionPolicyMode;
  /**
   * Exemptions the expressions allow, each `what: reason` (the `cnai.io/exemptions`
   * annotation, so a reader of the cluster sees them with their reasons).
   * @default - none
   */
  readonly exemptions?: string[];
}

/** Annotation with a policy's purpose. */
export const POLICY_DESCRIPTION_ANNOTATION = 'cnai.io/description';
/** Annotation listing a policy's exemptions with their reasons, one per line. */
export const POLICY_EXEMPTIONS_ANNOTATION = 'cnai.io/exemptions';

const CEL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/**
 * A ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, built into Kubernetes since
 * 1.30: no controller to install) with its bindings. The API server evaluates its CEL
 * expressions on every matching request. Applied in the namespaces' sync wave, so the rules
 * are in place before any workload.
 */
export class AdmissionPolicy extends Construct {
  /** Name of the policy. */
  public readonly policyName: string;
  /** The mode of its bindings. */
  public readonly mode: AdmissionPolicyMode;
  /** The ValidatingAdmissionPolicy. */
  public readonly policy: ApiObject;
  /** The ValidatingAdmissionPolicyBindings by name. */
  public readonly bindings: { [name: string]: ApiObject } = {};

  constructor(scope: Construct, id: string, props: AdmissionPolicyProps) {
    super(scope, id);
    const where = this.node.path;
    this.policyName = assertName(where, 'name', props.name, NAME_RULES.dns1123Subdomain);
    this.mode = props.mode ?? AdmissionPolicyMode.WARN;
    if (props.validations.length === 0) {
      throw invalidProp(where, 'validations', [], 'a policy without validations checks nothing', 'give at least one validation');
    }
    if (props.bindings.length === 0) {
      throw invalidProp(where, 'bindings', [], 'a policy without bindings is never evaluated', 'give at least one binding (where the policy applies)');
    }
    const variables = props.variables ?? [];
    variables.forEach((v, i) => {
      if (!CEL_IDENTIFIER.test(v.name) || variables.findIndex((w) => w.name === v.name) !== i) {
        throw invalidProp(where, `variables[${i}].name`, v.name, 'not a unique CEL identifier', 'name each variable with letters, digits and "_", starting with a letter');
      }
    });
    (props.matchConditions ?? []).forEach((c, i) => {
      if (!QUALIFIED_NAME.test(c.name) || c.name.length > 63) {
        throw invalidProp(where, `matchConditions[${i}].name`, c.name, 'not a qualified name', 'use letters, digits, "-", "_" and ".", at most 63 characters');
      }
    });
    const annotations: { [key: string]: string } = {
      [SYNC_WAVE_ANNOTATION]: String(NAMESPACE_SYNC_WAVE),
      [POLICY_DESCRIPTION_ANNOTATION]: props.description,
    };
    if (props.exemptions && props.exemptions.length > 0) annotations[POLICY_EXEMPTIONS_ANNOTATION] = props.exemptions.join('\n');

    this.policy = new ApiObject(this, 'Policy', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: this.policyName, annotations },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: props.resourceRules.map((r) => ({
            apiGroups: r.apiGroups, apiVersions: r.apiVersions, resources: r.resources, operations: r.operations, scope: 'Namespaced',
          })),
        },
        ...(props.matchConditions && props.matchConditions.length > 0
          ? { matchConditions: props.matchConditions.map((c) => ({ name: c.name, expression: c.expression })) }
          : {}),
        ...(variables.length > 0 ? { variables: variables.map((v) => ({ name: v.name, expression: v.expression })) } : {}),
        validations: props.validations.map((v) => ({
          expression: v.expression,
          message: v.message,
          ...(v.messageExpression ? { messageExpression: v.messageExpression } : {}),
          reason: 'Forbidden',
        })),
      },
    });

    const actions = validationActionsOf(this.mode);
    props.bindings.forEach((b, i) => {
      const name = assertName(where, `bindings[${i}].name`, b.name, NAME_RULES.dns1123Subdomain);
      if (this.bindings[name]) throw invalidProp(where, `bindings[${i}].name`, name, 'two bindings have the same name', 'name each binding differently');
      this.bindings[name] = new ApiObject(this, `Binding-${name}`, {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name, annotations: { [SYNC_WAVE_ANNOTATION]: String(NAMESPACE_SYNC_WAVE) } },
        spec: {
          policyName: this.policyName,
          validationActions: actions,
          ...(b.namespaceSelector ? { matchResources: { namespaceSelector: b.namespaceSelector } } : {}),
        },
      });
    });
  }
}
