import { CnaiError } from '../../core/errors';
import { GatewayAccessMode, GatewayChecks, GatewayOidcSpec } from '../../core/gateway-spec';

/**
 * How clients of a `ModelGateway` authenticate, and so which team each request counts
 * against (the `x-cnai-team` header the gateway sets after authentication, which its token budgets,
 * metrics and traces use; a client's own `x-cnai-team` header is removed first).
 *
 * - {@link GatewayAccess.apiKeys} (the default): `ModelGateway.addTeam(team)` generates a key in
 *   the cluster (never in the synthesized output) and copies it into the Secret
 *   `model-gateway-api-key` (key `api-key`) of the team's namespace; clients send it as
 *   `Authorization: Bearer <key>` (what OpenAI clients do with their `api_key`).
 * - {@link GatewayAccess.oidc}: clients send a JWT of your OpenID Connect provider; the gateway
 *   checks it against the provider's keys and admits the tokens whose team claim names a team added.
 */
export class GatewayAccess {
  /** API keys generated in the cluster, one per team added to the gateway. */
  public static apiKeys(): GatewayAccess {
    return new GatewayAccess(GatewayAccessMode.API_KEYS);
  }

  /** Bearer tokens (JWTs) of an OpenID Connect provider, the team in one of their claims. */
  public static oidc(provider: GatewayOidcSpec): GatewayAccess {
    const problems = GatewayChecks.accessProblems('GatewayAccess.oidc', 'access', { mode: GatewayAccessMode.OIDC, oidc: provider });
    if (problems.length > 0) throw new CnaiError(problems[0]);
    return new GatewayAccess(GatewayAccessMode.OIDC, provider);
  }

  /** How clients authenticate. */
  public readonly mode: GatewayAccessMode;
  /** The provider, for {@link GatewayAccessMode.OIDC}. */
  public readonly oidcProvider?: GatewayOidcSpec;

  private constructor(mode: GatewayAccessMode, provider?: GatewayOidcSpec) {
    this.mode = mode;
    this.oidcProvider = provider ? { ...provider, audiences: [...provider.audiences] } : undefined;
  }

  /** The JWKS URL of the OIDC provider (its own, or `<issuer>/.well-known/jwks.json`). */
  public get jwksUri(): string | undefined {
    const p = this.oidcProvider;
    return p ? p.jwksUri ?? `${p.issuer.replace(/\/+$/, '')}/.well-known/jwks.json` : undefined;
  }

  /** The claim that names the team (OIDC). */
  public get teamClaim(): string | undefined {
    return this.oidcProvider ? this.oidcProvider.teamClaim ?? 'team' : undefined;
  }
}

/** Name of the Secret a team's API key is copied into, in the team's namespace. */
export const GATEWAY_API_KEY_SECRET = 'model-gateway-api-key';
/** Key of the API key in {@link GATEWAY_API_KEY_SECRET}. */
export const GATEWAY_API_KEY_SECRET_KEY = 'api-key';
