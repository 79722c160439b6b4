/**
 * The Kubernetes layer of the platform: operators as Argo CD Applications, NVIDIA GPU
 * support, two GPU pools (a managed node group from the platform contract and a Karpenter
 * NodePool, with the Karpenter controller), Kueue queues for two teams and their namespaces.
 *
 * The contract is the one of the AWS layer `CnaiAwsStack.fromSpec` builds from spec.ts (aws.ts;
 * see exampleContract), so pool labels, taints and role names are the real ones.
 *
 *   npx cdk8s synth      # dist/0000-platform-operators.k8s.yaml, 0001-node-pools.k8s.yaml, 0002-platform.k8s.yaml
 */
import { App, Chart, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { core } from 'cnai-constructs';
import {
  CapacityType, CnaiApp, CnaiKubernetesPlatform, ConsolidationPolicy, GpuNodePool, MigStrategy, NodePoolReference, OperatorCatalogue,
  PlatformAdmissionPolicies,
} from 'cnai-constructs/k8s';
import { A10G_POOL, A10G_TIME_SLICES, K8S_PLATFORM_AWS, K8S_PLATFORM_SPEC } from './spec';

/**
 * The contract of the AWS layer: the applied one when `platform-contract.json` exists next
 * to this file (`terraform output -json platform_contract > platform-contract.json`), else
 * the preview of the AWS layer of spec.ts (real names, labels, taints and identities; the
 * values known only after apply marked as pending), derived without the AWS layer.
 */
export function exampleContract(dir: string = __dirname): core.PlatformContract {
  // Karpenter launches the L40S nodes (the GpuNodePool below): the AWS layer prepares it.
  return core.ContractPreview.appliedOrPreview(dir, K8S_PLATFORM_SPEC, K8S_PLATFORM_AWS);
}

/** Builds the example app (also used by the tests). */
export function buildApp(outdir?: string): App {
  const app = new CnaiApp({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const contract = exampleContract();

  // In-cluster GPU pool: Karpenter launches L40S nodes on demand, up to 16 GPUs.
  const pools: Construct = new Chart(app, 'node-pools');
  const l40s = new GpuNodePool(pools, 'gpu-l40s', {
    families: ['g6e'],
    maxGpus: 16,
    capacityTypes: [CapacityType.ON_DEMAND, CapacityType.SPOT],
    consolidationPolicy: ConsolidationPolicy.WHEN_EMPTY,
    clusterName: contract.clusterName,
    nodeRole: contract.karpenter!.nodeRoleName,
  });
  const a10g = NodePoolReference.fromContract(contract.nodePools.find((p) => p.name === A10G_POOL)!);

  const platform = new CnaiKubernetesPlatform(app, 'platform', {
    contract,
    // The platform's operators plus the Karpenter controller the AWS side prepared.
    operatorReleases: [...OperatorCatalogue.platformDefaults(), OperatorCatalogue.karpenter({ contract })],
    nodePools: [l40s],
    // Notebooks and small models share the A10G GPUs four ways.
    gpuSharing: [{ pool: a10g, timeSlicingReplicas: A10G_TIME_SLICES, migStrategy: MigStrategy.NONE }],
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
  // The admission policies, derived from what the platform runs (it serves no model): the rules warn, the identity
  // boundaries are enforced, so the developer Roles are accepted for pod-create-workload-identity.
  PlatformAdmissionPolicies.forPlatform(platform, 'AdmissionPolicies');
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
