/**
 * The AWS layer of the llm-serving example: the stack `CnaiAwsStack.fromSpec` builds from
 * spec.ts with Karpenter prepared (the L40S pool), plus the chat server's identity. The
 * Kubernetes layer (main.ts) does not load it: its contract preview is derived from the same
 * spec and options.
 */
import { App } from 'cdktf';
import { CnaiAwsStack, StoreBucket } from 'cnai-constructs/aws';
import { CHAT_IDENTITY, CHAT_MODEL_PREFIX, LARGE_CHAT_IDENTITY, LARGE_CHAT_MODEL_PREFIX, LLM_SERVING_AWS, LLM_SERVING_SPEC } from './spec';

/** Name of the AWS stack (its folder under cdktf.out/stacks). */
export const STACK_NAME = 'cnai-llm-serving';

/**
 * The AWS layer of the example in `app`: the stack of spec.ts with Karpenter prepared (the
 * L40S pool), plus the chat server's identity, allowed to read only its model's prefix.
 */
export function buildLlmServingAws(app: App): CnaiAwsStack {
  const stack = CnaiAwsStack.fromSpec(app, STACK_NAME, LLM_SERVING_SPEC, { karpenter: LLM_SERVING_AWS.karpenter });
  const chat = stack.addWorkloadIdentity('serve-chat', CHAT_IDENTITY);
  stack.modelStore.grantRead(chat, { bucket: StoreBucket.MODELS, prefix: CHAT_MODEL_PREFIX });
  const large = stack.addWorkloadIdentity('serve-chat-405b', LARGE_CHAT_IDENTITY);
  stack.modelStore.grantRead(large, { bucket: StoreBucket.MODELS, prefix: LARGE_CHAT_MODEL_PREFIX });
  return stack;
}
