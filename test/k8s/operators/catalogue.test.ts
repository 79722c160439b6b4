import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { GpuInstanceType, KARPENTER, karpenterInterruptionQueueName, PlatformContract, TaintEffect } from '../../../lib/core';
import { OPERATORS, OPERATOR_SOURCES } from '../../../lib/core/versions';
import {
  ArgoCdApplications, GpuNodePool, InstallPhase, isPinnedVersion, NodePoolReference, OperatorCatalogue, OperatorRelease, PlatformOperators,
  PodSecurityLevel, ReleaseSource, syncWaveOf,
} from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { chart, contract as platformContract, cpuPoolContract, gpuPoolContract, ofKind, one } from '../helpers';

const WAVE = 'argocd.argoproj.io/sync-wave';

function renderDefaults() {
  const { app } = chart();
  const ops = new PlatformOperators(app, 'operators');
  return { ops, objects: Testing.synth(ops) };
}

describe('operator catalogue and Argo CD renderer', () => {
  const { ops, objects } = renderDefaults();
  const apps = ofKind(objects, 'Application');

  test('one Application per release of the platform defaults', () => {
    expect(apps.map((a) => a.metadata.name).sort()).toEqual([
      'cert-manager', 'external-secrets', 'katib', 'keda', 'kserve', 'kserve-runtimes', 'kube-prometheus-stack', 'kubeflow-trainer', 'kubeflow-trainer-runtimes', 'kueue',
      'notebook-controller', 'opentelemetry-operator',
    ]);
    for (const a of apps) {
      expect(a.apiVersion).toBe('argoproj.io/v1alpha1');
      expect(a.metadata.namespace).toBe('argocd');
      expect(a.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: ops.release(a.metadata.name)!.namespace });
    }
  });

  test('every Application points at a pinned version: no HEAD, latest, branch or range', () => {
    for (const a of apps) {
      const rev = a.spec.source.targetRevision;
      expect(typeof rev).toBe('string');
      expect(rev).not.toMatch(/^(HEAD|latest|main|master)$/i);
      expect(rev).not.toMatch(/[\^~*<>=|\s]|(^|\.)x(\.|$)/);
      expect(rev).toMatch(/^v?\d+\.\d+\.\d+$/);
      for (const image of a.spec.source.kustomize?.images ?? []) expect(image).toMatch(/:v?\d+\.\d+\.\d+$/);
    }
    expect(JSON.stringify(objects)).not.toMatch(/:latest\b|@latest\b/);
  });

  test('operators whose CRDs the verifier checks run exactly those versions', () => {
    const rev = (name: string) => one(apps, 'Application', name).spec.source.targetRevision;
    expect(rev('kueue')).toBe(OPERATORS.kueue.version.replace(/^v/, ''));
    expect(rev('keda')).toBe(OPERATORS.keda.version.replace(/^v/, ''));
    expect(rev('kserve')).toBe(OPERATORS.kserve.version);
    expect(rev('kubeflow-trainer')).toBe(OPERATORS.trainer.version);
    expect(rev('kubeflow-trainer-runtimes')).toBe(OPERATORS.trainer.version);
    expect(rev('katib')).toBe(OPERATORS.katib.version);
    expect(rev('notebook-controller')).toBe(OPERATORS.notebooks.version);
    // kube-prometheus-stack 88.3.0 ships operator v0.93.0 (its appVersion, checked against the chart in kube-prometheus-stack.test.ts).
    expect(rev('kube-prometheus-stack')).toBe('88.3.0');
    // The OpenTelemetry operator comes from its chart: chart 0.122.0 runs the operator release v0.158.0.
    expect(rev('opentelemetry-operator')).toBe('0.122.0');
    expect(one(apps, 'Application', 'opentelemetry-operator').spec.source.helm.valuesObject.manager.image.tag)
      .toBe(OPERATORS.opentelemetryOperator.version.replace(/^v/, ''));
  });

  test('sync waves put CRDs and webhooks before the custom resources that need them', () => {
    const wave = (name: string) => Number(one(apps, 'Application', name).metadata.annotations[WAVE]);
    expect(wave('cert-manager')).toBeLessThan(wave('kserve'));
    expect(wave('cert-manager')).toBeLessThan(wave('opentelemetry-operator'));
    expect(wave('kube-prometheus-stack')).toBeLessThan(wave('kueue'));
    expect(wave('kubeflow-trainer')).toBeLessThan(wave('kubeflow-trainer-runtimes'));
    // KServe's webhooks are failurePolicy Fail: its runtimes after its controller.
    expect(wave('kserve')).toBeLessThan(wave('kserve-runtimes'));
    expect(wave('kserve-runtimes')).toBeLessThan(syncWaveOf(InstallPhase.PLATFORM));
    expect(wave('kubeflow-trainer-runtimes')).toBeLessThan(syncWaveOf(InstallPhase.PLATFORM));
    for (const ns of ofKind(objects, 'Namespace')) expect(Number(ns.metadata.annotations[WAVE])).toBeLessThan(wave('cert-manager'));
  });

  test('automated sync; prune and the cascade finalizer off for releases that hold state', () => {
    for (const a of apps) {
      const stateful = ['cert-manager', 'katib'].includes(a.metadata.name);
      expect(a.spec.syncPolicy.automated).toEqual({ prune: !stateful, selfHeal: true });
      expect(a.metadata.finalizers).toEqual(stateful ? undefined : ['resources-finalizer.argocd.argoproj.io']);
    }
  });

  test('server-side apply where CRDs are large', () => {
    const ssa = apps.filter((a) => a.spec.syncPolicy.syncOptions.includes('ServerSideApply=true')).map((a) => a.metadata.name);
    expect(ssa).toEqual(expect.arrayContaining(['kserve', 'kubeflow-trainer', 'kube-prometheus-stack', 'opentelemetry-operator', 'notebook-controller']));
  });

  test('Helm sources: chart, version and values; OCI charts through a repository declaration', () => {
    const kueue = one(apps, 'Application', 'kueue').spec.source;
    expect(kueue).toEqual({
      repoURL: 'registry.k8s.io/kueue/charts',
      chart: 'kueue',
      targetRevision: OPERATOR_SOURCES.kueue.version,
      helm: {
        releaseName: 'kueue',
        valuesObject: {
          enableCertManager: false,
          enablePrometheus: true,
          controllerManager: { manager: { image: { repository: 'registry.k8s.io/kueue/kueue', tag: 'v0.19.2', pullPolicy: 'IfNotPresent' } } },
        },
      },
    });
    const secret = ofKind(objects, 'Secret');
    expect(secret).toHaveLength(1);
    expect(secret[0].metadata.labels).toEqual({ 'argocd.argoproj.io/secret-type': 'repository' });
    expect(secret[0].stringData).toEqual({ type: 'helm', name: 'registry.k8s.io/kueue/charts', url: 'registry.k8s.io/kueue/charts', enableOCI: 'true' });
    expect(one(apps, 'Application', 'cert-manager').spec.source.helm.valuesObject.crds).toEqual({ enabled: true, keep: true });
  });

  test('kustomize sources: path, namespace, images and patches as the Application carries them', () => {
    const kserve = one(apps, 'Application', 'kserve').spec.source;
    expect(kserve.repoURL).toBe('https://github.com/kserve/kserve');
    expect(kserve.path).toBe('config/overlays/standalone/kserve');
    expect(kserve.kustomize.namespace).toBe('kserve');
    expect(kserve.kustomize.images).toEqual([
      'kserve/kserve-controller=docker.io/kserve/kserve-controller:v0.20.0',
      'kserve/storage-initializer=docker.io/kserve/storage-initializer:v0.20.0',
    ]);
    expect(kserve.kustomize.patches.map((p: any) => p.target)).toEqual([
      { kind: 'Namespace', name: 'kserve' }, { kind: 'ConfigMap', name: 'inferenceservice-config' }, { kind: 'ClusterStorageContainer', name: 'default' },
    ]);
    expect(JSON.parse(YAML.parse(kserve.kustomize.patches[1].patch)[0].value)).toEqual({ defaultDeploymentMode: 'Standard' });
    const runtimes = one(apps, 'Application', 'kserve-runtimes').spec.source;
    expect(runtimes.path).toBe('config/runtimes');
    expect(runtimes.kustomize.patches.map((p: any) => p.target)).toEqual([{ kind: 'ClusterServingRuntime', name: 'kserve-huggingfaceserver-multinode' }]);
    expect(one(apps, 'Application', 'katib').spec.source.kustomize.images).toHaveLength(3);
    // Pipelines' Namespace is named by a replacement after patches: its patch targets the kind.
    const { chart: ch } = chart();
    new ArgoCdApplications(ch, 'argo', { releases: [OperatorCatalogue.pipelinesClusterResources()] });
    expect(one(Testing.synth(ch), 'Application', 'kubeflow-pipelines-cluster').spec.source.kustomize.patches[0].target).toEqual({ kind: 'Namespace' });
  });

  test('every kustomize release the platform installs deletes the upstream Namespace the platform declares', () => {
    const declared = new Set(ofKind(objects, 'Namespace').map((n) => n.metadata.name));
    for (const name of ['kserve', 'kubeflow-trainer', 'katib']) {
      const patches = one(apps, 'Application', name).spec.source.kustomize.patches;
      const deleted = patches.filter((p: any) => p.target.kind === 'Namespace').map((p: any) => YAML.parse(p.patch));
      expect(deleted).toHaveLength(1);
      expect(deleted[0].$patch).toBe('delete');
      expect(declared.has(deleted[0].metadata.name)).toBe(true);
    }
  });

  test('release namespaces are declared with Pod Security labels and reasons', () => {
    const ns = ofKind(objects, 'Namespace');
    expect(ns.map((n) => n.metadata.name).sort()).toEqual(
      ['cert-manager', 'external-secrets', 'keda', 'kserve', 'kubeflow', 'kubeflow-system', 'kueue-system', 'monitoring', 'opentelemetry-operator-system']);
    const cm = one(ns, 'Namespace', 'cert-manager');
    expect(cm.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(cm.metadata.labels['pod-security.kubernetes.io/enforce-version']).toBe('v1.36');
    const kubeflow = one(ns, 'Namespace', 'kubeflow');
    expect(kubeflow.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(kubeflow.metadata.labels['pod-security.kubernetes.io/warn']).toBe('restricted');
    expect(kubeflow.metadata.annotations['cnai.io/pod-security-reason']).toMatch(/katib: .*; notebook-controller: /);
  });

  test('NVIDIA charts place their agents with the pools\' selectors and tolerations', () => {
    const pool = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_XLARGE, 2));
    const dp = OperatorCatalogue.nvidiaDevicePlugin({ pools: [pool], configMapName: 'nvidia-device-plugin-configs', defaultConfig: 'gpu-a10g' });
    expect(dp.values.tolerations).toEqual(pool.tolerations());
    expect(dp.values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions)
      .toEqual(Object.entries(pool.nodeSelector()).map(([key, v]) => ({ key, operator: 'In', values: [v] })));
    expect(dp.values.config).toEqual({ name: 'nvidia-device-plugin-configs', default: 'gpu-a10g' });
    expect(dp.values.gfd).toEqual({ enabled: true });
    expect(dp.podSecurity).toBe(PodSecurityLevel.PRIVILEGED);
    // The GPU operator left the catalogue: no vendored artifact to check a release against.
    expect((OperatorCatalogue as any).gpuOperator).toBeUndefined();
    expect(OperatorCatalogue.dcgmExporter({ pools: [pool] }).values.serviceMonitor).toEqual({ enabled: true });
  });

  test.each([['1.2.3', true], ['v0.19.2', true], ['HEAD', false], ['latest', false], ['^1.2.0', false], ['~1.2', false], ['1.x', false], ['>=1.0.0', false], ['main', false], ['', false]])(
    'isPinnedVersion(%p) is %p', (v, ok) => expect(isPinnedVersion(v)).toBe(ok));

  describe('errors', () => {
    const cert = OperatorCatalogue.certManager();
    const cases: [string, () => unknown, RegExp][] = [
      ['range version', () => ReleaseSource.helmChart({ ...OPERATOR_SOURCES.certManager, version: '^1.20.0' }),
        /ReleaseSource\(cert-manager\): invalid version = "\^1.20.0": not an exact version/],
      ['HEAD revision', () => ReleaseSource.gitKustomize({ ...OPERATOR_SOURCES.kserve, revision: 'HEAD' }), /invalid version = "HEAD": not an exact version/],
      ['two releases with the same name', () => new ArgoCdApplications(chart().chart, 'a', { releases: [cert, cert] }),
        /invalid releases\[1\].name = "cert-manager": two releases have the same name/],
      ['chart directory with Argo CD', () => new ArgoCdApplications(chart().chart, 'a', {
        releases: [new OperatorRelease({ name: 'local', namespace: 'x', source: ReleaseSource.helmDirectory('./charts/x', '1.0.0'), phase: InstallPhase.OPERATORS })],
      }), /invalid releases\[0\].source = ".\/charts\/x": Argo CD cannot read a chart directory of this machine/],
      ['Helm values on a kustomize source', () => new OperatorRelease({
        name: 'k', namespace: 'k', source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.katib), phase: InstallPhase.OPERATORS, values: { a: 1 },
      }), /OperatorRelease\(k\): invalid values = \{"a":1\}: a kustomize source takes no Helm values/],
      ['release namespace not DNS-1123', () => new OperatorRelease({ name: 'k', namespace: 'Kube_Flow', source: ReleaseSource.helmChart(OPERATOR_SOURCES.keda), phase: InstallPhase.OPERATORS }),
        /invalid namespace = "Kube_Flow": not a valid DNS-1123 label/],
    ];
    test.each(cases)('%s', (_name, fn, message) => expect(fn).toThrow(message));
  });
});

describe('OperatorCatalogue.karpenter', () => {
  // A dedicated system pool, as the AWS layer's SystemNodePool describes it.
  const systemContract = {
    ...cpuPoolContract('system', 6),
    labels: { 'cnai.io/pool': 'system', 'cnai.io/accelerator-family': 'cpu', 'eks.amazonaws.com/capacityType': 'ON_DEMAND' },
    taints: [{ key: 'CriticalAddonsOnly', value: 'true', effect: TaintEffect.NO_SCHEDULE }],
  };
  const withKarpenter: PlatformContract = {
    ...platformContract([systemContract, gpuPoolContract('gpu-a10g', GpuInstanceType.G5_XLARGE, 2)]),
    karpenter: {
      namespace: KARPENTER.namespace,
      serviceAccount: KARPENTER.serviceAccount,
      nodeRoleName: 'cnai-test-karpenter-node',
      interruptionQueueName: karpenterInterruptionQueueName('cnai-test'),
    },
  };

  test('pinned OCI chart; cluster name, interruption queue and service account from the contract; on the system pool', () => {
    const r = OperatorCatalogue.karpenter({ contract: withKarpenter });
    expect(r.namespace).toBe('karpenter');
    expect(r.source.repoUrl).toBe('oci://public.ecr.aws/karpenter');
    expect(r.source.chart).toBe('karpenter');
    expect(r.source.version).toBe('1.14.1');
    expect(OPERATOR_SOURCES.karpenter.version).toBe(OPERATORS.karpenter.version.replace(/^v/, ''));
    expect(r.values.settings).toEqual({ clusterName: 'cnai-test', interruptionQueue: 'cnai-test-karpenter' });
    expect(r.values.serviceAccount).toEqual({ create: true, name: 'karpenter' });
    expect(r.values.replicas).toBe(2);
    expect(r.values.controller.resources).toEqual({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
    const system = NodePoolReference.fromContract(systemContract);
    expect(r.values.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', ...system.nodeSelector() });
    expect(r.values.tolerations).toEqual([{ key: 'CriticalAddonsOnly', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
    expect(r.podSecurity).toBe(PodSecurityLevel.RESTRICTED);
    expect(r.phase).toBe(InstallPhase.OPERATORS);
    expect(OperatorCatalogue.platformDefaults().map((x) => x.name)).not.toContain('karpenter');

    // Without interruption handling the setting stays unset (the chart's default: off).
    const noQueue = OperatorCatalogue.karpenter({
      contract: { ...withKarpenter, karpenter: { ...withKarpenter.karpenter!, interruptionQueueName: undefined } },
    });
    expect(noQueue.values.settings).toEqual({ clusterName: 'cnai-test' });

    const { chart: ch } = chart();
    new ArgoCdApplications(ch, 'argo', { releases: [r] });
    const objects = Testing.synth(ch);
    const app = one(objects, 'Application', 'karpenter');
    expect(app.spec.source).toMatchObject({ repoURL: 'public.ecr.aws/karpenter', chart: 'karpenter', targetRevision: '1.14.1' });
    expect(app.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    expect(one(objects, 'Namespace', 'karpenter').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    assertValidManifests(objects, { kubernetesVersion: '1.34' });
  });

  describe('errors', () => {
    const gpuOnly = { ...withKarpenter, nodePools: [gpuPoolContract('gpu-a10g', GpuInstanceType.G5_XLARGE, 2)] };
    const karpenterPool = new GpuNodePool(chart().chart, 'gpu', {
      instanceTypes: [GpuInstanceType.G5_XLARGE], maxGpus: 1, clusterName: 'cnai-test', nodeRole: 'cnai-test-karpenter-node',
    });
    const cases: [string, () => unknown, RegExp][] = [
      ['contract without karpenter', () => OperatorCatalogue.karpenter({ contract: platformContract([systemContract]) }),
        /OperatorCatalogue.karpenter: invalid contract.karpenter = undefined: the AWS layer did not prepare Karpenter.*set karpenter: \{\} on CnaiAwsStack/],
      ['kube-system namespace', () => OperatorCatalogue.karpenter({ contract: { ...withKarpenter, karpenter: { ...withKarpenter.karpenter!, namespace: 'kube-system' } } }),
        /invalid contract.karpenter.namespace = "kube-system": release namespaces are declared with a Pod Security level/],
      ['no system pool in the contract', () => OperatorCatalogue.karpenter({ contract: gpuOnly }),
        /invalid systemPool = undefined: the contract has no managed node group without GPUs/],
      ['controller on a Karpenter pool', () => OperatorCatalogue.karpenter({ contract: withKarpenter, systemPool: karpenterPool }),
        /invalid systemPool = "gpu": a karpenter pool; Karpenter would run on nodes it \(or Auto Mode\) may remove/],
      ['zero replicas', () => OperatorCatalogue.karpenter({ contract: withKarpenter, replicas: 0 }), /invalid replicas = 0: not a positive whole number/],
    ];
    test.each(cases)('%s', (_name, fn, message) => expect(fn).toThrow(message));
  });
});
