import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { DATA_SERVICES } from '../../core/contract';
import { OPERATOR_SOURCES } from '../../core/versions';

/**
 * External Secrets: copies the platform's secrets (database, registry and vector database
 * credentials) from AWS Secrets Manager into Kubernetes Secrets. Its service account is the
 * one the AWS layer's DataServicesAccess gives read access to exactly those secrets.
 */
export function externalSecretsRelease(): OperatorRelease {
  return new OperatorRelease({
    name: 'external-secrets',
    namespace: OPERATOR_NAMESPACES.externalSecrets,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.externalSecrets),
    values: {
      installCRDs: true,
      serviceAccount: { create: true, name: DATA_SERVICES.secretsReader.serviceAccount },
      serviceMonitor: { enabled: true },
      securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
    },
    phase: InstallPhase.OPERATORS,
    serverSideApply: true,
    description: 'Secrets from AWS Secrets Manager (through its EKS Pod Identity).',
  });
}
