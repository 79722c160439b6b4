/**
 * Helm Applications checked statically against the vendored chart sources: values against
 * values.yaml (and the dependencies' values), values.schema.json, images set through values,
 * and the declaration of what the release provides.
 */
import * as path from 'path';
import { application, FILE, helmSource, output } from './helpers';
import { ReleaseCheck, ReleaseSourceType, verifyReleases } from '../../../lib/verify/upstream';

const KUEUE = 'registry.k8s.io/kueue/charts';
const at = (i: number) => `${FILE}#${i}`;

describe('a Helm release that fits its chart', () => {
  const kueue = application('kueue', 'kueue-system', helmSource(KUEUE, 'kueue', '0.19.2', {
    enableCertManager: false,
    enablePrometheus: true,
    controllerManager: {
      replicas: 2,
      manager: {
        image: { tag: 'v0.19.2' },
        podAnnotations: { 'example.com/team': 'platform' }, // free-form map (default {})
        resources: { requests: { cpu: '1' } },
      },
      nodeSelector: { 'kubernetes.io/os': 'linux' },
    },
  }), {
    customResources: [{ group: 'kueue.x-k8s.io', kinds: ['ClusterQueue', 'LocalQueue'] }],
    services: [{
      name: 'kueue-webhook-service',
      ports: [{ name: 'https', port: 443, targetPort: 9443 }],
      selector: { 'control-plane': 'controller-manager' },
      template: 'templates/webhook/service.yaml',
    }],
    workloads: [{
      name: 'kueue-controller-manager',
      podLabels: { 'control-plane': 'controller-manager' },
      ports: [{ containerPort: 9443 }],
      serviceAccount: 'kueue-controller-manager',
      template: 'templates/manager/manager.yaml',
    }],
  });
  const result = verifyReleases(output(kueue));

  test('has no findings', () => {
    expect(result.findings).toEqual([]);
  });

  test('is located by chart repository, name and version in the upstream directory', () => {
    expect(result.releases).toHaveLength(1);
    const r = result.releases[0];
    expect(r).toMatchObject({ application: 'kueue', location: at(0), namespace: 'kueue-system', syncWave: -10, sourceType: ReleaseSourceType.HELM, rendered: false });
    expect(path.relative(result.upstreamDir, r.upstreamDir!)).toBe('kueue/0.19.2/charts/kueue');
  });

  test('effective values: the chart defaults with the Application values merged over them', () => {
    const v = result.releases[0].effectiveValues as any;
    expect(v.enablePrometheus).toBe(true);
    expect(v.controllerManager.replicas).toBe(2);
    expect(v.controllerManager.manager.image).toEqual({ repository: 'us-central1-docker.pkg.dev/k8s-staging-images/kueue/kueue', tag: 'v0.19.2', pullPolicy: 'Always' });
    expect(v.controllerManager.manager.resources).toEqual({ limits: { cpu: '2', memory: '512Mi' }, requests: { cpu: '1', memory: '512Mi' } });
    expect(v.webhookService.ports).toEqual([{ port: 443, protocol: 'TCP', targetPort: 9443 }]);
  });

  test('objects are built from the declaration: CRD stubs from the chart CRDs, the Service, the workload as a Deployment', () => {
    const objects = result.releases[0].objects as any[];
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'CustomResourceDefinition /clusterqueues.kueue.x-k8s.io',
      'CustomResourceDefinition /localqueues.kueue.x-k8s.io',
      'Service kueue-system/kueue-webhook-service',
      'Deployment kueue-system/kueue-controller-manager',
    ]);
    expect(objects[0].spec).toEqual({
      group: 'kueue.x-k8s.io',
      names: { kind: 'ClusterQueue', plural: 'clusterqueues', singular: 'clusterqueue', listKind: 'ClusterQueueList' },
      scope: 'Cluster',
      versions: [{ name: 'v1beta1', served: true, storage: false }, { name: 'v1beta2', served: true, storage: true }],
    });
    expect(objects[2].spec).toEqual({ selector: { 'control-plane': 'controller-manager' }, ports: [{ name: 'https', port: 443, targetPort: 9443, protocol: 'TCP' }] });
    expect(objects[3].spec.template).toEqual({
      metadata: { labels: { 'control-plane': 'controller-manager' } },
      spec: { serviceAccountName: 'kueue-controller-manager', containers: [{ name: 'kueue-controller-manager', ports: [{ containerPort: 9443, protocol: 'TCP' }] }] },
    });
  });
});

test('an unknown Helm value is a finding naming the chart, its values file and the nearest key', () => {
  const result = verifyReleases(output(application('kueue', 'kueue-system', helmSource(KUEUE, 'kueue', '0.19.2', {
    enableCertManagr: false,
    controllerManager: { manager: { imag: { tag: 'v0.19.2' } } },
  }))));
  expect(result.findings).toEqual([
    {
      application: 'kueue',
      location: at(0),
      check: ReleaseCheck.HELM_VALUE,
      path: 'enableCertManagr',
      message: `Application kueue (${at(0)}): helm value enableCertManagr is not a value of chart kueue 0.19.2 (charts/kueue/values.yaml); did you mean enableCertManager?`,
    },
    {
      application: 'kueue',
      location: at(0),
      check: ReleaseCheck.HELM_VALUE,
      path: 'controllerManager.manager.imag',
      message: `Application kueue (${at(0)}): helm value controllerManager.manager.imag is not a value of chart kueue 0.19.2 (charts/kueue/values.yaml); `
        + 'did you mean controllerManager.manager.image?',
    },
  ]);
});

test('a value that no values.yaml key has is accepted where a template reads it', () => {
  // EFA chart v0.5.7: serviceAccount is not in values.yaml, but templates/_helpers.tpl reads .Values.serviceAccount.name.
  const result = verifyReleases(output(application('efa', 'aws-efa-device-plugin', helmSource('https://aws.github.io/eks-charts', 'aws-efa-k8s-device-plugin', 'v0.5.7', {
    serviceAccount: { name: 'efa' },
  }))));
  expect(result.findings).toEqual([]);
});

test('a chart vendored from a commit without tag (EFA, ref "-") is found by its version; its missing affinity value is a finding', () => {
  const result = verifyReleases(output(application('efa-device-plugin', 'aws-efa-device-plugin', helmSource('https://aws.github.io/eks-charts', 'aws-efa-k8s-device-plugin', 'v0.5.7', {
    affinity: { nodeAffinity: {} },
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }],
  }))));
  expect(result.findings.map((f) => f.message)).toEqual([
    `Application efa-device-plugin (${at(0)}): helm value affinity is not a value of chart aws-efa-k8s-device-plugin v0.5.7 (stable/aws-efa-k8s-device-plugin/values.yaml); `
      + 'the values there are additionalPodAnnotations, additionalPodLabels, fullnameOverride, image, imagePullSecrets, nameOverride, nodeSelector, resources, '
      + 'securityContext, serviceAccount, supportedInstanceLabels, tolerations; remove the key or use one of those',
  ]);
});

test('values of dependencies are checked against the vendored dependency chart (kube-prometheus-stack → grafana)', () => {
  const kps = (values: { [key: string]: unknown }) => verifyReleases(output(application('kube-prometheus-stack', 'monitoring',
    helmSource('https://prometheus-community.github.io/helm-charts', 'kube-prometheus-stack', '88.3.0', values))));
  const good = kps({
    'prometheus': { prometheusSpec: { retention: '15d', serviceMonitorSelectorNilUsesHelmValues: false } },
    'grafana': { sidecar: { dashboards: { enabled: true, label: 'grafana_dashboard' } }, persistence: { enabled: true } },
    'kube-state-metrics': { replicas: 1 },
    'global': { imageRegistry: 'registry.example.com' },
  });
  expect(good.findings).toEqual([]);
  expect((good.releases[0].effectiveValues as any).grafana.sidecar.dashboards.enabled).toBe(true);
  expect((good.releases[0].effectiveValues as any).grafana.sidecar.dashboards.folder).toBe('/tmp/dashboards');

  const bad = kps({ grafana: { sidecar: { dashbords: { enabled: true } } } });
  expect(bad.findings.map((f) => f.message)).toEqual([
    `Application kube-prometheus-stack (${at(0)}): helm value grafana.sidecar.dashbords is not a value of chart grafana 12.10.4 `
      + '(charts/grafana/values.yaml, dependency grafana of chart kube-prometheus-stack 88.3.0); did you mean grafana.sidecar.dashboards?',
  ]);
});

test('merged values that break values.schema.json are a finding (cert-manager)', () => {
  const result = verifyReleases(output(application('cert-manager', 'cert-manager', helmSource('https://charts.jetstack.io', 'cert-manager', 'v1.20.2', {
    crds: { enabled: 'yes please' },
    replicaCount: 'two',
  }))));
  expect(result.findings).toEqual([
    expect.objectContaining({
      check: ReleaseCheck.HELM_SCHEMA,
      path: 'crds.enabled',
      message: `Application cert-manager (${at(0)}): helm values break values.schema.json of chart cert-manager v1.20.2 (deploy/charts/cert-manager/values.schema.json): `
        + 'crds.enabled must be boolean (got "yes please"); set a value the schema allows',
    }),
    expect.objectContaining({
      check: ReleaseCheck.HELM_SCHEMA,
      path: 'replicaCount',
      message: `Application cert-manager (${at(0)}): helm values break values.schema.json of chart cert-manager v1.20.2 (deploy/charts/cert-manager/values.schema.json): `
        + 'replicaCount must be number (got "two"); set a value the schema allows',
    }),
  ]);
});

test('a chart whose Chart.yaml in git has a placeholder version is trusted at the version of its SOURCES row (cert-manager, Envoy Gateway)', () => {
  const result = verifyReleases(output(
    application('cert-manager', 'cert-manager', helmSource('https://charts.jetstack.io', 'cert-manager', 'v1.20.2', { crds: { enabled: true, keep: true } }),
      { customResources: [{ group: 'cert-manager.io', kinds: ['Certificate', 'Issuer'] }] }),
    application('envoy-gateway', 'envoy-gateway-system', helmSource('docker.io/envoyproxy', 'gateway-helm', 'v1.9.0', { deployment: { replicas: 2 } }),
      { customResources: [{ group: 'gateway.envoyproxy.io', kinds: ['EnvoyProxy'] }] }),
  ));
  expect(result.findings).toEqual([]);
  expect(result.releases.map((r) => path.relative(result.upstreamDir, r.upstreamDir!))).toEqual([
    'cert-manager/v1.20.2/deploy/charts/cert-manager', 'envoy-gateway/v1.9.0/charts/gateway-helm',
  ]);
  // The CRD stubs come from the chart's CRD templates (cert-manager) and its crds subchart (Envoy Gateway).
  expect((result.releases[1].objects[0] as any).metadata.name).toBe('envoyproxies.gateway.envoyproxy.io');
});

test('an image set through values on latest, or without a tag where the chart has no appVersion, is a finding', () => {
  const result = verifyReleases(output(
    application('kueue', 'kueue-system', helmSource(KUEUE, 'kueue', '0.19.2', { controllerManager: { manager: { image: { tag: 'latest' } } } })),
    application('jobset', 'jobset-system', helmSource('oci://registry.k8s.io/jobset/charts', 'jobset', '0.12.0', {
      image: { repository: 'registry.k8s.io/jobset/jobset', tag: '' },
    })),
    application('efa', 'aws-efa-device-plugin', helmSource('https://aws.github.io/eks-charts', 'aws-efa-k8s-device-plugin', 'v0.5.7', {
      image: { repository: 'registry.example.com/efa-plugin', tag: '' },
    })),
  ));
  expect(result.findings.map((f) => [f.check, f.path, f.message])).toEqual([
    [ReleaseCheck.IMAGE, 'controllerManager.manager.image.tag', `Application kueue (${at(0)}): helm value controllerManager.manager.image sets image `
      + 'us-central1-docker.pkg.dev/k8s-staging-images/kueue/kueue:latest, a floating tag; pin an exact tag or digest (chart kueue 0.19.2)'],
    [ReleaseCheck.IMAGE, 'image.tag', `Application jobset (${at(1)}): helm value image sets image registry.k8s.io/jobset/jobset without a tag, `
      + 'and chart jobset 0.12.0 has no appVersion and no template default for it; set image.tag to an exact version'],
  ]);
  // The EFA chart's appVersion (v0.5.4) is the tag when none is set: pinned.
  expect(result.findings.filter((f) => f.application === 'efa')).toEqual([]);
});

test('an Application whose chart has no upstream artifact is a finding saying what to add', () => {
  const result = verifyReleases(output(
    application('mystery', 'mystery', helmSource('https://charts.example.com', 'mystery', '1.0.0')),
    application('kueue-old', 'kueue-system', helmSource(KUEUE, 'kueue', '0.18.0')),
  ));
  expect(result.findings.map((f) => [f.application, f.check, f.message])).toEqual([
    ['mystery', ReleaseCheck.UPSTREAM_SOURCE, `Application mystery (${at(0)}): Helm chart mystery 1.0.0 of https://charts.example.com: chart mystery of repository `
      + 'https://charts.example.com is not in the table of known chart repositories (lib/verify/upstream/chart-repositories.ts): add the chart\'s GitHub repository and '
      + 'chart directory there, and vendor the chart source at that version into the upstream directory (SOURCES.tsv, MANIFEST.sha256)'],
    ['kueue-old', ReleaseCheck.UPSTREAM_SOURCE, `Application kueue-old (${at(1)}): Helm chart kueue 0.18.0 of ${KUEUE}: chart kueue 0.18.0 (source github.com/kubernetes-sigs/kueue `
      + 'charts/kueue) is not in the upstream directory (vendored versions: 0.19.2): vendor charts/kueue of kubernetes-sigs/kueue at the commit of chart 0.18.0 as '
      + 'kueue/0.18.0/charts/kueue (SOURCES.tsv, MANIFEST.sha256, lib/verify/upstream-files.sha256), or pin a vendored version'],
  ]);
  expect(result.releases.map((r) => [r.application, r.upstreamDir, r.objects])).toEqual([['mystery', undefined, []], ['kueue-old', undefined, []]]);
});

test('a declaration the chart does not back is a finding: CRD it does not install, missing template, template of another kind, no template', () => {
  const result = verifyReleases(output(application('kueue', 'kueue-system', helmSource(KUEUE, 'kueue', '0.19.2'), {
    customResources: [{ group: 'kueue.x-k8s.io', kinds: ['ClusterQueue', 'Queue'] }],
    services: [
      { name: 'kueue-webhook-service', ports: [{ port: 443 }], selector: { a: 'b' }, template: 'templates/webhook/svc.yaml' },
      { name: 'kueue-metrics', ports: [{ port: 8443 }], selector: { a: 'b' }, template: 'templates/manager/manager.yaml' },
    ],
    objects: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'kueue-manager-config' }],
  })));
  expect(result.findings.map((f) => [f.path, f.message.replace(`Application kueue (${at(0)}): `, '')])).toEqual([
    ['provides.customResources.kueue.x-k8s.io', expect.stringMatching(/^declares the CRD of Queue\.kueue\.x-k8s\.io, but chart kueue 0\.19\.2 installs no such CRD \(it has AdmissionCheck\.kueue\.x-k8s\.io, .*LocalQueue\.kueue\.x-k8s\.io.*\); remove it from the declaration or install the release that ships it$/)],
    ['provides.services[0]', 'declares Service kueue-webhook-service from template templates/webhook/svc.yaml, which chart kueue 0.19.2 does not have (charts/kueue); name one of its templates'],
    ['provides.services[1]', 'declares Service kueue-metrics from template templates/manager/manager.yaml of chart kueue 0.19.2, but that template defines Deployment, not Service'],
    ['provides.objects[0]', 'declares ConfigMap kueue-manager-config without the chart template it comes from, so it cannot be checked against chart kueue 0.19.2; add its template (e.g. templates/configmap.yaml)'],
  ]);
});

test('values given as YAML text and as parameters are checked like valuesObject; valueFiles are a finding', () => {
  const result = verifyReleases(output(application('kueue', 'kueue-system', {
    repoURL: KUEUE,
    chart: 'kueue',
    targetRevision: '0.19.2',
    helm: {
      values: 'enablePrometheus: true\nenableCertManagr: true\n',
      parameters: [{ name: 'controllerManager.replicas', value: '2' }, { name: 'controllerManager.replcas', value: '2' }],
      valueFiles: ['values-prod.yaml'],
    },
  })));
  expect(result.findings.map((f) => [f.path, f.message.replace(`Application kueue (${at(0)}): `, '')])).toEqual([
    [undefined, 'spec.source.helm.valueFiles (values-prod.yaml) are not read by this check: put the values into valuesObject'],
    ['enableCertManagr', 'helm value enableCertManagr is not a value of chart kueue 0.19.2 (charts/kueue/values.yaml); did you mean enableCertManager?'],
    ['controllerManager.replcas', 'helm value controllerManager.replcas is not a value of chart kueue 0.19.2 (charts/kueue/values.yaml); did you mean controllerManager.replicas?'],
  ]);
  expect((result.releases[0].effectiveValues as any).controllerManager.replicas).toBe('2');
});

test('the root Application of an app of apps (a directory source: the output itself) is listed, not checked against upstream', () => {
  const result = verifyReleases(output(application('cnai-platform', 'argocd', {
    repoURL: 'https://github.com/example/platform-manifests', path: 'dist', targetRevision: 'v1.0.0', directory: { recurse: true },
  })));
  expect(result.findings).toEqual([]);
  expect(result.releases).toEqual([expect.objectContaining({ application: 'cnai-platform', sourceType: ReleaseSourceType.DIRECTORY, objects: [], rendered: false })]);
});
