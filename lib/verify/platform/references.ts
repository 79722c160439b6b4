/**
 * Extracts the references of a platform model: what each object and pod needs to find in the
 * cluster. Resolution is in ./verify-references.ts.
 *
 * - In-cluster hosts (./hosts.ts) in pod environment values, arguments and commands, ConfigMap
 *   data (embedded YAML, JSON or text), ExternalSecret templates, and custom resource fields
 *   (KEDA trigger metadata, InferenceService loggers, OpenTelemetryCollector configuration,
 *   Prometheus remote write and Alertmanager endpoints), each with the pods that open the
 *   connection when known (pods that mount a ConfigMap, the KEDA operator, the collector, ...).
 * - Objects pods need: ServiceAccount, Secrets, ConfigMaps, PersistentVolumeClaims,
 *   StorageClasses, PriorityClass, image pull Secrets.
 * - Objects custom resources name: SecretStores, queues and flavors, serving and training
 *   runtimes, scale targets, trigger authentications, issuers, roles.
 * - The CRD of every custom kind, the Namespace of every namespaced object.
 * - Services the API server calls (admission webhooks, aggregated APIs, CRD conversion
 *   webhooks), with the API server as client: a network flow from its addresses.
 * - Monitoring: every ServiceMonitor, PodMonitor and PrometheusRule needs a Prometheus that
 *   selects it; a monitor's selector must match Services (pods) and its endpoint ports must be
 *   theirs (one reference per target, from the selecting Prometheus's pods); every dashboard
 *   ConfigMap needs a Grafana that loads it.
 *
 * References are extracted from the output's objects and from the releases' objects; pods of
 * releases contribute only their connections (their Secrets and ConfigMaps are the operator's
 * business, and some are generated at run time).
 */
import {
  collectorConfig, envoyRateLimitAddress, ENVOY_RATE_LIMIT_ID, gatewayProxiesId, isAiGatewayRoute, isGlobalRateLimitPolicy, predictorModel,
  trainJobRuntimeRef,
} from './adapters';
import { API_SERVER_CLIENT } from './flows';
import { findInClusterHosts, embeddedSites, stringLeaves } from './hosts';
import { asArray, asObject, asPort, asString, asStringMap, at, groupOf, isBuiltInGroup, versionOf } from './kinds';
import { matchesSelector, toSelector } from './label-selectors';
import { ModelObject, Origin, PlatformModel, PodGroup, Reference, ReferenceKind } from './model';
import {
  isGrafanaDashboard, labelsOf, loaderLoads, monitorTargetNamespaces, MonitorKind, PrometheusInstance, prometheusInstances, prometheusSelects,
  SidecarLoader, sidecarLoaders,
} from './monitoring';
import { KubeObject } from '../upstream/types';

/** Environment variables whose values list hosts a server accepts, not hosts it connects to. */
const NOT_CONNECTION_ENV = /(ALLOWED_HOSTS|NO_PROXY)$/i;
/** Arguments whose values list hosts a server accepts. */
const NOT_CONNECTION_ARGS = ['--allowed-hosts'];
const QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';

interface Context {
  readonly model: PlatformModel;
  readonly namespaces: ReadonlySet<string>;
  readonly refs: Reference[];
  /** `Kind/namespace/name` of a ConfigMap or Secret → pod groups that consume it. */
  readonly consumers: Map<string, Set<string>>;
  readonly prometheuses: PrometheusInstance[];
  readonly loaders: SidecarLoader[];
}

type Base = { readonly from: string; readonly origin: Origin };

function idOf(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return `${obj.kind} ${ns ? `${ns}/` : ''}${obj.metadata.name ?? ''}`;
}

function push(ctx: Context, base: Base, ref: Omit<Reference, 'from' | 'origin'>) {
  ctx.refs.push({ ...ref, from: base.from, origin: base.origin });
}

function hostRefs(ctx: Context, base: Base, path: string, text: string, clients: readonly (string | undefined)[]) {
  if (!/[.]/.test(text)) return;
  for (const m of findInClusterHosts(text, ctx.namespaces)) {
    for (const client of clients.length > 0 ? clients : [undefined]) {
      push(ctx, base, {
        kind: ReferenceKind.SERVICE,
        path,
        namespace: m.namespace,
        name: m.service,
        text: m.text,
        ...(m.port !== undefined ? { port: m.port } : {}),
        ...(m.pod ? { pod: m.pod } : {}),
        ...(client ? { clientPodGroup: client } : {}),
      });
    }
  }
}

function nameRef(value: unknown): { name: string; key?: string; optional: boolean } | undefined {
  const o = asObject(value);
  const name = asString(o?.name) ?? asString(o?.secretName);
  if (!o || !name) return undefined;
  return { name, ...(asString(o.key) ? { key: asString(o.key) } : {}), optional: o.optional === true };
}

/** Secrets and ConfigMaps a pod spec consumes, with their paths. */
interface PodObjectRef { kind: ReferenceKind; name: string; key?: string; path: string; optional: boolean }

function podSpecObjectRefs(spec: { [key: string]: unknown }, base: string): PodObjectRef[] {
  const out: PodObjectRef[] = [];
  for (const field of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const raw of asArray(spec[field])) {
      const c = asObject(raw) ?? {};
      const cpath = `${base}.${field}[${asString(c.name) ?? '?'}]`;
      for (const e of asArray(c.env)) {
        const env = asObject(e) ?? {};
        const epath = `${cpath}.env[${asString(env.name) ?? '?'}]`;
        const s = nameRef(asObject(env.valueFrom)?.secretKeyRef);
        if (s) out.push({ kind: ReferenceKind.SECRET, ...s, path: `${epath}.valueFrom.secretKeyRef` });
        const cm = nameRef(asObject(env.valueFrom)?.configMapKeyRef);
        if (cm) out.push({ kind: ReferenceKind.CONFIG_MAP, ...cm, path: `${epath}.valueFrom.configMapKeyRef` });
      }
      asArray(c.envFrom).forEach((e, i) => {
        const s = nameRef(asObject(e)?.secretRef);
        if (s) out.push({ kind: ReferenceKind.SECRET, ...s, path: `${cpath}.envFrom[${i}].secretRef` });
        const cm = nameRef(asObject(e)?.configMapRef);
        if (cm) out.push({ kind: ReferenceKind.CONFIG_MAP, ...cm, path: `${cpath}.envFrom[${i}].configMapRef` });
      });
    }
  }
  for (const raw of asArray(spec.volumes)) {
    const v = asObject(raw) ?? {};
    const vpath = `${base}.volumes[${asString(v.name) ?? '?'}]`;
    const secret = asObject(v.secret);
    if (asString(secret?.secretName)) out.push({ kind: ReferenceKind.SECRET, name: asString(secret?.secretName)!, path: `${vpath}.secret`, optional: secret?.optional === true });
    const cm = nameRef(v.configMap);
    if (cm) out.push({ kind: ReferenceKind.CONFIG_MAP, name: cm.name, path: `${vpath}.configMap`, optional: cm.optional });
    asArray(asObject(v.projected)?.sources).forEach((src, i) => {
      const ps = nameRef(asObject(src)?.secret);
      if (ps) out.push({ kind: ReferenceKind.SECRET, name: ps.name, path: `${vpath}.projected.sources[${i}].secret`, optional: ps.optional });
      const pc = nameRef(asObject(src)?.configMap);
      if (pc) out.push({ kind: ReferenceKind.CONFIG_MAP, name: pc.name, path: `${vpath}.projected.sources[${i}].configMap`, optional: pc.optional });
    });
    const csiSecret = nameRef(asObject(v.csi)?.nodePublishSecretRef);
    if (csiSecret) out.push({ kind: ReferenceKind.SECRET, name: csiSecret.name, path: `${vpath}.csi.nodePublishSecretRef`, optional: false });
  }
  asArray(spec.imagePullSecrets).forEach((s, i) => {
    const ref = nameRef(s);
    if (ref) out.push({ kind: ReferenceKind.SECRET, name: ref.name, path: `${base}.imagePullSecrets[${i}]`, optional: false });
  });
  return out;
}

function consumersOf(model: PlatformModel): Map<string, Set<string>> {
  const consumers = new Map<string, Set<string>>();
  for (const pg of model.podGroups) {
    if (!pg.podSpec) continue;
    for (const r of podSpecObjectRefs(pg.podSpec, '')) {
      const key = `${r.kind}/${pg.namespace}/${r.name}`;
      if (!consumers.has(key)) consumers.set(key, new Set());
      consumers.get(key)!.add(pg.id);
    }
  }
  return consumers;
}

function expandVariables(text: string, env: { [name: string]: string }): string {
  return text.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, v: string) => env[v] ?? m);
}

function podGroupRefs(ctx: Context, pg: PodGroup, fromRelease: boolean) {
  const spec = pg.podSpec;
  if (!spec) return;
  const base = pg.podSpecPath ?? 'spec';
  const b: Base = { from: pg.id, origin: pg.origin };
  if (!fromRelease) {
    push(ctx, b, { kind: ReferenceKind.SERVICE_ACCOUNT, path: `${base}.serviceAccountName`, namespace: pg.namespace, name: pg.serviceAccount });
    const priority = asString(spec.priorityClassName);
    if (priority) push(ctx, b, { kind: ReferenceKind.PRIORITY_CLASS, path: `${base}.priorityClassName`, name: priority });
    for (const r of podSpecObjectRefs(spec, base)) {
      if (r.optional) continue;
      push(ctx, b, { kind: r.kind, path: r.path, namespace: pg.namespace, name: r.name, ...(r.key ? { key: r.key } : {}) });
    }
    for (const raw of asArray(spec.volumes)) {
      const v = asObject(raw) ?? {};
      const vpath = `${base}.volumes[${asString(v.name) ?? '?'}]`;
      const claim = asString(asObject(v.persistentVolumeClaim)?.claimName);
      if (claim) push(ctx, b, { kind: ReferenceKind.PVC, path: `${vpath}.persistentVolumeClaim.claimName`, namespace: pg.namespace, name: claim });
      const sc = asString(at(v, 'ephemeral.volumeClaimTemplate.spec.storageClassName'));
      if (sc) push(ctx, b, { kind: ReferenceKind.STORAGE_CLASS, path: `${vpath}.ephemeral.volumeClaimTemplate.spec.storageClassName`, name: sc });
    }
  }
  for (const field of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const raw of asArray(spec[field])) {
      const c = asObject(raw) ?? {};
      const cpath = `${base}.${field}[${asString(c.name) ?? '?'}]`;
      const literal: { [name: string]: string } = {};
      for (const e of asArray(c.env)) {
        const env = asObject(e) ?? {};
        const name = asString(env.name);
        const value = asString(env.value);
        if (name === undefined || value === undefined) continue;
        literal[name] = expandVariables(value, literal);
        if (!NOT_CONNECTION_ENV.test(name)) hostRefs(ctx, b, `${cpath}.env[${name}]`, literal[name], [pg.id]);
      }
      for (const list of ['command', 'args']) {
        const items = asArray(c[list]);
        items.forEach((item, i) => {
          if (typeof item !== 'string') return;
          const prev = i > 0 ? items[i - 1] : undefined;
          if (typeof prev === 'string' && NOT_CONNECTION_ARGS.includes(prev)) return;
          if (NOT_CONNECTION_ARGS.some((a) => item.startsWith(`${a}=`))) return;
          hostRefs(ctx, b, `${cpath}.${list}[${i}]`, expandVariables(item, literal), [pg.id]);
        });
      }
    }
  }
}

function queueRefs(ctx: Context, mo: ModelObject, b: Base) {
  const obj = mo.object;
  const group = groupOf(obj.apiVersion);
  const ns = obj.metadata.namespace;
  const labels = labelsOf(obj);
  const queue = labels[QUEUE_LABEL] ?? asStringMap(at(obj, 'spec.template.metadata.labels'))[QUEUE_LABEL];
  if (queue && ns && !(group === 'kueue.x-k8s.io')) {
    push(ctx, b, { kind: ReferenceKind.LOCAL_QUEUE, path: `metadata.labels["${QUEUE_LABEL}"]`, namespace: ns, name: queue });
  }
  if (group !== 'kueue.x-k8s.io') return;
  if (obj.kind === 'LocalQueue') {
    const cq = asString(at(obj, 'spec.clusterQueue'));
    if (cq) push(ctx, b, { kind: ReferenceKind.CLUSTER_QUEUE, path: 'spec.clusterQueue', name: cq });
  }
  if (obj.kind === 'ClusterQueue') {
    asArray(at(obj, 'spec.resourceGroups')).forEach((rg, i) => {
      asArray(asObject(rg)?.flavors).forEach((f, j) => {
        const name = asString(asObject(f)?.name);
        if (name) push(ctx, b, { kind: ReferenceKind.RESOURCE_FLAVOR, path: `spec.resourceGroups[${i}].flavors[${j}].name`, name });
      });
    });
  }
}

function objectRef(
  ctx: Context, b: Base, path: string, ref: unknown, defaults: { kind: string; apiVersion?: string; group?: string }, namespace: string | undefined,
) {
  const o = asObject(ref);
  const name = asString(o?.name);
  if (!o || !name) return;
  const kind = asString(o.kind) || defaults.kind;
  const apiVersion = asString(o.apiVersion);
  const group = apiVersion !== undefined ? groupOf(apiVersion) : asString(o.apiGroup) ?? asString(o.group) ?? defaults.group ?? (defaults.apiVersion ? groupOf(defaults.apiVersion) : '');
  const clusterScoped = kind.startsWith('Cluster');
  const ns = clusterScoped || !namespace ? {} : { namespace };
  push(ctx, b, { kind: ReferenceKind.OBJECT, path, name, targetKind: kind, targetGroup: group, ...ns });
}

function findObject(ctx: Context, group: string, kind: string, namespace: string, name: string): KubeObject | undefined {
  return ctx.model.objects.find((m) => groupOf(m.object.apiVersion) === group && m.object.kind === kind
    && m.object.metadata.namespace === namespace && m.object.metadata.name === name)?.object;
}

/**
 * Envoy AI Gateway (v1.1.0, api/v1beta1): an AIGatewayRoute's rules name AIServiceBackends, each
 * names an Envoy Gateway Backend, whose FQDN endpoints are the model servers' Services. The
 * proxies of the route's Gateways open those connections.
 */
function aiGatewayRouteRefs(ctx: Context, b: Base, obj: KubeObject, ns: string) {
  const spec = asObject(obj.spec) ?? {};
  const clients = asArray(spec.parentRefs).map((r) => asObject(r) ?? {})
    .filter((r) => (asString(r.kind) ?? 'Gateway') === 'Gateway' && asString(r.name))
    .map((r) => gatewayProxiesId(asString(r.namespace) ?? ns, asString(r.name)!));
  asArray(spec.parentRefs).forEach((r, i) => objectRef(ctx, b, `spec.parentRefs[${i}]`, r, { kind: 'Gateway', group: 'gateway.networking.k8s.io' }, ns));
  asArray(spec.rules).forEach((rule, i) => asArray(asObject(rule)?.backendRefs).forEach((ref, j) => {
    const r = asObject(ref) ?? {};
    const kind = asString(r.kind) ?? 'AIServiceBackend';
    objectRef(ctx, b, `spec.rules[${i}].backendRefs[${j}]`, ref, { kind, group: kind === 'AIServiceBackend' ? 'aigateway.envoyproxy.io' : '' }, asString(r.namespace) ?? ns);
    if (kind === 'InferencePool' && (asString(r.group) ?? '') === INFERENCE_POOL_GROUP) {
      const pool = findObject(ctx, INFERENCE_POOL_GROUP, 'InferencePool', asString(r.namespace) ?? ns, asString(r.name) ?? '');
      if (pool) inferencePoolClientRefs(ctx, b, `spec.rules[${i}].backendRefs[${j}] → InferencePool ${pool.metadata.namespace}/${pool.metadata.name}`, pool, clients);
      return;
    }
    if (kind !== 'AIServiceBackend') return;
    const backendNs = asString(r.namespace) ?? ns;
    const aisb = findObject(ctx, 'aigateway.envoyproxy.io', 'AIServiceBackend', backendNs, asString(r.name) ?? '');
    const backendRef = asObject(asObject(aisb?.spec)?.backendRef);
    if (!aisb || !backendRef) return;
    objectRef(ctx, b, `spec.rules[${i}].backendRefs[${j}] → AIServiceBackend ${backendNs}/${aisb.metadata.name}.spec.backendRef`, backendRef,
      { kind: 'Backend', group: 'gateway.envoyproxy.io' }, asString(backendRef.namespace) ?? backendNs);
    const backend = findObject(ctx, 'gateway.envoyproxy.io', 'Backend', asString(backendRef.namespace) ?? backendNs, asString(backendRef.name) ?? '');
    asArray(asObject(backend?.spec)?.endpoints).forEach((e, k) => {
      const fqdn = asObject(asObject(e)?.fqdn);
      const host = asString(fqdn?.hostname);
      if (!host) return;
      const port = typeof fqdn?.port === 'number' ? fqdn.port : undefined;
      hostRefs(ctx, b, `spec.rules[${i}].backendRefs[${j}] → Backend ${backend!.metadata.name}.spec.endpoints[${k}].fqdn`, port ? `${host}:${port}` : host, clients);
    });
  }));
}

/**
 * Envoy Gateway (v1.9.0) global rate limit: the proxies of the policy's Gateways ask the rate limit
 * service (gRPC 8081); the service keeps its counters in the Redis of Envoy Gateway's configuration
 * (`config.envoyGateway.rateLimit.backend.redis.url` of the Envoy Gateway release's values).
 */
function globalRateLimitRefs(ctx: Context, b: Base, obj: KubeObject, ns: string) {
  const spec = asObject(obj.spec) ?? {};
  const gateways = asArray(spec.targetRefs).map((r) => asObject(r) ?? {})
    .filter((r) => asString(r.kind) === 'Gateway' && asString(r.name))
    .map((r) => gatewayProxiesId(ns, asString(r.name)!));
  hostRefs(ctx, b, 'spec.rateLimit (Envoy Gateway rate limit service)', `http://${envoyRateLimitAddress()}`, gateways);
  for (const mo of ctx.model.objects) {
    const values = asObject(asObject(asObject(mo.object.spec)?.source)?.helm)?.valuesObject;
    const url = asString(asObject(asObject(asObject(asObject(asObject(asObject(values)?.config)?.envoyGateway)?.rateLimit)?.backend)?.redis)?.url);
    if (groupOf(mo.object.apiVersion) === 'argoproj.io' && mo.object.kind === 'Application' && url) {
      hostRefs(ctx, b, `Application ${mo.object.metadata.name} config.envoyGateway.rateLimit.backend.redis.url`, `redis://${url}`, [ENVOY_RATE_LIMIT_ID]);
    }
  }
}

const INFERENCE_POOL_GROUP = 'inference.networking.k8s.io';

/** The pod groups an InferencePool selects (its own namespace), and its target ports. */
function inferencePoolEndpoints(ctx: Context, pool: KubeObject): { pods: PodGroup[]; ports: number[] } {
  const spec = asObject(pool.spec) ?? {};
  const selector = toSelector(spec.selector) ?? {};
  const ns = pool.metadata.namespace ?? 'default';
  const pods = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0
    ? [] : ctx.model.podGroups.filter((pg) => pg.namespace === ns && matchesSelector(pg.labels, selector));
  const ports = asArray(spec.targetPorts).map((p) => asPort(asObject(p)?.number)).filter((p): p is number => p !== undefined);
  return { pods, ports };
}

/**
 * Gateway API Inference Extension (InferencePool v1): the clients of a pool (a route's gateway
 * proxies) call its endpoint picker's Service on `endpointPickerRef.port` (Envoy's external
 * processing), then the replica it picks directly on a target port.
 */
function inferencePoolClientRefs(ctx: Context, b: Base, path: string, pool: KubeObject, clients: readonly string[]) {
  const spec = asObject(pool.spec) ?? {};
  const ns = pool.metadata.namespace ?? 'default';
  const epp = asObject(spec.endpointPickerRef) ?? {};
  const eppName = asString(epp.name);
  const eppPort = asPort(asObject(epp.port)?.number);
  const { pods, ports } = inferencePoolEndpoints(ctx, pool);
  for (const client of clients) {
    if (eppName) {
      push(ctx, b, { kind: ReferenceKind.SERVICE, path: `${path}.spec.endpointPickerRef`, namespace: ns, name: eppName, clientPodGroup: client, ...(eppPort !== undefined ? { port: eppPort } : {}) });
    }
    for (const pg of pods) {
      for (const port of ports) {
        push(ctx, b, { kind: ReferenceKind.POD, path: `${path}.spec.targetPorts`, namespace: ns, name: pg.id, port, clientPodGroup: client, connection: true });
      }
    }
  }
}

/**
 * Envoy AI Gateway (v1.1.0): a Gateway annotated `aigateway.envoyproxy.io/gateway-config` gets the
 * GatewayConfig's environment on the external processor in its proxies (e.g. the OTLP endpoint its
 * traces go to), so the proxies are the clients of the addresses there.
 */
function gatewayConfigRefs(ctx: Context, b: Base, obj: KubeObject, ns: string) {
  const configName = obj.metadata.annotations?.['aigateway.envoyproxy.io/gateway-config'];
  if (!configName) return;
  objectRef(ctx, b, 'metadata.annotations[aigateway.envoyproxy.io/gateway-config]', { name: configName }, { kind: 'GatewayConfig', group: 'aigateway.envoyproxy.io' }, ns);
  const config = findObject(ctx, 'aigateway.envoyproxy.io', 'GatewayConfig', ns, configName);
  asArray(asObject(asObject(asObject(config?.spec)?.extProc)?.kubernetes)?.env).forEach((e, i) => {
    const value = asString(asObject(e)?.value);
    if (value) hostRefs(ctx, b, `GatewayConfig ${configName}.spec.extProc.kubernetes.env[${i}]`, value, [gatewayProxiesId(ns, obj.metadata.name ?? '')]);
  });
}

/** An InferencePool's picker (the pods of its `endpointPickerRef` Service) reads the metrics of every endpoint on its target ports. */
function inferencePoolRefs(ctx: Context, b: Base, pool: KubeObject, ns: string) {
  const spec = asObject(pool.spec) ?? {};
  push(ctx, b, { kind: ReferenceKind.POD, path: 'spec.selector', namespace: ns, name: '*', selector: toSelector(spec.selector) ?? {} });
  const eppName = asString(asObject(spec.endpointPickerRef)?.name);
  if (!eppName) return;
  const eppPort = asPort(asObject(asObject(spec.endpointPickerRef)?.port)?.number);
  push(ctx, b, { kind: ReferenceKind.SERVICE, path: 'spec.endpointPickerRef', namespace: ns, name: eppName, ...(eppPort !== undefined ? { port: eppPort } : {}) });
  const service = ctx.model.services.find((s) => s.namespace === ns && s.name === eppName);
  const selector = service?.selector;
  if (!selector || Object.keys(selector).length === 0) return;
  const pickers = ctx.model.podGroups.filter((pg) => pg.namespace === ns && Object.entries(selector).every(([k, v]) => pg.labels[k] === v));
  const { pods, ports } = inferencePoolEndpoints(ctx, pool);
  for (const picker of pickers) {
    for (const pg of pods) {
      for (const port of ports) {
        push(ctx, b, { kind: ReferenceKind.POD, path: 'spec.targetPorts', namespace: ns, name: pg.id, port, clientPodGroup: picker.id, connection: true });
      }
    }
  }
}

function kedaOperator(ctx: Context): string | undefined {
  return ctx.model.podGroups.find((pg) => pg.labels.app === 'keda-operator' || pg.labels['app.kubernetes.io/name'] === 'keda-operator')?.id;
}

/**
 * Argo Rollouts (v1.9.1): a Rollout's workload reference and its AnalysisTemplates; an
 * AnalysisTemplate's Prometheus addresses, which the controller's pods query.
 */
function argoRolloutsRefs(ctx: Context, b: Base, obj: KubeObject, ns: string) {
  const spec = asObject(obj.spec) ?? {};
  if (obj.kind === 'Rollout') {
    if (spec.workloadRef) objectRef(ctx, b, 'spec.workloadRef', spec.workloadRef, { kind: 'Deployment', apiVersion: 'apps/v1' }, ns);
    const templates = (where: string, list: unknown) => asArray(list).forEach((t, i) => {
      const ref = asObject(t) ?? {};
      const clusterScope = ref.clusterScope === true;
      objectRef(ctx, b, `${where}[${i}]`, { name: ref.templateName }, { kind: clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate', group: 'argoproj.io' }, ns);
    });
    const canary = asObject(asObject(spec.strategy)?.canary) ?? {};
    templates('spec.strategy.canary.analysis.templates', asObject(canary.analysis)?.templates);
    asArray(canary.steps).forEach((s, i) => templates(`spec.strategy.canary.steps[${i}].analysis.templates`, asObject(asObject(s)?.analysis)?.templates));
  }
  if (obj.kind === 'AnalysisTemplate') {
    const controller = ctx.model.podGroups.find((pg) => pg.namespace === 'argo-rollouts' && pg.labels['app.kubernetes.io/name'] === 'argo-rollouts')?.id;
    asArray(spec.metrics).forEach((m, i) => {
      const address = asString(asObject(asObject(asObject(m)?.provider)?.prometheus)?.address);
      if (address) hostRefs(ctx, b, `spec.metrics[${i}].provider.prometheus.address`, address, [controller]);
    });
  }
}

/**
 * Services the API server calls: admission webhooks, aggregated APIs, CRD conversion webhooks
 * (of the output and of the releases' renders). Their client is the API server.
 */
function apiServerCalls(ctx: Context, mo: ModelObject, b: Base) {
  const obj = mo.object;
  const group = groupOf(obj.apiVersion);
  const callTo = (path: string, service: unknown) => {
    const s = asObject(service);
    const name = asString(s?.name);
    const namespace = asString(s?.namespace);
    if (!s || !name || !namespace) return;
    push(ctx, b, { kind: ReferenceKind.SERVICE, path, namespace, name, port: asPort(s.port) ?? 443, clientPodGroup: API_SERVER_CLIENT });
  };
  if (group === 'admissionregistration.k8s.io' && (obj.kind === 'ValidatingWebhookConfiguration' || obj.kind === 'MutatingWebhookConfiguration')) {
    asArray((obj as { webhooks?: unknown }).webhooks).forEach((w, i) => callTo(`webhooks[${i}].clientConfig.service`, at(asObject(w) ?? {}, 'clientConfig.service')));
  }
  if (group === 'apiregistration.k8s.io' && obj.kind === 'APIService') callTo('spec.service', asObject(obj.spec)?.service);
  if (group === 'apiextensions.k8s.io' && obj.kind === 'CustomResourceDefinition') {
    callTo('spec.conversion.webhook.clientConfig.service', at(asObject(obj.spec) ?? {}, 'conversion.webhook.clientConfig.service'));
  }
}

function customResourceRefs(ctx: Context, mo: ModelObject, b: Base) {
  const obj = mo.object;
  const group = groupOf(obj.apiVersion);
  const ns = obj.metadata.namespace;
  const spec = asObject(obj.spec) ?? {};
  if (group === 'keda.sh' && (obj.kind === 'ScaledObject' || obj.kind === 'ScaledJob')) {
    const operator = kedaOperator(ctx);
    asArray(spec.triggers).forEach((t, i) => {
      const trigger = asObject(t) ?? {};
      for (const site of stringLeaves(trigger.metadata, `spec.triggers[${i}].metadata`)) hostRefs(ctx, b, site.path, site.text, [operator]);
      objectRef(ctx, b, `spec.triggers[${i}].authenticationRef`, trigger.authenticationRef, { kind: 'TriggerAuthentication', group: 'keda.sh' }, ns);
    });
    if (obj.kind === 'ScaledObject') objectRef(ctx, b, 'spec.scaleTargetRef', spec.scaleTargetRef, { kind: 'Deployment', apiVersion: 'apps/v1' }, ns);
  }
  if (group === 'autoscaling' && obj.kind === 'HorizontalPodAutoscaler') objectRef(ctx, b, 'spec.scaleTargetRef', spec.scaleTargetRef, { kind: 'Deployment', apiVersion: 'apps/v1' }, ns);
  if (group === 'serving.kserve.io' && obj.kind === 'InferenceService' && ns) {
    for (const component of ['predictor', 'transformer', 'explainer']) {
      const cspec = asObject(spec[component]);
      if (!cspec) continue;
      const client = `InferenceService ${ns}/${obj.metadata.name}${component === 'predictor' ? '' : ` (${component})`}`;
      const url = asString(asObject(cspec.logger)?.url);
      if (url) hostRefs(ctx, b, `spec.${component}.logger.url`, url, [client]);
      if (component !== 'predictor') continue;
      const model = predictorModel(cspec);
      if (!model) continue;
      const format = model.key === 'model' ? asString(asObject(model.spec.modelFormat)?.name) : model.key;
      const runtime = asString(model.spec.runtime);
      if (format || runtime) {
        push(ctx, b, {
          kind: ReferenceKind.SERVING_RUNTIME,
          path: `spec.predictor.${model.key}${runtime ? '.runtime' : '.modelFormat'}`,
          namespace: ns,
          name: runtime ?? '*',
          ...(format ? { modelFormat: format } : {}),
        });
      }
      const storage = asString(model.spec.storageUri) ?? asString(cspec.storageUri);
      const pvc = storage?.startsWith('pvc://') ? storage.slice('pvc://'.length).split('/')[0] : undefined;
      if (pvc) push(ctx, b, { kind: ReferenceKind.PVC, path: `spec.predictor.${model.key}.storageUri`, namespace: ns, name: pvc });
    }
  }
  if (isAiGatewayRoute(obj) && ns) aiGatewayRouteRefs(ctx, b, obj, ns);
  if (isGlobalRateLimitPolicy(obj) && ns) globalRateLimitRefs(ctx, b, obj, ns);
  if (group === 'gateway.networking.k8s.io' && obj.kind === 'Gateway' && ns) gatewayConfigRefs(ctx, b, obj, ns);
  if (group === INFERENCE_POOL_GROUP && obj.kind === 'InferencePool' && ns) inferencePoolRefs(ctx, b, obj, ns);
  if (group === 'argoproj.io' && ns) argoRolloutsRefs(ctx, b, obj, ns);
  if (group === 'opentelemetry.io' && obj.kind === 'OpenTelemetryCollector' && ns) {
    const client = `OpenTelemetryCollector ${ns}/${obj.metadata.name}`;
    for (const site of stringLeaves(collectorConfig(spec), 'spec.config')) hostRefs(ctx, b, site.path, site.text, [client]);
  }
  if (group === 'monitoring.coreos.com' && obj.kind === 'Prometheus' && ns) {
    const client = `Prometheus ${ns}/${obj.metadata.name}`;
    for (const field of ['remoteWrite', 'remoteRead']) {
      asArray(spec[field]).forEach((rw, i) => {
        const url = asString(asObject(rw)?.url);
        if (url) hostRefs(ctx, b, `spec.${field}[${i}].url`, url, [client]);
      });
    }
    asArray(at(spec, 'alerting.alertmanagers')).forEach((raw, i) => {
      const am = asObject(raw) ?? {};
      const name = asString(am.name);
      if (!name) return;
      const port = asPort(am.port);
      const portName = port === undefined ? asString(am.port) : undefined;
      push(ctx, b, {
        kind: ReferenceKind.SERVICE,
        path: `spec.alerting.alertmanagers[${i}]`,
        namespace: asString(am.namespace) ?? ns,
        name,
        clientPodGroup: client,
        ...(port !== undefined ? { port } : {}),
        ...(portName ? { portName } : {}),
      });
    });
    const sc = asString(at(spec, 'storage.volumeClaimTemplate.spec.storageClassName'));
    if (sc) push(ctx, b, { kind: ReferenceKind.STORAGE_CLASS, path: 'spec.storage.volumeClaimTemplate.spec.storageClassName', name: sc });
    if (mo.origin.release === undefined) {
      const sa = asString(spec.serviceAccountName) || 'default';
      push(ctx, b, { kind: ReferenceKind.SERVICE_ACCOUNT, path: 'spec.serviceAccountName', namespace: ns, name: sa });
    }
  }
  if (group === 'external-secrets.io' && (obj.kind === 'ExternalSecret' || obj.kind === 'PushSecret')) {
    const store = asObject(spec.secretStoreRef) ?? asObject(asArray(spec.secretStoreRefs)[0]);
    const name = asString(store?.name);
    if (name) {
      const kind = asString(store?.kind) ?? 'SecretStore';
      push(ctx, b, { kind: ReferenceKind.SECRET_STORE, path: 'spec.secretStoreRef', name, targetKind: kind, ...(kind === 'SecretStore' && ns ? { namespace: ns } : {}) });
    }
    const target = asString(at(spec, 'target.name')) ?? obj.metadata.name ?? '';
    const clients = [...(ctx.consumers.get(`${ReferenceKind.SECRET}/${ns}/${target}`) ?? [])];
    for (const site of stringLeaves(at(spec, 'target.template.data'), 'spec.target.template.data')) hostRefs(ctx, b, site.path, site.text, clients);
  }
  if (group === 'trainer.kubeflow.org' && obj.kind === 'TrainJob' && ns) {
    const ref = trainJobRuntimeRef(obj);
    if (ref) push(ctx, b, { kind: ReferenceKind.TRAINING_RUNTIME, path: 'spec.runtimeRef', name: ref.name, targetKind: ref.kind, ...(ref.kind === 'TrainingRuntime' ? { namespace: ns } : {}) });
  }
  if (group === 'cert-manager.io' && obj.kind === 'Certificate') {
    objectRef(ctx, b, 'spec.issuerRef', spec.issuerRef, { kind: 'Issuer', group: 'cert-manager.io' }, ns);
  }
  if (group === 'rbac.authorization.k8s.io' && (obj.kind === 'RoleBinding' || obj.kind === 'ClusterRoleBinding') && mo.origin.release === undefined) {
    objectRef(ctx, b, 'roleRef', spec.roleRef ?? (obj as { roleRef?: unknown }).roleRef, { kind: 'ClusterRole', group: 'rbac.authorization.k8s.io' }, ns);
    asArray((obj as { subjects?: unknown }).subjects).forEach((s, i) => {
      const subject = asObject(s) ?? {};
      const name = asString(subject.name);
      const sns = asString(subject.namespace) ?? ns;
      if (subject.kind === 'ServiceAccount' && name && sns) push(ctx, b, { kind: ReferenceKind.SERVICE_ACCOUNT, path: `subjects[${i}]`, namespace: sns, name });
    });
  }
}

function storageRefs(ctx: Context, mo: ModelObject, b: Base) {
  const obj = mo.object;
  const group = groupOf(obj.apiVersion);
  if (group === 'apps' && obj.kind === 'StatefulSet') {
    asArray(at(obj, 'spec.volumeClaimTemplates')).forEach((t, i) => {
      const sc = asString(at(t, 'spec.storageClassName'));
      if (sc) push(ctx, b, { kind: ReferenceKind.STORAGE_CLASS, path: `spec.volumeClaimTemplates[${i}].spec.storageClassName`, name: sc });
    });
  }
  if (group === '' && obj.kind === 'PersistentVolumeClaim') {
    const sc = asString(at(obj, 'spec.storageClassName'));
    if (sc) push(ctx, b, { kind: ReferenceKind.STORAGE_CLASS, path: 'spec.storageClassName', name: sc });
  }
}

/** Hosts in a ConfigMap's data; of a release's ConfigMaps only Grafana datasources (the rest is the operator's own configuration). */
function configDataRefs(ctx: Context, mo: ModelObject, b: Base) {
  const obj = mo.object;
  const ns = obj.metadata.namespace ?? 'default';
  const labels = labelsOf(obj);
  const loadedBy = ctx.loaders.filter((l) => l.loads === 'datasources' && loaderLoads(l, labels, ns)).map((l) => l.podGroup.id);
  if (mo.origin.release !== undefined && loadedBy.length === 0) return;
  const clients = new Set([...(ctx.consumers.get(`${ReferenceKind.CONFIG_MAP}/${ns}/${obj.metadata.name}`) ?? []), ...loadedBy]);
  const data = asObject((obj as { data?: unknown }).data) ?? {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string' || isGrafanaDashboard(key, value)) continue;
    for (const site of embeddedSites(value, `data["${key}"]`)) hostRefs(ctx, b, site.path, site.text, [...clients]);
  }
}

function monitorRefs(ctx: Context, mo: ModelObject, b: Base) {
  const obj = mo.object;
  const kind = obj.kind as MonitorKind;
  const ns = obj.metadata.namespace ?? 'default';
  const labels = labelsOf(obj);
  push(ctx, b, { kind: ReferenceKind.PROMETHEUS, path: 'metadata.labels', namespace: ns, name: '*', targetKind: kind });
  if (kind === 'PrometheusRule') return;
  const selecting = ctx.prometheuses.filter((p) => prometheusSelects(ctx.model, p, kind, labels, ns)).map((p) => p.podGroup);
  const clients = selecting.length > 0 ? selecting : [undefined];
  const spec = asObject(obj.spec) ?? {};
  const selector = toSelector(spec.selector) ?? {};
  const namespaces = monitorTargetNamespaces(ctx.model, obj);
  const endpointsField = kind === 'ServiceMonitor' ? 'endpoints' : 'podMetricsEndpoints';
  const endpoints = asArray(spec[endpointsField]).map((e) => asObject(e) ?? {});
  endpoints.forEach((e, i) => secretRefsOfEndpoint(ctx, b, e, `spec.${endpointsField}[${i}]`, ns));
  if (kind === 'ServiceMonitor') {
    push(ctx, b, { kind: ReferenceKind.SERVICE, path: 'spec.selector', namespace: ns, name: '*', selector, namespaces });
    const targets = ctx.model.services.filter((s) => namespaces.includes(s.namespace) && matchesSelector(s.labels ?? {}, selector));
    for (const s of targets) {
      endpoints.forEach((e, i) => {
        const portName = asString(e.port) ?? asString(e.targetPort);
        const number = asPort(e.targetPort);
        const port = portName !== undefined ? s.ports.find((p) => p.name === portName)?.port : number;
        for (const client of clients) {
          push(ctx, b, {
            kind: ReferenceKind.SERVICE,
            path: `spec.${endpointsField}[${i}].${asString(e.port) !== undefined ? 'port' : 'targetPort'}`,
            namespace: s.namespace,
            name: s.name,
            ...(portName !== undefined ? { portName } : {}),
            ...(port !== undefined ? { port } : {}),
            ...(client ? { clientPodGroup: client } : {}),
          });
        }
      });
    }
  } else {
    push(ctx, b, { kind: ReferenceKind.POD, path: 'spec.selector', namespace: ns, name: '*', selector, namespaces });
    const targets = ctx.model.podGroups.filter((pg) => namespaces.includes(pg.namespace) && matchesSelector(pg.labels, selector));
    for (const pg of targets) {
      endpoints.forEach((e, i) => {
        const portName = asString(e.port);
        const number = asPort(e.portNumber) ?? asPort(e.targetPort);
        const port = portName !== undefined ? pg.ports.find((p) => p.name === portName)?.port : number;
        for (const client of clients) {
          push(ctx, b, {
            kind: ReferenceKind.POD,
            path: `spec.${endpointsField}[${i}].${portName !== undefined ? 'port' : 'portNumber'}`,
            namespace: pg.namespace,
            name: pg.id,
            ...(portName !== undefined ? { portName } : {}),
            ...(port !== undefined ? { port } : {}),
            ...(client ? { clientPodGroup: client } : {}),
          });
        }
      });
    }
  }
}

function secretRefsOfEndpoint(ctx: Context, b: Base, e: { [key: string]: unknown }, path: string, ns: string) {
  const secretAt = (value: unknown, p: string) => {
    const ref = nameRef(value);
    if (ref && !ref.optional) push(ctx, b, { kind: ReferenceKind.SECRET, path: `${path}.${p}`, namespace: ns, name: ref.name, ...(ref.key ? { key: ref.key } : {}) });
  };
  secretAt(at(e, 'authorization.credentials'), 'authorization.credentials');
  secretAt(at(e, 'basicAuth.username'), 'basicAuth.username');
  secretAt(at(e, 'basicAuth.password'), 'basicAuth.password');
  secretAt(e.bearerTokenSecret, 'bearerTokenSecret');
  secretAt(at(e, 'oauth2.clientSecret'), 'oauth2.clientSecret');
  secretAt(at(e, 'tlsConfig.keySecret'), 'tlsConfig.keySecret');
  for (const f of ['ca', 'cert']) {
    secretAt(at(e, `tlsConfig.${f}.secret`), `tlsConfig.${f}.secret`);
    const cm = nameRef(at(e, `tlsConfig.${f}.configMap`));
    if (cm && !cm.optional) push(ctx, b, { kind: ReferenceKind.CONFIG_MAP, path: `${path}.tlsConfig.${f}.configMap`, namespace: ns, name: cm.name, ...(cm.key ? { key: cm.key } : {}) });
  }
}

/** Extracts every reference of the model (see the module comment). */
export function extractReferences(model: PlatformModel): Reference[] {
  const ctx: Context = {
    model,
    namespaces: new Set(model.namespaces.keys()),
    refs: [],
    consumers: consumersOf(model),
    prometheuses: prometheusInstances(model),
    loaders: sidecarLoaders(model),
  };
  for (const pg of model.podGroups) {
    if (pg.origin.providedBy !== undefined) continue; // cluster-provided pods
    podGroupRefs(ctx, pg, pg.origin.release !== undefined);
  }
  for (const mo of model.objects) {
    if (mo.origin.providedBy !== undefined) continue; // cluster-provided or created at run time
    const obj = mo.object;
    const group = groupOf(obj.apiVersion);
    const ns = obj.metadata.namespace;
    const b: Base = { from: idOf(obj), origin: mo.origin };
    if (!isBuiltInGroup(group)) {
      push(ctx, b, { kind: ReferenceKind.CUSTOM_RESOURCE_DEFINITION, path: 'apiVersion', name: `${obj.kind}.${group}`, targetKind: obj.kind, targetGroup: group, apiVersion: obj.apiVersion });
    }
    if (ns) push(ctx, b, { kind: ReferenceKind.NAMESPACE, path: 'metadata.namespace', name: ns });
    const fromRelease = mo.origin.release !== undefined;
    if (!fromRelease) {
      queueRefs(ctx, mo, b);
      storageRefs(ctx, mo, b);
    }
    if (group === '' && obj.kind === 'ConfigMap') configDataRefs(ctx, mo, b);
    customResourceRefs(ctx, mo, b);
    apiServerCalls(ctx, mo, b);
    if (group === 'monitoring.coreos.com' && ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'].includes(obj.kind) && asObject(obj.spec)) monitorRefs(ctx, mo, b);
    if (group === '' && obj.kind === 'ConfigMap') {
      const data = asObject((obj as { data?: unknown }).data) ?? {};
      for (const [key, value] of Object.entries(data)) {
        if (isGrafanaDashboard(key, value)) push(ctx, b, { kind: ReferenceKind.GRAFANA, path: `data["${key}"]`, namespace: ns ?? 'default', name: '*', targetKind: 'ConfigMap' });
      }
    }
  }
  return ctx.refs;
}

/** The version of a CRD reference's apiVersion. */
export function referenceVersion(ref: Reference): string | undefined {
  return ref.apiVersion ? versionOf(ref.apiVersion) : undefined;
}

