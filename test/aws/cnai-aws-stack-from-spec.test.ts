import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PrometheusWorkspace } from '@cdktf/provider-aws/lib/prometheus-workspace';
import { App, Testing } from 'cdktf';
import { configs, only, policyStatements, tfJson } from './util';
import { APPLIED_CONTRACT_FILE, appliedOrPreviewContract, CnaiAwsStack, isPreviewContract, previewContract } from '../../lib/aws';
import {
  CapacityReservationKind, CnaiValidationError, GpuInstanceType, ModelPresets, ModelRegistryKind, PlatformSpec, PoolCapacity, RetentionPolicy,
  VectorEngine,
} from '../../lib/core';
import { expectStackToPlan } from '../util/terraform';

const SPEC: PlatformSpec = {
  name: 'cnai',
  environment: 'test',
  region: 'us-west-2',
  accountId: '123456789012',
  availabilityZones: ['us-west-2a', 'us-west-2b'],
  gpuPools: [
    { name: 'l40s', instanceTypes: [GpuInstanceType.G6E_XLARGE], capacity: PoolCapacity.SPOT, maxNodes: 4 },
    { name: 'h100', instanceTypes: [GpuInstanceType.P5_48XLARGE], maxNodes: 2, efa: true },
  ],
  teams: [{ name: 'apps', quotas: [{ pool: 'l40s', gpus: 4 }, { pool: 'h100', gpus: 8 }] }],
  models: [{ name: 'chat', team: 'apps', model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, pools: ['l40s'], maxModelLen: 8192 }],
  vectorDatabase: { name: 'vectors', expectedVectors: 1000, dimension: 1024 },
};

function synthSpec(spec: PlatformSpec): { stack: CnaiAwsStack; json: any } {
  const stack = CnaiAwsStack.fromSpec(Testing.app(), 'spec', spec);
  return { stack, json: JSON.parse(Testing.synth(stack)) };
}

/** The grants of the role of one Pod Identity association. */
function grantsOf(json: any, namespace: string, serviceAccount: string): any[] {
  const association = configs(json, 'aws_eks_pod_identity_association').find((a) => a.namespace === namespace && a.service_account === serviceAccount);
  expect(association).toBeDefined();
  const roleRef = /aws_iam_role\.([^.]+)\.arn/.exec(association.role_arn)![1];
  const policy = Object.entries(json.resource.aws_iam_role_policy).map(([, p]: [string, any]) => p).find((p) => p.role.includes(`aws_iam_role.${roleRef}.`));
  return policy ? policyStatements(json, policy.policy) : [];
}

describe('CnaiAwsStack.fromSpec', () => {
  const { stack, json } = synthSpec(SPEC);

  test('one managed node group per GPU pool, with the capacity type, sizes and EFA of the spec', () => {
    const groups = configs(json, 'aws_eks_node_group').filter((g) => g.labels['cnai.io/pool'] !== 'system');
    const rows = groups.map((g) => [g.labels['cnai.io/pool'], g.capacity_type, g.scaling_config.min_size, g.scaling_config.max_size]);
    expect(rows.sort()).toEqual([
      ['h100', 'ON_DEMAND', 0, 2],
      ['l40s', 'SPOT', 0, 4],
    ]);
    // The EFA pool sits in one zone with a cluster placement group.
    expect(configs(json, 'aws_placement_group')).toHaveLength(1);
  });

  test('served models read only their own prefix; training reads datasets and writes its own prefixes', () => {
    const chat = grantsOf(json, 'apps', 'chat');
    const objects = chat.flatMap((s) => s.resources).filter((r: string) => r.includes('/'));
    expect(objects).toEqual([expect.stringMatching(/models_bucket_[0-9A-F]+\.arn\}\/served\/chat\/\*$/)]);
    expect(chat.flatMap((s) => s.actions)).not.toContain('s3:PutObject');

    const training = grantsOf(json, 'apps', 'ml-training');
    const writes = training.filter((s) => s.actions.includes('s3:PutObject')).flatMap((s) => s.resources);
    expect(writes.sort()).toEqual([
      expect.stringMatching(/datasets_bucket_[0-9A-F]+\.arn\}\/prepared\/apps\/\*$/),
      expect.stringMatching(/models_bucket_[0-9A-F]+\.arn\}\/training\/apps\/\*$/),
    ]);
  });

  test('the collector may write to X-Ray and nothing else', () => {
    const statements = grantsOf(json, 'observability', 'otel-collector');
    expect(statements.flatMap((s) => s.actions).sort()).toEqual(['xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  test('data services: the registry, the vector snapshots and External Secrets get their identities; the database is there for MLflow', () => {
    const associations = configs(json, 'aws_eks_pod_identity_association').map((a) => `${a.namespace}/${a.service_account}`).sort();
    expect(associations).toEqual([
      'apps/chat', 'apps/ml-training', 'external-secrets/external-secrets', 'mlflow/mlflow', 'observability/otel-collector', 'vectors/vectors-snapshots',
    ]);
    expect(configs(json, 'aws_db_instance')).toHaveLength(1);
  });

  test('the Kubeflow Model Registry keeps its metadata in the database too; without Kubeflow and observability, no training or collector identity', () => {
    const kubeflowRegistry = { ...SPEC, modelRegistry: ModelRegistryKind.KUBEFLOW };
    const { json: small } = synthSpec({ ...kubeflowRegistry, kubeflow: false, observability: false, vectorDatabase: undefined });
    expect(configs(small, 'aws_db_instance')).toHaveLength(1);
    expect(configs(small, 'aws_eks_pod_identity_association').map((a) => `${a.namespace}/${a.service_account}`).sort())
      .toEqual(['apps/chat', 'external-secrets/external-secrets']);
    const { json: pg } = synthSpec({ ...kubeflowRegistry, vectorDatabase: { ...SPEC.vectorDatabase!, engine: VectorEngine.PGVECTOR } });
    expect(configs(pg, 'aws_db_instance')).toHaveLength(1);
  });

  test('previewContract: real names, marked apply-time values', () => {
    const c = previewContract(stack);
    expect(isPreviewContract(c)).toBe(true);
    expect(c.clusterName).toBe('cnai-test');
    expect(c.database!.host).toBe('cnai-test-postgres.pending-apply.invalid');
    expect(c.ecrRepositories!.serving).toBe('123456789012.dkr.ecr.us-west-2.amazonaws.com/cnai-test/serving');
    expect(c.nodePools.map((p) => p.name)).toEqual(['system', 'l40s', 'h100']);
  });

  test('Grafana\'s admin secret with every platform (Grafana always runs); the managed workspaces only with the metrics option', () => {
    expect(stack.contract().metrics).toEqual({ grafanaAdminSecretName: 'cnai-test/grafana-admin' });
    expect(configs(json, 'aws_secretsmanager_secret').map((x) => x.name).sort()).toEqual(['cnai-test/grafana-admin', 'cnai-test/model-registry', 'cnai-test/vector-db/vectors/vectors']);
    expect(tfJson(json)).not.toHaveResource(PrometheusWorkspace);
    const managed = CnaiAwsStack.fromSpec(Testing.app(), 'spec', {
      ...SPEC, metrics: { managedPrometheus: {}, managedGrafana: { identityCenter: { adminGroupIds: ['9067c4b5-1021-70e2-2b7c-4ae1c8b1e2a4'] } } },
    });
    const mjson = JSON.parse(Testing.synth(managed));
    expect(configs(mjson, 'aws_prometheus_workspace')).toHaveLength(1);
    expect(configs(mjson, 'aws_grafana_workspace')).toHaveLength(1);
    expect(configs(mjson, 'aws_eks_pod_identity_association').map((a) => `${a.namespace}/${a.service_account}`))
      .toEqual(expect.arrayContaining(['monitoring/kube-prometheus-stack-prometheus', 'keda/keda-operator']));
    expect(managed.contract().metrics!.managedPrometheus!.region).toBe('us-west-2');
  });

  test('error: the managed Prometheus workspace asked for without observability', () => {
    expect(() => CnaiAwsStack.fromSpec(Testing.app(), 'spec', { ...SPEC, observability: false, metrics: { managedPrometheus: {} } }))
      .toThrow('spec cnai: invalid metrics.managedPrometheus = {}: the managed Prometheus workspace is part of observability, and observability is off. '
        + 'Fix: turn observability on, or leave metrics.managedPrometheus out.');
  });

  test('an invalid spec is refused as a whole before anything is built', () => {
    expect(() => synthSpec({ ...SPEC, environment: 'Test', teams: [{ name: 'apps', quotas: [{ pool: 'nope', gpus: 1 }] }] })).toThrow(CnaiValidationError);
  });
});

describe('appliedOrPreviewContract', () => {
  test('reads the applied contract when the folder holds platform-contract.json, else previews the stack', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-applied-'));
    try {
      let built = 0;
      const build = (app: App) => {
        built++;
        return CnaiAwsStack.fromSpec(app, 'spec', SPEC);
      };
      const preview = appliedOrPreviewContract(dir, build);
      expect(built).toBe(1);
      expect(isPreviewContract(preview)).toBe(true);

      const applied = { ...preview, database: { ...preview.database!, host: 'db.c1a2b3.us-west-2.rds.amazonaws.com' } };
      fs.writeFileSync(path.join(dir, APPLIED_CONTRACT_FILE), JSON.stringify(applied));
      expect(appliedOrPreviewContract(dir, build)).toEqual(applied);
      expect(built).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('destroy policy', () => {
    test('prod retains: protected buckets, database with deletion protection and final snapshot, kept images and 30-day secrets; teardown says what to keep out of destroy', () => {
      const { stack, json } = synthSpec({ ...SPEC, environment: 'prod' });
      expect(stack.retention).toEqual({ buckets: 'retain', database: 'retain', containerImages: 'retain', secrets: 'retain' });
      for (const b of configs(json, 'aws_s3_bucket')) expect(b).toMatchObject({ force_destroy: false, lifecycle: { prevent_destroy: true } });
      expect(only(json, 'aws_db_instance')).toMatchObject({ deletion_protection: true, skip_final_snapshot: false, delete_automated_backups: false });
      expect(only(json, 'aws_ecr_repository').force_delete).toBe(false);
      for (const x of configs(json, 'aws_secretsmanager_secret')) expect(x.recovery_window_in_days).toBe(30);
      const out = json.output.teardown.value;
      expect(out.retention).toEqual({ buckets: 'retain', database: 'retain', containerImages: 'retain', secrets: 'retain' });
      expect(out.destroy).toBe('terraform destroy');
      // The buckets, the repository, and the keys that keep them and the final snapshot readable.
      expect(out.keptOutOfDestroy.filter((a: string) => /^aws_(s3_bucket|ecr_repository|kms_key)\./.test(a)).map((a: string) => a.replace(/_[0-9A-F]{8}$/, ''))).toEqual([
        'aws_ecr_repository.model-store_repo-serving_repository', 'aws_kms_key.database_key', 'aws_kms_key.model-store_key',
        'aws_s3_bucket.model-store_access-logs_bucket', 'aws_s3_bucket.model-store_datasets_bucket', 'aws_s3_bucket.model-store_models_bucket',
      ]);
      expect(out.afterDestroy.join('\n')).toMatch(/The access log bucket cnai-prod-logs-123456789012-us-west-2 remains; its logs expire after 365 days\./);
      expect(out.beforeDestroy.join('\n')).toMatch(/terraform state rm .*aws_s3_bucket\.model-store_models_bucket_[0-9A-F]{8}/);
      expect(out.beforeDestroy.join('\n')).toMatch(/aws rds modify-db-instance --db-instance-identifier cnai-prod-postgres --no-deletion-protection --apply-immediately/);
      expect(out.beforeDestroy.join('\n')).toMatch(/Service of type LoadBalancer/);
      expect(out.afterDestroy.join('\n')).toMatch(/The final snapshot and automated backups of cnai-prod-postgres remain, readable with the kept key alias\/cnai-prod-postgres-db/);
      expect(out.afterDestroy.join('\n')).toMatch(/delete-secret --force-delete-without-recovery/);
    });

    test('dev destroys: force-deleted buckets and images, no snapshot, secrets deleted at once, nothing kept out of destroy', () => {
      const { stack, json } = synthSpec({ ...SPEC, environment: 'dev' });
      expect(stack.retention).toEqual({ buckets: 'destroy', database: 'destroy', containerImages: 'destroy', secrets: 'destroy' });
      for (const b of configs(json, 'aws_s3_bucket')) {
        expect(b.force_destroy).toBe(true);
        expect(b.lifecycle).toBeUndefined();
      }
      expect(only(json, 'aws_db_instance')).toMatchObject({ deletion_protection: false, skip_final_snapshot: true, delete_automated_backups: true });
      expect(only(json, 'aws_ecr_repository').force_delete).toBe(true);
      for (const x of configs(json, 'aws_secretsmanager_secret')) expect(x.recovery_window_in_days).toBe(0);
      const out = json.output.teardown.value;
      expect(out.retention).toEqual({ buckets: 'destroy', database: 'destroy', containerImages: 'destroy', secrets: 'destroy' });
      expect(out.keptOutOfDestroy).toEqual([]);
      expect(out.beforeDestroy.join('\n')).not.toMatch(/terraform state rm|modify-db-instance/);
      expect(out.beforeDestroy.join('\n')).toMatch(/Service of type LoadBalancer/);
    });

    test('the spec chooses per resource; Karpenter adds its nodes to the steps', () => {
      const { stack, json } = synthSpec({ ...SPEC, environment: 'dev', retention: { buckets: RetentionPolicy.RETAIN } });
      expect(stack.retention).toEqual({ buckets: 'retain', database: 'destroy', containerImages: 'destroy', secrets: 'destroy' });
      expect(configs(json, 'aws_s3_bucket').every((b) => b.lifecycle?.prevent_destroy === true)).toBe(true);
      const withKarpenter = CnaiAwsStack.fromSpec(Testing.app(), 'k', SPEC, { karpenter: {} }).teardown();
      expect(withKarpenter.beforeDestroy.join('\n')).toMatch(/Delete Karpenter's NodePools \(kubectl delete nodepools --all\)/);
    });
  });

  test('a dev platform with a capacity-block H100 pool and generated credentials plans offline with the real provider', () => {
    const spec: PlatformSpec = {
      ...SPEC,
      environment: 'dev',
      adminPrincipalArns: ['arn:aws:iam::123456789012:role/platform-admins'],
      gpuPools: [SPEC.gpuPools[0], { ...SPEC.gpuPools[1], capacityReservation: { kind: CapacityReservationKind.CAPACITY_BLOCK, reservationId: 'cr-0123456789abcdef0' } }],
    };
    const result = expectStackToPlan(CnaiAwsStack.fromSpec(Testing.app(), 'spec', spec));
    // Generated values: MLflow's, Qdrant's and Grafana's admin credentials.
    expect(result.plannedResourcesByType).toMatchObject({ aws_eks_node_group: 3, aws_secretsmanager_secret_version: 3, aws_cloudwatch_log_group: 4 });
  }, 300_000);
});
