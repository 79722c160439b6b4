/**
 * Builds the {@link PlatformModel} of a synthesized platform: every object of the output files
 * and of the releases its Argo CD Applications install, what the cluster provides, what
 * controllers create at run time, the pods all of that runs, the Services, the namespaces and
 * the NetworkPolicies; then the references between them (./references.ts).
 *
 * ```ts
 * const model = buildPlatformModel([{ file: 'dist/0000-cnai-platform.k8s.yaml' }], releases);
 * const report = verifyPlatformReferences(model);
 * ```
 */
import * as fs from 'fs';
import * as YAML from 'yaml';
import { AdapterContext, CreatedObject, CUSTOM_RESOURCE_ADAPTERS, grafanaReleaseObjects, helmReleaseName, kubePrometheusStackObjects, metricsBackendChart } from './adapters';
import { argoCdProvidedObjects, CLUSTER_NAMESPACES, clusterProvidedObjects, crdStub, namespaceProvidedObjects } from './cluster-provided';
import { controllerCreatedObjects } from './controllers';
import { asArray, asObject, asPort, asString, asStringMap, CrdScopes, groupOf, isNamespaced, objectKey } from './kinds';
import { ClusterAddresses, ModelObject, NamespaceInfo, NetworkPolicyInfo, Origin, PlatformModel, PodGroup, ServiceInfo } from './model';
import { extractReferences } from './references';
import { podGroupOfWorkload } from './workloads';
import { PROVIDES_ANNOTATION, ReleaseProvides } from '../../core/release-provides';
import { workloadObject } from '../upstream/helm-check';
import { KubeObject, ReleaseRender } from '../upstream/types';

/** One output file: YAML text or parsed objects, with the name locations show (the shape of the schema validator's ManifestFile). */
export interface PlatformOutputFile {
  /** File name shown in locations (and read from disk when `content` is not given). */
  readonly file: string;
  /**
   * YAML text (one or more documents) or parsed objects.
   * @default - the file is read from disk
   */
  readonly content?: string | unknown[];
}

/** Options of {@link buildPlatformModel}. */
export interface BuildPlatformModelOptions {
  /**
   * Namespace of the Argo CD that syncs the output: its namespace and its CRDs (Application,
   * AppProject, ApplicationSet) are assumed to exist. `false` assumes no Argo CD.
   * @default "argocd"
   */
  readonly argoCdNamespace?: string | false;
  /**
   * Assume what Kubernetes and Amazon EKS create in every cluster (./cluster-provided.ts).
   * @default true
   */
  readonly clusterProvided?: boolean;
  /**
   * Where the nodes and the API server are (for flows to the kubelet and the API server): on
   * EKS, the VPC's block (the platform contract's vpcCidr).
   * @default - any IPv4 address (a policy must then allow any address to allow such a flow)
   */
  readonly clusterAddresses?: ClusterAddresses;
}

/** Sync wave of objects that exist before anything is applied. */
export const CLUSTER_SYNC_WAVE = Number.NEGATIVE_INFINITY;
const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** Everything the builder needs to know about one object before the model is assembled. */
interface Entry extends ModelObject {
  readonly namespace?: string;
}

function isKubeObject(value: unknown): value is KubeObject {
  const o = asObject(value);
  return !!o && typeof o.apiVersion === 'string' && typeof o.kind === 'string' && asObject(o.metadata) !== undefined;
}

function syncWaveOf(obj: KubeObject, fallback: number): number {
  const raw = obj.metadata.annotations?.[SYNC_WAVE_ANNOTATION];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) ? n : fallback;
}

/** The objects of the output files, with `file#doc` locations and sync waves. */
export function readOutput(output: PlatformOutputFile | PlatformOutputFile[]): { object: KubeObject; origin: Origin }[] {
  const files = Array.isArray(output) ? output : [output];
  const out: { object: KubeObject; origin: Origin }[] = [];
  for (const f of files) {
    const content = f.content ?? fs.readFileSync(f.file, 'utf8');
    const values = typeof content === 'string' ? YAML.parseAllDocuments(content).map((d) => d.toJSON()) : content;
    values.forEach((value, index) => {
      if (!isKubeObject(value)) return;
      out.push({ object: value, origin: { location: `${f.file}#${index}`, syncWave: syncWaveOf(value, 0) } });
    });
  }
  return out;
}

/** The provides declaration of an Application object (its annotation), when present and valid JSON. */
export function providesOf(application: KubeObject): ReleaseProvides | undefined {
  const raw = application.metadata.annotations?.[PROVIDES_ANNOTATION];
  if (!raw) return undefined;
  try {
    return asObject(JSON.parse(raw)) as ReleaseProvides | undefined;
  } catch {
    return undefined;
  }
}

/**
 * Objects a release's provides declaration stands for, for a release whose render has none:
 * CRD stubs, Services, workloads as Deployments, named objects.
 */
export function objectsFromProvides(provides: ReleaseProvides, namespace: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const g of provides.customResources ?? []) {
    for (const kind of g.kinds) out.push(crdStub(g.group, kind, isNamespaced(g.group, kind)));
  }
  for (const s of provides.services ?? []) {
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: s.name, namespace: s.namespace ?? namespace },
      spec: { selector: s.selector, ports: s.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, targetPort: p.targetPort ?? p.port, protocol: p.protocol ?? 'TCP' })) },
    });
  }
  for (const w of provides.workloads ?? []) out.push(workloadObject(w, namespace, {}));
  for (const o of provides.objects ?? []) {
    const group = groupOf(o.apiVersion);
    const ns = isNamespaced(group, o.kind) ? { namespace: o.namespace ?? namespace } : {};
    out.push({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name, ...ns } });
  }
  return out;
}

function crdScopesOf(objects: KubeObject[]): CrdScopes {
  const scopes: CrdScopes = new Map();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition' || groupOf(o.apiVersion) !== 'apiextensions.k8s.io') continue;
    const spec = asObject(o.spec);
    const group = asString(spec?.group);
    const kind = asString(asObject(spec?.names)?.kind);
    if (group && kind) scopes.set(`${group}/${kind}`, asString(spec?.scope) !== 'Cluster');
  }
  return scopes;
}

/**
 * Builds the model of a platform from its output files and the renders of the releases its
 * Applications install.
 *
 * @param output the output files (YAML text or parsed objects, or read from disk)
 * @param releases what each Argo CD Application installs (from `verifyReleases`, or stubs)
 */
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

export function buildPlatformModel(
  output: PlatformOutputFile | PlatformOutputFile[],
  releases: ReleaseRender[] = [],
  options: BuildPlatformModelOptions = {},
): PlatformModel {
  const written = readOutput(output);
  const applications = new Map(written.filter((w) => w.object.kind === 'Application' && groupOf(w.object.apiVersion) === 'argoproj.io').map((w) => [w.object.metadata.name, w.object]));

  // Release objects: the render, or the provides declaration when nothing was rendered, plus the
  // metrics backend built from the values of kube-prometheus-stack and grafana charts.
  const releaseObjects: { object: KubeObject; origin: Origin; defaultNamespace: string }[] = [];
  for (const r of releases) {
    const origin: Origin = { location: `release ${r.application}`, release: r.application, syncWave: r.syncWave };
    let objects = r.objects.length === 0 && !r.rendered && r.provides ? objectsFromProvides(r.provides, r.namespace) : [...r.objects];
    const declaredKinds = new Set(crdScopesOf(objects).keys());
    for (const g of r.provides?.customResources ?? []) {
      for (const kind of g.kinds) if (!declaredKinds.has(`${g.group}/${kind}`)) objects.push(crdStub(g.group, kind, isNamespaced(g.group, kind)));
    }
    const chart = metricsBackendChart(r);
    if (chart) {
      const releaseName = helmReleaseName(r, applications.get(r.application));
      const built = chart === 'kube-prometheus-stack' ? kubePrometheusStackObjects(r, releaseName) : grafanaReleaseObjects(r, releaseName);
      // What the chart's values build wins over the release's declaration of the same object
      // (the values say what really runs: sidecars, labels, ports). The StatefulSets the
      // Prometheus operator makes of a Prometheus or Alertmanager (`prometheus-<name>`,
      // `alertmanager-<name>`) come from those custom resources' adapters, not from a declaration.
      const id = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? r.namespace}/${o.metadata.name}`;
      const builtIds = new Set(built.map(id));
      const operated = new Set(built.filter((o) => groupOf(o.apiVersion) === 'monitoring.coreos.com' && (o.kind === 'Prometheus' || o.kind === 'Alertmanager'))
        .map((o) => `${o.metadata.namespace ?? r.namespace}/${o.kind.toLowerCase()}-${o.metadata.name}`));
      const isOperated = (o: KubeObject) => WORKLOAD_KINDS.has(o.kind) && operated.has(`${o.metadata.namespace ?? r.namespace}/${o.metadata.name}`);
      objects = [...objects.filter((o) => !builtIds.has(id(o)) && !isOperated(o)), ...built];
    }
    for (const object of objects) releaseObjects.push({ object, origin, defaultNamespace: r.namespace });
  }

  const clusterProvided = options.clusterProvided === false ? [] : clusterProvidedObjects();
  const argoCdNamespace = options.argoCdNamespace === undefined ? 'argocd' : options.argoCdNamespace;
  const argoCd = argoCdNamespace === false ? [] : argoCdProvidedObjects(argoCdNamespace);
  const clusterOrigin = (reason: string): Origin => ({ location: 'cluster', syncWave: CLUSTER_SYNC_WAVE, providedBy: reason });

  const crdScopes = crdScopesOf([...written, ...releaseObjects, ...argoCd].map((e) => e.object));
  const entries: Entry[] = [];
  const index = new Map<string, Entry>();
  const add = (object: KubeObject, origin: Origin, defaultNamespace: string): Entry | undefined => {
    const group = groupOf(object.apiVersion);
    const namespace = isNamespaced(group, object.kind, crdScopes) ? object.metadata.namespace ?? defaultNamespace : undefined;
    const normalized = namespace !== undefined && object.metadata.namespace !== namespace
      ? { ...object, metadata: { ...object.metadata, namespace } }
      : object;
    const key = objectKey(group, object.kind, namespace, object.metadata.name ?? '');
    const entry: Entry = { object: normalized, origin, namespace };
    entries.push(entry);
    if (!index.has(key)) index.set(key, entry);
    return entry;
  };
  const addIfMissing = (object: KubeObject, origin: Origin, defaultNamespace: string) => {
    const group = groupOf(object.apiVersion);
    const namespace = isNamespaced(group, object.kind, crdScopes) ? object.metadata.namespace ?? defaultNamespace : undefined;
    if (index.has(objectKey(group, object.kind, namespace, object.metadata.name ?? ''))) return undefined;
    return add(object, origin, defaultNamespace);
  };

  for (const w of written) add(w.object, w.origin, 'default');
  for (const r of releaseObjects) add(r.object, r.origin, r.defaultNamespace);
  for (const p of [...clusterProvided, ...argoCd]) addIfMissing(p.object, clusterOrigin(p.reason), 'default');
  const declared = [...entries];

  // Namespaces: declared, the releases' destinations, and those every cluster has.
  const namespaces = new Map<string, NamespaceInfo>();
  for (const e of declared) {
    if (e.object.kind !== 'Namespace' || groupOf(e.object.apiVersion) !== '') continue;
    const name = e.object.metadata.name ?? '';
    if (namespaces.has(name)) continue;
    namespaces.set(name, { name, labels: { ...asStringMap(e.object.metadata.labels), 'kubernetes.io/metadata.name': name }, origin: e.origin });
  }
  for (const r of releases) {
    if (!namespaces.has(r.namespace)) {
      namespaces.set(r.namespace, { name: r.namespace, labels: { 'kubernetes.io/metadata.name': r.namespace }, origin: { location: `release ${r.application}`, release: r.application, syncWave: r.syncWave } });
    }
  }
  if (options.clusterProvided !== false) {
    for (const name of CLUSTER_NAMESPACES) {
      if (!namespaces.has(name)) namespaces.set(name, { name, labels: { 'kubernetes.io/metadata.name': name }, origin: clusterOrigin('Kubernetes (every cluster)') });
    }
  }
  if (options.clusterProvided !== false) {
    for (const ns of namespaces.keys()) {
      for (const p of namespaceProvidedObjects(ns)) addIfMissing(p.object, clusterOrigin(p.reason), ns);
    }
  }

  // What operators and controllers create from the declared objects.
  const context: AdapterContext = {
    find(group, kind, namespace, name) {
      return index.get(objectKey(group, kind, namespace, name))?.object;
    },
  };
  const podGroups: PodGroup[] = [];
  const created: { created: CreatedObject; from: Entry }[] = [];
  for (const e of declared) {
    const group = groupOf(e.object.apiVersion);
    const namespace = e.namespace ?? 'default';
    const adapter = CUSTOM_RESOURCE_ADAPTERS.get(`${group}/${e.object.kind}`);
    if (adapter) {
      const out = adapter.expand(e.object, namespace, context);
      for (const g of out.podGroups) podGroups.push({ ...g, origin: e.origin });
      for (const c of out.objects) created.push({ created: c, from: e });
    }
    for (const c of controllerCreatedObjects(e.object, namespace)) created.push({ created: c, from: e });
  }
  for (const { created: c, from } of created) {
    addIfMissing(c.object, { location: from.origin.location, ...(from.origin.release ? { release: from.origin.release } : {}), syncWave: from.origin.syncWave, providedBy: c.providedBy }, from.namespace ?? 'default');
  }

  // Pods of built-in workloads (the declared ones and those cluster-provided; adapters' workload
  // objects carry no pod template, their pods are the adapters' pod groups).
  for (const e of entries) {
    if (!e.namespace) continue;
    const draft = podGroupOfWorkload(e.object, e.namespace);
    if (draft) podGroups.push({ ...draft, origin: e.origin, ...(e.origin.providedBy ? { createdBy: e.origin.providedBy } : {}) });
  }

  const services: ServiceInfo[] = [];
  const networkPolicies: NetworkPolicyInfo[] = [];
  for (const e of index.values()) {
    const group = groupOf(e.object.apiVersion);
    if (group === '' && e.object.kind === 'Service' && e.namespace) services.push(serviceInfo(e));
    if (group === 'networking.k8s.io' && e.object.kind === 'NetworkPolicy' && e.namespace) {
      networkPolicies.push({ namespace: e.namespace, name: e.object.metadata.name ?? '', spec: asObject(e.object.spec) ?? {}, origin: e.origin });
    }
  }

  const objects: ModelObject[] = entries.map((e) => ({ object: e.object, origin: e.origin }));
  const withoutReferences: PlatformModel = {
    objects,
    namespaces,
    podGroups,
    services,
    networkPolicies,
    references: [],
    releases,
    ...(options.clusterAddresses ? { clusterAddresses: options.clusterAddresses } : {}),
  };
  return { ...withoutReferences, references: extractReferences(withoutReferences) };
}

function serviceInfo(e: Entry): ServiceInfo {
  const spec = asObject(e.object.spec) ?? {};
  const selector = asStringMap(spec.selector);
  const external = spec.type === 'ExternalName';
  return {
    namespace: e.namespace ?? 'default',
    name: e.object.metadata.name ?? '',
    ...(!external && Object.keys(selector).length > 0 ? { selector } : {}),
    headless: spec.clusterIP === 'None',
    labels: asStringMap(e.object.metadata.labels),
    ports: asArray(spec.ports).flatMap((raw) => {
      const p = asObject(raw);
      const port = asPort(p?.port);
      if (!p || port === undefined) return [];
      const target = asPort(p.targetPort) ?? asString(p.targetPort) ?? port;
      return [{ ...(asString(p.name) ? { name: asString(p.name) } : {}), port, targetPort: target, protocol: asString(p.protocol) ?? 'TCP' }];
    }),
    origin: e.origin,
  };
}

/** Served versions of a CRD object (undefined when the CRD does not list them). */
export function servedVersions(crd: KubeObject): string[] | undefined {
  const versions = asArray(asObject(crd.spec)?.versions);
  if (versions.length === 0) {
    const single = asString(asObject(crd.spec)?.version);
    return single ? [single] : undefined;
  }
  return versions.map(asObject).filter((v) => v && v.served !== false).map((v) => asString(v!.name) ?? '');
}

