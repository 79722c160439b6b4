/**
 * The contract test: the two layers of the reference platform, synthesized from one spec,
 * agree with each other. Read from the synthesized output itself (Terraform JSON and
 * Kubernetes YAML), not from the objects that produced it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App as CdktfApp } from 'cdktf';
import * as YAML from 'yaml';
import { buildReferenceAws, buildReferenceK8s, k8sApp, STACK_NAME } from '../../examples/reference-platform/main';
import { REFERENCE_SPEC } from '../../examples/reference-platform/spec';
import { CnaiAwsStack, isPreviewContract, PENDING_APPLY, previewContract } from '../../lib/aws';
import { NODE_LABELS, PlatformContract, poolGpuCapacity } from '../../lib/core';
import { CnaiPlatform } from '../../lib/k8s';
import { assertValidManifests } from '../../lib/verify/k8s';
import { clusterAddressesOf, platformFlowsMarkdown, verifyPlatform } from '../../lib/verify/platform/verify-platform';
import { verifyTerraformStack } from '../../lib/verify/terraform';

interface Synth {
  readonly stack: CnaiAwsStack;
  readonly tf: any;
  readonly stackDir: string;
  readonly contract: PlatformContract;
  readonly platform: CnaiPlatform;
  readonly files: string[];
  readonly objects: any[];
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-contract-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function synthesize(contractOf: (stack: CnaiAwsStack) => PlatformContract, dir: string): Synth {
  fs.mkdirSync(dir, { recursive: true });
  const tfApp = new CdktfApp({ outdir: path.join(dir, 'cdktf.out') });
  const stack = buildReferenceAws(tfApp);
  tfApp.synth();
  const stackDir = path.join(dir, 'cdktf.out', 'stacks', STACK_NAME);
  const tf = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
  const contract = contractOf(stack);
  const app = k8sApp(path.join(dir, 'dist'));
  const platform = buildReferenceK8s(app, contract);
  app.synth();
  const files = fs.readdirSync(path.join(dir, 'dist')).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(dir, 'dist', f));
  const objects = files.flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJS()).filter((o) => o));
  return { stack, tf, stackDir, contract, platform, files, objects };
}

const preview = synthesize(previewContract, path.join(tmp, 'preview'));

const resources = (type: string): any[] => Object.values(preview.tf.resource?.[type] ?? {});
const key = (namespace: string, name: string) => `${namespace}/${name}`;

/** Every pod spec of an object, with the object's namespace (Deployments, StatefulSets, Jobs, CronJobs, InferenceService predictors). */
function podSpecs(objects: any[]): Array<{ owner: any; spec: any; namespace: string }> {
  const out: Array<{ owner: any; spec: any; namespace: string }> = [];
  const walk = (node: any, owner: any) => {
    if (!node || typeof node !== 'object') return;
    if (typeof node.serviceAccountName === 'string' && (Array.isArray(node.containers) || node.model !== undefined)) {
      out.push({ owner, spec: node, namespace: owner.metadata.namespace });
    }
    for (const v of Object.values(node)) walk(v, owner);
  };
  for (const o of objects) walk(o, o);
  return out;
}

/** Whether a pod reaches AWS: an S3 URI or AWS settings in its spec, or an AWS exporter in a ConfigMap it mounts. */
function needsAws(pod: { spec: any; namespace: string }, objects: any[]): boolean {
  const text = JSON.stringify(pod.spec);
  if (text.includes('s3://') || /"AWS_[A-Z_]+"/.test(text)) return true;
  const configMaps = (pod.spec.volumes ?? []).map((v: any) => v.configMap?.name).filter(Boolean);
  return objects.some((o) => o.kind === 'ConfigMap' && o.metadata.namespace === pod.namespace && configMaps.includes(o.metadata.name)
    && /\b(awsxray|awsemf|awss3|sigv4auth)\b/.test(JSON.stringify(o.data ?? {})));
}

describe('reference platform: one spec, two layers that agree', () => {
  test('the AWS layer validates and plans offline with the real provider', () => {
    const result = verifyTerraformStack(preview.stackDir, { plan: true });
    expect(result.validated && result.planned).toBe(true);
    expect(result.plannedResourcesByType).toMatchObject({
      aws_eks_cluster: 1,
      aws_eks_node_group: REFERENCE_SPEC.gpuPools.length + 1,
      // The served models, the teams' training, External Secrets, MLflow, Qdrant's snapshots, the collector, the load balancer controller.
      aws_eks_pod_identity_association: 9,
      aws_db_instance: 1,
      // models, datasets and (prod) their access logs
      aws_s3_bucket: 3,
      aws_s3_bucket_logging: 2,
    });
  });

  test('the platform\'s services and served models run at the platform\'s high priority', () => {
    const priorities = Object.fromEntries(podSpecs(preview.objects)
      .filter((p) => ['mlflow', 'knowledge', 'ai-apps', 'observability'].includes(p.namespace) && p.owner.kind !== 'Job' && p.owner.kind !== 'CronJob')
      .map((p) => [`${p.owner.kind} ${p.namespace}/${p.owner.metadata.name}`, p.spec.priorityClassName]));
    expect(priorities).toEqual({
      'Deployment mlflow/mlflow': 'cnai-high',
      'StatefulSet knowledge/knowledge': 'cnai-high',
      'Deployment ai-apps/chat': 'cnai-high',
      // The chat model's endpoint picker: serving stops balancing without it.
      'Deployment ai-apps/chat-epp': 'cnai-high',
      'InferenceService ai-apps/embed': 'cnai-high',
      'Deployment observability/otel-collector': 'cnai-high',
    });
  });

  test('the manifests are numbered in apply order', () => {
    expect(preview.files.map((f) => path.basename(f))).toEqual([
      '0000-cnai-platform-operators.k8s.yaml', '0001-cnai-platform.k8s.yaml', '0002-cnai-data-services.k8s.yaml',
      '0003-cnai-serving.k8s.yaml', '0004-cnai-gateway.k8s.yaml', '0005-cnai-observability.k8s.yaml',
    ]);
  });

  test('the bootstrap is written next to the charts; its root Application syncs the output in the Applications\' namespace', () => {
    const dir = path.join(tmp, 'preview', 'dist', 'bootstrap');
    expect(fs.readdirSync(dir).sort()).toEqual(['argo-cd-bootstrap.k8s.yaml', 'kustomization.yaml']);
    const bootstrap = YAML.parseAllDocuments(fs.readFileSync(path.join(dir, 'argo-cd-bootstrap.k8s.yaml'), 'utf8')).map((d) => d.toJS());
    const root = YAML.parse(bootstrap.find((o) => o.kind === 'ConfigMap').data['root-application.yaml']);
    expect(root.spec.source).toEqual({
      repoURL: 'https://git.example.com/platform-team/cnai-platform.git',
      targetRevision: 'platform-v1.0.0',
      path: 'examples/reference-platform/dist',
      directory: { recurse: true, exclude: 'bootstrap/*' },
    });
    const namespaces = new Set(preview.objects.filter((o) => o.kind === 'Application').map((o) => o.metadata.namespace));
    expect(namespaces).toEqual(new Set([root.metadata.namespace]));
  });

  test('every Kubernetes object is valid against the schema of its kind', () => {
    const report = assertValidManifests(preview.files.map((file) => ({ file })));
    expect(report.objectsChecked).toBe(preview.objects.length);
    expect(report.objectsPerKind['apps/v1/Deployment']).toBeGreaterThanOrEqual(2);
  });

  test('every service account whose pods reach AWS has a Pod Identity association, and every association has its service account', () => {
    const associations = new Set(resources('aws_eks_pod_identity_association').map((a) => key(a.namespace, a.service_account)));
    const needing = new Set(podSpecs(preview.objects).filter((p) => needsAws(p, preview.objects))
      .map((p) => key(p.namespace, p.spec.serviceAccountName)));
    // The pods that reach AWS in the reference: the chat and embedding servers (weights in
    // S3), MLflow (artifacts), the vector snapshot job and the telemetry collector (X-Ray).
    expect([...needing].sort()).toEqual(['ai-apps/chat', 'ai-apps/embed', 'knowledge/knowledge-snapshots', 'mlflow/mlflow', 'observability/otel-collector']);
    for (const sa of needing) expect(associations).toContain(sa);

    // Nothing else: an association is for a ServiceAccount of the output, or for the service
    // account of an operator the platform installs (External Secrets, set in its values).
    const serviceAccounts = new Set(preview.objects.filter((o) => o.kind === 'ServiceAccount').map((o) => key(o.metadata.namespace, o.metadata.name)));
    const operatorAccounts = new Set(preview.objects.filter((o) => o.kind === 'Application').flatMap((o) => {
      const values = o.spec.source?.helm?.valuesObject ?? YAML.parse(o.spec.source?.helm?.values ?? '{}') ?? {};
      const name = values.serviceAccount?.name;
      return name ? [key(o.spec.destination.namespace, name)] : [];
    }));
    for (const a of associations) expect(serviceAccounts.has(a) || operatorAccounts.has(a) ? a : `${a} (no such service account)`).toBe(a);
    expect(operatorAccounts).toContain('external-secrets/external-secrets');

    // Service accounts without an association are not used by pods that reach AWS (checked
    // above), and those with one are used, or are the shared training account of a team.
    const used = new Set(podSpecs(preview.objects).map((p) => key(p.namespace, p.spec.serviceAccountName)));
    for (const sa of [...serviceAccounts].filter((s) => associations.has(s) && !used.has(s))) expect(sa).toMatch(/\/ml-training$/);
  });

  test('bucket names: every S3 URI in the manifests names a bucket of the AWS layer', () => {
    const buckets = resources('aws_s3_bucket').map((b) => b.bucket).filter((b) => b !== 'cnai-prod-logs-123456789012-us-west-2').sort();
    expect(buckets).toEqual([preview.contract.buckets.datasets, preview.contract.buckets.models].sort());
    // Every value that is an S3 URI (an env value, an argument, a storageUri, a setting),
    // leaving out the prose of embedded scripts.
    const uris: string[] = [];
    const walk = (v: any) => {
      if (typeof v === 'string') {
        for (const m of v.matchAll(/(?:^|[=\s"'])s3:\/\/([a-z0-9.-]+)(?=[/"'\s]|$)/g)) if (!/^\s*#/.test(v.slice(0, m.index).split('\n').pop() ?? '')) uris.push(m[1]);
      } else if (v && typeof v === 'object') {
        Object.values(v).forEach(walk);
      }
    };
    walk(preview.objects);
    expect(uris.length).toBeGreaterThan(0);
    for (const bucket of uris) expect(buckets).toContain(bucket);
    expect(new Set(uris)).toContain(preview.contract.buckets.models);
    // The drift payloads go to the datasets bucket (the collector's S3 exporter and the drift job).
    const config = preview.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'otel-collector-config');
    expect(JSON.stringify(config.data)).toContain(`s3_bucket: ${preview.contract.buckets.datasets}`);
  });

  test('node pools: Kueue flavors and pod placement use exactly the labels and taints of the node groups', () => {
    const groups = resources('aws_eks_node_group');
    const byPool = new Map(groups.map((g) => [g.labels[NODE_LABELS.pool], g]));
    const flavors = preview.objects.filter((o) => o.kind === 'ResourceFlavor');
    for (const pool of REFERENCE_SPEC.gpuPools) {
      const group = byPool.get(pool.name);
      expect(group).toBeDefined();
      const flavor = flavors.find((f) => f.spec.nodeLabels?.[NODE_LABELS.pool] === pool.name);
      expect(flavor).toBeDefined();
      // EKS labels managed nodes with their capacity type itself (a reserved prefix).
      const nodeLabels = { ...group.labels, [NODE_LABELS.capacityType]: group.capacity_type };
      for (const [k, v] of Object.entries(flavor.spec.nodeLabels)) expect(`${k}=${nodeLabels[k]}`).toBe(`${k}=${v}`);
      const effect = (e: string) => ({ NO_SCHEDULE: 'NoSchedule', NO_EXECUTE: 'NoExecute', PREFER_NO_SCHEDULE: 'PreferNoSchedule' } as any)[e];
      expect((group.taint ?? []).map((t: any) => ({ key: t.key, value: t.value, effect: effect(t.effect) })))
        .toEqual((flavor.spec.nodeTaints ?? flavor.spec.tolerations ?? []).map((t: any) => ({ key: t.key, value: t.value, effect: t.effect })));
      expect(Number(group.scaling_config.max_size) * pool.instanceTypes[0].gpuCount * (pool.timeSlicingReplicas ?? 1)).toBe(poolGpuCapacity(pool));
    }
    // Every node selector of a pod points at labels some node group carries.
    for (const p of podSpecs(preview.objects)) {
      const selector = p.spec.nodeSelector ?? {};
      if (Object.keys(selector).length === 0) continue;
      const carries = (g: any) => Object.entries(selector).every(([k, v]) => ({ ...g.labels, [NODE_LABELS.capacityType]: g.capacity_type })[k] === v);
      expect(groups.some(carries)).toBe(true);
    }
  });

  test('cluster name, secrets and database: the names match, apply-time values come from the contract', () => {
    expect(resources('aws_eks_cluster')[0].name).toBe(preview.contract.clusterName);
    const secretNames = resources('aws_secretsmanager_secret').map((s) => s.name);
    const remoteKeys = preview.objects.filter((o) => o.kind === 'ExternalSecret').flatMap((o) =>
      [...(o.spec.data ?? []).map((d: any) => d.remoteRef.key), ...(o.spec.dataFrom ?? []).map((d: any) => d.extract?.key)]).filter(Boolean);
    expect(remoteKeys.length).toBeGreaterThan(0);
    for (const k of remoteKeys) expect([...secretNames, preview.contract.database!.masterSecretArn]).toContain(k);
    // Before apply, the database endpoint and secret ARN are marked previews...
    expect(isPreviewContract(preview.contract)).toBe(true);
    expect(preview.tf.output.database_endpoint.value).toMatch(/^\$\{aws_db_instance\.[^.]+\.address\}$/);
    expect(JSON.stringify(preview.objects)).toContain(preview.contract.database!.host);
  });

  test('after apply, the manifests carry the applied contract and no preview value', () => {
    const applied = synthesize((stack) => {
      const c = previewContract(stack);
      return {
        ...c,
        database: {
          ...c.database!,
          host: 'cnai-prod-postgres.c1a2b3c4d5e6.us-west-2.rds.amazonaws.com',
          masterSecretArn: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-0b1c2d3e-4f5a-AbCdEf',
        },
        loadBalancerController: { ...c.loadBalancerController!, vpcId: 'vpc-0a1b2c3d4e5f60718' },
      };
    }, path.join(tmp, 'applied'));
    const text = JSON.stringify(applied.objects);
    expect(text).not.toContain(PENDING_APPLY);
    expect(text).toContain('cnai-prod-postgres.c1a2b3c4d5e6.us-west-2.rds.amazonaws.com');
    expect(text).toContain('rds!db-0b1c2d3e-4f5a-AbCdEf');
    // The load balancer controller's VPC, in its Helm values.
    expect(text).toContain('"vpcId":"vpc-0a1b2c3d4e5f60718"');
  });

  test('a contract from another spec is refused with the fix', () => {
    const other = { ...preview.contract, nodePools: preview.contract.nodePools.filter((p) => p.name !== 'training-h100') };
    expect(() => buildReferenceK8s(k8sApp(path.join(tmp, 'other')), other)).toThrow(
      /invalid spec\.gpuPools\[2\]\.name = "training-h100": the contract has no node pool of this name\. Fix: synthesize the AWS layer \(CnaiAwsStack\.fromSpec\) and this chart from the same spec/);
  });
});

describe('reference platform: the flow diagram in the docs is the one its output gives', () => {
  test('docs/reference-platform-flows.md is current (npm run synth rewrites it)', () => {
    const files = preview.files.filter((f) => f.endsWith('.yaml')).map((file) => ({ file }));
    const result = verifyPlatform(files, { model: { clusterAddresses: clusterAddressesOf(preview.contract) } });
    expect(result.valid).toBe(true);
    const doc = fs.readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'reference-platform-flows.md'), 'utf8');
    if (doc !== platformFlowsMarkdown(result, 'The reference platform')) {
      throw new Error('docs/reference-platform-flows.md differs from the flows of the reference platform\'s output: run `npm run synth` (it rewrites the file) and review the diff');
    }
  });
});
