/**
 * The Kubernetes side of the policy packs, read from the whole-platform model
 * (lib/verify/platform): the platform's own objects (what its output declares, not what the
 * releases it installs render, nor what the cluster or controllers create) with the pods each
 * runs and the suppressions written onto it, and accessors over pod specs.
 */
import { KubernetesResourceInfo } from './types';
import { parseSuppressions, SUPPRESSION_ANNOTATION } from '../../core/policy-suppressions';
import { groupOf, isNamespaced } from '../platform/kinds';
import { ModelObject, PlatformModel, PodGroup } from '../platform/model';
import { KubeObject } from '../upstream/types';

/** `Kind namespace/name`, or `Kind name` for cluster-scoped objects. */
export function kubernetesAddress(object: KubeObject, namespace?: string): string {
  const name = object.metadata.name ?? '';
  return namespace ? `${object.kind} ${namespace}/${name}` : `${object.kind} ${name}`;
}

/** Whether a model object is one the platform's output declares (not a release's, the cluster's or a controller's). */
export function isOwnObject(o: ModelObject): boolean {
  return o.origin.release === undefined && o.origin.providedBy === undefined && o.origin.location !== 'cluster';
}

function isOwnPodGroup(g: PodGroup): boolean {
  return g.origin.release === undefined && g.origin.providedBy === undefined && g.origin.location !== 'cluster';
}

/** The platform's own objects, each with its pods and suppressions. */
export function kubernetesResources(model: PlatformModel): KubernetesResourceInfo[] {
  const groups = new Map<string, PodGroup[]>();
  for (const g of model.podGroups.filter(isOwnPodGroup)) groups.set(g.origin.location, [...(groups.get(g.origin.location) ?? []), g]);
  const out: KubernetesResourceInfo[] = [];
  for (const o of model.objects.filter(isOwnObject)) {
    const namespace = isNamespaced(groupOf(o.object.apiVersion), o.object.kind) || o.object.metadata.namespace
      ? o.object.metadata.namespace ?? 'default'
      : undefined;
    const raw = o.object.metadata.annotations?.[SUPPRESSION_ANNOTATION];
    const parsed = raw !== undefined ? parseSuppressions(raw) : { suppressions: [], invalid: [] };
    out.push({
      address: kubernetesAddress(o.object, namespace),
      object: o.object,
      ...(namespace ? { namespace } : {}),
      location: o.origin.location,
      podGroups: groups.get(o.origin.location) ?? [],
      suppressions: parsed.suppressions,
      invalidSuppressions: parsed.invalid,
    });
  }
  return out;
}

/** Which list of a pod spec a container is in. */
export enum ContainerList {
  CONTAINERS = 'containers',
  INIT_CONTAINERS = 'initContainers',
  EPHEMERAL_CONTAINERS = 'ephemeralContainers',
}

/** A container of a pod spec. */
export interface ContainerInfo {
  readonly name: string;
  readonly list: ContainerList;
  readonly spec: { [key: string]: any };
  /** `container <name>`, `initContainer <name>` or `ephemeralContainer <name>`: the subject of its findings. */
  readonly subject: string;
  /** An init container that keeps running next to the main containers (`restartPolicy: Always`). */
  readonly sidecar: boolean;
}

const SUBJECT_PREFIX: { [list in ContainerList]: string } = {
  [ContainerList.CONTAINERS]: 'container',
  [ContainerList.INIT_CONTAINERS]: 'initContainer',
  [ContainerList.EPHEMERAL_CONTAINERS]: 'ephemeralContainer',
};

/** Every container of a pod spec, in order: containers, init containers, ephemeral containers. */
export function containersOf(podSpec: { [key: string]: unknown } | undefined): ContainerInfo[] {
  if (!podSpec) return [];
  const out: ContainerInfo[] = [];
  for (const list of [ContainerList.CONTAINERS, ContainerList.INIT_CONTAINERS, ContainerList.EPHEMERAL_CONTAINERS]) {
    const items = Array.isArray(podSpec[list]) ? podSpec[list] as Array<{ [key: string]: any }> : [];
    items.forEach((c, i) => {
      if (!c || typeof c !== 'object') return;
      const name = typeof c.name === 'string' && c.name ? c.name : `#${i}`;
      out.push({ name, list, spec: c, subject: `${SUBJECT_PREFIX[list]} ${name}`, sidecar: list === ContainerList.INIT_CONTAINERS && c.restartPolicy === 'Always' });
    });
  }
  return out;
}

/** A pod group's pod spec as a plain object (empty when unknown). */
export function podSpecOf(group: PodGroup): { [key: string]: any } {
  return (group.podSpec ?? {}) as { [key: string]: any };
}

/** The pod-level security context. */
export function podSecurityContext(podSpec: { [key: string]: any }): { [key: string]: any } {
  return podSpec.securityContext && typeof podSpec.securityContext === 'object' ? podSpec.securityContext : {};
}

/** The container-level security context. */
export function containerSecurityContext(container: ContainerInfo): { [key: string]: any } {
  const sc = container.spec.securityContext;
  return sc && typeof sc === 'object' ? sc : {};
}

/** A container's setting, falling back to the pod's (runAsNonRoot, runAsUser, seccompProfile, seLinuxOptions, appArmorProfile, windowsOptions). */
export function effectiveSetting(podSpec: { [key: string]: any }, container: ContainerInfo, key: string): any {
  const own = containerSecurityContext(container)[key];
  return own !== undefined ? own : podSecurityContext(podSpec)[key];
}

/** Pod groups of a resource with a subject prefix when it runs several (`(transformer) container x`). */
export function podGroupLabel(resource: KubernetesResourceInfo, group: PodGroup): string {
  if (resource.podGroups.length <= 1) return '';
  const suffix = group.id.startsWith(resource.address) ? group.id.slice(resource.address.length).trim() : group.id;
  return suffix ? `${suffix} ` : '';
}

/** Kinds whose pods run until stopped (probes, priorities matter); Jobs and CronJobs run to completion. */
export function isLongRunning(resource: KubernetesResourceInfo): boolean {
  // An AnalysisTemplate's pods are the Jobs of its job metrics (Argo Rollouts).
  return !['Job', 'CronJob', 'TrainJob', 'JobSet', 'Experiment', 'SparkApplication', 'PyTorchJob', 'RayJob', 'Workflow', 'Pod', 'AnalysisTemplate']
    .includes(resource.object.kind);
}

/** The labels of an object's metadata. */
export function labelsOf(object: KubeObject): { [key: string]: string } {
  return { ...(object.metadata.labels ?? {}) };
}

/** The annotations of a pod group's pods: the pod template's (or a Pod's own). */
export function podAnnotations(resource: KubernetesResourceInfo, group: PodGroup): { [key: string]: string } {
  const specPath = group.podSpecPath;
  if (!specPath) return {};
  if (specPath === 'spec') return { ...(resource.object.metadata.annotations ?? {}) };
  if (!specPath.endsWith('.spec')) return {};
  let node: any = resource.object;
  for (const key of specPath.slice(0, -'.spec'.length).split('.')) node = node?.[key];
  const annotations = node?.metadata?.annotations;
  return annotations && typeof annotations === 'object' ? { ...annotations } : {};
}
