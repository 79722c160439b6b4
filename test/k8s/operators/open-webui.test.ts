import { assertProvidedTemplates, assertValuesInChart, upstreamPath } from './upstream';
import { InstallPhase, OperatorCatalogue, PodSecurityLevel } from '../../../lib/k8s';

const chart = () => upstreamPath('open-webui', '16.0.0', 'charts', 'open-webui');

const props = {
  namespace: 'chat-ui',
  openaiBaseUrl: 'http://model-gateway.envoy-gateway-system.svc:8080/v1',
  oidc: { providerUrl: 'https://login.example.com/.well-known/openid-configuration', clientId: 'cnai-chat', clientSecretName: 'open-webui-oidc', clientSecretKey: 'client-secret' },
  url: 'http://localhost:8080',
  dataClaimName: 'open-webui-data',
  secretKeySecretName: 'open-webui-session-key',
};

describe('Open WebUI release (chart 16.0.0)', () => {
  const r = OperatorCatalogue.openWebui(props);

  test('chart, image pinned, the bundled extras off, chats to the gateway without an API key', () => {
    expect(r.source).toMatchObject({ repoUrl: 'https://helm.openwebui.com', chart: 'open-webui', version: '16.0.0' });
    expect(r.phase).toBe(InstallPhase.PLATFORM);
    expect(r.podSecurity).toBe(PodSecurityLevel.RESTRICTED);
    const v = r.values as any;
    expect(v.image).toEqual({ repository: 'ghcr.io/open-webui/open-webui', tag: '0.11.0', pullPolicy: 'IfNotPresent' });
    for (const extra of ['ollama', 'pipelines', 'tika', 'terminals', 'websocket']) expect(v[extra]).toEqual({ enabled: false });
    expect(v.openaiBaseApiUrl).toBe('http://model-gateway.envoy-gateway-system.svc:8080/v1');
    // The chart's default key would be written into the pod spec otherwise.
    expect(v.openaiApiKey).toBe('');
    expect(v.replicaCount).toBe(1);
    expect(v.persistence).toEqual({ enabled: true, provider: 'local', existingClaim: 'open-webui-data' });
  });

  test('OIDC sign-in only, the client secret and the session key from Secrets', () => {
    const v = r.values as any;
    expect(v.sso).toEqual({
      enabled: true,
      enableSignup: true,
      oidc: {
        enabled: true,
        clientId: 'cnai-chat',
        clientExistingSecret: 'open-webui-oidc',
        clientExistingSecretKey: 'client-secret',
        providerUrl: 'https://login.example.com/.well-known/openid-configuration',
        providerName: 'SSO',
        scopes: 'openid email profile',
      },
    });
    expect(v.extraEnvVars).toEqual(expect.arrayContaining([
      { name: 'ENABLE_LOGIN_FORM', value: 'False' },
      { name: 'ENABLE_SIGNUP', value: 'False' },
      { name: 'WEBUI_URL', value: 'http://localhost:8080' },
      { name: 'WEBUI_SECRET_KEY', valueFrom: { secretKeyRef: { name: 'open-webui-session-key', key: 'secret-key' } } },
      { name: 'OFFLINE_MODE', value: 'True' },
    ]));
    expect(JSON.stringify(v)).not.toMatch(/clientSecret"/);
  });

  test('non-root and restricted', () => {
    const v = r.values as any;
    expect(v.podSecurityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(v.containerSecurityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
  });

  test('every value is one the chart has; what it provides comes from the chart', () => {
    assertValuesInChart(r.values, chart());
    assertProvidedTemplates(r.provides, chart());
    expect(r.provides.workloads![0]).toMatchObject({
      podLabels: { 'app.kubernetes.io/instance': 'open-webui', 'app.kubernetes.io/component': 'open-webui' }, serviceAccount: 'open-webui-sa',
    });
  });

  test('error: a URL that is not one', () => {
    expect(() => OperatorCatalogue.openWebui({ ...props, openaiBaseUrl: 'model-gateway:8080' })).toThrow(
      'OperatorCatalogue.openWebui: invalid openaiBaseUrl = "model-gateway:8080": not an http(s) URL. Fix: give the full URL, e.g. https://login.example.com/.well-known/openid-configuration.');
  });
});
