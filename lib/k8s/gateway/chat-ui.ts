import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ModelGateway } from './model-gateway';
import { ChatUiChecks } from '../../core/chat-ui-spec';
import { CnaiError, invalidProp } from '../../core/errors';
import { GatewayAccessMode } from '../../core/gateway-spec';
import { NAME_RULES, assertName } from '../../core/names';
import { dnsEgress, httpsEgress, tcpPorts } from '../common/egress';
import { EncryptedStorageClass } from '../common/encrypted-storage-class';
import { GeneratedSecret } from '../common/generated-secret';
import { NamespaceIsolation } from '../common/namespace-isolation';
import { SecretSource, SecretSourceKind } from '../common/secret-source';
import { ArgoCdApplications } from '../operators/argo-cd-applications';
import { OPEN_WEBUI_POD_LABELS, OPEN_WEBUI_PORT, openWebuiRelease } from '../operators/open-webui';
import { OperatorRelease } from '../operators/release';
import { SYNC_WAVE_ANNOTATION, WORKLOADS_SYNC_WAVE } from '../pod-security';
import { IPriorityClass } from '../priority-class';
import { WorkloadSelector } from '../workload-selector';

/** Argo CD must never delete the data volume, even when the chat front end leaves the output. */
const KEEP_ANNOTATION = { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' };

/** OIDC sign-in of {@link ChatUi}. */
export interface ChatUiOidc {
  /** The OpenID provider's discovery document, `https://<issuer>/.well-known/openid-configuration`. */
  readonly discoveryUrl: string;
  /** The OAuth client id registered for the chat front end (redirect URI `<url>/oauth/oidc/callback`). */
  readonly clientId: string;
  /**
   * Where the client secret comes from: `SecretSource.secretsManager("<secret>")` (External Secrets
   * copies it into the namespace), or `SecretSource.existingSecret("<name>")` of the namespace.
   */
  readonly clientSecret: SecretSource;
  /**
   * The property of the JSON secret in Secrets Manager (or the key of the existing Secret) with the client secret.
   * @default 'client-secret'
   */
  readonly clientSecretKey?: string;
  /**
   * Name of the provider on the sign-in button.
   * @default 'SSO'
   */
  readonly providerName?: string;
}

/** Props of {@link ChatUi}. */
export interface ChatUiProps {
  /** The model gateway every chat goes through: its served models are the ones users can pick. */
  readonly gateway: ModelGateway;
  /** OIDC sign-in: the only way in (no login form, no password sign-up). */
  readonly oidc: ChatUiOidc;
  /**
   * The URL users open (its OIDC redirect URI is under it).
   * @default 'http://localhost:8080' (`kubectl -n chat-ui port-forward svc/open-webui 8080:80`)
   */
  readonly url?: string;
  /**
   * Namespace (created with the restricted Pod Security level and default-deny networking).
   * @default 'chat-ui'
   */
  readonly namespace?: string;
  /**
   * Size of the data volume (SQLite database, uploads) in GiB.
   * @default 10
   */
  readonly storageGiB?: number;
  /**
   * The StorageClass of the data volume.
   * @default EncryptedStorageClass.ensure(scope) (the platform's encrypted gp3 class, reclaim policy Retain)
   */
  readonly storageClass?: EncryptedStorageClass;
  /**
   * Workloads that may open it (e.g. an ingress controller's pods). None by default: users reach it
   * with `kubectl port-forward`, which no NetworkPolicy sees.
   * @default - none
   */
  readonly allowFrom?: WorkloadSelector[];
  /**
   * Address block of the API server's endpoints, for the job that generates the session key.
   * @default "10.0.0.0/16"
   */
  readonly apiServerCidr?: string;
  /**
   * The PriorityClass of its pod.
   * @default - none
   */
  readonly priorityClass?: IPriorityClass;
  /**
   * Kubernetes version the namespace's Pod Security labels pin.
   * @default - EKS.defaultKubernetesVersion
   */
  readonly kubernetesVersion?: string;
}

/**
 * A chat front end for the served models: Open WebUI 0.11.0 (chart 16.0.0, `OperatorCatalogue.openWebui`),
 * installed by its own Argo CD Application, with everything around it:
 *
 * - every chat goes to the model gateway's OpenAI endpoint: its pods are a client of the gateway
 *   (the gateway admits them, their egress allows the proxies), and no model server is called directly;
 * - sign-in by OIDC only; the client secret is copied from AWS Secrets Manager by External Secrets
 *   (or read from an existing Secret), never written into the output; the session signing key is
 *   generated in the cluster;
 * - its data on a claim of the platform's encrypted StorageClass (reclaim policy Retain), which
 *   Argo CD never prunes;
 * - non-root, restricted Pod Security, default-deny networking: in only from `allowFrom`, out only
 *   to DNS, the gateway and the OpenID provider (HTTPS);
 * - no Service of type LoadBalancer, no Ingress: not exposed outside the cluster.
 *
 * ```ts
 * new ChatUi(chart, 'chat', {
 *   gateway,
 *   oidc: { discoveryUrl: 'https://login.example.com/.well-known/openid-configuration', clientId: 'cnai-chat',
 *           clientSecret: SecretSource.secretsManager('cnai-prod/chat-ui-oidc') },
 * });
 * ```
 */
export class ChatUi extends Construct {
  /** Namespace. */
  public readonly namespaceName: string;
  /** The URL users open. */
  public readonly url: string;
  /** The Open WebUI release (installed by {@link ChatUi.applications}). */
  public readonly release: OperatorRelease;
  /** The Argo CD Application (and the namespace) of the release. */
  public readonly applications: ArgoCdApplications;
  /** The data volume's claim. */
  public readonly dataClaim: k8s.KubePersistentVolumeClaim;
  /** Name of the Secret with the OIDC client secret. */
  public readonly oidcSecretName: string;
  /** The NetworkPolicies of the namespace (default-deny, DNS, and the chat front end's flows). */
  public readonly isolation: NamespaceIsolation;

  constructor(scope: Construct, id: string, props: ChatUiProps) {
    super(scope, id);
    const where = this.node.path;
    if (!(props.gateway instanceof ModelGateway)) {
      throw invalidProp(where, 'gateway', props.gateway, 'the chat front end sends every chat through the model gateway, and none is given',
        'create a ModelGateway (installed with OperatorCatalogue.modelGateway()) and pass it');
    }
    if (props.gateway.access.mode !== GatewayAccessMode.API_KEYS) {
      throw invalidProp(where, 'gateway', `${props.gateway.node.path} (access ${props.gateway.access.mode})`,
        'the chat front end calls the gateway with a key of its own, and this gateway admits people\'s OIDC tokens only',
        'give the gateway API keys (GatewayAccess.apiKeys(); the spec\'s gateway.access), or leave the chat front end off');
    }
    const oidc = props.oidc;
    const problems = ChatUiChecks.problems({ construct: where, prefix: '' }, {
      oidc: oidc === undefined ? undefined as never : { discoveryUrl: oidc.discoveryUrl, clientId: oidc.clientId, clientSecretName: 'given', clientSecretKey: oidc.clientSecretKey },
      url: props.url,
      storageGiB: props.storageGiB,
    }, true);
    if (problems.length > 0) throw new CnaiError(problems[0]);
    if (!(oidc.clientSecret instanceof SecretSource) || oidc.clientSecret.kind === SecretSourceKind.GENERATED) {
      throw invalidProp(where, 'oidc.clientSecret', oidc.clientSecret instanceof SecretSource ? 'SecretSource.generated()' : '<not shown>',
        'the client secret is issued by the OpenID provider: it must come from where it is stored, never inline or generated',
        'use SecretSource.secretsManager("<secret name>") or SecretSource.existingSecret("<name>")');
    }
    this.namespaceName = assertName(where, 'namespace', props.namespace ?? 'chat-ui', NAME_RULES.dns1123Label);
    this.url = props.url ?? 'http://localhost:8080';
    const storageGiB = props.storageGiB ?? 10;
    const annotations = { [SYNC_WAVE_ANNOTATION]: String(WORKLOADS_SYNC_WAVE - 1) };
    const labels = { 'app.kubernetes.io/part-of': 'cnai-platform', 'app.kubernetes.io/component': 'chat-ui' };

    // Secrets: the OIDC client secret from where it is stored, the session key generated here.
    const secretKey = oidc.clientSecretKey ?? 'client-secret';
    this.oidcSecretName = oidc.clientSecret.materialize(this, 'OidcClientSecret', {
      namespace: this.namespaceName,
      name: 'open-webui-oidc',
      keys: { [secretKey]: secretKey },
      syncWave: WORKLOADS_SYNC_WAVE - 1,
    });
    const sessionKey = new GeneratedSecret(this, 'SessionKey', {
      namespace: this.namespaceName,
      name: 'open-webui-session-key',
      keys: { 'secret-key': 'secret-key' },
      apiServerCidr: props.apiServerCidr,
      valueLength: 64,
    });

    // The data volume: encrypted, retained by the StorageClass, never pruned by Argo CD.
    const storageClass = props.storageClass ?? EncryptedStorageClass.ensure(this);
    this.dataClaim = new k8s.KubePersistentVolumeClaim(this, 'Data', {
      metadata: { name: 'open-webui-data', namespace: this.namespaceName, labels, annotations: { ...annotations, ...KEEP_ANNOTATION } },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: storageClass.storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(`${storageGiB}Gi`) } },
      },
    });

    // Its key of the gateway (in its namespace), like a team's.
    const pods = WorkloadSelector.inNamespace(this.namespaceName, OPEN_WEBUI_POD_LABELS);
    const access = props.gateway.addClient(pods);
    this.release = openWebuiRelease({
      namespace: this.namespaceName,
      openaiBaseUrl: props.gateway.baseUrl,
      openaiApiKeySecret: { name: access.apiKeySecretName!, key: access.apiKeySecretKey! },
      oidc: {
        providerUrl: oidc.discoveryUrl,
        clientId: oidc.clientId,
        clientSecretName: this.oidcSecretName,
        clientSecretKey: secretKey,
        providerName: oidc.providerName,
      },
      url: this.url,
      dataClaimName: this.dataClaim.name,
      secretKeySecretName: sessionKey.secretName,
      priorityClassName: props.priorityClass?.priorityClassName,
    });
    this.applications = new ArgoCdApplications(this, 'Release', { releases: [this.release], kubernetesVersion: props.kubernetesVersion });

    // Networking: default-deny, then only what it needs.
    this.isolation = NamespaceIsolation.ensure(this, this.namespaceName);
    this.isolation.allow('open-webui-egress', {
      podSelector: { matchLabels: { ...OPEN_WEBUI_POD_LABELS } },
      policyTypes: ['Egress'],
      egress: [
        dnsEgress(),
        // Chats: the gateway's proxies only.
        { to: [props.gateway.proxies().toPeer()], ports: tcpPorts(props.gateway.containerPort) },
        // Sign-in: the OpenID provider's discovery document, keys and token endpoint (outside the cluster, HTTPS).
        httpsEgress(),
      ],
    });
    const clients = props.allowFrom ?? [];
    clients.forEach((c, i) => {
      if (!(c instanceof WorkloadSelector)) {
        throw invalidProp(where, `allowFrom[${i}]`, c, 'not a WorkloadSelector', 'use WorkloadSelector.inNamespace(...) of the pods that may open the chat front end');
      }
    });
    if (clients.length > 0) {
      this.isolation.allow('open-webui-clients', {
        podSelector: { matchLabels: { ...OPEN_WEBUI_POD_LABELS } },
        policyTypes: ['Ingress'],
        ingress: [{ from: clients.map((c) => c.toPeer()), ports: tcpPorts(OPEN_WEBUI_PORT) }],
      });
    }
  }

  /** The chat front end's pods, as a network peer. */
  public workloads(): WorkloadSelector {
    return WorkloadSelector.inNamespace(this.namespaceName, OPEN_WEBUI_POD_LABELS);
  }
}
