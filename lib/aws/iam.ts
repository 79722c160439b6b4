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

/** Who may assume a Pod Identity role: one service account of one cluster. */
export interface PodIdentityTrust {
  /** The account of the cluster. */
  readonly accountId: string;
  /** ARN of the cluster whose Pod Identity associations may use the role. */
  readonly clusterArn: string;
  /** Namespace of the service account. */
  readonly namespace: string;
  /** Name of the service account. */
  readonly serviceAccount: string;
}

/** The session tags EKS Pod Identity puts on the role session (on by default for every association). */
export const POD_IDENTITY_SESSION_TAGS = {
  clusterArn: 'eks-cluster-arn',
  namespace: 'kubernetes-namespace',
  serviceAccount: 'kubernetes-service-account',
};

/**
 * The trust policy of a role used through EKS Pod Identity: `pods.eks.amazonaws.com` may assume it
 * and tag the session only from this account (`aws:SourceAccount`) and this cluster (`aws:SourceArn`),
 * and only with the session tags of this cluster, namespace and service account. An association made
 * for the role in another cluster, or for another service account, then fails to assume it.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
 * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html
 */
export function podIdentityTrustPolicy(scope: Construct, id: string, principal: string, trust: PodIdentityTrust): DataAwsIamPolicyDocument {
  const tag = (key: string) => `aws:RequestTag/${key}`;
  return policyDocument(scope, id, [{
    effect: 'Allow',
    actions: ['sts:AssumeRole', 'sts:TagSession'],
    principals: [{ type: 'Service', identifiers: [principal] }],
    condition: [
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: [trust.accountId] },
      { test: 'ArnEquals', variable: 'aws:SourceArn', values: [trust.clusterArn] },
      { test: 'StringEquals', variable: tag(POD_IDENTITY_SESSION_TAGS.clusterArn), values: [trust.clusterArn] },
      { test: 'StringEquals', variable: tag(POD_IDENTITY_SESSION_TAGS.namespace), values: [trust.namespace] },
      { test: 'StringEquals', variable: tag(POD_IDENTITY_SESSION_TAGS.serviceAccount), values: [trust.serviceAccount] },
    ],
  }]);
}
