/**
 * K8sGPT (core.k8sgpt.ai) of k8sgpt-operator v0.2.27: the analyzer the operator runs for it.
 *
 * Read in k8sgpt-ai/k8sgpt-operator@v0.2.27, pkg/resources/k8sgpt.go: a Deployment of the
 * K8sGPT's name whose pods carry `app: <name>` and listen on 8080 (`k8sgpt serve`, gRPC), a
 * Service of the same name on 8080 that the operator calls, the backend's `spec.ai.baseUrl` as
 * `K8SGPT_BASEURL` in the pods' environment, the resources given (else requests 200m CPU and 256Mi,
 * limits 1 CPU and 512Mi), an emptyDir at /k8sgpt-data, the security contexts of the CRD's fields
 * when it has them (the chart's CRD has none), no probes. The pods run as the ServiceAccount `k8sgpt`
 * of the K8sGPT's namespace when the operator's dynamic RBAC is off (`K8SGPT_ENABLE_DYNAMIC_RBAC`,
 * the chart's `dynamicRBAC.enabled`), as the platform installs it: the operator then creates no
 * ServiceAccount nor RBAC, and the output must (the platform's `ClusterAnalysis` does); with it on,
 * the operator would create `k8sgpt-<namespace>` and a ClusterRole that reads Secrets everywhere,
 * which this adapter does not model.
 */
import { ControllerConnection } from './kagent';
import { KubeObject } from '../../upstream/types';
import { asObject, asString, at } from '../kinds';
import { PodGroup } from '../model';
import { AdapterOutput, CustomResourceAdapter } from './adapter';

const SOURCE = 'k8sgpt-ai/k8sgpt-operator@v0.2.27: pkg/resources/k8sgpt.go';
const PORT = 8080;
const SERVICE_ACCOUNT = 'k8sgpt';

/** K8sGPT: the analyzer's pods and Service (its ServiceAccount and RBAC are the output's: dynamic RBAC off). */
export const K8SGPT_ADAPTER: CustomResourceAdapter = {
  group: 'core.k8sgpt.ai',
  kind: 'K8sGPT',
  source: SOURCE,
  expand(obj: KubeObject, namespace: string): AdapterOutput {
    const name = obj.metadata.name ?? '';
    const by = `k8sgpt-operator (K8sGPT ${namespace}/${name})`;
    const labels = { app: name };
    const baseUrl = asString(at(obj, 'spec.ai.baseUrl'));
    const given = asObject(at(obj, 'spec.resources')) ?? {};
    const resources = {
      requests: { cpu: '200m', memory: '256Mi', ...asObject(given.requests) },
      limits: { cpu: '1', memory: '512Mi', ...asObject(given.limits) },
    };
    return {
      podGroups: [{
        id: `K8sGPT ${namespace}/${name}`,
        namespace,
        labels,
        ports: [{ port: PORT, protocol: 'TCP' }],
        serviceAccount: SERVICE_ACCOUNT,
        hostNetwork: false,
        podSpec: {
          serviceAccountName: SERVICE_ACCOUNT,
          ...(asObject(at(obj, 'spec.securityContext')) ? { securityContext: at(obj, 'spec.securityContext') } : {}),
          containers: [{
            name: 'k8sgpt',
            ports: [{ containerPort: PORT }],
            env: baseUrl ? [{ name: 'K8SGPT_BASEURL', value: baseUrl }] : [],
            resources,
            ...(asObject(at(obj, 'spec.containerSecurityContext')) ? { securityContext: at(obj, 'spec.containerSecurityContext') } : {}),
            volumeMounts: [{ name: 'k8sgpt-vol', mountPath: '/k8sgpt-data' }],
          }],
          volumes: [{ name: 'k8sgpt-vol', emptyDir: {} }],
        },
        createdBy: `k8sgpt-operator (${SOURCE})`,
      }],
      objects: [
        { object: { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: labels, ports: [{ port: PORT, targetPort: PORT, protocol: 'TCP' }] } }, providedBy: by },
      ],
    };
  },
};

/** The operator's calls to the analyzer it runs for a K8sGPT (from its pods, a pod group of the release). */
export function k8sgptOperatorConnections(obj: KubeObject, namespace: string, podGroups: readonly PodGroup[]): ControllerConnection[] {
  const operator = podGroups.find((pg) => pg.labels['control-plane'] === 'controller-manager' && pg.labels['app.kubernetes.io/name'] === 'k8sgpt-operator')?.id;
  if (!operator || obj.kind !== 'K8sGPT') return [];
  return [{ path: 'k8sgpt-operator → K8sGPT analyzer (gRPC)', text: `http://${obj.metadata.name}.${namespace}:${PORT}`, clients: [operator] }];
}
