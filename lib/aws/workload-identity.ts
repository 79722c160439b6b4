import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { IClusterRef } from './cluster-ref';
import { IamPolicyStatement, podIdentityTrustPolicy, policyDocument, toDocumentStatements } from './iam';
import { WorkloadIdentityContract } from '../core/contract';
import { invalidProp } from '../core/errors';
import { assertName, NAME_RULES } from '../core/names';

/** The service principal of EKS Pod Identity. */
export const POD_IDENTITY_PRINCIPAL = 'pods.eks.amazonaws.com';

/** Options of a workload identity added with {@link ICluster.addWorkloadIdentity}. */
export interface WorkloadIdentityOptions {
  /** Namespace of the service account (a DNS-1123 label). */
  readonly namespace: string;
  /** Name of the service account (a DNS-1123 subdomain). */
  readonly serviceAccount: string;
  /**
   * What the role is for; the IAM role name is `<prefix>-<purpose>`, shortened to 64 characters.
   * @default "<namespace>-<serviceAccount>"
   */
  readonly purpose?: string;
}

/** Properties of a {@link WorkloadIdentity}. */
export interface WorkloadIdentityProps extends WorkloadIdentityOptions {
  /** The cluster whose pods assume the role (any {@link ICluster}; it must run the Pod Identity agent). */
  readonly cluster: IClusterRef;
}

/**
 * An IAM role that pods of one Kubernetes service account assume through EKS Pod Identity.
 * It starts with no permissions; grants (`modelStore.grantRead(identity)`,
 * `repository.grantPull(identity)`, `database.grantSecretRead(identity)`) add statements
 * scoped to the named resources.
 */
export class WorkloadIdentity extends Construct {
  /** Namespace of the service account. */
  public readonly namespace: string;
  /** Name of the service account. */
  public readonly serviceAccount: string;
  /** Name of the IAM role. */
  public readonly roleName: string;
  /** The IAM role. */
  public readonly role: IamRole;
  /** The Pod Identity association. */
  public readonly association: EksPodIdentityAssociation;
  private readonly statements: IamPolicyStatement[] = [];
  private document?: DataAwsIamPolicyDocument;

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    super(scope, id);
    const path = this.node.path;
    const cluster = props.cluster;
    this.namespace = assertName(path, 'namespace', props.namespace, NAME_RULES.dns1123Label);
    this.serviceAccount = assertName(path, 'serviceAccount', props.serviceAccount, NAME_RULES.dns1123Subdomain);
    if (!cluster.podIdentityAgent) {
      throw invalidProp(path, 'cluster.podIdentityAgent', false,
        `the cluster ${cluster.name} runs no EKS Pod Identity agent, so pods of ${this.namespace}/${this.serviceAccount} could not assume the role`,
        `install the add-on (aws eks create-addon --cluster-name ${cluster.name} --addon-name eks-pod-identity-agent, or Add-ons > Amazon EKS Pod Identity Agent `
        + 'in the EKS console; the nodes need the eks-auth:AssumeRoleForPodIdentity permission of AmazonEKSWorkerNodePolicy), '
        + 'then set podIdentityAgent: true in Cluster.fromClusterAttributes');
    }
    const purpose = props.purpose ?? `${this.namespace}-${this.serviceAccount}`;
    this.roleName = assertName(path, 'purpose', cluster.naming.roleName(purpose), NAME_RULES.iamRole);

    this.role = new IamRole(this, 'role', {
      name: this.roleName,
      description: `EKS Pod Identity of ${this.namespace}/${this.serviceAccount} in ${cluster.name}`,
      // Only this cluster's association for this service account can assume it.
      assumeRolePolicy: podIdentityTrustPolicy(this, 'trust', POD_IDENTITY_PRINCIPAL, {
        accountId: cluster.naming.accountId,
        clusterArn: cluster.arnForPolicies,
        namespace: this.namespace,
        serviceAccount: this.serviceAccount,
      }).json,
    });
    this.association = new EksPodIdentityAssociation(this, 'association', {
      clusterName: cluster.nameReference,
      namespace: this.namespace,
      serviceAccount: this.serviceAccount,
      roleArn: this.role.arn,
    });
  }

  /** ARN of the role. */
  public get roleArn(): string {
    return this.role.arn;
  }

  /**
   * Adds a statement to the role's inline policy (created with the first statement, so a
   * role without grants has no empty policy).
   */
  public addToPolicy(statement: IamPolicyStatement): void {
    this.statements.push(statement);
    if (!this.document) {
      this.document = policyDocument(this, 'permissions', []);
      new IamRolePolicy(this, 'policy', { name: 'grants', role: this.role.id, policy: this.document.json });
    }
    this.document.putStatement(toDocumentStatements(this.statements));
  }

  /** The statements granted so far. */
  public get grantedStatements(): IamPolicyStatement[] {
    return [...this.statements];
  }

  /** The identity as the Kubernetes layer sees it. */
  public contract(): WorkloadIdentityContract {
    return { namespace: this.namespace, serviceAccount: this.serviceAccount, roleName: this.roleName };
  }
}
