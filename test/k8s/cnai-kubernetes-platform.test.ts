import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { chart, contract, cpuPoolContract, gpuPoolContract, ofKind, one, synthApp } from './helpers';
import { buildApp, exampleContract } from '../../examples/k8s-platform/main';
import { GpuInstanceType, NodePoolProvisioner, PlatformContract } from '../../lib/core';
import { AlertReceiver, CnaiKubernetesPlatform, GpuNodePool, KubePrometheusStack, NodePoolReference, scheduleOnPool, TrainingJob } from '../../lib/k8s';
import { assertValidManifests } from '../../lib/verify/k8s';

const WAVE = 'argocd.argoproj.io/sync-wave';

describe('example k8s-platform', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-k8s-example-'));
  const app = buildApp(outdir);
  app.synth();
  const files = fs.readdirSync(outdir).sort();
  const objects = synthApp(app);

  test('synthesizes the operators first, then node pools and the platform', () => {
    expect(files).toEqual(['0000-platform-operators.k8s.yaml', '0001-node-pools.k8s.yaml', '0002-platform.k8s.yaml']);
  });

  test('its entire output is schema-valid (core kinds at Kubernetes 1.34, custom kinds against the pinned CRDs)', () => {
    const report = assertValidManifests(files.map((f) => ({ file: path.join(outdir, f) })), { kubernetesVersion: '1.34' });
    expect(report.objectsChecked).toBe(objects.length);
    expect(report.objectsPerKind).toMatchObject({
      // The platform defaults plus the Karpenter controller the AWS side prepares.
      'argoproj.io/v1alpha1/Application': 13,
      'karpenter.sh/v1/NodePool': 1,
      'karpenter.k8s.aws/v1/EC2NodeClass': 1,
      'kueue.x-k8s.io/v1beta2/ResourceFlavor': 3,
      'kueue.x-k8s.io/v1beta2/ClusterQueue': 2,
      'kueue.x-k8s.io/v1beta2/LocalQueue': 2,
      'monitoring.coreos.com/v1/ServiceMonitor': 1,
      'apps/v1/DaemonSet': 3,
    });
  });

  test('the L40S pool uses what the AWS layer prepared for Karpenter: its node role and controller identity', () => {
    const c = exampleContract();
    expect(one(objects, 'EC2NodeClass', 'gpu-l40s').spec.role).toBe(c.karpenter!.nodeRoleName);
    const controller = { namespace: c.karpenter!.namespace, serviceAccount: c.karpenter!.serviceAccount };
    expect(c.workloadIdentities).toContainEqual(expect.objectContaining(controller));
    expect(one(objects, 'Application', 'karpenter')).toBeDefined();
  });

  test('GPU support on both GPU pools, Kueue queues and namespaces for two teams', () => {
    expect(ofKind(objects, 'DaemonSet').map((d) => d.metadata.name).sort()).toEqual(['dcgm-exporter', 'nvidia-device-plugin-gpu-a10g', 'nvidia-device-plugin-gpu-l40s']);
    expect(ofKind(objects, 'ClusterQueue').map((q) => q.metadata.name)).toEqual(['team-vision', 'team-language']);
    for (const team of ['team-vision', 'team-language']) {
      expect(one(objects, 'LocalQueue', team).metadata.namespace).toBe(team);
      expect(one(objects, 'Namespace', team).metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    }
  });

  test('quotas add up: each namespace ceiling is its queue\'s nominal plus borrowing, and nominal quotas fit the pools', () => {
    for (const team of ['team-vision', 'team-language']) {
      const cq = one(objects, 'ClusterQueue', team);
      const gpu = cq.spec.resourceGroups[0].flavors.flatMap((f: any) => f.resources.filter((r: any) => r.name === 'nvidia.com/gpu'));
      const ceiling = gpu.reduce((a: number, r: any) => a + r.nominalQuota + r.borrowingLimit, 0);
      const quota = ofKind(objects, 'ResourceQuota').find((q) => q.metadata.namespace === team);
      expect(Number(quota.spec.hard['requests.nvidia.com/gpu'])).toBe(ceiling);
    }
    // A10G: 4 nodes x 1 GPU x 4 time-slices = 16; L40S: 16 GPUs.
    const nominal = (pool: string) => ofKind(objects, 'ClusterQueue').flatMap((q) => q.spec.resourceGroups[0].flavors)
      .filter((f: any) => f.name === pool).reduce((a: number, f: any) => a + f.resources.find((r: any) => r.name === 'nvidia.com/gpu').nominalQuota, 0);
    expect(nominal('gpu-a10g')).toBeLessThanOrEqual(16);
    expect(nominal('gpu-l40s')).toBeLessThanOrEqual(16);
  });

  test('each team namespace has default deny, and the RAG flow is open both ways', () => {
    for (const team of ['team-vision', 'team-language']) {
      const deny = ofKind(objects, 'NetworkPolicy').find((p) => p.metadata.namespace === team && p.metadata.name === 'default-deny');
      expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    }
    const from = ofKind(objects, 'NetworkPolicy').find((p) => p.metadata.namespace === 'team-vision' && p.metadata.name === 'allow-from-1');
    expect(from.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8080 }]);
    expect(ofKind(objects, 'NetworkPolicy').find((p) => p.metadata.namespace === 'team-language' && p.metadata.name === 'allow-to-1')).toBeDefined();
  });

  test('every object states its install order (sync wave)', () => {
    for (const o of objects) expect(o.metadata.annotations?.[WAVE]).toMatch(/^-?\d+$/);
    const wave = (kind: string, name: string) => Number(one(objects, kind, name).metadata.annotations[WAVE]);
    expect(wave('Application', 'kueue')).toBeLessThan(wave('ClusterQueue', 'team-vision'));
    expect(wave('Application', 'kube-prometheus-stack')).toBeLessThan(wave('ServiceMonitor', 'dcgm-exporter'));
    expect(wave('Namespace', 'team-vision')).toBeLessThan(wave('LocalQueue', 'team-vision'));
  });
});

describe('CnaiKubernetesPlatform', () => {
  const c: PlatformContract = contract([cpuPoolContract('system', 3), gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4)]);
  const a10g = NodePoolReference.fromContract(c.nodePools[1]);

  test('a workload placed on a platform pool gets exactly that pool\'s labels and tolerations', () => {
    const { app } = chart();
    const platform = new CnaiKubernetesPlatform(app, 'p', { contract: c, teams: [{ name: 't', quotas: [{ pool: a10g, gpus: 2 }] }], withoutOperators: true });
    const job = new kplus.Job(platform, 'job', { containers: [{ image: 'docker.io/library/busybox:1.37.0', resources: {} }] });
    scheduleOnPool(platform.pool('gpu-a10g'), job);
    const spec = Testing.synth(platform).find((o) => o.kind === 'Job').spec.template.spec;
    expect(spec.tolerations).toEqual(a10g.tolerations());
    const exprs = spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions;
    expect(Object.fromEntries(exprs.map((e: any) => [e.key, e.values[0]]))).toEqual(a10g.nodeSelector());
    // Kueue's flavor for the pool carries the same labels and tolerations.
    const flavor = one(Testing.synth(platform), 'ResourceFlavor', 'gpu-a10g');
    expect(flavor.spec.nodeLabels).toEqual(a10g.nodeSelector());
    expect(flavor.spec.tolerations).toEqual(a10g.tolerations());
  });

  test('in-cluster pools join the contract\'s; Auto Mode pools get queues but no device plugin', () => {
    const { app } = chart();
    const pools = new Chart(app, 'pools');
    const auto = new GpuNodePool(pools, 'gpu-auto', { families: ['g6'], maxGpus: 8, provisioner: NodePoolProvisioner.AUTO_MODE });
    const p = new CnaiKubernetesPlatform(app, 'p', { contract: c, nodePools: [auto], teams: [{ name: 't', quotas: [{ pool: auto, gpus: 8 }] }] });
    const objects = Testing.synth(p);
    expect(ofKind(objects, 'ResourceFlavor').map((f) => f.metadata.name)).toEqual(['system', 'gpu-a10g', 'gpu-auto']);
    expect(ofKind(objects, 'DaemonSet').map((d) => d.metadata.name).sort()).toEqual(['dcgm-exporter', 'nvidia-device-plugin-gpu-a10g']);
    expect(p.operators).toBeDefined();
  });

  test('the metrics backend: its release in the operators chart, the monitoring namespace\'s flows in the platform chart', () => {
    const { app } = chart();
    const stack = new KubePrometheusStack({ alertReceiver: AlertReceiver.webhook({ secretName: 'alert-webhook', key: 'url' }), retention: Duration.days(30) });
    const p = new CnaiKubernetesPlatform(app, 'p', { contract: c, teams: [{ name: 't', quotas: [{ pool: a10g, gpus: 2 }] }], metricsBackend: stack });
    expect(p.metricsBackend).toBe(stack);
    expect(p.operators!.release('kube-prometheus-stack')).toBe(stack.release);
    const application = one(Testing.synth(p.operators!), 'Application', 'kube-prometheus-stack');
    expect(application.spec.source.helm.valuesObject.prometheus.prometheusSpec.retention).toBe('30d');
    expect(application.spec.source.helm.valuesObject.alertmanager.alertmanagerSpec.secrets).toEqual(['alert-webhook']);
    const objects = Testing.synth(p);
    const monitoring = ofKind(objects, 'NetworkPolicy').filter((np) => np.metadata.namespace === 'monitoring').map((np) => np.metadata.name);
    expect(monitoring).toEqual(['default-deny', 'allow-dns', 'prometheus', 'alertmanager', 'grafana', 'prometheus-operator', 'kube-state-metrics']);
    // The receiver configured on the backend opens Alertmanager's way to it.
    expect(one(objects, 'NetworkPolicy', 'alertmanager').spec.egress[1]).toEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] });
    expect(one(objects, 'StorageClass', 'cnai-gp3-encrypted-retain').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-30');
    // Without the operators chart, nothing in monitoring.
    const bare = new CnaiKubernetesPlatform(chart().app, 'bare', { contract: c, teams: [], withoutOperators: true });
    expect(bare.monitoring).toBeUndefined();
    expect(ofKind(Testing.synth(bare), 'NetworkPolicy').filter((np) => np.metadata.namespace === 'monitoring')).toEqual([]);
  });

  test('a team without quotas gets its namespace and RBAC but no queue, and its training is refused by name', () => {
    const { app } = chart();
    const p = new CnaiKubernetesPlatform(app, 'p', {
      contract: c,
      withoutOperators: true,
      teams: [{ name: 'gpu-team', quotas: [{ pool: a10g, gpus: 2 }] }, { name: 'clients', quotas: [], developerGroups: ['client-devs'] }],
    });
    const objects = Testing.synth(p);
    expect(ofKind(objects, 'ClusterQueue').map((q) => q.metadata.name)).toEqual(['gpu-team']);
    expect(ofKind(objects, 'LocalQueue').map((q) => q.metadata.namespace)).toEqual(['gpu-team']);
    expect(one(objects, 'Namespace', 'clients').metadata.labels['cnai.io/team']).toBe('clients');
    expect(ofKind(objects, 'RoleBinding').filter((b) => b.metadata.namespace === 'clients').map((b) => b.subjects)).toContainEqual([
      { kind: 'Group', name: 'client-devs', apiGroup: 'rbac.authorization.k8s.io' },
    ]);
    expect(ofKind(objects, 'NetworkPolicy').filter((np) => np.metadata.namespace === 'clients').map((np) => np.metadata.name)).toContain('default-deny');
    expect(p.teams.clients.localQueueName).toBeUndefined();
    expect(() => new TrainingJob(p, 'train', { team: p.teams.clients, pool: p.pool('gpu-a10g') })).toThrow(
      'p/train: invalid team = "clients": the team namespace has no Kueue LocalQueue, so nothing would ever admit the workload. Fix: give the team a GPU quota '
      + '(CnaiKubernetesPlatform teams[].quotas, or the spec\'s teams[].quotas) so that the platform creates its queue, or create the TeamNamespace with a clusterQueue');
  });

  describe('errors', () => {
    const cases: [string, () => unknown, RegExp][] = [
      ['two teams with the same name', () => new CnaiKubernetesPlatform(chart().app, 'p', {
        contract: c, withoutOperators: true, teams: [{ name: 't', quotas: [{ pool: a10g, gpus: 1 }] }, { name: 't', quotas: [{ pool: a10g, gpus: 1 }] }],
      }), /p: invalid teams\[1\].name = "t": two teams have the same name/],
      ['a team name that is not a DNS-1123 label', () => new CnaiKubernetesPlatform(chart().app, 'p', {
        contract: c, withoutOperators: true, teams: [{ name: 'Vision Team', quotas: [{ pool: a10g, gpus: 1 }] }],
      }), /p: invalid teams\[0\].name = "Vision Team": not a valid DNS-1123 label .* it becomes its namespace/],
      ['a team quota above what the pools can ever hold', () => new CnaiKubernetesPlatform(chart().app, 'p', {
        contract: c, withoutOperators: true, teams: [{ name: 't', quotas: [{ pool: a10g, gpus: 5 }] }],
      }), /invalid quotas\[0\].gpus = 5: asks for more GPUs than pool gpu-a10g can ever hold/],
      ['a quota on a pool that is not the platform\'s', () => new CnaiKubernetesPlatform(chart().app, 'p', {
        contract: c,
        withoutOperators: true,
        teams: [{ name: 't', quotas: [{ pool: NodePoolReference.fromContract(gpuPoolContract('gpu-h100', GpuInstanceType.P5_48XLARGE, 1)), gpus: 1 }] }],
      }), /invalid teams\[0\].quotas\[0\].pool = "gpu-h100": not one of the platform's pools/],
      ['a pool name given twice', () => new CnaiKubernetesPlatform(chart().app, 'p', {
        contract: c, withoutOperators: true, nodePools: [a10g], teams: [],
      }), /invalid nodePools = "gpu-a10g": two pools have the same name/],
      ['an unknown pool by name', () => new CnaiKubernetesPlatform(chart().app, 'p', { contract: c, withoutOperators: true, teams: [] }).pool('gpu-x'),
        /invalid pool = "gpu-x": no such pool/],
    ];
    test.each(cases)('%s', (_name, fn, message) => expect(fn).toThrow(message));
  });

  test('the example contract is the AWS layer\'s: the system pool and the A10G node group with their real labels and taints', () => {
    const example = exampleContract();
    expect(example.nodePools.map((p) => p.name)).toEqual(['system', 'gpu-a10g']);
    const group = example.nodePools[1];
    expect(group).toMatchObject({ instanceTypes: ['g5.2xlarge'], gpusPerNode: 1, maxNodes: 4 });
    expect(group.labels).toMatchObject({ 'nvidia.com/gpu.count': '1', 'eks.amazonaws.com/capacityType': 'ON_DEMAND' });
    expect(group.taints).toEqual([{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }]);
  });
});
