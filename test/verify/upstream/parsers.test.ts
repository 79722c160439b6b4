/**
 * The small parsers under the release checks: what Helm templates read from .Values, Go
 * struct types and the keys their decoder drops, image references, Argo CD's kustomize edits.
 */
import {
  applyEdits, imagePinProblem, isRemoteEntry, parseGoFile, parseImage, scanTemplates, stripTemplateActions, unknownFields,
} from '../../../lib/verify/upstream';

describe('scanTemplates', () => {
  const index = scanTemplates([[
    '{{- if .Values.rbac.create }}',
    'image: {{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}',
    '{{- with .Values.podAnnotations }}',
    'annotations: {{- toYaml . | nindent 4 }}',
    '{{- end }}',
    '{{- with .Values.controller }}',
    'replicas: {{ .replicas }}',
    'port: {{ $.Values.service.port }}',
    '{{- end }}',
    '{{- $cfg := .Values.config }}',
    'level: {{ $cfg.log.level }}',
    'name: {{ index .Values "extra-name" "inner" }}',
    '{{- range $k, $v := .Values.env }}',
    '- {{ $k }}: {{ $v.value }}',
    '{{- end }}',
    'resources: {{ toYaml .Values.resources | nindent 2 }}',
    '{{/* .Values.commented.out is not read */}}',
  ].join('\n')]);

  test('records chains, with-blocks, variables and index as reads', () => {
    expect(index.isRead(['rbac', 'create'])).toBe(true);
    expect(index.isRead(['image', 'tag'])).toBe(true);
    expect(index.isRead(['controller', 'replicas'])).toBe(true);
    expect(index.isRead(['service', 'port'])).toBe(true);
    expect(index.isRead(['config', 'log', 'level'])).toBe(true);
    expect(index.isRead(['extra-name', 'inner'])).toBe(true);
    expect(index.isRead(['commented'])).toBe(false);
    expect(index.isRead(['controller', 'port'])).toBe(false);
  });

  test('marks paths handed whole to toYaml or range', () => {
    expect(index.isWhole(['podAnnotations', 'anything'])).toBe(true);
    expect(index.isWhole(['resources', 'limits', 'cpu'])).toBe(true);
    expect(index.isWhole(['env', 'FOO'])).toBe(true);
    expect(index.isWhole(['image', 'tag'])).toBe(false);
    expect(index.keysUnder(['image']).sort()).toEqual(['repository', 'tag']);
  });

  test('records values whose empty value a template replaces (default, include), but not `default .Chart.AppVersion`', () => {
    const t = scanTemplates([[
      'a: {{ .Values.kubectl.tag | default $k8sVersion }}',
      'b: {{ include "x.image" (list .Values.runtime.image .) }}',
      'c: {{ .Values.controller.tag | default .Chart.AppVersion }}',
    ].join('\n')]);
    expect(t.isDefaulted(['kubectl', 'tag'])).toBe(true);
    expect(t.isDefaulted(['runtime', 'image', 'tag'])).toBe(true);
    expect(t.isDefaulted(['controller', 'tag'])).toBe(false);
  });

  test('template actions are stripped so a templated CRD parses', () => {
    expect(stripTemplateActions('{{- if .Values.crds.enabled }}\nkind: CustomResourceDefinition\n  labels:\n    {{- include "x" . | nindent 4 }}\nname: {{ .Values.name }}\n{{- end }}'))
      .toBe('kind: CustomResourceDefinition\n  labels:\nname: ');
  });
});

describe('Go types', () => {
  const go = parseGoFile([
    'package v1',
    'import (',
    '  corev1 "k8s.io/api/core/v1"',
    '  metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"',
    ')',
    'type Config struct {',
    '  metav1.TypeMeta `json:",inline"`',
    '  Name    string            `json:"name,omitempty"`',
    '  Secret  string            `json:"-"`',
    '  Items   []Item            `json:"items"`',
    '  ByName  map[string]*Item  `json:"byName,omitempty"`',
    '  Opaque  corev1.ResourceRequirements `json:"resources"`',
    '  Mode    Mode              `json:"mode"`',
    '  Common',
    '}',
    '// Item is one item.',
    'type Item struct {',
    '  corev1.Container `json:",inline"`',
    '  Weight *int `json:"weight"`',
    '}',
    'type Common struct {',
    '  Labels map[string]string `json:"labels"`',
    '}',
    'type Mode string',
  ].join('\n'));
  const k8s = (def: string) => (def === 'io.k8s.api.core.v1.Container' ? ['name', 'image', 'securityContext'] : undefined);

  test('fields, json names, inline and embedded structs', () => {
    expect(go.imports.get('corev1')).toBe('k8s.io/api/core/v1');
    expect(go.structs.get('Config')!.map((f) => f.json ?? `(inline ${f.name})`)).toEqual(['(inline TypeMeta)', 'name', 'items', 'byName', 'resources', 'mode', '(inline Common)']);
    expect(go.aliases.get('Mode')).toEqual({ kind: 'basic', name: 'string' });
  });

  test('unknown keys are reported with their path; Kubernetes types are opaque unless inline', () => {
    const value = {
      apiVersion: 'x/v1',
      kind: 'Config',
      name: 'a',
      secret: 'dropped',
      labels: { any: 'thing' },
      items: [{ name: 'c', image: 'i:1', securityContext: {}, weight: 1, podSecurityContext: {} }],
      byName: { one: { nope: true } },
      resources: { limits: { cpu: '1' }, whatever: 1 },
      Mode: 'case-insensitive match',
    };
    expect(unknownFields(value, go, 'Config', k8s).map((u) => [u.path, u.type])).toEqual([
      ['secret', 'Config'],
      ['items[0].podSecurityContext', 'Item'],
      ['byName.one.nope', 'Item'],
    ]);
    // Without the definitions of corev1.Container, an inline Kubernetes type accepts any key.
    expect(unknownFields(value, go, 'Config').map((u) => u.path)).toEqual(['secret']);
  });
});

describe('images', () => {
  test('are split into name, tag and digest (a registry port is not a tag)', () => {
    expect(parseImage('registry.example.com:5000/team/app:1.2@sha256:abc')).toEqual({ name: 'registry.example.com:5000/team/app', tag: '1.2', digest: 'sha256:abc' });
    expect(parseImage('registry.example.com:5000/team/app')).toEqual({ name: 'registry.example.com:5000/team/app' });
  });

  test('are pinned with a tag other than latest, or a digest', () => {
    expect(imagePinProblem('mysql:8.0.29')).toBeUndefined();
    expect(imagePinProblem('ghcr.io/x/y@sha256:0123')).toBeUndefined();
    expect(imagePinProblem('ghcr.io/x/y:latest')).toBe('is on the floating tag latest');
    expect(imagePinProblem('ghcr.io/x/y')).toBe('has no tag (it pulls latest)');
    expect(imagePinProblem('controller')).toMatch(/^is a placeholder/);
  });
});

describe('Argo CD kustomize edits', () => {
  test('set the namespace, merge images by name as `kustomize edit set image` does, append patches', () => {
    const k = applyEdits({
      namespace: 'upstream',
      images: [{ name: 'ghcr.io/a/controller', newTag: 'v1' }, { name: 'other', digest: 'sha256:1' }],
      patches: [{ path: 'own.yaml' }],
    }, {
      namespace: 'mine',
      images: ['ghcr.io/a/controller:v2', 'controller=registry.example.com/b/c:v3', 'other:v4'],
      patches: [{ patch: 'x', target: { kind: 'Deployment' } }],
    });
    expect(k).toEqual({
      namespace: 'mine',
      images: [
        { name: 'ghcr.io/a/controller', newTag: 'v2' },
        { name: 'other', newTag: 'v4' },
        { name: 'controller', newName: 'registry.example.com/b/c', newTag: 'v3' },
      ],
      patches: [{ path: 'own.yaml' }, { patch: 'x', target: { kind: 'Deployment' } }],
    });
  });

  test('remote kustomize entries are told from local paths', () => {
    expect(isRemoteEntry('https://github.com/kubernetes-sigs/jobset/releases/download/v0.12.0/manifests.yaml')).toBe(true);
    expect(isRemoteEntry('github.com/kubernetes-sigs/lws//config/default?ref=v0.8.0')).toBe(true);
    expect(isRemoteEntry('../../third-party/jobset')).toBe(false);
    expect(isRemoteEntry('namespace.yaml')).toBe(false);
  });
});
