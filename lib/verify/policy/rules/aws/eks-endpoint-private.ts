import { Benchmarks } from '../../benchmarks';
import { blocks, bool } from '../../terraform-resources';
import { PolicyLayer, PolicyPack, PolicySeverity, Results, TerraformRule, Violation } from '../../types';

const ANYWHERE = ['0.0.0.0/0', '::/0'];

/** The EKS API endpoint is private, or public only to named ranges. */
export const EKS_ENDPOINT_PRIVATE: TerraformRule = {
  id: 'aws-eks-endpoint-private',
  pack: PolicyPack.AWS_DATA_PROTECTION,
  layer: PolicyLayer.TERRAFORM,
  severity: PolicySeverity.HIGH,
  info: 'The EKS API endpoint is private, or public only to named address ranges.',
  explanation: 'vpc_config.endpoint_private_access = true keeps node and pod traffic to the API inside the VPC; '
    + 'endpoint_public_access is false, or true with public_access_cidrs that do not include 0.0.0.0/0 (the provider\'s '
    + 'default for a public endpoint is public access from anywhere, and the AWS default for endpoint_public_access is true).',
  benchmarks: [Benchmarks.fsbp('EKS.1'), Benchmarks.cisEks('5.4.1', 'Restrict Access to the Control Plane Endpoint'),
    Benchmarks.cisEks('5.4.2', 'Ensure clusters are created with Private Endpoint Enabled and Public Access Disabled')],
  resourceTypes: ['aws_eks_cluster'],
  evaluate(cluster) {
    const vpc = blocks(cluster.body.vpc_config)[0] ?? {};
    const violations: Violation[] = [];
    if (bool(vpc.endpoint_private_access) !== true) {
      violations.push({ message: 'has no private endpoint: nodes reach the API over the internet', fix: 'set vpc_config.endpoint_private_access = true' });
    }
    if (bool(vpc.endpoint_public_access) !== false) {
      const cidrs: string[] = Array.isArray(vpc.public_access_cidrs) ? vpc.public_access_cidrs : [];
      if (cidrs.length === 0 || cidrs.some((c) => ANYWHERE.includes(c))) {
        violations.push({
          message: `has a public API endpoint open to ${cidrs.length === 0 ? 'any address (no public_access_cidrs)' : cidrs.filter((c) => ANYWHERE.includes(c)).join(', ')}`,
          fix: 'set endpoint_public_access = false, or public_access_cidrs to your office or VPN ranges (spec publicEndpointCidrs)',
        });
      }
    }
    return Results.of(violations);
  },
};
