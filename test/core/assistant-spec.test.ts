import { problemsOf, spec } from './spec-fixture';
import { AgentWriteVerb, AssistantAgentKind, AssistantAgentSpec, AssistantChecks } from '../../lib/core/assistant-spec';
import { GatewayAccessMode } from '../../lib/core/gateway-spec';
import { ModelKind, ModelPresets, ModelSpec, ToolCallParser } from '../../lib/core/models';
import { PlatformSpec } from '../../lib/core/platform-spec';
import { validatePlatformSpec } from '../../lib/core/platform-spec-validation';


function messageOf(s: PlatformSpec): string {
  try {
    validatePlatformSpec(s);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

const agents = (...a: AssistantAgentSpec[]) => spec({ gateway: {}, assistant: { model: 'chat', agents: a } });

describe('the model catalogue\'s tool calling', () => {
  test('the presets that call tools name vLLM\'s parser; the others none', () => {
    expect(Object.values(ToolCallParser)).toEqual(['llama3_json', 'mistral', 'hermes']);
    expect(Object.fromEntries(ModelPresets.all().map((m) => [m.name, m.toolCallParser ?? null]))).toEqual({
      'llama-3.1-8b-instruct': 'llama3_json',
      'llama-3.1-70b-instruct': 'llama3_json',
      'llama-3.1-405b-instruct': 'llama3_json',
      'mistral-7b-instruct-v0.3': 'mistral',
      'mixtral-8x7b-instruct-v0.1': null,
      'qwen2.5-7b-instruct': 'hermes',
      'qwen2.5-72b-instruct': 'hermes',
      'bge-large-en-v1.5': null,
    });
    // A served variant keeps it.
    expect(ModelPresets.QWEN2_5_7B_INSTRUCT.withServing({ maxContextLength: 8192 }).toolCallParser).toBe(ToolCallParser.HERMES);
  });

  test('a tool call parser that vLLM does not have', () => {
    expect(() => new ModelSpec({ name: 'm', parametersBillions: 1, maxContextLength: 1024, toolCallParser: 'json' as ToolCallParser }, 'spec cnai'))
      .toThrow('spec cnai: invalid toolCallParser = "json": not a tool call parser. Fix: use one of llama3_json, mistral, hermes (the ToolCallParser enum), or leave it out for a model that does not call tools.');
  });
});

describe('the spec\'s assistant section', () => {
  test('a valid section passes: the default agents, or agents with scoped write access', () => {
    expect(problemsOf(spec({ gateway: {}, assistant: { model: 'chat' } }))).toEqual([]);
    expect(problemsOf(agents(
      { kind: AssistantAgentKind.DIAGNOSTICS, writeAccess: { namespaces: ['team-a', 'team-b'], verbs: [AgentWriteVerb.PATCH, AgentWriteVerb.DELETE] } },
      { kind: AssistantAgentKind.PLATFORM },
    ))).toEqual([]);
    // Off: nothing is checked.
    expect(problemsOf(spec({ assistant: { enabled: false, model: 'none' } }))).toEqual([]);
    expect(AssistantChecks.defaultAgents()).toEqual([{ kind: 'diagnostics' }, { kind: 'platform' }]);
  });

  test('the assistant without the gateway', () => {
    expect(problemsOf(spec({ assistant: { model: 'chat' } }))).toEqual([
      'assistant: the assistant\'s agents reach their model through the model gateway, and the gateway is off',
    ]);
  });

  test('the assistant behind a gateway whose access is OIDC', () => {
    const oidc = { access: { mode: GatewayAccessMode.OIDC, oidc: { issuer: 'https://id.example.com/', audiences: ['model-gateway'] } } };
    expect(problemsOf(spec({ gateway: oidc, assistant: { model: 'chat' } }))).toContain(
      'assistant: the agents and the analyzer call the gateway with keys of their own, and the gateway\'s access is OIDC (people\'s tokens only)');
  });

  test('the assistant on a chat model that does not support tool calling', () => {
    const mixtral = { name: 'mixtral', team: 'team-a', model: ModelPresets.MIXTRAL_8X7B_INSTRUCT, pools: ['h100'], maxModelLen: 8192 };
    const s = spec({ models: [...spec().models!, mixtral], gateway: {}, assistant: { model: 'mixtral' } });
    expect(messageOf(s)).toBe('spec cnai: invalid assistant.model = "mixtral-8x7b-instruct-v0.1": tool calling is asked of mixtral-8x7b-instruct-v0.1, whose model spec names no '
      + 'tool call parser (the model does not call tools, or its format is not known). Fix: serve a model that calls tools (e.g. ModelPresets.LLAMA_3_1_8B_INSTRUCT or '
      + 'QWEN2_5_7B_INSTRUCT), or give its spec a toolCallParser if vLLM supports its format.');
  });

  test('tool calling asked of a served model that does not support it', () => {
    const mixtral = { name: 'mixtral', team: 'team-a', model: ModelPresets.MIXTRAL_8X7B_INSTRUCT, pools: ['h100'], maxModelLen: 8192, toolCalling: true };
    expect(problemsOf(spec({ models: [...spec().models!, mixtral] }))).toEqual([
      'models[1].toolCalling: tool calling is asked of mixtral-8x7b-instruct-v0.1, whose model spec names no tool call parser (the model does not call tools, or its format is not known)',
    ]);
  });

  test('an assistant model that is not served', () => {
    expect(problemsOf(spec({ gateway: {}, assistant: { model: 'ops' } }))).toEqual(['assistant.model: no served model has this name']);
  });

  test('an assistant model that is not a chat model', () => {
    const embed = { name: 'embed', team: 'team-a', model: ModelPresets.BGE_LARGE_EN_V1_5, pools: ['l40s'] };
    expect(ModelPresets.BGE_LARGE_EN_V1_5.kind).toBe(ModelKind.EMBEDDING);
    expect(problemsOf(spec({ models: [...spec().models!, embed], gateway: {}, assistant: { model: 'embed' } }))).toEqual([
      'assistant.model: not a chat model: the assistant needs a text-generation LLM that calls tools',
    ]);
  });

  test('an assistant model the gateway does not route', () => {
    const qwen = { name: 'qwen', team: 'team-a', model: ModelPresets.QWEN2_5_7B_INSTRUCT, pools: ['l40s'], maxModelLen: 8192 };
    expect(problemsOf(spec({ models: [...spec().models!, qwen], gateway: { models: ['qwen'] }, assistant: { model: 'chat' } }))).toEqual([
      'assistant.model: the gateway does not route this model (gateway.models leaves it out)',
    ]);
  });

  test('write access for an agent without a namespace scope', () => {
    expect(messageOf(agents({ kind: AssistantAgentKind.DIAGNOSTICS, writeAccess: { namespaces: [], verbs: [AgentWriteVerb.PATCH] } })))
      .toBe('spec cnai: invalid assistant.agents[0].writeAccess.namespaces = []: write access without a namespace scope would let the agent change objects anywhere '
        + 'in the cluster. Fix: list the namespaces the agent may change objects in (e.g. ["team-a"]), or leave writeAccess out to keep the agent read-only.');
  });

  test('write access without verbs', () => {
    expect(problemsOf(agents({ kind: AssistantAgentKind.PLATFORM, writeAccess: { namespaces: ['team-a'], verbs: [] } }))).toEqual([
      'assistant.agents[0].writeAccess.verbs: write access without verbs grants nothing',
    ]);
  });

  test('a verb the assistant does not grant', () => {
    expect(problemsOf(agents({ kind: AssistantAgentKind.PLATFORM, writeAccess: { namespaces: ['team-a'], verbs: ['escalate' as AgentWriteVerb] } }))).toEqual([
      'assistant.agents[0].writeAccess.verbs[0]: not a write verb the assistant grants',
    ]);
  });

  test('a write scope that is not a namespace name', () => {
    expect(problemsOf(agents({ kind: AssistantAgentKind.PLATFORM, writeAccess: { namespaces: ['Team_A'], verbs: [AgentWriteVerb.PATCH] } }))).toEqual([
      'assistant.agents[0].writeAccess.namespaces[0]: not a namespace name',
    ]);
  });

  test('a write scope in a system namespace', () => {
    expect(problemsOf(agents({ kind: AssistantAgentKind.DIAGNOSTICS, writeAccess: { namespaces: ['kube-system'], verbs: [AgentWriteVerb.DELETE] } }))).toEqual([
      'assistant.agents[0].writeAccess.namespaces[0]: a system namespace: the assistant never changes the cluster\'s own components',
    ]);
  });

  test('an agent listed twice', () => {
    expect(problemsOf(agents({ kind: AssistantAgentKind.PLATFORM }, { kind: AssistantAgentKind.PLATFORM }))).toEqual([
      'assistant.agents[1].kind: the agent is listed twice',
    ]);
  });

  test('an agent that does not exist', () => {
    expect(problemsOf(agents({ kind: 'sre' as AssistantAgentKind }))).toEqual(['assistant.agents[0].kind: not an assistant agent']);
  });
});
