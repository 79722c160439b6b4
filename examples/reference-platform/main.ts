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
import { App as Cdk8sApp, YamlOutputType } from 'cdk8s';
import { App as CdktfApp } from 'cdktf';
import { REFERENCE_SPEC } from './spec';
import { CnaiAwsStack, previewContract } from '../../lib/aws';
import { PlatformContract, PlatformSpec } from '../../lib/core';
import { CnaiPlatform } from '../../lib/k8s';

/** Name of the AWS stack (its folder under cdktf.out/stacks). */
export const STACK_NAME = 'cnai-reference';

/** The AWS layer of the spec in `app`. */
export function buildReferenceAws(app: CdktfApp, spec: PlatformSpec = REFERENCE_SPEC): CnaiAwsStack {
  return CnaiAwsStack.fromSpec(app, STACK_NAME, spec);
}

/** The Kubernetes layer of the spec in `app`, from the AWS layer's contract. */
export function buildReferenceK8s(app: Cdk8sApp, contract: PlatformContract, spec: PlatformSpec = REFERENCE_SPEC): CnaiPlatform {
  return new CnaiPlatform(app, spec.name, { spec, contract });
}

/**
 * The contract for the Kubernetes layer: the applied one when `platform-contract.json`
 * exists next to this file, else the preview of a stack built from the same spec.
 */
export function referenceContract(spec: PlatformSpec = REFERENCE_SPEC, dir: string = __dirname): PlatformContract {
  const file = path.join(dir, 'platform-contract.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as PlatformContract;
  return previewContract(buildReferenceAws(new CdktfApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-preview-')) }), spec));
}

/** A cdk8s app that writes one file per chart, in apply order. */
export function k8sApp(outdir?: string): Cdk8sApp {
  return new Cdk8sApp({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
}
