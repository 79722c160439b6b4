/**
 * The model gateway's vocabulary, shared by the spec and the Kubernetes layer: how the gateway
 * is exposed, and the spec's `gateway` section. Plain data, checked here with one problem per
 * mistake, so that the spec validation and ModelGateway report the same messages.
 */
import { Cidr } from './cidr';
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
   * Token budgets per team. Checked against the teams; enforcement at the gateway is not built yet
   * (it needs Envoy Gateway's global rate limit service), so a spec with budgets is refused by the
   * Kubernetes layer rather than silently unenforced.
   * @default - none
   */
  readonly teamBudgets?: TeamTokenBudgetSpec[];
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
   * The HTTPS listener's certificate (a kubernetes.io/tls Secret in the gateway's namespace); required
   * for the load balancer exposures.
   * @default - none
   */
  readonly tlsSecretName?: string;
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
}
