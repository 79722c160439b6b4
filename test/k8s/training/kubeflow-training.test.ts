import { Chart, Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { find, fixture, objectsOf } from './fixtures';
import { OPERATOR_IMAGES, OPERATOR_SOURCES, imageRef } from '../../../lib/core';
import {
  ArgoCdApplications, KATIB_INJECTION_LABEL, KubeflowTraining, OperatorCatalogue, PodSecurityLevel, TeamNamespace,
} from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';

function applications(releases = KubeflowTraining.releases()): any[] {
  const chart = new Chart(Testing.app(), 'operators');
  new ArgoCdApplications(chart, 'argo', { releases });
  return Testing.synth(chart);
}

function patchOf(app: any, kind: string): any {
  const p = app.spec.source.kustomize.patches.find((x: any) => x.target.kind === kind);
  return YAML.parse(p.patch);
}

describe('KubeflowTraining', () => {
  test('the training releases: Trainer with JobSet, its runtimes, Katib, the notebook controller', () => {
    const releases = KubeflowTraining.releases();
    expect(releases.map((r) => r.name)).toEqual(['kubeflow-trainer', 'kubeflow-trainer-runtimes', 'katib', 'notebook-controller']);
    const objects = applications(releases);
    const trainer = find(objects, 'Application', 'kubeflow-trainer');
    expect(trainer.spec.source).toMatchObject({ repoURL: 'https://github.com/kubeflow/trainer', path: 'manifests/overlays/manager', targetRevision: 'v2.3.0' });
    expect(find(objects, 'Application', 'kubeflow-trainer-runtimes').spec.source.path).toBe('manifests/overlays/runtimes');
    // Runtimes are custom resources of the Trainer's CRDs: a later wave.
    expect(Number(find(objects, 'Application', 'kubeflow-trainer-runtimes').metadata.annotations['argocd.argoproj.io/sync-wave']))
      .toBeGreaterThan(Number(trainer.metadata.annotations['argocd.argoproj.io/sync-wave']));
    assertValidManifests(objects);
  });

  test('notebook culling is configured on the controller: ENABLE_CULLING, CULL_IDLE_TIME, no Istio', () => {
    const app = find(applications(), 'Application', 'notebook-controller');
    // In the ConfigMap upstream's Deployment reads its settings from (env valueFrom.configMapKeyRef).
    expect(app.spec.source.kustomize.patches.map((p: any) => p.target)).toEqual([{ kind: 'ConfigMap', name: 'notebook-controller-config' }]);
    expect(patchOf(app, 'ConfigMap')).toEqual([
      { op: 'replace', path: '/data/USE_ISTIO', value: 'false' },
      { op: 'replace', path: '/data/ENABLE_CULLING', value: 'true' },
      { op: 'replace', path: '/data/CULL_IDLE_TIME', value: '60' },
      { op: 'replace', path: '/data/IDLENESS_CHECK_PERIOD', value: '1' },
    ]);
    expect(app.spec.source.kustomize.images).toEqual([imageRef(OPERATOR_IMAGES.notebookController)]);
  });

  test('culling settings from props', () => {
    const releases = KubeflowTraining.releases({ notebooks: { cullIdleTime: Duration.hours(2), idlenessCheckPeriod: Duration.minutes(5) } });
    const ops = patchOf(find(applications(releases), 'Application', 'notebook-controller'), 'ConfigMap');
    expect(ops).toContainEqual({ op: 'replace', path: '/data/CULL_IDLE_TIME', value: '120' });
    expect(ops).toContainEqual({ op: 'replace', path: '/data/IDLENESS_CHECK_PERIOD', value: '5' });
    const off = KubeflowTraining.releases({ notebooks: { culling: false } });
    expect(patchOf(find(applications(off), 'Application', 'notebook-controller'), 'ConfigMap'))
      .toContainEqual({ op: 'replace', path: '/data/ENABLE_CULLING', value: 'false' });
  });

  test('Katib runs with a pinned runtime config that knows TrainJobs and suits restricted namespaces', () => {
    const app = find(applications(), 'Application', 'katib');
    expect(app.spec.source.targetRevision).toBe('v0.19.0');
    expect(app.spec.syncPolicy.automated.prune).toBe(false);
    const ops = patchOf(app, 'ConfigMap');
    expect(ops[0]).toMatchObject({ op: 'replace', path: '/data/katib-config.yaml' });
    expect(patchOf(app, 'Namespace')).toEqual({ $patch: 'delete', apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeflow' } });
    const config = YAML.parse(ops[0].value);
    expect(config.kind).toBe('KatibConfig');
    expect(config.init.controller.trialResources).toContain('TrainJob.v1alpha1.trainer.kubeflow.org');
    // The injected metrics collector copies the trial container's security context; suggestions get their own.
    expect(config.init.controller.injectSecurityContext).toBe(true);
    const restricted = { allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 1000, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
    for (const c of config.runtime.suggestions) expect(c.securityContext).toEqual(restricted);
    for (const c of [...config.runtime.metricsCollectors, ...config.runtime.suggestions, ...config.runtime.earlyStoppings]) {
      expect(c.image).toMatch(/^ghcr\.io\/kubeflow\/katib\/[a-z-]+:v0\.19\.0$/);
    }
    expect(config.runtime.suggestions.map((s: any) => s.algorithmName)).toEqual(expect.arrayContaining(['random', 'tpe', 'bayesianoptimization', 'grid']));
    expect(app.spec.source.kustomize.images).toContain(imageRef(OPERATOR_IMAGES.katibController));
  });

  test('Pipelines and the Spark operator on request', () => {
    const releases = KubeflowTraining.releases({ pipelines: true, sparkOperator: { jobNamespaces: ['team-a', 'team-b'] } });
    expect(releases.map((r) => r.name)).toEqual(expect.arrayContaining(['kubeflow-pipelines-cluster', 'kubeflow-pipelines', 'spark-operator']));
    const objects = applications(releases);
    const kfp = find(objects, 'Application', 'kubeflow-pipelines');
    expect(kfp.spec.source).toMatchObject({ path: OPERATOR_SOURCES.pipelines.path, targetRevision: OPERATOR_SOURCES.pipelines.revision });
    expect(Number(find(objects, 'Application', 'kubeflow-pipelines-cluster').metadata.annotations['argocd.argoproj.io/sync-wave']))
      .toBeLessThan(Number(kfp.metadata.annotations['argocd.argoproj.io/sync-wave']));
    const spark = find(objects, 'Application', 'spark-operator');
    expect(spark.spec.source).toMatchObject({ chart: 'spark-operator', targetRevision: '2.5.2' });
    expect(spark.spec.source.helm.valuesObject.spark).toEqual({ jobNamespaces: ['team-a', 'team-b'], serviceAccount: { create: false }, rbac: { create: false } });
    assertValidManifests(objects);
  });

  test('the EFA device plugin on the EFA pools, in a privileged namespace of its own', () => {
    const f = fixture();
    const releases = KubeflowTraining.releases({ efaPools: [f.h100] });
    const objects = applications(releases);
    const efa = find(objects, 'Application', 'efa-device-plugin');
    expect(efa.spec.source).toMatchObject({ repoURL: 'https://aws.github.io/eks-charts', chart: 'aws-efa-k8s-device-plugin', targetRevision: 'v0.5.30' });
    expect(efa.spec.source.helm.valuesObject.tolerations).toEqual(f.h100.tolerations());
    // The chart's node affinity is built from supportedInstanceLabels (it has no affinity value).
    expect(efa.spec.source.helm.valuesObject.supportedInstanceLabels).toEqual({ keys: ['cnai.io/pool'], values: ['gpu-h100'] });
    expect(efa.spec.source.helm.valuesObject.affinity).toBeUndefined();
    const ns = find(objects, 'Namespace', 'aws-efa-device-plugin');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(ns.metadata.annotations['cnai.io/pod-security-reason']).toMatch(/host socket/);
    assertValidManifests(objects);
  });

  test('platform releases: the defaults with the training releases configured', () => {
    const releases = KubeflowTraining.platformReleases({ pipelines: true });
    const names = releases.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['cert-manager', 'kueue', 'kserve', 'katib', 'notebook-controller', 'kubeflow-pipelines']));
    expect(names).toHaveLength(OperatorCatalogue.platformDefaults().length + 2);
  });

  test('team namespaces stay restricted; Katib\'s injection label is added on request', () => {
    expect(KubeflowTraining.TEAM_POD_SECURITY).toBe(PodSecurityLevel.RESTRICTED);
    expect(KubeflowTraining.TEAM_POD_SECURITY_REASON).toMatch(/restricted security context/);
    const f = fixture();
    KubeflowTraining.enableHyperparameterSearch(f.team);
    KubeflowTraining.enableHyperparameterSearch(f.team);
    const ns = find(objectsOf(f.chart), 'Namespace', 'team-a');
    expect(ns.metadata.labels[KATIB_INJECTION_LABEL]).toBe('enabled');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(KubeflowTraining.kubeflowNamespace).toBe('kubeflow');
    expect(KubeflowTraining.notebookController().podLabels).toEqual({ app: 'notebook-controller' });
  });

  describe('errors', () => {
    test('the Spark operator without namespaces', () => {
      expect(() => KubeflowTraining.releases({ sparkOperator: { jobNamespaces: [] } })).toThrow(/OperatorCatalogue.sparkOperator: invalid jobNamespaces = \[\]: no namespace given/);
    });

    test('a culling time that is no whole number of minutes', () => {
      expect(() => KubeflowTraining.releases({ notebooks: { cullIdleTime: Duration.seconds(90) } }))
        .toThrow(/invalid cullIdleTime = "90s": not a whole number of minutes/);
    });

    test('the EFA device plugin on a pool without EFA', () => {
      const f = fixture();
      expect(() => KubeflowTraining.releases({ efaPools: [f.h100, f.a10g] }))
        .toThrow(/OperatorCatalogue.efaDevicePlugin: invalid pools = \["gpu-a10g"\]: pools without EFA interfaces/);
    });

    test('the EFA device plugin without pools', () => {
      expect(() => KubeflowTraining.releases({ efaPools: [] })).toThrow(/OperatorCatalogue.efaDevicePlugin: invalid pools = \[\]: no pool given/);
    });

    test('Katib label on a namespace that is no team namespace', () => {
      expect(() => KubeflowTraining.enableHyperparameterSearch({ namespaceName: 'default' })).toThrow(/not a team namespace/);
    });
  });

  test('a team namespace without a queue can still be labelled', () => {
    const chart = new Chart(Testing.app(), 'c');
    const t = new TeamNamespace(chart, 'lab');
    KubeflowTraining.enableHyperparameterSearch(t);
    expect(find(Testing.synth(chart), 'Namespace', 'lab').metadata.labels[KATIB_INJECTION_LABEL]).toBe('enabled');
  });
});
