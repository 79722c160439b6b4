import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalidProp } from '../../core/errors';
import { checkSuppression, mergeSuppressions, parseSuppressions, PolicySuppression, SUPPRESSION_ANNOTATION } from '../../core/policy-suppressions';

/** Options of {@link Suppressions.add}. */
export interface SuppressionOptions {
  /**
   * Only this object of the construct: `Kind namespace/name` (`Kind name` for cluster-scoped
   * kinds), or just a `Kind`.
   * @default - every Kubernetes object of the construct
   */
  readonly resource?: string;
  /**
   * Only this finding on the object, by the subject the report names (e.g.
   * `container config-manager`, `volume device-plugin`).
   * @default - every finding of the rule on the object
   */
  readonly appliesTo?: string;
}

/**
 * Suppressions of policy rules (the packs of `cnai-verify`, lib/verify/policy) on the
 * construct that needs them. Each is written onto the construct's Kubernetes objects as the
 * `cnai.io/suppress` annotation, so it travels with the output and the report shows it, with
 * its reason, next to the finding it suppresses: never silently.
 *
 * ```ts
 * Suppressions.add(devicePlugin, 'pod-host-path', 'the kubelet device plugin socket directory', { appliesTo: 'volume device-plugin' });
 * ```
 */
export class Suppressions {
  /** The annotation holding an object's suppressions (JSON list of `{id, reason, appliesTo?}`). */
  public static readonly ANNOTATION = SUPPRESSION_ANNOTATION;

  /**
   * Suppresses a rule on every Kubernetes object of `scope` (or the one `options.resource`
   * names). Call it once the construct has its objects.
   *
   * @param scope the construct whose objects the rule does not apply to
   * @param ruleId the rule's id, as the report prints it
   * @param reason why the rule does not apply here (at least 10 characters)
   * @returns the objects annotated
   */
  public static add(scope: IConstruct, ruleId: string, reason: string, options: SuppressionOptions = {}): ApiObject[] {
    const suppression: PolicySuppression = { id: ruleId, reason, ...(options.appliesTo !== undefined ? { appliesTo: options.appliesTo } : {}) };
    checkSuppression(scope.node.path, suppression);
    const objects = scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c))
      .filter((o) => options.resource === undefined || matchesResource(o, options.resource));
    if (objects.length === 0) {
      throw invalidProp(scope.node.path, options.resource !== undefined ? 'resource' : 'scope', options.resource ?? scope.node.path,
        options.resource !== undefined ? 'names no Kubernetes object of the construct' : 'has no Kubernetes objects',
        options.resource !== undefined
          ? 'name an object of the construct as `Kind namespace/name` (`Kind name` when cluster-scoped) or by its Kind'
          : 'pass the construct that emits the objects, after it has created them');
    }
    for (const o of objects) {
      const current = o.metadata.toJson().annotations?.[SUPPRESSION_ANNOTATION];
      const list = current === undefined ? [] : parseSuppressions(current).suppressions;
      o.metadata.addAnnotation(SUPPRESSION_ANNOTATION, JSON.stringify(mergeSuppressions(list, suppression)));
    }
    return objects;
  }
}

function matchesResource(o: ApiObject, resource: string): boolean {
  const name = o.name;
  const namespace = o.metadata.namespace;
  const address = namespace ? `${o.kind} ${namespace}/${name}` : `${o.kind} ${name}`;
  return resource === o.kind || resource === address;
}
