/**
 * Natural-language operations on the platform, as a platform spec that both layers read: `aws.ts`
 * builds the AWS side with `CnaiAwsStack.fromSpec` (the cluster with its control-plane audit log,
 * the model store, the chat model's identity), and `main.ts` the Kubernetes side with `CnaiPlatform`:
 * a chat model served with tool calling, the model gateway routing it, and the operations assistant
 * (kagent agents and k8sgpt analysis) calling it through the gateway.
 *
 * The diagnostics agent may restart and delete pods of the team's namespace (write access, an
 * explicit opt-in scoped to that namespace and those verbs); the platform agent stays read-only.
 */
import { AgentWriteVerb, AssistantAgentKind, GpuInstanceType, ModelPresets, PlatformSpec } from 'cnai-constructs';
import { DEV_PLATFORM } from '../shared/dev-platform';

/** The team whose workloads the assistant may act on. */
export const TEAM = 'team-ops';
/** The served chat model the assistant uses (Llama 3.1 8B Instruct: Llama 3 JSON tool calls). */
export const CHAT_MODEL = 'ops-chat';
/** The GPU pool of the chat model. */
export const L4_POOL = 'gpu-l4';

export const ASSISTANT_SPEC: PlatformSpec = {
  ...DEV_PLATFORM,
  gpuPools: [
    { name: L4_POOL, instanceTypes: [GpuInstanceType.G6_XLARGE], maxNodes: 2 },
  ],
  teams: [
    { name: TEAM, quotas: [{ pool: L4_POOL, gpus: 2 }], developerGroups: ['ops-developers'] },
  ],
  models: [
    {
      name: CHAT_MODEL,
      team: TEAM,
      model: ModelPresets.LLAMA_3_1_8B_INSTRUCT,
      pools: [L4_POOL],
      // 16k tokens of context fit one L4 (24 GB) with room for the KV cache of a few conversations.
      maxModelLen: 16384,
      minReplicas: 1,
      maxReplicas: 2,
    },
  ],
  // The gateway: the assistant's only way to its model (every team may call it too).
  gateway: {},
  assistant: {
    model: CHAT_MODEL,
    agents: [
      { kind: AssistantAgentKind.DIAGNOSTICS, writeAccess: { namespaces: [TEAM], verbs: [AgentWriteVerb.PATCH, AgentWriteVerb.DELETE] } },
      { kind: AssistantAgentKind.PLATFORM },
    ],
  },
  // No training service accounts in this example.
  kubeflow: false,
};
