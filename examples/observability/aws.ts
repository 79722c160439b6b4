/**
 * The AWS layer of the observability example (cdktf.json): the stack `CnaiAwsStack.fromSpec`
 * builds from spec.ts, whose `metrics` section adds the managed Prometheus and Grafana
 * workspaces, with the collector's identity also allowed to write (and its drift jobs to read)
 * the team's payload logs and to write metrics to the Prometheus workspace. The Kubernetes
 * layer (main.ts) does not load it: its contract preview is derived from the same spec.
 *
 *   npx cdktf synth      # cdktf.out/stacks/cnai-observability/cdk.tf.json
 */
import { App } from 'cdktf';
import { OBSERVABILITY } from 'cnai-constructs';
import { CnaiAwsStack, StoreBucket } from 'cnai-constructs/aws';
import { OBSERVABILITY_SPEC, PAYLOAD_PREFIX } from './spec';
import { acceptDocumentedFindings } from '../shared/accepted-findings-aws';

/** Name of the AWS stack (its folder under cdktf.out/stacks). */
export const STACK_NAME = 'cnai-observability';

/** The AWS layer of the example in `app`. */
export function buildObservabilityAws(app: App): CnaiAwsStack {
  const stack = CnaiAwsStack.fromSpec(app, STACK_NAME, OBSERVABILITY_SPEC);
  const collector = stack.cluster.workloadIdentities
    .find((w) => w.namespace === OBSERVABILITY.namespace && w.serviceAccount === OBSERVABILITY.collectorServiceAccount)!;
  stack.modelStore.grantReadWrite(collector, { bucket: StoreBucket.DATASETS, prefix: PAYLOAD_PREFIX });
  // The spec's workspace: the collector's OTLP metrics go there too (aps:RemoteWrite on that workspace only).
  stack.metricsBackend!.managedPrometheus!.grantRemoteWrite(collector);
  // The library's policy findings still open (issue 14), suppressed with an OPEN reason: the report lists them
  // (a dev environment: its buckets have no access logging finding to suppress).
  acceptDocumentedFindings({ scope: stack, database: stack.database });
  return stack;
}

if (require.main === module) {
  const app = new App();
  buildObservabilityAws(app);
  app.synth();
}
