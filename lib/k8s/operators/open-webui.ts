import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { invalidProp } from '../../core/errors';
import { CHAT_UI_IMAGES, OPERATOR_SOURCES } from '../../core/versions';
import { PodSecurityLevel } from '../pod-security';

/** Name of the Open WebUI release (Argo CD Application, Helm release; the chart's full name, since it contains the chart name). */
export const OPEN_WEBUI_RELEASE = 'open-webui';

/** Labels of Open WebUI's pods (templates/_helpers.tpl `open-webui.selectorLabels`: the release and the chart name). */
export const OPEN_WEBUI_POD_LABELS = { 'app.kubernetes.io/instance': OPEN_WEBUI_RELEASE, 'app.kubernetes.io/component': 'open-webui' };

/** Open WebUI's container port (the chart's `service.containerPort`). */
export const OPEN_WEBUI_PORT = 8080;

/** Uid and gid Open WebUI runs as (the image's default user is root). */
const OPEN_WEBUI_UID = 1000;

/** OIDC sign-in of the Open WebUI release. */
export interface OpenWebuiOidcValues {
  /** The OpenID provider's discovery document (`https://<issuer>/.well-known/openid-configuration`). */
  readonly providerUrl: string;
  /** The OAuth client id registered for the chat front end. */
  readonly clientId: string;
  /** The Secret (in the release's namespace) that holds the client secret. */
  readonly clientSecretName: string;
  /** The key of that Secret. */
  readonly clientSecretKey: string;
  /**
   * Name of the provider on the sign-in button.
   * @default 'SSO'
   */
  readonly providerName?: string;
  /**
   * Scopes asked for.
   * @default 'openid email profile'
   */
  readonly scopes?: string;
}

/** Props of the Open WebUI release. */
/** Where Open WebUI reads the API key of its OpenAI connection. */
export interface OpenWebuiApiKeySecret {
  /** Name of the Secret. */
  readonly name: string;
  /** Key of the API key in the Secret. */
  readonly key: string;
}

/** Props of the Open WebUI release (built by ChatUi). */
export interface OpenWebuiReleaseProps {
  /** Namespace it installs into. */
  readonly namespace: string;
  /** The OpenAI-compatible base URL it sends chats to (the model gateway's). */
  readonly openaiBaseUrl: string;
  /**
   * The Secret (in `namespace`) holding the API key it sends with each chat (the gateway's key for it).
   * @default - no API key
   */
  readonly openaiApiKeySecret?: OpenWebuiApiKeySecret;
  /** OIDC sign-in (the only way in: the login form and password sign-up are off). */
  readonly oidc: OpenWebuiOidcValues;
  /** The URL users open it at: the OIDC redirect URI is `<url>/oauth/oidc/callback`. */
  readonly url: string;
  /** The PersistentVolumeClaim of its data (SQLite database, uploads, the copied embedding model). */
  readonly dataClaimName: string;
  /** The Secret (in the release's namespace) with the key that signs its sessions, key `secret-key`. */
  readonly secretKeySecretName: string;
  /**
   * PriorityClass of its pod.
   * @default - none
   */
  readonly priorityClassName?: string;
}

/**
 * Open WebUI 0.11.0, the chat front end of the platform's served models (ChatUi builds this
 * release and the objects around it).
 *
 * Source: the open-webui chart 16.0.0 (https://helm.openwebui.com; charts/open-webui at tag
 * open-webui-16.0.0, MIT). Values, each one the vendored chart has:
 * - the bundled extras off: Ollama, Pipelines, Tika, terminals, and the websocket Redis (one
 *   replica needs no websocket manager);
 * - chats go to the OpenAI-compatible `openaiBaseUrl` with the key of `openaiApiKeySecret`
 *   (`openaiApiKeyExistingSecret`; `openaiApiKey` empty, so the chart's default key is never written
 *   into the pod spec);
 * - OIDC sign-in with the client secret from a Secret (`clientExistingSecret`), sign-up of OIDC
 *   users on, the login form and password sign-up off (`ENABLE_LOGIN_FORM`, `ENABLE_SIGNUP`);
 * - one replica on a claim the caller makes (`persistence.existingClaim`: the encrypted,
 *   retained volume), so the chart creates no claim of its own;
 * - non-root (uid 1000), no privilege escalation, every capability dropped, RuntimeDefault
 *   seccomp, read-only root filesystem with /tmp on an emptyDir; the session key from a Secret,
 *   so its start script writes no key file into the image;
 * - no telemetry and no downloads at run time (`OFFLINE_MODE`, `HF_HUB_OFFLINE`): the egress
 *   it is allowed is the gateway and the OpenID provider.
 * @internal
 */
export function openWebuiRelease(props: OpenWebuiReleaseProps): OperatorRelease {
  const where = 'OperatorCatalogue.openWebui';
  for (const [prop, v] of [['openaiBaseUrl', props.openaiBaseUrl], ['oidc.providerUrl', props.oidc?.providerUrl], ['url', props.url]] as [string, string][]) {
    if (typeof v !== 'string' || !/^https?:\/\/[^\s]+$/.test(v)) {
      throw invalidProp(where, prop, v, 'not an http(s) URL', 'give the full URL, e.g. https://login.example.com/.well-known/openid-configuration');
    }
  }
  const image = CHAT_UI_IMAGES.openWebui;
  const securityContext = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: OPEN_WEBUI_UID,
    runAsGroup: OPEN_WEBUI_UID,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
  const resources = { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } };
  const probe = (failureThreshold: number, periodSeconds: number) => ({
    httpGet: { path: '/health', port: 'http' }, periodSeconds, timeoutSeconds: 5, failureThreshold,
  });
  return new OperatorRelease({
    name: OPEN_WEBUI_RELEASE,
    namespace: props.namespace,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.openWebui),
    values: {
      ollama: { enabled: false },
      pipelines: { enabled: false },
      tika: { enabled: false },
      terminals: { enabled: false },
      websocket: { enabled: false },
      replicaCount: 1,
      image: { repository: image.repository, tag: image.tag, pullPolicy: 'IfNotPresent' },
      ...(props.priorityClassName ? { priorityClassName: props.priorityClassName } : {}),
      serviceAccount: { enable: true, create: true, automountServiceAccountToken: false },
      persistence: { enabled: true, provider: 'local', existingClaim: props.dataClaimName },
      service: { type: 'ClusterIP' },
      enableOpenaiApi: true,
      openaiBaseApiUrl: props.openaiBaseUrl,
      openaiApiKey: '',
      ...(props.openaiApiKeySecret
        ? { openaiApiKeyExistingSecret: props.openaiApiKeySecret.name, openaiApiKeyExistingSecretKey: props.openaiApiKeySecret.key }
        : {}),
      sso: {
        enabled: true,
        enableSignup: true,
        oidc: {
          enabled: true,
          clientId: props.oidc.clientId,
          clientExistingSecret: props.oidc.clientSecretName,
          clientExistingSecretKey: props.oidc.clientSecretKey,
          providerUrl: props.oidc.providerUrl,
          providerName: props.oidc.providerName ?? 'SSO',
          scopes: props.oidc.scopes ?? 'openid email profile',
        },
      },
      extraEnvVars: [
        { name: 'WEBUI_URL', value: props.url },
        { name: 'WEBUI_SECRET_KEY', valueFrom: { secretKeyRef: { name: props.secretKeySecretName, key: 'secret-key' } } },
        { name: 'ENABLE_LOGIN_FORM', value: 'False' },
        { name: 'ENABLE_SIGNUP', value: 'False' },
        { name: 'OFFLINE_MODE', value: 'True' },
        { name: 'HF_HUB_OFFLINE', value: '1' },
        { name: 'ANONYMIZED_TELEMETRY', value: 'False' },
        { name: 'DO_NOT_TRACK', value: 'True' },
        { name: 'SCARF_NO_ANALYTICS', value: 'True' },
        { name: 'HOME', value: '/tmp' },
      ],
      podSecurityContext: { runAsNonRoot: true, runAsUser: OPEN_WEBUI_UID, runAsGroup: OPEN_WEBUI_UID, fsGroup: OPEN_WEBUI_UID, seccompProfile: { type: 'RuntimeDefault' } },
      containerSecurityContext: securityContext,
      resources,
      copyAppData: { resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } } },
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '2Gi' } }],
      volumeMounts: { container: [{ name: 'tmp', mountPath: '/tmp' }] },
      startupProbe: probe(60, 10),
      readinessProbe: probe(3, 10),
      livenessProbe: probe(4, 15),
    },
    // After the gateway and the client secret's ExternalSecret.
    phase: InstallPhase.PLATFORM,
    // Its data is on a claim the platform makes and keeps; the release itself holds none.
    podSecurity: PodSecurityLevel.RESTRICTED,
    description: 'Open WebUI: the chat front end of the served models, behind the model gateway, with OIDC sign-in.',
    provides: {
      services: [
        { name: OPEN_WEBUI_RELEASE, ports: [{ name: 'http', port: 80, targetPort: OPEN_WEBUI_PORT }], selector: OPEN_WEBUI_POD_LABELS, template: 'templates/service.yaml' },
      ],
      workloads: [{
        name: OPEN_WEBUI_RELEASE,
        podLabels: OPEN_WEBUI_POD_LABELS,
        ports: [{ name: 'http', containerPort: OPEN_WEBUI_PORT }],
        serviceAccount: `${OPEN_WEBUI_RELEASE}-sa`,
        template: 'templates/workload-manager.yaml',
        // Every chat goes to the gateway (OPENAI_API_BASE_URL): a flow the verification checks.
        connectsTo: [props.openaiBaseUrl],
      }],
    },
  });
}
