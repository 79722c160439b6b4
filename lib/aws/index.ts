/**
 * The AWS layer (cdktf): network, EKS cluster, node groups, identities, storage, database and the platform stack that writes the contract.
 * @packageDocumentation
 * @module cnai-constructs/aws
 */
export * from './partition';
export * from './iam';
export * from './encryption-key';
export * from './network';
export * from './managed-node-group';
export * from './system-node-pool';
export * from './gpu-node-pool';
export * from './workload-identity';
export * from './cluster-ref';
export * from './cluster-interface';
export * from './cluster-base';
export * from './cluster';
export * from './access-log-bucket';
export * from './secure-bucket';
export * from './container-repository';
export * from './model-store';
export * from './postgres-database';
export * from './cnai-aws-stack';
export * from './service-secret';
export * from './data-services-access';
export * from './feature-store-access';
export * from './preview-contract';
export * from './karpenter';
export * from './managed-prometheus';
export * from './managed-grafana';
export * from './load-balancer-controller-access';
export * from './metrics-backend-access';
export * from './suppressions';
