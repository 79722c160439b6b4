import * as fs from 'fs';
import * as path from 'path';
import { assertProvidedTemplates, assertValuesInChart, upstreamPath } from './upstream';
import { GpuInstanceType } from '../../../lib/core';
import { NodePoolReference, OperatorCatalogue, PodSecurityLevel } from '../../../lib/k8s';
import { gpuPoolContract } from '../helpers';

const chart = () => upstreamPath('aws-efa-k8s-device-plugin', 'v0.5.30', 'stable/aws-efa-k8s-device-plugin');
const h100 = NodePoolReference.fromContract(gpuPoolContract('training-h100', GpuInstanceType.P5_48XLARGE, 2));
const h100b = NodePoolReference.fromContract(gpuPoolContract('training-h100-b', GpuInstanceType.P5_48XLARGE, 2));

describe('EFA device plugin release (chart v0.5.30)', () => {
  const r = OperatorCatalogue.efaDevicePlugin({ pools: [h100, h100b] });

  test('chart and values, literally: placed on the EFA pools by their pool label, tolerating their taints', () => {
    expect(r.source).toMatchObject({ repoUrl: 'https://aws.github.io/eks-charts', chart: 'aws-efa-k8s-device-plugin', version: 'v0.5.30' });
    expect(r.podSecurity).toBe(PodSecurityLevel.PRIVILEGED);
    expect(r.values).toEqual({
      image: { repository: '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/aws-efa-k8s-device-plugin', tag: 'v0.5.20' },
      supportedInstanceLabels: { keys: ['cnai.io/pool'], values: ['training-h100', 'training-h100-b'] },
      tolerations: [
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'cnai.io/dedicated', operator: 'Equal', value: 'training-h100', effect: 'NoExecute' },
        { key: 'cnai.io/dedicated', operator: 'Equal', value: 'training-h100-b', effect: 'NoExecute' },
      ],
    });
  });

  test('every value is one the chart has: no affinity value (v0.5.7\'s mistake); the plugin image is the chart\'s', () => {
    assertValuesInChart(r.values, chart());
    expect(() => assertValuesInChart({ affinity: { nodeAffinity: {} } }, chart())).toThrow(/values not in .*: affinity/);
    expect(fs.readFileSync(path.join(chart(), 'values.yaml'), 'utf8')).toMatch(/^ {2}tag: "v0\.5\.20"$/m);
  });

  test('the chart builds the node affinity from supportedInstanceLabels: one term per key, key In values', () => {
    const ds = fs.readFileSync(path.join(chart(), 'templates', 'daemonset.yaml'), 'utf8');
    expect(ds).toMatch(/range \.Values\.supportedInstanceLabels\.keys[\s\S]*- key: \{\{ \. \}\}\s+operator: In\s+values:\s+\{\{- toYaml \$\.Values\.supportedInstanceLabels\.values/);
    expect(ds).not.toMatch(/\.Values\.affinity/);
    assertProvidedTemplates(r.provides, chart());
  });
});
