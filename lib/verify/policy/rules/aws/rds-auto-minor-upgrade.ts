import { Benchmarks } from '../../benchmarks';
import { bool } from '../../terraform-resources';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule } from '../../types';

/** RDS applies minor engine versions automatically. */
export const RDS_AUTO_MINOR_UPGRADE: TerraformRule = {
  id: 'aws-rds-auto-minor-upgrade',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.HIGH,
  info: 'RDS instances apply minor engine versions (security patches) automatically in their maintenance window.',
  explanation: 'auto_minor_version_upgrade = true (the provider\'s default) lets RDS apply minor PostgreSQL releases, which '
    + 'carry the security fixes, in the maintenance window. Pin only the major version (engine_version "17"), or Terraform '
    + 'and RDS will fight over the minor one. Turning it off needs a documented patch process: suppress with that reason.',
  benchmarks: [Benchmarks.fsbp('RDS.13')],
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster_instance'],
  evaluate(db) {
    if (bool(db.body.auto_minor_version_upgrade) !== false) return Results.compliant();
    return Results.of([{
      message: `has automatic minor version upgrades off${db.body.engine_version ? ` (engine_version ${db.body.engine_version})` : ''}`,
      fix: 'set auto_minor_version_upgrade = true with a maintenance_window, pinning only the major engine version',
    }]);
  },
};
