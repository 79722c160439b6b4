import { k8s } from 'cdk8s-plus-27';

/**
 * Egress rules the data services' pods need, in one place: their NetworkPolicies list
 * exactly these, so a pod reaches DNS, its AWS credentials, S3 and the database and nothing else.
 */

/** Address of the EKS Pod Identity agent on every node (IPv4 and IPv6). */
export const POD_IDENTITY_AGENT = { ipv4: '169.254.170.23/32', ipv6: 'fd00:ec2::23/128', port: 80 };

/** DNS through the cluster's CoreDNS. */
export function dnsEgress(): k8s.NetworkPolicyEgressRule {
  return {
    to: [{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    }],
    ports: [
      { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
      { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
    ],
  };
}

/** Credentials from the EKS Pod Identity agent (a link-local address on the node). */
export function podIdentityEgress(): k8s.NetworkPolicyEgressRule {
  return {
    to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.ipv4 } }, { ipBlock: { cidr: POD_IDENTITY_AGENT.ipv6 } }],
    ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(POD_IDENTITY_AGENT.port) }],
  };
}

/**
 * HTTPS to AWS APIs (S3, STS). S3's addresses are not fixed, so the peer is any address;
 * only port 443 is open.
 */
export function httpsEgress(): k8s.NetworkPolicyEgressRule {
  return {
    to: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
    ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(443) }],
  };
}

/** TCP to a block of addresses on one port (e.g. the database in the VPC). */
export function cidrEgress(cidr: string, port: number): k8s.NetworkPolicyEgressRule {
  return { to: [{ ipBlock: { cidr } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }] };
}

/** TCP ports as NetworkPolicy ports. */
export function tcpPorts(...ports: number[]): k8s.NetworkPolicyPort[] {
  return ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));
}
