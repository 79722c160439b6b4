/**
 * Objects that exist in the cluster without anyone in the output or its releases writing them:
 * what Kubernetes and Amazon EKS create in every cluster, and what Kubernetes creates in every
 * namespace. Declared here, in one place, each with the reason it may be assumed.
 */
import { crdObject } from '../upstream/helm-check';
import { KubeObject } from '../upstream/types';

/** An object the cluster provides, and why it may be assumed. */
export interface ClusterProvidedObject {
  readonly object: KubeObject;
  /** Who creates it, for findings and reports. */
  readonly reason: string;
}

/** Namespaces every Kubernetes cluster has (the API server creates them at start). */
export const CLUSTER_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const K8S = 'Kubernetes (every cluster)';
const COREDNS = 'EKS: CoreDNS add-on (installed by default; the platform\'s EKS layer manages it as an add-on)';

/** Objects Kubernetes and Amazon EKS create once per cluster. */
export function clusterProvidedObjects(): ClusterProvidedObject[] {
  const coreDnsLabels = { 'k8s-app': 'kube-dns', 'eks.amazonaws.com/component': 'coredns' };
  return [
    ...CLUSTER_NAMESPACES.map((name) => ({
      object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } },
      reason: `${K8S}: the API server creates namespace ${name}`,
    })),
    {
      object: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kubernetes', namespace: 'default' },
        spec: { ports: [{ name: 'https', port: 443, targetPort: 443, protocol: 'TCP' }] },
      },
      reason: `${K8S}: the API server's Service (endpoints are the control plane)`,
    },
    {
      object: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
        spec: {
          selector: { 'k8s-app': 'kube-dns' },
          ports: [
            { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
            { name: 'dns-tcp', port: 53, targetPort: 53, protocol: 'TCP' },
            { name: 'metrics', port: 9153, targetPort: 9153, protocol: 'TCP' },
          ],
        },
      },
      reason: COREDNS,
    },
    {
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'coredns', namespace: 'kube-system', labels: coreDnsLabels },
        spec: {
          selector: { matchLabels: { 'k8s-app': 'kube-dns', 'eks.amazonaws.com/component': 'coredns' } },
          template: {
            metadata: { labels: coreDnsLabels },
            spec: {
              serviceAccountName: 'coredns',
              priorityClassName: 'system-cluster-critical',
              containers: [{
                name: 'coredns',
                ports: [
                  { name: 'dns', containerPort: 53, protocol: 'UDP' },
                  { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                  { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
                ],
              }],
            },
          },
        },
      },
      reason: COREDNS,
    },
    {
      object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'coredns', namespace: 'kube-system' } },
      reason: COREDNS,
    },
    ...['system-cluster-critical', 'system-node-critical'].map((name) => ({
      object: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value: name === 'system-node-critical' ? 2000001000 : 2000000000 },
      reason: `${K8S}: built-in PriorityClass ${name}`,
    })),
    ...['cluster-admin', 'admin', 'edit', 'view'].map((name) => ({
      object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name } },
      reason: `${K8S}: the API server creates the user-facing ClusterRole ${name} (RBAC default roles)`,
    })),
    {
      object: { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'gp2' }, provisioner: 'kubernetes.io/aws-ebs' },
      reason: 'EKS: StorageClass gp2 is created in every cluster',
    },
  ];
}

/** Objects Kubernetes creates in every namespace. */
export function namespaceProvidedObjects(namespace: string): ClusterProvidedObject[] {
  return [
    {
      object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } },
      reason: `${K8S}: the ServiceAccount controller creates ServiceAccount default in every namespace`,
    },
    {
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace }, data: { 'ca.crt': '' } },
      reason: `${K8S}: the root CA publisher creates ConfigMap kube-root-ca.crt in every namespace`,
    },
  ];
}

/** Argo CD kinds: installed with Argo CD itself, which syncs the output (its sync waves only mean something there). */
export const ARGO_CD_KINDS = { group: 'argoproj.io', kinds: ['Application', 'AppProject', 'ApplicationSet'] };

/** Argo CD's namespace and CRDs, assumed when the output is synced by Argo CD. */
export function argoCdProvidedObjects(namespace: string): ClusterProvidedObject[] {
  const reason = 'Argo CD (it syncs the output; the bootstrap installs it with its CRDs)';
  return [
    {
      object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'kubernetes.io/metadata.name': namespace } } },
      reason,
    },
    ...ARGO_CD_KINDS.kinds.map((kind) => ({
      object: crdStub(ARGO_CD_KINDS.group, kind, true),
      reason,
    })),
  ];
}

/** A CustomResourceDefinition reduced to what the model reads: group, kind, scope, served versions when known. */
export function crdStub(group: string, kind: string, namespaced: boolean, versions?: string[]): KubeObject {
  // The plural only names the stub; the model looks CRDs up by group and kind.
  const plural = `${kind.toLowerCase()}${kind.endsWith('s') ? 'es' : 's'}`;
  return crdObject(group, { kind, plural }, namespaced ? 'Namespaced' : 'Cluster', versions?.map((name) => ({ name, served: true, storage: false })));
}
