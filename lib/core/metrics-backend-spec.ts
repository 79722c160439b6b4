/**
 * The metrics backend's section of a platform spec: what runs besides the in-cluster
 * kube-prometheus-stack. Plain data, checked here with one problem per mistake, so that the
 * spec validation, the AWS layer and the Kubernetes layer report the same messages.
 */

import { ProblemCollector, ProblemDetails } from './errors';

/** How people sign in to the managed Grafana workspace. */
export enum GrafanaAuthentication {
  /** AWS IAM Identity Center: users and groups of its identity store. */
  AWS_SSO = 'AWS_SSO',
  /** A SAML 2.0 identity provider. */
  SAML = 'SAML',
}

/** Who may use the managed Grafana workspace, as groups of the IAM Identity Center identity store. */
export interface GrafanaIdentityCenterSpec {
  /** Group ids of the identity store whose members administer the workspace (data sources, dashboards, users); at least one. */
  readonly adminGroupIds: string[];
  /**
   * Group ids whose members edit dashboards.
   * @default - none
   */
  readonly editorGroupIds?: string[];
  /**
   * Group ids whose members view dashboards.
   * @default - none
   */
  readonly viewerGroupIds?: string[];
}

/** Sign-in to the managed Grafana workspace through a SAML 2.0 identity provider. */
export interface GrafanaSamlSpec {
  /**
   * URL of the identity provider's metadata (give it or `idpMetadataXml`).
   * @default - none
   */
  readonly idpMetadataUrl?: string;
  /**
   * The identity provider's metadata document (give it or `idpMetadataUrl`).
   * @default - none
   */
  readonly idpMetadataXml?: string;
  /** Name of the assertion attribute that carries the user's roles (or groups), e.g. `role`. */
  readonly roleAssertion: string;
  /** Values of the role attribute that make a user an admin of the workspace; at least one. */
  readonly adminRoleValues: string[];
  /**
   * Values of the role attribute that make a user an editor.
   * @default - the admin values (only admins edit)
   */
  readonly editorRoleValues?: string[];
  /**
   * Assertion attribute of the login name.
   * @default - the workspace's default
   */
  readonly loginAssertion?: string;
  /**
   * Assertion attribute of the e-mail address.
   * @default - the workspace's default
   */
  readonly emailAssertion?: string;
  /**
   * Assertion attribute of the display name.
   * @default - the workspace's default
   */
  readonly nameAssertion?: string;
}

/** Amazon Managed Service for Prometheus as the platform's long-term metrics store. */
export interface ManagedPrometheusSpec {
  /**
   * KEDA's autoscalers (the served models') query the workspace, signed with the KEDA operator's
   * own identity, instead of the in-cluster Prometheus.
   * @default true
   */
  readonly kedaQueries?: boolean;
}

/** An Amazon Managed Grafana workspace over the managed Prometheus workspace. */
export interface ManagedGrafanaSpec {
  /**
   * How people sign in.
   * @default GrafanaAuthentication.AWS_SSO
   */
  readonly authentication?: GrafanaAuthentication;
  /**
   * The identity store groups per role (with AWS_SSO; the admin groups are required).
   * @default - none
   */
  readonly identityCenter?: GrafanaIdentityCenterSpec;
  /**
   * The SAML identity provider (with SAML; required then).
   * @default - none
   */
  readonly saml?: GrafanaSamlSpec;
  /**
   * Managed prefix lists (`pl-...`: office or VPN ranges) that may reach the workspace besides
   * the VPC endpoint.
   * @default - only through the workspace's VPC endpoint, from inside the VPC
   */
  readonly allowedPrefixListIds?: string[];
}

/** What runs besides the in-cluster kube-prometheus-stack. */
export interface MetricsBackendSpec {
  /**
   * Amazon Managed Service for Prometheus: the in-cluster Prometheus keeps scraping and also
   * writes every sample to a workspace (SigV4 through its Pod Identity).
   * @default - none
   */
  readonly managedPrometheus?: ManagedPrometheusSpec;
  /**
   * Amazon Managed Grafana over that workspace (needs `managedPrometheus`).
   * @default - none
   */
  readonly managedGrafana?: ManagedGrafanaSpec;
}

/** Group ids of the IAM Identity Center identity store (optionally prefixed by the 10-hex store part). */
const IDENTITY_STORE_ID = /^([0-9a-f]{10}-)?[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;
const PREFIX_LIST_ID = /^pl-[0-9a-f]{8,17}$/;

/** Checks of a {@link MetricsBackendSpec}. */
export class MetricsBackendSpecValidator {
  /**
   * Every problem of `metrics` (props named `<prop>.…`), for a spec validation that reports all at once.
   * @param construct the construct path or spec name the problems are reported for
   * @param metrics the section
   * @param observability whether the platform's observability is on
   * @param prop the section's name in the spec
   */
  public static problems(construct: string, metrics: MetricsBackendSpec, observability: boolean, prop: string = 'metrics'): ProblemDetails[] {
    const problems = new ProblemCollector();
    if (!metrics) return [];
    const p = (at: string, value: unknown, problem: string, fix: string): ProblemDetails => ({ construct, prop: `${prop}.${at}`, value, problem, fix });
    const amp = metrics.managedPrometheus;
    const amg = metrics.managedGrafana;
    if (amp) {
      problems.check(observability, p('managedPrometheus', amp, 'the managed Prometheus workspace is part of observability, and observability is off',
        `turn observability on, or leave ${prop}.managedPrometheus out`));
    }
    if (amg) {
      problems.check(observability, p('managedGrafana', 'set', 'the managed Grafana workspace is part of observability, and observability is off',
        `turn observability on, or leave ${prop}.managedGrafana out`));
      problems.check(amp !== undefined, p('managedGrafana', 'set', 'its data source is the managed Prometheus workspace, and there is none',
        `add ${prop}.managedPrometheus: {}, or leave ${prop}.managedGrafana out`));
      MetricsBackendSpecValidator.managedGrafanaProblems(construct, amg, `${prop}.managedGrafana`).forEach((x) => problems.add(x));
    }
    return problems.problems;
  }

  /**
   * Every problem of a managed Grafana workspace's settings (props named `<prop>.…`).
   * @param construct the construct path or spec name the problems are reported for
   * @param amg the settings
   * @param prop the settings' name
   */
  public static managedGrafanaProblems(construct: string, amg: ManagedGrafanaSpec, prop: string = 'managedGrafana'): ProblemDetails[] {
    const problems = new ProblemCollector();
    const g = (at: string, value: unknown, problem: string, fix: string): ProblemDetails => ({ construct, prop: `${prop}.${at}`, value, problem, fix });
    const auth = amg.authentication ?? GrafanaAuthentication.AWS_SSO;
    if (auth === GrafanaAuthentication.AWS_SSO) {
      const ic = amg.identityCenter;
      if (problems.check((ic?.adminGroupIds ?? []).length > 0, g('identityCenter.adminGroupIds', ic?.adminGroupIds,
        'with IAM Identity Center sign-in the workspace\'s admins are groups of the identity store, and none is given: nobody could administer the workspace',
        'give the ids of the admin groups (aws identitystore list-groups --identity-store-id <d-...>), or sign in with SAML'))) {
        const groups = { adminGroupIds: ic!.adminGroupIds, editorGroupIds: ic!.editorGroupIds ?? [], viewerGroupIds: ic!.viewerGroupIds ?? [] };
        for (const [role, ids] of Object.entries(groups)) {
          ids.forEach((id, i) => problems.check(typeof id === 'string' && IDENTITY_STORE_ID.test(id), g(`identityCenter.${role}[${i}]`, id,
            'not a group id of an IAM Identity Center identity store', 'give the GroupId (a UUID, e.g. "9067c4b5-1021-70e2-2b7c-4ae1c8b1e2a4"), not the group\'s name')));
        }
      }
    } else if (auth === GrafanaAuthentication.SAML) {
      const saml = amg.saml;
      if (problems.check(saml !== undefined, g('saml', undefined, 'SAML sign-in needs the identity provider',
        'give saml: { idpMetadataUrl, roleAssertion, adminRoleValues }'))) {
        problems.check((saml!.idpMetadataUrl === undefined) !== (saml!.idpMetadataXml === undefined), g('saml.idpMetadataUrl', saml!.idpMetadataUrl,
          'give exactly one of idpMetadataUrl and idpMetadataXml', 'give the identity provider\'s metadata URL (https://...), or its metadata document'));
        if (saml!.idpMetadataUrl !== undefined) {
          problems.check(/^https:\/\/[^\s]+$/.test(saml!.idpMetadataUrl), g('saml.idpMetadataUrl', saml!.idpMetadataUrl,
            'not an https URL', 'give the identity provider\'s metadata URL, e.g. "https://idp.example.com/app/metadata"'));
        }
        problems.check(typeof saml!.roleAssertion === 'string' && saml!.roleAssertion.trim().length > 0, g('saml.roleAssertion', saml!.roleAssertion,
          'roles are mapped from an assertion attribute, and none is named', 'give the attribute that carries the user\'s roles or groups, e.g. "role"'));
        problems.check((saml!.adminRoleValues ?? []).length > 0 && (saml!.adminRoleValues.length <= 20), g('saml.adminRoleValues', saml!.adminRoleValues,
          'the workspace takes 1 to 20 admin role values, and without one nobody could administer it', 'give the role or group values of the admins, e.g. ["grafana-admins"]'));
        if (saml!.editorRoleValues !== undefined) {
          problems.check(saml!.editorRoleValues.length > 0 && saml!.editorRoleValues.length <= 20, g('saml.editorRoleValues', saml!.editorRoleValues,
            'the workspace takes 1 to 20 editor role values', 'give the editors\' values, or leave it out to let only admins edit'));
        }
      }
    } else {
      problems.add(g('authentication', auth, 'not a sign-in method of Amazon Managed Grafana', 'use GrafanaAuthentication.AWS_SSO or GrafanaAuthentication.SAML'));
    }
    (amg.allowedPrefixListIds ?? []).forEach((id, i) => problems.check(typeof id === 'string' && PREFIX_LIST_ID.test(id), g(`allowedPrefixListIds[${i}]`, id,
      'not a managed prefix list id', 'give the id of a managed prefix list of your office or VPN ranges, e.g. "pl-0123456789abcdef0"')));
    return problems.problems;
  }

  /**
   * Throws every problem of `metrics` at once (see {@link MetricsBackendSpecValidator.problems}).
   */
  public static validate(construct: string, metrics: MetricsBackendSpec, observability: boolean, prop: string = 'metrics'): void {
    const problems = new ProblemCollector();
    MetricsBackendSpecValidator.problems(construct, metrics, observability, prop).forEach((x) => problems.add(x));
    problems.throwIfAny();
  }

  private constructor() {}
}
