import { Construct } from 'constructs';
import { InstallPhase, syncWaveOf } from './operators';
import { SYNC_WAVE_ANNOTATION } from './pod-security';
import { invalidProp } from '../core/errors';
import { NAME_RULES, assertName } from '../core/names';
import { KARPENTER_AMI } from '../core/versions';
import {
  Ec2NodeClass,
  Ec2NodeClassSpecBlockDeviceMappingsEbsVolumeType,
  Ec2NodeClassSpecMetadataOptionsHttpEndpoint,
  Ec2NodeClassSpecMetadataOptionsHttpTokens,
} from '../imports/karpenter.k8s.aws';

/** Props of {@link KarpenterNodeClass}. */
export interface KarpenterNodeClassProps {
  /**
   * Name of the EC2NodeClass (a DNS-1123 subdomain).
   * @default - the construct id
   */
  readonly name?: string;
  /** EKS cluster name: subnets and security groups are discovered by the tag `karpenter.sh/discovery=<clusterName>`. */
  readonly clusterName: string;
  /** Name of the IAM role of the nodes (created by the AWS layer). */
  readonly nodeRole: string;
  /**
   * EKS-optimized AMI alias, `family@version`. `@latest` is refused: it drifts every node on each AMI release.
   * @default - KARPENTER_AMI.alias from the pinned versions
   */
  readonly amiAlias?: string;
  /**
   * Size of the encrypted gp3 root volume in GiB. GPU images (CUDA, vLLM) are large.
   * @default 200
   */
  readonly rootVolumeGiB?: number;
  /**
   * KMS key (id or ARN) for the root volume.
   * @default - the account's default EBS key
   */
  readonly kmsKeyId?: string;
}

/**
 * An EC2NodeClass (karpenter.k8s.aws/v1) for self-managed Karpenter with secure defaults:
 * IMDSv2 required with a hop limit of 1 (pods cannot reach the node's credentials),
 * encrypted gp3 root volume, pinned AMI release.
 * @see https://karpenter.sh/docs/concepts/nodeclasses/
 */
export class KarpenterNodeClass extends Construct {
  /** Name of the EC2NodeClass. */
  public readonly name: string;
  /** The AMI alias chosen. */
  public readonly amiAlias: string;
  /** Root volume size in GiB. */
  public readonly rootVolumeGiB: number;
  /** The EC2NodeClass object. */
  public readonly apiObject: Ec2NodeClass;

  constructor(scope: Construct, id: string, props: KarpenterNodeClassProps) {
    super(scope, id);
    const where = this.node.path;
    this.name = assertName(where, 'name', props.name ?? id, NAME_RULES.dns1123Subdomain);
    this.amiAlias = props.amiAlias ?? KARPENTER_AMI.alias;
    if (!/^[a-zA-Z0-9]+@v?[0-9][^@]*$/.test(this.amiAlias)) {
      throw invalidProp(where, 'amiAlias', this.amiAlias, 'not a pinned AMI alias (`latest` drifts every node on each AMI release)',
        `pin an AMI release such as "${KARPENTER_AMI.alias}"`);
    }
    this.rootVolumeGiB = props.rootVolumeGiB ?? 200;
    if (!Number.isInteger(this.rootVolumeGiB) || this.rootVolumeGiB < 20) {
      throw invalidProp(where, 'rootVolumeGiB', this.rootVolumeGiB, 'too small for a GPU node image', 'give at least 20 GiB; 200 GiB fits CUDA and model-server images');
    }
    const discovery = { 'karpenter.sh/discovery': props.clusterName };
    this.apiObject = new Ec2NodeClass(this, 'Resource', {
      metadata: { name: this.name, annotations: { [SYNC_WAVE_ANNOTATION]: String(syncWaveOf(InstallPhase.PLATFORM)) } },
      spec: {
        role: props.nodeRole,
        amiSelectorTerms: [{ alias: this.amiAlias }],
        subnetSelectorTerms: [{ tags: discovery }],
        securityGroupSelectorTerms: [{ tags: discovery }],
        // IMDSv2 only, one hop: containers (one hop further) cannot read the node role's credentials.
        metadataOptions: {
          httpEndpoint: Ec2NodeClassSpecMetadataOptionsHttpEndpoint.ENABLED,
          httpTokens: Ec2NodeClassSpecMetadataOptionsHttpTokens.REQUIRED,
          httpPutResponseHopLimit: 1,
        },
        blockDeviceMappings: [{
          deviceName: '/dev/xvda',
          rootVolume: true,
          ebs: {
            volumeType: Ec2NodeClassSpecBlockDeviceMappingsEbsVolumeType.GP3,
            volumeSize: `${this.rootVolumeGiB}Gi`,
            encrypted: true,
            deleteOnTermination: true,
            kmsKeyId: props.kmsKeyId,
          },
        }],
        tags: { 'cnai.io/cluster': props.clusterName },
      },
    });
  }
}
