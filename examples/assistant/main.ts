/**
 * cdk8s entry point (cdk8s.yaml) of the assistant example: the whole platform from `spec.ts` with
 * `CnaiPlatform`. Besides the platform, the serving chart holds the chat model `ops-chat` (vLLM with
 * `--enable-auto-tool-choice --tool-call-parser llama3_json`), the gateway chart the model gateway
 * that routes it, and the assistant chart the operations assistant: a ModelConfig on the gateway,
 * the `cluster-diagnostics` and `platform-operations` agents with one MCP server each (kmcp), the
 * K8sGPT analysis and its alert, default-deny NetworkPolicies with the flows they need. kagent (with
 * kmcp) and k8sgpt-operator are Argo CD Applications of the operators chart.
 *
 *   npx cdktf synth      # cdktf.out/stacks/cnai-assistant/cdk.tf.json (cdktf.json runs aws.ts)
 *   npx cdk8s synth      # dist/*.k8s.yaml
 */
import { App, YamlOutputType } from 'cdk8s';
import { ContractPreview, PlatformContract } from 'cnai-constructs';
import { CnaiApp, CnaiPlatform } from 'cnai-constructs/k8s';
import { ASSISTANT_SPEC } from './spec';

/**
 * The contract of the AWS layer (aws.ts): the applied one when `platform-contract.json` exists
 * next to this file, else the preview of what aws.ts builds from spec.ts.
 */
export function assistantContract(dir: string = __dirname): PlatformContract {
  return ContractPreview.appliedOrPreview(dir, ASSISTANT_SPEC);
}

/** Builds the example app (also used by the tests). */
export function buildAssistantApp(outdir?: string): App {
  const app = new CnaiApp({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  new CnaiPlatform(app, ASSISTANT_SPEC.name, { spec: ASSISTANT_SPEC, contract: assistantContract() });
  return app;
}

if (require.main === module) {
  buildAssistantApp().synth();
}
