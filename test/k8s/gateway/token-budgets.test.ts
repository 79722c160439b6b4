import { Testing } from 'cdk8s';
import { TOTAL_TOKENS_METADATA_KEY, TokenBudgetStore, tokenBudgetRateLimit } from '../../../lib/k8s/gateway/token-budgets';

describe('tokenBudgetRateLimit', () => {
  test('one global rule per team by its header: nothing up front, the total tokens once the response is complete, per hour', () => {
    expect(TOTAL_TOKENS_METADATA_KEY).toBe('llm_total_token');
    expect(tokenBudgetRateLimit([{ team: 'team-a', tokensPerHour: 100000 }, { team: 'team-b', tokensPerHour: 5000 }])).toEqual({
      type: 'Global',
      global: {
        rules: [
          {
            clientSelectors: [{ headers: [{ name: 'x-cnai-team', type: 'Exact', value: 'team-a' }] }],
            limit: { requests: 100000, unit: 'Hour' },
            cost: { request: { from: 'Number', number: 0 }, response: { from: 'Metadata', metadata: { namespace: 'io.envoy.ai_gateway', key: 'llm_total_token' } } },
          },
          {
            clientSelectors: [{ headers: [{ name: 'x-cnai-team', type: 'Exact', value: 'team-b' }] }],
            limit: { requests: 5000, unit: 'Hour' },
            cost: { request: { from: 'Number', number: 0 }, response: { from: 'Metadata', metadata: { namespace: 'io.envoy.ai_gateway', key: 'llm_total_token' } } },
          },
        ],
      },
    });
  });

  test('no budgets: no rules', () => {
    expect(tokenBudgetRateLimit([])).toEqual({ type: 'Global', global: { rules: [] } });
  });
});

describe('TokenBudgetStore', () => {
  function synth(props: object = {}): any[] {
    const chart = Testing.chart();
    new TokenBudgetStore(chart, 'store', { namespace: 'envoy-gateway-system', ...props });
    return Testing.synth(chart);
  }
  const find = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const LABELS = { 'app.kubernetes.io/name': 'model-gateway-ratelimit-redis', 'app.kubernetes.io/component': 'token-budget-store', 'app.kubernetes.io/part-of': 'cnai-platform' };

  test('Redis: one replica, recreated, non-root as the redis user, password from the generated Secret, no persistence, in the workloads wave', () => {
    const d = find(synth(), 'Deployment', 'model-gateway-ratelimit-redis');
    expect(d.metadata).toEqual({ name: 'model-gateway-ratelimit-redis', namespace: 'envoy-gateway-system', labels: LABELS, annotations: { 'argocd.argoproj.io/sync-wave': '1' } });
    expect([d.spec.replicas, d.spec.strategy, d.spec.selector]).toEqual([1, { type: 'Recreate' }, { matchLabels: LABELS }]);
    const pod = d.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.priorityClassName).toBeUndefined();
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } });
    const c = pod.containers[0];
    expect(c.image).toBe('docker.io/library/redis:8.2.4-alpine3.22');
    expect(c.args).toEqual(['--requirepass', '$(REDIS_PASSWORD)', '--port', '6379', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes']);
    expect(c.env).toEqual([{ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'model-gateway-ratelimit-redis', key: 'password' } } }]);
    expect(c.readinessProbe).toEqual({ tcpSocket: { port: 6379 }, periodSeconds: 5 });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 6379 }, periodSeconds: 10, failureThreshold: 6 });
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(c.volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }]);
    expect(pod.volumes).toEqual([{ name: 'data', emptyDir: { sizeLimit: '64Mi' } }]);
  });

  test('the priority class given', () => {
    const d = find(synth({ priorityClass: { priorityClassName: 'cnai-platform-critical' } }), 'Deployment', 'model-gateway-ratelimit-redis');
    expect(d.spec.template.spec.priorityClassName).toBe('cnai-platform-critical');
  });

  test('the Service on 6379', () => {
    expect(find(synth(), 'Service', 'model-gateway-ratelimit-redis').spec).toEqual({ selector: LABELS, ports: [{ name: 'redis', port: 6379, targetPort: 6379 }] });
  });

  test('only the rate limit service reaches Redis, Redis reaches nothing; DNS for Redis and the password job', () => {
    const objects = synth();
    expect(find(objects, 'NetworkPolicy', 'model-gateway-ratelimit-redis').spec).toEqual({
      podSelector: { matchLabels: LABELS },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{
        from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'envoy-ratelimit', 'app.kubernetes.io/component': 'ratelimit', 'app.kubernetes.io/managed-by': 'envoy-gateway' } } }],
        ports: [{ protocol: 'TCP', port: 6379 }],
      }],
      egress: [],
    });
    expect(find(objects, 'NetworkPolicy', 'model-gateway-ratelimit-redis-dns').spec.podSelector)
      .toEqual({ matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['model-gateway-ratelimit-redis'] }] });
    expect(find(objects, 'NetworkPolicy', 'model-gateway-ratelimit-redis-password-dns').spec.podSelector.matchExpressions[0].operator).toBe('Exists');
    for (const name of ['model-gateway-ratelimit-redis-dns', 'model-gateway-ratelimit-redis-password-dns']) {
      const spec = find(objects, 'NetworkPolicy', name).spec;
      expect([spec.policyTypes, spec.egress[0].ports]).toEqual([['Egress'], [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]]);
    }
  });

  test('the password is generated in the cluster: no Secret with data in the output', () => {
    const objects = synth();
    for (const s of objects.filter((o) => o.kind === 'Secret')) expect([s.metadata.name, s.data, s.stringData]).toEqual([s.metadata.name, undefined, undefined]);
  });
});
