import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { Construct } from 'constructs';

/** Whether a policy statement allows or denies. */
export enum IamEffect {
  /** Allow the actions. */
  ALLOW = 'Allow',
  /** Deny the actions (wins over any allow). */
  DENY = 'Deny',
}

/** A condition of a policy statement, e.g. `StringLike s3:prefix ["models/*"]`. */
export interface IamCondition {
  /** Condition operator, e.g. `StringLike`. */
  readonly test: string;
  /** Condition key, e.g. `s3:prefix`. */
  readonly variable: string;
  /** Values. */
  readonly values: string[];
}

/** One statement of an identity-based IAM policy. */
export interface IamPolicyStatement {
  /** Statement id.
   * @default - none
   */
  readonly sid?: string;
  /** Allow or deny.
   * @default IamEffect.ALLOW
   */
  readonly effect?: IamEffect;
  /** Actions, e.g. `s3:GetObject`. */
  readonly actions: string[];
  /** Resource ARNs the actions apply to. */
  readonly resources: string[];
  /** Conditions.
   * @default - none
   */
  readonly conditions?: IamCondition[];
}

/** Converts statements to the shape of the `aws_iam_policy_document` data source. */
export function toDocumentStatements(statements: IamPolicyStatement[]): DataAwsIamPolicyDocumentStatement[] {
  return statements.map((s) => ({
    sid: s.sid,
    effect: s.effect ?? IamEffect.ALLOW,
    actions: s.actions,
    resources: s.resources,
    condition: s.conditions?.map((c) => ({ test: c.test, variable: c.variable, values: c.values })),
  }));
}

/**
 * A policy document rendered by Terraform itself (`aws_iam_policy_document` is computed
 * locally, so plan needs no AWS call), which keeps references and conditions typed.
 */
export function policyDocument(scope: Construct, id: string, statements: DataAwsIamPolicyDocumentStatement[]): DataAwsIamPolicyDocument {
  return new DataAwsIamPolicyDocument(scope, id, { statement: statements });
}

/**
 * The trust policy of a role assumed by an AWS service. With `accountId`, restricted to
 * that source account so the service cannot be used as a confused deputy by another
 * account (only for services that send `aws:SourceAccount`).
 */
export function serviceTrustPolicy(scope: Construct, id: string, servicePrincipal: string,
  options: { actions?: string[]; sourceAccount?: string; sourceArnLike?: string } = {}): DataAwsIamPolicyDocument {
  const condition = [];
  if (options.sourceAccount) condition.push({ test: 'StringEquals', variable: 'aws:SourceAccount', values: [options.sourceAccount] });
  if (options.sourceArnLike) condition.push({ test: 'ArnLike', variable: 'aws:SourceArn', values: [options.sourceArnLike] });
  return policyDocument(scope, id, [{
    effect: 'Allow',
    actions: options.actions ?? ['sts:AssumeRole'],
    principals: [{ type: 'Service', identifiers: [servicePrincipal] }],
    condition: condition.length > 0 ? condition : undefined,
  }]);
}
