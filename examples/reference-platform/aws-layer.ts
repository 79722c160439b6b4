/** The AWS layer of the reference platform (imports cdktf only, not cdk8s). */
import { App } from 'cdktf';
import { PlatformSpec } from 'cnai-constructs';
import { CnaiAwsStack, Suppressions } from 'cnai-constructs/aws';
import { REFERENCE_SPEC } from './spec';

/** Name of the AWS stack (its folder under cdktf.out/stacks). */
export const STACK_NAME = 'cnai-reference';

/** The AWS layer of the spec in `app`. */
export function buildReferenceAws(app: App, spec: PlatformSpec = REFERENCE_SPEC): CnaiAwsStack {
  const stack = CnaiAwsStack.fromSpec(app, STACK_NAME, spec);
  if (spec === REFERENCE_SPEC) suppressOpenFindings(stack);
  return stack;
}

/**
 * Findings of the policy packs (lib/verify/policy) still open on the reference platform
 * (issue 14): suppressed on the reference only, each with a reason that says it is open, so
 * the report lists them and the synth still passes. Remove a line when the library fixes its
 * finding: the report then names the suppression as covering nothing.
 */
function suppressOpenFindings(stack: CnaiAwsStack): void {
  const open = (what: string) => `OPEN (issue 14): ${what}`;
  Suppressions.add(stack.modelStore, 'aws-s3-access-logging', open('the models and datasets buckets log no object access; '
    + 'server access logs to a dedicated log bucket (or CloudTrail S3 data events) are to become the prod default'), { resource: 'aws_s3_bucket' });
  if (stack.database) {
    Suppressions.add(stack.database, 'aws-rds-iam-authentication', open('IAM database authentication for the registry\'s '
      + 'database user through its Pod Identity is not offered yet'), { resource: 'aws_db_instance' });
  }
  Suppressions.add(stack, 'aws-secrets-rotation', open('the MLflow and Qdrant credentials rotate only by bumping '
    + 'credentialsVersion; a supported procedure (External Secrets refresh and a restart) is to be documented'), { resource: 'aws_secretsmanager_secret' });
}
