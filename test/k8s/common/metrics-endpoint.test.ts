import { Duration, Testing } from 'cdk8s';
import { MetricsComponent, MetricsEndpoint, MetricsTargetKind } from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';

describe('MetricsEndpoint', () => {
  test('defaults: /metrics, component OTHER, no extra labels; an endpoint is its own source', () => {
    const e = MetricsEndpoint.service({ name: 'app', namespace: 'team-a', selector: { app: 'x' }, portName: 'http' });
    expect([e.path, e.component, e.labels, e.targetKind]).toEqual(['/metrics', MetricsComponent.OTHER, {}, MetricsTargetKind.SERVICE]);
    expect(e.metricsEndpoint).toBe(e);
    expect(MetricsEndpoint.pods({ name: 'app', namespace: 'team-a', selector: { app: 'x' }, portName: 'http' }).targetKind).toBe(MetricsTargetKind.POD);
  });

  test('target labels: the endpoint\'s own, then cnai_component', () => {
    const e = MetricsEndpoint.pods({ name: 'embed', namespace: 'team-a', selector: { app: 'x' }, portName: 'http', component: MetricsComponent.KSERVE, labels: { llm_service: 'embed' } });
    expect(Object.entries(e.targetLabels())).toEqual([['llm_service', 'embed'], ['cnai_component', 'kserve']]);
  });

  test('a Service endpoint becomes a ServiceMonitor with its bearer token, interval, labels and namespace selector', () => {
    const chart = Testing.chart();
    MetricsEndpoint.service({
      name: 'docs',
      namespace: 'rag',
      selector: { app: 'qdrant' },
      portName: 'http',
      component: MetricsComponent.QDRANT,
      bearerToken: { secretName: 'docs-api-key', secretKey: 'read-only-api-key' },
    }).monitor(chart, 'M', { interval: Duration.seconds(30), labels: { team: 'rag' }, annotations: { a: 'b' }, namespaceSelector: true });
    const objects = Testing.synth(chart);
    assertValidManifests(objects, { kubernetesVersion: '1.34' });
    expect(objects).toEqual([{
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'docs', namespace: 'rag', labels: { team: 'rag' }, annotations: { a: 'b' } },
      spec: {
        selector: { matchLabels: { app: 'qdrant' } },
        namespaceSelector: { matchNames: ['rag'] },
        endpoints: [{
          port: 'http',
          path: '/metrics',
          interval: '30s',
          authorization: { type: 'Bearer', credentials: { name: 'docs-api-key', key: 'read-only-api-key' } },
          relabelings: [{ targetLabel: 'cnai_component', replacement: 'qdrant', action: 'replace' }],
        }],
      },
    }]);
  });

  test('a pod endpoint becomes a PodMonitor; basic auth from one Secret', () => {
    const chart = Testing.chart();
    MetricsEndpoint.pods({
      name: 'mlflow',
      namespace: 'mlflow',
      selector: { app: 'mlflow' },
      portName: 'http',
      path: '/m',
      component: MetricsComponent.MLFLOW,
      basicAuth: { secretName: 'mlflow-credentials', usernameKey: 'metrics-username', passwordKey: 'reader-password' },
    }).monitor(chart, 'M', { interval: Duration.seconds(15) });
    const [pm] = Testing.synth(chart);
    expect(pm.kind).toBe('PodMonitor');
    expect(pm.metadata).toEqual({ name: 'mlflow', namespace: 'mlflow' });
    expect(pm.spec.namespaceSelector).toBeUndefined();
    expect(pm.spec.podMetricsEndpoints).toEqual([{
      port: 'http',
      path: '/m',
      interval: '15s',
      basicAuth: { username: { name: 'mlflow-credentials', key: 'metrics-username' }, password: { name: 'mlflow-credentials', key: 'reader-password' } },
      relabelings: [{ targetLabel: 'cnai_component', replacement: 'mlflow', action: 'replace' }],
    }]);
  });

  test('a ServiceMonitor of a pod endpoint is a programming error', () => {
    const e = MetricsEndpoint.pods({ name: 'x', namespace: 'a', selector: { app: 'x' }, portName: 'http' });
    expect(() => e.serviceMonitor(Testing.chart(), 'M', { interval: Duration.seconds(30) })).toThrow('internal: metrics endpoint a/x is of kind Pod, not Service');
  });
});
