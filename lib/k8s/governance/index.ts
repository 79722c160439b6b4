export * from './admission-policy';
export * from './admission-options';
export * from './platform-admission-policies';
export { GPU_QUEUE_POLICY } from './gpu-queue-policy';
export { IMAGE_POLICY } from './image-policy';
export { HOST_ACCESS_POLICY } from './host-access-policy';
export { MODEL_SOURCE_POLICY } from './model-source-policy';
export { TRAINING_IDENTITY_POLICY } from './training-identity-policy';
export { SERVING_IDENTITY_POLICY } from './serving-identity-policy';
