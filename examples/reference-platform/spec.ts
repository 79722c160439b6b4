/**
 * The reference platform, described once. `main.ts` synthesizes both layers from it:
 * Terraform for AWS (CnaiAwsStack.fromSpec) and manifests for Kubernetes (CnaiPlatform).
 * Replace the account, region, zones and admin role with yours. The Kubernetes API endpoint is
 * private (reached from the VPC, a VPN or a bastion); to open it to your own network, add
 * `publicEndpointCidrs` with your office or VPN ranges (never a documentation range such as
 * 203.0.113.0/24, which reaches no one).
 */
import {
  GatewayExposure, GpuInstanceType, ModelPresets, ModelRegistryKind, PlatformSpec, PoolCapacity, ServedModelBackend, VectorEngine,
} from 'cnai-constructs';

export const REFERENCE_SPEC: PlatformSpec = {
  name: 'cnai',
  environment: 'prod',
  region: 'us-west-2',
  accountId: '123456789012',
  availabilityZones: ['us-west-2a', 'us-west-2b', 'us-west-2c'],
  adminPrincipalArns: ['arn:aws:iam::123456789012:role/platform-admins'],
  costCentre: 'ml-platform',

  gpuPools: [
    // Serving: L40S (48 GiB) on spot, scales to zero when idle.
    { name: 'inference-l40s', instanceTypes: [GpuInstanceType.G6E_XLARGE, GpuInstanceType.G6E_2XLARGE], capacity: PoolCapacity.SPOT, maxNodes: 6 },
    // Small models, embeddings and notebooks: A10G (24 GiB), shared four ways.
    { name: 'shared-a10g', instanceTypes: [GpuInstanceType.G5_2XLARGE], maxNodes: 4, timeSlicingReplicas: 4 },
    // Distributed training: 8 x H100 per node with EFA, in one zone.
    { name: 'training-h100', instanceTypes: [GpuInstanceType.P5_48XLARGE], maxNodes: 2, efa: true },
  ],

  teams: [
    { name: 'ai-apps', quotas: [{ pool: 'inference-l40s', gpus: 4 }, { pool: 'shared-a10g', gpus: 2 }], developerGroups: ['ai-apps-developers'] },
    { name: 'ml-research', quotas: [{ pool: 'training-h100', gpus: 16 }, { pool: 'shared-a10g', gpus: 2 }, { pool: 'inference-l40s', gpus: 2 }], developerGroups: ['ml-research'] },
  ],

  models: [
    {
      name: 'chat',
      team: 'ai-apps',
      model: ModelPresets.LLAMA_3_1_8B_INSTRUCT,
      pools: ['inference-l40s'],
      maxModelLen: 32768,
      minReplicas: 1,
      maxReplicas: 3,
    },
    {
      name: 'embed',
      team: 'ai-apps',
      model: ModelPresets.BGE_LARGE_EN_V1_5,
      pools: ['shared-a10g'],
      backend: ServedModelBackend.KSERVE,
      minReplicas: 1,
      maxReplicas: 2,
      clients: ['chat'],
      // Its payloads are logged and checked for drift daily.
      monitorDrift: true,
    },
  ],

  vectorDatabase: { engine: VectorEngine.QDRANT, name: 'knowledge', expectedVectors: 5_000_000, dimension: 1024, highAvailability: true, clients: ['chat'] },
  modelRegistry: ModelRegistryKind.MLFLOW,
  kubeflow: true,
  observability: true,

  // The platform's single entry for applications: one OpenAI-compatible endpoint for every served
  // model, each team with its API key (generated in the cluster) and its hourly token budget, on an
  // internal Network Load Balancer with TLS (the certificate: a kubernetes.io/tls Secret you issue
  // into namespace model-gateway, e.g. from your private CA with cert-manager).
  gateway: {
    teamBudgets: [
      { team: 'ai-apps', tokensPerHour: 5_000_000 },
      { team: 'ml-research', tokensPerHour: 1_000_000 },
    ],
    exposure: GatewayExposure.INTERNAL_LOAD_BALANCER,
    tlsSecretName: 'model-gateway-tls',
  },
};
