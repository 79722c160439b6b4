import { TerraformResource } from 'cdktf';
import { IConstruct } from 'constructs';
import { invalidProp } from '../core/errors';
import { checkSuppression, mergeSuppressions, PolicySuppression, SUPPRESSION_ANNOTATION, TERRAFORM_SUPPRESSION_KEY } from '../core/policy-suppressions';

/** Options of {@link Suppressions.add}. */
export interface SuppressionOptions {
  /**
   * Only this resource of the construct: its Terraform address `type.name` (e.g.
   * `aws_s3_bucket.model-store_models_bucket_15AD4A5A`), or just a resource type (`aws_s3_bucket`).
   * @default - every Terraform resource of the construct
   */
  readonly resource?: string;
  /**
   * Only this finding on the resource, by the subject the report names (e.g. `statement XRayWrite`).
   * @default - every finding of the rule on the resource
   */
  readonly appliesTo?: string;
}

/** Suppressions written so far, per resource (the `//` override is replaced as a whole on each add). */
const WRITTEN = new WeakMap<TerraformResource, PolicySuppression[]>();

/**
 * Suppressions of policy rules (the packs of `cnai-verify`, lib/verify/policy) on the
 * construct that needs them. Each is written into the resource's body in cdk.tf.json under
 * `"//": { "cnai_suppress": [...] }`: Terraform ignores `//` properties in JSON, cdktf keeps
 * that block on every resource (tags exist only on some types), and the report shows the
 * suppression, with its reason, next to the finding it suppresses: never silently.
 *
 * ```ts
 * Suppressions.add(stack.modelStore, 'aws-s3-access-logging', 'CloudTrail data events of the organisation trail cover these buckets');
 * ```
 */
export class Suppressions {
  /** Key of the `//` block holding a resource's suppressions (JSON list of `{id, reason, appliesTo?}`). */
  public static readonly TERRAFORM_KEY = TERRAFORM_SUPPRESSION_KEY;
  /** The annotation the Kubernetes layer uses for the same list. */
  public static readonly KUBERNETES_ANNOTATION = SUPPRESSION_ANNOTATION;

  /**
   * Suppresses a rule on every Terraform resource of `scope` (or the one `options.resource`
   * names). Call it once the construct has its resources.
   *
   * @param scope the construct whose resources the rule does not apply to
   * @param ruleId the rule's id, as the report prints it
   * @param reason why the rule does not apply here (at least 10 characters)
   * @returns the resources annotated
   */
  public static add(scope: IConstruct, ruleId: string, reason: string, options: SuppressionOptions = {}): TerraformResource[] {
    const suppression: PolicySuppression = { id: ruleId, reason, ...(options.appliesTo !== undefined ? { appliesTo: options.appliesTo } : {}) };
    checkSuppression(scope.node.path, suppression);
    const resources = scope.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c))
      .filter((r) => options.resource === undefined || options.resource === r.terraformResourceType
        || options.resource === `${r.terraformResourceType}.${r.friendlyUniqueId}`);
    if (resources.length === 0) {
      throw invalidProp(scope.node.path, options.resource !== undefined ? 'resource' : 'scope', options.resource ?? scope.node.path,
        options.resource !== undefined ? 'names no Terraform resource of the construct' : 'has no Terraform resources',
        options.resource !== undefined
          ? 'name a resource of the construct by its address `type.name` or by its type'
          : 'pass the construct that creates the resources, after it has created them');
    }
    for (const r of resources) {
      const list = mergeSuppressions(WRITTEN.get(r) ?? [], suppression);
      WRITTEN.set(r, list);
      r.addOverride(`//.${TERRAFORM_SUPPRESSION_KEY}`, list);
    }
    return resources;
  }
}
