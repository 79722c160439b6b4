/**
 * kmcp v0.3.0, the MCPServer controller of kagent v0.9.12 (kagent's go.mod pins it; kagent's chart
 * installs it as its `kmcp` subchart and kagent-crds installs its `kmcp-crds` subchart). What the
 * platform needs to know of it, read at kagent-dev/kmcp@v0.3.0:
 * - pkg/controller/transportadapter/transportadapter_translator.go: an MCPServer becomes a
 *   Deployment, a Service and a ConfigMap of the MCPServer's name in its namespace; the pods carry
 *   `app.kubernetes.io/name` and `app.kubernetes.io/instance` set to the name and
 *   `app.kubernetes.io/managed-by: kmcp`; the Service port is `spec.deployment.port` (name `http`);
 *   the pods run as `spec.deployment.serviceAccountName`, or a ServiceAccount kmcp creates;
 * - helm/kmcp/values.yaml: the controller image (`image.repository`, `image.tag`, else the chart's
 *   appVersion, which the published chart does not set).
 */
import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { OPERATOR_SOURCES } from '../../core/versions';

/**
 * Labels of the pods kmcp runs for an MCPServer.
 * @internal
 */
export function kmcpServerPodLabels(name: string): { [key: string]: string } {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name, 'app.kubernetes.io/managed-by': 'kmcp' };
}

/**
 * Values of kagent's `kmcp` subchart: the controller on. Its image is pinned by the published
 * chart itself (kmcp's Makefile writes `appVersion: v0.3.0` into Chart.yaml when it packages the
 * chart, and the image tag defaults to it: ASSISTANT_IMAGES.kmcpController); the subchart is not
 * vendored, so no value of its own is set.
 * @internal
 */
export function kmcpSubchartValues(): { [key: string]: unknown } {
  return { enabled: true };
}

/**
 * kmcp v0.3.0's CRD (MCPServer): the kmcp-crds chart, installed on its own rather than as the
 * `kmcp-crds` dependency of kagent-crds (which is not vendored), so the CRD the platform's
 * MCPServers need is checked against upstream. kagent-crds' own dependency is turned off.
 * @internal
 */
export function kmcpCrdsRelease(): OperatorRelease {
  return new OperatorRelease({
    name: 'kmcp-crds',
    namespace: OPERATOR_NAMESPACES.kagent,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.kmcpCrds),
    phase: InstallPhase.FOUNDATION,
    serverSideApply: true,
    prune: false,
    description: 'kmcp CRD (MCPServer).',
    provides: { customResources: [{ group: 'kagent.dev', kinds: ['MCPServer'] }] },
  });
}
