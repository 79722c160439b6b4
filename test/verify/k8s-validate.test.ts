import * as fs from 'fs';
import * as path from 'path';
import {
  assertValidManifests, FindingCategory, ManifestFinding, ManifestValidationError, validateManifests, ValidateManifestsOptions,
} from '../../lib/verify/k8s';
import { SchemaDirError } from '../../lib/verify/schemas';

const FIXTURES = path.join(__dirname, 'fixtures', 'k8s');
const fixture = (name: string) => path.join(FIXTURES, name);
const WIDGETS = { crdFiles: [fixture('widgets-crd.yaml')] };

function deployment(overrides: { [key: string]: unknown } = {}, container: { [key: string]: unknown } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'team-a', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27', ...container }] },
      },
      ...overrides,
    },
  };
}

function findings(input: unknown, options?: ValidateManifestsOptions): ManifestFinding[] {
  return validateManifests(input, options).findings;
}

/** The single finding of `input`, as `path: reason`. */
function only(input: unknown, options?: ValidateManifestsOptions): string {
  const f = findings(input, options);
  expect(f.map((x) => `${x.path}: ${x.reason}`)).toHaveLength(1);
  return `${f[0].path}: ${f[0].reason}`;
}

describe('valid manifests', () => {
  test('a model server: Namespace, Deployment, Service, NetworkPolicy, ServiceAccount', () => {
    const report = validateManifests({ file: fixture('valid-workloads.yaml') });
    expect(report.findings).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.kubernetesVersion).toBe('v1.36.0');
    expect(report.objectsPerKind).toEqual({
      'v1/Namespace': 1, 'apps/v1/Deployment': 1, 'v1/Service': 1, 'networking.k8s.io/v1/NetworkPolicy': 1, 'v1/ServiceAccount': 1,
    });
  });

  test('operator resources: Kueue, Argo CD Application, KEDA ScaledObject, Karpenter, with their CEL rules', () => {
    const report = validateManifests({ file: fixture('valid-operators.yaml') });
    expect(report.findings).toEqual([]);
    expect(report.objectsChecked).toBe(7);
    expect(report.objectsPerKind['kueue.x-k8s.io/v1beta2/ClusterQueue']).toBe(1);
    expect(report.objectsPerKind['argoproj.io/v1alpha1/Application']).toBe(1);
    expect(report.objectsPerKind['keda.sh/v1alpha1/ScaledObject']).toBe(1);
    expect(report.cel.evaluated).toBeGreaterThan(40);
    expect(report.cel.failed).toBe(0);
    expect(report.cel.notEvaluated).toBe(0);
    // LocalQueue.spec.clusterQueue and NodePool's nodeClassRef/replicas rules compare with oldSelf.
    expect(report.cel.skippedTransition).toBeGreaterThan(0);
  });

  test('ML pipeline resources: TrainJob, Katib Experiment, Notebook, InferenceService, monitoring, secrets, Spark', () => {
    const report = validateManifests({ file: fixture('valid-ml.yaml') });
    expect(report.findings).toEqual([]);
    expect(report.objectsChecked).toBe(10);
  });

  test('accepts objects, objects with toJson() (cdk8s charts), apps (their charts) and YAML text, and names files', () => {
    const chart = { toJson: () => [deployment(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } }] };
    expect(validateManifests([chart]).objectsChecked).toBe(2);
    const app = { charts: [chart, chart] };
    expect(validateManifests(app).findings.map((f) => f.category)).toEqual([FindingCategory.DUPLICATE, FindingCategory.DUPLICATE]);
    expect(validateManifests(deployment()).objectsChecked).toBe(1);
    expect(validateManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n---\n').documents).toBe(1);
    const f = findings([{ file: 'a.yaml', content: [deployment({ replica: 1 })] }, { file: 'b.yaml', content: 'apiVersion: v1\nkind: Sevice\n' }]);
    expect(f.map((x) => `${x.file} ${x.documentIndex}`)).toEqual(['a.yaml 0', 'b.yaml 0', 'b.yaml 0']);
  });

  test('assertValidManifests returns the report when valid', () => {
    expect(assertValidManifests([deployment()]).valid).toBe(true);
  });
});

describe('schema findings point at the problem', () => {
  test('misspelled field', () => {
    expect(only([deployment({ replica: 2 })])).toBe('spec.replica: unknown field "replica" (did you mean "replicas"?)');
  });

  test('wrong type', () => {
    expect(only([deployment({}, { ports: [{ containerPort: '80' }] })]))
      .toBe('spec.template.spec.containers[0].ports[0].containerPort: expected integer, got string "80"');
  });

  test('missing required field', () => {
    const d = deployment();
    delete (d.spec.template.spec.containers[0] as { name?: string }).name;
    expect(only([d])).toBe('spec.template.spec.containers[0]: missing required field "name"');
  });

  test('value outside an enum: core fields the API server enforces, and CRD enums', () => {
    expect(only([deployment({}, { imagePullPolicy: 'Sometimes' })]))
      .toBe('spec.template.spec.containers[0].imagePullPolicy: value "Sometimes" not in enum ["Always", "IfNotPresent", "Never"] (or "")');
    const cq = { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ClusterQueue', metadata: { name: 'q' }, spec: { queueingStrategy: 'Fastest' } };
    expect(only([cq])).toBe('spec.queueingStrategy: value "Fastest" not in enum ["StrictFIFO", "BestEffortFIFO"]');
  });

  test('quantities and int-or-string', () => {
    expect(only([deployment({}, { resources: { limits: { memory: '1Gix' } } })]))
      .toBe('spec.template.spec.containers[0].resources.limits.memory: value "1Gix" is not a quantity (like "500m", "2Gi" or "1.5")');
    expect(only([deployment({ strategy: { rollingUpdate: { maxSurge: true } } })]))
      .toBe('spec.strategy.rollingUpdate.maxSurge: expected integer or string, got boolean true');
  });

  test('int32 range', () => {
    expect(only([deployment({ replicas: 3000000000 })])).toBe('spec.replicas: value 3000000000 is out of range for int32 (-2147483648 to 2147483647)');
  });

  test('unknown fields in custom resources, including the derived Katib and Notebook schemas', () => {
    const exp = { apiVersion: 'kubeflow.org/v1beta1', kind: 'Experiment', metadata: { name: 'e', namespace: 'a' }, spec: { maxTrialCounts: 3 } };
    expect(only([exp])).toBe('spec.maxTrialCounts: unknown field "maxTrialCounts" (did you mean "maxTrialCount"?)');
    const nb = {
      apiVersion: 'kubeflow.org/v1',
      kind: 'Notebook',
      metadata: { name: 'n', namespace: 'a' },
      spec: { template: { spec: { containers: [{ name: 'n' }] } } },
    };
    // required by the notebook controller's kustomize patch, not by the controller-gen CRD
    expect(only([nb])).toBe('spec.template.spec.containers[0]: missing required field "image"');
  });

  test('metadata of custom resources is checked as ObjectMeta', () => {
    const lq = { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'LocalQueue', metadata: { name: 'q', namespace: 'a', lables: {} }, spec: { clusterQueue: 'cq' } };
    expect(only([lq])).toBe('metadata.lables: unknown field "lables" (did you mean "labels"?)');
  });

  test('keywords of CRD schemas', () => {
    const widget = (spec: { [key: string]: unknown }) => ({ apiVersion: 'test.cnai.io/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'a' }, spec: { size: 5, mode: 'fast', ...spec } });
    const ok = {
      port: 'http',
      ports: [{ port: 80 }, { port: 80, protocol: 'UDP' }],
      tags: ['a'],
      source: { git: 'x' },
      note: null,
      protocol: null,
      template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { anything: 1 } },
      extra: { any: [1] },
      labels: { a: 'b' },
      created: '2025-01-01T00:00:00Z',
      ratio: 0.5,
    };
    expect(findings([widget(ok)], WIDGETS)).toEqual([]);
    const bad = (spec: { [key: string]: unknown }) => findings([widget(spec)], WIDGETS).map((f) => `${f.path}: ${f.reason}`);
    expect(bad({ size: 0 })).toEqual(['spec.size: value 0 is less than the minimum 1']);
    expect(bad({ port: 1.5 })).toEqual(['spec.port: expected integer or string, got number 1.5']);
    expect(bad({ ports: [{ port: 80 }, { port: 80, protocol: 'TCP' }] }))
      .toEqual(['spec.ports[1]: duplicate entry for key port=80, protocol="TCP" (same as [0]; list-type map)']);
    expect(bad({ tags: ['a', 'a'] })).toEqual(['spec.tags[1]: duplicate value "a" (same as [0]; list-type set)']);
    expect(bad({ tags: ['a', 'b', 'c', 'd'] })).toEqual(['spec.tags: has 4 items, more than maxItems 3']);
    expect(bad({ source: { git: 'x', s3: 'y' } })).toEqual(['spec.source: must match exactly one of the oneOf schemas, matches 2']);
    expect(bad({ source: {} }))
      .toEqual(['spec.source: must match exactly one of the oneOf schemas, matches none: (1) missing required field "git"; (2) missing required field "s3"']);
    expect(bad({ template: { metadata: { name: 'Bad_Name' } } })).toEqual([
      'spec.template: missing required field "apiVersion" (an embedded resource names its apiVersion and kind)',
      'spec.template: missing required field "kind" (an embedded resource names its apiVersion and kind)',
    ]);
    expect(bad({ note: 'abcdefghijk' })).toEqual(['spec.note: string of 11 characters is longer than maxLength 10']);
    expect(bad({ name: 'ABC' })).toEqual(['spec.name: value "ABC" does not match pattern ^[a-z]+$']);
    expect(bad({ labels: { a: 'b', c: 'd', e: 'f' } })).toEqual(['spec.labels: has 3 properties, more than maxProperties 2']);
    expect(bad({ labels: { a: 1 } })).toEqual(['spec.labels.a: expected string, got integer 1']);
    expect(bad({ created: 'yesterday' })).toEqual(['spec.created: value "yesterday" is not a valid date-time']);
    expect(bad({ ratio: 1 })).toEqual(['spec.ratio: value 1 is not less than the maximum 1']);
    expect(bad({ endpoint: null })).toEqual([]);
    expect(bad({ minReplicas: null, size: null })).toEqual(['spec.size: null is not allowed here (expected integer); omit the field instead']);
    expect(findings([widget({})], WIDGETS).map((f) => f.reason)).toEqual([]);
    expect(findings([{ ...widget({}), spec: { mode: 'fast' } }], WIDGETS).map((f) => `${f.path}: ${f.reason}`)).toEqual(['spec: missing required field "size"']);
  });

  test('the line of each finding in YAML input', () => {
    const yaml = fs.readFileSync(fixture('valid-workloads.yaml'), 'utf8').replace('imagePullPolicy: IfNotPresent', 'imagePullPolicy: Sometimes');
    const [f] = findings({ file: 'workloads.yaml', content: yaml });
    expect(f).toMatchObject({ file: 'workloads.yaml', documentIndex: 1, kind: 'Deployment', namespace: 'team-a', name: 'llm-server', category: FindingCategory.ENUM });
    expect(yaml.split('\n')[f.line! - 1]).toContain('imagePullPolicy: Sometimes');
  });
});

describe('kinds, documents, names and duplicates', () => {
  test('a kind without a schema is an error, not a pass', () => {
    expect(only([{ apiVersion: 'foo.example.com/v1', kind: 'Widget', metadata: { name: 'w' } }]))
      .toMatch(/^: no schema for Widget in foo.example.com\/v1: it is neither a Kubernetes v1.36.0 kind nor defined by a CRD under .*crds/);
    expect(only([{ ...deployment(), apiVersion: 'apps/v1beta1' }])).toBe(': Kubernetes v1.36.0 has no Deployment in apps/v1beta1; it serves Deployment as apps/v1');
    expect(only([{ apiVersion: 'kueue.x-k8s.io/v1alpha1', kind: 'LocalQueue', metadata: { name: 'q' } }]))
      .toBe(': the CRD of LocalQueue (crds/kueue-localqueues.yaml) has no version v1alpha1 of kueue.x-k8s.io; it defines kueue.x-k8s.io/v1beta1, kueue.x-k8s.io/v1beta2');
  });

  test('a version the CRD defines but does not serve', () => {
    const es = { apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name: 'e', namespace: 'a' }, spec: {} };
    expect(only([es])).toBe('apiVersion: external-secrets.io/v1beta1 ExternalSecret is defined but not served by its CRD (crds/externalsecrets-externalsecrets.yaml); use the served version');
  });

  test('a document without apiVersion or kind, or not an object, or not YAML', () => {
    expect(findings([{ metadata: { name: 'x' } }]).map((f) => f.reason)).toEqual([
      'missing apiVersion: every object names its API version (e.g. "apps/v1")',
      'missing kind: every object names its kind (e.g. "Deployment")',
    ]);
    expect(only('- a\n- b\n')).toBe(': document is a list, not a Kubernetes object');
    const [f] = findings('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n');
    expect(f.reason).toMatch(/^YAML does not parse: Map keys must be unique/);
    expect(f.line).toBe(5);
  });

  test('YAML is read like kubectl reads it (YAML 1.1 booleans)', () => {
    expect(only('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  enabled: yes\n')).toBe('data.enabled: expected string, got boolean true');
  });

  test('object names follow the kind\'s rule', () => {
    expect(only([{ apiVersion: 'v1', kind: 'Service', metadata: { name: '9web' }, spec: {} }]))
      .toMatch(/^metadata.name: name "9web" is not a valid DNS-1035 label: it must consist of lowercase letters/);
    expect(only([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team.a' } }])).toMatch(/^metadata.name: name "team.a" is not a valid DNS-1123 label/);
    expect(only([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'My_Config' } }])).toMatch(/^metadata.name: name "My_Config" is not a valid DNS-1123 subdomain/);
    expect(findings([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app.config-1' } }])).toEqual([]);
    expect(findings([{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:cnai-reader' } }])).toEqual([]);
    expect(only([{ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'a'.repeat(53) }, spec: { schedule: '@daily', jobTemplate: {} } }]))
      .toBe('metadata.name: name "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" has 53 characters; a CronJob name may have at most 52');
    expect(only([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }])).toBe('metadata: missing required field "name" (metadata.name)');
  });

  test('label keys and values, also in pod templates and selectors', () => {
    const d = deployment();
    d.metadata.labels = { 'app/': 'x', 'tier': 'a'.repeat(64) } as never;
    (d.spec.selector.matchLabels as { [k: string]: string }).app = 'web!';
    expect(findings([d]).map((f) => `${f.path}: ${f.reason}`)).toEqual([
      'metadata.labels: label key "app/" is invalid: its name part is empty',
      'metadata.labels.tier: label value "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" is invalid: it has 64 characters (at most 63)',
      'spec.selector.matchLabels.app: selector label "app": "web!" is invalid: it must be empty or consist of letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
    ]);
  });

  test('the same object twice is a finding; the same name in another namespace or kind is not', () => {
    const cm = (name: string, namespace?: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(namespace ? { namespace } : {}) } });
    expect(only([cm('a', 'x'), cm('a', 'y'), cm('a', 'x')])).toBe('metadata.name: duplicate object: document 0 already defines ConfigMap x/a');
    expect(findings([cm('a', 'x'), { ...cm('a', 'x'), kind: 'Secret' }])).toEqual([]);
    const cq = (ns?: string) => ({ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ClusterQueue', metadata: { name: 'q', ...(ns ? { namespace: ns } : {}) }, spec: {} });
    // cluster-scoped: the namespace does not make it another object
    expect(only([cq('x'), cq('y')])).toBe('metadata.name: duplicate object: document 0 already defines ClusterQueue.kueue.x-k8s.io q');
  });
});

describe('CEL rules', () => {
  test('a violated rule is a finding with the rule\'s message', () => {
    const so = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 's', namespace: 'a' },
      spec: { scaleTargetRef: { name: 'web' }, minReplicaCount: 10, maxReplicaCount: 5, triggers: [{ type: 'cpu', metadata: { value: '50' } }] },
    };
    const report = validateManifests([so]);
    expect(report.findings.map((f) => `${f.path}: ${f.reason}`)).toEqual([
      'spec: minReplicaCount must be less than or equal to maxReplicaCount (rule: !has(self.minReplicaCount) || self.minReplicaCount <= (has(self.maxReplicaCount) ? self.maxReplicaCount : 100))',
    ]);
    expect(report.findings[0].category).toBe(FindingCategory.CEL);
    expect(report.cel).toMatchObject({ evaluated: 1, failed: 1 });
  });

  test('rules see schema defaults, as the API server applies them first', () => {
    const rf = (tolerations: unknown[]) => ({ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ResourceFlavor', metadata: { name: 'f' }, spec: { tolerations } });
    expect(only([rf([{ operator: 'Equal', value: 'x' }])]))
      .toMatch(/^spec.tolerations: operator must be Exists when 'key' is empty, which means 'match all values and all keys' \(rule: /);
    expect(findings([rf([{ operator: 'Exists' }])])).toEqual([]);
    const cq = (flavorFungibility: unknown) => ({ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ClusterQueue', metadata: { name: 'q' }, spec: { flavorFungibility } });
    // whenCanPreempt defaults to TryNextFlavor: the rule passes
    expect(findings([cq({ preference: 'BorrowingOverPreemption', whenCanBorrow: 'TryNextFlavor' })])).toEqual([]);
    // whenCanBorrow defaults to MayStopSearch: the rule fails with its message, not with a missing field
    expect(only([cq({ preference: 'BorrowingOverPreemption' })])).toMatch(/^spec.flavorFungibility: preference can only be set when both whenCanBorrow and whenCanPreempt are TryNextFlavor/);
  });

  test('a rule that reads a missing field fails, as on the API server', () => {
    const rf = { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ResourceFlavor', metadata: { name: 'f' }, spec: { topologyName: 'default' } };
    expect(only([rf])).toMatch(/^spec: rule "!has\(self.topologyName\) \|\| self.nodeLabels.size\(\) >= 1" fails with ".*nodeLabels.*" \(the API server rejects the object with this error too\)$/);
    const toleration = { ...rf, spec: { tolerations: [{ value: 'x' }] } };
    expect(only([toleration])).toMatch(/^spec.tolerations: rule "self.all\(x, !has\(x.key\) \? x.operator == 'Exists' : true\)" fails with ".*operator"/);
  });

  test('transition rules are skipped, rules with Kubernetes-only libraries are reported as not evaluated', () => {
    const w = { apiVersion: 'test.cnai.io/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'a' }, spec: { size: 1, mode: 'fast', minReplicas: 4, maxReplicas: 2 } };
    const report = validateManifests([w, { ...w, metadata: { name: 'w2', namespace: 'a' }, spec: { size: 1, mode: 'fast' } }], WIDGETS);
    expect(report.findings.map((f) => `${f.name} ${f.path}: ${f.reason}`)).toEqual(['w spec: minReplicas must not exceed maxReplicas (rule: self.minReplicas <= self.maxReplicas)']);
    expect(report.cel).toMatchObject({ evaluated: 2, passed: 1, failed: 1, skippedTransition: 2, notEvaluated: 2 });
    expect(report.cel.notEvaluatedRules).toEqual([{
      location: `${path.relative(process.cwd(), fixture('widgets-crd.yaml'))} v1 .spec`,
      rule: "url(self.endpoint).getHost() != ''",
      reason: 'uses getHost, url (a Kubernetes CEL library not available offline)',
      count: 2,
    }]);
  });

  test('cel: false turns rule evaluation off', () => {
    const so = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 's', namespace: 'a' },
      spec: { scaleTargetRef: { name: 'w' }, minReplicaCount: 10, maxReplicaCount: 5, triggers: [{ type: 'cpu', metadata: {} }] },
    };
    const report = validateManifests([so], { cel: false });
    expect(report.findings).toEqual([]);
    expect(report.cel.evaluated).toBe(0);
  });
});

describe('assertValidManifests', () => {
  test('throws one error listing every finding', () => {
    let error: ManifestValidationError | undefined;
    try {
      assertValidManifests([deployment({ replica: 2 }), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'Web' }, spec: {} }], { file: 'app.k8s.yaml' });
    } catch (e) {
      error = e as ManifestValidationError;
    }
    expect(error).toBeInstanceOf(ManifestValidationError);
    expect(error!.report.findings).toHaveLength(2);
    expect(error!.message.split('\n')).toEqual([
      expect.stringMatching(/^2 problems in Kubernetes manifests \(2 of 2 objects checked against Kubernetes v1.36.0 and the CRDs in .*\):$/),
      '  - app.k8s.yaml doc 0 Deployment team-a/web: spec.replica: unknown field "replica" (did you mean "replicas"?)',
      expect.stringMatching(/^ {2}- app.k8s.yaml doc 1 Service Web: metadata.name: name "Web" is not a valid DNS-1035 label/),
    ]);
  });
});

describe('Kubernetes versions', () => {
  test('validates against the chosen version\'s definitions', () => {
    // spec.podReplacementPolicy does not exist in Kubernetes 1.27's Job
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      spec: { podReplacementPolicy: 'Failed', template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36' }] } } },
    };
    expect(findings([job])).toEqual([]);
    expect(only([job], { kubernetesVersion: '1.27' })).toBe('spec.podReplacementPolicy: unknown field "podReplacementPolicy"');
    expect(validateManifests([job], { kubernetesVersion: 'v1.36' }).kubernetesVersion).toBe('v1.36.0');
  });

  test('a version without definitions is a clear error', () => {
    expect(() => validateManifests([], { kubernetesVersion: '1.20' })).toThrow(SchemaDirError);
    expect(() => validateManifests([], { kubernetesVersion: '1.20' })).toThrow(/No Kubernetes definitions for v1.20.0 .*\(available: v1\.\d+\.\d+(, v1\.\d+\.\d+)*\)/);
  });
});
