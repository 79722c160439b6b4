import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { DATA_SERVICES } from '../../core/contract';
import { ReleaseConnections } from '../../core/release-network';
import { CHART_IMAGE_TAGS, OPERATOR_SOURCES } from '../../core/versions';

/** Labels of the External Secrets controller's pods (templates/_helpers.tpl external-secrets.selectorLabels). */
export const EXTERNAL_SECRETS_CONTROLLER_POD_LABELS = { 'app.kubernetes.io/name': 'external-secrets', 'app.kubernetes.io/instance': 'external-secrets' };

const WEBHOOK_POD_LABELS = { 'app.kubernetes.io/name': 'external-secrets-webhook', 'app.kubernetes.io/instance': 'external-secrets' };
const CERT_CONTROLLER_POD_LABELS = { 'app.kubernetes.io/name': 'external-secrets-cert-controller', 'app.kubernetes.io/instance': 'external-secrets' };

/**
 * External Secrets: copies the platform's secrets (database, registry and vector database
 * credentials) from AWS Secrets Manager into Kubernetes Secrets. Its service account is the
 * one the AWS layer's DataServicesAccess gives read access to exactly those secrets.
 *
 * Source: the external-secrets chart 2.9.0 (charts.external-secrets.io; tag helm-chart-2.9.0).
 * Image tags default to the chart's appVersion; the release sets them (`image.tag`,
 * `webhook.image.tag`, `certController.image.tag`). The chart's CRDs are generated when it is
 * packaged (templates/crds/README.md), so the kinds declared below are those of
 * config/crds/bases at v2.9.0 (the schema folder's external-secrets CRDs).
 * @internal
 */
export function externalSecretsRelease(): OperatorRelease {
  const image = { tag: CHART_IMAGE_TAGS.externalSecrets };
  return new OperatorRelease({
    name: 'external-secrets',
    namespace: OPERATOR_NAMESPACES.externalSecrets,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.externalSecrets),
    values: {
      installCRDs: true,
      image,
      webhook: { image },
      certController: { image },
      serviceAccount: { create: true, name: DATA_SERVICES.secretsReader.serviceAccount },
      serviceMonitor: { enabled: true },
      securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
    },
    phase: InstallPhase.OPERATORS,
    serverSideApply: true,
    description: 'Secrets from AWS Secrets Manager (through its EKS Pod Identity).',
    network: {
      connections: [
        ReleaseConnections.webhook('external-secrets-webhook', [10250]),
        ReleaseConnections.aws('external-secrets', 'reads AWS Secrets Manager with its EKS Pod Identity'),
        ReleaseConnections.metrics('external-secrets', [8080]),
        ReleaseConnections.metrics('external-secrets-webhook', [8080]),
        ReleaseConnections.metrics('external-secrets-cert-controller', [8080]),
      ],
    },
    provides: {
      // The kinds whose CRDs can be checked: the chart generates its CRDs when it is packaged, and
      // the schema directory holds those three of v2.9.0 (the platform uses no other).
      customResources: [
        { group: 'external-secrets.io', kinds: ['ClusterSecretStore', 'ExternalSecret', 'SecretStore'] },
      ],
      services: [
        // The API server calls the validating webhooks (failurePolicy Fail) here (443 -> webhook.port 10250).
        { name: 'external-secrets-webhook', ports: [{ name: 'webhook', port: 443, targetPort: 10250 }], selector: WEBHOOK_POD_LABELS, template: 'templates/webhook-service.yaml' },
        // Rendered with the ServiceMonitor (serviceMonitor.enabled, when the cluster serves monitoring.coreos.com/v1).
        { name: 'external-secrets-metrics', ports: [{ name: 'metrics', port: 8080 }], selector: EXTERNAL_SECRETS_CONTROLLER_POD_LABELS, template: 'templates/service.yaml' },
      ],
      workloads: [
        // Calls AWS Secrets Manager (through EKS Pod Identity) and the API server.
        {
          name: 'external-secrets',
          podLabels: EXTERNAL_SECRETS_CONTROLLER_POD_LABELS,
          ports: [{ name: 'metrics', containerPort: 8080 }],
          serviceAccount: DATA_SERVICES.secretsReader.serviceAccount,
          template: 'templates/deployment.yaml',
        },
        {
          name: 'external-secrets-webhook',
          podLabels: WEBHOOK_POD_LABELS,
          ports: [{ name: 'metrics', containerPort: 8080 }, { name: 'webhook', containerPort: 10250 }, { name: 'ready', containerPort: 8081 }],
          serviceAccount: 'external-secrets-webhook',
          template: 'templates/webhook-deployment.yaml',
        },
        // Keeps the webhook's certificate and the CRDs' CA bundle current (API server only).
        {
          name: 'external-secrets-cert-controller',
          podLabels: CERT_CONTROLLER_POD_LABELS,
          ports: [{ name: 'metrics', containerPort: 8080 }, { name: 'ready', containerPort: 8081 }],
          template: 'templates/cert-controller-deployment.yaml',
        },
      ],
    },
  });
}
