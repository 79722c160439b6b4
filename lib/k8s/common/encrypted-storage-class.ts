import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { invalidProp } from '../../core/errors';
import { NAME_RULES, assertName } from '../../core/names';
import { NAMESPACE_SYNC_WAVE, SYNC_WAVE_ANNOTATION } from '../pod-security';

/** Name of the platform's encrypted, retained gp3 StorageClass (databases, Prometheus). */
export const DEFAULT_ENCRYPTED_STORAGE_CLASS = 'cnai-gp3-encrypted-retain';

/** The EBS CSI driver's provisioner name. */
export const EBS_CSI_PROVISIONER = 'ebs.csi.aws.com';

/** Props of {@link EncryptedStorageClass}. */
export interface EncryptedStorageClassProps {
  /**
   * Name of the StorageClass.
   * @default "cnai-gp3-encrypted-retain"
   */
  readonly name?: string;
  /**
   * KMS key (ARN) the volumes are encrypted with.
   * @default - the account's EBS key (aws/ebs)
   */
  readonly kmsKeyArn?: string;
}

/**
 * A StorageClass for data that must outlive its pods: gp3 EBS volumes from the EBS CSI
 * driver, encrypted, kept when their claim is deleted (`Retain`), bound where the pod is
 * scheduled (`WaitForFirstConsumer`, so a volume is created in the pod's zone) and expandable.
 */
export class EncryptedStorageClass extends Construct {
  /**
   * The class of this name declared anywhere in the app, or a new one under `scope`, so that
   * several databases share one cluster-scoped object.
   */
  public static ensure(scope: Construct, props: EncryptedStorageClassProps = {}): EncryptedStorageClass {
    const name = props.name ?? DEFAULT_ENCRYPTED_STORAGE_CLASS;
    const existing = scope.node.root.node.findAll()
      .find((c) => c instanceof EncryptedStorageClass && c.storageClassName === name) as EncryptedStorageClass | undefined;
    if (existing) {
      if (existing.kmsKeyArn !== props.kmsKeyArn) {
        throw invalidProp(scope.node.path, 'storageClass.kmsKeyArn', props.kmsKeyArn, `the app already declares StorageClass ${name} with another key`,
          'give the class another name, or use the same key');
      }
      return existing;
    }
    return new EncryptedStorageClass(scope, `StorageClass-${name}`, props);
  }

  /** Name of the StorageClass. */
  public readonly storageClassName: string;
  /** KMS key, when not the account's default. */
  public readonly kmsKeyArn?: string;
  /** The StorageClass object. */
  public readonly apiObject: k8s.KubeStorageClass;

  constructor(scope: Construct, id: string, props: EncryptedStorageClassProps = {}) {
    super(scope, id);
    this.storageClassName = assertName(this.node.path, 'name', props.name ?? DEFAULT_ENCRYPTED_STORAGE_CLASS, NAME_RULES.dns1123Subdomain);
    if (props.kmsKeyArn !== undefined && !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/.test(props.kmsKeyArn)) {
      throw invalidProp(this.node.path, 'kmsKeyArn', props.kmsKeyArn, 'not a KMS key ARN', 'give arn:aws:kms:<region>:<account>:key/<id>');
    }
    this.kmsKeyArn = props.kmsKeyArn;
    this.apiObject = new k8s.KubeStorageClass(this, 'Resource', {
      // With the namespaces, before anything claims a volume (Prometheus' release installs at the foundation wave).
      metadata: { name: this.storageClassName, annotations: { [SYNC_WAVE_ANNOTATION]: String(NAMESPACE_SYNC_WAVE) } },
      provisioner: EBS_CSI_PROVISIONER,
      parameters: {
        'type': 'gp3',
        'encrypted': 'true',
        'csi.storage.k8s.io/fstype': 'ext4',
        ...(props.kmsKeyArn ? { kmsKeyId: props.kmsKeyArn } : {}),
      },
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
    });
  }
}

