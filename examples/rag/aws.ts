/**
 * cdktf entry point (cdktf.json) of the RAG example: its AWS layer from `spec.ts`, plus the
 * chat server's identity, which reads registered model versions from MLflow's artifact prefix.
 *
 *   npx cdktf synth      # cdktf.out/stacks/cnai-rag/cdk.tf.json
 */
import { App } from 'cdktf';
import { RAG_SPEC, TEAM } from './spec';
import { CnaiAwsStack } from '../../lib/aws';
import { PlatformSpec } from '../../lib/core';

/** Name of the AWS stack (its folder under cdktf.out/stacks). */
export const STACK_NAME = 'cnai-rag';
/** Service account of the chat server (the LlmService `chat`). */
export const CHAT_SERVICE_ACCOUNT = 'chat';

/** The AWS layer of the example in `app`. */
export function buildRagAws(app: App, spec: PlatformSpec = RAG_SPEC): CnaiAwsStack {
  // Karpenter launches the chat model's L40S nodes (the Kubernetes side's GpuNodePool).
  const stack = CnaiAwsStack.fromSpec(app, STACK_NAME, spec, { karpenter: true });
  // The chat model is served from the registry, not from a served/ prefix of the spec.
  const chat = stack.addWorkloadIdentity('chat-registry-read', { namespace: TEAM, serviceAccount: CHAT_SERVICE_ACCOUNT, purpose: 'chat-registry-read' });
  stack.dataServices!.grantRegistryRead(chat);
  return stack;
}

if (require.main === module) {
  const app = new App();
  buildRagAws(app);
  app.synth();
}
