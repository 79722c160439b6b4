/**
 * The AWS layer of the k8s-platform example: the stack `CnaiAwsStack.fromSpec` builds from
 * spec.ts, with self-managed Karpenter prepared. The Kubernetes layer (main.ts) does not load
 * it: its contract preview is derived from the same spec and options.
 */
import { App } from 'cdktf';
import { CnaiAwsStack } from 'cnai-constructs/aws';
import { K8S_PLATFORM_AWS, K8S_PLATFORM_SPEC } from './spec';

/** Name of the AWS stack (its folder under cdktf.out/stacks). */
export const STACK_NAME = 'cnai-k8s-platform';

/** The AWS layer of the example in `app`. */
export function buildK8sPlatformAws(app: App): CnaiAwsStack {
  return CnaiAwsStack.fromSpec(app, STACK_NAME, K8S_PLATFORM_SPEC, { karpenter: K8S_PLATFORM_AWS.karpenter });
}
