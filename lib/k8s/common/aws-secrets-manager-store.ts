import { Construct } from 'constructs';
import { PlatformContract } from '../../core/contract';
import { NAME_RULES, assertName } from '../../core/names';
import { ClusterSecretStore, ClusterSecretStoreSpecProviderAwsService } from '../../imports/external-secrets.io';
import { SYNC_WAVE_ANNOTATION } from '../pod-security';

/** Props of {@link AwsSecretsManagerStore}. */
export interface AwsSecretsManagerStoreProps {
  /** The platform contract (its region). */
  readonly contract: PlatformContract;
  /**
   * Name of the ClusterSecretStore (the `store` of SecretSource.secretsManager).
   * @default "aws-secrets-manager"
   */
  readonly name?: string;
}

/**
 * The External Secrets ClusterSecretStore that reads AWS Secrets Manager in the platform's
 * region with the External Secrets controller's own credentials: its service account's EKS
 * Pod Identity (the AWS layer's DataServicesAccess creates that identity and grants it read
 * access to exactly the data services' secrets and the database's master secret).
 */
export class AwsSecretsManagerStore extends Construct {
  /** Name of the ClusterSecretStore. */
  public readonly storeName: string;
  /** The ClusterSecretStore. */
  public readonly apiObject: ClusterSecretStore;

  constructor(scope: Construct, id: string, props: AwsSecretsManagerStoreProps) {
    super(scope, id);
    this.storeName = assertName(this.node.path, 'name', props.name ?? 'aws-secrets-manager', NAME_RULES.dns1123Subdomain);
    this.apiObject = new ClusterSecretStore(this, 'Resource', {
      // Before the ExternalSecrets that use it.
      metadata: { name: this.storeName, annotations: { [SYNC_WAVE_ANNOTATION]: '-2' } },
      spec: { provider: { aws: { service: ClusterSecretStoreSpecProviderAwsService.SECRETS_MANAGER, region: props.contract.region } } },
    });
  }
}
