/**
 * Which operators CnaiPlatform installs for a spec: Kubeflow on or off, with or without EFA pools
 * (the EFA device plugin follows the pools, not Kubeflow).
 */
import { App } from 'cdk8s';
import { synthApp } from './helpers';
import { ContractPreview, GpuInstanceType, ModelRegistryKind, PlatformSpec } from '../../lib/core';
import { CnaiPlatform } from '../../lib/k8s';

const BASE: PlatformSpec = {
  name: 'cnai',
  environment: 'test',
  region: 'us-west-2',
  accountId: '123456789012',
  availabilityZones: ['us-west-2a', 'us-west-2b'],
  gpuPools: [{ name: 'a10g', instanceTypes: [GpuInstanceType.G5_2XLARGE], maxNodes: 2 }],
  teams: [{ name: 'apps', quotas: [{ pool: 'a10g', gpus: 2 }] }],
};
const EFA_POOL = { name: 'h100', instanceTypes: [GpuInstanceType.P5_48XLARGE], maxNodes: 2, efa: true };

function applications(spec: PlatformSpec): string[] {
  const app = new App();
  new CnaiPlatform(app, 'cnai', { spec, contract: ContractPreview.fromSpec(spec) });
  return synthApp(app).filter((o) => o.kind === 'Application').map((o) => o.metadata.name);
}

describe('CnaiPlatform operators', () => {
  test('Kubeflow on (the default) without an EFA pool: Kubeflow\'s releases, no EFA device plugin', () => {
    const apps = applications(BASE);
    expect(apps).toEqual(expect.arrayContaining(['kubeflow-trainer', 'katib', 'notebook-controller']));
    expect(apps).not.toContain('efa-device-plugin');
  });

  test('Kubeflow off with an EFA pool: the EFA device plugin still, no Kubeflow', () => {
    const apps = applications({ ...BASE, gpuPools: [...BASE.gpuPools, EFA_POOL], kubeflow: false });
    expect(apps).toContain('efa-device-plugin');
    expect(apps.filter((a) => /kubeflow|katib|notebook/.test(a))).toEqual([]);
  });

  test('Kubeflow on with an EFA pool: both', () => {
    const apps = applications({ ...BASE, gpuPools: [...BASE.gpuPools, EFA_POOL] });
    expect(apps).toEqual(expect.arrayContaining(['kubeflow-trainer', 'efa-device-plugin']));
  });
});

describe('CnaiPlatform registry', () => {
  test('the Kubeflow Model Registry from the spec keeps its metadata in the contract\'s database (the AWS layer creates one for every spec)', () => {
    const spec: PlatformSpec = { ...BASE, modelRegistry: ModelRegistryKind.KUBEFLOW };
    const contract = ContractPreview.fromSpec(spec);
    expect(contract.database?.databaseName).toBe('cnai');
    const app = new App();
    const platform = new CnaiPlatform(app, 'cnai', { spec, contract });
    expect(platform.registry).toBeDefined();
    expect(synthApp(app).filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toContain('model-registry');
  });
});
