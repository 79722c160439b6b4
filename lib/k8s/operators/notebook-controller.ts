import { Duration } from 'cdk8s';
import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, jsonPatch, OperatorRelease, ReleaseSource } from './release';
import { invalidProp } from '../../core/errors';
import { NetworkEnds, ReleaseConnections } from '../../core/release-network';
import { imageRef, OPERATOR_IMAGES, OPERATOR_SOURCES } from '../../core/versions';

/** The notebook controller's culling settings, as rendered into its ConfigMap. */
export const NOTEBOOK_CULLING_DEFAULTS = { cullIdleMinutes: 60, idlenessCheckMinutes: 1 };

/** Pod labels of the notebook controller (config/manager/manager.yaml and the commonLabels of config/default). */
export const NOTEBOOK_CONTROLLER_POD_LABELS = { 'app': 'notebook-controller', 'kustomize.component': 'notebook-controller' };

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
 *
 * Source: components/notebook-controller/config/overlays/kubeflow at the release tag, the overlay
 * the component's README names for consumers: namespace `kubeflow` and no Namespace object of
 * its own (its patches/remove-namespace.yaml), so the platform's `kubeflow` Namespace has one owner.
 *
 * Settings: upstream's manager reads USE_ISTIO, ENABLE_CULLING, CULL_IDLE_TIME and
 * IDLENESS_CHECK_PERIOD from env entries with `valueFrom.configMapKeyRef` on the ConfigMap that
 * config/manager/params.env generates (`notebook-controller-config`, behaviour `merge` in the
 * overlay). The release sets them in that ConfigMap (a JSON patch on its data), so the
 * Deployment stays upstream's; a strategic merge patch with `value:` on those env entries would
 * keep `valueFrom` as well, which the API server rejects.
 * @internal
 */
export function notebookControllerRelease(props: NotebookControllerReleaseProps = {}): OperatorRelease {
  const culling = props.culling ?? true;
  const idle = wholeMinutes('cullIdleTime', props.cullIdleTime, NOTEBOOK_CULLING_DEFAULTS.cullIdleMinutes);
  const period = wholeMinutes('idlenessCheckPeriod', props.idlenessCheckPeriod, NOTEBOOK_CULLING_DEFAULTS.idlenessCheckMinutes);
  return new OperatorRelease({
    name: 'notebook-controller',
    namespace: OPERATOR_NAMESPACES.kubeflow,
    source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.notebookController, {
      namespace: OPERATOR_NAMESPACES.kubeflow,
      images: [imageRef(OPERATOR_IMAGES.notebookController)],
      patches: [
        // The generated name carries a hash suffix; kustomize matches the patch target on the
        // generator's name and keeps the Deployment's references consistent.
        jsonPatch('ConfigMap', 'notebook-controller-config', [
          { op: 'replace', path: '/data/USE_ISTIO', value: 'false' },
          { op: 'replace', path: '/data/ENABLE_CULLING', value: String(culling) },
          { op: 'replace', path: '/data/CULL_IDLE_TIME', value: String(idle) },
          { op: 'replace', path: '/data/IDLENESS_CHECK_PERIOD', value: String(period) },
        ]),
      ],
    }),
    phase: InstallPhase.OPERATORS,
    serverSideApply: true,
    description: culling ? `Jupyter notebooks (Notebook); idle notebooks stopped after ${idle} minutes.` : 'Jupyter notebooks (Notebook).',
    network: {
      // The notebooks' Jupyter port (their Service's port 80 forwards to it; NOTEBOOK_PORT of the training stage).
      connections: culling ? [ReleaseConnections.between(NetworkEnds.workload('notebook-controller-deployment'), NetworkEnds.platformNamespaces(), [8888],
        'culling: it asks each notebook\'s Jupyter kernels API whether the notebook is idle')] : [],
    },
    provides: {
      customResources: [{ group: 'kubeflow.org', kinds: ['Notebook'] }],
      // It probes the notebooks' Jupyter kernels for culling (HTTP to each notebook's Service).
      workloads: [{
        name: 'notebook-controller-deployment',
        podLabels: NOTEBOOK_CONTROLLER_POD_LABELS,
        serviceAccount: 'notebook-controller-service-account',
      }],
    },
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
