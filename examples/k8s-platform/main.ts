/**
 * The Kubernetes layer of the platform: operators as Argo CD Applications, NVIDIA GPU
 * support, two GPU pools (a managed node group from the platform contract and a Karpenter
 * NodePool), Kueue queues for two teams and their namespaces.
 *
 *   npx cdk8s synth      # writes dist/0000-platform-operators.k8s.yaml, dist/0001-platform.k8s.yaml
 */
import { App, Chart, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { core } from '../../lib';
import {
  CapacityType, CnaiKubernetesPlatform, ConsolidationPolicy, GpuNodePool, MigStrategy, NodePoolReference,
} from '../../lib/k8s';

const { GpuInstanceType, NODE_LABELS, NodePoolProvisioner, PlatformNaming, TaintEffect } = core;

/** The platform contract as the AWS layer outputs it (here: written out for the example). */
export function exampleContract(): core.PlatformContract {
  const naming = new PlatformNaming({ platformName: 'cnai', environment: 'dev', region: 'us-west-2', accountId: '123456789012' });
  const a10g = GpuInstanceType.G5_2XLARGE;
  return {
    platformName: naming.platformName,
    environment: naming.environment,
    region: naming.region,
    accountId: naming.accountId,
    clusterName: naming.clusterName,
    kubernetesVersion: '1.34',
    buckets: { models: naming.bucketName('models'), datasets: naming.bucketName('datasets') },
    nodePools: [
      {
        name: 'system',
        provisioner: NodePoolProvisioner.MANAGED_NODE_GROUP,
        instanceTypes: ['m7i.xlarge'],
        labels: { [NODE_LABELS.pool]: 'system', [NODE_LABELS.acceleratorFamily]: 'cpu' },
        taints: [],
        gpusPerNode: 0,
        gpuMemoryGiB: 0,
        efa: false,
        maxNodes: 4,
      },
      {
        name: 'gpu-a10g',
        provisioner: NodePoolProvisioner.MANAGED_NODE_GROUP,
        instanceTypes: [a10g.name],
        labels: {
          [NODE_LABELS.pool]: 'gpu-a10g',
          [NODE_LABELS.acceleratorFamily]: a10g.family,
          [NODE_LABELS.gpuProduct]: a10g.gpuProduct,
        },
        taints: [{ key: 'nvidia.com/gpu', effect: TaintEffect.NO_SCHEDULE }],
        gpusPerNode: a10g.gpuCount,
        gpuMemoryGiB: a10g.gpuMemoryGiB,
        efa: false,
        maxNodes: 4,
      },
    ],
    workloadIdentities: [],
  };
}

/** Builds the example app (also used by the tests). */
export function buildApp(outdir?: string): App {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const contract = exampleContract();

  // In-cluster GPU pool: Karpenter launches L40S nodes on demand, up to 16 GPUs.
  const pools: Construct = new Chart(app, 'node-pools');
  const l40s = new GpuNodePool(pools, 'gpu-l40s', {
    families: ['g6e'],
    maxGpus: 16,
    capacityTypes: [CapacityType.ON_DEMAND, CapacityType.SPOT],
    consolidationPolicy: ConsolidationPolicy.WHEN_EMPTY,
    clusterName: contract.clusterName,
    nodeRole: new PlatformNaming(contract).roleName('karpenter-node'),
  });
  const a10g = NodePoolReference.fromContract(contract.nodePools.find((p) => p.name === 'gpu-a10g')!);

  const platform = new CnaiKubernetesPlatform(app, 'platform', {
    contract,
    nodePools: [l40s],
    // Notebooks and small models share the A10G GPUs four ways.
    gpuSharing: [{ pool: a10g, timeSlicingReplicas: 4, migStrategy: MigStrategy.NONE }],
    teams: [
      {
        name: 'team-vision',
        quotas: [{ pool: a10g, gpus: 8 }, { pool: l40s, gpus: 8 }],
        developerGroups: ['vision-developers'],
        viewerGroups: ['platform-viewers'],
      },
      {
        name: 'team-language',
        quotas: [{ pool: a10g, gpus: 4 }, { pool: l40s, gpus: 8, gpuBorrowingLimit: 4 }],
        developerGroups: ['language-developers'],
      },
    ],
  });
  // Node pools are custom resources too: after the operators, with the platform.
  (pools as Chart).addDependency(platform.operators!);

  // The language team's RAG service calls the vision team's embedding server.
  const vision = platform.teams['team-vision'];
  const language = platform.teams['team-language'];
  vision.allowFrom(language.workloads({ app: 'rag-api' }), 8080, vision.workloads({ app: 'embeddings' }));
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
