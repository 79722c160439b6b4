/**
 * cdk8s entry point (cdk8s.yaml) of the predictive example: the whole platform from `spec.ts`
 * with `CnaiPlatform`, whose serving chart holds the predictive model `churn`: a KServe
 * InferenceService on the `kserve-xgbserver` runtime, loading `s3://<models bucket>/served/churn/`
 * with its workload identity, 1 vCPU and 2 GiB per replica on CPU nodes, KServe's HPA on CPU
 * between 2 and 4 replicas, probes, a PodDisruptionBudget, a PodMonitor and NetworkPolicies.
 * The team's `crm-api` pods are let in.
 *
 *   npx cdktf synth      # cdktf.out/stacks/cnai-predictive/cdk.tf.json (cdktf.json runs aws.ts)
 *   npx cdk8s synth      # dist/*.k8s.yaml
 */
import { App, YamlOutputType } from 'cdk8s';
import { ContractPreview, PlatformContract } from 'cnai-constructs';
import { CnaiApp, CnaiPlatform } from 'cnai-constructs/k8s';
import { MODEL, PREDICTIVE_SPEC, TEAM } from './spec';

/**
 * The contract of the AWS layer (aws.ts): the applied one when `platform-contract.json` exists
 * next to this file, else the preview of what aws.ts builds from spec.ts.
 */
export function predictiveContract(dir: string = __dirname): PlatformContract {
  return ContractPreview.appliedOrPreview(dir, PREDICTIVE_SPEC);
}

/** Builds the example app (also used by the tests). */
export function buildPredictiveApp(outdir?: string): App {
  const app = new CnaiApp({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const platform = new CnaiPlatform(app, PREDICTIVE_SPEC.name, { spec: PREDICTIVE_SPEC, contract: predictiveContract() });
  // The CRM application calls the model.
  platform.predictiveModels[MODEL].allowFrom(platform.teams[TEAM].workloads({ app: 'crm-api' }));
  return app;
}

if (require.main === module) {
  buildPredictiveApp().synth();
}
