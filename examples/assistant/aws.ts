/**
 * cdktf entry point (cdktf.json) of the assistant example: the AWS layer from `spec.ts` (the
 * models bucket, the cluster with its control-plane audit log, the L4 node group, and the identity
 * of the served chat model `ops-chat`, which may read `served/ops-chat/` of the models bucket).
 *
 *   npx cdktf synth      # cdktf.out/stacks/cnai-assistant/cdk.tf.json
 */
import { App } from 'cdktf';
import { PlatformSpec } from 'cnai-constructs';
import { CnaiAwsStack } from 'cnai-constructs/aws';
import { ASSISTANT_SPEC } from './spec';
import { acceptDocumentedFindings } from '../shared/accepted-findings-aws';

/** Name of the AWS stack (its folder under cdktf.out/stacks). */
export const STACK_NAME = 'cnai-assistant';

/** The AWS layer of the example in `app`. */
export function buildAssistantAws(app: App, spec: PlatformSpec = ASSISTANT_SPEC): CnaiAwsStack {
  const stack = CnaiAwsStack.fromSpec(app, STACK_NAME, spec);
  // The library's policy findings still open (issue 14), suppressed with an OPEN reason: the report lists them.
  acceptDocumentedFindings({ scope: stack, database: stack.database });
  return stack;
}

if (require.main === module) {
  const app = new App();
  buildAssistantAws(app);
  app.synth();
}
