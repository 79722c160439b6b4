import { Benchmarks } from '../../benchmarks';
import { refersTo } from '../../terraform-resources';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule } from '../../types';

/** Secrets Manager secrets rotate, or carry the documented procedure that rotates them. */
export const SECRETS_ROTATION: TerraformRule = {
  id: 'aws-secrets-rotation',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.MEDIUM,
  info: 'Secrets Manager secrets have automatic rotation, or a documented rotation procedure the platform supports.',
  explanation: 'An aws_secretsmanager_secret_rotation for the secret (a rotation Lambda and a schedule). Credentials the '
    + 'platform generates itself may rotate by a documented procedure instead (a new value, External Secrets refreshing the '
    + 'Kubernetes Secret, a restart of the workloads that read it): suppress the rule on the secret with the procedure as '
    + 'its reason, so the report shows it. RDS-managed master passwords are rotated by RDS and are not secrets of the stack.',
  benchmarks: [Benchmarks.fsbp('SecretsManager.1')],
  resourceTypes: ['aws_secretsmanager_secret'],
  evaluate(secret, context) {
    const rotated = context.resources.some((r) => !r.dataSource && r.type === 'aws_secretsmanager_secret_rotation'
      && (refersTo(r.body.secret_id, secret.address) || (secret.body.name !== undefined && r.body.secret_id === secret.body.name)));
    return Results.of(rotated ? [] : [{
      message: `${secret.body.name ? `${secret.body.name} ` : ''}never rotates (no aws_secretsmanager_secret_rotation)`,
      fix: 'add aws_secretsmanager_secret_rotation with a rotation function and schedule, or document the platform\'s rotation procedure and suppress with it as the reason',
    }]);
  },
};
