import { isClusterMember, RDS_TYPES } from './rds-lookups';
import { Benchmarks } from '../../benchmarks';
import { bool } from '../../terraform-resources';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule } from '../../types';

/** RDS storage is encrypted with a customer managed KMS key. */
export const RDS_KMS_ENCRYPTION: TerraformRule = {
  id: 'aws-rds-kms-encryption',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.MEDIUM,
  info: 'RDS instances and clusters encrypt their storage with a customer managed KMS key.',
  explanation: 'storage_encrypted true with kms_key_id of a platform key: snapshots, backups and replicas inherit it, and '
    + 'access to the data can be revoked by disabling the key. Without kms_key_id, RDS uses the AWS managed key aws/rds.',
  benchmarks: [Benchmarks.fsbp('RDS.3')],
  resourceTypes: RDS_TYPES,
  evaluate(db) {
    if (isClusterMember(db)) return Results.notApplicable();
    if (bool(db.body.storage_encrypted) !== true) {
      return Results.of([{ message: 'storage is not encrypted', fix: 'set storage_encrypted = true and kms_key_id to a customer managed key (PostgresDatabase does)' }]);
    }
    if (typeof db.body.kms_key_id !== 'string' || db.body.kms_key_id === '') {
      return Results.of([{ message: 'storage is encrypted with the AWS managed key aws/rds', fix: 'set kms_key_id to a customer managed key' }]);
    }
    return Results.compliant();
  },
};
