import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { ContractPreview, GpuInstanceType, ModelRegistryKind, PlatformSpec, VectorEngine } from '../../../lib/core';
import {
  CnaiPlatform, CnaiPlatformProps, ModelRegistry, RegistryEngine, ROLLOUT_SCRIPT, RolloutWorkloadKind, SecretKeyRef, SecretRollout, TeamNamespace,
  VectorDatabase,
} from '../../../lib/k8s';
import { synthApp } from '../helpers';
import { dataContract, ofKind, one, synthValid, testChart } from '../retrieval/util';

const deployment = (scope: any, namespace: string, name: string) => new k8s.KubeDeployment(scope, `D-${name}`, {
  metadata: { name, namespace },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'docker.io/library/busybox:1.37.0' }] } } },
});

describe('SecretRollout', () => {
  test('a CronJob that may read only the watched Secrets and read and patch only the watched workloads, reaching only the API server', () => {
    const { chart } = testChart();
    const rollout = SecretRollout.ensure(chart, 'docs', { checkIntervalMinutes: 3, apiServerCidr: '10.20.0.0/16', priorityClass: { priorityClassName: 'cnai-high' } });
    expect(SecretRollout.ensure(chart, 'docs')).toBe(rollout);
    const app = deployment(chart, 'docs', 'rag-api');
    const sts = new k8s.KubeStatefulSet(chart, 'S', {
      metadata: { name: 'docs', namespace: 'docs' },
      spec: { serviceName: 'docs', selector: { matchLabels: { app: 'docs' } }, template: { metadata: { labels: { app: 'docs' } }, spec: { containers: [{ name: 'c', image: 'docker.io/library/busybox:1.37.0' }] } } },
    });
    rollout.restartOnChange(SecretKeyRef.fromName('docs-api-keys', 'api-key'), sts);
    rollout.restartOnChange(SecretKeyRef.fromName('docs-read-only-key', 'read-only-api-key'), app);
    rollout.restartOnChange(SecretKeyRef.fromName('docs-read-only-key', 'read-only-api-key'), app);
    const objects = synthValid(chart);

    const cronJob = one(objects, 'CronJob', 'secret-rollout', 'docs');
    expect(cronJob.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '1' });
    expect(cronJob.spec.schedule).toBe('*/3 * * * *');
    expect(cronJob.spec.concurrencyPolicy).toBe('Forbid');
    expect(cronJob.spec.startingDeadlineSeconds).toBe(180);
    const pod = cronJob.spec.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toBe('secret-rollout');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.priorityClassName).toBe('cnai-high');
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    const container = pod.containers[0];
    expect(container.image).toBe('docker.io/amazon/aws-cli:2.37.5');
    expect(container.command).toEqual(['/bin/bash', '-c', ROLLOUT_SCRIPT]);
    expect(container.env).toEqual([
      { name: 'NAMESPACE', value: 'docs' },
      { name: 'WATCHES', value: 'docs-api-keys=statefulsets/docs docs-read-only-key=deployments/rag-api' },
    ]);
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(container.resources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } });

    expect(one(objects, 'ServiceAccount', 'secret-rollout', 'docs').automountServiceAccountToken).toBe(false);
    expect(one(objects, 'Role', 'secret-rollout', 'docs').rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['docs-api-keys', 'docs-read-only-key'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['rag-api'], verbs: ['get', 'patch'] },
      { apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: ['docs'], verbs: ['get', 'patch'] },
    ]);
    expect(one(objects, 'RoleBinding', 'secret-rollout', 'docs').subjects).toEqual([{ kind: 'ServiceAccount', name: 'secret-rollout', namespace: 'docs' }]);
    expect(one(objects, 'NetworkPolicy', 'secret-rollout', 'docs').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'secret-rollout', 'app.kubernetes.io/component': 'secret-rollout', 'app.kubernetes.io/managed-by': 'cnai-constructs' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [{ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 443 }] }],
    });
  });

  test('defaults: every five minutes, the default VPC block, no priority class', () => {
    const { chart } = testChart();
    const rollout = SecretRollout.ensure(chart, 'a');
    rollout.restartOnChange(SecretKeyRef.fromName('s', 'k'), deployment(chart, 'a', 'x'));
    expect(rollout.settings).toEqual({ refreshInterval: '5m', checkIntervalMinutes: 5, apiServerCidr: '10.0.0.0/16', priorityClassName: undefined });
    const objects = Testing.synth(chart);
    expect(one(objects, 'CronJob', 'secret-rollout').spec.schedule).toBe('*/5 * * * *');
    expect(one(objects, 'CronJob', 'secret-rollout').spec.jobTemplate.spec.template.spec.priorityClassName).toBeUndefined();
  });

  test('the script is valid bash', () => {
    const r = spawnSync('bash', ['-n'], { input: ROLLOUT_SCRIPT, encoding: 'utf8' });
    if (r.error) throw new Error(`bash is needed for this test (install bash): ${r.error.message}`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  describe('the script against a fake API server', () => {
    // curl replaced by a script that answers GETs from files and records PATCHes.
    const run = (secret: object, workload: object): { status: number | null; stdout: string; patches: string[] } => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-rollout-'));
      try {
        fs.writeFileSync(path.join(dir, 'secret.json'), JSON.stringify(secret));
        fs.writeFileSync(path.join(dir, 'workload.json'), JSON.stringify(workload));
        fs.writeFileSync(path.join(dir, 'curl'), [
          '#!/bin/bash',
          'url=""; method=GET; data=""',
          'while [ $# -gt 0 ]; do case "$1" in -X) method="$2"; shift 2;; --data-binary) data="$2"; shift 2;; -H|--cacert|--max-time) shift 2;; -*) shift;; *) url="$1"; shift;; esac; done',
          `if [ "$method" = PATCH ]; then printf '%s %s\\n' "$url" "$data" >> "${dir}/patches"; echo '{}'; exit 0; fi`,
          `case "$url" in */secrets/*) cat "${dir}/secret.json";; */statefulsets/*) cat "${dir}/workload.json";; *) exit 22;; esac`,
        ].join('\n'), { mode: 0o755 });
        const r = spawnSync('bash', ['-c', ROLLOUT_SCRIPT], {
          encoding: 'utf8',
          env: { PATH: `${dir}:${process.env.PATH}`, NAMESPACE: 'docs', WATCHES: 'docs-api-keys=statefulsets/docs', KUBERNETES_SERVICE_HOST: '10.100.0.1', KUBERNETES_SERVICE_PORT: '443' },
        });
        if (r.error) throw new Error(`bash is needed for this test (install bash): ${r.error.message}`);
        const patchFile = path.join(dir, 'patches');
        return { status: r.status, stdout: r.stdout, patches: fs.existsSync(patchFile) ? fs.readFileSync(patchFile, 'utf8').trim().split('\n') : [] };
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    };
    const secret = (apiKey: string) => ({
      kind: 'Secret',
      metadata: { name: 'docs-api-keys', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"api-key":"b2xk"}}' } },
      data: { 'api-key': apiKey, 'read-only-api-key': 'cm8=' },
      type: 'Opaque',
    });
    const url = 'https://10.100.0.1:443/apis/apps/v1/namespaces/docs/statefulsets/docs?fieldManager=cnai-secret-rollout';
    // The first 16 hex digits of the SHA-256 of the data object as the API server writes it (compact JSON).
    const hashOf = (apiKey: string) => createHash('sha256').update(`"data":{"api-key":"${apiKey}","read-only-api-key":"cm8="}\n`).digest('hex').slice(0, 16);

    test('first check: records the hash on the workload, no restart', () => {
      const r = run(secret('bmV3'), { metadata: { name: 'docs', annotations: {} }, spec: { template: { metadata: {} } } });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('statefulsets/docs: Secret docs-api-keys recorded (first check, no restart)\n');
      expect(r.patches).toEqual([`${url} {"metadata":{"annotations":{"secret-seen.cnai.io/docs-api-keys":"${hashOf('bmV3')}"}}}`]);
    });

    test('unchanged: nothing patched', () => {
      const r = run(secret('bmV3'), { metadata: { name: 'docs', annotations: { 'secret-seen.cnai.io/docs-api-keys': hashOf('bmV3') } } });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('statefulsets/docs: Secret docs-api-keys unchanged\n');
      expect(r.patches).toEqual([]);
    });

    test('changed: the pod template gets the new hash (a rolling restart), and it is recorded', () => {
      const r = run(secret('bmV3'), { metadata: { name: 'docs', annotations: { 'secret-seen.cnai.io/docs-api-keys': hashOf('b2xk') } } });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('statefulsets/docs: Secret docs-api-keys changed: rolling restart\n');
      const h = hashOf('bmV3');
      expect(r.patches).toEqual([`${url} {"metadata":{"annotations":{"secret-seen.cnai.io/docs-api-keys":"${h}"}},"spec":{"template":{"metadata":{"annotations":{"secret-hash.cnai.io/docs-api-keys":"${h}"}}}}}`]);
      expect(r.stdout).not.toContain('bmV3');
    });
  });

  test('error: a workload that is no Deployment or StatefulSet', () => {
    const { chart } = testChart();
    const cm = new k8s.KubeConfigMap(chart, 'Cm', { metadata: { name: 'x', namespace: 'a' } });
    expect(() => SecretRollout.ensure(chart, 'a').restartOnChange(SecretKeyRef.fromName('s', 'k'), cm)).toThrow(
      'test/SecretRollout-a: invalid workload = "v1/ConfigMap": not a Deployment or StatefulSet (apps/v1): only those roll out when their pod template changes. '
      + 'Fix: pass the KubeDeployment or KubeStatefulSet (for a cdk8s-plus workload, its apiObject).');
  });

  test('error: a workload of another namespace', () => {
    const { chart } = testChart();
    expect(() => SecretRollout.ensure(chart, 'a').restartOnChange(SecretKeyRef.fromName('s', 'k'), deployment(chart, 'b', 'x'))).toThrow(
      'test/SecretRollout-a: invalid workload = "b/x": not in namespace a: the Secret and the workload must be in the rollout\'s namespace. '
      + 'Fix: use SecretRollout.ensure(scope, "b") for a workload of another namespace.');
  });

  test('error: a Secret name too long for the annotation', () => {
    const { chart } = testChart();
    const name = 'a'.repeat(64);
    expect(() => SecretRollout.ensure(chart, 'a').restartOnChange(SecretKeyRef.fromName(name, 'k'), deployment(chart, 'a', 'x'))).toThrow(
      `test/SecretRollout-a: invalid secretName = "${name}": longer than 63 characters: it names the annotations that record its hash. Fix: give the Secret a name of at most 63 characters.`);
  });

  test('error: a Secret given as a string', () => {
    const { chart } = testChart();
    expect(() => SecretRollout.ensure(chart, 'a').restartOnChange('s' as any, deployment(chart, 'a', 'x'))).toThrow(
      'test/SecretRollout-a: invalid secret = "s": not a SecretKeyRef. Fix: pass the key the workload reads, e.g. connection.credential or SecretKeyRef.fromName("my-secret", "password").');
  });

  test('error: a check interval out of range', () => {
    const { chart } = testChart();
    expect(() => SecretRollout.ensure(chart, 'a', { checkIntervalMinutes: 60 })).toThrow(
      'test/SecretRollout-a: invalid secretRollout.checkIntervalMinutes = 60: not a whole number of minutes from 1 to 59 (the schedule is "*/N * * * *"). Fix: give e.g. 5 (checks every five minutes).');
  });

  test('error: a refresh interval that is no Go duration', () => {
    const { chart } = testChart();
    expect(() => SecretRollout.ensure(chart, 'a', { refreshInterval: '5 minutes' })).toThrow(
      'test/SecretRollout-a: invalid secretRollout.refreshInterval = "5 minutes": not a Go duration. Fix: write it like "5m", "1h" or "1h30m".');
  });

  test('error: an API server block that is no CIDR', () => {
    const { chart } = testChart();
    expect(() => SecretRollout.ensure(chart, 'a', { apiServerCidr: '10.0.0.0' })).toThrow(
      'test/SecretRollout-a: invalid secretRollout.apiServerCidr = "10.0.0.0": not an IPv4 CIDR block. Fix: give the VPC block, e.g. "10.0.0.0/16".');
  });

  test('a workload a chart renders, by kind and name', () => {
    const { chart } = testChart();
    const rollout = SecretRollout.ensure(chart, 'monitoring');
    rollout.restartChartWorkloadOnChange(SecretKeyRef.fromName('grafana-admin', 'admin-password'), RolloutWorkloadKind.DEPLOYMENT, 'kube-prometheus-stack-grafana');
    rollout.restartChartWorkloadOnChange(SecretKeyRef.fromName('db', 'password'), RolloutWorkloadKind.STATEFUL_SET, 'db');
    expect(rollout.watches).toEqual([
      { secretName: 'grafana-admin', resource: 'deployments', workloadName: 'kube-prometheus-stack-grafana' },
      { secretName: 'db', resource: 'statefulsets', workloadName: 'db' },
    ]);
    const objects = synthValid(chart);
    expect(one(objects, 'CronJob', 'secret-rollout', 'monitoring').spec.jobTemplate.spec.template.spec.containers[0].env[1])
      .toEqual({ name: 'WATCHES', value: 'grafana-admin=deployments/kube-prometheus-stack-grafana db=statefulsets/db' });
  });

  test('error: a chart workload of a kind that does not roll out, or with a name that is no object name', () => {
    const { chart } = testChart();
    const rollout = SecretRollout.ensure(chart, 'a');
    expect(() => rollout.restartChartWorkloadOnChange(SecretKeyRef.fromName('s', 'k'), 'DaemonSet' as RolloutWorkloadKind, 'x')).toThrow(
      'test/SecretRollout-a: invalid kind = "DaemonSet": not a Deployment or StatefulSet: only those roll out when their pod template changes. Fix: use RolloutWorkloadKind.');
    expect(() => rollout.restartChartWorkloadOnChange(SecretKeyRef.fromName('s', 'k'), RolloutWorkloadKind.DEPLOYMENT, 'Grafana!'))
      .toThrow(/^test\/SecretRollout-a: invalid name = "Grafana!": not a valid DNS-1123 subdomain/);
    expect(() => rollout.restartChartWorkloadOnChange('s' as any, RolloutWorkloadKind.DEPLOYMENT, 'x')).toThrow(
      'test/SecretRollout-a: invalid secret = "s": not a SecretKeyRef. Fix: pass the key the workload reads, e.g. connection.credential or SecretKeyRef.fromName("my-secret", "password").');
  });

  test('error: a rollout that watches nothing', () => {
    const { chart } = testChart();
    SecretRollout.ensure(chart, 'a');
    expect(() => Testing.synth(chart)).toThrow('test/SecretRollout-a: no workload is watched (restartOnChange was never called)');
  });
});

describe('SecretRollout in the data services', () => {
  test('MLflow restarts on its credentials and its database password; both refresh every five minutes', () => {
    const { chart } = testChart();
    new ModelRegistry(chart, 'registry', { contract: { ...dataContract(), vpcCidr: '10.30.0.0/16' }, secretRollout: {} });
    const objects = synthValid(chart);
    const cronJob = one(objects, 'CronJob', 'secret-rollout', 'mlflow');
    expect(cronJob.spec.jobTemplate.spec.template.spec.containers[0].env[1]).toEqual({ name: 'WATCHES', value: 'mlflow-credentials=deployments/mlflow mlflow-database=deployments/mlflow' });
    expect(one(objects, 'Role', 'secret-rollout', 'mlflow').rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['mlflow-credentials', 'mlflow-database'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['mlflow'], verbs: ['get', 'patch'] },
    ]);
    expect(one(objects, 'NetworkPolicy', 'secret-rollout', 'mlflow').spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.30.0.0/16' } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
    expect(ofKind(objects, 'ExternalSecret').map((e) => [e.metadata.name, e.spec.refreshInterval])).toEqual([['mlflow-credentials', '5m'], ['mlflow-database', '5m']]);
  });

  test('without secretRollout: no CronJob, the hourly refresh', () => {
    const { chart } = testChart();
    new ModelRegistry(chart, 'registry', { contract: dataContract() });
    const objects = Testing.synth(chart);
    expect(ofKind(objects, 'CronJob')).toEqual([]);
    expect(ofKind(objects, 'ExternalSecret').map((e) => e.spec.refreshInterval)).toEqual(['1h', '1h']);
  });

  test('the Kubeflow Model Registry restarts on its database Secret', () => {
    const { chart } = testChart();
    new ModelRegistry(chart, 'registry', { contract: dataContract(), engine: RegistryEngine.kubeflow(), secretRollout: { refreshInterval: '10m' } });
    const objects = Testing.synth(chart);
    expect(one(objects, 'CronJob', 'secret-rollout', 'kubeflow').spec.jobTemplate.spec.template.spec.containers[0].env[1].value).toBe('model-registry-database=deployments/model-registry');
    expect(ofKind(objects, 'ExternalSecret').map((e) => e.spec.refreshInterval)).toEqual(['10m']);
  });

  test('Qdrant restarts on its API keys, and a client on its copy of the key', () => {
    const { chart } = testChart();
    const team = new TeamNamespace(chart, 'team', { name: 'team-a' });
    const db = new VectorDatabase(chart, 'docs', { contract: dataContract(), secretRollout: { checkIntervalMinutes: 2 } });
    const connection = db.addClient(team.workloads({ app: 'rag' }), { readOnly: true });
    db.restartClientOnRotation(connection, deployment(team, 'team-a', 'rag'));
    const objects = synthValid(chart);
    const env = (ns: string) => one(objects, 'CronJob', 'secret-rollout', ns).spec.jobTemplate.spec.template.spec.containers[0].env[1].value;
    expect(env('docs')).toBe('docs-api-keys=statefulsets/docs');
    expect(env('team-a')).toBe(`${connection.credential.secretName}=deployments/rag`);
    expect(connection.credential.secretName).toBe('docs-read-only-key');
    expect(one(objects, 'CronJob', 'secret-rollout', 'team-a').spec.schedule).toBe('*/2 * * * *');
    expect(ofKind(objects, 'ExternalSecret').map((e) => [e.metadata.namespace, e.spec.refreshInterval])).toEqual([['docs', '5m'], ['team-a', '5m']]);
  });

  test('error: a client restart asked of a database without secretRollout', () => {
    const { chart } = testChart();
    const team = new TeamNamespace(chart, 'team', { name: 'team-a' });
    const db = new VectorDatabase(chart, 'docs', { contract: dataContract() });
    const connection = db.addClient(team.workloads({ app: 'rag' }));
    expect(() => db.restartClientOnRotation(connection, deployment(team, 'team-a', 'rag'))).toThrow(
      'test/docs: invalid secretRollout = undefined: the database restarts nothing on a changed credential, so it cannot restart its clients either. '
      + 'Fix: give the database secretRollout: {} (CnaiPlatform does unless restartOnSecretChange is false).');
  });

  test('error: invalid settings are named at the service', () => {
    const { chart } = testChart();
    expect(() => new ModelRegistry(chart, 'registry', { contract: dataContract(), secretRollout: { checkIntervalMinutes: 0 } })).toThrow(
      'test/registry: invalid secretRollout.checkIntervalMinutes = 0');
  });
});

describe('SecretRollout in CnaiPlatform', () => {
  const spec: PlatformSpec = {
    name: 'cnai',
    environment: 'test',
    region: 'us-west-2',
    accountId: '123456789012',
    availabilityZones: ['us-west-2a', 'us-west-2b'],
    gpuPools: [{ name: 'gpu-l4', instanceTypes: [GpuInstanceType.G6_XLARGE], maxNodes: 2 }],
    teams: [{ name: 'team-a', quotas: [{ pool: 'gpu-l4', gpus: 2 }] }],
    vectorDatabase: { engine: VectorEngine.QDRANT, name: 'knowledge', expectedVectors: 100_000, dimension: 768 },
    modelRegistry: ModelRegistryKind.MLFLOW,
    kubeflow: false,
    observability: false,
  };
  const build = (props: Partial<CnaiPlatformProps> = {}) => {
    const app = Testing.app();
    new CnaiPlatform(app, 'cnai', { spec, contract: { ...ContractPreview.fromSpec(spec), vpcCidr: '10.40.0.0/16' }, ...props });
    return synthApp(app);
  };

  test('on by default: MLflow, Qdrant and Grafana restart, at the platform\'s high priority, through the contract\'s VPC block; their secrets refresh every 5 minutes', () => {
    const objects = build();
    const cronJobs = ofKind(objects, 'CronJob').filter((c) => c.metadata.name === 'secret-rollout');
    const pod = (c: any) => c.spec.jobTemplate.spec.template.spec;
    expect(cronJobs.map((c) => [c.metadata.namespace, c.spec.schedule, pod(c).priorityClassName, pod(c).containers[0].env[1].value])).toEqual([
      ['monitoring', '*/5 * * * *', 'cnai-high', 'grafana-admin=deployments/kube-prometheus-stack-grafana'],
      ['knowledge', '*/5 * * * *', 'cnai-high', 'knowledge-api-keys=statefulsets/knowledge'],
      ['mlflow', '*/5 * * * *', 'cnai-high', 'mlflow-credentials=deployments/mlflow mlflow-database=deployments/mlflow'],
    ]);
    expect(ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.name === 'secret-rollout').map((p) => p.spec.egress[0].to)).toEqual([
      [{ ipBlock: { cidr: '10.40.0.0/16' } }], [{ ipBlock: { cidr: '10.40.0.0/16' } }], [{ ipBlock: { cidr: '10.40.0.0/16' } }],
    ]);
    expect(one(objects, 'Role', 'secret-rollout', 'monitoring').rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['grafana-admin'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['kube-prometheus-stack-grafana'], verbs: ['get', 'patch'] },
    ]);
    const refresh = Object.fromEntries(ofKind(objects, 'ExternalSecret').map((e) => [`${e.metadata.namespace}/${e.metadata.name}`, e.spec.refreshInterval]));
    expect(refresh).toMatchObject({ 'knowledge/knowledge-api-keys': '5m', 'mlflow/mlflow-credentials': '5m', 'mlflow/mlflow-database': '5m' });
  });

  test('settings: refresh and check interval', () => {
    const objects = build({ secretRollout: { refreshInterval: '2m', checkIntervalMinutes: 3 } });
    expect(ofKind(objects, 'CronJob').filter((c) => c.metadata.name === 'secret-rollout').map((c) => c.spec.schedule)).toEqual(['*/3 * * * *', '*/3 * * * *', '*/3 * * * *']);
    expect(one(objects, 'ExternalSecret', 'mlflow-database', 'mlflow').spec.refreshInterval).toBe('2m');
  });

  test('opt-out: restartOnSecretChange false leaves no CronJob and the hourly refresh', () => {
    const objects = build({ restartOnSecretChange: false });
    expect(ofKind(objects, 'CronJob').filter((c) => c.metadata.name === 'secret-rollout')).toEqual([]);
    expect(one(objects, 'ExternalSecret', 'mlflow-database', 'mlflow').spec.refreshInterval).toBe('1h');
  });
});
