import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { chart, cpuPoolContract, gpuPoolContract, ofKind, one } from './helpers';
import { GpuInstanceType, NodePoolProvisioner } from '../../lib/core';
import { GpuNodePool, MigStrategy, NodePoolReference, NvidiaGpuSupport, NvidiaGpuSupportProps } from '../../lib/k8s';

const a10g = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4));
const h100 = NodePoolReference.fromContract(gpuPoolContract('gpu-h100', GpuInstanceType.P5_48XLARGE, 2));

function render(props: Partial<NvidiaGpuSupportProps> = {}) {
  const { chart: ch } = chart();
  const gpu = new NvidiaGpuSupport(ch, 'gpu', {
    pools: [a10g, h100],
    sharing: [{ pool: a10g, timeSlicingReplicas: 4 }, { pool: h100, migStrategy: MigStrategy.MIXED }],
    ...props,
  });
  return { gpu, objects: Testing.synth(ch) };
}

function configOf(objects: any[], pool: string): any {
  return YAML.parse(one(objects, 'ConfigMap', 'nvidia-device-plugin-configs').data[pool]);
}

describe('NvidiaGpuSupport', () => {
  const { gpu, objects } = render();

  test('time-slicing and MIG reach the device plugin config of their pool', () => {
    expect(configOf(objects, 'gpu-a10g')).toEqual({
      version: 'v1',
      flags: { migStrategy: 'none', failOnInitError: true },
      sharing: { timeSlicing: { renameByDefault: false, failRequestsGreaterThanOne: true, resources: [{ name: 'nvidia.com/gpu', replicas: 4 }] } },
    });
    expect(configOf(objects, 'gpu-h100')).toEqual({ version: 'v1', flags: { migStrategy: 'mixed', failOnInitError: true } });
    expect(configOf(objects, 'default')).toEqual({ version: 'v1', flags: { migStrategy: 'none', failOnInitError: true } });
    expect(gpu.schedulableGpus(a10g)).toBe(16);
    expect(gpu.schedulableGpusPerNode(a10g)).toBe(4);
    expect(gpu.schedulableGpus(h100)).toBe(16);
  });

  test('one device plugin per pool, placed with exactly the pool\'s selector and tolerations, defaulting to the pool\'s config', () => {
    for (const pool of [a10g, h100]) {
      const ds = one(objects, 'DaemonSet', `nvidia-device-plugin-${pool.poolName}`);
      const spec = ds.spec.template.spec;
      expect(spec.nodeSelector).toEqual(pool.nodeSelector());
      expect(spec.tolerations).toEqual(pool.tolerations());
      // config-manager runs once, as an init container, and signals nothing: no sidecar, no shared process namespace.
      expect(spec.containers.map((c: any) => c.name)).toEqual(['nvidia-device-plugin']);
      expect(spec.initContainers.map((c: any) => c.name)).toEqual(['config-manager-init']);
      const cm = spec.initContainers[0];
      const env = Object.fromEntries(cm.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
      expect(env).toMatchObject({ ONESHOT: 'true', NODE_LABEL: 'nvidia.com/device-plugin.config', DEFAULT_CONFIG: pool.poolName, SEND_SIGNAL: 'false' });
      expect(env.PROCESS_TO_SIGNAL).toBeUndefined();
      expect(spec.shareProcessNamespace).toBeUndefined();
      expect(cm.securityContext).toEqual({
        privileged: false,
        runAsUser: 65534,
        runAsGroup: 65534,
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(spec.volumes.find((v: any) => v.name === 'available-configs').configMap.name).toBe('nvidia-device-plugin-configs');
      // A change of the pool's config rolls its pods.
      expect(ds.spec.template.metadata.annotations['cnai.io/config-hash']).toMatch(/^[0-9a-f]{16}$/);
    }
    const hashes = [a10g, h100].map((p) => one(objects, 'DaemonSet', `nvidia-device-plugin-${p.poolName}`).spec.template.metadata.annotations['cnai.io/config-hash']);
    expect(new Set(hashes).size).toBe(2);
  });

  test('only the device plugin of a MIG pool is privileged; the others have no capabilities', () => {
    const plugin = (pool: string) => one(objects, 'DaemonSet', `nvidia-device-plugin-${pool}`).spec.template.spec.containers.find((c: any) => c.name === 'nvidia-device-plugin');
    expect(plugin('gpu-h100').securityContext.privileged).toBe(true);
    expect(plugin('gpu-a10g').securityContext).toMatchObject({ privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
    const privileged = ofKind(objects, 'DaemonSet').flatMap((d) => [...d.spec.template.spec.containers, ...(d.spec.template.spec.initContainers ?? [])]
      .filter((c: any) => c.securityContext?.privileged).map((c: any) => `${d.metadata.name}/${c.name}`));
    expect(privileged).toEqual(['nvidia-device-plugin-gpu-h100/nvidia-device-plugin']);
  });

  test('the DCGM exporter runs restricted on every GPU pool and is scraped by a ServiceMonitor', () => {
    const ds = one(objects, 'DaemonSet', 'dcgm-exporter');
    const spec = ds.spec.template.spec;
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers[0].securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.tolerations).toEqual([...a10g.tolerations(), { key: 'cnai.io/dedicated', operator: 'Equal', value: 'gpu-h100', effect: 'NoExecute' }]);
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toHaveLength(2);
    const sm = one(objects, 'ServiceMonitor', 'dcgm-exporter');
    const svc = one(objects, 'Service', 'dcgm-exporter');
    expect(sm.spec.selector.matchLabels).toEqual(svc.metadata.labels);
    expect(svc.spec.selector).toEqual(ds.spec.template.metadata.labels);
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'metrics', interval: '15s' });
    expect(svc.spec.ports[0].name).toBe('metrics');
  });

  test('the namespace is privileged with the reason recorded', () => {
    const ns = one(objects, 'Namespace', 'nvidia-gpu');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(ns.metadata.annotations['cnai.io/pod-security-reason']).toMatch(/device plugin/);
  });

  test('the namespace denies every flow but DNS, the device plugin\'s API reads and Prometheus\' scrape of the exporter', () => {
    expect(one(objects, 'Namespace', 'nvidia-gpu').metadata.labels['app.kubernetes.io/part-of']).toBe('cnai-platform');
    const policies = ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.namespace === 'nvidia-gpu');
    expect(policies.map((p) => p.metadata.name)).toEqual(['default-deny', 'allow-dns', 'device-plugin-api-server', 'dcgm-exporter-metrics']);
    expect(policies[0].spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(policies[2].spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'nvidia-device-plugin' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ protocol: 'TCP', port: 443 }] }],
    });
    expect(policies[3].spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'dcgm-exporter' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'kube-prometheus-stack-prometheus' } },
        }],
        ports: [{ protocol: 'TCP', port: 9400 }],
      }],
    });
    // The policies select the pods the DaemonSets run, and the exporter's port is the one the ServiceMonitor scrapes.
    for (const ds of ofKind(objects, 'DaemonSet')) {
      const labels = ds.spec.template.metadata.labels;
      expect(policies.slice(2).some((p) => Object.entries(p.spec.podSelector.matchLabels).every(([k, v]) => labels[k] === v))).toBe(true);
    }
    expect(one(objects, 'DaemonSet', 'dcgm-exporter').spec.template.spec.containers[0].ports).toEqual([{ name: 'metrics', containerPort: 9400, protocol: 'TCP' }]);
    expect(render({ vpcCidr: '10.20.0.0/16' }).objects.find((o) => o.metadata.name === 'device-plugin-api-server').spec.egress[0].to)
      .toEqual([{ ipBlock: { cidr: '10.20.0.0/16' } }]);
  });

  test('whole GPUs and no exporter when asked', () => {
    const r = render({ sharing: [], dcgmExporter: false });
    expect(configOf(r.objects, 'gpu-a10g')).toEqual({ version: 'v1', flags: { migStrategy: 'none', failOnInitError: true } });
    expect(ofKind(r.objects, 'ServiceMonitor')).toHaveLength(0);
    expect(r.gpu.schedulableGpus(a10g)).toBe(4);
  });

  describe('errors', () => {
    const cpu = NodePoolReference.fromContract(cpuPoolContract('system', 3));
    const cases: [string, () => unknown, RegExp][] = [
      ['time-slicing with fewer than 2 replicas', () => render({ sharing: [{ pool: a10g, timeSlicingReplicas: 1 }] }),
        /test\/gpu: invalid sharing\[0\].timeSlicingReplicas = 1: time-slicing needs at least 2 replicas per GPU/],
      ['MIG on a GPU that lacks it', () => render({ sharing: [{ pool: a10g, migStrategy: MigStrategy.SINGLE }] }),
        /invalid sharing\[0\].migStrategy = "single": pool gpu-a10g has GPUs without MIG support \(g5.2xlarge: A10G\)/],
      ['sharing for a pool that is not enabled', () => render({ pools: [h100], sharing: [{ pool: a10g, timeSlicingReplicas: 2 }] }),
        /invalid sharing\[0\].pool = "gpu-a10g": not one of the pools of NvidiaGpuSupport/],
      ['a CPU pool', () => render({ pools: [cpu], sharing: [] }), /invalid pools\[0\] = "system": not a GPU pool/],
      ['an Auto Mode pool', () => {
        const { chart: ch } = chart();
        const auto = new GpuNodePool(ch, 'auto', { families: ['g6'], maxGpus: 4, provisioner: NodePoolProvisioner.AUTO_MODE });
        return new NvidiaGpuSupport(ch, 'gpu', { pools: [auto] });
      }, /invalid pools\[0\] = "auto": EKS Auto Mode nodes run their own NVIDIA device plugin/],
      ['a pool listed twice', () => render({ pools: [a10g, a10g], sharing: [] }), /invalid pools\[1\] = "gpu-a10g": pool listed twice/],
      ['no pools', () => render({ pools: [], sharing: [] }), /invalid pools = \[\]: no GPU pool given/],
      ['a VPC block that is not a CIDR', () => render({ vpcCidr: '10.0.0.0/40' }), /invalid vpcCidr = "10.0.0.0\/40": not an IPv4 CIDR block/],
    ];
    test.each(cases)('%s', (_name, fn, message) => expect(fn).toThrow(message));
  });
});
