import { App, Chart, Testing } from 'cdk8s';
import {
  GPU_RESOURCE, GpuInstanceType, NODE_LABELS, NodePoolContract, NodePoolProvisioner, PlatformContract, TaintEffect,
} from '../../lib/core';

/** A managed GPU node group as the AWS layer would describe it. */
export function gpuPoolContract(name: string, type: GpuInstanceType, maxNodes: number): NodePoolContract {
  return {
    name,
    provisioner: NodePoolProvisioner.MANAGED_NODE_GROUP,
    instanceTypes: [type.name],
    labels: { [NODE_LABELS.pool]: name, [NODE_LABELS.acceleratorFamily]: type.family, [NODE_LABELS.gpuProduct]: type.gpuProduct },
    taints: [{ key: GPU_RESOURCE, effect: TaintEffect.NO_SCHEDULE }, { key: 'cnai.io/dedicated', value: name, effect: TaintEffect.NO_EXECUTE }],
    gpusPerNode: type.gpuCount,
    gpuMemoryGiB: type.gpuMemoryGiB,
    efa: type.efaSupported,
    maxNodes,
  };
}

/** A managed CPU node group. */
export function cpuPoolContract(name: string, maxNodes: number): NodePoolContract {
  return {
    name,
    provisioner: NodePoolProvisioner.MANAGED_NODE_GROUP,
    instanceTypes: ['m7i.xlarge'],
    labels: { [NODE_LABELS.pool]: name, [NODE_LABELS.acceleratorFamily]: 'cpu' },
    taints: [],
    gpusPerNode: 0,
    gpuMemoryGiB: 0,
    efa: false,
    maxNodes,
  };
}

/** A small platform contract. */
export function contract(pools: NodePoolContract[]): PlatformContract {
  return {
    platformName: 'cnai',
    environment: 'test',
    region: 'us-west-2',
    accountId: '123456789012',
    clusterName: 'cnai-test',
    kubernetesVersion: '1.34',
    buckets: { models: 'm', datasets: 'd' },
    nodePools: pools,
    workloadIdentities: [],
  };
}

/** A chart in a fresh app. */
export function chart(): { app: App; chart: Chart } {
  const app = Testing.app();
  return { app, chart: new Chart(app, 'test') };
}

/** Every object of every chart of an app. */
export function synthApp(app: App): any[] {
  return app.charts.flatMap((c) => Testing.synth(c));
}

/** The objects of one kind. */
export function ofKind(objects: any[], kind: string): any[] {
  return objects.filter((o) => o.kind === kind);
}

/** The one object of a kind and name. */
export function one(objects: any[], kind: string, name: string): any {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${found.length}`);
  return found[0];
}
