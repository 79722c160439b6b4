// The model gateway: one OpenAI-compatible endpoint for every served model (Envoy Gateway and Envoy AI Gateway).
export * from './model-gateway';
export * from './chat-ui';
// Model-aware load balancing of vLLM models (Gateway API Inference Extension).
export * from './inference-pool';
