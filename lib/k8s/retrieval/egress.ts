// The egress rules moved to lib/k8s/common (every stage uses them); kept here for existing imports.
export { POD_IDENTITY_AGENT, dnsEgress, podIdentityEgress, httpsEgress, cidrEgress, tcpPorts } from '../common/egress';
