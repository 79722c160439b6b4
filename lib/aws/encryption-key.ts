import { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { policyDocument } from './iam';
import { awsDnsSuffix, awsPartition } from './partition';
import { invalidProp } from '../core/errors';
import { PlatformNaming } from '../core/names';

/** Properties of an {@link EncryptionKey}. */
export interface EncryptionKeyProps {
  /** Platform naming: the alias is `alias/<prefix>-<purpose>`, the key policy names the account. */
  readonly naming: PlatformNaming;
  /** What the key encrypts, a DNS-1123 label (e.g. `logs`, `eks-secrets`). */
  readonly purpose: string;
  /** Description shown in the KMS console.
   * @default - "<prefix> <purpose>"
   */
  readonly description?: string;
  /**
   * Let CloudWatch Logs of this account and region encrypt log groups with the key.
   * @default false
   */
  readonly allowCloudWatchLogs?: boolean;
  /**
   * Let any principal of the account use the key through EC2 only (`kms:ViaService`),
   * which is what EBS volumes of Auto Scaling groups need: the Auto Scaling service-linked
   * role is not named, so the key can be created before that role exists.
   * @default false
   */
  readonly allowEc2Volumes?: boolean;
  /**
   * Let any principal of the account use the key through Amazon Managed Service for Prometheus
   * only (`kms:ViaService`): a workspace encrypted with it is written and queried by identities
   * that hold no key permission of their own, and AMP uses the key for them through grants.
   * @default false
   */
  readonly allowManagedPrometheus?: boolean;
  /**
   * Days KMS waits before deleting the key after `terraform destroy` (7-30).
   * @default 30
   */
  readonly deletionWindowDays?: number;
}

/**
 * A customer-managed KMS key with rotation on and an alias. Its policy lets the account
 * manage it through IAM, plus the service statements asked for.
 */
export class EncryptionKey extends Construct {
  /** The key. */
  public readonly key: KmsKey;
  /** The alias, `alias/<prefix>-<purpose>`. */
  public readonly aliasName: string;
  /** Days before deletion. */
  public readonly deletionWindowDays: number;
  private arnReference?: string;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const naming = props.naming;
    this.deletionWindowDays = props.deletionWindowDays ?? 30;
    if (!Number.isInteger(this.deletionWindowDays) || this.deletionWindowDays < 7 || this.deletionWindowDays > 30) {
      throw invalidProp(this.node.path, 'deletionWindowDays', props.deletionWindowDays, 'KMS waits 7 to 30 days before deleting a key',
        'choose a whole number of days between 7 and 30');
    }
    this.aliasName = `alias/${naming.resourceName(props.purpose)}`;
    const partition = awsPartition(naming.region);
    const account = naming.accountId;

    const statements: DataAwsIamPolicyDocumentStatement[] = [{
      sid: 'AccountAdministersKeyThroughIam',
      effect: 'Allow',
      actions: ['kms:*'],
      resources: ['*'],
      principals: [{ type: 'AWS', identifiers: [`arn:${partition}:iam::${account}:root`] }],
    }];
    if (props.allowCloudWatchLogs) {
      statements.push({
        sid: 'CloudWatchLogsOfThisAccount',
        effect: 'Allow',
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        principals: [{ type: 'Service', identifiers: [`logs.${naming.region}.${awsDnsSuffix(naming.region)}`] }],
        condition: [{
          test: 'ArnLike',
          variable: 'kms:EncryptionContext:aws:logs:arn',
          values: [`arn:${partition}:logs:${naming.region}:${account}:log-group:*`],
        }],
      });
    }
    // A service of this account may use the key on the account's behalf (kms:ViaService).
    const viaService = (sid: string, service: string) => statements.push({
      sid,
      effect: 'Allow',
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
      resources: ['*'],
      principals: [{ type: 'AWS', identifiers: ['*'] }],
      condition: [
        { test: 'StringEquals', variable: 'kms:CallerAccount', values: [account] },
        { test: 'StringEquals', variable: 'kms:ViaService', values: [`${service}.${naming.region}.${awsDnsSuffix(naming.region)}`] },
      ],
    });
    if (props.allowEc2Volumes) viaService('Ec2VolumesOfThisAccount', 'ec2');
    if (props.allowManagedPrometheus) viaService('ManagedPrometheusOfThisAccount', 'aps');

    this.key = new KmsKey(this, 'key', {
      description: props.description ?? `${naming.prefix} ${props.purpose}`,
      enableKeyRotation: true,
      deletionWindowInDays: this.deletionWindowDays,
      policy: policyDocument(this, 'policy', statements).json,
    });
    new KmsAlias(this, 'alias', { name: this.aliasName, targetKeyId: this.key.keyId });
  }

  /** ARN of the key. */
  public get keyArn(): string {
    // One reference for every use: each read of the attribute is a new token, which records its stack.
    return this.arnReference ??= this.key.arn;
  }
}
