/**
 * Findings of the policy packs (`cnai-verify policy`) the library has not fixed yet (issue 14),
 * on the Kubernetes layer: each example suppresses them with a reason that says they are open,
 * so its report lists them and its synth still passes. Remove an entry when the library fixes
 * its finding (the report then names the suppression as covering nothing). Only the library's
 * own objects are matched (by kind, name and the labels the library writes); an example's own
 * workloads carry their own suppressions, or pass.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Suppressions } from 'cnai-constructs/k8s';

const open = (what: string) => `OPEN (issue 14): ${what}`;

const REASONS = {
  developerPods: open('developers may create pods and workload controllers, so they can choose the team\'s service accounts: this '
    + 'platform ships without the admission policies (CnaiPlatform ships cnai-training-identity and cnai-serving-identity, which refuse '
    + 'people\'s pods those accounts)'),
};

/** Whether the library accepted the object's finding already (CnaiPlatform does for developer Roles under its enforced identity policies). */
function suppresses(o: ApiObject, ruleId: string): boolean {
  const raw = o.metadata.toJson().annotations?.[Suppressions.ANNOTATION];
  return typeof raw === 'string' && raw.includes(`"id":"${ruleId}"`);
}

/** Suppresses the library's open findings on every object under `scope` (an App or a Chart). */
export function suppressOpenFindings(scope: IConstruct): void {
  const objects = scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
  for (const o of objects) {
    if (o.kind === 'Role' && o.name === 'ml-developer' && !suppresses(o, 'pod-create-workload-identity')) {
      Suppressions.add(o, 'pod-create-workload-identity', REASONS.developerPods);
    }
  }
}
