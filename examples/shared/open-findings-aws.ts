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
      + 'database user through its Pod Identity is not offered yet'), { resource: 'aws_db_instance' });
  }
  const secrets = what.scope.node.findAll().some((c) => TerraformResource.isTerraformResource(c) && c.terraformResourceType === 'aws_secretsmanager_secret');
  if (secrets) {
    Suppressions.add(what.scope, 'aws-secrets-rotation', open('the generated service credentials (MLflow, Qdrant, Grafana admin) rotate only by bumping '
      + 'credentialsVersion; a supported procedure (External Secrets refresh and a restart) is to be documented'), { resource: 'aws_secretsmanager_secret' });
  }
}
