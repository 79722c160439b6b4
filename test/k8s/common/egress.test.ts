import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import {
  API_SERVER_PORT, DEFAULT_VPC_CIDR, POD_IDENTITY_AGENT, apiServerEgress, cidrEgress, dnsEgress, dnsPeer, httpsEgress, isIpv4Cidr,
  podIdentityEgress, tcpPorts,
} from '../../../lib/k8s/common/egress';

/** The egress rules as they synthesize in a NetworkPolicy. */
function synthEgress(egress: k8s.NetworkPolicyEgressRule[]): any[] {
  const chart = Testing.chart();
  new k8s.KubeNetworkPolicy(chart, 'p', { metadata: { name: 'p', namespace: 'n' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress } });
  return Testing.synth(chart)[0].spec.egress;
}

describe('egress rules', () => {
  test('the constants: the Pod Identity agent\'s link-local addresses on port 80, the default VPC block, the API server port', () => {
    expect(POD_IDENTITY_AGENT).toEqual({ ipv4: '169.254.170.23/32', ipv6: 'fd00:ec2::23/128', port: 80 });
    expect(DEFAULT_VPC_CIDR).toBe('10.0.0.0/16');
    expect(API_SERVER_PORT).toBe(443);
  });

  test('DNS: CoreDNS in kube-system, UDP and TCP 53', () => {
    expect(dnsPeer()).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    });
    expect(synthEgress([dnsEgress()])).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    }]);
  });

  test('Pod Identity: both agent addresses, TCP 80 only', () => {
    expect(synthEgress([podIdentityEgress()])).toEqual([{
      to: [{ ipBlock: { cidr: '169.254.170.23/32' } }, { ipBlock: { cidr: 'fd00:ec2::23/128' } }],
      ports: [{ protocol: 'TCP', port: 80 }],
    }]);
  });

  test('HTTPS: any address, TCP 443 only', () => {
    expect(synthEgress([httpsEgress()])).toEqual([{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
  });

  test('the API server: the default VPC block or the one given, TCP 443', () => {
    expect(synthEgress([apiServerEgress(), apiServerEgress('10.42.0.0/16')])).toEqual([
      { to: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ protocol: 'TCP', port: 443 }] },
      { to: [{ ipBlock: { cidr: '10.42.0.0/16' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
  });

  test('a block on one port, and TCP ports in the order given', () => {
    expect(synthEgress([cidrEgress('10.0.32.0/20', 5432), { ports: tcpPorts(6333, 6334) }])).toEqual([
      { to: [{ ipBlock: { cidr: '10.0.32.0/20' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
      { ports: [{ protocol: 'TCP', port: 6333 }, { protocol: 'TCP', port: 6334 }] },
    ]);
    expect(tcpPorts()).toEqual([]);
  });
});

describe('isIpv4Cidr', () => {
  test('the bounds: /0 and /32, 0 and 255 octets', () => {
    for (const c of ['0.0.0.0/0', '255.255.255.255/32', '192.168.1.0/24']) expect([c, isIpv4Cidr(c)]).toEqual([c, true]);
  });

  test('not IPv4 blocks: IPv6, a prefix of three digits, five octets, spaces, a leading sign', () => {
    for (const c of ['fd00::/8', '10.0.0.0/100', '10.0.0.0.0/8', ' 10.0.0.0/8', '10.0.0.0/8 ', '10.0.0.0/-1', '1000.0.0.0/8', '']) {
      expect([c, isIpv4Cidr(c)]).toEqual([c, false]);
    }
  });
});
