import { Benchmarks } from '../../benchmarks';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule } from '../../types';

/** SQS queues are encrypted with a customer managed KMS key. */
export const SQS_KMS_ENCRYPTION: TerraformRule = {
  id: 'aws-sqs-kms-encryption',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.MEDIUM,
  info: 'SQS queues are encrypted with a customer managed KMS key.',
  explanation: 'kms_master_key_id of a platform key (whose policy lets the sending service, e.g. EventBridge, use it). '
    + 'SSE-SQS (sqs_managed_sse_enabled) encrypts at rest but with a key nobody can restrict or audit.',
  benchmarks: [Benchmarks.fsbp('SQS.1')],
  resourceTypes: ['aws_sqs_queue'],
  evaluate(queue) {
    const key = queue.body.kms_master_key_id;
    if (typeof key === 'string' && key !== '' && key !== 'alias/aws/sqs') return Results.compliant();
    return Results.of([{
      message: key === 'alias/aws/sqs' ? 'is encrypted with the AWS managed key alias/aws/sqs'
        : queue.body.sqs_managed_sse_enabled === true ? 'is encrypted with SSE-SQS, not a customer managed key' : 'is not encrypted with a KMS key',
      fix: 'set kms_master_key_id to a customer managed key whose policy allows the services that send to the queue',
    }]);
  },
};
