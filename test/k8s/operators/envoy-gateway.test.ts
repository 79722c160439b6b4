import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { assertProvidedTemplates, assertValuesInChart, crdKindsIn, declaredKinds, upstreamPath } from './upstream';
import { InstallPhase, OperatorCatalogue } from '../../../lib/k8s';

const egChart = () => upstreamPath('envoy-gateway', 'v1.9.0', 'charts/gateway-helm');
const aiChart = () => upstreamPath('envoy-ai-gateway', 'v1.1.0', 'manifests/charts/ai-gateway-helm');
const aiCrdsChart = () => upstreamPath('envoy-ai-gateway', 'v1.1.0', 'manifests/charts/ai-gateway-crds-helm');

describe('Envoy Gateway release (chart v1.9.0)', () => {
  const r = OperatorCatalogue.envoyGateway();

  test('chart and values, literally: every image pinned, configured as Envoy AI Gateway v1.1.0 documents', () => {
    expect(r.source).toMatchObject({ repoUrl: 'oci://docker.io/envoyproxy', chart: 'gateway-helm', version: 'v1.9.0' });
    expect(r.name).toBe('envoy-gateway');
    expect(r.namespace).toBe('envoy-gateway-system');
    expect(r.phase).toBe(InstallPhase.OPERATORS);
    expect(r.serverSideApply).toBe(true);
    expect(r.values).toEqual({
      global: {
        images: {
          envoyGateway: { image: 'docker.io/envoyproxy/gateway:v1.9.0', pullPolicy: 'IfNotPresent' },
          envoyProxy: { image: 'docker.io/envoyproxy/envoy:distroless-v1.39.0', pullPolicy: 'IfNotPresent' },
          ratelimit: { image: 'docker.io/envoyproxy/ratelimit:17b1956c', pullPolicy: 'IfNotPresent' },
        },
      },
      config: {
        envoyGateway: {
          gateway: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' },
          provider: { type: 'Kubernetes' },
          logging: { level: { default: 'info' } },
          extensionApis: { enableEnvoyPatchPolicy: true, enableBackend: true },
          extensionManager: {
            hooks: {
              xdsTranslator: {
                translation: {
                  listener: { includeAll: true }, route: { includeAll: true }, cluster: { includeAll: true }, secret: { includeAll: true },
                },
                post: ['Translation', 'Cluster', 'Route'],
              },
            },
            service: { fqdn: { hostname: 'ai-gateway-controller.envoy-ai-gateway-system.svc.cluster.local', port: 1063 } },
            // InferencePool backends (AI Gateway v1.1.0 examples/inference-pool/envoy-gateway-values-addon.yaml).
            backendResources: [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', version: 'v1' }],
          },
        },
      },
    });
  });

  test('every value is one the chart has; what it provides comes from the chart', () => {
    // templates/envoy-gateway-config.yaml merges config.envoyGateway over its defaults as the EnvoyGateway
    // API object, so it takes the fields of that type; extensionManager is the one AI Gateway's values file adds.
    expect(() => assertValuesInChart(r.values, egChart())).toThrow('values not in');
    const { extensionManager: _, ...documented } = r.values.config.envoyGateway;
    assertValuesInChart({ ...r.values, config: { envoyGateway: documented } }, egChart());
    assertValuesInChart(r.values, egChart(), ['config.envoyGateway']);
    // gatewayapi-crds.yaml holds all Gateway API CRDs in one file; the x-k8s.io ones are experimental (not declared).
    const gatewayApi = YAML.parseAllDocuments(fs.readFileSync(path.join(egChart(), 'charts/crds/crds/gatewayapi-crds.yaml'), 'utf8'))
      .map((d) => d.toJS()).filter((o) => o?.kind === 'CustomResourceDefinition' && o.spec.group === 'gateway.networking.k8s.io')
      .map((o) => `${o.spec.names.kind}.${o.spec.group}`);
    expect(declaredKinds(r.provides)).toEqual([...crdKindsIn(path.join(egChart(), 'charts/crds/crds/generated')), ...gatewayApi].sort());
    assertProvidedTemplates(r.provides, egChart());
  });
});

describe('Envoy AI Gateway releases (charts v1.1.0)', () => {
  test('the CRDs chart comes first and is never pruned', () => {
    const crds = OperatorCatalogue.envoyAiGatewayCrds();
    expect(crds.source).toMatchObject({ repoUrl: 'oci://docker.io/envoyproxy', chart: 'ai-gateway-crds-helm', version: 'v1.1.0' });
    expect(crds.prune).toBe(false);
    expect(declaredKinds(crds.provides)).toEqual(crdKindsIn(path.join(aiCrdsChart(), 'templates')));
  });

  test('controller: images pinned, webhook certificate from cert-manager, every value in the chart', () => {
    const r = OperatorCatalogue.envoyAiGateway();
    expect(r.source).toMatchObject({ repoUrl: 'oci://docker.io/envoyproxy', chart: 'ai-gateway-helm', version: 'v1.1.0' });
    expect(r.namespace).toBe('envoy-ai-gateway-system');
    expect(r.values).toEqual({
      controller: {
        image: { repository: 'docker.io/envoyproxy/ai-gateway-controller', tag: 'v1.1.0' },
        mutatingWebhook: { certManager: { enable: true } },
        // The caller's team on every metric, span and access log (the header the gateway's authentication sets).
        requestHeaderAttributes: 'x-cnai-team:cnai.team',
      },
      extProc: { image: { repository: 'docker.io/envoyproxy/ai-gateway-extproc', tag: 'v1.1.0' } },
      envoyGateway: { namespace: 'envoy-gateway-system' },
    });
    assertValuesInChart(r.values, aiChart());
    assertProvidedTemplates(r.provides, aiChart());
  });

  test('modelGateway() is the pair in install order, with the InferencePool CRDs', () => {
    expect(OperatorCatalogue.modelGateway().map((r) => `${r.name} ${r.source.chart ?? r.source.path} ${r.source.version}`)).toEqual([
      'envoy-gateway gateway-helm v1.9.0', 'envoy-ai-gateway-crds ai-gateway-crds-helm v1.1.0', 'envoy-ai-gateway ai-gateway-helm v1.1.0',
      'inference-extension-crds config/crd v1.6.0',
    ]);
  });

  test('the InferencePool CRDs: the release\'s config/crd kustomization at v1.6.0, never pruned', () => {
    const crds = OperatorCatalogue.inferenceExtensionCrds();
    expect(crds.source.repoUrl).toBe('https://github.com/kubernetes-sigs/gateway-api-inference-extension');
    expect(crds.prune).toBe(false);
    expect(crds.serverSideApply).toBe(true);
    expect(crds.syncWave).toBe(-10);
    expect(crds.provides.customResources).toEqual([
      { group: 'inference.networking.k8s.io', kinds: ['InferencePool'] },
      { group: 'inference.networking.x-k8s.io', kinds: ['InferencePoolImport'] },
    ]);
  });
});
