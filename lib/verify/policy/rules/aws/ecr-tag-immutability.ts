import { Benchmarks } from '../../benchmarks';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule } from '../../types';

/** ECR image tags cannot be overwritten. */
export const ECR_TAG_IMMUTABILITY: TerraformRule = {
  id: 'aws-ecr-tag-immutability',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.MEDIUM,
  info: 'ECR repositories have immutable image tags.',
  explanation: 'image_tag_mutability = "IMMUTABLE": a tag the platform pins (v0.30.0) always names the image that was '
    + 'reviewed and scanned; a pushed image cannot replace it under a running deployment.',
  benchmarks: [Benchmarks.fsbp('ECR.2')],
  resourceTypes: ['aws_ecr_repository'],
  evaluate(repo) {
    const mode = repo.body.image_tag_mutability;
    return Results.of(mode === 'IMMUTABLE' || mode === 'IMMUTABLE_WITH_EXCLUSION' ? []
      : [{ message: `has ${mode ?? 'MUTABLE (the default)'} image tags`, fix: 'set image_tag_mutability = "IMMUTABLE"' }]);
  },
};
