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
 *   appVersion, which the Chart.yaml in git does not set: kmcp's Makefile writes the release's
 *   `VERSION` there when it packages the chart, and its tag workflow sets it to the tag without its
 *   `v`, so the published chart 0.3.0 runs `ghcr.io/kagent-dev/kmcp/controller:0.3.0`);
 * - helm/kmcp/templates/_helpers.tpl and deployment.yaml: the controller's pods (Deployment
 *   `<release>-kmcp-controller-manager` under kagent's `kmcp.nameOverride: kmcp`) carry
 *   `app.kubernetes.io/name: kmcp`, `app.kubernetes.io/instance: <release>`, `control-plane:
 *   controller-manager`, and listen on 8443 (metrics, which nothing of the platform scrapes: the chart
 *   has no ServiceMonitor) and 8081 (probes, from the kubelet). It watches MCPServers and writes
 *   Deployments, Services and ConfigMaps: it needs the API server only, and calls no MCP server.
 * The `kmcp` subchart is not vendored (kagent's chart fetches it at release), so these labels and
 * ports are checked against kmcp's source at the tag, not against a vendored chart, and the
 * release cannot declare the controller as a provided workload (the whole-platform verification
 * checks each against its chart template).
 */
import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { OPERATOR_SOURCES } from '../../core/versions';

/**
 * Labels of kmcp's controller pods as kagent's chart 0.9.12 installs it (its `kmcp` subchart with
 * `nameOverride: kmcp`, release `kagent`): read in kagent-dev/kmcp@v0.3.0
 * helm/kmcp/templates/_helpers.tpl (`kmcp.selectorLabels`), not in a vendored chart.
 */
export const KMCP_CONTROLLER_POD_LABELS = { 'app.kubernetes.io/name': 'kmcp', 'app.kubernetes.io/instance': 'kagent', 'control-plane': 'controller-manager' };

/** The label every pod kmcp runs for an MCPServer carries, whatever the MCPServer. */
export const KMCP_SERVER_POD_SELECTOR = { 'app.kubernetes.io/managed-by': 'kmcp' };

/**
 * Labels of the pods kmcp runs for an MCPServer.
 * @internal
 */
export function kmcpServerPodLabels(name: string): { [key: string]: string } {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name, ...KMCP_SERVER_POD_SELECTOR };
}

/**
 * Values of kagent's `kmcp` subchart: the controller on. Its image is pinned by the published
 * chart itself (kmcp's release packages chart 0.3.0 with `appVersion: "0.3.0"`, and the image tag
 * defaults to it: ASSISTANT_IMAGES.kmcpController); the subchart is not vendored, so no value of
 * its own is set (the values check could not see it).
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
    // CRDs only: no pods.
    network: {},
    provides: { customResources: [{ group: 'kagent.dev', kinds: ['MCPServer'] }] },
  });
}
