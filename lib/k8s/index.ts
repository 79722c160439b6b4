/**
 * The Kubernetes layer (cdk8s): GPU pools, queues, team namespaces, operators, serving, retrieval, registry, training, observability and the platform that composes them.
 * @packageDocumentation
 * @module cnai-constructs/k8s
 */
export * from './node-pool';
export * from './karpenter-node-class';
export * from './gpu-node-pool';
export * from './pod-security';
export * from './common';
export * from './operators';
export * from './nvidia-gpu-support';
export * from './kueue-queues';
export * from './priority-class';
export * from './workload-selector';
export * from './team-namespace';
export * from './cnai-kubernetes-platform';
export * from './governance';
export * from './serving';
export * from './features';
export * from './gateway';
export * from './assistant';
export * from './observability';
export * from './training';
export * from './retrieval';
export * from './registry';
export * from './delivery';
export * from './cnai-platform';
export * from './cnai-app';
export * as crds from './crds';
