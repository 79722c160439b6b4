/**
 * The reference platform: both layers from one spec (spec.ts).
 *
 *   npx cdktf synth     # Terraform JSON of the AWS layer (cdktf.json runs aws.ts)
 *   npx cdk8s synth     # Kubernetes manifests (cdk8s.yaml runs k8s.ts)
 *
 * The Kubernetes layer takes the platform contract of the AWS layer. After `terraform
 * apply`, save it next to this file (`terraform output -json platform_contract >
 * platform-contract.json`) and synthesize again: the manifests then carry the real database
 * endpoint. Without that file they carry marked preview values (see referenceContract).
 *
 * This module loads both layers; each entry point (aws.ts, k8s.ts) loads only its own.
 */
export { buildReferenceAws, STACK_NAME } from './aws-layer';
export { buildReferenceK8s, k8sApp, referenceContract } from './k8s-layer';
