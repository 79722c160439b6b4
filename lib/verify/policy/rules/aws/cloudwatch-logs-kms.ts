import { Benchmarks } from '../../benchmarks';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule } from '../../types';

/** CloudWatch log groups are encrypted with a customer managed KMS key. */
export const CLOUDWATCH_LOGS_KMS: TerraformRule = {
  id: 'aws-cloudwatch-logs-kms',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.MEDIUM,
  info: 'CloudWatch log groups are encrypted with a customer managed KMS key.',
  explanation: 'Control plane, database and flow logs carry user names, addresses and queries. kms_key_id on the log group '
    + 'encrypts them with a platform key whose policy limits who may read them.',
  benchmarks: [Benchmarks.awsConfig('cloudwatch-log-group-encrypted')],
  resourceTypes: ['aws_cloudwatch_log_group'],
  evaluate(group) {
    return Results.of(typeof group.body.kms_key_id === 'string' && group.body.kms_key_id !== '' ? []
      : [{ message: 'is not encrypted with a customer managed KMS key', fix: 'set kms_key_id to a key whose policy lets logs.<region>.amazonaws.com use it for this account\'s log groups' }]);
  },
};
