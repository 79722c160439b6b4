/**
 * Pods of the built-in workload kinds: Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController, Job, CronJob and Pod. Custom resources that operators turn into pods
 * have their own adapters (./adapters).
 */
import { asArray, asObject, asPort, asString, asStringMap, at, groupOf } from './kinds';
import { PodGroupDraft, PodPort } from './model';
import { KubeObject } from '../upstream/types';


const TEMPLATE_PATHS: { [kind: string]: string } = {
  Deployment: 'spec.template',
  StatefulSet: 'spec.template',
  DaemonSet: 'spec.template',
  ReplicaSet: 'spec.template',
  ReplicationController: 'spec.template',
  Job: 'spec.template',
  CronJob: 'spec.jobTemplate.spec.template',
};

/** Whether the object is a built-in workload kind that runs pods. */
export function isBuiltInWorkload(obj: KubeObject): boolean {
  const group = groupOf(obj.apiVersion);
  if (obj.kind === 'Pod') return group === '';
  if (obj.kind === 'ReplicationController') return group === '';
  if (obj.kind === 'Job' || obj.kind === 'CronJob') return group === 'batch';
  return group === 'apps' && TEMPLATE_PATHS[obj.kind] !== undefined;
}

/** The pod group of a built-in workload (undefined when it has no pod template). */
export function podGroupOfWorkload(obj: KubeObject, namespace: string): PodGroupDraft | undefined {
  if (!isBuiltInWorkload(obj)) return undefined;
  const name = obj.metadata.name ?? '';
  let labels: { [key: string]: string };
  let spec: { [key: string]: unknown } | undefined;
  let specPath: string;
  if (obj.kind === 'Pod') {
    labels = asStringMap(obj.metadata.labels);
    spec = asObject(obj.spec);
    specPath = 'spec';
  } else {
    const templatePath = TEMPLATE_PATHS[obj.kind];
    const template = asObject(at(obj, templatePath));
    if (!template) return undefined;
    labels = asStringMap(at(template, 'metadata.labels'));
    spec = asObject(template.spec);
    specPath = `${templatePath}.spec`;
    if (obj.kind === 'Job') {
      // The Job controller labels its pods with the Job's name (Kubernetes ≥ 1.27 sets both keys).
      labels = { ...labels, 'job-name': name, 'batch.kubernetes.io/job-name': name };
    }
  }
  if (!spec) return undefined;
  return {
    id: `${obj.kind} ${namespace}/${name}`,
    namespace,
    labels,
    ports: containerPorts(spec),
    serviceAccount: serviceAccountOf(spec),
    hostNetwork: spec.hostNetwork === true,
    podSpec: spec,
    podSpecPath: specPath,
  };
}

/** The ports the containers of a pod spec declare (init containers that run as sidecars included). */
export function containerPorts(spec: { [key: string]: unknown }): PodPort[] {
  const ports: PodPort[] = [];
  const containers = [
    ...asArray(spec.containers),
    ...asArray(spec.initContainers).filter((c) => asObject(c)?.restartPolicy === 'Always'),
  ];
  for (const c of containers) {
    for (const raw of asArray(asObject(c)?.ports)) {
      const p = asObject(raw);
      const port = asPort(p?.containerPort);
      if (!p || port === undefined) continue;
      const name = asString(p.name);
      ports.push({ ...(name ? { name } : {}), port, protocol: asString(p.protocol) ?? 'TCP' });
    }
  }
  return ports;
}

/** The ServiceAccount a pod spec runs as (`default` when none is named). */
export function serviceAccountOf(spec: { [key: string]: unknown }): string {
  return asString(spec.serviceAccountName) || asString(spec.serviceAccount) || 'default';
}
