import { App, Chart, Testing } from 'cdk8s';
import { PlatformContract, vectorSnapshotServiceAccount } from '../../../lib/core';
import { assertValidManifests } from '../../../lib/verify/k8s';

/** A platform contract with a database and the workload identities the data services need. */
export function dataContract(extra: { namespace: string; serviceAccount: string }[] = []): PlatformContract {
  return {
    platformName: 'cnai',
    environment: 'test',
    region: 'us-west-2',
    accountId: '123456789012',
    clusterName: 'cnai-test',
    kubernetesVersion: '1.34',
    buckets: { models: 'cnai-test-models-123456789012-us-west-2', datasets: 'cnai-test-datasets-123456789012-us-west-2' },
    nodePools: [],
    workloadIdentities: [
      { namespace: 'docs', serviceAccount: vectorSnapshotServiceAccount('docs'), roleName: 'cnai-test-docs-snapshots' },
      { namespace: 'mlflow', serviceAccount: 'mlflow', roleName: 'cnai-test-mlflow' },
      ...extra.map((e) => ({ ...e, roleName: `cnai-test-${e.namespace}-${e.serviceAccount}` })),
    ],
    database: {
      host: 'cnai-test-postgres.abcdefghijkl.us-west-2.rds.amazonaws.com',
      port: 5432,
      databaseName: 'cnai',
      username: 'cnai_admin',
      masterSecretArn: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-0123-AbCdEf',
    },
  };
}

/** A chart in a fresh app. */
export function testChart(): { app: App; chart: Chart } {
  const app = Testing.app();
  return { app, chart: new Chart(app, 'test') };
}

/** The one object of a kind and name (optionally in a namespace). */
export function one(objects: any[], kind: string, name: string, namespace?: string): any {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name
    && (namespace === undefined || o.metadata?.namespace === namespace));
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${found.length}: ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  return found[0];
}

/** The objects of one kind. */
export function ofKind(objects: any[], kind: string): any[] {
  return objects.filter((o) => o.kind === kind);
}

/** The objects of a chart, checked against the Kubernetes and CRD schemas (fails on any finding). */
export function synthValid(chart: Chart): any[] {
  const objects = Testing.synth(chart);
  assertValidManifests(objects, { kubernetesVersion: '1.34' });
  return objects;
}
