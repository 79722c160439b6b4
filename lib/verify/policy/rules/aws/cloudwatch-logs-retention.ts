import { Benchmarks } from '../../benchmarks';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule } from '../../types';

/** The fewest days a log group keeps events. */
export const MIN_LOG_RETENTION_DAYS = 365;

/** CloudWatch log groups keep events for at least a year. */
export const CLOUDWATCH_LOGS_RETENTION: TerraformRule = {
  id: 'aws-cloudwatch-logs-retention',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.LOW,
  info: `CloudWatch log groups keep events for at least ${MIN_LOG_RETENTION_DAYS} days (or never expire them).`,
  explanation: 'Audit and flow logs are read after an incident is discovered, often months later. retention_in_days unset '
    + `or 0 keeps events forever; otherwise it must be ${MIN_LOG_RETENTION_DAYS} or more.`,
  benchmarks: [Benchmarks.fsbp('CloudWatch.16')],
  resourceTypes: ['aws_cloudwatch_log_group'],
  evaluate(group) {
    const days = Number(group.body.retention_in_days ?? 0);
    return Results.of(days === 0 || days >= MIN_LOG_RETENTION_DAYS ? []
      : [{ message: `keeps events for ${days} days`, fix: `set retention_in_days to ${MIN_LOG_RETENTION_DAYS} or more` }]);
  },
};
