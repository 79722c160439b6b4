import { isClusterMember, RDS_TYPES } from './rds-lookups';
import { Benchmarks } from '../../benchmarks';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule } from '../../types';

/** The fewest days of automated backups. */
export const MIN_BACKUP_RETENTION_DAYS = 7;

/** RDS keeps automated backups for at least 7 days. */
export const RDS_BACKUPS: TerraformRule = {
  id: 'aws-rds-backups',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.MEDIUM,
  info: `RDS instances and clusters keep automated backups for at least ${MIN_BACKUP_RETENTION_DAYS} days.`,
  explanation: 'backup_retention_period gives point-in-time recovery of the registry\'s and the vector store\'s metadata. '
    + `0 turns backups off; fewer than ${MIN_BACKUP_RETENTION_DAYS} days (Security Hub's default minimum) leaves a week-end mistake unrecoverable.`,
  benchmarks: [Benchmarks.fsbp('RDS.11')],
  resourceTypes: RDS_TYPES,
  evaluate(db) {
    if (isClusterMember(db)) return Results.notApplicable();
    // The provider's defaults: 0 for an instance without a snapshot, 1 for a cluster.
    const days = Number(db.body.backup_retention_period ?? (db.type === 'aws_rds_cluster' ? 1 : 0));
    if (days >= MIN_BACKUP_RETENTION_DAYS) return Results.compliant();
    return Results.of([{
      message: days === 0 ? 'has automated backups off (backup_retention_period 0 or unset)' : `keeps automated backups for ${days} day(s)`,
      fix: `set backup_retention_period to ${MIN_BACKUP_RETENTION_DAYS} or more`,
    }]);
  },
};
