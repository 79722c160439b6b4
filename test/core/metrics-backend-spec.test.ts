import {
  CnaiError, CnaiValidationError, GrafanaAuthentication, ManagedPrometheusEndpoints, MetricsBackendSpec,
  MetricsBackendSpecValidator, METRICS_BACKEND,
} from '../../lib/core';

const GROUP = '9067c4b5-1021-70e2-2b7c-4ae1c8b1e2a4';
const SSO: MetricsBackendSpec = { managedPrometheus: {}, managedGrafana: { identityCenter: { adminGroupIds: [GROUP] } } };
const problems = (m: MetricsBackendSpec, observability = true) => MetricsBackendSpecValidator.problems('spec cnai', m, observability);

describe('the metrics backend\'s names and URLs', () => {
  test('the workspace URLs the two layers derive from a region and a workspace id', () => {
    expect(ManagedPrometheusEndpoints.queryUrl('us-west-2', 'ws-0a1b2c3d-4e5f')).toBe('https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-0a1b2c3d-4e5f');
    expect(ManagedPrometheusEndpoints.remoteWriteUrl('us-west-2', 'ws-0a1b2c3d-4e5f'))
      .toBe('https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-0a1b2c3d-4e5f/api/v1/remote_write');
    expect(ManagedPrometheusEndpoints.queryUrl('cn-north-1', 'ws-1')).toBe('https://aps-workspaces.cn-north-1.amazonaws.com.cn/workspaces/ws-1');
  });

  test('the service accounts and the secret both layers name', () => {
    expect(METRICS_BACKEND).toMatchObject({
      namespace: 'monitoring',
      prometheusServiceAccount: 'kube-prometheus-stack-prometheus',
      kedaNamespace: 'keda',
      kedaServiceAccount: 'keda-operator',
      grafanaAdminSecretService: 'grafana-admin',
      grafanaAdminKeys: { user: 'admin-user', password: 'admin-password' },
    });
  });
});

describe('MetricsBackendSpecValidator', () => {
  test('no section, an empty one, and managed Prometheus and Grafana with IAM Identity Center groups are valid', () => {
    expect(problems(undefined as any)).toEqual([]);
    expect(problems({})).toEqual([]);
    expect(problems(SSO)).toEqual([]);
    expect(problems({ managedPrometheus: { kedaQueries: false } })).toEqual([]);
    expect(problems({
      managedPrometheus: {},
      managedGrafana: {
        authentication: GrafanaAuthentication.SAML,
        saml: { idpMetadataUrl: 'https://idp.example.com/metadata', roleAssertion: 'role', adminRoleValues: ['grafana-admins'] },
        allowedPrefixListIds: ['pl-0123456789abcdef0'],
      },
    })).toEqual([]);
  });

  test('error: a managed Prometheus workspace asked for without observability', () => {
    expect(() => MetricsBackendSpecValidator.validate('spec cnai', { managedPrometheus: {} }, false)).toThrow(new CnaiError({
      construct: 'spec cnai',
      prop: 'metrics.managedPrometheus',
      value: {},
      problem: 'the managed Prometheus workspace is part of observability, and observability is off',
      fix: 'turn observability on, or leave metrics.managedPrometheus out',
    }));
  });

  test('error: managed Grafana with IAM Identity Center sign-in but no admin group of the identity store', () => {
    expect(() => MetricsBackendSpecValidator.validate('spec cnai', { managedPrometheus: {}, managedGrafana: { authentication: GrafanaAuthentication.AWS_SSO } }, true))
      .toThrow('spec cnai: invalid metrics.managedGrafana.identityCenter.adminGroupIds = undefined: with IAM Identity Center sign-in the workspace\'s admins are groups '
        + 'of the identity store, and none is given: nobody could administer the workspace. Fix: give the ids of the admin groups '
        + '(aws identitystore list-groups --identity-store-id <d-...>), or sign in with SAML.');
    expect(problems({ managedPrometheus: {}, managedGrafana: { identityCenter: { adminGroupIds: [] } } }).map((p) => p.prop))
      .toEqual(['metrics.managedGrafana.identityCenter.adminGroupIds']);
  });

  test('error: managed Grafana without the managed Prometheus workspace it reads', () => {
    expect(problems({ managedGrafana: SSO.managedGrafana })).toEqual([{
      construct: 'spec cnai',
      prop: 'metrics.managedGrafana',
      value: 'set',
      problem: 'its data source is the managed Prometheus workspace, and there is none',
      fix: 'add metrics.managedPrometheus: {}, or leave metrics.managedGrafana out',
    }]);
  });

  test('error: managed Grafana without observability', () => {
    expect(problems(SSO, false).map((p) => p.prop)).toEqual(['metrics.managedPrometheus', 'metrics.managedGrafana']);
  });

  test('error: a group name where the identity store\'s group id belongs', () => {
    expect(problems({ managedPrometheus: {}, managedGrafana: { identityCenter: { adminGroupIds: [GROUP], editorGroupIds: ['platform-editors'] } } })).toEqual([{
      construct: 'spec cnai',
      prop: 'metrics.managedGrafana.identityCenter.editorGroupIds[0]',
      value: 'platform-editors',
      problem: 'not a group id of an IAM Identity Center identity store',
      fix: 'give the GroupId (a UUID, e.g. "9067c4b5-1021-70e2-2b7c-4ae1c8b1e2a4"), not the group\'s name',
    }]);
  });

  test('error: SAML sign-in without its identity provider, and with an incomplete one (every problem at once)', () => {
    expect(problems({ managedPrometheus: {}, managedGrafana: { authentication: GrafanaAuthentication.SAML } }).map((p) => `${p.prop}: ${p.problem}`))
      .toEqual(['metrics.managedGrafana.saml: SAML sign-in needs the identity provider']);
    const found = problems({
      managedPrometheus: {},
      managedGrafana: { authentication: GrafanaAuthentication.SAML, saml: { idpMetadataUrl: 'http://idp', roleAssertion: ' ', adminRoleValues: [], editorRoleValues: [] } },
    });
    expect(found.map((p) => `${p.prop}: ${p.problem}`)).toEqual([
      'metrics.managedGrafana.saml.idpMetadataUrl: not an https URL',
      'metrics.managedGrafana.saml.roleAssertion: roles are mapped from an assertion attribute, and none is named',
      'metrics.managedGrafana.saml.adminRoleValues: the workspace takes 1 to 20 admin role values, and without one nobody could administer it',
      'metrics.managedGrafana.saml.editorRoleValues: the workspace takes 1 to 20 editor role values',
    ]);
    expect(problems({
      managedPrometheus: {},
      managedGrafana: { authentication: GrafanaAuthentication.SAML, saml: { idpMetadataUrl: 'https://idp/m', idpMetadataXml: '<x/>', roleAssertion: 'role', adminRoleValues: ['a'] } },
    }).map((p) => p.problem)).toEqual(['give exactly one of idpMetadataUrl and idpMetadataXml']);
  });

  test('error: an unknown sign-in method and a prefix list that is not one', () => {
    expect(problems({
      managedPrometheus: {},
      managedGrafana: { authentication: 'OIDC' as GrafanaAuthentication, allowedPrefixListIds: ['10.0.0.0/8'] },
    }).map((p) => `${p.prop} = ${JSON.stringify(p.value)}: ${p.problem}`)).toEqual([
      'metrics.managedGrafana.authentication = "OIDC": not a sign-in method of Amazon Managed Grafana',
      'metrics.managedGrafana.allowedPrefixListIds[0] = "10.0.0.0/8": not a managed prefix list id',
    ]);
  });

  test('several problems are thrown together', () => {
    expect(() => MetricsBackendSpecValidator.validate('spec cnai', { managedGrafana: {} }, false)).toThrow(CnaiValidationError);
  });
});
