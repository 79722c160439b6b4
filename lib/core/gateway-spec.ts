/**
 * The model gateway's vocabulary, shared by the spec and the Kubernetes layer: how the gateway
 * is exposed, and the spec's `gateway` section. Plain data, checked here with one problem per
 * mistake, so that the spec validation and ModelGateway report the same messages.
 */
import { Cidr } from './cidr';
import { GatewayEndpointPickerSpec } from './endpoint-picker-spec';
import { CnaiError, ProblemDetails } from './errors';

/** How the model gateway is reached. */
export enum GatewayExposure {
  /** Inside the cluster only: a ClusterIP Service, no load balancer (the default). */
  CLUSTER = 'cluster',
  /** An internal Network Load Balancer (reachable from the VPC and networks routed to it), with TLS. */
  INTERNAL_LOAD_BALANCER = 'internal-load-balancer',
  /** An internet-facing Network Load Balancer with TLS, reachable only from the CIDRs given. An explicit opt-in. */
  PUBLIC_LOAD_BALANCER = 'public-load-balancer',
}

/** How the gateway knows which team a request comes from (the identity its token budgets and usage metrics use). */
export enum GatewayAccessMode {
  /**
   * API keys: each client team gets a key generated in the cluster, as a Secret in its own
   * namespace; the gateway checks the `Authorization: Bearer <key>` header against the keys
   * (Envoy Gateway SecurityPolicy `apiKeyAuth`). The default.
   */
  API_KEYS = 'api-keys',
  /**
   * OIDC: clients send a bearer token (JWT) from your OpenID Connect provider; the gateway
   * validates it against the provider's keys and reads the team from a claim (Envoy Gateway
   * SecurityPolicy `jwt`, authorization by claim).
   */
  OIDC = 'oidc',
}

/** The OpenID Connect provider of {@link GatewayAccessMode.OIDC}. */
export interface GatewayOidcSpec {
  /** The issuer (`iss` of the tokens), an https URL. */
  readonly issuer: string;
  /** Audiences a token must carry one of (`aud`), at least one. */
  readonly audiences: string[];
  /**
   * The provider's JSON Web Key Set, an https URL.
   * @default - `<issuer>/.well-known/jwks.json`
   */
  readonly jwksUri?: string;
  /**
   * The claim that names the team (its value must be a team name of the platform).
   * @default 'team'
   */
  readonly teamClaim?: string;
}

/** Who may call the gateway, and how the gateway knows the caller's team. */
export interface GatewayAccessSpec {
  /**
   * How clients prove who they are.
   * @default GatewayAccessMode.API_KEYS
   */
  readonly mode?: GatewayAccessMode;
  /**
   * The OpenID Connect provider; with `mode: OIDC` only, and then required.
   * @default - none
   */
  readonly oidc?: GatewayOidcSpec;
}

/** Request header that carries the caller's team after authentication (set by the gateway, never taken from the client). */
export const GATEWAY_TEAM_HEADER = 'x-cnai-team';

/** A team's token budget at the gateway. */
export interface TeamTokenBudgetSpec {
  /** The team (a name of `teams`). */
  readonly team: string;
  /** Tokens (prompt and completion) the team's requests may use per hour, across every model. */
  readonly tokensPerHour: number;
}

/** The model gateway: one OpenAI-compatible endpoint that routes by model name to each served model. */
export interface GatewaySpec {
  /**
   * Whether the gateway is installed.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The served models (names of `models`) the gateway routes to.
   * @default - every served model
   */
  readonly models?: string[];
  /**
   * The teams (names of `teams`) whose pods may call the gateway.
   * @default - every team
   */
  readonly clientTeams?: string[];
  /**
   * Token budgets per team (of `clientTeams`), enforced at the gateway by Envoy Gateway's global
   * rate limit (a Redis the platform installs): a team over its budget gets HTTP 429 until its
   * usage of the last hour falls below it.
   * @default - none: teams are not limited
   */
  readonly teamBudgets?: TeamTokenBudgetSpec[];
  /**
   * How clients authenticate, and so which team a request counts against.
   * @default - API keys, one per client team, generated in the cluster
   */
  readonly access?: GatewayAccessSpec;
  /**
   * How the gateway is reached.
   * @default GatewayExposure.CLUSTER
   */
  readonly exposure?: GatewayExposure;
  /**
   * With `exposure: PUBLIC_LOAD_BALANCER` only, and then required: the client CIDRs the load balancer accepts.
   * @default - none
   */
  readonly publicCidrs?: string[];
  /**
   * With `exposure: INTERNAL_LOAD_BALANCER` only: networks routed to the VPC (peering, VPN, Direct
   * Connect, a transit gateway) whose clients may reach the internal load balancer, beside the VPC.
   * @default - the VPC's own CIDRs only (the AWS Load Balancer Controller's default for an internal load balancer)
   */
  readonly internalClientCidrs?: string[];
  /**
   * The HTTPS listener's certificate (a kubernetes.io/tls Secret in the gateway's namespace); required
   * for the load balancer exposures.
   * @default - none
   */
  readonly tlsSecretName?: string;
  /**
   * The AWS Secrets Manager secret (name or ARN) holding the HTTPS listener's certificate chain and
   * private key as JSON (`{"tls.crt": "<PEM chain>", "tls.key": "<PEM key>"}`): External Secrets
   * copies it into the Secret `tlsSecretName` (type kubernetes.io/tls) of the gateway's namespace,
   * and the AWS layer lets External Secrets read it (and only it). With a load balancer exposure only.
   * @default - none: you create the Secret `tlsSecretName` yourself (e.g. with cert-manager)
   */
  readonly tlsCertificateSecretName?: string;
  /**
   * The endpoint picker of each vLLM model routed (an InferencePool per model): scorer weights,
   * failure mode, replicas and size; `enabled: false` routes vLLM models through their Service.
   * @default - on, with the picker's defaults (queue 2, KV cache 2, prefix cache 3; fail open; 1 replica of 1 core and 1 GiB)
   */
  readonly endpointPicker?: GatewayEndpointPickerSpec;
}

/** True when the gateway section asks for a load balancer (the AWS Load Balancer Controller is then needed). */
export function gatewayNeedsLoadBalancer(gateway: GatewaySpec | undefined): boolean {
  if (!gateway || gateway.enabled === false) return false;
  const exposure = gateway.exposure ?? GatewayExposure.CLUSTER;
  return exposure === GatewayExposure.INTERNAL_LOAD_BALANCER || exposure === GatewayExposure.PUBLIC_LOAD_BALANCER;
}

/** Where the problems of an exposure are reported. */
export interface GatewayExposureSite {
  /** Construct path or spec name. */
  readonly construct: string;
  /** Name of the exposure prop (`exposure`, `gateway.exposure`). */
  readonly exposureProp: string;
  /** Name of the CIDR prop (`publicCidrs`, `gateway.publicCidrs`). */
  readonly cidrsProp: string;
}

/** Checks of the model gateway's settings, shared by the spec validation and ModelGateway. */
export class GatewayChecks {
  /**
   * The problems of an exposure and its CIDRs: public exposure needs CIDRs (none open to the
   * whole internet), and CIDRs need public exposure.
   */
  public static exposureProblems(site: GatewayExposureSite, exposure: GatewayExposure, publicCidrs: string[] | undefined): ProblemDetails[] {
    const out: ProblemDetails[] = [];
    const p = (prop: string, value: unknown, problem: string, fix: string) => out.push({ construct: site.construct, prop, value, problem, fix });
    if (!Object.values(GatewayExposure).includes(exposure)) {
      p(site.exposureProp, exposure, 'not a GatewayExposure', 'use GatewayExposure.CLUSTER, INTERNAL_LOAD_BALANCER or PUBLIC_LOAD_BALANCER');
      return out;
    }
    const cidrs = publicCidrs ?? [];
    if (exposure === GatewayExposure.PUBLIC_LOAD_BALANCER) {
      if (cidrs.length === 0) {
        p(site.cidrsProp, publicCidrs, 'a public gateway needs the client CIDRs it accepts; without them it would be open to the internet',
          `list your clients' ranges in ${site.cidrsProp} (e.g. ["203.0.113.0/24"]), or use GatewayExposure.INTERNAL_LOAD_BALANCER or CLUSTER`);
      }
      cidrs.forEach((c, i) => {
        try {
          const block = Cidr.parse(c, site.construct, `${site.cidrsProp}[${i}]`);
          if (block.prefixLength === 0) {
            p(`${site.cidrsProp}[${i}]`, c, 'admits every address of the internet', 'list only the ranges of your clients');
          }
        } catch (e) {
          if (!(e instanceof CnaiError)) throw e;
          out.push({ construct: e.construct, prop: e.prop, value: e.value, problem: e.problem, fix: e.fix });
        }
      });
    } else if (cidrs.length > 0) {
      p(site.cidrsProp, publicCidrs, `client CIDRs apply to a public load balancer only, and the exposure is ${exposure}`,
        `leave ${site.cidrsProp} out, or set ${site.exposureProp} to GatewayExposure.PUBLIC_LOAD_BALANCER explicitly`);
    }
    return out;
  }

  /**
   * The problems of the client CIDRs of an internal load balancer: with that exposure only, each a
   * CIDR block, none admitting every address.
   * @param construct construct path or spec name
   * @param prop name of the CIDR prop (`internalClientCidrs`, `gateway.internalClientCidrs`)
   * @param exposure the gateway's exposure
   * @param cidrs the CIDRs given
   */
  public static internalClientCidrProblems(construct: string, prop: string, exposure: GatewayExposure,
    cidrs: string[] | undefined): ProblemDetails[] {
    const out: ProblemDetails[] = [];
    if (cidrs === undefined) return out;
    if (exposure !== GatewayExposure.INTERNAL_LOAD_BALANCER) {
      out.push({
        construct,
        prop,
        value: cidrs,
        problem: `networks routed to the VPC reach an internal load balancer only, and the exposure is ${exposure}`,
        fix: exposure === GatewayExposure.PUBLIC_LOAD_BALANCER ? 'list a public gateway\'s clients in publicCidrs' : `leave ${prop} out, or use GatewayExposure.INTERNAL_LOAD_BALANCER`,
      });
      return out;
    }
    cidrs.forEach((c, i) => {
      try {
        if (Cidr.parse(c, construct, `${prop}[${i}]`).prefixLength === 0) {
          out.push({ construct, prop: `${prop}[${i}]`, value: c, problem: 'admits every address', fix: 'list only the ranges of the networks routed to the VPC' });
        }
      } catch (e) {
        if (!(e instanceof CnaiError)) throw e;
        out.push({ construct: e.construct, prop: e.prop, value: e.value, problem: e.problem, fix: e.fix });
      }
    });
    return out;
  }

  /**
   * The problems of an access setting: OIDC needs its provider (an https issuer, audiences, a
   * claim), and the provider belongs to OIDC only.
   */
  public static accessProblems(construct: string, prop: string, access: GatewayAccessSpec | undefined): ProblemDetails[] {
    const out: ProblemDetails[] = [];
    const p = (at: string, value: unknown, problem: string, fix: string) => out.push({ construct, prop: at, value, problem, fix });
    const mode = access?.mode ?? GatewayAccessMode.API_KEYS;
    if (!Object.values(GatewayAccessMode).includes(mode)) {
      p(`${prop}.mode`, mode, 'not a GatewayAccessMode', 'use GatewayAccessMode.API_KEYS or GatewayAccessMode.OIDC');
      return out;
    }
    const oidc = access?.oidc;
    if (mode === GatewayAccessMode.API_KEYS) {
      if (oidc) p(`${prop}.oidc`, oidc.issuer, 'an OIDC provider is given, and the access mode is API keys', `leave ${prop}.oidc out, or set ${prop}.mode to GatewayAccessMode.OIDC`);
      return out;
    }
    if (!oidc) {
      p(`${prop}.oidc`, undefined, 'OIDC access needs the provider whose tokens the gateway accepts', `give ${prop}.oidc: { issuer: "https://...", audiences: ["model-gateway"] }`);
      return out;
    }
    const https = (at: string, url: string | undefined) => {
      let ok = false;
      try {
        ok = url !== undefined && new URL(url).protocol === 'https:';
      } catch {
        ok = false;
      }
      if (!ok) p(at, url, 'not an https URL: the gateway would accept keys fetched over a connection anyone on the path could change', 'give the provider\'s https URL');
    };
    https(`${prop}.oidc.issuer`, oidc.issuer);
    if (oidc.jwksUri !== undefined) https(`${prop}.oidc.jwksUri`, oidc.jwksUri);
    if (!Array.isArray(oidc.audiences) || oidc.audiences.length === 0 || oidc.audiences.some((a) => typeof a !== 'string' || a.length === 0)) {
      p(`${prop}.oidc.audiences`, oidc.audiences, 'no audience: the gateway would accept tokens the provider issued for any application',
        'give the audience your provider puts into the gateway\'s tokens, e.g. ["model-gateway"]');
    }
    if (oidc.teamClaim !== undefined && !/^[A-Za-z0-9_.:\/-]+$/.test(oidc.teamClaim)) {
      p(`${prop}.oidc.teamClaim`, oidc.teamClaim, 'not a claim name', 'give the name of the claim that holds the team, e.g. "team"');
    }
    return out;
  }
}
