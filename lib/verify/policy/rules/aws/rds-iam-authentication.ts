import { isClusterMember, RDS_TYPES } from './rds-lookups';
import { Benchmarks } from '../../benchmarks';
import { bool } from '../../terraform-resources';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule } from '../../types';

/** RDS accepts IAM database authentication. */
export const RDS_IAM_AUTHENTICATION: TerraformRule = {
  id: 'aws-rds-iam-authentication',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.LOW,
  info: 'RDS instances and clusters have IAM database authentication enabled.',
  explanation: 'iam_database_authentication_enabled = true lets a workload log in with a short-lived token from its own '
    + 'IAM role (EKS Pod Identity) instead of a stored password, so the database user of a service needs no secret to rotate. '
    + 'Enabling it does not remove password logins; the users that use it are granted rds_iam.',
  benchmarks: [Benchmarks.fsbp('RDS.10')],
  resourceTypes: RDS_TYPES,
  evaluate(db) {
    if (isClusterMember(db)) return Results.notApplicable();
    if (bool(db.body.iam_database_authentication_enabled) === true) return Results.compliant();
    return Results.of([{ message: 'has IAM database authentication off', fix: 'set iam_database_authentication_enabled = true and let service users log in with rds-db:connect through their Pod Identity' }]);
  },
};
