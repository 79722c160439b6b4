import { Benchmarks } from '../../benchmarks';
import { blocks, PolicyStatement, policyStatements } from '../../terraform-resources';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule, Violation } from '../../types';

/** Identity policies: `Resource: "*"` grants the actions on everything. */
const IDENTITY_POLICY_TYPES = ['aws_iam_role_policy', 'aws_iam_policy', 'aws_iam_user_policy', 'aws_iam_group_policy', 'aws_iam_role'];
/** Resource policies: `Resource: "*"` means the resource the policy is attached to. */
const RESOURCE_POLICY_TYPES = ['aws_kms_key', 'aws_s3_bucket_policy', 'aws_sqs_queue_policy', 'aws_secretsmanager_secret_policy', 'aws_ecr_repository_policy', 'aws_sns_topic_policy'];

/**
 * Actions that accept no resource but `*` (the Service Authorization Reference lists no
 * resource type for them): granting them on `*` is the only way, so it is the documented exception.
 */
export const ACTIONS_WITHOUT_RESOURCE_LEVEL = [
  'xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:GetSamplingStatisticSummaries',
  'ecr:GetAuthorizationToken', 'sts:GetCallerIdentity', 'cloudwatch:PutMetricData', 'logs:DescribeLogGroups',
  'pricing:GetProducts', 's3:ListAllMyBuckets', 'kms:ListAliases', 'kms:ListKeys', 'sqs:ListQueues',
  'ec2:Describe*', 'autoscaling:Describe*', 'elasticloadbalancing:Describe*',
];

/** Condition keys that scope a statement on `*` to the platform's own resources or callers. */
const SCOPING_CONDITION = /(Tag\/|:TagKeys$|ViaService$|RequestedRegion$|PassedToService$|CallerAccount$|SourceAccount$|SourceArn$|ResourceAccount$|PrincipalAccount$)/;

function withoutResourceLevel(action: string): boolean {
  return ACTIONS_WITHOUT_RESOURCE_LEVEL.some((a) => (a.endsWith('*') ? action.startsWith(a.slice(0, -1)) && !action.slice(a.length - 1).includes(':') : a === action));
}

/** The account-root statement of the AWS default key policy (`kms:*` for `arn:aws:iam::<account>:root`). */
function isDefaultKeyAdministration(s: PolicyStatement): boolean {
  return s.actions.every((a) => a === 'kms:*') && s.principals.length > 0
    && s.principals.every((p) => /^AWS:arn:aws[a-z-]*:iam::\d{12}:root$/.test(p) || /^AWS:\d{12}$/.test(p));
}

function statementViolations(s: PolicyStatement, resourcePolicy: boolean): Violation[] {
  if (s.effect !== 'Allow') return [];
  const subject = `statement ${s.sid}`;
  const scoped = s.conditions.some((c) => SCOPING_CONDITION.test(c.variable));
  const out: Violation[] = [];
  if (s.notActions.length > 0) out.push({ subject, message: `allows every action except ${s.notActions.join(', ')} (NotAction)`, fix: 'list the actions the principal needs' });
  if (s.notResources.length > 0) out.push({ subject, message: `allows on every resource except ${s.notResources.join(', ')} (NotResource)`, fix: 'list the resources the principal needs' });
  if (s.actions.includes('*')) {
    out.push({ subject, message: 'allows every action ("*")', fix: 'list the actions the principal needs' });
  } else {
    const serviceWide = s.actions.filter((a) => /^[a-z0-9-]+:\*$/.test(a));
    if (serviceWide.length > 0 && !(resourcePolicy && isDefaultKeyAdministration(s))) {
      out.push({ subject, message: `allows every action of a service (${serviceWide.join(', ')})`, fix: 'list the actions the principal needs' });
    }
  }
  if (resourcePolicy) {
    if (s.principals.some((p) => p.endsWith(':*')) && s.conditions.length === 0) {
      out.push({ subject, message: 'allows any principal without a condition', fix: 'name the principals, or add a condition (aws:SourceAccount, kms:CallerAccount, ...)' });
    }
  } else if (s.resources.includes('*') && !scoped) {
    const needing = s.actions.filter((a) => a !== '*' && !withoutResourceLevel(a));
    if (needing.length > 0) {
      out.push({ subject, message: `allows ${needing.join(', ')} on every resource ("*")`, fix: 'name the resources (ARNs of the platform\'s buckets, keys, secrets), or scope the statement with a tag or account condition' });
    }
  }
  return out;
}

/** IAM policies name actions and resources, except where AWS documents that they cannot. */
export const IAM_NO_WILDCARDS: TerraformRule = {
  id: 'aws-iam-no-wildcards',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.HIGH,
  info: 'IAM and resource policies allow named actions on named resources, with documented exceptions only.',
  explanation: 'An Allow statement must not use "*" or "service:*" actions, NotAction or NotResource. In identity policies, '
    + '"*" as resource is allowed only for actions that have no resource-level permissions (e.g. X-Ray\'s PutTraceSegments, '
    + 'ecr:GetAuthorizationToken, ec2:Describe*) or when a condition scopes the statement to the platform (resource tags, '
    + 'account, region, calling service). In resource policies (key, bucket, queue policies) "*" as resource is the resource '
    + 'itself; the account-root "kms:*" statement of the AWS default key policy is the documented exception, and a statement '
    + 'for any principal needs a condition. Deny statements are not checked.',
  benchmarks: [Benchmarks.fsbp('IAM.1'), Benchmarks.fsbp('IAM.21')],
  resourceTypes: [...IDENTITY_POLICY_TYPES, ...RESOURCE_POLICY_TYPES],
  evaluate(resource, context) {
    const resourcePolicy = RESOURCE_POLICY_TYPES.includes(resource.type);
    const documents = resource.type === 'aws_iam_role'
      ? blocks(resource.body.inline_policy).map((p) => p.policy)
      : [resource.body.policy];
    const present = documents.filter((d) => d !== undefined);
    if (present.length === 0) return Results.notApplicable();
    const violations: Violation[] = [];
    for (const document of present) {
      const statements = policyStatements(document, context);
      if (!statements) continue;
      for (const s of statements) violations.push(...statementViolations(s, resourcePolicy));
    }
    return Results.of(violations);
  },
};
