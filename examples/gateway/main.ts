/**
 * cdk8s entry point (cdk8s.yaml) of the gateway example: the whole platform from `spec.ts` with
 * `CnaiPlatform`. Besides the platform, the serving chart holds the models `chat` and `embed` (vLLM),
 * and the gateway chart the model gateway: the Gateway with its HTTPS listener, the EnvoyProxy whose
 * Service is an internal NLB (class `service.k8s.aws/nlb`, IP targets), the SecurityPolicy that
 * admits OIDC tokens whose `team` claim names a client team, the token budgets (a global rate limit
 * on Redis), one AIGatewayRoute per model to its InferencePool and endpoint picker, and the
 * NetworkPolicies of those flows. The AWS Load Balancer Controller, Envoy Gateway and Envoy AI
 * Gateway are Argo CD Applications of the operators chart.
 *
 *   npx cdktf synth      # cdktf.out/stacks/cnai-gateway/cdk.tf.json (cdktf.json runs aws.ts)
 *   npx cdk8s synth      # dist/*.k8s.yaml
 */
import { App, YamlOutputType } from 'cdk8s';
import { ContractPreview, PlatformContract } from 'cnai-constructs';
import { CnaiApp, CnaiPlatform } from 'cnai-constructs/k8s';
import { GATEWAY_SPEC } from './spec';

/**
 * The contract of the AWS layer (aws.ts): the applied one when `platform-contract.json` exists
 * next to this file, else the preview of what aws.ts builds from spec.ts.
 */
export function gatewayContract(dir: string = __dirname): PlatformContract {
  return ContractPreview.appliedOrPreview(dir, GATEWAY_SPEC);
}

/** Builds the example app (also used by the tests). */
export function buildGatewayApp(outdir?: string): App {
  const app = new CnaiApp({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  new CnaiPlatform(app, GATEWAY_SPEC.name, { spec: GATEWAY_SPEC, contract: gatewayContract() });
  return app;
}

if (require.main === module) {
  buildGatewayApp().synth();
}
