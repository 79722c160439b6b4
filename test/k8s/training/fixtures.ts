import { App, Chart, Testing } from 'cdk8s';
import { GPU_RESOURCE, GpuInstanceType, NODE_LABELS, NodePoolContract, NodePoolProvisioner, PlatformContract, TRAINING, TaintEffect } from '../../../lib/core';
import {
  ArgoCdApplications, KueueQueues, ModelStoreReference, NodePoolReference, OperatorCatalogue, TeamNamespace,
} from '../../../lib/k8s';

/** A managed GPU node group as the AWS layer describes it. */
export function gpuPool(name: string, type: GpuInstanceType, maxNodes: number, efa = false): NodePoolContract {
  return {
    name,
    provisioner: NodePoolProvisioner.MANAGED_NODE_GROUP,
    instanceTypes: [type.name],
    labels: { [NODE_LABELS.pool]: name, [NODE_LABELS.acceleratorFamily]: type.family, [NODE_LABELS.gpuProduct]: type.gpuProduct },
    taints: [{ key: GPU_RESOURCE, effect: TaintEffect.NO_SCHEDULE }],
    gpusPerNode: type.gpuCount,
    gpuMemoryGiB: type.gpuMemoryGiB,
    efa,
    maxNodes,
  };
}

export function cpuPool(name: string, maxNodes: number): NodePoolContract {
  return {
    name,
    provisioner: NodePoolProvisioner.MANAGED_NODE_GROUP,
    instanceTypes: ['m7i.2xlarge'],
    labels: { [NODE_LABELS.pool]: name, [NODE_LABELS.acceleratorFamily]: 'cpu' },
    taints: [],
    gpusPerNode: 0,
    gpuMemoryGiB: 0,
    efa: false,
    maxNodes,
  };
}

export function platformContract(pools: NodePoolContract[], identities: [string, string][] = [['team-a', TRAINING.serviceAccount]]): PlatformContract {
  return {
    platformName: 'cnai',
    environment: 'test',
    region: 'us-west-2',
    accountId: '123456789012',
    clusterName: 'cnai-test',
    kubernetesVersion: '1.34',
    buckets: { models: 'cnai-test-models', datasets: 'cnai-test-datasets' },
    nodePools: pools,
    workloadIdentities: [...identities, ['mlflow', 'mlflow']].map(([namespace, serviceAccount]) => ({ namespace, serviceAccount, roleName: `cnai-test-${namespace}-${serviceAccount}` })),
    database: {
      host: 'cnai-test-postgres.abcdefghijkl.us-west-2.rds.amazonaws.com',
      port: 5432,
      databaseName: 'cnai',
      username: 'cnai_admin',
      masterSecretArn: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-0123-AbCdEf',
    },
  };
}

/** A fixture: a chart with the Kubeflow releases' namespaces, pools, queues and team-a. */
export interface Fixture {
  readonly app: App;
  readonly chart: Chart;
  readonly contract: PlatformContract;
  readonly store: ModelStoreReference;
  readonly cpu: NodePoolReference;
  readonly a10g: NodePoolReference;
  readonly h100: NodePoolReference;
  readonly g5: NodePoolReference;
  readonly team: TeamNamespace;
}

export function fixture(teamGpus: { a10g?: number; h100?: number; g5?: number } = {}, identities?: [string, string][]): Fixture {
  const contract = platformContract([
    cpuPool('cpu', 10),
    gpuPool('gpu-a10g', GpuInstanceType.G5_12XLARGE, 4),
    gpuPool('gpu-h100', GpuInstanceType.P5_48XLARGE, 4, true),
    gpuPool('gpu-g5-single', GpuInstanceType.G5_2XLARGE, 8),
  ], identities);
  const app = Testing.app();
  const chart = new Chart(app, 'test');
  // The release namespaces (kubeflow, ...) are declared by the operators' renderer.
  new ArgoCdApplications(chart, 'operators', { releases: [OperatorCatalogue.kueue(), OperatorCatalogue.katib(), OperatorCatalogue.notebookController()] });
  const [cpu, a10g, h100, g5] = contract.nodePools.map((p) => NodePoolReference.fromContract(p));
  const queues = new KueueQueues(chart, 'queues', { pools: [cpu, a10g, h100, g5] });
  const cq = queues.addTeam('team-a', [
    { pool: cpu, cpu: 64, memoryGiB: 256 },
    { pool: a10g, gpus: teamGpus.a10g ?? 8 },
    { pool: h100, gpus: teamGpus.h100 ?? 16 },
    { pool: g5, gpus: teamGpus.g5 ?? 4 },
  ]);
  const team = new TeamNamespace(chart, 'team-a', { clusterQueue: cq });
  return { app, chart, contract, store: ModelStoreReference.fromContract(contract), cpu, a10g, h100, g5, team };
}

export function objectsOf(chart: Chart): any[] {
  return Testing.synth(chart);
}

export function find(objects: any[], kind: string, name: string): any {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${found.length}`);
  return found[0];
}
