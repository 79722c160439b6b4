import { AutoscalingGroupTagA } from '@cdktf/provider-aws/lib/autoscaling-group-tag';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { LaunchTemplate, LaunchTemplateBlockDeviceMappings, LaunchTemplateNetworkInterfaces } from '@cdktf/provider-aws/lib/launch-template';
import { PlacementGroup } from '@cdktf/provider-aws/lib/placement-group';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { IClusterRef } from './cluster-ref';
import { NodeTaint, TaintEffect } from '../core/contract';
import { invalidProp } from '../core/errors';
import { PlatformNaming } from '../core/names';

/** Whether nodes are on-demand or spot. */
export enum CapacityType {
  /** On-demand instances. */
  ON_DEMAND = 'ON_DEMAND',
  /** Spot instances: cheaper, reclaimed with two minutes' notice. */
  SPOT = 'SPOT',
  /** An EC2 Capacity Block for ML (set through the pool's capacity reservation, not directly). */
  CAPACITY_BLOCK = 'CAPACITY_BLOCK',
}

/** Reserved capacity a node group launches into (resolved from the pool's options). */
export interface NodeGroupCapacityReservation {
  /** The reservation or capacity block id. */
  readonly reservationId: string;
  /** Whether it is a capacity block (`instance_market_options` capacity-block) rather than an ODCR. */
  readonly capacityBlock: boolean;
}

/** The cluster-autoscaler tag prefix for scale-from-zero node templates. */
export const AUTOSCALER_TEMPLATE_PREFIX = 'k8s.io/cluster-autoscaler/node-template';

const EFFECTS: { [effect: string]: string } = {
  [TaintEffect.NO_SCHEDULE]: 'NO_SCHEDULE',
  [TaintEffect.PREFER_NO_SCHEDULE]: 'PREFER_NO_SCHEDULE',
  [TaintEffect.NO_EXECUTE]: 'NO_EXECUTE',
};

/** Fully resolved settings of a managed node group (internal: pools resolve their own defaults). */
export interface ManagedNodeGroupSettings {
  readonly naming: PlatformNaming;
  readonly clusterName: string;
  /** The cluster name as a reference, so the node group waits for the cluster. */
  readonly clusterNameReference: string;
  readonly clusterSecurityGroupId: string;
  readonly nodeRoleArn: string;
  readonly volumeKeyArn: string;
  readonly poolName: string;
  readonly instanceTypes: string[];
  readonly amiType: string;
  readonly capacityType: CapacityType;
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredSize: number;
  readonly subnetIds: string[];
  /** Labels applied by the node group (EKS rejects its own `eks.amazonaws.com/` keys here). */
  readonly labels: { [key: string]: string };
  readonly taints: NodeTaint[];
  readonly rootVolumeSizeGiB: number;
  /** Bottlerocket keeps images on a second volume (`/dev/xvdb`). */
  readonly bottlerocket: boolean;
  /** EFA interfaces per node; 0 for none. */
  readonly efaInterfaces: number;
  /** Tags for the Auto Scaling group (cluster-autoscaler node templates). */
  readonly autoscalerTags: { [key: string]: string };
  readonly nodeRepair: boolean;
  /** Reserved capacity to launch into. */
  readonly capacityReservation?: NodeGroupCapacityReservation;
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * What every node group takes from the cluster it joins: naming, the cluster's name (and the
 * reference that makes it wait for the cluster), security group, node role, volume key and
 * the dependencies nodes need before they join.
 * @internal
 */
export function clusterNodeGroupSettings(cluster: IClusterRef): Pick<ManagedNodeGroupSettings,
'naming' | 'clusterName' | 'clusterNameReference' | 'clusterSecurityGroupId' | 'nodeRoleArn' | 'volumeKeyArn' | 'dependsOn'> {
  return {
    naming: cluster.naming,
    clusterName: cluster.name,
    clusterNameReference: cluster.nameReference,
    clusterSecurityGroupId: cluster.clusterSecurityGroupId,
    nodeRoleArn: cluster.nodeRoleArn,
    volumeKeyArn: cluster.nodeVolumeKeyArn!,
    dependsOn: cluster.nodeGroupDependencies,
  };
}

/**
 * A launch template with the platform's node defaults (IMDSv2 required with hop limit 1
 * so pods cannot reach the node's credentials, encrypted gp3 root volume, EFA interfaces
 * and a cluster placement group when asked) and the EKS managed node group that uses it.
 */
export class ManagedNodeGroup extends Construct {
  /** The launch template. */
  public readonly launchTemplate: LaunchTemplate;
  /** The node group. */
  public readonly nodeGroup: EksNodeGroup;
  /** The cluster placement group of an EFA pool. */
  public readonly placementGroup?: PlacementGroup;

  constructor(scope: Construct, id: string, s: ManagedNodeGroupSettings) {
    super(scope, id);
    const ebs = (size?: number) => ({
      volumeType: 'gp3',
      volumeSize: size,
      encrypted: 'true',
      kmsKeyId: s.volumeKeyArn,
      deleteOnTermination: 'true',
    });
    const blockDeviceMappings: LaunchTemplateBlockDeviceMappings[] = s.bottlerocket
      // Bottlerocket: OS volume at its snapshot size, images and containers on /dev/xvdb.
      ? [{ deviceName: '/dev/xvda', ebs: ebs() }, { deviceName: '/dev/xvdb', ebs: ebs(s.rootVolumeSizeGiB) }]
      : [{ deviceName: '/dev/xvda', ebs: ebs(s.rootVolumeSizeGiB) }];

    let networkInterfaces: LaunchTemplateNetworkInterfaces[] | undefined;
    if (s.efaInterfaces > 0) {
      this.placementGroup = new PlacementGroup(this, 'placement', {
        name: s.naming.resourceName(`${s.poolName}-efa`),
        strategy: 'cluster',
      });
      // One EFA per network card; the first carries the node's primary IP. Interfaces in
      // a launch template replace its security groups, so the cluster SG is set on each.
      networkInterfaces = Array.from({ length: s.efaInterfaces }, (_, i) => ({
        deviceIndex: i === 0 ? 0 : 1,
        networkCardIndex: i,
        interfaceType: 'efa',
        deleteOnTermination: 'true',
        securityGroups: [s.clusterSecurityGroupId],
      }));
    }

    const nameTags = { Name: s.naming.resourceName(s.poolName) };
    this.launchTemplate = new LaunchTemplate(this, 'launch-template', {
      name: s.naming.resourceName(`${s.poolName}-nodes`),
      description: `Nodes of pool ${s.poolName} of ${s.clusterName}`,
      updateDefaultVersion: true,
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpTokens: 'required',
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: 'disabled',
      },
      blockDeviceMappings,
      networkInterfaces,
      placement: this.placementGroup ? { groupName: this.placementGroup.name } : undefined,
      tagSpecifications: [
        { resourceType: 'instance', tags: nameTags },
        { resourceType: 'volume', tags: nameTags },
      ],
      // Reserved capacity: only the named reservation (a capacity block also needs its market type).
      capacityReservationSpecification: s.capacityReservation
        ? { capacityReservationTarget: { capacityReservationId: s.capacityReservation.reservationId } }
        : undefined,
      instanceMarketOptions: s.capacityReservation?.capacityBlock ? { marketType: 'capacity-block' } : undefined,
    });

    this.nodeGroup = new EksNodeGroup(this, 'node-group', {
      clusterName: s.clusterNameReference,
      nodeGroupName: s.poolName,
      nodeRoleArn: s.nodeRoleArn,
      subnetIds: s.subnetIds,
      instanceTypes: s.instanceTypes,
      amiType: s.amiType,
      capacityType: s.capacityType,
      scalingConfig: { minSize: s.minSize, maxSize: s.maxSize, desiredSize: s.desiredSize },
      updateConfig: { maxUnavailable: 1 },
      labels: s.labels,
      taint: s.taints.map((t) => ({ key: t.key, value: t.value, effect: EFFECTS[t.effect] })),
      launchTemplate: { id: this.launchTemplate.id, version: `${this.launchTemplate.latestVersion}` },
      nodeRepairConfig: s.nodeRepair ? { enabled: true } : undefined,
      tags: nameTags,
      dependsOn: s.dependsOn,
      // The autoscaler owns the desired size once the group exists.
      lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'] },
    });

    // Managed node groups do not pass their tags to the Auto Scaling group, and the
    // cluster-autoscaler reads scale-from-zero templates from the group's tags.
    const asgName = this.nodeGroup.resources.get(0).autoscalingGroups.get(0).name;
    Object.entries(s.autoscalerTags).forEach(([key, value], i) => {
      new AutoscalingGroupTagA(this, `asg-tag-${i}`, {
        autoscalingGroupName: asgName,
        tag: { key, value, propagateAtLaunch: false },
      });
    });
  }
}

/**
 * Checks min/max/desired of a pool.
 * @returns the desired size (defaults to min)
 */
export function validateScaling(path: string, minSize: number, maxSize: number, desiredSize: number | undefined): number {
  for (const [prop, value] of [['minSize', minSize], ['maxSize', maxSize], ['desiredSize', desiredSize]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw invalidProp(path, prop, value, 'node counts are whole numbers of at least 0', `give ${prop} as a whole number >= 0`);
    }
  }
  if (maxSize < 1) {
    throw invalidProp(path, 'maxSize', maxSize, 'a node group must be able to hold at least one node', 'set maxSize to 1 or more');
  }
  if (minSize > maxSize) {
    throw invalidProp(path, 'minSize', minSize, `minSize is greater than maxSize (${maxSize})`, `set minSize <= maxSize, or raise maxSize to at least ${minSize}`);
  }
  const desired = desiredSize ?? minSize;
  if (desired < minSize || desired > maxSize) {
    throw invalidProp(path, 'desiredSize', desired, `desiredSize is outside [minSize, maxSize] = [${minSize}, ${maxSize}]`,
      `set desiredSize between ${minSize} and ${maxSize}, or leave it unset to start at minSize`);
  }
  return desired;
}

/** Checks a root volume size (gp3 takes 1-16384 GiB; below 20 no node image fits). */
export function validateVolumeSize(path: string, prop: string, size: number, minimum: number): void {
  if (!Number.isInteger(size) || size < minimum || size > 16384) {
    throw invalidProp(path, prop, size, `the volume must be between ${minimum} and 16384 GiB`,
      `give a whole number of GiB between ${minimum} and 16384`);
  }
}
