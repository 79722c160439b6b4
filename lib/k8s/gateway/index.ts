// The model gateway: one OpenAI-compatible endpoint for every served model (Envoy Gateway and Envoy AI Gateway).
export * from './gateway-access';
export * from './model-gateway';
export * from './chat-ui';
export * from './token-budgets';
// Model-aware load balancing of vLLM models (Gateway API Inference Extension).
export * from './inference-pool';
