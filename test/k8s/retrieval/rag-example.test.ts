import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { ofKind, one } from './util';
import { TEAM, VECTOR_DB, buildRagApp, ragContract } from '../../../examples/rag/main';
import { assertValidManifests } from '../../../lib/verify/k8s';

describe('example rag', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-rag-'));
  buildRagApp(outdir).synth();
  const files = fs.readdirSync(outdir).sort();
  // Read back from the written YAML: what users apply.
  const objects = files.flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf8')).map((d) => d.toJSON()).filter((o) => o));
  const data = parseAllDocuments(fs.readFileSync(path.join(outdir, '0003-data-services.k8s.yaml'), 'utf8')).map((d) => d.toJSON()).filter((o) => o);
  const bucket = ragContract().buckets.models;

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('operators, node pools and platform, then the data services, then serving', () => {
    expect(files).toEqual(['0000-platform-operators.k8s.yaml', '0001-node-pools.k8s.yaml', '0002-platform.k8s.yaml', '0003-data-services.k8s.yaml', '0004-serving.k8s.yaml']);
  });

  test('its entire output is schema-valid; the data services write no Secret', () => {
    const report = assertValidManifests(files.map((f) => ({ file: path.join(outdir, f) })), { kubernetesVersion: '1.34' });
    expect(report.objectsChecked).toBe(objects.length);
    expect(report.objectsPerKind).toMatchObject({
      'apps/v1/StatefulSet': 1,
      'external-secrets.io/v1/ClusterSecretStore': 1,
      'batch/v1/CronJob': 1,
    });
    expect(ofKind(data, 'Secret')).toEqual([]);
  });

  test('Qdrant: HA preset sized for the collection, the embedding model\'s dimension, snapshots to the models bucket', () => {
    const sts = one(data, 'StatefulSet', VECTOR_DB);
    expect(sts.spec.replicas).toBe(3);
    // 2e6 x 1024 x 4 B x 2/3 x 1.5 + 1 GiB = 8.6 -> 9 GiB per replica.
    expect(sts.spec.template.spec.containers[0].resources.limits.memory).toBe('9Gi');
    const cm = ofKind(data, 'ConfigMap').find((c) => c.metadata.name.startsWith(`${VECTOR_DB}-collections-`));
    expect(JSON.parse(cm.data['collection-0.json']).vectors).toEqual({ size: 1024, distance: 'Cosine' });
    const cron = one(data, 'CronJob', `${VECTOR_DB}-snapshot`);
    const env = Object.fromEntries(cron.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(`s3://${env.BUCKET}/${env.PREFIX}`).toBe(`s3://${bucket}/vector-snapshots/${VECTOR_DB}/${VECTOR_DB}/`);
  });

  test('a model registered in MLflow is served: the chat server loads the version\'s files from the registry\'s artifact store', () => {
    const chat = one(objects, 'Deployment', 'chat');
    const c = chat.spec.template.spec.containers[0];
    expect(c.args[0]).toBe(`s3://${bucket}/mlflow/3/models/m-5f0c1e9b2a7d4c61/artifacts/`);
    expect(c.args).toEqual(expect.arrayContaining(['--served-model-name', 'support-assistant']));
    expect(chat.spec.template.spec.serviceAccountName).toBe('chat');
    const mlflow = one(data, 'Deployment', 'mlflow').spec.template.spec.containers[0];
    expect(mlflow.args[mlflow.args.indexOf('--artifacts-destination') + 1]).toBe(`s3://${bucket}/mlflow`);
  });

  test('the RAG API gets the chat, embedding and vector database settings; its key is a Secret in its namespace', () => {
    const settings = one(objects, 'ConfigMap', 'rag-api-settings');
    expect(settings.data).toMatchObject({
      OPENAI_BASE_URL: `http://chat.${TEAM}.svc/v1`,
      OPENAI_MODEL: 'support-assistant',
      EMBEDDINGS_BASE_URL: `http://embed.${TEAM}.svc/v1`,
      QDRANT_URL: `http://${VECTOR_DB}.${VECTOR_DB}.svc.cluster.local:6333`,
      QDRANT_API_KEY_SECRET: `${VECTOR_DB}-read-only-key/read-only-api-key`,
      VECTOR_COLLECTION: 'handbook',
    });
    const key = one(data, 'ExternalSecret', `${VECTOR_DB}-read-only-key`, TEAM);
    expect(key.spec.data.map((d: any) => d.secretKey)).toEqual(['read-only-api-key']);
    expect(one(objects, 'ConfigMap', 'finetune-registry').data).toMatchObject({ MLFLOW_TRACKING_USERNAME: 'writer', MLFLOW_TRACKING_URI: 'http://mlflow.mlflow.svc.cluster.local:5000' });
  });

  test('the scripts and SQL survive the YAML round trip byte for byte', () => {
    const inMemory = Testing.synth(buildRagApp(fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-rag-mem-'))).charts.find((c) => c.node.id === 'data-services')!);
    for (const cm of ofKind(inMemory, 'ConfigMap')) expect(one(data, 'ConfigMap', cm.metadata.name).data).toEqual(cm.data);
    const script = (o: any[]) => one(o, 'CronJob', `${VECTOR_DB}-snapshot`).spec.jobTemplate.spec.template.spec.containers[0].command[2];
    expect(script(data)).toBe(script(inMemory));
    expect(script(data)).toContain('done <<< "${collections}"');
  });
});
