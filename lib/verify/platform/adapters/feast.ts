/**
 * FeatureStore, as the Feast operator v0.66.0 runs it.
 *
 * Read in feast-dev/feast@v0.66.0, infra/feast-operator/internal/controller:
 * - services/services.go: one Deployment `feast-<name>` (service account `feast-<name>`, pods
 *   labelled `feast.dev/name: <name>` and `app.kubernetes.io/managed-by: feast-operator`, selected
 *   by `feast.dev/name`) with one container per server (`registry`, `online`, `offline`), each
 *   with its env, envFrom, resources and volume mounts from the CR, the init containers
 *   `feast-init` (clones the repository) and `feast-apply` (with every server's env), no container
 *   securityContext; Services `feast-<name>-<server>` port 80 (`http`) → the server's port;
 * - services/services_types.go: ports online 6566, registry 6570 (gRPC), offline 8815;
 * - services/cronjob.go: CronJob `feast-<name>` whose pods (service account
 *   `feast-<name>-cronjob`, only the Job controller's labels) run `kubectl exec` into the Deployment;
 * - handler/handler_types.go: the `feast-` prefix.
 */
import { asArray, asObject, asString } from '../kinds';
import { PodGroupDraft, PodPort } from '../model';
import { AdapterOutput, CreatedObject, CustomResourceAdapter } from './adapter';

const SOURCE = 'feast-dev/feast@v0.66.0: infra/feast-operator/internal/controller/services/{services.go,services_types.go,cronjob.go}, handler/handler_types.go';

/** Server container ports of the Feast operator v0.66.0 (plain HTTP). */
const PORTS: { [server: string]: number } = { registry: 6570, online: 6566, offline: 8815 };
const DEFAULT_IMAGE = 'quay.io/feastdev/feature-server:0.66.0';
const DEFAULT_CRON_IMAGE = 'quay.io/openshift/origin-cli:4.17';

/** FeatureStore (feast.dev/v1). */
export const FEATURE_STORE_ADAPTER: CustomResourceAdapter = {
  group: 'feast.dev',
  kind: 'FeatureStore',
  source: SOURCE,
  expand(obj, namespace): AdapterOutput {
    const name = obj.metadata.name ?? '';
    const deploy = `feast-${name}`;
    const spec = asObject(obj.spec) ?? {};
    const services = asObject(spec.services) ?? {};
    const servers: Array<{ server: string; config: { [key: string]: unknown } }> = [];
    const registry = asObject(asObject(asObject(services.registry)?.local)?.server);
    if (registry) servers.push({ server: 'registry', config: registry });
    const online = asObject(services.onlineStore);
    // The operator deploys the online server unless it is disabled.
    if (!(online?.disabled === true)) servers.push({ server: 'online', config: asObject(online?.server) ?? {} });
    const offline = asObject(asObject(services.offlineStore)?.server);
    if (offline) servers.push({ server: 'offline', config: offline });

    const envOf = (c: { [key: string]: unknown }) => asArray(c.env);
    const containerOf = (server: string, c: { [key: string]: unknown }): { [key: string]: unknown } => {
      const port = PORTS[server];
      const probe = server === 'online' ? { httpGet: { path: '/health', port } } : { tcpSocket: { port } };
      return {
        name: server,
        image: asString(c.image) ?? DEFAULT_IMAGE,
        env: [{ name: 'TMP_FEATURE_STORE_YAML_BASE64', value: '(feature_store.yaml)' }, ...envOf(c)],
        ...(c.envFrom ? { envFrom: c.envFrom } : {}),
        ...(c.resources ? { resources: c.resources } : {}),
        ...(c.volumeMounts ? { volumeMounts: c.volumeMounts } : {}),
        ports: [{ name: server, containerPort: port, protocol: 'TCP' }],
        startupProbe: { ...probe, periodSeconds: 3, failureThreshold: 40 },
        livenessProbe: { ...probe, periodSeconds: 20, failureThreshold: 6 },
        readinessProbe: { ...probe, periodSeconds: 10 },
      };
    };
    const initImage = asString(services.initImage) ?? DEFAULT_IMAGE;
    const git = asObject(asObject(spec.feastProjectDir)?.git);
    const initContainers: Array<{ [key: string]: unknown }> = [];
    if (services.disableInitContainers !== true) {
      initContainers.push({ name: 'feast-init', image: initImage, command: ['bash', '-c'], env: [{ name: 'TMP_FEATURE_STORE_YAML_BASE64', value: '(feature_store.yaml)' }, ...asArray(git?.env)] });
      if (services.runFeastApplyOnInit !== false) {
        initContainers.push({
          name: 'feast-apply',
          image: initImage,
          command: ['feast', 'apply'],
          env: servers.flatMap((s) => envOf(s.config)),
          envFrom: servers.flatMap((s) => asArray(s.config.envFrom)),
        });
      }
    }
    const podSpec: { [key: string]: unknown } = {
      serviceAccountName: deploy,
      ...(services.securityContext ? { securityContext: services.securityContext } : {}),
      initContainers,
      containers: servers.map((s) => containerOf(s.server, s.config)),
    };
    const selector = { 'feast.dev/name': name };
    const by = `Feast operator (FeatureStore ${namespace}/${name})`;
    const objects: CreatedObject[] = [
      { object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: deploy, namespace } }, providedBy: by },
      { object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `${deploy}-cronjob`, namespace } }, providedBy: by },
      ...servers.map((s) => ({
        object: {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: `${deploy}-${s.server}`, namespace },
          spec: { selector, ports: [{ name: 'http', port: 80, targetPort: PORTS[s.server], protocol: 'TCP' }] },
        },
        providedBy: by,
      })),
    ];
    const ports: PodPort[] = servers.map((s) => ({ name: s.server, port: PORTS[s.server], protocol: 'TCP' }));
    const createdBy = `Feast operator (${SOURCE})`;
    const podGroups: PodGroupDraft[] = [{
      id: `FeatureStore ${namespace}/${name} (servers)`,
      namespace,
      labels: { ...selector, 'app.kubernetes.io/managed-by': 'feast-operator' },
      ports,
      serviceAccount: deploy,
      hostNetwork: false,
      podSpec,
      podSpecPath: 'spec.services',
      createdBy,
    }];
    const cron = asObject(spec.cronJob);
    const cronConfigs = asObject(cron?.containerConfigs) ?? {};
    const cronSpec: { [key: string]: unknown } = {
      serviceAccountName: `${deploy}-cronjob`,
      restartPolicy: 'Never',
      securityContext: { runAsNonRoot: true, runAsUser: 1001, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'feast-1',
        image: asString(cronConfigs.image) ?? DEFAULT_CRON_IMAGE,
        command: ['kubectl', 'exec', `deploy/${deploy}`, '-i', '--', 'bash', '-c', '(command)'],
        ...(cronConfigs.env ? { env: cronConfigs.env } : {}),
        ...(cronConfigs.resources ? { resources: cronConfigs.resources } : {}),
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      }],
    };
    podGroups.push({
      id: `FeatureStore ${namespace}/${name} (materialization)`,
      namespace,
      // The Job controller's labels only (the CronJob's job template has none); the Job's name carries the schedule time.
      labels: { 'batch.kubernetes.io/job-name': `${deploy}-0`, 'job-name': `${deploy}-0` },
      ports: [],
      serviceAccount: `${deploy}-cronjob`,
      hostNetwork: false,
      podSpec: cronSpec,
      podSpecPath: 'spec.cronJob',
      createdBy,
    });
    return { objects, podGroups };
  },
};
