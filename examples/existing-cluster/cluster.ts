/**
 * The cluster of the existing-cluster example as it runs today: what `ExistingClusterContract.create`
 * takes. Replace the facts with yours: `kubectl get nodes --show-labels` lists the labels,
 * `kubectl describe nodes | grep Taints` the taints, `aws eks describe-cluster` the version and VPC.
 */
import { ExistingClusterProps, TaintEffect } from 'cnai-constructs';

/** The team that runs the model and the retrieval service. */
export const TEAM = 'ai-apps';
/** The existing GPU node group's name. */
export const GPU_NODE_GROUP = 'gpu-a10g';

/** The cluster as it runs today. */
export const EXISTING_CLUSTER: ExistingClusterProps = {
  clusterName: 'ml-prod',
  region: 'us-west-2',
  kubernetesVersion: '1.34',
  vpcCidr: '10.20.0.0/16',
  nodeGroups: [
    {
      // Where the system components and the vector database run.
      name: 'general',
      instanceTypes: ['m6i.2xlarge'],
      labels: { 'eks.amazonaws.com/nodegroup': 'general' },
      maxNodes: 6,
    },
    {
      // 1 x A10G (24 GiB) per node, as the GPU catalogue knows g5.2xlarge: nothing to type by hand.
      name: GPU_NODE_GROUP,
      instanceTypes: ['g5.2xlarge'],
      labels: { 'eks.amazonaws.com/nodegroup': GPU_NODE_GROUP, 'workload-type': 'gpu' },
      taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: TaintEffect.NO_SCHEDULE }],
      maxNodes: 4,
    },
  ],
};

