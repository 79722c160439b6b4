import { k8s } from 'cdk8s-plus-27';

/**
 * NetworkPolicy rules the platform's own pods need, in one place: the data services, the
 * observability and GPU components and the team namespaces list exactly these, so a pod
 * reaches DNS, its AWS credentials, AWS APIs, the database or the API server and nothing else.
 */

/** Address of the EKS Pod Identity agent on every node (IPv4 and IPv6). */
export const POD_IDENTITY_AGENT = { ipv4: '169.254.170.23/32', ipv6: 'fd00:ec2::23/128', port: 80 };

/**
 * The VPC address block of the AWS layer's default network (`Network` cidrBlock). Nodes, pods
 * (VPC CNI) and the EKS API server's private endpoint all have addresses in it.
 */
export const DEFAULT_VPC_CIDR = '10.0.0.0/16';

/** Port of the Kubernetes API server (EKS endpoint). */
export const API_SERVER_PORT = 443;

/** The cluster DNS pods (CoreDNS in kube-system) as a NetworkPolicy peer. */
export function dnsPeer(): k8s.NetworkPolicyPeer {
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
    podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
  };
}

/** DNS through the cluster's CoreDNS. */
export function dnsEgress(): k8s.NetworkPolicyEgressRule {
  return {
    to: [dnsPeer()],
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

/**
 * The Kubernetes API server. A NetworkPolicy sees the endpoint after the `kubernetes` Service's
 * address is translated: on EKS the private endpoint's network interfaces, inside the VPC.
 * @param vpcCidr the VPC's address block
 */
export function apiServerEgress(vpcCidr: string = DEFAULT_VPC_CIDR): k8s.NetworkPolicyEgressRule {
  return cidrEgress(vpcCidr, API_SERVER_PORT);
}

/** TCP to a block of addresses on one port (e.g. the database in the VPC). */
export function cidrEgress(cidr: string, port: number): k8s.NetworkPolicyEgressRule {
  return { to: [{ ipBlock: { cidr } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }] };
}

/** TCP ports as NetworkPolicy ports. */
export function tcpPorts(...ports: number[]): k8s.NetworkPolicyPort[] {
  return ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));
}

/** True for an IPv4 CIDR block such as `10.0.0.0/16`. */
export function isIpv4Cidr(cidr: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  return m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}
