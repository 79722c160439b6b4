/**
 * The reference platform: both layers from one spec (spec.ts).
 *
 *   npx cdktf synth     # Terraform JSON of the AWS layer (cdktf.json runs aws.ts)
 *   npx cdk8s synth     # Kubernetes manifests (cdk8s.yaml runs k8s.ts)
 *
 * The Kubernetes layer takes the platform contract of the AWS layer. After `terraform
 * apply`, save it next to this file (`terraform output -json platform_contract >
 * platform-contract.json`) and synthesize again: the manifests then carry the real database
 * endpoint. Without that file they carry marked preview values (see previewContract).
 */
import { buildReferenceAws } from './aws-layer';
import { REFERENCE_SPEC } from './spec';
import { appliedOrPreviewContract } from '../../lib/aws';
import { PlatformContract, PlatformSpec } from '../../lib/core';

export { buildReferenceAws, STACK_NAME } from './aws-layer';
export { buildReferenceK8s, k8sApp } from './k8s-layer';

/**
 * The contract for the Kubernetes layer: the applied one when `platform-contract.json`
 * exists next to this file, else the preview of a stack built from the same spec.
 */
export function referenceContract(spec: PlatformSpec = REFERENCE_SPEC, dir: string = __dirname): PlatformContract {
  return appliedOrPreviewContract(dir, (app) => buildReferenceAws(app, spec));
}
