/** The Kubernetes layer of the reference platform (imports cdk8s only, not cdktf). */
import { App, YamlOutputType } from 'cdk8s';
import { ContractPreview, PlatformContract, PlatformSpec } from 'cnai-constructs';
import { CnaiApp, CnaiPlatform, GitDirectory } from 'cnai-constructs/k8s';
import { REFERENCE_SPEC } from './spec';

/**
 * Where the synthesized manifests are committed: your repository, the tag you push after
 * committing the output of `npx cdk8s synth` (the root Application syncs exactly that tag), and
 * the output folder relative to the repository root. Argo CD reads public HTTPS repositories
 * as they are; for a private one, add a repository credential (see the README).
 */
export const REFERENCE_GIT_REPOSITORY: GitDirectory = {
  repoUrl: 'https://git.example.com/platform-team/cnai-platform.git',
  revision: 'platform-v1.0.0',
  path: 'examples/reference-platform/dist',
};

/**
 * The contract for the Kubernetes layer: the applied one when `platform-contract.json` exists
 * next to this file, else the preview derived from the same spec (the names the AWS layer
 * derives, its apply-time values marked pending): the AWS layer is neither built nor loaded.
 */
export function referenceContract(spec: PlatformSpec = REFERENCE_SPEC, dir: string = __dirname): PlatformContract {
  return ContractPreview.appliedOrPreview(dir, spec);
}

/** The Kubernetes layer of the spec in `app`, from the AWS layer's contract, with its bootstrap. */
export function buildReferenceK8s(app: App, contract: PlatformContract, spec: PlatformSpec = REFERENCE_SPEC,
  gitRepository: GitDirectory = REFERENCE_GIT_REPOSITORY): CnaiPlatform {
  const platform = new CnaiPlatform(app, spec.name, { spec, contract, gitRepository });
  return platform;
}

/** The app: one file per chart in apply order, and the bootstrap in `<outdir>/bootstrap/`. */
export function k8sApp(outdir?: string): CnaiApp {
  return new CnaiApp({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
}
