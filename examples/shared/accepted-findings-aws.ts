/**
 * Findings of the policy packs (`cnai-verify policy`) on the AWS layer that the examples accept,
 * each with the documented procedure or reason (README, security findings): their reports list
 * them as suppressed, with that reason, and their synth passes. Remove an entry when the library
 * meets the rule (the report then names the suppression as covering nothing).
 */
import { TerraformResource } from 'cdktf';
import { IConstruct } from 'constructs';
import { PostgresDatabase, Suppressions } from 'cnai-constructs/aws';

const accepted = (what: string) => `ACCEPTED (README, security findings): ${what}`;

/** What of an example's AWS layer carries open findings. */
export interface OpenFindingScope {
  /** The stack (its service secrets). */
  readonly scope: IConstruct;
  readonly database?: PostgresDatabase;
}

/** Suppresses the accepted findings on the database and the service secrets. */
export function acceptDocumentedFindings(what: OpenFindingScope): void {
  if (what.database) {
    Suppressions.add(what.database, 'aws-rds-iam-authentication', accepted('IAM database authentication for the registry\'s '
      + 'database user is not offered: the pinned MLflow image builds its database connections from a URI with a static password and cannot '
      + 'use 15-minute RDS IAM tokens without code in the image (README, security findings: IAM database authentication)'), { resource: 'aws_db_instance' });
  }
  const secrets = what.scope.node.findAll().some((c) => TerraformResource.isTerraformResource(c) && c.terraformResourceType === 'aws_secretsmanager_secret');
  if (secrets) {
    Suppressions.add(what.scope, 'aws-secrets-rotation', accepted('the generated service credentials (MLflow, Qdrant, Grafana admin) rotate by the '
      + 'documented procedure, not on a schedule: bump credentialsVersion and apply; External Secrets refreshes the Secrets and, with secret rollout '
      + '(CnaiPlatform\'s default), the registry and Qdrant restart and take the new values on their own; Grafana\'s admin still needs a manual restart '
      + '(README, security findings: MLflow and Qdrant credentials never rotate)'), { resource: 'aws_secretsmanager_secret' });
  }
}
