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
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App as CdktfApp } from 'cdktf';
import { buildReferenceAws } from './aws-layer';
import { REFERENCE_SPEC } from './spec';
import { previewContract } from '../../lib/aws';
import { PlatformContract, PlatformSpec } from '../../lib/core';

export { buildReferenceAws, STACK_NAME } from './aws-layer';
export { buildReferenceK8s, k8sApp } from './k8s-layer';

/**
 * The contract for the Kubernetes layer: the applied one when `platform-contract.json`
 * exists next to this file, else the preview of a stack built from the same spec.
 */
export function referenceContract(spec: PlatformSpec = REFERENCE_SPEC, dir: string = __dirname): PlatformContract {
  const file = path.join(dir, 'platform-contract.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as PlatformContract;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-preview-'));
  try {
    return previewContract(buildReferenceAws(new CdktfApp({ outdir }), spec));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
