import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { GATEWAY_TEAM_HEADER } from '../../core/gateway-spec';
import { GATEWAY_IMAGES, imageRef } from '../../core/versions';
import { dnsEgress } from '../common/egress';
import { GeneratedSecret, SECRET_GENERATOR_LABEL } from '../common/generated-secret';
import { ENVOY_GATEWAY_RATE_LIMIT } from '../operators/envoy-gateway';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext, SYNC_WAVE_ANNOTATION, WORKLOADS_SYNC_WAVE } from '../pod-security';
import { IPriorityClass } from '../priority-class';
import { WorkloadSelector } from '../workload-selector';

/** uid and gid of the `redis` user of the official image. */
const REDIS_UID = 999;

/** Metadata key (namespace `io.envoy.ai_gateway`) where Envoy AI Gateway records a request's total tokens (the routes' `llmRequestCosts`). */
export const TOTAL_TOKENS_METADATA_KEY = 'llm_total_token';

/** A team's token budget, as a rule of the gateway's global rate limit. */
export interface TeamTokenBudget {
  /** The team (the value of the `x-cnai-team` header the gateway's authentication sets). */
  readonly team: string;
  /** Tokens per hour. */
  readonly tokensPerHour: number;
}

/**
 * The global rate limit rules of token budgets (a BackendTrafficPolicy's `rateLimit`): one rule per
 * team, selected by the team header, each request costing nothing up front and its total tokens
 * once the response is complete (Envoy AI Gateway's usage-based rate limiting, v1.1.0 docs).
 * @internal
 */
export function tokenBudgetRateLimit(budgets: TeamTokenBudget[]): { [key: string]: unknown } {
  return {
    type: 'Global',
    global: {
      rules: budgets.map((b) => ({
        clientSelectors: [{ headers: [{ name: GATEWAY_TEAM_HEADER, type: 'Exact', value: b.team }] }],
        limit: { requests: b.tokensPerHour, unit: 'Hour' },
        cost: {
          request: { from: 'Number', number: 0 },
          response: { from: 'Metadata', metadata: { namespace: 'io.envoy.ai_gateway', key: TOTAL_TOKENS_METADATA_KEY } },
        },
      })),
    },
  };
}

/** Props of {@link TokenBudgetStore}. */
export interface TokenBudgetStoreProps {
  /** Namespace of Envoy Gateway (where its rate limit service runs). */
  readonly namespace: string;
  /** Address block of the API server's endpoints, for the password generator job. */
  readonly apiServerCidr?: string;
  /**
   * PriorityClass of the Redis pod.
   * @default - the cluster's default priority
   */
  readonly priorityClass?: IPriorityClass;
}

/**
 * The Redis that keeps the counters of Envoy Gateway's global rate limit (the gateway's token
 * budgets), in Envoy Gateway's namespace, where the rate limit service reads its password:
 * the pinned image of Envoy AI Gateway's token rate limit example, non-root with a read-only root
 * file system, a password generated in the cluster (never in the output), no persistence (the
 * counters cover the last hour; a restart forgets them, so budgets start afresh), and reachable
 * only from the rate limit service. Install Envoy Gateway with `OperatorCatalogue.modelGateway({ tokenBudgets: true })`.
 */
export class TokenBudgetStore extends Construct {
  /** The Redis pods. */
  public readonly redisPods: WorkloadSelector;
  /** The password Secret. */
  public readonly password: GeneratedSecret;

  constructor(scope: Construct, id: string, props: TokenBudgetStoreProps) {
    super(scope, id);
    const r = ENVOY_GATEWAY_RATE_LIMIT;
    const ns = props.namespace;
    const labels = { 'app.kubernetes.io/name': r.redisName, 'app.kubernetes.io/component': 'token-budget-store', 'app.kubernetes.io/part-of': 'cnai-platform' };
    const annotations = { [SYNC_WAVE_ANNOTATION]: String(WORKLOADS_SYNC_WAVE) };
    this.redisPods = WorkloadSelector.inNamespace(ns, labels);
    this.password = new GeneratedSecret(this, 'password', { namespace: ns, name: r.redisName, keys: { [r.passwordKey]: r.passwordKey }, apiServerCidr: props.apiServerCidr });

    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: r.redisName, namespace: ns, labels, annotations },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(REDIS_UID),
            ...(props.priorityClass ? { priorityClassName: props.priorityClass.priorityClassName } : {}),
            containers: [{
              name: 'redis',
              image: imageRef(GATEWAY_IMAGES.rateLimitRedis),
              // The password from the Secret ($(VAR) is expanded by the kubelet); no snapshots, no append-only file.
              args: ['--requirepass', '$(REDIS_PASSWORD)', '--port', String(r.redisPort), '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
              env: [{ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: r.redisName, key: r.passwordKey } } }],
              ports: [{ name: 'redis', containerPort: r.redisPort }],
              readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(r.redisPort) }, periodSeconds: 5 },
              livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(r.redisPort) }, periodSeconds: 10, failureThreshold: 6 },
              resources: {
                requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('128Mi') },
                limits: { memory: k8s.Quantity.fromString('256Mi') },
              },
              securityContext: restrictedContainerSecurityContext(REDIS_UID),
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            }],
            volumes: [{ name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
          },
        },
      },
    });
    new k8s.KubeService(this, 'Service', {
      metadata: { name: r.redisName, namespace: ns, labels, annotations },
      spec: { selector: labels, ports: [{ name: 'redis', port: r.redisPort, targetPort: k8s.IntOrString.fromNumber(r.redisPort) }] },
    });
    // Envoy Gateway's namespace is not default-deny: name resolution for the password job and Redis (nothing else leaves them).
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy-dns', {
      metadata: { name: `${r.redisName}-dns`, namespace: ns, labels, annotations },
      spec: {
        podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: [r.redisName] }] },
        policyTypes: ['Egress'],
        egress: [dnsEgress()],
      },
    });
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy-job-dns', {
      metadata: { name: `${r.redisName}-password-dns`, namespace: ns, labels, annotations },
      spec: {
        podSelector: { matchExpressions: [{ key: SECRET_GENERATOR_LABEL, operator: 'Exists' }] },
        policyTypes: ['Egress'],
        egress: [dnsEgress()],
      },
    });
    // Only the rate limit service reaches Redis; Redis reaches nothing else.
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: r.redisName, namespace: ns, labels, annotations },
      spec: {
        podSelector: { matchLabels: labels },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { ...r.podLabels } } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(r.redisPort) }] }],
        egress: [],
      },
    });
  }
}
