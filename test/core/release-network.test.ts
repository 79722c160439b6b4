// How the declarations are rendered into NetworkPolicies and checked is in test/k8s/operators/release-network.test.ts.
import { NETWORK_ANNOTATION, NetworkEndKind, NetworkEnds, ReleaseConnections } from '../../lib/core';

describe('release network declarations', () => {
  test('the annotation and the end kinds as written into the output', () => {
    expect(NETWORK_ANNOTATION).toBe('cnai.io/network');
    expect(Object.values(NetworkEndKind)).toEqual(['workload', 'pods', 'platform-namespaces', 'api-server', 'metrics-scraper', 'metrics-query', 'aws']);
  });

  test('NetworkEnds', () => {
    expect(NetworkEnds.workload('controller')).toEqual({ kind: 'workload', workload: 'controller' });
    expect(NetworkEnds.pods('kserve')).toEqual({ kind: 'pods', namespace: 'kserve', podLabels: {} });
    expect(NetworkEnds.pods('kserve', { app: 'x' })).toEqual({ kind: 'pods', namespace: 'kserve', podLabels: { app: 'x' } });
    expect(NetworkEnds.platformNamespaces()).toEqual({ kind: 'platform-namespaces' });
    expect(NetworkEnds.apiServer()).toEqual({ kind: 'api-server' });
    expect(NetworkEnds.metricsScraper()).toEqual({ kind: 'metrics-scraper' });
    expect(NetworkEnds.metricsQuery()).toEqual({ kind: 'metrics-query' });
    expect(NetworkEnds.aws()).toEqual({ kind: 'aws' });
  });

  test('pods() keeps its own copy of the labels', () => {
    const labels: { [key: string]: string } = { app: 'x' };
    const end = NetworkEnds.pods('ns', labels);
    labels.app = 'changed';
    expect(end.podLabels).toEqual({ app: 'x' });
  });

  test('webhook: from the API server to the workload\'s ports, with the default reason', () => {
    expect(ReleaseConnections.webhook('webhook', [9443, 8443])).toEqual({
      from: { kind: 'api-server' },
      to: { kind: 'workload', workload: 'webhook' },
      ports: [{ port: 9443 }, { port: 8443 }],
      reason: 'admission webhooks, called by the API server',
    });
    expect(ReleaseConnections.webhook('webhook', [9443], 'conversion webhook').reason).toBe('conversion webhook');
  });

  test('metrics: from the scraper to the workload\'s ports, with the default reason', () => {
    expect(ReleaseConnections.metrics('controller', [8080])).toEqual({
      from: { kind: 'metrics-scraper' },
      to: { kind: 'workload', workload: 'controller' },
      ports: [{ port: 8080 }],
      reason: 'metrics, scraped by the platform\'s Prometheus',
    });
    expect(ReleaseConnections.metrics('controller', [8080], 'operator metrics').reason).toBe('operator metrics');
  });

  test('aws: no ports (the AWS end fixes them)', () => {
    expect(ReleaseConnections.aws('controller', 'Route 53 records')).toEqual({
      from: { kind: 'workload', workload: 'controller' },
      to: { kind: 'aws' },
      reason: 'Route 53 records',
    });
  });

  test('between: any two ends on TCP ports, protocol left to its default', () => {
    const c = ReleaseConnections.between(NetworkEnds.platformNamespaces(), NetworkEnds.pods('qdrant', { app: 'qdrant' }), [6333, 6334], 'vector search');
    expect(c).toEqual({
      from: { kind: 'platform-namespaces' },
      to: { kind: 'pods', namespace: 'qdrant', podLabels: { app: 'qdrant' } },
      ports: [{ port: 6333 }, { port: 6334 }],
      reason: 'vector search',
    });
    expect(c.ports![0].protocol).toBeUndefined();
  });
});
