import { Benchmarks } from '../../benchmarks';
import { blocks } from '../../terraform-resources';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule, Violation } from '../../types';

/** Launch templates require IMDSv2 with a hop limit of 1. */
export const LAUNCH_TEMPLATE_IMDSV2: TerraformRule = {
  id: 'aws-launch-template-imdsv2',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.HIGH,
  info: 'Node launch templates require IMDSv2 tokens with a response hop limit of 1.',
  explanation: 'metadata_options.http_tokens = "required" refuses IMDSv1, and http_put_response_hop_limit = 1 keeps the '
    + 'token from reaching containers (one hop more than the node), so a pod cannot take the node role\'s credentials; '
    + 'pods get their own through EKS Pod Identity. AL2023 AMIs default to a hop limit of 2, so it must be set. A template '
    + 'with the metadata endpoint disabled is compliant.',
  benchmarks: [Benchmarks.fsbp('EC2.170'), Benchmarks.controlTower('CT.EC2.PR.2', 'Require that Amazon EC2 launch templates restrict the token hop limit to a maximum of one'),
    Benchmarks.eksBestPractices('Restrict access to the instance profile assigned to the worker node', 'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html')],
  resourceTypes: ['aws_launch_template'],
  evaluate(template) {
    const options = blocks(template.body.metadata_options)[0] ?? {};
    if (options.http_endpoint === 'disabled') return Results.compliant();
    const violations: Violation[] = [];
    if (options.http_tokens !== 'required') {
      violations.push({ message: `allows IMDSv1 (http_tokens ${options.http_tokens ?? 'unset'})`, fix: 'set metadata_options.http_tokens = "required"' });
    }
    const hops = Number(options.http_put_response_hop_limit);
    if (hops !== 1) {
      violations.push({ message: `lets the metadata token reach containers (http_put_response_hop_limit ${options.http_put_response_hop_limit ?? 'unset, 2 on AL2023'})`, fix: 'set metadata_options.http_put_response_hop_limit = 1' });
    }
    return Results.of(violations);
  },
};
