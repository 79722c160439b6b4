/**
 * The contract test of the managed metrics option: both layers synthesized from one spec (and
 * its metrics section) agree. Read from the synthesized output (Terraform JSON, Kubernetes
 * objects and the releases' provides declarations), not from the objects that produced them.
 */
import { App } from 'cdk8s';
import { Testing } from 'cdktf';
import { CnaiAwsStack, PENDING_APPLY, previewContract } from '../../lib/aws';
import {
  GpuInstanceType, ManagedPrometheusEndpoints, MetricsBackendSpec, ModelPresets, PlatformContract, PlatformSpec,
  PROVIDES_ANNOTATION,
} from '../../lib/core';
import { CnaiPlatform } from '../../lib/k8s';
import { synthApp } from '../k8s/helpers';

const SPEC: PlatformSpec = {
  name: 'cnai',
  environment: 'test',
  region: 'us-west-2',
  accountId: '123456789012',
  availabilityZones: ['us-west-2a', 'us-west-2b'],
  gpuPools: [{ name: 'a10g', instanceTypes: [GpuInstanceType.G5_2XLARGE], maxNodes: 2 }],
  teams: [{ name: 'apps', quotas: [{ pool: 'a10g', gpus: 2 }] }],
  models: [{ name: 'chat', team: 'apps', model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, pools: ['a10g'], maxModelLen: 8192, maxReplicas: 2 }],
  kubeflow: false,
};
const METRICS: MetricsBackendSpec = {
  managedPrometheus: {},
  managedGrafana: { identityCenter: { adminGroupIds: ['9067c4b5-1021-70e2-2b7c-4ae1c8b1e2a4'] } },
};

const MANAGED: PlatformSpec = { ...SPEC, metrics: METRICS };
const stack = CnaiAwsStack.fromSpec(Testing.app(), 'cnai', MANAGED);
const tf = JSON.parse(Testing.synth(stack));
const contract = previewContract(stack);
const objects: any[] = synthK8s(contract);

function synthK8s(c: PlatformContract, metrics: MetricsBackendSpec = METRICS): any[] {
  const app = new App();
  new CnaiPlatform(app, 'cnai', { spec: { ...SPEC, metrics }, contract: c });
  return synthApp(app);
}

const tfConfigs = (type: string): any[] => Object.values(tf.resource?.[type] ?? {});
const application = (name: string) => objects.find((o) => o.kind === 'Application' && o.metadata.name === name);
const provided = (release: string) => JSON.parse(application(release).metadata.annotations[PROVIDES_ANNOTATION]);
const workspaceId = Object.keys(tf.resource.aws_prometheus_workspace)[0];
const ID = `\${aws_prometheus_workspace.${workspaceId}.id}`;

describe('managed metrics: the two layers agree', () => {
  test('the Pod Identity associations name the service accounts the charts give Prometheus and KEDA\'s operator', () => {
    const associations = tfConfigs('aws_eks_pod_identity_association').map((a) => `${a.namespace}/${a.service_account}`);
    const prometheus = provided('kube-prometheus-stack').workloads.find((w: any) => w.podLabels['app.kubernetes.io/name'] === 'prometheus');
    const keda = provided('keda').workloads.find((w: any) => w.name === 'keda-operator');
    expect(`${prometheus.namespace}/${prometheus.serviceAccount}`).toBe('monitoring/kube-prometheus-stack-prometheus');
    expect(`${keda.namespace ?? application('keda').spec.destination.namespace}/${keda.serviceAccount}`).toBe('keda/keda-operator');
    expect(associations).toEqual(expect.arrayContaining(['monitoring/kube-prometheus-stack-prometheus', 'keda/keda-operator']));
  });

  test('Prometheus writes to the workspace the AWS layer created: the URL is the Terraform output\'s, with the id known after apply', () => {
    const output = tf.output.platform_contract.value.metrics.managedPrometheus;
    expect(output).toEqual({
      workspaceId: ID, region: 'us-west-2', remoteWriteUrl: ManagedPrometheusEndpoints.remoteWriteUrl('us-west-2', ID), queryUrl: ManagedPrometheusEndpoints.queryUrl('us-west-2', ID),
    });
    const remoteWrite = application('kube-prometheus-stack').spec.source.helm.valuesObject.prometheus.prometheusSpec.remoteWrite;
    expect(remoteWrite).toEqual([expect.objectContaining({
      url: output.remoteWriteUrl.replace(ID, PENDING_APPLY), sigv4: { region: output.region },
    })]);
    expect(remoteWrite[0].url).toBe('https://aps-workspaces.us-west-2.amazonaws.com/workspaces/pending-apply/api/v1/remote_write');
  });

  test('every ScaledObject queries that workspace with KEDA\'s pod identity, and KEDA\'s role may query exactly it', () => {
    const scaled = objects.filter((o) => o.kind === 'ScaledObject');
    expect(scaled.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['apps/chat']);
    for (const so of scaled) {
      for (const t of so.spec.triggers) {
        expect(t.metadata).toMatchObject({ serverAddress: contract.metrics!.managedPrometheus!.queryUrl, awsRegion: 'us-west-2' });
        const auth = objects.find((o) => o.kind === 'TriggerAuthentication' && o.metadata.namespace === so.metadata.namespace && o.metadata.name === t.authenticationRef.name);
        expect(auth.spec.podIdentity).toEqual({ provider: 'aws', identityOwner: 'keda' });
      }
    }
    const kedaRole = Object.entries<any>(tf.resource.aws_iam_role).find(([, r]) => r.name === 'cnai-test-keda-operator')![0];
    const policy = tfConfigs('aws_iam_role_policy').find((p) => p.role === `\${aws_iam_role.${kedaRole}.id}`);
    const doc = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(policy.policy)![1];
    expect(tf.data.aws_iam_policy_document[doc].statement).toEqual([
      { sid: 'ManagedPrometheusQuery0', effect: 'Allow', actions: ['aps:QueryMetrics'], resources: [`arn:aws:aps:us-west-2:123456789012:workspace/${ID}`] },
    ]);
  });

  test('Grafana\'s admin Secret is copied from the secret the AWS layer generates, under the keys it writes', () => {
    const es = objects.find((o) => o.kind === 'ExternalSecret' && o.metadata.namespace === 'monitoring' && o.metadata.name === 'grafana-admin');
    const secret = tfConfigs('aws_secretsmanager_secret').find((x) => x.name === 'cnai-test/grafana-admin');
    expect(secret).toBeDefined();
    expect(es.spec.data.map((d: any) => d.remoteRef.key)).toEqual(['cnai-test/grafana-admin', 'cnai-test/grafana-admin']);
    const version = tfConfigs('aws_secretsmanager_secret_version').find((v) => v.secret_string_wo.includes('"admin-user" = "admin"'));
    const written = [...version.secret_string_wo.matchAll(/"([a-z-]+)" =/g)].map((m: RegExpMatchArray) => m[1]);
    expect(es.spec.data.map((d: any) => d.remoteRef.property).sort()).toEqual(written.sort());
    const grafana = application('kube-prometheus-stack').spec.source.helm.valuesObject.grafana.admin;
    expect([grafana.existingSecret, grafana.userKey, grafana.passwordKey])
      .toEqual([es.spec.target.name, ...es.spec.data.map((d: any) => d.secretKey)]);
    // The External Secrets controller's role may read it.
    expect(tfConfigs('aws_eks_pod_identity_association').map((a) => `${a.namespace}/${a.service_account}`)).toContain('external-secrets/external-secrets');
  });

  test('after apply the manifests carry the workspace id and nothing pending', () => {
    const c = previewContract(stack);
    const id = 'ws-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
    const applied: PlatformContract = {
      ...c,
      database: c.database && { ...c.database, host: 'db.c1a2b3.us-west-2.rds.amazonaws.com', masterSecretArn: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-1' },
      metrics: {
        ...c.metrics!,
        managedPrometheus: {
          ...c.metrics!.managedPrometheus!,
          workspaceId: id,
          remoteWriteUrl: ManagedPrometheusEndpoints.remoteWriteUrl('us-west-2', id),
          queryUrl: ManagedPrometheusEndpoints.queryUrl('us-west-2', id),
        },
      },
    };
    const text = JSON.stringify(synthK8s(applied));
    expect(text).not.toContain(PENDING_APPLY);
    expect(text).toContain(`https://aps-workspaces.us-west-2.amazonaws.com/workspaces/${id}/api/v1/remote_write`);
  });

  describe('errors', () => {
    test('KEDA asked to query the workspace, and the contract has no KEDA identity', () => {
      const withoutKeda = { ...contract, workloadIdentities: contract.workloadIdentities.filter((w) => w.namespace !== 'keda') };
      expect(() => synthK8s(withoutKeda)).toThrow(/KubePrometheusStack.fromContract: invalid kedaQueriesManagedPrometheus = true: the contract has no workload identity for keda\/keda-operator/);
      // Without KEDA queries in the metrics section, KEDA keeps querying the in-cluster Prometheus.
      const local = synthK8s(withoutKeda, { managedPrometheus: { kedaQueries: false } });
      expect(local.filter((o) => o.kind === 'TriggerAuthentication')).toEqual([]);
    });

    test('the metrics section asks for a workspace the contract does not have', () => {
      const { metrics: _, ...withoutMetrics } = contract;
      expect(() => synthK8s(withoutMetrics)).toThrow('cnai: invalid contract.metrics.managedPrometheus = undefined: spec.metrics.managedPrometheus is set, and the contract '
        + 'has no managed Prometheus workspace. Fix: synthesize the AWS layer (CnaiAwsStack.fromSpec) and this chart from the same spec, and take the contract from that stack.');
    });

    test('the metrics section asks for a workspace without observability', () => {
      expect(() => { const app = new App(); new CnaiPlatform(app, 'cnai', { spec: { ...MANAGED, observability: false }, contract }); })
        .toThrow(/spec cnai: invalid metrics.managedPrometheus = \{\}: the managed Prometheus workspace is part of observability, and observability is off/);
    });
  });
});
