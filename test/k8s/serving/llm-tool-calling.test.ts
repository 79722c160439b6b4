import { Testing } from 'cdk8s';
import { GpuInstanceType, ModelPresets, ServedModelBackend } from '../../../lib/core';
import { LlmService, LlmServiceProps, ModelSource, NodePoolReference, TeamNamespace } from '../../../lib/k8s';
import { gpuPoolContract, one } from '../helpers';

const a10g = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4));
const h100 = NodePoolReference.fromContract(gpuPoolContract('gpu-h100', GpuInstanceType.P5_48XLARGE, 2));
const s3 = ModelSource.s3('s3://cnai-test-models/chat/', { region: 'us-west-2' });

function build(props: Partial<LlmServiceProps>): { service: LlmService; objects: any[] } {
  const chart = Testing.chart();
  const team = new TeamNamespace(chart, 'team-a', { quota: { gpus: 16, cpu: 512, memoryGiB: 4096 } });
  const service = new LlmService(chart, 'chat', { model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, maxModelLen: 8192, source: s3, namespace: team, pool: a10g, ...props } as LlmServiceProps);
  return { service, objects: Testing.synth(chart) };
}

describe('LlmService tool calling', () => {
  test('off by default: no tool flags', () => {
    const { service, objects } = build({});
    expect(service.engine.toolCallParser).toBeUndefined();
    const args: string[] = one(objects, 'Deployment', 'chat').spec.template.spec.containers[0].args;
    expect(args).not.toContain('--enable-auto-tool-choice');
    expect(args).not.toContain('--tool-call-parser');
  });

  test('on: vLLM auto tool choice with the model\'s parser (Llama 3.1: llama3_json; Qwen2.5: hermes)', () => {
    const llama = build({ toolCalling: true });
    const args: string[] = one(llama.objects, 'Deployment', 'chat').spec.template.spec.containers[0].args;
    const at = args.indexOf('--enable-auto-tool-choice');
    expect(at).toBeGreaterThan(0);
    expect(args.slice(at, at + 3)).toEqual(['--enable-auto-tool-choice', '--tool-call-parser', 'llama3_json']);
    const qwen = build({ toolCalling: true, model: ModelPresets.QWEN2_5_7B_INSTRUCT });
    expect(one(qwen.objects, 'Deployment', 'chat').spec.template.spec.containers[0].args).toEqual(expect.arrayContaining(['--tool-call-parser', 'hermes']));
  });

  test('on the KServe backend: the flags pass through to the vLLM engine of the Hugging Face server', () => {
    const { objects } = build({ toolCalling: true, backend: ServedModelBackend.KSERVE });
    const args: string[] = one(objects, 'InferenceService', 'chat').spec.predictor.model.args;
    expect(args).toEqual(expect.arrayContaining(['--enable-auto-tool-choice', '--tool-call-parser=llama3_json']));
  });

  test('the flags belong to the prop: extraArgs may not set them', () => {
    expect(() => build({ extraArgs: ['--tool-call-parser', 'hermes'] })).toThrow('extraArgs[0] = "--tool-call-parser": --tool-call-parser is set by a prop of the service');
  });

  test('tool calling asked of a model that does not support it', () => {
    expect(() => build({ toolCalling: true, model: ModelPresets.MIXTRAL_8X7B_INSTRUCT, pool: h100 }))
      .toThrow('test/chat: invalid toolCalling = "mixtral-8x7b-instruct-v0.1": tool calling is asked of mixtral-8x7b-instruct-v0.1, whose model spec names no tool call '
        + 'parser (the model does not call tools, or its format is not known). Fix: serve a model that calls tools (e.g. ModelPresets.LLAMA_3_1_8B_INSTRUCT or '
        + 'QWEN2_5_7B_INSTRUCT), or give its spec a toolCallParser if vLLM supports its format.');
  });
});
