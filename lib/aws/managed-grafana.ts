import { GrafanaRoleAssociation } from '@cdktf/provider-aws/lib/grafana-role-association';
import { GrafanaWorkspace } from '@cdktf/provider-aws/lib/grafana-workspace';
import { GrafanaWorkspaceSamlConfiguration } from '@cdktf/provider-aws/lib/grafana-workspace-saml-configuration';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import type { Cluster } from './cluster';
import { policyDocument, serviceTrustPolicy } from './iam';
import type { ManagedPrometheus } from './managed-prometheus';
import { awsPartition } from './partition';
import { Suppressions } from './suppressions';
import { ProblemCollector } from '../core/errors';
import { GrafanaAuthentication, ManagedGrafanaSpec, MetricsBackendSpecValidator } from '../core/metrics-backend-spec';
import { MANAGED_GRAFANA } from '../core/versions';

/** The service principal of Amazon Managed Grafana. */
export const GRAFANA_PRINCIPAL = 'grafana.amazonaws.com';

/** Props of {@link ManagedGrafana}. */
export interface ManagedGrafanaProps extends ManagedGrafanaSpec {
  /** The cluster (its VPC gets the workspace's endpoint). */
  readonly cluster: Cluster;
  /** The workspace's data source. */
  readonly prometheus: ManagedPrometheus;
}

/**
 * An Amazon Managed Grafana workspace over the platform's Amazon Managed Service for Prometheus
 * workspace:
 *
 * - permission type CUSTOMER_MANAGED: the workspace's own role, which only Amazon Managed Grafana
 *   of this account may assume, may query that one Prometheus workspace (and list workspaces,
 *   for the data source picker) and nothing else;
 * - sign-in with IAM Identity Center (admin, editor and viewer groups of the identity store) or a
 *   SAML identity provider (admin and editor role values);
 * - private access: an interface VPC endpoint (`grafana-workspace`) in the private subnets, open on
 *   443 to the VPC only, and the workspace's network access control admitting that endpoint
 *   (plus the managed prefix lists given), so the workspace is not reachable from the internet;
 * - the plugin catalogue's admin off (no plugin installs from the UI), unified alerting on, the
 *   Grafana version pinned (MANAGED_GRAFANA).
 *
 * The data source itself is added once in the workspace (AWS data sources, Amazon Managed Service
 * for Prometheus, the platform's region): Terraform has no resource for it without the Grafana provider.
 */
export class ManagedGrafana extends Construct {
  /** The workspace. */
  public readonly workspace: GrafanaWorkspace;
  /** The workspace's role (its data source permissions). */
  public readonly role: IamRole;
  /** The interface endpoint through which the workspace is reached. */
  public readonly endpoint: VpcEndpoint;
  /** The endpoint's security group (HTTPS from the VPC). */
  public readonly endpointSecurityGroup: SecurityGroup;
  /** How people sign in. */
  public readonly authentication: GrafanaAuthentication;
  /** The SAML configuration, with SAML. */
  public readonly samlConfiguration?: GrafanaWorkspaceSamlConfiguration;
  /** Role associations of identity store groups, with AWS_SSO. */
  public readonly roleAssociations: GrafanaRoleAssociation[] = [];

  constructor(scope: Construct, id: string, props: ManagedGrafanaProps) {
    super(scope, id);
    const problems = new ProblemCollector();
    MetricsBackendSpecValidator.managedGrafanaProblems(this.node.path, props, 'props').forEach((p) => problems.add(p));
    problems.throwIfAny();
    const cluster = props.cluster;
    const naming = cluster.naming;
    const region = naming.region;
    const partition = awsPartition(region);
    this.authentication = props.authentication ?? GrafanaAuthentication.AWS_SSO;

    this.role = new IamRole(this, 'role', {
      name: naming.roleName('managed-grafana'),
      description: `Amazon Managed Grafana workspace ${naming.prefix}: queries ${props.prometheus.alias}`,
      // Only Amazon Managed Grafana of this account, for one of its workspaces.
      assumeRolePolicy: serviceTrustPolicy(this, 'trust', GRAFANA_PRINCIPAL, {
        sourceAccount: naming.accountId,
        sourceArnLike: `arn:${partition}:grafana:${region}:${naming.accountId}:/workspaces/*`,
      }).json,
    });
    const policy = new IamRolePolicy(this, 'policy', {
      name: 'managed-prometheus-query',
      role: this.role.id,
      policy: policyDocument(this, 'permissions', [
        // The data source picker lists workspaces; ListWorkspaces has no resource-level permission.
        { sid: 'ListWorkspaces', effect: 'Allow', actions: ['aps:ListWorkspaces'], resources: ['*'] },
        {
          sid: 'QueryPlatformWorkspace',
          effect: 'Allow',
          actions: ['aps:DescribeWorkspace', 'aps:QueryMetrics', 'aps:GetLabels', 'aps:GetSeries', 'aps:GetMetricMetadata'],
          resources: [props.prometheus.workspaceArn],
        },
      ]).json,
    });
    Suppressions.add(policy, 'aws-iam-no-wildcards', 'aps:ListWorkspaces supports no resource-level permissions; the workspace '
      + 'lists workspace ids and aliases for its data source picker, and may query only the platform\'s workspace', { resource: 'aws_iam_role_policy', appliesTo: 'statement ListWorkspaces' });

    this.endpointSecurityGroup = new SecurityGroup(this, 'endpoint-sg', {
      name: naming.resourceName('grafana-workspace-endpoint'),
      description: 'HTTPS from the VPC to the Amazon Managed Grafana workspace endpoint',
      vpcId: cluster.network.vpc.id,
      tags: { Name: naming.resourceName('grafana-workspace-endpoint') },
    });
    new VpcSecurityGroupIngressRule(this, 'endpoint-https', {
      securityGroupId: this.endpointSecurityGroup.id,
      description: 'HTTPS from the VPC',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: cluster.network.cidrBlock,
    });
    this.endpoint = new VpcEndpoint(this, 'endpoint', {
      vpcId: cluster.network.vpc.id,
      serviceName: `com.amazonaws.${region}.grafana-workspace`,
      vpcEndpointType: 'Interface',
      privateDnsEnabled: true,
      subnetIds: cluster.network.privateSubnetIds,
      securityGroupIds: [this.endpointSecurityGroup.id],
      tags: { Name: naming.resourceName('grafana-workspace') },
    });

    this.workspace = new GrafanaWorkspace(this, 'workspace', {
      name: naming.prefix,
      description: `${naming.prefix} platform metrics (Amazon Managed Service for Prometheus ${props.prometheus.alias})`,
      accountAccessType: 'CURRENT_ACCOUNT',
      authenticationProviders: [this.authentication],
      permissionType: 'CUSTOMER_MANAGED',
      roleArn: this.role.arn,
      dataSources: ['PROMETHEUS'],
      grafanaVersion: MANAGED_GRAFANA.version,
      configuration: JSON.stringify({ plugins: { pluginAdminEnabled: false }, unifiedAlerting: { enabled: true } }),
      // Only the VPC endpoint (and the given prefix lists); an empty prefix list admits no address.
      networkAccessControl: { prefixListIds: [...(props.allowedPrefixListIds ?? [])], vpceIds: [this.endpoint.id] },
    });

    if (this.authentication === GrafanaAuthentication.AWS_SSO) {
      const ic = props.identityCenter!;
      const roles: Array<[string, string[] | undefined]> = [['ADMIN', ic.adminGroupIds], ['EDITOR', ic.editorGroupIds], ['VIEWER', ic.viewerGroupIds]];
      for (const [role, groupIds] of roles) {
        if (!groupIds || groupIds.length === 0) continue;
        this.roleAssociations.push(new GrafanaRoleAssociation(this, `role-${role.toLowerCase()}`, { workspaceId: this.workspace.id, role, groupIds: [...groupIds] }));
      }
    } else {
      const saml = props.saml!;
      this.samlConfiguration = new GrafanaWorkspaceSamlConfiguration(this, 'saml', {
        workspaceId: this.workspace.id,
        idpMetadataUrl: saml.idpMetadataUrl,
        idpMetadataXml: saml.idpMetadataXml,
        roleAssertion: saml.roleAssertion,
        adminRoleValues: [...saml.adminRoleValues],
        editorRoleValues: [...(saml.editorRoleValues ?? saml.adminRoleValues)],
        loginAssertion: saml.loginAssertion,
        emailAssertion: saml.emailAssertion,
        nameAssertion: saml.nameAssertion,
      });
    }
  }

  /** The workspace's URL (known after apply; resolved inside the VPC through the endpoint's private DNS). */
  public get url(): string {
    return `https://${this.workspace.endpoint}`;
  }
}
