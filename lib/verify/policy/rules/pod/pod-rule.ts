/** What the pod rules share: evaluating every pod group of a resource. */
import { PodGroup } from '../../../platform/model';
import { podGroupLabel, podSpecOf } from '../../kubernetes-resources';
import { KubernetesContext, KubernetesResourceInfo, Results, RuleResult, Violation } from '../../types';

/** One pod group of a resource, as a pod rule sees it. */
export interface PodUnderTest {
  readonly resource: KubernetesResourceInfo;
  readonly group: PodGroup;
  readonly podSpec: { [key: string]: any };
  /** Prefix of subjects when the resource runs several pod groups (e.g. `(transformer) `). */
  readonly prefix: string;
  readonly context: KubernetesContext;
}

/** Evaluates `check` on every pod group (with a known pod spec) of the resource; not applicable when it runs none. */
export function evaluatePods(resource: KubernetesResourceInfo, context: KubernetesContext, check: (pod: PodUnderTest) => Violation[]): RuleResult {
  const groups = resource.podGroups.filter((g) => g.podSpec !== undefined);
  if (groups.length === 0) return Results.notApplicable();
  return Results.of(groups.flatMap((group) => check({
    resource, group, podSpec: podSpecOf(group), prefix: podGroupLabel(resource, group), context,
  })));
}

/** The subject of a pod-level finding. */
export function podSubject(pod: PodUnderTest): string | undefined {
  return pod.prefix ? pod.prefix.trim() : undefined;
}
