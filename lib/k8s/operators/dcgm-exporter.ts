import { OPERATOR_NAMESPACES } from './default-namespaces';
import { NvidiaChartProps } from './nvidia-device-plugin';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { GPU_IMAGES, OPERATOR_SOURCES } from '../../core/versions';
import { poolsAffinity, poolsTolerations } from '../node-pool';
import { PodSecurityLevel } from '../pod-security';

/** Labels of the exporter's pods (templates/_helpers.tpl dcgm-exporter.selectorLabels). */
const DCGM_POD_LABELS = { 'app.kubernetes.io/name': 'dcgm-exporter', 'app.kubernetes.io/instance': 'dcgm-exporter', 'app.kubernetes.io/component': 'dcgm-exporter' };

/**
 * DCGM exporter chart (GPU metrics); an alternative to NvidiaGpuSupport's own exporter.
 *
 * Source: the dcgm-exporter chart 4.8.2 (deployment/ at tag 4.5.3-4.8.2). Values, all in its
 * values.yaml: `image.tag` (the pinned exporter, the chart's own default made explicit),
 * `serviceMonitor.enabled`, `affinity` and `tolerations` for the pools.
 */
export function dcgmExporterRelease(props: NvidiaChartProps): OperatorRelease {
  return new OperatorRelease({
    name: 'dcgm-exporter',
    namespace: OPERATOR_NAMESPACES.nvidia,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.dcgmExporter),
    values: {
      image: { tag: GPU_IMAGES.dcgmExporter.tag },
      serviceMonitor: { enabled: true },
      affinity: poolsAffinity(props.pools),
      tolerations: poolsTolerations(props.pools),
    },
    phase: InstallPhase.OPERATORS,
    podSecurity: PodSecurityLevel.PRIVILEGED,
    podSecurityReason: 'the upstream chart runs the exporter as root with SYS_ADMIN for profiling metrics',
    description: 'GPU metrics for Prometheus.',
    provides: {
      // Prometheus scrapes the exporter here (the chart's ServiceMonitor).
      services: [{ name: 'dcgm-exporter', ports: [{ name: 'metrics', port: 9400 }], selector: DCGM_POD_LABELS, template: 'templates/service.yaml' }],
      workloads: [{
        name: 'dcgm-exporter',
        podLabels: DCGM_POD_LABELS,
        ports: [{ name: 'metrics', containerPort: 9400 }],
        serviceAccount: 'dcgm-exporter',
        template: 'templates/daemonset.yaml',
      }],
    },
  });
}
