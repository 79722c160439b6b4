import { Chart, Testing } from 'cdk8s';
import { PlatformContract } from '../../../lib/core';
import { FeatureRegistryKind, OnlineStoreKind } from '../../../lib/core/feature-store-spec';
import { FeatureStore, FeatureStoreProps, TeamNamespace, featureStoreDatabaseSql } from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { contract, ofKind, one } from '../helpers';

const IDENTITY = { namespace: 'features', serviceAccount: 'feast-features', roleName: 'cnai-test-feature-store-features', roleArn: 'arn:aws:iam::123456789012:role/cnai-test-feature-store-features' };
const DATABASE = {
  host: 'cnai-test.abc.us-west-2.rds.amazonaws.com',
  port: 5432,
  databaseName: 'cnai',
  username: 'cnai_admin',
  masterSecretArn: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-1',
};
const CONTRACT: PlatformContract = {
  ...contract([]),
  buckets: { models: 'cnai-test-models', datasets: 'cnai-test-datasets' },
  vpcCidr: '10.1.0.0/16',
  workloadIdentities: [IDENTITY],
  database: DATABASE,
};
const REPOSITORY = { gitUrl: 'https://github.com/example/features.git', ref: 'v1.2.0', path: 'churn' };

function build(props: Partial<FeatureStoreProps> = {}, id = 'features'): { chart: Chart; store: FeatureStore } {
  const chart = Testing.chart();
  const store = new FeatureStore(chart, id, { contract: CONTRACT, project: 'churn', repository: REPOSITORY, onlineStore: OnlineStoreKind.REDIS, ...props } as FeatureStoreProps);
  return { chart, store };
}

function synth(chart: Chart): any[] {
  const objects = Testing.synth(chart);
  assertValidManifests(objects, { kubernetesVersion: '1.34' });
  return objects;
}

describe('FeatureStore', () => {
  test('Redis online store, S3 registry: the FeatureStore, its servers, stores and schedule', () => {
    const { chart } = build();
    const objects = synth(chart);
    const fs = one(objects, 'FeatureStore', 'features');
    expect(fs.apiVersion).toBe('feast.dev/v1');
    expect(fs.metadata.namespace).toBe('features');
    expect(fs.spec.feastProject).toBe('churn');
    expect(fs.spec.feastProjectDir).toEqual({ git: { url: 'https://github.com/example/features.git', ref: 'v1.2.0', featureRepoPath: 'churn' } });
    const s = fs.spec.services;
    expect(s.offlineStore.persistence).toEqual({ file: { type: 'dask' } });
    expect(s.onlineStore.persistence).toEqual({ store: { type: 'redis', secretRef: { name: 'features-store-parameters' }, secretKeyName: 'redis' } });
    expect(s.registry.local.persistence).toEqual({ file: { path: 's3://cnai-test-datasets/features/features/registry.db' } });
    expect(s.registry.local.server.grpc).toBe(true);
    for (const server of [s.onlineStore.server, s.offlineStore.server, s.registry.local.server]) {
      expect(server.image).toBe('quay.io/feastdev/feature-server:0.66.0');
      expect(server.env).toEqual(expect.arrayContaining([
        { name: 'FEAST_OFFLINE_DATA_URI', value: 's3://cnai-test-datasets/features/features/data/' },
        { name: 'AWS_REGION', value: 'us-west-2' },
        { name: 'FEAST_REDIS_ADDRESS', value: 'features-online-redis.features.svc:6379' },
        { name: 'FEAST_REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'features-online-redis', key: 'password' } } },
      ]));
    }
    expect(s.initImage).toBe('quay.io/feastdev/feature-server:0.66.0');
    expect(s.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1001, fsGroup: 0, seccompProfile: { type: 'RuntimeDefault' } });
    expect(fs.spec.cronJob).toMatchObject({
      schedule: '0 * * * *',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      containerConfigs: { image: 'quay.io/openshift/origin-cli:4.17' },
    });

    // The store parameters: placeholders, never a credential.
    const params = one(objects, 'Secret', 'features-store-parameters');
    expect(params.stringData).toEqual({ redis: 'redis_type: redis\nconnection_string: "${FEAST_REDIS_ADDRESS},password=${FEAST_REDIS_PASSWORD}"\n' });
    // The Redis password: declared without data, generated in the cluster.
    const pw = one(objects, 'Secret', 'features-online-redis');
    expect(pw.data).toBeUndefined();
    expect(pw.stringData).toBeUndefined();

    const redis = one(objects, 'StatefulSet', 'features-online-redis');
    const c = redis.spec.template.spec.containers[0];
    expect(c.image).toBe('docker.io/library/redis:8.2.4-alpine3.22');
    expect(c.args).toEqual(expect.arrayContaining(['--requirepass', '$(REDIS_PASSWORD)', '--appendonly', 'yes']));
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(redis.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('cnai-gp3-encrypted-retain');
    expect(redis.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('8Gi');

    const ns = one(objects, 'Namespace', 'features');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(ns.metadata.annotations['cnai.io/pod-security-reason']).toContain('Feast operator v0.66.0 sets no container securityContext');
    expect(ofKind(objects, 'NetworkPolicy').map((p) => p.metadata.name).sort()).toEqual([
      'allow-dns', 'default-deny', 'features-materialization', 'features-online-redis-generate-a7f1adc5', 'features-online-redis-ingress', 'features-server-egress',
    ].sort());
    const egress = one(objects, 'NetworkPolicy', 'features-server-egress');
    expect(egress.spec.podSelector).toEqual({ matchLabels: { 'feast.dev/name': 'features' } });
    expect(egress.spec.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'features' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': 'features-online-redis' } } }],
      ports: [{ protocol: 'TCP', port: 6379 }],
    });
    const redisIn = one(objects, 'NetworkPolicy', 'features-online-redis-ingress');
    expect(redisIn.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'features' } }, podSelector: { matchLabels: { 'feast.dev/name': 'features' } } }],
      ports: [{ protocol: 'TCP', port: 6379 }],
    }]);
    const mat = one(objects, 'NetworkPolicy', 'features-materialization');
    expect(mat.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.1.0.0/16' } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
  });

  test('PostgreSQL online store and SQL registry: a database and role of its own, the password from Secrets Manager', () => {
    const { chart } = build({ onlineStore: OnlineStoreKind.POSTGRES, registry: FeatureRegistryKind.SQL, materializationSchedule: '15 2 * * *' });
    const objects = synth(chart);
    const fs = one(objects, 'FeatureStore', 'features');
    expect(fs.spec.services.onlineStore.persistence.store).toEqual({ type: 'postgres', secretRef: { name: 'features-store-parameters' }, secretKeyName: 'postgres' });
    expect(fs.spec.services.registry.local.persistence).toEqual({ store: { type: 'sql', secretRef: { name: 'features-store-parameters' }, secretKeyName: 'sql' } });
    expect(fs.spec.cronJob.schedule).toBe('15 2 * * *');
    expect(fs.spec.services.onlineStore.server.env).toContainEqual({ name: 'FEAST_DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'features-db', key: 'password' } } });
    const params = one(objects, 'Secret', 'features-store-parameters').stringData;
    expect(params.postgres).toBe([
      'host: cnai-test.abc.us-west-2.rds.amazonaws.com', 'port: 5432', 'database: feast_features', 'db_schema: public', 'user: feast_features',
      'password: "${FEAST_DB_PASSWORD}"', 'sslmode: require', '',
    ].join('\n'));
    expect(params.sql).toBe('path: "postgresql+psycopg://feast_features:${FEAST_DB_PASSWORD}@cnai-test.abc.us-west-2.rds.amazonaws.com:5432/feast_features?sslmode=require"\ncache_ttl_seconds: 60\n');
    const es = one(objects, 'ExternalSecret', 'features-db');
    expect(es.spec.data).toEqual([{ secretKey: 'password', remoteRef: { key: 'cnai-test/feature-store/features/features', property: 'password' } }]);
    const admin = one(objects, 'ExternalSecret', 'features-db-admin');
    expect(admin.spec.data[0].remoteRef.key).toBe('arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-1');
    const job = ofKind(objects, 'Job').find((j) => j.metadata.name.startsWith('features-db-init-'));
    const c = job.spec.template.spec.containers[0];
    expect(c.command).toEqual(['psql', '--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '-f', '/sql/init.sql']);
    expect(c.env).toContainEqual({ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'features-db-admin', key: 'password' } } });
    expect(c.env).toContainEqual({ name: 'FEAST_DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'features-db', key: 'password' } } });
    expect(ofKind(objects, 'StatefulSet')).toEqual([]);
    const egress = one(objects, 'NetworkPolicy', 'features-server-egress');
    expect(egress.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.1.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5432 }] });
  });

  test('the database SQL creates the role and database once and takes the password from the environment', () => {
    expect(featureStoreDatabaseSql('feast_features')).toBe([
      '-- Generated by cnai-constructs (FeatureStore); safe to run again.',
      'SET standard_conforming_strings = on;',
      '\\getenv feast_password FEAST_DB_PASSWORD',
      'SELECT \'CREATE ROLE "feast_features" LOGIN\' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = \'feast_features\')\\gexec',
      'ALTER ROLE "feast_features" WITH LOGIN PASSWORD :\'feast_password\';',
      'SELECT format(\'GRANT %I TO %I\', \'feast_features\', current_user) WHERE NOT pg_has_role(current_user, \'feast_features\', \'MEMBER\')\\gexec',
      'SELECT \'CREATE DATABASE "feast_features" OWNER "feast_features"\' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = \'feast_features\')\\gexec',
      'REVOKE ALL ON DATABASE "feast_features" FROM PUBLIC;',
      '',
    ].join('\n'));
  });

  test('a client in a team namespace: ingress here, egress there, and the connection settings', () => {
    const { chart, store } = build();
    const team = new TeamNamespace(chart, 'team-a', {});
    store.allowFrom(team.workloads({ app: 'scorer' }));
    const objects = synth(chart);
    const ingress = one(objects, 'NetworkPolicy', 'features-clients-1');
    expect(ingress.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } }, podSelector: { matchLabels: { app: 'scorer' } } }],
      ports: [{ protocol: 'TCP', port: 6566 }, { protocol: 'TCP', port: 6570 }, { protocol: 'TCP', port: 8815 }],
    }]);
    expect(store.clientEnv()).toEqual([
      { name: 'FEAST_FEATURE_SERVER_URL', value: 'http://feast-features-online.features.svc:80' },
      { name: 'FEAST_REGISTRY', value: 'feast-features-registry.features.svc:80' },
      { name: 'FEAST_OFFLINE_SERVER', value: 'feast-features-offline.features.svc:80' },
      { name: 'FEAST_PROJECT', value: 'churn' },
    ]);
    const teamEgress = ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.namespace === 'team-a' && JSON.stringify(p.spec.egress ?? []).includes('feast.dev/name'));
    expect(teamEgress.length).toBeGreaterThan(0);
  });

  describe('errors', () => {
    test('no online store', () => {
      expect(() => build({ onlineStore: undefined })).toThrow(
        /test\/features: invalid onlineStore.*the feature store has no online store.*set onlineStore: OnlineStoreKind.REDIS/s);
    });
    test('a branch as the repository ref', () => {
      expect(() => build({ repository: { ...REPOSITORY, ref: 'main' } })).toThrow(/repository.ref.*"main".*not a tag or a commit/s);
    });
    test('a repository URL that is not HTTPS', () => {
      expect(() => build({ repository: { ...REPOSITORY, gitUrl: 'git@github.com:example/features.git' } })).toThrow(/repository.gitUrl.*not an HTTPS git URL/s);
    });
    test('a repository path outside the repository', () => {
      expect(() => build({ repository: { ...REPOSITORY, path: '../other' } })).toThrow(/repository.path.*not a relative path inside the repository/s);
    });
    test('a project name Feast refuses', () => {
      expect(() => build({ project: 'churn-features' })).toThrow(/project.*"churn-features".*not a Feast project name/s);
    });
    test('a schedule that is not cron', () => {
      expect(() => build({ materializationSchedule: '@hourly' })).toThrow(/materializationSchedule.*"@hourly".*not a five-field cron schedule/s);
    });
    test('a name too long for the operator\'s Service names', () => {
      expect(() => build({ name: 'f'.repeat(41) })).toThrow(/name.*not a DNS-1123 label of at most 40 characters/s);
    });
    test('an unknown online store', () => {
      expect(() => build({ onlineStore: 'cassandra' as OnlineStoreKind })).toThrow(/onlineStore.*"cassandra".*not an online store the platform builds/s);
    });
    test('an unknown registry', () => {
      expect(() => build({ registry: 'gcs' as FeatureRegistryKind })).toThrow(/registry.*"gcs".*not a registry the platform builds/s);
    });
    test('no workload identity in the contract', () => {
      expect(() => build({ contract: { ...CONTRACT, workloadIdentities: [] } })).toThrow(/contract.*features\/feast-features.*no workload identity for the feature server/s);
    });
    test('PostgreSQL without a database', () => {
      expect(() => build({ onlineStore: OnlineStoreKind.POSTGRES, contract: { ...CONTRACT, database: undefined } })).toThrow(/onlineStore.*"postgres".*no PostgreSQL database/s);
    });
    test('a SQL registry without a database', () => {
      expect(() => build({ registry: FeatureRegistryKind.SQL, contract: { ...CONTRACT, database: undefined } })).toThrow(/registry.*"sql".*no PostgreSQL database/s);
    });
    test('a Redis volume that is not whole GiB', () => {
      expect(() => build({ redis: { storageGiB: 0.5 } })).toThrow(/redis.storageGiB.*0.5.*not a whole number of GiB/s);
    });
    test('a Redis memory that is not positive', () => {
      expect(() => build({ redis: { memoryGiB: 0 } })).toThrow(/redis.memoryGiB.*0.*not a positive number of GiB/s);
    });
    test('a client that is not a WorkloadSelector', () => {
      const { store } = build();
      expect(() => store.allowFrom('team-a' as any)).toThrow(/allowFrom.*"team-a".*not a WorkloadSelector/s);
    });
  });
});
