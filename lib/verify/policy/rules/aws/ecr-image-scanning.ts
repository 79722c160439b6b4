import { Benchmarks } from '../../benchmarks';
import { blocks, bool } from '../../terraform-resources';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule } from '../../types';

/** ECR scans images on push. */
export const ECR_IMAGE_SCANNING: TerraformRule = {
  id: 'aws-ecr-image-scanning',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.HIGH,
  info: 'ECR repositories scan images for vulnerabilities on push.',
  explanation: 'image_scanning_configuration.scan_on_push = true, or a registry-wide aws_ecr_registry_scanning_configuration '
    + 'in the stack: a serving image with a known vulnerability is reported before it runs.',
  benchmarks: [Benchmarks.fsbp('ECR.1'), Benchmarks.cisEks('5.1.1', 'Ensure Image Vulnerability Scanning using Amazon ECR image scanning or a third party provider')],
  resourceTypes: ['aws_ecr_repository'],
  evaluate(repo, context) {
    const onPush = blocks(repo.body.image_scanning_configuration).some((c) => bool(c.scan_on_push) === true);
    const registryWide = context.resources.some((r) => !r.dataSource && r.type === 'aws_ecr_registry_scanning_configuration');
    return Results.of(onPush || registryWide ? [] : [{ message: 'does not scan images on push', fix: 'set image_scanning_configuration { scan_on_push = true }, or configure registry scanning (aws_ecr_registry_scanning_configuration)' }]);
  },
};
