/**
 * cdk8s entry point (cdk8s.yaml) of the delivery example: the whole platform from `spec.ts` with
 * `CnaiPlatform`. Its operators chart installs Argo Rollouts; its serving chart holds `chat`
 * (an LlmService whose Deployment serves the candidate, version 3) and its ModelDelivery: a
 * Rollout that takes the Deployment as its template, the AnalysisTemplates `chat-evaluation`
 * (a Kueue-admitted Job that scores version 3 on the golden dataset), `chat-gates` (5xx rate,
 * time to first token p95, queue depth and end-to-end latency p95 of the canary's pods) and
 * `chat-promotion` (sets the MLflow alias `live` to version 3).
 *
 *   npx cdktf synth      # cdktf.out/stacks/cnai-delivery/cdk.tf.json (cdktf.json runs aws.ts)
 *   npx cdk8s synth      # dist/*.k8s.yaml
 */
import { App, YamlOutputType } from 'cdk8s';
import { ContractPreview, PlatformContract } from 'cnai-constructs';
import { CnaiApp, CnaiPlatform } from 'cnai-constructs/k8s';
import { DELIVERY_SPEC, MODEL, TEAM } from './spec';

/**
 * The contract of the AWS layer (aws.ts): the applied one when `platform-contract.json` exists
 * next to this file, else the preview of what aws.ts builds from spec.ts.
 */
export function deliveryContract(dir: string = __dirname): PlatformContract {
  return ContractPreview.appliedOrPreview(dir, DELIVERY_SPEC);
}

/** Builds the example app (also used by the tests). */
export function buildDeliveryApp(outdir?: string): App {
  const app = new CnaiApp({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const platform = new CnaiPlatform(app, DELIVERY_SPEC.name, { spec: DELIVERY_SPEC, contract: deliveryContract() });
  // The team's chat front end calls the model.
  platform.models[MODEL].allowFrom(platform.teams[TEAM].workloads({ app: 'chat-ui' }));
  return app;
}

if (require.main === module) {
  buildDeliveryApp().synth();
}
