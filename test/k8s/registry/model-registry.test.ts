import { DATA_SERVICES, ModelRegistryKind } from '../../../lib/core';
import { ModelRegistry, ModelSource, RegistryAccess, RegistryBackend, RegistryEngine, SecretSource, TeamNamespace, WorkloadSelector } from '../../../lib/k8s';
import { dataContract, ofKind, one, synthValid, testChart } from '../retrieval/util';

function mlflow(engine = RegistryEngine.mlflow()) {
  const { app, chart } = testChart();
  const team = new TeamNamespace(chart, 'team-ml');
  const registry = new ModelRegistry(chart, 'registry', { contract: dataContract(), engine });
  const trainer = registry.addClient(team.workloads({ app: 'finetune' }), RegistryAccess.READ_WRITE);
  const server = registry.addClient(team.workloads({ app: 'chat' }), RegistryAccess.READ_ONLY);
  return { app, chart, team, registry, trainer, server };
}

function env(container: any): { [name: string]: any } {
  return Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

describe('ModelRegistry (MLflow)', () => {
  test('MLflow is the default; everything is schema-valid; no Secret object and no credential in the output', () => {
    const { chart, registry } = mlflow();
    expect(registry.engine).toBe(ModelRegistryKind.MLFLOW);
    const o = synthValid(chart);
    expect(ofKind(o, 'Secret')).toEqual([]);
    expect(JSON.stringify(o)).not.toMatch(/password1234|postgresql\+psycopg2:\/\/[^{]*:[^{]+@/);
  });

  test('server args: Postgres backend from the Secret, artifacts proxied to the models bucket, basic auth, allowed hosts, metrics', () => {
    const { chart, registry } = mlflow();
    const o = synthValid(chart);
    const pod = one(o, 'Deployment', 'mlflow').spec.template.spec;
    const c = pod.containers.find((x: any) => x.name === 'mlflow');
    expect(c.image).toBe('ghcr.io/mlflow/mlflow:v3.16.1-full');
    expect(c.command).toEqual(['mlflow', 'server']);
    const arg = (flag: string) => c.args[c.args.indexOf(flag) + 1];
    expect(arg('--backend-store-uri')).toBe('$(MLFLOW_BACKEND_STORE_URI)');
    expect(c.args).toContain('--serve-artifacts');
    expect(arg('--artifacts-destination')).toBe('s3://cnai-test-models-123456789012-us-west-2/mlflow');
    expect(arg('--app-name')).toBe('basic-auth');
    expect(arg('--host')).toBe('0.0.0.0');
    expect(arg('--expose-prometheus')).toBe('/tmp/prometheus');
    const hosts = arg('--allowed-hosts').split(',');
    expect(hosts).toEqual(expect.arrayContaining([
      'mlflow.mlflow.svc.cluster.local:5000', 'mlflow.mlflow.svc.cluster.local', 'mlflow:5000', 'localhost:5000', '10.*:5000',
    ]));
    expect(hosts).not.toContain('*');
    expect(registry.mlflow!.artifactsDestination).toBe(`s3://cnai-test-models-123456789012-us-west-2/${DATA_SERVICES.registryArtifactPrefix.slice(0, -1)}`);
  });

  test('server env: secrets by reference, auth config path, allowed hosts, region; non-root; probes on /health', () => {
    const { chart } = mlflow();
    const o = synthValid(chart);
    const pod = one(o, 'Deployment', 'mlflow').spec.template.spec;
    const c = pod.containers.find((x: any) => x.name === 'mlflow');
    const e = env(c);
    expect(e.MLFLOW_BACKEND_STORE_URI).toEqual({ secretKeyRef: { name: 'mlflow-database', key: 'backend-store-uri' } });
    expect(e.MLFLOW_FLASK_SERVER_SECRET_KEY).toEqual({ secretKeyRef: { name: 'mlflow-credentials', key: 'flask-secret-key' } });
    expect(e.MLFLOW_AUTH_ADMIN_PASSWORD).toEqual({ secretKeyRef: { name: 'mlflow-credentials', key: 'admin-password' } });
    expect(e.MLFLOW_AUTH_CONFIG_PATH).toBe('/config/basic_auth.ini');
    expect(e.MLFLOW_SERVER_ALLOWED_HOSTS).toContain('mlflow.mlflow.svc.cluster.local:5000');
    expect(e.AWS_REGION).toBe('us-west-2');
    expect(pod.serviceAccountName).toBe('mlflow');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    for (const p of [c.startupProbe, c.readinessProbe, c.livenessProbe]) expect(p.httpGet.path).toBe('/health');
    expect(one(o, 'Service', 'mlflow', 'mlflow').spec.ports).toEqual([{ name: 'http', port: 5000, targetPort: 'http' }]);
    expect(one(o, 'PodDisruptionBudget', 'mlflow').spec.maxUnavailable).toBe(1);
    expect(one(o, 'Deployment', 'mlflow').spec.replicas).toBe(2);
  });

  test('the databases are created and the schema migrated before the server starts', () => {
    const { chart } = mlflow();
    const o = synthValid(chart);
    const pod = one(o, 'Deployment', 'mlflow').spec.template.spec;
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['create-databases', 'auth-config', 'db-upgrade', 'sync-users']);
    const upgrade = pod.initContainers[2];
    expect(upgrade.command).toEqual(['mlflow', 'db', 'upgrade', '$(MLFLOW_BACKEND_STORE_URI)']);
    expect(env(upgrade).MLFLOW_BACKEND_STORE_URI).toEqual({ secretKeyRef: { name: 'mlflow-database', key: 'backend-store-uri' } });
    const create = pod.initContainers[0];
    expect(create.image).toBe('docker.io/library/postgres:17.6');
    expect(one(o, 'ConfigMap', 'mlflow-create-databases').data['create-databases.sql']).toContain('CREATE DATABASE "mlflow_auth"');
    // The URIs are built by External Secrets from the RDS-managed password (URL-escaped).
    const db = one(o, 'ExternalSecret', 'mlflow-database');
    expect(db.spec.data).toEqual([{ secretKey: 'password', remoteRef: { key: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-0123-AbCdEf', property: 'password' } }]);
    expect(db.spec.target.template.data).toEqual({
      'backend-store-uri': 'postgresql+psycopg2://cnai_admin:{{ .password | urlquery }}@cnai-test-postgres.abcdefghijkl.us-west-2.rds.amazonaws.com:5432/mlflow?sslmode=require',
      'auth-database-uri': 'postgresql+psycopg2://cnai_admin:{{ .password | urlquery }}@cnai-test-postgres.abcdefghijkl.us-west-2.rds.amazonaws.com:5432/mlflow_auth?sslmode=require',
    });
  });

  test('authentication: admin and client users from the credentials secret; a job creates the reader and writer users', () => {
    const { chart } = mlflow();
    const o = synthValid(chart);
    const creds = one(o, 'ExternalSecret', 'mlflow-credentials');
    expect(creds.spec.data.map((d: any) => d.secretKey)).toEqual(['admin-username', 'admin-password', 'flask-secret-key', 'reader-password', 'writer-password']);
    expect(creds.spec.data[0].remoteRef.key).toBe('cnai-test/model-registry');
    const job = ofKind(o, 'Job')[0];
    expect(job.metadata.name).toMatch(/^mlflow-users-[0-9a-f]{8}$/);
    expect(job.spec.template.spec.containers[0].command).toEqual(['python', '/scripts/create_users.py']);
    const scripts = one(o, 'ConfigMap', 'mlflow-scripts').data;
    expect(scripts['create_users.py']).toContain('/api/2.0/mlflow/users');
    expect(scripts['write_auth_config.py']).toContain('config.set("mlflow", "admin_password", value("ADMIN_PASSWORD"))');
  });

  test('NetworkPolicy admits the named clients, the users job and Prometheus; egress to DNS, Pod Identity, S3 and the database', () => {
    const { chart } = mlflow();
    const o = synthValid(chart);
    const ingress = one(o, 'NetworkPolicy', 'mlflow-ingress').spec.ingress;
    expect(ingress).toHaveLength(4);
    expect(ingress.map((r: any) => r.from[0].podSelector.matchLabels)).toEqual([
      { 'cnai.io/data-service': 'mlflow', 'app.kubernetes.io/component': 'model-registry-job' },
      { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'kube-prometheus-stack-prometheus' },
      { app: 'finetune' },
      { app: 'chat' },
    ]);
    const egress = one(o, 'NetworkPolicy', 'mlflow-egress').spec.egress;
    expect(egress.map((r: any) => r.ports.map((p: any) => p.port))).toEqual([[53, 53], [80], [443], [5432]]);
  });

  test('the database egress opens the contract\'s VPC block (not the AWS layer\'s default) for the default backend', () => {
    const { chart } = testChart();
    new ModelRegistry(chart, 'registry', { contract: { ...dataContract(), vpcCidr: '10.30.0.0/16' } });
    new ModelRegistry(chart, 'kubeflow', { contract: { ...dataContract(), vpcCidr: '10.30.0.0/16' }, engine: RegistryEngine.kubeflow() });
    const o = synthValid(chart);
    expect(one(o, 'NetworkPolicy', 'mlflow-egress').spec.egress[3]).toEqual({ to: [{ ipBlock: { cidr: '10.30.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5432 }] });
    const kubeflow = o.filter((x: any) => x.kind === 'NetworkPolicy' && x.metadata.namespace === 'kubeflow')
      .flatMap((x: any) => x.spec.egress ?? []).filter((r: any) => r.ports?.some((p: any) => p.port === 5432));
    expect(kubeflow.map((r: any) => r.to)).toEqual([[{ ipBlock: { cidr: '10.30.0.0/16' } }]]);
  });

  test('its own namespace denies everything but DNS and the declared flows, and is labelled for Prometheus\' selection', () => {
    const { chart } = mlflow();
    const o = synthValid(chart);
    expect(one(o, 'Namespace', 'mlflow').metadata.labels['app.kubernetes.io/part-of']).toBe('cnai-platform');
    const policies = ofKind(o, 'NetworkPolicy').filter((p) => p.metadata.namespace === 'mlflow');
    expect(policies.map((p) => p.metadata.name)).toEqual(['default-deny', 'allow-dns', 'mlflow-ingress', 'mlflow-egress', 'mlflow-jobs']);
    expect(policies[0].spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    // Prometheus reaches the metrics port the ServiceMonitor scrapes (the server's port, "http").
    expect(one(o, 'ServiceMonitor', 'mlflow').spec.endpoints[0].port).toBe('http');
    expect(policies[2].spec.ingress[1].ports).toEqual([{ protocol: 'TCP', port: 5000 }]);
  });

  test('training gets a read-write connection, serving a read-only one, each as env vars and Secret references', () => {
    const { chart, trainer, server, registry, team } = mlflow();
    expect(trainer.env()).toEqual([
      { name: 'MLFLOW_TRACKING_URI', value: 'http://mlflow.mlflow.svc.cluster.local:5000' },
      { name: 'MLFLOW_REGISTRY_URI', value: 'http://mlflow.mlflow.svc.cluster.local:5000' },
      { name: 'MLFLOW_TRACKING_USERNAME', value: 'writer' },
      { name: 'MLFLOW_TRACKING_PASSWORD', valueFrom: { secretKeyRef: { name: 'mlflow-writer', key: 'writer-password' } } },
    ]);
    expect(trainer.environment).toEqual({
      MLFLOW_TRACKING_URI: 'http://mlflow.mlflow.svc.cluster.local:5000',
      MLFLOW_REGISTRY_URI: 'http://mlflow.mlflow.svc.cluster.local:5000',
      MLFLOW_TRACKING_USERNAME: 'writer',
    });
    expect(trainer.secretEnvironment!.MLFLOW_TRACKING_PASSWORD.secretName).toBe('mlflow-writer');
    expect(trainer.server.namespace).toBe('mlflow');
    expect(trainer.port).toBe(5000);
    expect(server.username).toBe('reader');
    expect(server.password!.key).toBe('reader-password');
    expect(registry.connectionFor(team.workloads({ app: 'finetune', job: 'x' })).access).toBe(RegistryAccess.READ_WRITE);
    const o = synthValid(chart);
    expect(one(o, 'ExternalSecret', 'mlflow-writer', 'team-ml').spec.data.map((d: any) => d.secretKey)).toEqual(['writer-password']);
    expect(one(o, 'ExternalSecret', 'mlflow-reader', 'team-ml').spec.data.map((d: any) => d.secretKey)).toEqual(['reader-password']);
  });

  test('a registered model version resolves to the models bucket; an LlmService can serve it', () => {
    const { registry } = mlflow();
    const v = registry.modelVersion({ name: 'support-bot', version: 3, storageLocation: 'mlflow-artifacts:/1/models/m-0a1b2c/artifacts' });
    expect(v.storageUri).toBe('s3://cnai-test-models-123456789012-us-west-2/mlflow/1/models/m-0a1b2c/artifacts/');
    expect(v.modelName).toBe('support-bot');
    expect(v.modelVersion).toBe('3');
    expect(v.readPrefix).toBe('mlflow/');
    expect(v.registryUri).toBe('models:/support-bot/3');
    const source = ModelSource.fromArtifact(v, { region: 'us-west-2' });
    expect(source.storageUri).toBe(v.storageUri);
    expect(source.usesWorkloadIdentity).toBe(true);
    // The full S3 URI under the root and a path relative to it work too.
    expect(registry.modelVersion({ name: 'x', version: 1, storageLocation: `${'s3://cnai-test-models-123456789012-us-west-2/mlflow/'}2/abc/artifacts/model` }).prefix)
      .toBe('mlflow/2/abc/artifacts/model/');
    expect(registry.modelVersion({ name: 'x', version: 1, storageLocation: '2/abc/artifacts' }).prefix).toBe('mlflow/2/abc/artifacts/');
  });

  test('error: a model version outside the registry\'s artifact root', () => {
    const { registry } = mlflow();
    expect(() => registry.modelVersion({ name: 'x', version: 1, storageLocation: 'models:/x/1' }))
      .toThrow(/invalid storageLocation = "models:\/x\/1": not a location inside the registry's artifact root/);
    expect(() => registry.modelVersion({ name: 'x', version: 1, storageLocation: 's3://other-bucket/mlflow/1' })).toThrow(/not a location inside/);
    expect(() => registry.modelVersion({ name: 'x', version: 1, storageLocation: 'mlflow-artifacts:/../secrets' })).toThrow(/not a location inside/);
    expect(() => registry.modelVersion({ name: 'x', version: 0, storageLocation: '1/a' })).toThrow(/invalid version = "0": a registry version is a positive whole number/);
  });

  test('error: a registry without a backend', () => {
    const { chart } = testChart();
    expect(() => new ModelRegistry(chart, 'registry', { contract: { ...dataContract(), database: undefined } }))
      .toThrow(/test\/registry: invalid backend = undefined: the registry has no backend and the platform contract has no database.*Fix: create the AWS layer's PostgresDatabase/);
  });

  test('an existing Secret can hold the database URIs (the databases exist: no create step)', () => {
    const { chart } = testChart();
    new ModelRegistry(chart, 'registry', {
      contract: { ...dataContract(), database: undefined },
      backend: RegistryBackend.existingSecret('mlflow-db'),
      engine: RegistryEngine.mlflow({ credentials: SecretSource.existingSecret('mlflow-creds'), metrics: false }),
    });
    const o = synthValid(chart);
    const pod = one(o, 'Deployment', 'mlflow').spec.template.spec;
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['auth-config', 'db-upgrade', 'sync-users']);
    expect(env(pod.containers[0]).MLFLOW_BACKEND_STORE_URI).toEqual({ secretKeyRef: { name: 'mlflow-db', key: 'backend-store-uri' } });
    expect(ofKind(o, 'ExternalSecret')).toEqual([]);
    expect(ofKind(o, 'ServiceMonitor')).toEqual([]);
  });

  test('error: a client that is not in the registry\'s network policy', () => {
    const { registry, team } = mlflow();
    expect(() => registry.connectionFor(team.workloads({ app: 'notebook' })))
      .toThrow(/invalid client = "team-ml\/\{\\"app\\":\\"notebook\\"\}": the workload is not among the clients the registry's network policy admits/);
  });

  test('error: the registry\'s workload identity is missing from the contract', () => {
    const { chart } = testChart();
    const contract = { ...dataContract(), workloadIdentities: [] };
    expect(() => new ModelRegistry(chart, 'registry', { contract }))
      .toThrow(/invalid contract\.workloadIdentities = "mlflow\/mlflow": the platform contract has no workload identity for the registry's service account/);
  });

  test('ServiceMonitor scrapes as the reader and labels the target as MLflow', () => {
    const { chart, registry } = mlflow();
    const sm = one(synthValid(chart), 'ServiceMonitor', 'mlflow');
    expect(sm.spec.endpoints[0]).toMatchObject({
      port: 'http',
      path: '/metrics',
      basicAuth: { username: { name: 'mlflow-credentials', key: 'metrics-username' }, password: { name: 'mlflow-credentials', key: 'reader-password' } },
      relabelings: [{ targetLabel: 'cnai_component', replacement: 'mlflow', action: 'replace' }],
    });
    expect(registry.mlflow!.metricsEndpoint.component).toBe('mlflow');
  });
});

describe('ModelRegistry (Kubeflow Model Registry)', () => {
  test('server on the embedded metadata store in PostgreSQL, database created first, clients admitted by NetworkPolicy', () => {
    const { chart, registry, trainer } = mlflow(RegistryEngine.kubeflow());
    expect(registry.engine).toBe(ModelRegistryKind.KUBEFLOW);
    expect(registry.namespace).toBe('kubeflow');
    const o = synthValid(chart);
    const pod = one(o, 'Deployment', 'model-registry').spec.template.spec;
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['create-databases']);
    const c = pod.containers[0];
    expect(c.image).toBe('ghcr.io/kubeflow/model-registry/server:v0.3.9');
    expect(c.args).toEqual(expect.arrayContaining(['--datastore-type=embedmd', '--embedmd-database-type=postgres', '--embedmd-database-dsn=$(MODEL_REGISTRY_DSN)']));
    expect(one(o, 'ExternalSecret', 'model-registry-database').spec.target.template.data.dsn)
      .toBe('postgres://cnai_admin:{{ .password | urlquery }}@cnai-test-postgres.abcdefghijkl.us-west-2.rds.amazonaws.com:5432/model_registry?sslmode=require');
    expect(one(o, 'NetworkPolicy', 'model-registry-ingress').spec.ingress).toHaveLength(2);
    expect(trainer.env()).toEqual([
      { name: 'MODEL_REGISTRY_URL', value: 'http://model-registry.kubeflow.svc.cluster.local:8080' },
      { name: 'MODEL_REGISTRY_HOST', value: 'model-registry.kubeflow.svc.cluster.local' },
      { name: 'MODEL_REGISTRY_PORT', value: '8080' },
    ]);
    const v = registry.modelVersion({ name: 'm', version: 2, storageLocation: 's3://cnai-test-models-123456789012-us-west-2/mlflow/kf/m/2' });
    expect(v.registryUri).toBeUndefined();
  });
});

test('clients in an undeclared namespace fail at synth', () => {
  const { app, chart } = testChart();
  const registry = new ModelRegistry(chart, 'registry', { contract: dataContract() });
  registry.addClient(WorkloadSelector.inNamespace('ghost', { app: 'x' }), RegistryAccess.READ_ONLY);
  expect(() => app.synth()).toThrow(/invalid clients\.workload\.namespace = "ghost"/);
});
