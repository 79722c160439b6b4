import { Chart, Testing } from 'cdk8s';
import { GpuInstanceType, PredictiveModelFormat, PredictiveRuntime, PredictiveRuntimes } from '../../../lib/core';
import {
  ModelSource, NodePoolReference, PredictiveService, PredictiveServiceProps, TeamNamespace, WorkloadSelector,
} from '../../../lib/k8s';
import { KSERVE_CLUSTER_SERVING_RUNTIMES } from '../../../lib/k8s/operators/kserve';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { contract, gpuPoolContract, ofKind, one } from '../helpers';

const t4 = NodePoolReference.fromContract(gpuPoolContract('gpu-t4', GpuInstanceType.G4DN_XLARGE, 2));
const store = { ...contract([]), buckets: { models: 'cnai-test-models', datasets: 'cnai-test-datasets' } };
const source = ModelSource.fromModelStore(store, 'served/churn');

interface Setup {
  readonly chart: Chart;
  readonly team: TeamNamespace;
}

function setup(gpus = 4): Setup {
  const chart = Testing.chart();
  const team = new TeamNamespace(chart, 'team-a', { quota: { gpus, cpu: 64, memoryGiB: 256 } });
  return { chart, team };
}

function service(s: Setup, props: Partial<PredictiveServiceProps> = {}, id = 'churn'): PredictiveService {
  return new PredictiveService(s.chart, id, { format: PredictiveModelFormat.XGBOOST, source, namespace: s.team, ...props } as PredictiveServiceProps);
}

function synth(s: Setup): any[] {
  const objects = Testing.synth(s.chart);
  assertValidManifests(objects, { kubernetesVersion: '1.34' });
  return objects;
}

describe('PredictiveService', () => {
  test('every predictive runtime is one the kserve-runtimes release installs', () => {
    for (const r of PredictiveRuntimes.all()) expect(KSERVE_CLUSTER_SERVING_RUNTIMES).toContain(r.runtime);
  });

  test('an XGBoost model on CPU: the InferenceService, its runtime, storageUri, resources and probes', () => {
    const s = setup();
    service(s, { autoscaling: { minReplicas: 2, maxReplicas: 4 } });
    const isvc = one(synth(s), 'InferenceService', 'churn');
    expect(isvc.metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-wave': '1',
      'serving.kserve.io/deploymentMode': 'Standard',
      'serving.kserve.io/autoscalerClass': 'hpa',
    });
    const p = isvc.spec.predictor;
    expect(p).toMatchObject({
      minReplicas: 2,
      maxReplicas: 4,
      scaleMetric: 'cpu',
      scaleTarget: 70,
      serviceAccountName: 'churn',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: { runAsNonRoot: true, runAsUser: 2000, seccompProfile: { type: 'RuntimeDefault' } },
    });
    expect(p.nodeSelector).toBeUndefined();
    expect(p.tolerations).toBeUndefined();
    expect(p.model).toMatchObject({
      modelFormat: { name: 'xgboost' },
      runtime: 'kserve-xgbserver',
      protocolVersion: 'v1',
      storageUri: 's3://cnai-test-models/served/churn/',
      args: ['--nthread=1'],
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      env: [{ name: 'HOME', value: '/tmp' }, { name: 'AWS_REGION', value: 'us-west-2' }, { name: 'AWS_DEFAULT_REGION', value: 'us-west-2' }],
      securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    });
    expect(p.model.resources).toEqual({
      requests: { 'cpu': '1', 'memory': '2Gi', 'ephemeral-storage': '4Gi' },
      limits: { cpu: '1', memory: '2Gi' },
    });
    expect(p.model.startupProbe).toEqual({ httpGet: { path: '/v1/models/churn', port: 8080 }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 });
    expect(p.model.readinessProbe).toEqual({ httpGet: { path: '/v1/models/churn', port: 8080 }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(p.model.livenessProbe).toEqual({ httpGet: { path: '/', port: 8080 }, periodSeconds: 15, timeoutSeconds: 10, failureThreshold: 4 });
  });

  test('ONNX on a GPU pool: Triton, V2 health, a GPU, the pool\'s selector and taint, metrics on 8002', () => {
    const s = setup();
    const svc = service(s, { format: PredictiveModelFormat.ONNX, pool: t4, cpu: 2, memoryGiB: 8 });
    const objects = synth(s);
    const p = one(objects, 'InferenceService', 'churn').spec.predictor;
    expect(svc.runtime.runtime).toBe('kserve-tritonserver');
    expect(p.model.runtime).toBe('kserve-tritonserver');
    expect(p.model.protocolVersion).toBe('v2');
    expect(p.model.args).toBeUndefined();
    expect(p.model.resources.limits).toEqual({ 'cpu': '2', 'memory': '8Gi', 'nvidia.com/gpu': '1' });
    expect(p.model.readinessProbe.httpGet).toEqual({ path: '/v2/health/ready', port: 8080 });
    expect(p.model.livenessProbe.httpGet).toEqual({ path: '/v2/health/live', port: 8080 });
    expect(p.model.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'metrics', containerPort: 8002, protocol: 'TCP' }]);
    expect(p.nodeSelector).toEqual(t4.nodeSelector());
    expect(p.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'cnai.io/dedicated', operator: 'Equal', value: 'gpu-t4', effect: 'NoExecute' },
    ]);
    const metrics = one(objects, 'NetworkPolicy', 'churn-metrics');
    expect(metrics.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8002 }]);
    expect(one(objects, 'PodMonitor', 'churn').spec.podMetricsEndpoints[0].port).toBe('metrics');
  });

  test('a runtime named for a format it does not serve is an error', () => {
    expect(() => service(setup(), { format: PredictiveModelFormat.SKLEARN, runtime: PredictiveRuntime.XGBOOST_SERVER }))
      .toThrow('test/churn: invalid runtime = "kserve-xgbserver": kserve-xgbserver does not serve sklearn models (it declares xgboost). '
        + 'Fix: use a runtime that serves sklearn: kserve-sklearnserver, kserve-predictiveserver, kserve-mlserver, or leave the runtime out for kserve-sklearnserver.');
  });

  test('a runtime that serves the format is taken: sklearn on MLServer speaks V2', () => {
    const s = setup();
    service(s, { format: PredictiveModelFormat.SKLEARN, runtime: PredictiveRuntime.MLSERVER });
    service(s, { format: PredictiveModelFormat.LIGHTGBM, runtime: PredictiveRuntime.PREDICTIVE_SERVER }, 'ltv');
    const objects = synth(s);
    const isvc = one(objects, 'InferenceService', 'churn');
    expect(isvc.spec.predictor.model).toMatchObject({ modelFormat: { name: 'sklearn' }, runtime: 'kserve-mlserver', protocolVersion: 'v2' });
    // The runtimes' templates: MLServer's {{.Labels.modelClass}}, the predictive server's {{.Annotations.modelFormat}}.
    expect(isvc.metadata.labels.modelClass).toBe('mlserver_sklearn.SKLearnModel');
    expect(one(objects, 'InferenceService', 'ltv').metadata.annotations.modelFormat).toBe('lightgbm');
  });

  test('NetworkPolicies: the scraper and named clients in on the server port, out only DNS, Pod Identity and HTTPS', () => {
    const s = setup();
    const svc = service(s, { allowFrom: [s.team.workloads({ app: 'crm-api' })] });
    const objects = synth(s);
    const metrics = one(objects, 'NetworkPolicy', 'churn-metrics');
    expect(metrics.spec).toEqual({
      podSelector: { matchLabels: { 'cnai.io/predictive-service': 'churn' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'kube-prometheus-stack-prometheus' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      }],
    });
    expect(one(objects, 'NetworkPolicy', 'churn-egress').spec).toEqual({
      podSelector: { matchLabels: { 'cnai.io/predictive-service': 'churn' } },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
        { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }, { ipBlock: { cidr: 'fd00:ec2::23/128' } }], ports: [{ protocol: 'TCP', port: 80 }] },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] },
      ],
    });
    // The team opens the client's flow (both sides) within its namespace.
    const flows = ofKind(objects, 'NetworkPolicy').filter((n) => JSON.stringify(n.spec).includes('crm-api'));
    expect(flows.length).toBeGreaterThan(0);
    expect(JSON.stringify(flows)).toContain('"cnai.io/predictive-service":"churn"');
    expect(svc.workloads()).toBeInstanceOf(WorkloadSelector);
  });

  test('PDB, ServiceAccount and PodMonitor', () => {
    const s = setup();
    const svc = service(s, { replicas: 2, cpu: 4.5 });
    const objects = synth(s);
    expect(one(objects, 'PodDisruptionBudget', 'churn-predictor').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'cnai.io/predictive-service': 'churn' } } });
    expect(one(objects, 'ServiceAccount', 'churn').automountServiceAccountToken).toBe(false);
    expect(one(objects, 'PodMonitor', 'churn').spec.podMetricsEndpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
    const p = one(objects, 'InferenceService', 'churn').spec.predictor;
    expect([p.minReplicas, p.maxReplicas, p.scaleMetric]).toEqual([2, 2, undefined]);
    // xgbserver's threads follow the replica's whole vCPUs.
    expect(p.model.args).toEqual(['--nthread=4']);
    expect(svc.baseUrl).toBe('http://churn-predictor.team-a.svc');
  });

  describe('errors', () => {
    test('a Hugging Face source', () => {
      expect(() => service(setup(), { source: ModelSource.huggingFace('org/model') })).toThrow(/source = "hf:\/\/org\/model": predictive runtimes load a model directory/);
    });
    test('a source that is not a ModelSource', () => {
      expect(() => service(setup(), { source: 's3://x/y' as unknown as ModelSource })).toThrow(/source = "<string, not shown>": not a ModelSource/);
    });
    test('a name too long for KServe\'s Service', () => {
      expect(() => service(setup(), { name: 'a'.repeat(54) })).toThrow(/must stay within 63 characters/);
    });
    test('cpu not positive', () => {
      expect(() => service(setup(), { cpu: 0 })).toThrow(/cpu = 0: not a positive number/);
    });
    test('memoryGiB not positive', () => {
      expect(() => service(setup(), { memoryGiB: -1 })).toThrow(/memoryGiB = -1: not a positive number/);
    });
    test('diskGiB not whole', () => {
      expect(() => service(setup(), { diskGiB: 1.5 })).toThrow(/diskGiB = 1.5: not a whole number of GiB/);
    });
    test('gpus without a pool', () => {
      expect(() => service(setup(), { gpus: 1 })).toThrow(/gpus = 1: GPUs need a GPU pool/);
    });
    test('more GPUs than a node has', () => {
      expect(() => service(setup(), { format: PredictiveModelFormat.ONNX, pool: t4, gpus: 2 })).toThrow(/gpus = 2: not a whole number from 1 to the GPUs of one node of pool gpu-t4 \(1\)/);
    });
    test('a GPU for a CPU-only runtime', () => {
      expect(() => service(setup(), { pool: t4 })).toThrow(/pool = "gpu-t4": kserve-xgbserver runs on CPU only/);
    });
    test('replicas and autoscaling both', () => {
      expect(() => service(setup(), { replicas: 2, autoscaling: { maxReplicas: 3 } })).toThrow(/replicas = 2: a fixed count and autoscaling are both given/);
    });
    test('replicas below 1', () => {
      expect(() => service(setup(), { replicas: 0 })).toThrow(/replicas = 0: not a whole number of at least 1/);
    });
    test('maxReplicas below minReplicas', () => {
      expect(() => service(setup(), { autoscaling: { minReplicas: 3, maxReplicas: 2 } })).toThrow(/autoscaling.maxReplicas = 2: must be whole numbers/);
    });
    test('a CPU target outside 1..100', () => {
      expect(() => service(setup(), { autoscaling: { maxReplicas: 2, targetCpuUtilization: 150 } })).toThrow(/targetCpuUtilization = 150: not a whole percentage/);
    });
    test('GPUs over the team\'s quota', () => {
      expect(() => service(setup(1), { format: PredictiveModelFormat.ONNX, pool: t4, autoscaling: { maxReplicas: 2 } }))
        .toThrow(/autoscaling.maxReplicas = 2: 2 replicas x 1 GPU = 2 GPUs, more than the GPU quota of namespace team-a \(1\)/);
    });
    test('no workload identity in the contract for an S3 model', () => {
      expect(() => service(setup(), { contract: store })).toThrow(/serviceAccountName = "team-a\/churn": the contract has no workload identity for it/);
    });
  });
});
