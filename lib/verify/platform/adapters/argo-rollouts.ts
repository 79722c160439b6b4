/**
 * AnalysisTemplate, as Argo Rollouts v1.9.1 runs its `job` metrics: for every AnalysisRun made
 * from the template, the controller creates a Job in the template's namespace from the metric's
 * `provider.job` (metadata and spec as written), whose pods run the template's pod spec.
 *
 * Read in argoproj/argo-rollouts@v1.9.1:
 * - metricproviders/job/job.go: the Job is created in the AnalysisRun's namespace with the
 *   metric's `job.metadata` labels and annotations and its `job.spec`, owned by the AnalysisRun;
 * - pkg/apis/rollouts/v1alpha1/analysis_types.go: JobMetric (`metadata`, `spec` a batchv1.JobSpec).
 * The `prometheus` metrics are queried by the controller's own pods (references.ts).
 */
import { asArray, asObject, asString, asStringMap, at } from '../kinds';
import { AdapterOutput, CustomResourceAdapter } from './adapter';
import { PodGroupDraft } from '../model';

const SOURCE = 'argoproj/argo-rollouts@v1.9.1: metricproviders/job/job.go, pkg/apis/rollouts/v1alpha1/analysis_types.go';

/** AnalysisTemplate (argoproj.io/v1alpha1): the pods of its job metrics. */
export const ANALYSIS_TEMPLATE_ADAPTER: CustomResourceAdapter = {
  group: 'argoproj.io',
  kind: 'AnalysisTemplate',
  source: SOURCE,
  expand(obj, namespace): AdapterOutput {
    const name = obj.metadata.name ?? '';
    const podGroups: PodGroupDraft[] = [];
    asArray(at(obj, 'spec.metrics')).forEach((raw, i) => {
      const metric = asObject(raw) ?? {};
      const job = asObject(at(metric, 'provider.job'));
      const template = asObject(at(job, 'spec.template'));
      if (!job || !template) return;
      const podSpec = asObject(template.spec) ?? {};
      const serviceAccount = asString(podSpec.serviceAccountName) ?? 'default';
      podGroups.push({
        id: `AnalysisTemplate ${namespace}/${name} (job metric ${asString(metric.name) ?? i})`,
        namespace,
        labels: asStringMap(at(template, 'metadata.labels')),
        ports: [],
        serviceAccount,
        hostNetwork: podSpec.hostNetwork === true,
        podSpec,
        podSpecPath: `spec.metrics[${i}].provider.job.spec.template.spec`,
        createdBy: `Argo Rollouts (${SOURCE})`,
      });
    });
    return { objects: [], podGroups };
  },
};
