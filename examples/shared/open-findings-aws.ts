/**
 * Findings of the policy packs (`cnai-verify policy`) the library has not fixed yet (issue 14),
 * on the AWS layer: each example suppresses them with a reason that says they are open, so its
 * report lists them and its synth still passes. Remove an entry when the library fixes its
 * finding (the report then names the suppression as covering nothing).
 */
import { TerraformResource } from 'cdktf';
import { IConstruct } from 'constructs';
import { PostgresDatabase, Suppressions } from 'cnai-constructs/aws';

const open = (what: string) => `OPEN (issue 14): ${what}`;

/** What of an example's AWS layer carries open findings. */
export interface OpenFindingScope {
  /** The stack (its service secrets). */
  readonly scope: IConstruct;
  readonly database?: PostgresDatabase;
}

/** Suppresses the library's open findings on the model store, the database and the service secrets. */
export function suppressOpenFindings(what: OpenFindingScope): void {
  if (what.database) {
    Suppressions.add(what.database, 'aws-rds-iam-authentication', open('IAM database authentication for the registry\'s '
      + 'database user is not offered: the pinned MLflow image builds its database connections from a URI with a static password and cannot '
      + 'use 15-minute RDS IAM tokens without code in the image (README, security findings: IAM database authentication)'), { resource: 'aws_db_instance' });
  }
  const secrets = what.scope.node.findAll().some((c) => TerraformResource.isTerraformResource(c) && c.terraformResourceType === 'aws_secretsmanager_secret');
  if (secrets) {
    Suppressions.add(what.scope, 'aws-secrets-rotation', open('the generated service credentials (MLflow, Qdrant, Grafana admin) rotate by the '
      + 'documented procedure, not on a schedule: bump credentialsVersion and apply; External Secrets refreshes the Secrets and, with secret rollout '
      + '(CnaiPlatform\'s default), the registry and Qdrant restart and take the new values on their own; Grafana\'s admin still needs a manual restart '
      + '(README, security findings: MLflow and Qdrant credentials never rotate)'), { resource: 'aws_secretsmanager_secret' });
  }
}
