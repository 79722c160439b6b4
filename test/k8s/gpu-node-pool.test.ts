import { Duration, Testing } from 'cdk8s';
import { chart, one } from './helpers';
import { GpuInstanceType, NODE_LABELS, NodePoolProvisioner, TaintEffect } from '../../lib/core';
import { KARPENTER_AMI } from '../../lib/core/versions';
import {
  CapacityType, ConsolidationPolicy, DEVICE_PLUGIN_CONFIG_LABEL, DisruptionReason, GpuNodePool, KarpenterNodeClass, karpenterDuration,
} from '../../lib/k8s';

function karpenterPool(props: Partial<ConstructorParameters<typeof GpuNodePool>[2]> = {}) {
  const { chart: ch } = chart();
  const pool = new GpuNodePool(ch, 'gpu-l4', { instanceTypes: [GpuInstanceType.G6_XLARGE, GpuInstanceType.G6_12XLARGE], maxGpus: 8, clusterName: 'c1', nodeRole: 'node-role', ...props });
  return { ch, pool, objects: Testing.synth(ch) };
}

describe('GpuNodePool', () => {
  test('documented defaults reach the NodePool', () => {
    const { pool, objects } = karpenterPool();
    expect(pool.provisioner).toBe(NodePoolProvisioner.KARPENTER);
    expect(pool.consolidationPolicy).toBe(ConsolidationPolicy.WHEN_EMPTY);
    expect(pool.capacityTypes).toEqual([CapacityType.ON_DEMAND]);
    const np = one(objects, 'NodePool', 'gpu-l4');
    expect(np.spec.disruption).toEqual({ consolidationPolicy: 'WhenEmpty', consolidateAfter: '10m', budgets: [{ nodes: '10%' }] });
    expect(np.spec.template.spec.expireAfter).toBe('720h');
    expect(np.spec.template.spec.taints).toEqual([{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }]);
    // 12 vCPUs per GPU on g6.12xlarge (48 vCPUs, 4 GPUs) is the most of the two types.
    expect(np.spec.limits).toEqual({ 'nvidia.com/gpu': 8, 'cpu': 96 });
    const req = Object.fromEntries(np.spec.template.spec.requirements.map((r: any) => [r.key, r.values]));
    expect(req['node.kubernetes.io/instance-type']).toEqual(['g6.xlarge', 'g6.12xlarge']);
    expect(req['karpenter.sh/capacity-type']).toEqual(['on-demand']);
  });

  test('node labels: pool, family, product, device plugin config; selector and tolerations are exactly them', () => {
    const { pool, objects } = karpenterPool();
    const labels = one(objects, 'NodePool', 'gpu-l4').spec.template.metadata.labels;
    expect(labels).toEqual({
      [NODE_LABELS.pool]: 'gpu-l4', [NODE_LABELS.acceleratorFamily]: 'g6', [NODE_LABELS.gpuProduct]: 'NVIDIA-L4', [DEVICE_PLUGIN_CONFIG_LABEL]: 'gpu-l4',
    });
    expect(pool.nodeSelector()).toEqual(labels);
    expect(pool.tolerations()).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    // gpu.count differs between g6.xlarge (1) and g6.12xlarge (4): not a static label.
    expect(labels[NODE_LABELS.gpuCount]).toBeUndefined();
    expect(pool.gpusPerNode).toBe(1);
    expect(pool.maxNodes).toBe(8);
  });

  test('families expand to every size of the catalogue', () => {
    const { pool } = karpenterPool({ instanceTypes: undefined, families: ['p5'], maxGpus: 16 });
    expect(pool.gpuInstanceTypes.map((t) => t.name)).toEqual(['p5.48xlarge']);
    expect(pool.nodeSelector()[NODE_LABELS.gpuCount]).toBe('8');
  });

  test('disruption settings, capacity types and taints as given', () => {
    const { objects } = karpenterPool({
      capacityTypes: [CapacityType.SPOT, CapacityType.ON_DEMAND],
      consolidationPolicy: ConsolidationPolicy.WHEN_EMPTY_OR_UNDERUTILIZED,
      consolidateAfter: Duration.minutes(30),
      expireAfter: Duration.hours(168),
      budgets: [{ nodes: '1', reasons: [DisruptionReason.UNDERUTILIZED], schedule: '0 9 * * mon-fri', duration: Duration.hours(8) }],
      taints: [{ key: 'cnai.io/training', value: 'true', effect: TaintEffect.NO_SCHEDULE }],
      weight: 10,
    });
    const np = one(objects, 'NodePool', 'gpu-l4');
    expect(np.spec.disruption).toEqual({
      consolidationPolicy: 'WhenEmptyOrUnderutilized',
      consolidateAfter: '30m',
      budgets: [{ nodes: '1', reasons: ['Underutilized'], schedule: '0 9 * * mon-fri', duration: '8h' }],
    });
    expect(np.spec.template.spec.expireAfter).toBe('168h');
    expect(np.spec.template.spec.taints).toEqual([{ key: 'cnai.io/training', value: 'true', effect: 'NoSchedule' }]);
    expect(np.spec.weight).toBe(10);
  });

  test('self-managed Karpenter: EC2NodeClass with IMDSv2 required, hop limit 1, encrypted gp3, pinned AMI', () => {
    const { objects } = karpenterPool();
    const nc = one(objects, 'EC2NodeClass', 'gpu-l4');
    expect(nc.spec.metadataOptions).toEqual({ httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 });
    expect(nc.spec.blockDeviceMappings).toEqual([{ deviceName: '/dev/xvda', rootVolume: true, ebs: { volumeType: 'gp3', volumeSize: '200Gi', encrypted: true, deleteOnTermination: true } }]);
    expect(nc.spec.amiSelectorTerms).toEqual([{ alias: KARPENTER_AMI.alias }]);
    expect(nc.spec.role).toBe('node-role');
    expect(nc.spec.subnetSelectorTerms).toEqual([{ tags: { 'karpenter.sh/discovery': 'c1' } }]);
    expect(one(objects, 'NodePool', 'gpu-l4').spec.template.spec.nodeClassRef).toEqual({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'gpu-l4' });
  });

  test('EKS Auto Mode: built-in node class, no EC2NodeClass', () => {
    const { objects, pool } = karpenterPool({ provisioner: NodePoolProvisioner.AUTO_MODE, clusterName: undefined, nodeRole: undefined });
    expect(objects.filter((o) => o.kind === 'EC2NodeClass')).toHaveLength(0);
    expect(one(objects, 'NodePool', 'gpu-l4').spec.template.spec.nodeClassRef).toEqual({ group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'default' });
    expect(pool.nodeClass).toBeUndefined();
  });

  test('a shared node class', () => {
    const { chart: ch } = chart();
    const nodeClass = new KarpenterNodeClass(ch, 'gpu', { clusterName: 'c1', nodeRole: 'r', rootVolumeGiB: 500, kmsKeyId: 'alias/ebs' });
    new GpuNodePool(ch, 'a', { families: ['g5'], maxGpus: 8, nodeClass });
    new GpuNodePool(ch, 'b', { families: ['g6'], maxGpus: 8, nodeClass });
    const objects = Testing.synth(ch);
    expect(objects.filter((o) => o.kind === 'EC2NodeClass')).toHaveLength(1);
    expect(one(objects, 'EC2NodeClass', 'gpu').spec.blockDeviceMappings[0].ebs).toMatchObject({ volumeSize: '500Gi', kmsKeyID: 'alias/ebs', encrypted: true });
  });

  test('durations render as Karpenter wants them', () => {
    expect(karpenterDuration(Duration.seconds(45))).toBe('45s');
    expect(karpenterDuration(Duration.minutes(90))).toBe('90m');
    expect(karpenterDuration(Duration.days(1))).toBe('24h');
  });

  describe('errors', () => {
    const cases: [string, () => unknown, RegExp][] = [
      ['both instanceTypes and families', () => karpenterPool({ families: ['g6'] }), /invalid instanceTypes = .*: both instanceTypes and families are given/],
      ['neither instanceTypes nor families', () => karpenterPool({ instanceTypes: [] }), /neither instanceTypes nor families is given/],
      ['unknown family', () => karpenterPool({ instanceTypes: undefined, families: ['x9'] }), /invalid families\[0\] = "x9": not a GPU instance family of the catalogue/],
      ['maxGpus below one node', () => karpenterPool({ families: undefined, instanceTypes: [GpuInstanceType.P5_48XLARGE], maxGpus: 4 }), /invalid maxGpus = 4: below the 8 GPU\(s\) of the smallest node/],
      ['no node class for Karpenter', () => karpenterPool({ clusterName: undefined }), /invalid nodeClass = undefined: self-managed Karpenter needs an EC2NodeClass/],
      ['managed node group provisioner', () => karpenterPool({ provisioner: NodePoolProvisioner.MANAGED_NODE_GROUP }), /invalid provisioner = "managed-node-group": managed node groups are created by the AWS layer/],
      ['empty capacity types', () => karpenterPool({ capacityTypes: [] }), /invalid capacityTypes = \[\]: empty/],
      ['budget nodes', () => karpenterPool({ budgets: [{ nodes: 'ten' }] }), /invalid budgets\[0\].nodes = "ten": not a node count or a percentage/],
      ['budget schedule without duration', () => karpenterPool({ budgets: [{ nodes: '1', schedule: '@daily' }] }), /invalid budgets\[0\].schedule = "@daily": schedule and duration go together/],
      ['pool name not DNS-1123', () => karpenterPool({ poolName: 'GPU pool' }), /invalid poolName = "GPU pool": not a valid DNS-1123 label/],
      ['AMI alias latest', () => new KarpenterNodeClass(chart().chart, 'n', { clusterName: 'c', nodeRole: 'r', amiAlias: 'al2023@latest' }), /invalid amiAlias = "al2023@latest": not a pinned AMI alias/],
      ['root volume too small', () => new KarpenterNodeClass(chart().chart, 'n', { clusterName: 'c', nodeRole: 'r', rootVolumeGiB: 8 }), /invalid rootVolumeGiB = 8: too small for a GPU node image/],
    ];
    test.each(cases)('%s', (_name, fn, message) => {
      expect(fn).toThrow(message);
    });
  });
});
