/**
 * Kubeflow custom resources that become pods: Notebook (notebook controller v1.11.0), TrainJob
 * (Trainer v2.3.0, through a JobSet of JobSet v0.12.0) and Experiment (Katib v0.19.0).
 */
import { KubeObject } from '../../upstream/types';
import { asArray, asObject, asString, asStringMap, at } from '../kinds';
import { PodGroupDraft, PodPort } from '../model';
import { containerPorts, serviceAccountOf } from '../workloads';
import { AdapterOutput, CreatedObject, CustomResourceAdapter } from './adapter';

const NOTEBOOK_SOURCE = 'kubeflow/notebooks@v1.11.0: components/notebook-controller/controllers/notebook_controller.go (generateStatefulSet, generateService)';

/**
 * Notebook: a StatefulSet `<name>` whose pods carry `statefulset: <name>`, `notebook-name: <name>`
 * and the Notebook's labels; the first container gets port `notebook-port` 8888 when it declares
 * none; Service `<name>` port `http-<name>` 80 → the first container port (8888 by default).
 */
export const NOTEBOOK_ADAPTER: CustomResourceAdapter = {
  group: 'kubeflow.org',
  kind: 'Notebook',
  source: NOTEBOOK_SOURCE,
  expand(obj, namespace): AdapterOutput {
    const name = obj.metadata.name ?? '';
    const podSpec = { ...(asObject(at(obj, 'spec.template.spec')) ?? {}) };
    const containers = asArray(podSpec.containers).map((c) => ({ ...(asObject(c) ?? {}) }));
    if (containers.length > 0 && !Array.isArray(containers[0].ports)) {
      containers[0].ports = [{ name: 'notebook-port', containerPort: 8888, protocol: 'TCP' }];
    }
    podSpec.containers = containers;
    const firstPort = containerPorts({ containers: containers.slice(0, 1) })[0]?.port ?? 8888;
    const labels = { ...asStringMap(obj.metadata.labels), 'statefulset': name, 'notebook-name': name };
    const by = `Kubeflow notebook controller (Notebook ${namespace}/${name})`;
    return {
      objects: [{
        object: { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { statefulset: name }, ports: [{ name: `http-${name}`, port: 80, targetPort: firstPort, protocol: 'TCP' }] } },
        providedBy: by,
      }],
      podGroups: [{
        id: `Notebook ${namespace}/${name}`,
        namespace,
        labels,
        ports: containerPorts(podSpec),
        serviceAccount: serviceAccountOf(podSpec),
        hostNetwork: podSpec.hostNetwork === true,
        podSpec,
        podSpecPath: 'spec.template.spec',
        createdBy: `Kubeflow notebook controller (${NOTEBOOK_SOURCE})`,
      }],
    };
  },
};

const TRAINER_SOURCE = 'kubeflow/trainer@v2.3.0: pkg/runtime/core/trainingruntime.go, pkg/runtime/framework/plugins/{jobset/jobset.go,torch/torch.go}, pkg/constants/constants.go; kubernetes-sigs/jobset@v0.12.0: pkg/controllers/jobset_controller.go, api/jobset/v1alpha2/jobset_types.go';
const TORCH_PORT = 29500;

/** The (Cluster)TrainingRuntime a TrainJob names: kind and name (kind defaults to ClusterTrainingRuntime). */
export function trainJobRuntimeRef(obj: KubeObject): { kind: string; name: string } | undefined {
  const ref = asObject(at(obj, 'spec.runtimeRef'));
  const name = asString(ref?.name);
  if (!ref || !name) return undefined;
  return { kind: asString(ref.kind) ?? 'ClusterTrainingRuntime', name };
}

/**
 * TrainJob: the Trainer builds a JobSet `<name>` from the runtime's template (labels of the
 * runtime template propagate to the JobSet); JobSet labels every pod with
 * `jobset.sigs.k8s.io/jobset-name` and `jobset.sigs.k8s.io/replicatedjob-name` and creates the
 * headless Service `<name>` (its subdomain) selecting `jobset-name`. With a torch ML policy the
 * trainer container gets port 29500 (constants.ContainerTrainerPort).
 */
export const TRAIN_JOB_ADAPTER: CustomResourceAdapter = {
  group: 'trainer.kubeflow.org',
  kind: 'TrainJob',
  source: TRAINER_SOURCE,
  expand(obj, namespace, context): AdapterOutput {
    const name = obj.metadata.name ?? '';
    const ref = trainJobRuntimeRef(obj);
    const runtime = ref ? context.find('trainer.kubeflow.org', ref.kind, ref.kind === 'TrainingRuntime' ? namespace : undefined, ref.name) : undefined;
    const jobsetLabel = { 'jobset.sigs.k8s.io/jobset-name': name };
    const by = `JobSet controller (TrainJob ${namespace}/${name})`;
    const objects: CreatedObject[] = [{
      object: { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { clusterIP: 'None', selector: jobsetLabel } },
      providedBy: by,
    }];
    const createdBy = `Kubeflow Trainer through JobSet (${TRAINER_SOURCE})`;
    const replicatedJobs = asArray(at(runtime, 'spec.template.spec.replicatedJobs'));
    const torch = asObject(at(runtime, 'spec.mlPolicy.torch')) !== undefined;
    const overrides = asArray(at(obj, 'spec.podTemplateOverrides')).map((o) => asObject(at(o, 'spec')) ?? {});
    // Trainer v2.3's runtimePatches: per replicated job (by name), pod template labels and spec
    // merged over the runtime's (pkg/apis/trainer/v1alpha1/trainjob_types.go RuntimePatch).
    const patches = asArray(at(obj, 'spec.runtimePatches')).flatMap((p) => asArray(at(p, 'trainingRuntimeSpec.template.spec.replicatedJobs')))
      .map((rj) => asObject(rj) ?? {});
    const trainerEnv = asArray(at(obj, 'spec.trainer.env'));
    const podGroups: PodGroupDraft[] = replicatedJobs.flatMap((raw) => {
      const rj = asObject(raw) ?? {};
      const rjName = asString(rj.name) ?? '';
      const base = asObject(at(rj, 'template.spec.template')) ?? {};
      const patchesOf = patches.filter((p) => asString(p.name) === rjName).map((p) => asObject(at(p, 'template.spec.template')) ?? {});
      const template: { [key: string]: unknown } = {
        metadata: { labels: { ...asStringMap(at(base, 'metadata.labels')), ...Object.assign({}, ...patchesOf.map((p) => asStringMap(at(p, 'metadata.labels')))) } },
        spec: patchesOf.reduce((spec, p) => mergePodSpec(spec, asObject(p.spec) ?? {}), asObject(base.spec) ?? {}),
      };
      const podSpec: { [key: string]: unknown } = { ...(asObject(template.spec) ?? {}) };
      const trainer = asStringMap(at(rj, 'template.metadata.labels'))['trainer.kubeflow.org/trainjob-ancestor-step'] === 'trainer';
      for (const o of overrides) {
        if (o.serviceAccountName) podSpec.serviceAccountName = o.serviceAccountName;
        if (o.volumes) podSpec.volumes = [...asArray(podSpec.volumes), ...asArray(o.volumes)];
        if (o.imagePullSecrets) podSpec.imagePullSecrets = o.imagePullSecrets;
      }
      const containers = asArray(podSpec.containers).map((c) => ({ ...(asObject(c) ?? {}) }));
      if (trainer && containers.length > 0 && trainerEnv.length > 0) containers[0].env = [...asArray(containers[0].env), ...trainerEnv];
      // The Trainer sets the trainer container's image and resources from spec.trainer (its
      // image and resourcesPerNode override the runtime's).
      const trainerImage = asString(at(obj, 'spec.trainer.image'));
      const trainerResources = asObject(at(obj, 'spec.trainer.resourcesPerNode'));
      if (trainer && containers.length > 0 && trainerImage) containers[0].image = trainerImage;
      if (trainer && containers.length > 0 && trainerResources) containers[0].resources = trainerResources;
      podSpec.containers = containers;
      const ports: PodPort[] = containerPorts(podSpec);
      if (trainer && torch && !ports.some((p) => p.port === TORCH_PORT)) ports.push({ port: TORCH_PORT, protocol: 'TCP' });
      return [{
        id: `TrainJob ${namespace}/${name} (${rjName})`,
        namespace,
        labels: { ...asStringMap(at(template, 'metadata.labels')), ...jobsetLabel, 'jobset.sigs.k8s.io/replicatedjob-name': rjName },
        ports,
        serviceAccount: serviceAccountOf(podSpec),
        hostNetwork: podSpec.hostNetwork === true,
        podSpec,
        podSpecPath: `(runtime ${ref?.kind} ${ref?.name}) spec.template.spec.replicatedJobs[${rjName}].template.spec.template.spec`,
        createdBy,
      }];
    });
    if (podGroups.length === 0) {
      // Runtime not in the model (its reference is checked separately): the pods are known by their JobSet label only.
      podGroups.push({ id: `TrainJob ${namespace}/${name}`, namespace, labels: jobsetLabel, ports: [], serviceAccount: 'default', hostNetwork: false, createdBy });
    }
    return { objects, podGroups };
  },
};

const KATIB_SOURCE = 'kubeflow/katib@v0.19.0: pkg/controller.v1beta1/suggestion/composer/composer.go (DesiredDeployment, DesiredService), pkg/controller.v1beta1/util/{labels.go,suggestion.go}, pkg/controller.v1beta1/consts/const.go';

/**
 * Experiment: Katib runs a suggestion Deployment and Service `<experiment>-<algorithm>` with
 * labels {katib.kubeflow.org/deployment, katib.kubeflow.org/experiment, katib.kubeflow.org/suggestion,
 * sidecar.istio.io/inject: "false"}, port `suggestion-api` 6789 (and `earlystop-api` 6788 with early
 * stopping; its ServiceAccount is then `<experiment>-<algorithm>`); trials run the trial template.
 */
export const EXPERIMENT_ADAPTER: CustomResourceAdapter = {
  group: 'kubeflow.org',
  kind: 'Experiment',
  source: KATIB_SOURCE,
  expand(obj, namespace): AdapterOutput {
    const name = obj.metadata.name ?? '';
    const algorithm = asString(at(obj, 'spec.algorithm.algorithmName')) ?? 'random';
    const suggestion = `${name}-${algorithm}`;
    const earlyStopping = asString(at(obj, 'spec.earlyStopping.algorithmName')) !== undefined;
    const labels = {
      'katib.kubeflow.org/deployment': suggestion,
      'katib.kubeflow.org/experiment': name,
      'katib.kubeflow.org/suggestion': name,
      'sidecar.istio.io/inject': 'false',
    };
    const ports: PodPort[] = [{ name: 'suggestion-api', port: 6789, protocol: 'TCP' }, ...(earlyStopping ? [{ name: 'earlystop-api', port: 6788, protocol: 'TCP' }] : [])];
    const by = `Katib (Experiment ${namespace}/${name})`;
    const createdBy = `Katib (${KATIB_SOURCE})`;
    const objects: CreatedObject[] = [
      { object: { apiVersion: 'v1', kind: 'Service', metadata: { name: suggestion, namespace }, spec: { selector: labels, ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.port, protocol: 'TCP' })) } }, providedBy: by },
      ...(earlyStopping ? [{ object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: suggestion, namespace } }, providedBy: by }] : []),
    ];
    const podGroups: PodGroupDraft[] = [{
      id: `Experiment ${namespace}/${name} (suggestion)`,
      namespace,
      labels,
      ports,
      serviceAccount: earlyStopping ? suggestion : 'default',
      hostNetwork: false,
      createdBy,
    }];
    const trialSpec = asObject(at(obj, 'spec.trialTemplate.trialSpec'));
    if (trialSpec && trialSpec.kind === 'Job') {
      const template = asObject(at(trialSpec, 'spec.template')) ?? {};
      const podSpec = asObject(template.spec) ?? {};
      podGroups.push({
        id: `Experiment ${namespace}/${name} (trials)`,
        namespace,
        labels: { ...asStringMap(at(template, 'metadata.labels')), 'katib.kubeflow.org/experiment': name },
        ports: containerPorts(podSpec),
        serviceAccount: serviceAccountOf(podSpec),
        hostNetwork: podSpec.hostNetwork === true,
        podSpec,
        podSpecPath: 'spec.trialTemplate.trialSpec.spec.template.spec',
        createdBy,
      });
    }
    return { objects, podGroups };
  },
};

/** A pod spec patch merged over a pod spec: containers by name (env appended, fields replaced), volumes appended, other fields replaced. */
function mergePodSpec(spec: { [key: string]: unknown }, patch: { [key: string]: unknown }): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = { ...spec };
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'containers' || k === 'initContainers') {
      const merged = asArray(spec[k]).map((c) => ({ ...(asObject(c) ?? {}) }));
      for (const pc of asArray(v).map((x) => asObject(x) ?? {})) {
        const i = merged.findIndex((c) => c.name === pc.name);
        if (i < 0) merged.push({ ...pc });
        else merged[i] = { ...merged[i], ...pc, ...(pc.env ? { env: [...asArray(merged[i].env), ...asArray(pc.env)] } : {}) };
      }
      out[k] = merged;
    } else if (k === 'volumes') {
      out[k] = [...asArray(spec[k]), ...asArray(v)];
    } else {
      out[k] = v;
    }
  }
  return out;
}
