import { buildPlatformModel } from '../../../lib/verify';
import { PlatformModel } from '../../../lib/verify/platform/model';

function model(yaml: string): PlatformModel {
  return buildPlatformModel([{ file: 'out.yaml', content: yaml }], []);
}
const group = (m: PlatformModel, id: string) => {
  const g = m.podGroups.find((x) => x.id === id);
  if (!g) throw new Error(`no pod group ${id} (${m.podGroups.map((x) => x.id).join(', ')})`);
  return g;
};
const service = (m: PlatformModel, ns: string, name: string) => {
  const s = m.services.find((x) => x.namespace === ns && x.name === name);
  return s && { selector: s.selector, ports: s.ports.map((p) => `${p.name ?? ''}:${p.port}→${p.targetPort}/${p.protocol}`) };
};

describe('FeatureStore (Feast operator v0.66.0)', () => {
  const m = model(`apiVersion: feast.dev/v1
kind: FeatureStore
metadata: { name: features, namespace: fs }
spec:
  feastProject: churn
  services:
    securityContext: { runAsNonRoot: true, runAsUser: 1001 }
    onlineStore:
      server: { image: "quay.io/feastdev/feature-server:0.66.0", env: [{ name: FEAST_REDIS_ADDRESS, value: "redis.fs.svc:6379" }] }
    registry:
      local: { server: { grpc: true } }
    offlineStore:
      server: {}
  cronJob: { schedule: "0 * * * *", containerConfigs: { image: "quay.io/openshift/origin-cli:4.17" } }
`);

  test('one pod group for the servers: the operator\'s labels, service account, ports, containers and init containers', () => {
    const g = group(m, 'FeatureStore fs/features (servers)');
    expect(g.labels).toEqual({ 'feast.dev/name': 'features', 'app.kubernetes.io/managed-by': 'feast-operator' });
    expect(g.serviceAccount).toBe('feast-features');
    expect(g.ports.map((p) => `${p.name}:${p.port}`)).toEqual(['registry:6570', 'online:6566', 'offline:8815']);
    const spec = g.podSpec as any;
    expect(spec.containers.map((c: any) => c.name)).toEqual(['registry', 'online', 'offline']);
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['feast-init', 'feast-apply']);
    // feast apply gets every server's env (it connects to the stores).
    expect(spec.initContainers[1].env).toEqual([{ name: 'FEAST_REDIS_ADDRESS', value: 'redis.fs.svc:6379' }]);
    expect(spec.containers[1].readinessProbe).toEqual({ httpGet: { path: '/health', port: 6566 }, periodSeconds: 10 });
    expect(spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1001 });
  });

  test('the Services feast-<name>-<server> on port 80', () => {
    expect(service(m, 'fs', 'feast-features-online')).toEqual({ selector: { 'feast.dev/name': 'features' }, ports: ['http:80→6566/TCP'] });
    expect(service(m, 'fs', 'feast-features-registry')).toEqual({ selector: { 'feast.dev/name': 'features' }, ports: ['http:80→6570/TCP'] });
    expect(service(m, 'fs', 'feast-features-offline')).toEqual({ selector: { 'feast.dev/name': 'features' }, ports: ['http:80→8815/TCP'] });
  });

  test('the materialization pods: the Job controller\'s labels only, the CronJob\'s service account and image', () => {
    const g = group(m, 'FeatureStore fs/features (materialization)');
    expect(Object.keys(g.labels).sort()).toEqual(['batch.kubernetes.io/job-name', 'job-name']);
    expect(g.serviceAccount).toBe('feast-features-cronjob');
    expect((g.podSpec as any).containers[0].image).toBe('quay.io/openshift/origin-cli:4.17');
    expect((g.podSpec as any).containers[0].command.slice(0, 3)).toEqual(['kubectl', 'exec', 'deploy/feast-features']);
  });

  test('without an offline or registry server, only the online server (the operator\'s default)', () => {
    const minimal = model(`apiVersion: feast.dev/v1
kind: FeatureStore
metadata: { name: f, namespace: fs }
spec: { feastProject: p }
`);
    expect(group(minimal, 'FeatureStore fs/f (servers)').ports.map((p) => p.port)).toEqual([6566]);
    expect(service(minimal, 'fs', 'feast-f-registry')).toBeUndefined();
  });
});
