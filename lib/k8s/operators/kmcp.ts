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
import { ASSISTANT_IMAGES } from '../../core/versions';

/** Labels of the pods kmcp runs for an MCPServer. */
export function kmcpServerPodLabels(name: string): { [key: string]: string } {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name, 'app.kubernetes.io/managed-by': 'kmcp' };
}

/** Values of kagent's `kmcp` subchart: the controller enabled, its image pinned. */
export function kmcpSubchartValues(): { [key: string]: unknown } {
  return { enabled: true, image: { repository: ASSISTANT_IMAGES.kmcpController.repository, tag: ASSISTANT_IMAGES.kmcpController.tag } };
}
