/**
 * The AWS side of the k8s-platform example, as a platform spec: `main.ts` builds it with
 * `CnaiAwsStack.fromSpec` (self-managed Karpenter prepared) and takes the Kubernetes
 * layer's contract from that stack.
 *
 * What it provides for the Kubernetes layer: the system pool, the A10G managed node group,
 * the buckets, Karpenter's node role, controller identity and interruption queue (for the
 * in-cluster L40S pool), and the External Secrets controller's identity. The spec's model
 * registry default (MLflow) also gives the stack its PostgreSQL database and registry
 * identity, which this example's Kubernetes side does not use.
 */
import { ContractPreviewOptions, GpuInstanceType, PlatformSpec } from 'cnai-constructs';
import { DEV_PLATFORM } from '../shared/dev-platform';

/** The managed node group of notebooks and small models. */
export const A10G_POOL = 'gpu-a10g';
/** Pods sharing one A10G (GPU time-slicing). */
export const A10G_TIME_SLICES = 4;
/**
 * What the AWS layer builds beyond the spec (`CnaiAwsStack.fromSpec(app, id, spec, { karpenter })`),
 * so that the Kubernetes layer's contract preview (main.ts) has it too: self-managed Karpenter.
 */
export const K8S_PLATFORM_AWS: ContractPreviewOptions = { karpenter: {} };

export const K8S_PLATFORM_SPEC: PlatformSpec = {
  ...DEV_PLATFORM,
  gpuPools: [
    { name: A10G_POOL, instanceTypes: [GpuInstanceType.G5_2XLARGE], maxNodes: 4, timeSlicingReplicas: A10G_TIME_SLICES },
  ],
  // Quotas on a time-sliced pool count slices, as Kubernetes does: the same 8 and 4 as the
  // Kubernetes side. The L40S quotas are on the in-cluster Karpenter pool, not a spec pool.
  teams: [
    { name: 'team-vision', quotas: [{ pool: A10G_POOL, gpus: 8 }], developerGroups: ['vision-developers'], viewerGroups: ['platform-viewers'] },
    { name: 'team-language', quotas: [{ pool: A10G_POOL, gpus: 4 }], developerGroups: ['language-developers'] },
  ],
  // No training service accounts and no telemetry collector in this example.
  kubeflow: false,
  observability: false,
};
