import { assertProvidedTemplates, assertValuesInChart, upstreamPath } from './upstream';
import { GpuInstanceType } from '../../../lib/core';
import { NodePoolReference, OperatorCatalogue } from '../../../lib/k8s';
import { gpuPoolContract } from '../helpers';

const chart = () => upstreamPath('dcgm-exporter', '4.5.3-4.8.2', 'deployment');
const pool = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_XLARGE, 2));

describe('DCGM exporter release (chart 4.8.2)', () => {
  const r = OperatorCatalogue.dcgmExporter({ pools: [pool] });

  test('chart and values, literally', () => {
    expect(r.source).toMatchObject({ repoUrl: 'https://nvidia.github.io/dcgm-exporter/helm-charts', chart: 'dcgm-exporter', version: '4.8.2' });
    expect(r.values.image).toEqual({ tag: '4.5.3-4.8.2-distroless' });
    expect(r.values.serviceMonitor).toEqual({ enabled: true });
    expect(r.values.tolerations).toEqual(pool.tolerations());
  });

  test('every value is one the chart has; the templates of what it provides exist', () => {
    assertValuesInChart(r.values, chart());
    assertProvidedTemplates(r.provides, chart());
    expect(r.provides.services).toEqual([expect.objectContaining({ name: 'dcgm-exporter', ports: [{ name: 'metrics', port: 9400 }] })]);
  });
});
