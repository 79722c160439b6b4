import { Testing } from 'cdk8s';
import { KarpenterNodeClass } from '../../lib/k8s/karpenter-node-class';

describe('KarpenterNodeClass', () => {
  test('defaults: named after the id, the pinned AMI, IMDSv2 with one hop, a 200 GiB encrypted gp3 root volume, discovery by the cluster tag', () => {
    const chart = Testing.chart();
    const nc = new KarpenterNodeClass(chart, 'gpu-nodes', { clusterName: 'cnai-dev', nodeRole: 'cnai-dev-karpenter-node' });
    expect(nc.name).toBe('gpu-nodes');
    expect(nc.amiAlias).toBe('al2023@v20260818');
    expect(nc.rootVolumeGiB).toBe(200);
    expect(Testing.synth(chart)).toEqual([{
      apiVersion: 'karpenter.k8s.aws/v1',
      kind: 'EC2NodeClass',
      metadata: { name: 'gpu-nodes', annotations: { 'argocd.argoproj.io/sync-wave': '0' } },
      spec: {
        role: 'cnai-dev-karpenter-node',
        amiSelectorTerms: [{ alias: 'al2023@v20260818' }],
        subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'cnai-dev' } }],
        securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'cnai-dev' } }],
        metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [{
          deviceName: '/dev/xvda',
          rootVolume: true,
          ebs: { volumeType: 'gp3', volumeSize: '200Gi', encrypted: true, deleteOnTermination: true },
        }],
        tags: { 'cnai.io/cluster': 'cnai-dev' },
      },
    }]);
  });

  test('a given name, another pinned AMI family and the smallest root volume', () => {
    const chart = Testing.chart();
    const nc = new KarpenterNodeClass(chart, 'n', { name: 'bottlerocket-gpu', clusterName: 'c', nodeRole: 'r', amiAlias: 'bottlerocket@1.42.0', rootVolumeGiB: 20 });
    const [obj] = Testing.synth(chart);
    expect(nc.amiAlias).toBe('bottlerocket@1.42.0');
    expect(obj.metadata.name).toBe('bottlerocket-gpu');
    expect(obj.spec.amiSelectorTerms).toEqual([{ alias: 'bottlerocket@1.42.0' }]);
    expect(obj.spec.blockDeviceMappings[0].ebs.volumeSize).toBe('20Gi');
  });

  test('an AMI alias without a version (exact message)', () => {
    expect(() => new KarpenterNodeClass(Testing.chart(), 'n', { clusterName: 'c', nodeRole: 'r', amiAlias: 'al2023' })).toThrow(
      'test/n: invalid amiAlias = "al2023": not a pinned AMI alias (`latest` drifts every node on each AMI release). Fix: pin an AMI release such as "al2023@v20260818".');
  });

  test('a root volume that is not a whole number of GiB (exact message)', () => {
    expect(() => new KarpenterNodeClass(Testing.chart(), 'n', { clusterName: 'c', nodeRole: 'r', rootVolumeGiB: 100.5 })).toThrow(
      'test/n: invalid rootVolumeGiB = 100.5: too small for a GPU node image. Fix: give at least 20 GiB; 200 GiB fits CUDA and model-server images.');
  });

  test('a root volume of 19 GiB', () => {
    expect(() => new KarpenterNodeClass(Testing.chart(), 'n', { clusterName: 'c', nodeRole: 'r', rootVolumeGiB: 19 })).toThrow(/invalid rootVolumeGiB = 19: too small/);
  });

  test('a name that is not a DNS-1123 subdomain', () => {
    expect(() => new KarpenterNodeClass(Testing.chart(), 'GPU_Nodes', { clusterName: 'c', nodeRole: 'r' })).toThrow(/^test\/GPU_Nodes: invalid name = "GPU_Nodes": not a valid DNS-1123 subdomain/);
  });
});
