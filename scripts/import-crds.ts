/**
 * Regenerates the typed CRD bindings in lib/imports with `cdk8s import`.
 *
 *   npx ts-node scripts/import-crds.ts [--schemas <dir>]
 *
 * Only the kinds the library uses are imported, and only their storage version: for a
 * multi-version CRD `cdk8s import` names the unsuffixed class after the first listed
 * version, which is not always the storage one (Kueue lists v1beta1 first, stores v1beta2).
 * Keeping the storage version alone makes the unsuffixed class the one to use.
 *
 * Some CRDs repeat a full PodSpec under many fields; their bindings are pruned to the
 * fields the library sets (see PRUNE). The verifier still checks output against the
 * full, unpruned CRD, so a pruned binding can never let an invalid object through.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

interface Source {
  /** CRD file, relative to <schemas>/crds. */
  readonly file: string;
  /** JSON paths (dot-separated, below the version's openAPIV3Schema) to drop from the binding. */
  readonly prune?: string[];
}

const PODSPEC_HEAVY_PREDICTOR_FIELDS = [
  'huggingface', 'lightgbm', 'onnx', 'paddle', 'pmml', 'pytorch', 'sklearn', 'tensorflow', 'triton', 'xgboost', 'workerSpec',
];

/** One generated file per API group. */
const GROUPS: { [group: string]: Source[] } = {
  'argoproj.io': [{ file: 'argocd-applications.yaml' }],
  'karpenter.sh': [{ file: 'karpenter-nodepools.yaml' }],
  'karpenter.k8s.aws': [{ file: 'karpenter-ec2nodeclasses.yaml' }],
  'kueue.x-k8s.io': [
    { file: 'kueue-resourceflavors.yaml' },
    { file: 'kueue-clusterqueues.yaml' },
    { file: 'kueue-localqueues.yaml' },
  ],
  'keda.sh': [{ file: 'keda-scaledobjects.yaml' }, { file: 'keda-triggerauthentications.yaml' }],
  'monitoring.coreos.com': [
    { file: 'promop-servicemonitors.yaml' },
    { file: 'promop-podmonitors.yaml' },
    { file: 'promop-prometheusrules.yaml' },
  ],
  'serving.kserve.io': [
    {
      // The full InferenceService binding is 5.3 MB of TypeScript (a PodSpec under every
      // framework, the explainer, the transformer and the canary). The library sets only
      // the predictor's generic model spec and pod fields.
      file: 'kserve-inferenceservices.yaml',
      prune: ['spec.canary', 'spec.explainer', 'spec.transformer', ...PODSPEC_HEAVY_PREDICTOR_FIELDS.map((f) => `spec.predictor.${f}`)],
    },
    { file: 'kserve-servingruntimes.yaml' },
  ],
  'trainer.kubeflow.org': [
    { file: 'trainer-trainjobs.yaml' },
    { file: 'trainer-clustertrainingruntimes.yaml' },
  ],
  'kubeflow.org': [
    // The upstream Experiment CRD carries no schema; this one is derived from Katib's OpenAPI spec.
    { file: 'katib-experiments.from-openapi.yaml' },
    // The Notebook CRD as installed (after upstream's kustomize patches).
    { file: 'notebooks-notebooks.kustomized.yaml' },
  ],
  'opentelemetry.io': [{ file: 'otel-opentelemetrycollectors.yaml' }],
  'external-secrets.io': [
    { file: 'externalsecrets-externalsecrets.yaml' },
    // SecretStore describes ~40 providers; the platform uses AWS Secrets Manager only.
    { file: 'externalsecrets-clustersecretstores.yaml', prune: ['spec.provider!aws'] },
  ],
  'feast.dev': [{
    // FeatureStore repeats a pod's volumes, affinity and container settings under every server;
    // the library sets the project, its repository, the three servers' stores and the CronJob.
    file: 'feast-featurestores.yaml',
    prune: [
      'spec.authz', 'spec.batchEngine', 'spec.dataQualityMonitoring', 'spec.materialization', 'spec.mlflow', 'spec.openlineage',
      'spec.services.scaling', 'spec.services.affinity', 'spec.services.topologySpreadConstraints', 'spec.services.volumes',
      'spec.services.ui', 'spec.services.resourceClaims', 'spec.services.podDisruptionBudgets',
      'spec.cronJob.jobSpec.podFailurePolicy',
    ],
  }],
};

function schemaDir(): string {
  const i = process.argv.indexOf('--schemas');
  const dir = i > 0 ? process.argv[i + 1] : process.env.CNAI_SCHEMA_DIR ?? path.resolve(__dirname, '..', '..', 'shared', 'schemas');
  if (!fs.existsSync(path.join(dir, 'crds'))) {
    throw new Error(`no CRD files in ${dir}/crds: pass --schemas <dir> or set CNAI_SCHEMA_DIR (see lib/verify/schema-sources.tsv)`);
  }
  return dir;
}

/** Removes a property; `a.b!c` keeps only property `c` of `a.b`. */
function prune(schema: any, spec: string): void {
  const [p, keep] = spec.split('!');
  const parts = p.split('.');
  let node = schema;
  for (const part of parts.slice(0, keep === undefined ? -1 : undefined)) {
    node = node?.properties?.[part];
    if (!node) throw new Error(`prune path ${spec} not found`);
  }
  if (keep !== undefined) {
    for (const k of Object.keys(node.properties ?? {})) if (k !== keep) delete node.properties[k];
    return;
  }
  const last = parts[parts.length - 1];
  if (!node.properties?.[last]) throw new Error(`prune path ${spec} not found`);
  delete node.properties[last];
}

function storageOnly(crd: any, source: Source): any {
  const storage = crd.spec.versions.filter((v: any) => v.storage);
  if (storage.length !== 1) throw new Error(`${source.file}: expected exactly one storage version`);
  const version = storage[0];
  const schema = version.schema.openAPIV3Schema;
  // Status is written by controllers, never by the library.
  delete schema.properties?.status;
  for (const p of source.prune ?? []) prune(schema, p);
  return { ...crd, spec: { ...crd.spec, versions: [{ ...version, served: true }] } };
}

function main(): void {
  const dir = schemaDir();
  const out = path.resolve(__dirname, '..', 'lib', 'imports');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-import-'));
  const cli = path.resolve(__dirname, '..', 'node_modules', '.bin', 'cdk8s');
  const summary: string[] = [];
  try {
    for (const [group, sources] of Object.entries(GROUPS)) {
      const docs = sources.map((s) => {
        const crds = YAML.parseAllDocuments(fs.readFileSync(path.join(dir, 'crds', s.file), 'utf8'))
          .map((d) => d.toJS()).filter((d) => d?.kind === 'CustomResourceDefinition');
        if (crds.length !== 1) throw new Error(`${s.file}: expected one CRD, found ${crds.length}`);
        if (crds[0].spec.group !== group) throw new Error(`${s.file}: group ${crds[0].spec.group}, expected ${group}`);
        const crd = storageOnly(crds[0], s);
        summary.push(`${group}/${crd.spec.versions[0].name} ${crd.spec.names.kind} <- ${s.file}${s.prune ? ` (pruned: ${s.prune.join(', ')})` : ''}`);
        return YAML.stringify(crd);
      });
      const file = path.join(tmp, `${group}.yaml`);
      fs.writeFileSync(file, docs.join('---\n'));
      execFileSync(cli, ['import', '--no-check-upgrade', file, '--output', out, '--language', 'typescript'], { stdio: 'inherit', cwd: tmp });
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  fs.writeFileSync(path.join(out, 'SOURCES.md'), [
    '# Generated CRD bindings',
    '',
    'Generated by `npx ts-node scripts/import-crds.ts` with `cdk8s import`; never edit by hand.',
    'Each binding holds only the storage version of its CRD, so the unsuffixed class is the',
    'storage version. Pruned bindings leave out fields the library never sets; output is',
    'still verified against the full CRD.',
    '',
    ...summary.map((s) => `- ${s}`),
    '',
  ].join('\n'));
  console.log(summary.join('\n'));
}

main();
