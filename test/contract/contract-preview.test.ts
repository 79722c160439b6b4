/**
 * The Kubernetes layer's contract preview (ContractPreview, lib/core) equals the preview of the
 * AWS layer built from the same spec (previewContract(CnaiAwsStack.fromSpec(...)), lib/aws), for
 * the reference platform, every example and the options that change the contract. The
 * Kubernetes layer can then be synthesized without building or loading the AWS layer.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { benchSpec } from '../../bench/spec-generator';
import { buildFineTuneAws } from '../../examples/fine-tune/aws';
import { FINE_TUNE_SPEC } from '../../examples/fine-tune/spec';
import { buildK8sPlatformAws } from '../../examples/k8s-platform/aws';
import { K8S_PLATFORM_AWS, K8S_PLATFORM_SPEC } from '../../examples/k8s-platform/spec';
import { buildLlmServingAws } from '../../examples/llm-serving/aws';
import { LLM_SERVING_AWS, LLM_SERVING_SPEC } from '../../examples/llm-serving/spec';
import { buildObservabilityAws } from '../../examples/observability/aws';
import { OBSERVABILITY_SPEC } from '../../examples/observability/spec';
import { buildPredictiveAws } from '../../examples/predictive/aws';
import { PREDICTIVE_SPEC } from '../../examples/predictive/spec';
import { buildRagAws } from '../../examples/rag/aws';
import { RAG_AWS, RAG_SPEC } from '../../examples/rag/spec';
import { buildReferenceAws } from '../../examples/reference-platform/aws-layer';
import { REFERENCE_SPEC } from '../../examples/reference-platform/spec';
import { CnaiAwsStack, previewContract } from '../../lib/aws';
import {
  APPLIED_CONTRACT_FILE, CapacityReservationKind, CnaiValidationError, ContractPreview, ContractPreviewOptions, GpuInstanceType, ModelPresets,
  ModelRegistryKind, PlatformContract, PlatformSpec, PoolCapacity, ServedModelBackend, VectorEngine,
} from '../../lib/core';

/** The preview of the AWS layer `build` makes, as the AWS layer computes it. */
function awsPreview(build: (app: App) => CnaiAwsStack): PlatformContract {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-preview-'));
  try {
    // Through JSON, as the contract travels (no undefined members, no class instances).
    return JSON.parse(JSON.stringify(previewContract(build(new App({ outdir })))));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const json = (c: PlatformContract) => JSON.parse(JSON.stringify(c));

describe('ContractPreview.fromSpec equals the AWS layer\'s preview', () => {
  test.each([
    ['reference-platform', REFERENCE_SPEC, {}, (app: App) => buildReferenceAws(app)],
    ['rag', RAG_SPEC, RAG_AWS, (app: App) => buildRagAws(app)],
    ['fine-tune', FINE_TUNE_SPEC, {}, (app: App) => buildFineTuneAws(app)],
    ['k8s-platform', K8S_PLATFORM_SPEC, K8S_PLATFORM_AWS, (app: App) => buildK8sPlatformAws(app)],
    ['llm-serving', LLM_SERVING_SPEC, LLM_SERVING_AWS, (app: App) => buildLlmServingAws(app)],
    ['observability', OBSERVABILITY_SPEC, {}, (app: App) => buildObservabilityAws(app)],
    ['predictive', PREDICTIVE_SPEC, {}, (app: App) => buildPredictiveAws(app)],
  ] as Array<[string, PlatformSpec, ContractPreviewOptions, (app: App) => CnaiAwsStack]>)('examples/%s', (_name, spec, options, build) => {
    expect(json(ContractPreview.fromSpec(spec, options))).toEqual(awsPreview(build));
  });

  test('the benchmark\'s platform of 100 served models', () => {
    const spec = benchSpec(100);
    expect(json(ContractPreview.fromSpec(spec))).toEqual(awsPreview((app) => CnaiAwsStack.fromSpec(app, 'bench', spec)));
  });

  const SPEC: PlatformSpec = {
    name: 'shop',
    environment: 'stage',
    region: 'eu-central-1',
    accountId: '111122223333',
    availabilityZones: ['eu-central-1a', 'eu-central-1b'],
    kubernetesVersion: '1.35',
    gpuPools: [
      { name: 'l4', instanceTypes: [GpuInstanceType.G6_XLARGE, GpuInstanceType.G6_12XLARGE], capacity: PoolCapacity.SPOT, maxNodes: 3 },
      {
        name: 'h100',
        instanceTypes: [GpuInstanceType.P5_48XLARGE],
        maxNodes: 1,
        efa: true,
        capacityReservation: { kind: CapacityReservationKind.CAPACITY_BLOCK, reservationId: 'cr-0123456789abcdef0' },
      },
    ],
    teams: [{ name: 'search', quotas: [{ pool: 'l4', gpus: 3 }, { pool: 'h100', gpus: 8 }] }],
    models: [{ name: 'embed', team: 'search', model: ModelPresets.BGE_LARGE_EN_V1_5, pools: ['l4'], backend: ServedModelBackend.KSERVE, monitorDrift: true }],
    vectorDatabase: { engine: VectorEngine.PGVECTOR, expectedVectors: 1000, dimension: 1024 },
    modelRegistry: ModelRegistryKind.KUBEFLOW,
  };
  const OPTIONS: ContractPreviewOptions = {
    karpenter: { namespace: 'nodes', serviceAccount: 'provisioner', interruptionHandling: false },
    systemNodePool: { name: 'platform', instanceTypes: ['m6i.large', 'm7i.large'], maxSize: 3, dedicated: true },
    databaseOptions: { databaseName: 'vectors', username: 'shop_admin' },
    workloadIdentities: [{ namespace: 'search', serviceAccount: 'indexer' }, { namespace: 'search', serviceAccount: 'api', purpose: 'search-api' }],
  };

  test('with the options that change the contract: Karpenter, system pool, database names, identities added by the app', () => {
    const aws = awsPreview((app) => {
      const stack = CnaiAwsStack.fromSpec(app, 'shop', SPEC, {
        karpenter: OPTIONS.karpenter, systemNodePool: OPTIONS.systemNodePool, databaseOptions: OPTIONS.databaseOptions,
      });
      for (const w of OPTIONS.workloadIdentities!) stack.addWorkloadIdentity(`${w.namespace}-${w.serviceAccount}`, w);
      return stack;
    });
    expect(json(ContractPreview.fromSpec(SPEC, OPTIONS))).toEqual(aws);
  });

  test('with the metrics section: the managed Prometheus workspace (pending until apply), its identities, Grafana\'s secret', () => {
    const managed: PlatformSpec = { ...SPEC, metrics: { managedPrometheus: { kedaQueries: false } } };
    expect(json(ContractPreview.fromSpec(managed))).toEqual(awsPreview((app) => CnaiAwsStack.fromSpec(app, 'shop', managed)));
    const c = ContractPreview.fromSpec({ ...SPEC, metrics: { managedPrometheus: {} } });
    expect(c.metrics).toEqual({
      grafanaAdminSecretName: 'shop-stage/grafana-admin',
      managedPrometheus: {
        workspaceId: 'pending-apply',
        region: 'eu-central-1',
        remoteWriteUrl: 'https://aps-workspaces.eu-central-1.amazonaws.com/workspaces/pending-apply/api/v1/remote_write',
        queryUrl: 'https://aps-workspaces.eu-central-1.amazonaws.com/workspaces/pending-apply',
      },
    });
    // After the data services' identities, before the spec's workloads, as the AWS layer adds them.
    expect(c.workloadIdentities.map((w) => `${w.namespace}/${w.serviceAccount} ${w.roleName}`).slice(0, 4)).toEqual([
      'external-secrets/external-secrets shop-stage-external-secrets',
      'monitoring/kube-prometheus-stack-prometheus shop-stage-prometheus-remote-write',
      'keda/keda-operator shop-stage-keda-operator',
      'search/embed shop-stage-serve-embed',
    ]);
    // Without the section: Grafana's generated admin secret only.
    expect(ContractPreview.fromSpec(SPEC).metrics).toEqual({ grafanaAdminSecretName: 'shop-stage/grafana-admin' });
  });

  test('pgvector without MLflow, capacity blocks, mixed GPU counts, a dedicated system pool: the values the layers share', () => {
    const c = ContractPreview.fromSpec(SPEC, OPTIONS);
    expect(c.clusterName).toBe('shop-stage');
    expect(c.kubernetesVersion).toBe('1.35');
    expect(c.vpcCidr).toBe('10.0.0.0/16');
    expect(c.buckets).toEqual({ models: 'shop-stage-models-111122223333-eu-central-1', datasets: 'shop-stage-datasets-111122223333-eu-central-1' });
    expect(c.ecrRepositories).toEqual({ serving: '111122223333.dkr.ecr.eu-central-1.amazonaws.com/shop-stage/serving' });
    expect(c.database).toEqual({
      host: 'shop-stage-postgres.pending-apply.invalid',
      port: 5432,
      databaseName: 'vectors',
      username: 'shop_admin',
      masterSecretArn: 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:pending-apply-shop-stage-postgres',
    });
    expect(c.karpenter).toEqual({ namespace: 'nodes', serviceAccount: 'provisioner', nodeRoleName: 'shop-stage-karpenter-node' });
    expect(c.nodePools).toEqual([
      {
        name: 'platform',
        provisioner: 'managed-node-group',
        instanceTypes: ['m6i.large', 'm7i.large'],
        labels: { 'cnai.io/pool': 'platform', 'cnai.io/accelerator-family': 'cpu', 'eks.amazonaws.com/capacityType': 'ON_DEMAND' },
        taints: [{ key: 'CriticalAddonsOnly', value: 'true', effect: 'NoSchedule' }],
        gpusPerNode: 0,
        gpuMemoryGiB: 0,
        efa: false,
        maxNodes: 3,
      },
      {
        // g6.xlarge has 1 GPU, g6.12xlarge 4: no count label.
        name: 'l4',
        provisioner: 'managed-node-group',
        instanceTypes: ['g6.xlarge', 'g6.12xlarge'],
        labels: { 'cnai.io/pool': 'l4', 'cnai.io/accelerator-family': 'g6', 'nvidia.com/gpu.product': 'NVIDIA-L4', 'eks.amazonaws.com/capacityType': 'SPOT' },
        taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }],
        gpusPerNode: 1,
        gpuMemoryGiB: 24,
        efa: false,
        maxNodes: 3,
      },
      {
        name: 'h100',
        provisioner: 'managed-node-group',
        instanceTypes: ['p5.48xlarge'],
        labels: {
          'cnai.io/pool': 'h100',
          'cnai.io/accelerator-family': 'p5',
          'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3',
          'nvidia.com/gpu.count': '8',
          'eks.amazonaws.com/capacityType': 'CAPACITY_BLOCK',
        },
        taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }],
        gpusPerNode: 8,
        gpuMemoryGiB: 80,
        efa: true,
        maxNodes: 1,
      },
    ]);
    expect(c.workloadIdentities.map((w) => `${w.namespace}/${w.serviceAccount} ${w.roleName}`)).toEqual([
      'nodes/provisioner shop-stage-karpenter-controller',
      'external-secrets/external-secrets shop-stage-external-secrets',
      'search/embed shop-stage-serve-embed',
      'search/ml-training shop-stage-training-search',
      'observability/otel-collector shop-stage-telemetry-collector',
      'search/indexer shop-stage-search-indexer',
      'search/api shop-stage-search-api',
    ]);
    expect(ContractPreview.isPreview(c)).toBe(true);
  });

  test('the reference platform: MLflow, Qdrant snapshots, one identity per served model and team', () => {
    const c = ContractPreview.fromSpec(REFERENCE_SPEC);
    expect(c.workloadIdentities.map((w) => `${w.namespace}/${w.serviceAccount} ${w.roleName}`)).toEqual([
      'external-secrets/external-secrets cnai-prod-external-secrets',
      'mlflow/mlflow cnai-prod-model-registry',
      'knowledge/knowledge-snapshots cnai-prod-vector-snapshots-knowledge-knowledge',
      'ai-apps/chat cnai-prod-serve-chat',
      'ai-apps/embed cnai-prod-serve-embed',
      'ai-apps/ml-training cnai-prod-training-ai-apps',
      'ml-research/ml-training cnai-prod-training-ml-research',
      'observability/otel-collector cnai-prod-telemetry-collector',
      // The gateway's internal NLB: the AWS Load Balancer Controller.
      'aws-load-balancer-controller/aws-load-balancer-controller cnai-prod-load-balancer-controller',
    ]);
    expect(c.nodePools.map((p) => `${p.name} ${p.labels['eks.amazonaws.com/capacityType']} ${p.maxNodes}`))
      .toEqual(['system ON_DEMAND 6', 'inference-l40s SPOT 6', 'shared-a10g ON_DEMAND 4', 'training-h100 ON_DEMAND 2']);
    expect(c.karpenter).toBeUndefined();
    expect(c.database!.host).toBe('cnai-prod-postgres.pending-apply.invalid');
  });
});

describe('a predictive model of the spec', () => {
  test('gets an identity with read access to its prefix of the models bucket, on both layers', () => {
    const c = ContractPreview.fromSpec(PREDICTIVE_SPEC);
    const churn = c.workloadIdentities.find((w) => w.serviceAccount === 'churn');
    expect(churn).toMatchObject({ namespace: 'team-growth', serviceAccount: 'churn', roleName: 'cnai-dev-serve-churn' });
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-predictive-')) });
    const documents = JSON.parse(JSON.stringify(buildPredictiveAws(app).toTerraform())).data.aws_iam_policy_document;
    const grant = Object.entries(documents).find(([k]) => k.startsWith('cluster_serve-churn_permissions'))![1] as any;
    expect(grant.statement.map((st: any) => [st.actions, st.resources, st.condition?.[0]?.values])).toEqual([
      [['s3:ListBucket'], ['${aws_s3_bucket.model-store_models_bucket_15AD4A5A.arn}'], ['served/churn/*']],
      [['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes'], ['${aws_s3_bucket.model-store_models_bucket_15AD4A5A.arn}/served/churn/*'], undefined],
      [['kms:Decrypt'], ['${aws_kms_key.model-store_key_1E14ABE3.arn}'], undefined],
    ]);
  });
});

describe('ContractPreview errors', () => {
  test('an invalid spec is refused as a whole, as by the AWS layer', () => {
    expect(() => ContractPreview.fromSpec({ ...REFERENCE_SPEC, environment: 'Prod', teams: [{ name: 'x', quotas: [{ pool: 'nope', gpus: 1 }] }] }))
      .toThrow(CnaiValidationError);
  });

  test('an identity the app adds for a service account that already has one', () => {
    expect(() => ContractPreview.fromSpec(REFERENCE_SPEC, { workloadIdentities: [{ namespace: 'ai-apps', serviceAccount: 'chat', purpose: 'chat-again' }] }))
      .toThrow('spec cnai: invalid workloadIdentities[0].serviceAccount = "ai-apps/chat": already bound to the role cnai-prod-serve-chat; '
        + 'a service account has one Pod Identity association. Fix: grant the other identity instead of adding a second one.');
  });

  test('a name the AWS layer would refuse', () => {
    expect(() => ContractPreview.fromSpec(REFERENCE_SPEC, { workloadIdentities: [{ namespace: 'Apps', serviceAccount: 'x' }] }))
      .toThrow(/^spec cnai: invalid workloadIdentities\[0\]\.namespace = "Apps": not a valid DNS-1123 label/);
  });
});

describe('ContractPreview.appliedOrPreview', () => {
  test('reads the applied contract when the folder holds platform-contract.json, else derives the preview', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-applied-'));
    try {
      const preview = ContractPreview.appliedOrPreview(dir, REFERENCE_SPEC);
      expect(preview).toEqual(ContractPreview.fromSpec(REFERENCE_SPEC));
      const applied = {
        ...preview,
        database: { ...preview.database!, host: 'cnai-prod-postgres.c1a2b3.us-west-2.rds.amazonaws.com', masterSecretArn: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-1-AbCdEf' },
        loadBalancerController: { ...preview.loadBalancerController!, vpcId: 'vpc-0a1b2c3d4e5f60718' },
      };
      fs.writeFileSync(path.join(dir, APPLIED_CONTRACT_FILE), JSON.stringify(applied));
      const read = ContractPreview.appliedOrPreview(dir, REFERENCE_SPEC);
      expect(read.database!.host).toBe('cnai-prod-postgres.c1a2b3.us-west-2.rds.amazonaws.com');
      expect(ContractPreview.isPreview(read)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('error: an applied contract the spec has moved away from (a pool renamed since the apply)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-applied-'));
    try {
      const preview = ContractPreview.fromSpec(REFERENCE_SPEC);
      const stale = { ...preview, nodePools: preview.nodePools.map((p) => (p.name === 'shared-a10g' ? { ...p, name: 'a10g-old' } : p)) };
      const file = path.join(dir, APPLIED_CONTRACT_FILE);
      fs.writeFileSync(file, JSON.stringify(stale));
      expect(() => ContractPreview.appliedOrPreview(dir, REFERENCE_SPEC)).toThrow(
        `spec cnai: invalid spec.gpuPools[1].name = "shared-a10g": the contract has no node pool of this name. Fix: ${file} does not come from this spec: `
        + 'if the spec changed since the AWS layer was applied, apply it again (terraform apply) and re-export the contract');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
