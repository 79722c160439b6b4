import { assertProvidedTemplates, assertValuesInChart, upstreamPath } from './upstream';
import { GpuInstanceType } from '../../../lib/core';
import { NodePoolReference, OperatorCatalogue, PodSecurityLevel } from '../../../lib/k8s';
import { gpuPoolContract } from '../helpers';

const chart = () => upstreamPath('k8s-device-plugin', 'v0.19.0', 'deployments/helm/nvidia-device-plugin');
const pool = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_XLARGE, 2));

describe('NVIDIA device plugin release (chart 0.19.0)', () => {
  const r = OperatorCatalogue.nvidiaDevicePlugin({ pools: [pool], configMapName: 'nvidia-device-plugin-configs', defaultConfig: 'gpu-a10g' });

  test('chart and values, literally: the pools place the plugin, GFD and the NFD workers', () => {
    expect(r.source).toMatchObject({ repoUrl: 'https://nvidia.github.io/k8s-device-plugin', chart: 'nvidia-device-plugin', version: '0.19.0' });
    expect(r.podSecurity).toBe(PodSecurityLevel.PRIVILEGED);
    const tolerations = [
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'cnai.io/dedicated', operator: 'Equal', value: 'gpu-a10g', effect: 'NoExecute' },
    ];
    expect(r.values).toEqual({
      image: { tag: 'v0.19.0' },
      config: { name: 'nvidia-device-plugin-configs', default: 'gpu-a10g' },
      gfd: { enabled: true },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{
              matchExpressions: [
                { key: 'cnai.io/pool', operator: 'In', values: ['gpu-a10g'] },
                { key: 'cnai.io/accelerator-family', operator: 'In', values: ['g5'] },
                { key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-A10G'] },
              ],
            }],
          },
        },
      },
      tolerations,
      nfd: { worker: { tolerations } },
    });
    const withoutGfd = OperatorCatalogue.nvidiaDevicePlugin({ pools: [pool], featureDiscovery: false }).values;
    expect(withoutGfd.gfd).toEqual({ enabled: false });
    expect(withoutGfd.nfd).toBeUndefined();
  });

  test('every value is one the chart has (no nfd.enabled: the subchart follows gfd.enabled); the templates of what it provides exist', () => {
    assertValuesInChart(r.values, chart());
    expect(() => assertValuesInChart({ nfd: { enabled: true } }, chart())).toThrow(/nfd.enabled/);
    assertProvidedTemplates(r.provides, chart());
  });
});
