import { embeddedSites, findInClusterHosts } from '../../../lib/verify/platform/hosts';

const NAMESPACES = new Set(['apps', 'observability', 'knowledge']);
const hosts = (text: string) => findInClusterHosts(text, NAMESPACES).map((h) => [h.service, h.namespace, h.port, h.pod]);

describe('in-cluster hosts in text', () => {
  test('Service DNS names, with and without cluster.local, in URLs and bare', () => {
    expect(hosts('http://collector.observability.svc:4317')).toEqual([['collector', 'observability', 4317, undefined]]);
    expect(hosts('collector.observability.svc.cluster.local:4318')).toEqual([['collector', 'observability', 4318, undefined]]);
    expect(hosts('grpc://collector.observability.svc.cluster.local.')).toEqual([['collector', 'observability', 80, undefined]]);
    expect(hosts('--endpoint=collector.observability.svc')).toEqual([['collector', 'observability', undefined, undefined]]);
  });

  test('name.namespace only for the platform\'s namespaces, and only in a URL, with a port or as the whole value', () => {
    expect(hosts('http://api.apps/v1')).toEqual([['api', 'apps', 80, undefined]]);
    expect(hosts('api.apps:8080')).toEqual([['api', 'apps', 8080, undefined]]);
    expect(hosts('api.apps')).toEqual([['api', 'apps', undefined, undefined]]);
    expect(hosts('see api.apps for details')).toEqual([]);
    expect(hosts('https://example.com:443 and registry.example/app:1.0 and 0.0.0.0:4317 and app.kubernetes.io/name')).toEqual([]);
  });

  test('default ports by scheme', () => {
    expect(hosts('https://api.apps.svc')).toEqual([['api', 'apps', 443, undefined]]);
    expect(hosts('postgresql+psycopg2://u:p@db.apps.svc/mlflow')).toEqual([['db', 'apps', 5432, undefined]]);
    expect(hosts('postgresql+psycopg2://db.apps.svc/mlflow')).toEqual([['db', 'apps', 5432, undefined]]);
  });

  test('pod DNS names of headless Services, literal or templated', () => {
    expect(hosts('http://knowledge-0.knowledge-headless.knowledge.svc.cluster.local:6335')).toEqual([['knowledge-headless', 'knowledge', 6335, 'knowledge-0']]);
    expect(hosts('self="http://${HOSTNAME}.knowledge-headless.knowledge.svc.cluster.local:6335"')).toEqual([['knowledge-headless', 'knowledge', 6335, '*']]);
    expect(hosts('http://${STATEFULSET}-${i}.${HEADLESS}:6333')).toEqual([]);
  });

  test('several hosts in one text, with their text as written', () => {
    expect(findInClusterHosts('a=http://api.apps.svc:80/x b=collector.observability.svc:4317', NAMESPACES).map((h) => h.text))
      .toEqual(['http://api.apps.svc:80', 'collector.observability.svc:4317']);
  });
});

describe('embedded documents', () => {
  test('YAML and JSON are walked to their leaves; other text is read by line', () => {
    expect(embeddedSites('exporters:\n  otlp:\n    endpoint: collector.observability.svc:4317\n', 'data["c.yaml"]'))
      .toEqual([{ path: 'data["c.yaml"].exporters.otlp.endpoint', text: 'collector.observability.svc:4317' }]);
    expect(embeddedSites('{"datasources":[{"url":"http://p.monitoring:9090"}]}', 'data["d.json"]'))
      .toEqual([{ path: 'data["d.json"].datasources[0].url', text: 'http://p.monitoring:9090' }]);
    expect(embeddedSites('[server]\nurl = http://api.apps.svc:80\n', 'data["a.ini"]')[1])
      .toEqual({ path: 'data["a.ini"] line 2', text: 'url = http://api.apps.svc:80' });
  });
});
