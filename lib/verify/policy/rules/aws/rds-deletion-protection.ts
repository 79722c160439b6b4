import { isClusterMember, RDS_TYPES } from './rds-lookups';
import { Benchmarks } from '../../benchmarks';
import { bool } from '../../terraform-resources';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule } from '../../types';

/** RDS has deletion protection on. */
export const RDS_DELETION_PROTECTION: TerraformRule = {
  id: 'aws-rds-deletion-protection',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.LOW,
  info: 'RDS instances and clusters have deletion protection on.',
  explanation: 'deletion_protection = true makes RDS refuse a delete (from the console, the API or a terraform destroy) '
    + 'until it is turned off deliberately: the database holds the platform\'s state.',
  benchmarks: [Benchmarks.fsbp('RDS.8'), Benchmarks.fsbp('RDS.7')],
  resourceTypes: RDS_TYPES,
  evaluate(db) {
    if (isClusterMember(db)) return Results.notApplicable();
    return Results.of(bool(db.body.deletion_protection) === true ? [] : [{ message: 'has deletion protection off', fix: 'set deletion_protection = true (PostgresDatabase does unless allowDestroy)' }]);
  },
};
