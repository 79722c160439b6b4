import { GrafanaRoleAssociation } from '@cdktf/provider-aws/lib/grafana-role-association';
import { GrafanaWorkspaceSamlConfiguration } from '@cdktf/provider-aws/lib/grafana-workspace-saml-configuration';
import { PrometheusWorkspace } from '@cdktf/provider-aws/lib/prometheus-workspace';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { Testing } from 'cdktf';
import { ACCOUNT, AZS, REGION, configs, only, policyStatements, resources, synth, testCluster, testStack, tfJson } from './util';
import {
  CnaiAwsStack, ManagedGrafana, ManagedPrometheus, MetricsBackendAccess, MetricsBackendAccessOptions, PENDING_APPLY, previewContract,
} from '../../lib/aws';
import { GrafanaAuthentication, MANAGED_GRAFANA } from '../../lib/core';
import { VERIFY_EPHEMERAL_SENTINEL } from '../../lib/verify/terraform';
import { expectStackToPlan } from '../util/terraform';

const GROUP = '9067c4b5-1021-70e2-2b7c-4ae1c8b1e2a4';
const MANAGED: MetricsBackendAccessOptions = {
  managedPrometheus: {},
  managedGrafana: { identityCenter: { adminGroupIds: [GROUP], viewerGroupIds: ['a1b2c3d4e5-4067c4b5-1021-70e2-2b7c-4ae1c8b1e2a4'] } },
};

function platform(options: MetricsBackendAccessOptions = MANAGED): { stack: CnaiAwsStack; access: MetricsBackendAccess; json: any } {
  const stack = new CnaiAwsStack(Testing.app(), 'cnai', { platformName: 'cnai', environment: 'test', region: REGION, accountId: ACCOUNT, availabilityZones: AZS, database: false });
  const access = stack.addMetricsBackend(options);
  return { stack, access, json: synth(stack) };
}

/** The logical id of the single resource of a type. */
function idOf(json: any, type: string): string {
  const all = resources(json, type);
  expect(all).toHaveLength(1);
  return all[0][0];
}

/** The statements of the inline policy of the role of one Pod Identity association. */
function grantsOf(json: any, namespace: string, serviceAccount: string): any[] {
  const association = configs(json, 'aws_eks_pod_identity_association').find((a) => a.namespace === namespace && a.service_account === serviceAccount);
  expect(association).toBeDefined();
  const role = /aws_iam_role\.([^.]+)\.arn/.exec(association.role_arn)![1];
  const policy = configs(json, 'aws_iam_role_policy').find((p) => p.role === `\${aws_iam_role.${role}.id}`);
  return policyStatements(json, policy.policy);
}

describe('MetricsBackendAccess: Grafana\'s admin credentials', () => {
  test('a secret <prefix>/grafana-admin, its value generated at apply through the write-only attribute, readable by External Secrets only', () => {
    const { access, json } = platform({});
    expect(access.grafanaAdmin.secretName).toBe('cnai-test/grafana-admin');
    const secret = only(json, 'aws_secretsmanager_secret');
    expect(secret).toMatchObject({ name: 'cnai-test/grafana-admin', recovery_window_in_days: 30 });
    expect(secret.kms_key_id).toMatch(/^\$\{aws_kms_key\.metrics-backend_key_.*\.arn\}$/);
    const version = only(json, 'aws_secretsmanager_secret_version');
    expect(version.secret_string).toBeUndefined();
    expect(version.secret_string_wo_version).toBe(1);
    const ephemeral = Object.keys(json.ephemeral.aws_secretsmanager_random_password);
    expect(ephemeral).toHaveLength(1);
    expect(version.secret_string_wo).toBe(`\${jsonencode({ "admin-user" = "admin", "admin-password" = ephemeral.aws_secretsmanager_random_password.${ephemeral[0]}.random_password })}`);
    expect(json.ephemeral.aws_secretsmanager_random_password[ephemeral[0]]).toEqual({
      password_length: 40, exclude_punctuation: true, include_space: false, require_each_included_type: true,
    });
    const reader = grantsOf(json, 'external-secrets', 'external-secrets');
    expect(reader.map((s) => s.actions)).toEqual([['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], ['kms:Decrypt']]);
    expect(reader[0].resources).toEqual([`\${aws_secretsmanager_secret.${idOf(json, 'aws_secretsmanager_secret')}.arn}`]);
    // Without the managed workspace, no AMP statement in the key policy, no workspace, no role of Prometheus.
    expect(tfJson(json)).not.toHaveResource(PrometheusWorkspace);
    expect(access.contract()).toEqual({ grafanaAdminSecretName: 'cnai-test/grafana-admin' });
  });

  test('rotated with its version, or left to a hand step', () => {
    expect(only(platform({ credentialsVersion: 3 }).json, 'aws_secretsmanager_secret_version').secret_string_wo_version).toBe(3);
    const manual = platform({ generateCredentials: false }).json;
    expect(tfJson(manual)).not.toHaveResource(SecretsmanagerSecretVersion);
    expect(manual.ephemeral).toBeUndefined();
  });

  test('added once', () => {
    const { stack } = platform({});
    expect(() => stack.addMetricsBackend({})).toThrow('cnai: invalid metricsBackend = "added": the stack has its metrics backend already. Fix: add it once, with all its options.');
  });
});

describe('ManagedPrometheus', () => {
  const { stack, access, json } = platform();
  const workspaceId = idOf(json, 'aws_prometheus_workspace');
  const workspaceArn = `arn:aws:aps:us-west-2:123456789012:workspace/\${aws_prometheus_workspace.${workspaceId}.id}`;

  test('the workspace: alias <prefix>, data encrypted with the metrics key, logs in an encrypted log group', () => {
    const ws = only(json, 'aws_prometheus_workspace');
    const logs = configs(json, 'aws_cloudwatch_log_group').find((g) => g.name === '/aws/vendedlogs/prometheus/cnai-test')!;
    const logsId = resources(json, 'aws_cloudwatch_log_group').find(([, g]) => g.name === '/aws/vendedlogs/prometheus/cnai-test')![0];
    expect(ws).toEqual({
      alias: 'cnai-test',
      kms_key_arn: expect.stringMatching(/^\$\{aws_kms_key\.metrics-backend_key_.*\.arn\}$/),
      logging_configuration: { log_group_arn: `\${aws_cloudwatch_log_group.${logsId}.arn}:*` },
    });
    expect(logs).toMatchObject({ retention_in_days: 365, kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.logs-key_[0-9A-F]+\.arn\}$/) });
  });

  test('the key lets Amazon Managed Service for Prometheus of this account use it, and no other service', () => {
    const keyRef = /aws_kms_key\.([^.]+)\.arn/.exec(only(json, 'aws_prometheus_workspace').kms_key_arn)![1];
    const key = json.resource.aws_kms_key[keyRef];
    const statements = policyStatements(json, key.policy);
    expect(statements.map((s) => s.sid)).toEqual(['AccountAdministersKeyThroughIam', 'ManagedPrometheusOfThisAccount']);
    expect(statements[1]).toEqual({
      sid: 'ManagedPrometheusOfThisAccount',
      effect: 'Allow',
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
      resources: ['*'],
      principals: [{ type: 'AWS', identifiers: ['*'] }],
      condition: [
        { test: 'StringEquals', variable: 'kms:CallerAccount', values: ['123456789012'] },
        { test: 'StringEquals', variable: 'kms:ViaService', values: ['aps.us-west-2.amazonaws.com'] },
      ],
    });
  });

  test('Prometheus\' service account may remote-write to this workspace, and do nothing else', () => {
    expect(access.managedPrometheus!.writer.contract()).toEqual({ namespace: 'monitoring', serviceAccount: 'kube-prometheus-stack-prometheus', roleName: 'cnai-test-prometheus-remote-write' });
    expect(grantsOf(json, 'monitoring', 'kube-prometheus-stack-prometheus')).toEqual([
      { sid: 'ManagedPrometheusRemoteWrite0', effect: 'Allow', actions: ['aps:RemoteWrite'], resources: [workspaceArn] },
    ]);
  });

  test('KEDA\'s operator may query this workspace, and do nothing else', () => {
    expect(access.managedPrometheus!.kedaIdentity!.contract()).toEqual({ namespace: 'keda', serviceAccount: 'keda-operator', roleName: 'cnai-test-keda-operator' });
    expect(grantsOf(json, 'keda', 'keda-operator')).toEqual([
      { sid: 'ManagedPrometheusQuery0', effect: 'Allow', actions: ['aps:QueryMetrics'], resources: [workspaceArn] },
    ]);
  });

  test('the contract names the workspace, its region and URLs made from its id; the preview marks the id as pending', () => {
    expect(stack.contract().metrics!.grafanaAdminSecretName).toBe('cnai-test/grafana-admin');
    const amp = stack.contract().metrics!.managedPrometheus!;
    expect(amp.region).toBe('us-west-2');
    // What `terraform output -json platform_contract` gives after apply: the workspace's id, and both URLs made from it.
    const id = `\${aws_prometheus_workspace.${workspaceId}.id}`;
    expect(json.output.platform_contract.value.metrics).toEqual({
      grafanaAdminSecretName: 'cnai-test/grafana-admin',
      managedPrometheus: {
        workspaceId: id,
        region: 'us-west-2',
        remoteWriteUrl: `https://aps-workspaces.us-west-2.amazonaws.com/workspaces/${id}/api/v1/remote_write`,
        queryUrl: `https://aps-workspaces.us-west-2.amazonaws.com/workspaces/${id}`,
      },
    });
    expect(json.output.managed_prometheus_workspace_id.value).toBe(`\${aws_prometheus_workspace.${workspaceId}.id}`);
    expect(previewContract(stack).metrics).toEqual({
      grafanaAdminSecretName: 'cnai-test/grafana-admin',
      managedPrometheus: {
        workspaceId: PENDING_APPLY,
        region: 'us-west-2',
        remoteWriteUrl: 'https://aps-workspaces.us-west-2.amazonaws.com/workspaces/pending-apply/api/v1/remote_write',
        queryUrl: 'https://aps-workspaces.us-west-2.amazonaws.com/workspaces/pending-apply',
      },
    });
  });

  test('without KEDA queries, KEDA gets no identity; an identity of the service account that exists is reused', () => {
    const s = testStack();
    const cluster = testCluster(s);
    const prometheus = cluster.addWorkloadIdentity('mine', { namespace: 'monitoring', serviceAccount: 'kube-prometheus-stack-prometheus' });
    const amp = new ManagedPrometheus(s, 'amp', { cluster, kedaQueries: false });
    expect(amp.writer).toBe(prometheus);
    expect(amp.kedaIdentity).toBeUndefined();
    expect(configs(synth(s), 'aws_eks_pod_identity_association').map((a) => `${a.namespace}/${a.service_account}`)).toEqual(['monitoring/kube-prometheus-stack-prometheus']);
  });
});

describe('ManagedGrafana', () => {
  const { access, json } = platform();
  const workspaceId = idOf(json, 'aws_prometheus_workspace');

  test('the workspace: this account, IAM Identity Center, its own role, the Prometheus data source, the pinned version, no plugin admin', () => {
    const endpointId = resources(json, 'aws_vpc_endpoint').find(([, e]) => /grafana-workspace/.test(e.service_name))![0];
    const roleId = resources(json, 'aws_iam_role').find(([, r]) => r.name === 'cnai-test-managed-grafana')![0];
    expect(only(json, 'aws_grafana_workspace')).toEqual({
      name: 'cnai-test',
      description: 'cnai-test platform metrics (Amazon Managed Service for Prometheus cnai-test)',
      account_access_type: 'CURRENT_ACCOUNT',
      authentication_providers: ['AWS_SSO'],
      permission_type: 'CUSTOMER_MANAGED',
      role_arn: `\${aws_iam_role.${roleId}.arn}`,
      data_sources: ['PROMETHEUS'],
      grafana_version: '12.4',
      configuration: '{"plugins":{"pluginAdminEnabled":false},"unifiedAlerting":{"enabled":true}}',
      network_access_control: { prefix_list_ids: [], vpce_ids: [`\${aws_vpc_endpoint.${endpointId}.id}`] },
    });
    expect(MANAGED_GRAFANA.version).toBe('12.4');
  });

  test('its role: assumed only by Amazon Managed Grafana of this account, may query the platform\'s workspace only', () => {
    const role = configs(json, 'aws_iam_role').find((r) => r.name === 'cnai-test-managed-grafana')!;
    expect(policyStatements(json, role.assume_role_policy)).toEqual([{
      effect: 'Allow',
      actions: ['sts:AssumeRole'],
      principals: [{ type: 'Service', identifiers: ['grafana.amazonaws.com'] }],
      condition: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] },
        { test: 'ArnLike', variable: 'aws:SourceArn', values: ['arn:aws:grafana:us-west-2:123456789012:/workspaces/*'] },
      ],
    }]);
    const policy = configs(json, 'aws_iam_role_policy').find((p) => p.name === 'managed-prometheus-query')!;
    expect(policyStatements(json, policy.policy)).toEqual([
      { sid: 'ListWorkspaces', effect: 'Allow', actions: ['aps:ListWorkspaces'], resources: ['*'] },
      {
        sid: 'QueryPlatformWorkspace',
        effect: 'Allow',
        actions: ['aps:DescribeWorkspace', 'aps:QueryMetrics', 'aps:GetLabels', 'aps:GetSeries', 'aps:GetMetricMetadata'],
        resources: [`arn:aws:aps:us-west-2:123456789012:workspace/\${aws_prometheus_workspace.${workspaceId}.id}`],
      },
    ]);
  });

  test('private: an interface endpoint in the private subnets, HTTPS from the VPC only', () => {
    const endpoint = configs(json, 'aws_vpc_endpoint').find((e) => e.vpc_endpoint_type === 'Interface')!;
    expect(endpoint).toMatchObject({
      service_name: 'com.amazonaws.us-west-2.grafana-workspace', vpc_endpoint_type: 'Interface', private_dns_enabled: true,
    });
    expect(endpoint.subnet_ids).toHaveLength(3);
    for (const s of endpoint.subnet_ids) expect(s).toMatch(/aws_subnet\.network_private-/);
    const sg = configs(json, 'aws_security_group').find((g) => g.name === 'cnai-test-grafana-workspace-endpoint')!;
    expect(sg.egress).toBeUndefined();
    const rules = configs(json, 'aws_vpc_security_group_ingress_rule').filter((r) => r.description === 'HTTPS from the VPC' && /grafana/.test(r.security_group_id));
    expect(rules).toEqual([expect.objectContaining({ ip_protocol: 'tcp', from_port: 443, to_port: 443, cidr_ipv4: '10.0.0.0/16' })]);
  });

  test('IAM Identity Center groups get their roles; no SAML configuration', () => {
    expect(configs(json, 'aws_grafana_role_association').map((r) => [r.role, r.group_ids])).toEqual([
      ['ADMIN', [GROUP]], ['VIEWER', ['a1b2c3d4e5-4067c4b5-1021-70e2-2b7c-4ae1c8b1e2a4']],
    ]);
    expect(tfJson(json)).not.toHaveResource(GrafanaWorkspaceSamlConfiguration);
    expect(json.output.managed_grafana_url.value).toMatch(/^https:\/\/\$\{aws_grafana_workspace\..*\.endpoint\}$/);
    expect(access.managedGrafana!.authentication).toBe(GrafanaAuthentication.AWS_SSO);
  });

  test('SAML: the identity provider, the role attribute and values; editors default to the admins; office prefix lists', () => {
    const saml = platform({
      managedPrometheus: {},
      managedGrafana: {
        authentication: GrafanaAuthentication.SAML,
        saml: { idpMetadataUrl: 'https://idp.example.com/metadata', roleAssertion: 'groups', adminRoleValues: ['grafana-admins'], loginAssertion: 'mail' },
        allowedPrefixListIds: ['pl-0123456789abcdef0'],
      },
    }).json;
    expect(only(saml, 'aws_grafana_workspace')).toMatchObject({
      authentication_providers: ['SAML'], network_access_control: { prefix_list_ids: ['pl-0123456789abcdef0'] },
    });
    expect(only(saml, 'aws_grafana_workspace_saml_configuration')).toEqual({
      workspace_id: expect.stringMatching(/^\$\{aws_grafana_workspace\..*\.id\}$/),
      idp_metadata_url: 'https://idp.example.com/metadata',
      role_assertion: 'groups',
      admin_role_values: ['grafana-admins'],
      editor_role_values: ['grafana-admins'],
      login_assertion: 'mail',
    });
    expect(tfJson(saml)).not.toHaveResource(GrafanaRoleAssociation);
  });

  test('errors: Grafana without the Prometheus workspace; IAM Identity Center without admin groups', () => {
    const s = new CnaiAwsStack(Testing.app(), 'cnai', { platformName: 'cnai', environment: 'test', region: REGION, accountId: ACCOUNT, availabilityZones: AZS, database: false });
    expect(() => s.addMetricsBackend({ managedGrafana: MANAGED.managedGrafana }))
      .toThrow('cnai/metrics-backend: invalid props.managedGrafana = "set": its data source is the managed Prometheus workspace, and there is none.');
    const t = testStack();
    const cluster = testCluster(t);
    const prometheus = new ManagedPrometheus(t, 'amp', { cluster });
    expect(() => new ManagedGrafana(t, 'amg', { cluster, prometheus, identityCenter: { adminGroupIds: [] } }))
      .toThrow(/^test\/amg: invalid props\.identityCenter\.adminGroupIds = \[\]: with IAM Identity Center sign-in the workspace's admins are groups of the identity store/);
  });
});

describe('CnaiAwsStack.addMetricsBackend, offline plan', () => {
  test('terraform validates and plans the managed workspaces; Grafana\'s generated password is in neither the plan nor its JSON', () => {
    const { stack } = platform();
    const result = expectStackToPlan(stack, { planJson: true });
    expect(result.plannedResourcesByType).toMatchObject({
      aws_prometheus_workspace: 1,
      aws_grafana_workspace: 1,
      aws_grafana_role_association: 2,
      aws_vpc_endpoint: 2,
      aws_secretsmanager_secret_version: 1,
    });
    expect(result.warnings.join('\n')).toMatch(/ephemeral\.aws_secretsmanager_random_password\.metrics-backend_grafana-admin_secret_[0-9A-F]+_0.* read from the verifier's loopback AWS stub/);
    const text = JSON.stringify(result.planJson);
    expect(text).not.toContain(VERIFY_EPHEMERAL_SENTINEL);
    const version = result.planJson.resource_changes.find((c: any) => c.type === 'aws_secretsmanager_secret_version');
    expect(version.change.after).toMatchObject({ secret_string: null, secret_string_wo: null, secret_binary: null, secret_string_wo_version: 1 });
  }, 300_000);
});
