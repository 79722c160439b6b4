/**
 * cdktf entry point (cdktf.json) of the gateway example: the AWS layer from `spec.ts` (the models
 * bucket, the cluster, the L4 node group, the identities of the served models `chat` and `embed`,
 * and the identity of the AWS Load Balancer Controller, which creates the gateway's internal
 * Network Load Balancer: upstream's policy narrowed to NLBs of this account and region).
 *
 *   npx cdktf synth      # cdktf.out/stacks/cnai-gateway/cdk.tf.json
 */
import { App } from 'cdktf';
import { PlatformSpec } from 'cnai-constructs';
import { CnaiAwsStack } from 'cnai-constructs/aws';
import { GATEWAY_SPEC } from './spec';
import { acceptDocumentedFindings } from '../shared/accepted-findings-aws';

/** Name of the AWS stack (its folder under cdktf.out/stacks). */
export const STACK_NAME = 'cnai-gateway';

/** The AWS layer of the example in `app`. */
export function buildGatewayAws(app: App, spec: PlatformSpec = GATEWAY_SPEC): CnaiAwsStack {
  const stack = CnaiAwsStack.fromSpec(app, STACK_NAME, spec);
  // The library's policy findings still open (issue 14), suppressed with an OPEN reason: the report lists them.
  acceptDocumentedFindings({ scope: stack, database: stack.database });
  return stack;
}

if (require.main === module) {
  const app = new App();
  buildGatewayAws(app);
  app.synth();
}
