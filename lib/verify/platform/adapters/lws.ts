/**
 * LeaderWorkerSet, as the LeaderWorkerSet controller v0.10.0 runs it.
 *
 * Read in kubernetes-sigs/lws@v0.10.0:
 * - api/leaderworkerset/v1/leaderworkerset_types.go: pod labels `leaderworkerset.sigs.k8s.io/name`
 *   (the set), `.../group-index`, `.../worker-index` (0 for the leader); the injected variables
 *   LWS_LEADER_ADDRESS, LWS_GROUP_SIZE, LWS_WORKER_INDEX;
 * - pkg/controllers/leaderworkerset_controller.go (reconcileHeadlessServices) and
 *   pkg/utils/controller/controller_utils.go (CreateHeadlessServiceIfNotExists): with the default
 *   subdomain policy `Shared`, a headless Service named after the set, selecting
 *   `leaderworkerset.sigs.k8s.io/name: <set>`, publishing not-ready addresses;
 * - pkg/utils/pod/pod_utils.go (AddLWSVariables): LWS_LEADER_ADDRESS =
 *   `<set>-<group index>.<subdomain>.<namespace>` (the leader's pod DNS name through that
 *   Service), put before each container's own variables, so `$(LWS_LEADER_ADDRESS)` in a
 *   command names the leader.
 * The leaders' pods come from the leader template (or the worker template when there is none),
 * the workers' from the worker template; a set of size 1 has no workers.
 */
import { asObject, asString, asStringMap } from '../kinds';
import { PodGroupDraft } from '../model';
import { containerPorts, serviceAccountOf } from '../workloads';
import { AdapterOutput, CustomResourceAdapter } from './adapter';

const SOURCE = 'kubernetes-sigs/lws@v0.10.0: api/leaderworkerset/v1/leaderworkerset_types.go, pkg/controllers/leaderworkerset_controller.go, '
  + 'pkg/utils/controller/controller_utils.go, pkg/utils/pod/pod_utils.go';

const NAME_LABEL = 'leaderworkerset.sigs.k8s.io/name';
const WORKER_INDEX_LABEL = 'leaderworkerset.sigs.k8s.io/worker-index';

/** LeaderWorkerSet (leaderworkerset.x-k8s.io/v1). */
export const LEADER_WORKER_SET_ADAPTER: CustomResourceAdapter = {
  group: 'leaderworkerset.x-k8s.io',
  kind: 'LeaderWorkerSet',
  source: SOURCE,
  expand(obj, namespace): AdapterOutput {
    const name = obj.metadata.name ?? '';
    const spec = asObject(obj.spec) ?? {};
    const lwt = asObject(spec.leaderWorkerTemplate) ?? {};
    const size = typeof lwt.size === 'number' ? lwt.size : 1;
    const workerTemplate = asObject(lwt.workerTemplate);
    const leaderTemplate = asObject(lwt.leaderTemplate) ?? workerTemplate;
    const injected = [
      // The group index is known only at run time: the leader's pod DNS name is templated.
      { name: 'LWS_LEADER_ADDRESS', value: `${name}-$(LWS_GROUP_INDEX).${name}.${namespace}` },
      { name: 'LWS_GROUP_SIZE', value: String(size) },
    ];
    const group = (role: 'leader' | 'worker', template: { [key: string]: unknown } | undefined): PodGroupDraft | undefined => {
      const podSpec = asObject(template?.spec);
      if (!podSpec) return undefined;
      const withEnv = (list: unknown) => (Array.isArray(list)
        ? list.map((c) => {
          const container = asObject(c) ?? {};
          return { ...container, env: [...injected, ...(Array.isArray(container.env) ? container.env : [])] };
        })
        : list);
      const expanded: { [key: string]: unknown } = {
        ...podSpec, containers: withEnv(podSpec.containers), initContainers: withEnv(podSpec.initContainers),
      };
      if (expanded.initContainers === undefined) delete expanded.initContainers;
      return {
        id: `LeaderWorkerSet ${namespace}/${name} (${role}s)`,
        namespace,
        labels: {
          ...asStringMap(asObject(template?.metadata)?.labels),
          [NAME_LABEL]: name,
          ...(role === 'leader' ? { [WORKER_INDEX_LABEL]: '0' } : {}),
        },
        ports: containerPorts(expanded),
        serviceAccount: serviceAccountOf(expanded),
        hostNetwork: expanded.hostNetwork === true,
        podSpec: expanded,
        podSpecPath: `spec.leaderWorkerTemplate.${role === 'leader' && asObject(lwt.leaderTemplate) ? 'leaderTemplate' : 'workerTemplate'}.spec`,
        createdBy: `LeaderWorkerSet controller (${SOURCE})`,
      };
    };
    const podGroups = [group('leader', leaderTemplate), ...(size > 1 ? [group('worker', workerTemplate)] : [])]
      .filter((g): g is PodGroupDraft => g !== undefined);
    const subdomainPolicy = asString(asObject(spec.networkConfig)?.subdomainPolicy) ?? 'Shared';
    return {
      objects: subdomainPolicy === 'Shared' ? [{
        object: {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name, namespace, labels: { [NAME_LABEL]: name } },
          spec: { clusterIP: 'None', selector: { [NAME_LABEL]: name }, publishNotReadyAddresses: true },
        },
        providedBy: `LeaderWorkerSet controller (LeaderWorkerSet ${namespace}/${name})`,
      }] : [],
      podGroups,
    };
  },
};
