/** The Kubernetes layer of the reference platform (imports cdk8s only, not cdktf). */
import { App, YamlOutputType } from 'cdk8s';
import { REFERENCE_SPEC } from './spec';
import { PlatformContract, PlatformSpec } from '../../lib/core';
import { CnaiPlatform } from '../../lib/k8s';

/** The Kubernetes layer of the spec in `app`, from the AWS layer's contract. */
export function buildReferenceK8s(app: App, contract: PlatformContract, spec: PlatformSpec = REFERENCE_SPEC): CnaiPlatform {
  return new CnaiPlatform(app, spec.name, { spec, contract });
}

/** A cdk8s app that writes one file per chart, in apply order. */
export function k8sApp(outdir?: string): App {
  return new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
}
