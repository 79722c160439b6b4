/**
 * One model-aware gateway for the served models, reached from the VPC, as a platform spec that both
 * layers read: `aws.ts` builds the AWS side with `CnaiAwsStack.fromSpec` (the cluster, the model
 * store, the L4 node group, the models' identities, and the AWS Load Balancer Controller's identity
 * for the gateway's internal Network Load Balancer), and `main.ts` the Kubernetes side with
 * `CnaiPlatform`: the chat and embedding models, the gateway (Envoy Gateway and Envoy AI Gateway)
 * routing them by model name through their InferencePools, OIDC sign-in of the client teams with
 * their token budgets, and the internal NLB with TLS in front of the gateway's proxies.
 *
 * Access is OIDC here: people and services send a token of the company's OpenID provider, and its
 * `team` claim decides which team a request counts against. The gateway's access mode holds for
 * every team (API keys or OIDC, not both), and the platform's own callers of the gateway (the
 * assistant's agents, the chat front end) use keys: the `assistant` example and the reference
 * platform show the gateway with API keys.
 */
import { GatewayAccessMode, GatewayExposure, GpuInstanceType, ModelPresets, PlatformSpec } from 'cnai-constructs';
import { DEV_PLATFORM } from '../shared/dev-platform';

/** The team that runs the models (and calls them). */
export const MODELS_TEAM = 'product-apps';
/** A team that only calls the models. */
export const CLIENT_TEAM = 'analytics';
/** The GPU pool of the models. */
export const L4_POOL = 'gpu-l4';
/**
 * The Secret (kubernetes.io/tls, in namespace `model-gateway`) with the certificate of the gateway's
 * HTTPS listener, for the DNS name your clients use for the NLB: External Secrets fills it from
 * {@link TLS_CERTIFICATE_SECRET}.
 */
export const TLS_SECRET = 'model-gateway-tls';
/** The AWS Secrets Manager secret you store the certificate chain and key in, as JSON `{"tls.crt": "...", "tls.key": "..."}`. */
export const TLS_CERTIFICATE_SECRET = 'cnai-dev/model-gateway-tls';

export const GATEWAY_SPEC: PlatformSpec = {
  ...DEV_PLATFORM,
  gpuPools: [
    { name: L4_POOL, instanceTypes: [GpuInstanceType.G6_XLARGE], maxNodes: 3 },
  ],
  teams: [
    { name: MODELS_TEAM, quotas: [{ pool: L4_POOL, gpus: 3 }], developerGroups: ['product-apps-developers'] },
    // No GPUs of its own: it calls the models through the gateway.
    { name: CLIENT_TEAM, quotas: [], developerGroups: ['analytics-developers'] },
  ],
  models: [
    // Llama 3.1 8B Instruct with 16k tokens of context: one L4 (24 GB) with room for the KV cache.
    { name: 'chat', team: MODELS_TEAM, model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, pools: [L4_POOL], maxModelLen: 16384, minReplicas: 1, maxReplicas: 2 },
    { name: 'embed', team: MODELS_TEAM, model: ModelPresets.BGE_LARGE_EN_V1_5, pools: [L4_POOL], minReplicas: 1, maxReplicas: 1 },
  ],
  gateway: {
    // Both teams call the gateway (the default: every team), each within its hourly token budget.
    teamBudgets: [
      { team: MODELS_TEAM, tokensPerHour: 2_000_000 },
      { team: CLIENT_TEAM, tokensPerHour: 500_000 },
    ],
    // Tokens of the company's OpenID provider (replace with yours): audience `model-gateway`, team in the `team` claim.
    access: {
      mode: GatewayAccessMode.OIDC,
      oidc: { issuer: 'https://login.example.com', audiences: ['model-gateway'], teamClaim: 'team' },
    },
    // An internal Network Load Balancer (AWS Load Balancer Controller), HTTPS only: reachable from the VPC and networks routed to it.
    exposure: GatewayExposure.INTERNAL_LOAD_BALANCER,
    // Beside the VPC, the office network routed to it over VPN (replace with yours; leave out for the VPC alone).
    internalClientCidrs: ['192.168.64.0/20'],
    tlsSecretName: TLS_SECRET,
    // The certificate from Secrets Manager: the AWS layer lets External Secrets read that secret (and only it).
    tlsCertificateSecretName: TLS_CERTIFICATE_SECRET,
    // The endpoint picker of each vLLM model: queue length weighs most, then free KV cache, then prefix-cache hits.
    endpointPicker: { weights: { queue: 3, kvCache: 2, prefixCache: 1 } },
  },
  // No training in this example.
  kubeflow: false,
};
