/**
 * GPU workloads go through Kueue: in a team namespace, whatever requests `nvidia.com/gpu` is
 * admitted by Kueue against the team's quota, or is exempt by name with a reason.
 *
 * How Kueue v0.19.2 marks what it manages (kubernetes-sigs/kueue@v0.19.2):
 * - a Job, JobSet, TrainJob, Deployment or StatefulSet carries `kueue.x-k8s.io/queue-name` in
 *   its own labels (pkg/controller/jobframework: QueueNameForObject);
 * - plain pods carry it too, and Kueue's pod webhook gates them until admitted
 *   (pkg/controller/jobs/pod/pod_webhook.go); a Deployment's or StatefulSet's webhook copies
 *   it onto the pod template (pkg/controller/jobs/deployment/deployment_webhook.go);
 * - the pods of a Job, JobSet or TrainJob do NOT carry it: when Kueue admits the Workload it
 *   adds `kueue.x-k8s.io/podset` (and, with AssignQueueLabelsForPods, on by default since
 *   0.17, `kueue.x-k8s.io/local-queue-name`) to their pod templates
 *   (pkg/controller/jobframework/reconciler.go; TrainJob through its runtimePatches,
 *   pkg/controller/jobs/trainjob). The Job controller creates them.
 */
import { k8s } from 'cdk8s-plus-27';
import { WorkloadExemption } from './admission-options';
import { AdmissionOperation, AdmissionPolicyProps } from './admission-policy';
import {
  BY_CONTROLLER, CONTAINERS, CONTROLLED, CREATION_OR_SPEC_CHANGE, LABELS, PODSET_LABEL, POD_RULES, POD_SPEC, QUEUE_LABEL, WORKLOAD_RULES,
  celString, celStringListMap,
} from './cel-expressions';
import { GPU_RESOURCE } from '../../core/contract';

/** Name of the policy. */
export const GPU_QUEUE_POLICY = 'cnai-gpu-workloads-through-kueue';

/** The Kueue policy of the platform's team namespaces. */
export function gpuQueuePolicy(exemptions: WorkloadExemption[], teams: k8s.LabelSelector): AdmissionPolicyProps {
  const byNamespace: { [namespace: string]: string[] } = {};
  for (const e of exemptions) (byNamespace[e.namespace] ??= []).push(e.workload);
  const gpu = celString(GPU_RESOURCE);
  const queue = celString(QUEUE_LABEL);
  return {
    name: GPU_QUEUE_POLICY,
    description: 'In team namespaces, pods and workloads that request GPUs are admitted by Kueue against the team\'s quota '
      + `(label ${QUEUE_LABEL}), or are exempt by name; TrainJobs always go through Kueue.`,
    resourceRules: [
      ...POD_RULES.map((r) => ({ ...r, operations: [AdmissionOperation.CREATE] })),
      ...WORKLOAD_RULES,
      { apiGroups: ['trainer.kubeflow.org'], apiVersions: ['v1alpha1'], resources: ['trainjobs'], operations: [AdmissionOperation.CREATE, AdmissionOperation.UPDATE] },
    ],
    matchConditions: [CREATION_OR_SPEC_CHANGE],
    variables: [
      POD_SPEC,
      CONTAINERS,
      LABELS,
      BY_CONTROLLER,
      CONTROLLED,
      {
        name: 'requestsGpu',
        expression: `variables.containers.exists(c, has(c.resources) && ((has(c.resources.requests) && ${gpu} in c.resources.requests) || (has(c.resources.limits) && ${gpu} in c.resources.limits)))`,
      },
      { name: 'exemptions', expression: celStringListMap(byNamespace) },
      { name: 'exempt', expression: 'request.namespace in variables.exemptions ? variables.exemptions[request.namespace] : []' },
      {
        // CronJobs: Kueue reads the label of the Jobs they create, i.e. the job template's.
        name: 'queued',
        expression: `object.kind == 'CronJob' ? has(object.spec.jobTemplate.metadata) && has(object.spec.jobTemplate.metadata.labels) && ${queue} in object.spec.jobTemplate.metadata.labels`
          + ` : ${queue} in variables.labels`,
      },
    ],
    validations: [
      {
        expression: `object.kind != 'Pod' || !variables.requestsGpu || ${queue} in variables.labels`
          + ` || (${celString(PODSET_LABEL)} in variables.labels && variables.controlled)`
          + ' || variables.exempt.exists(w, has(object.metadata.ownerReferences) && object.metadata.ownerReferences.exists(r, has(r.controller) && r.controller'
          + ' && ((r.kind == \'ReplicaSet\' && \'pod-template-hash\' in variables.labels && r.name == w + \'-\' + variables.labels[\'pod-template-hash\'])'
          // An Argo Rollouts Rollout (a delivered model, named like its server) labels its ReplicaSets' pods with its own hash.
          + ' || (r.kind == \'ReplicaSet\' && \'rollouts-pod-template-hash\' in variables.labels && r.name == w + \'-\' + variables.labels[\'rollouts-pod-template-hash\'])'
          + ' || (r.kind != \'ReplicaSet\' && r.name == w))))',
        message: `A pod that requests GPUs in a team namespace must be admitted by Kueue: submit it as a TrainJob, or a Job, Deployment or StatefulSet with the label ${QUEUE_LABEL} `
          + 'set to the team\'s LocalQueue (a bare pod with that label is queued too), or exempt its workload by name (gpuExemptions).',
      },
      {
        expression: 'object.kind == \'Pod\' || object.kind == \'TrainJob\' || !variables.requestsGpu || variables.controlled'
          + ' || (object.kind in [\'Deployment\', \'StatefulSet\', \'Job\', \'CronJob\'] && variables.queued) || object.metadata.name in variables.exempt',
        message: `A workload that requests GPUs in a team namespace must carry the label ${QUEUE_LABEL} set to the team's LocalQueue `
          + '(on a CronJob: on its jobTemplate), so that Kueue admits it against the team\'s quota; DaemonSets and ReplicaSets cannot be queued. '
          + 'Or exempt it by name (gpuExemptions).',
      },
      {
        expression: `object.kind != 'TrainJob' || ${queue} in variables.labels`,
        message: `A TrainJob in a team namespace is submitted through Kueue: set the label ${QUEUE_LABEL} to the team's LocalQueue (TrainingJob and HyperparameterSearch do).`,
      },
    ],
    bindings: [{ name: GPU_QUEUE_POLICY, namespaceSelector: teams }],
    exemptions: exemptions.map((e) => `${e.namespace}/${e.workload}: ${e.reason}`),
  };
}
