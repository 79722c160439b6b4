import { Benchmarks } from '../../benchmarks';
import { bool } from '../../terraform-resources';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule } from '../../types';

/** Symmetric KMS keys rotate yearly. */
export const KMS_ROTATION: TerraformRule = {
  id: 'aws-kms-rotation',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.MEDIUM,
  info: 'Customer managed symmetric KMS keys have automatic rotation on.',
  explanation: 'enable_key_rotation = true makes KMS create new key material every year (rotation_period_in_days) while '
    + 'old ciphertext stays readable. Asymmetric and HMAC keys cannot rotate automatically and are not applicable.',
  benchmarks: [Benchmarks.fsbp('KMS.4')],
  resourceTypes: ['aws_kms_key'],
  evaluate(key) {
    const spec = key.body.customer_master_key_spec ?? 'SYMMETRIC_DEFAULT';
    if (spec !== 'SYMMETRIC_DEFAULT') return Results.notApplicable();
    return Results.of(bool(key.body.enable_key_rotation) === true ? [] : [{ message: 'has automatic key rotation off', fix: 'set enable_key_rotation = true (EncryptionKey does)' }]);
  },
};
