/**
 * The optional chat front end's section of the spec (`chatUi`), checked here with one problem
 * per mistake, so that the spec validation and ChatUi report the same messages. Plain data.
 */
import { ProblemDetails } from './errors';

/** OIDC sign-in of the chat front end: the only way in. */
export interface ChatUiOidcSpec {
  /** The OpenID provider's discovery document, `https://<issuer>/.well-known/openid-configuration`. */
  readonly discoveryUrl: string;
  /** The OAuth client id registered for the chat front end (its redirect URI: `<url>/oauth/oidc/callback`). */
  readonly clientId: string;
  /**
   * The AWS Secrets Manager secret (name or ARN) holding the client secret, a JSON object; External
   * Secrets copies it into the chat front end's namespace. It never appears in the output or the
   * Terraform state.
   */
  readonly clientSecretName: string;
  /**
   * The property of that JSON secret holding the client secret.
   * @default 'client-secret'
   */
  readonly clientSecretKey?: string;
  /**
   * Name of the provider on the sign-in button.
   * @default 'SSO'
   */
  readonly providerName?: string;
}

/** The chat front end (Open WebUI) for the served models, behind the model gateway. */
export interface ChatUiSpec {
  /**
   * Whether the chat front end is installed.
   * @default true
   */
  readonly enabled?: boolean;
  /** OIDC sign-in. */
  readonly oidc: ChatUiOidcSpec;
  /**
   * The URL users open it at (its OIDC redirect URI is under it). It is not exposed outside the
   * cluster: reach it with `kubectl port-forward`, or put your own ingress in front of it.
   * @default 'http://localhost:8080' (kubectl -n chat-ui port-forward svc/open-webui 8080:80)
   */
  readonly url?: string;
  /**
   * Size of its data volume (encrypted, retained) in GiB.
   * @default 10
   */
  readonly storageGiB?: number;
}

/** Where a check's problems are reported. */
export interface ChatUiCheckContext {
  /** Construct path or spec name. */
  readonly construct: string;
  /** Prefix of the props (`chatUi.` in the spec, empty for ChatUi). */
  readonly prefix: string;
}

/** What the chat front end's settings are checked for, by the spec validation and ChatUi alike. */
export class ChatUiChecks {
  /**
   * The problems of the OIDC settings, the URL and the volume size: one per mistake.
   * @param gatewayOn whether the model gateway is there (the chat front end sends every chat through it)
   */
  public static problems(context: ChatUiCheckContext, chat: ChatUiSpec, gatewayOn: boolean): ProblemDetails[] {
    const out: ProblemDetails[] = [];
    const p = (prop: string, value: unknown, problem: string, fix: string) => out.push({ construct: context.construct, prop: `${context.prefix}${prop}`, value, problem, fix });
    if (!gatewayOn) {
      p('enabled', true, 'the chat front end sends every chat through the model gateway, and the gateway is off',
        'turn the gateway on (gateway: { enabled: true }), or leave the chat front end off');
    }
    const oidc = chat.oidc;
    if (oidc === undefined || oidc === null || typeof oidc !== 'object') {
      p('oidc', oidc, 'sign-in is by OIDC only, and no OpenID provider is given',
        'give oidc: { discoveryUrl, clientId, clientSecretName } of the client registered for the chat front end');
      return out;
    }
    if (typeof oidc.discoveryUrl !== 'string' || !/^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(oidc.discoveryUrl)) {
      p('oidc.discoveryUrl', oidc.discoveryUrl, 'not an https URL of the OpenID provider\'s discovery document',
        'give e.g. https://login.example.com/.well-known/openid-configuration');
    }
    if (typeof oidc.clientId !== 'string' || oidc.clientId.trim() === '') {
      p('oidc.clientId', oidc.clientId, 'no OAuth client id', 'give the client id the OpenID provider issued for the chat front end');
    }
    if (typeof oidc.clientSecretName !== 'string' || oidc.clientSecretName.trim() === '' || /\s/.test(oidc.clientSecretName)) {
      p('oidc.clientSecretName', oidc.clientSecretName, 'no Secrets Manager secret named for the client secret',
        'store the client secret in AWS Secrets Manager as JSON ({"client-secret": "..."}) and give the secret\'s name; never the value itself');
    }
    if (oidc.clientSecretKey !== undefined && !/^[A-Za-z0-9._-]{1,253}$/.test(oidc.clientSecretKey)) {
      p('oidc.clientSecretKey', oidc.clientSecretKey, 'not a property name of a JSON secret', 'give the property that holds the client secret, e.g. client-secret');
    }
    if (chat.url !== undefined && (typeof chat.url !== 'string' || !/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(chat.url) || chat.url.endsWith('/'))) {
      p('url', chat.url, 'not an http(s) URL without a trailing slash', 'give the URL users open, e.g. https://chat.example.com');
    }
    if (chat.storageGiB !== undefined && (!Number.isInteger(chat.storageGiB) || chat.storageGiB < 1)) {
      p('storageGiB', chat.storageGiB, 'not a whole number of GiB of at least 1', 'give e.g. 10');
    }
    return out;
  }

  private constructor() {}
}
