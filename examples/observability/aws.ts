/**
 * The AWS layer of the observability example: the stack `CnaiAwsStack.fromSpec` builds from
 * spec.ts, with the collector's identity also allowed to write (and its drift jobs to read)
 * the team's payload logs and to write metrics to the AMP workspace. The Kubernetes layer
 * (main.ts) does not load it: its contract preview is derived from the same spec.
 */
import { App } from 'cdktf';
import { OBSERVABILITY } from 'cnai-constructs';
import { CnaiAwsStack, StoreBucket } from 'cnai-constructs/aws';
import { AMP_WORKSPACE_ID, OBSERVABILITY_SPEC, PAYLOAD_PREFIX } from './spec';

/** Name of the AWS stack (its folder under cdktf.out/stacks). */
export const STACK_NAME = 'cnai-observability';

/** The AWS layer of the example in `app`. */
export function buildObservabilityAws(app: App): CnaiAwsStack {
  const stack = CnaiAwsStack.fromSpec(app, STACK_NAME, OBSERVABILITY_SPEC);
  const collector = stack.cluster.workloadIdentities
    .find((w) => w.namespace === OBSERVABILITY.namespace && w.serviceAccount === OBSERVABILITY.collectorServiceAccount)!;
  stack.modelStore.grantReadWrite(collector, { bucket: StoreBucket.DATASETS, prefix: PAYLOAD_PREFIX });
  const naming = stack.naming;
  collector.addToPolicy({
    sid: 'AmpRemoteWrite',
    actions: ['aps:RemoteWrite'],
    resources: [`arn:aws:aps:${naming.region}:${naming.accountId}:workspace/${AMP_WORKSPACE_ID}`],
  });
  return stack;
}
