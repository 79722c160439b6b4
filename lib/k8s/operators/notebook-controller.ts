import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { invalidProp } from '../../core/errors';
import { imageRef, OPERATOR_IMAGES, OPERATOR_SOURCES } from '../../core/versions';

/** The notebook controller's culling settings, as rendered into its Deployment. */
export const NOTEBOOK_CULLING_DEFAULTS = { cullIdleMinutes: 60, idlenessCheckMinutes: 1 };

/** Props of the Kubeflow notebook controller release. */
export interface NotebookControllerReleaseProps {
  /**
   * Stop notebooks whose Jupyter kernels have been idle for `cullIdleTime` (their GPUs go
   * back to the pool; the workspace volume stays).
   * @default true
   */
  readonly culling?: boolean;
  /**
   * Idle time after which a notebook is stopped (whole minutes).
   * @default Duration.minutes(60)
   */
  readonly cullIdleTime?: Duration;
  /**
   * How often the controller checks notebooks for idleness (whole minutes).
   * @default Duration.minutes(1)
   */
  readonly idlenessCheckPeriod?: Duration;
}

/**
 * Kubeflow notebook controller, without Istio (notebooks are reached by port-forward or an
 * ingress of the user's choice), culling idle notebooks by default.
 */
export function notebookControllerRelease(props: NotebookControllerReleaseProps = {}): OperatorRelease {
  const culling = props.culling ?? true;
  const idle = wholeMinutes('cullIdleTime', props.cullIdleTime, NOTEBOOK_CULLING_DEFAULTS.cullIdleMinutes);
  const period = wholeMinutes('idlenessCheckPeriod', props.idlenessCheckPeriod, NOTEBOOK_CULLING_DEFAULTS.idlenessCheckMinutes);
  // Explicit env on the container wins over the envFrom ConfigMap of upstream's params.env.
  const env = [
    { name: 'USE_ISTIO', value: 'false' },
    { name: 'ENABLE_CULLING', value: String(culling) },
    { name: 'CULL_IDLE_TIME', value: String(idle) },
    { name: 'IDLENESS_CHECK_PERIOD', value: String(period) },
  ];
  return new OperatorRelease({
    name: 'notebook-controller',
    namespace: OPERATOR_NAMESPACES.kubeflow,
    source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.notebookController, {
      namespace: OPERATOR_NAMESPACES.kubeflow,
      images: [imageRef(OPERATOR_IMAGES.notebookController)],
      patches: [{
        kind: 'Deployment',
        name: 'notebook-controller-deployment',
        patch: YAML.stringify({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'notebook-controller-deployment' },
          spec: { template: { spec: { containers: [{ name: 'manager', env }] } } },
        }),
      }],
    }),
    phase: InstallPhase.OPERATORS,
    serverSideApply: true,
    description: culling ? `Jupyter notebooks (Notebook); idle notebooks stopped after ${idle} minutes.` : 'Jupyter notebooks (Notebook).',
  });
}

function wholeMinutes(prop: string, d: Duration | undefined, fallback: number): number {
  if (d === undefined) return fallback;
  const m = d.toSeconds() / 60;
  if (!Number.isInteger(m) || m < 1) {
    throw invalidProp('OperatorCatalogue.notebookController', prop, `${d.toSeconds()}s`, 'not a whole number of minutes (the controller counts minutes)',
      'give Duration.minutes(n) with n >= 1');
  }
  return m;
}
