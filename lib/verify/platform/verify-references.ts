/**
 * Resolves the references of a platform model (./references.ts) and reports each one that does
 * not resolve, naming both ends, what is wrong and the fix:
 *
 * ```
 * Deployment ai-apps/chat spec.template.spec.containers[vllm].env[OTEL_EXPORTER_OTLP_ENDPOINT] (dist/0003-cnai-serving.k8s.yaml#1):
 *   http://otel-collector.observability.svc:4317 → no Service otel-collector in namespace observability
 *   (Services there: collector-collector:4317,4318). Fix: point the reference at an existing Service, or create the Service …
 * ```
 */
import { UNKNOWN_KEYS_ANNOTATION } from './controllers';
import { asArray, asObject, asString, groupOf, objectKey, versionOf } from './kinds';
import { formatSelector, matchesLabels, matchesSelector } from './label-selectors';
import { ModelObject, Origin, PlatformModel, PodGroup, Reference, ReferenceKind, ServiceInfo } from './model';
import { describeLoader, describePrometheusSelection, labelsOf, loaderLoads, MonitorKind, prometheusInstances, prometheusSelects, sidecarLoaders } from './monitoring';
import { editDistance } from '../../core/edit-distance';
import { KubeObject } from '../upstream/types';

/** One reference that does not resolve. */
export interface ReferenceFinding {
  /** What was checked: the kind of the reference. */
  readonly check: ReferenceKind;
  /** The referring object (`Kind namespace/name`). */
  readonly from: string;
  /** Where in it. */
  readonly path: string;
  /** `file#doc` (or `release <application>`) of the referring object. */
  readonly location: string;
  /** The target, e.g. `Service observability/otel-collector:4317`. */
  readonly to: string;
  /** The whole finding: both ends, what is wrong, and the fix. */
  readonly message: string;
  readonly reference: Reference;
}

/** References of one kind. */
export interface ReferenceKindSummary {
  readonly kind: ReferenceKind;
  readonly total: number;
  readonly resolved: number;
}

/** Result of {@link verifyPlatformReferences}. */
export interface PlatformReferenceReport {
  /** True when every reference resolves. */
  readonly valid: boolean;
  readonly references: number;
  readonly resolved: number;
  readonly findings: ReferenceFinding[];
  /** Per reference kind, in the order of {@link ReferenceKind}. */
  readonly summary: ReferenceKindSummary[];
}

interface Problem {
  readonly to: string;
  readonly problem: string;
}

class Index {
  private readonly byKey = new Map<string, ModelObject>();
  private readonly byId = new Map<string, ModelObject>();
  constructor(readonly model: PlatformModel) {
    for (const mo of model.objects) {
      const o = mo.object;
      const key = objectKey(groupOf(o.apiVersion), o.kind, o.metadata.namespace, o.metadata.name ?? '');
      if (!this.byKey.has(key)) this.byKey.set(key, mo);
      const id = `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name ?? ''}`;
      if (!this.byId.has(id)) this.byId.set(id, mo);
    }
  }
  find(group: string, kind: string, namespace: string | undefined, name: string): ModelObject | undefined {
    return this.byKey.get(objectKey(group, kind, namespace, name));
  }
  byReferrer(from: string): ModelObject | undefined {
    return this.byId.get(from);
  }
  all(group: string, kind: string, namespace?: string): ModelObject[] {
    return this.model.objects.filter((mo) => mo.object.kind === kind && groupOf(mo.object.apiVersion) === group
      && (namespace === undefined || mo.object.metadata.namespace === namespace));
  }
}

/** ` Did you mean x?` when a name is close to one of `names`. */
function didYouMean(name: string, names: string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const n of new Set(names)) {
    const d = editDistance(name, n);
    if (d < bestDistance) {
      best = n;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 4));
  if (best !== undefined && bestDistance <= limit && best !== name) return ` Did you mean ${best}?`;
  // A name cut short (`kserve-huggingface` for `kserve-huggingfaceserver`).
  const longer = name.length >= 4 ? [...new Set(names)].filter((n) => n !== name && n.startsWith(name)) : [];
  return longer.length === 1 ? ` Did you mean ${longer[0]}?` : '';
}

function listNames(names: string[], max = 12): string {
  const unique = [...new Set(names)].sort();
  if (unique.length === 0) return 'none';
  return unique.length > max ? `${unique.slice(0, max).join(', ')}, … (${unique.length})` : unique.join(', ');
}

function portsOf(s: ServiceInfo): string {
  return s.ports.length === 0 ? 'none' : s.ports.map((p) => `${p.name ? `${p.name}:` : ''}${p.port}${p.targetPort !== p.port ? `→${p.targetPort}` : ''}${p.protocol !== 'TCP' ? `/${p.protocol}` : ''}`).join(', ');
}

function podPorts(pg: PodGroup): string {
  return pg.ports.length === 0 ? 'none declared' : pg.ports.map((p) => `${p.name ? `${p.name}:` : ''}${p.port}${p.protocol !== 'TCP' ? `/${p.protocol}` : ''}`).join(', ');
}

function whereLocated(origin: Origin): string {
  return origin.providedBy ? `${origin.location}, created by ${origin.providedBy}` : origin.location;
}

function waveOf(origin: Origin): string {
  return origin.syncWave === Number.NEGATIVE_INFINITY ? 'before any wave' : `wave ${origin.syncWave}`;
}

class Resolver {
  private readonly index: Index;
  private readonly rendered: Map<string, boolean>;
  constructor(private readonly model: PlatformModel) {
    this.index = new Index(model);
    this.rendered = new Map((model.releases ?? []).map((r) => [r.application, r.rendered]));
  }

  resolve(ref: Reference): Problem | undefined {
    switch (ref.kind) {
      case ReferenceKind.SERVICE: return this.service(ref);
      case ReferenceKind.POD: return this.pod(ref);
      case ReferenceKind.SECRET: return this.keyed(ref, 'Secret', 'create it, or an ExternalSecret whose target is this Secret');
      case ReferenceKind.CONFIG_MAP: return this.keyed(ref, 'ConfigMap', 'create it, or point at one that exists');
      case ReferenceKind.SERVICE_ACCOUNT: return this.named(ref, '', 'ServiceAccount', ref.namespace, 'create the ServiceAccount (or name one that exists)');
      case ReferenceKind.PVC: return this.named(ref, '', 'PersistentVolumeClaim', ref.namespace, 'create the claim, or use a StatefulSet volumeClaimTemplate');
      case ReferenceKind.STORAGE_CLASS: return this.named(ref, 'storage.k8s.io', 'StorageClass', undefined, 'create the StorageClass, or name one that exists');
      case ReferenceKind.PRIORITY_CLASS: return this.named(ref, 'scheduling.k8s.io', 'PriorityClass', undefined, 'create the PriorityClass, or name one that exists');
      case ReferenceKind.LOCAL_QUEUE: return this.named(ref, 'kueue.x-k8s.io', 'LocalQueue', ref.namespace, 'Kueue leaves the workload suspended until the queue exists: create a LocalQueue there, or name one that exists');
      case ReferenceKind.CLUSTER_QUEUE: return this.named(ref, 'kueue.x-k8s.io', 'ClusterQueue', undefined, 'the LocalQueue admits nothing until it exists: create the ClusterQueue, or name one that exists');
      case ReferenceKind.RESOURCE_FLAVOR: return this.named(ref, 'kueue.x-k8s.io', 'ResourceFlavor', undefined, 'the ClusterQueue stays inactive until it exists: create the ResourceFlavor');
      case ReferenceKind.SECRET_STORE: return this.named(ref, 'external-secrets.io', ref.targetKind ?? 'SecretStore', ref.namespace, 'create the store, or name one that exists');
      case ReferenceKind.TRAINING_RUNTIME: return this.named(ref, 'trainer.kubeflow.org', ref.targetKind ?? 'ClusterTrainingRuntime', ref.namespace, 'install the Trainer runtimes (a release) or name a runtime that exists');
      case ReferenceKind.OBJECT: return this.named(ref, ref.targetGroup ?? '', ref.targetKind ?? '', ref.namespace, 'create it, or name one that exists');
      case ReferenceKind.SERVING_RUNTIME: return this.servingRuntime(ref);
      case ReferenceKind.CUSTOM_RESOURCE_DEFINITION: return this.crd(ref);
      case ReferenceKind.NAMESPACE: return this.namespace(ref);
      case ReferenceKind.PROMETHEUS: return this.prometheus(ref);
      case ReferenceKind.GRAFANA: return this.grafana(ref);
      default: return undefined;
    }
  }

  private named(ref: Reference, group: string, kind: string, namespace: string | undefined, fix: string): Problem | undefined {
    const to = `${kind} ${namespace ? `${namespace}/` : ''}${ref.name}`;
    if (this.index.find(group, kind, namespace, ref.name)) return undefined;
    const others = this.index.all(group, kind, namespace).map((mo) => mo.object.metadata.name ?? '');
    const where = namespace ? ` in namespace ${namespace}` : '';
    return { to, problem: `no ${kind} ${ref.name}${where} (${kind}s${namespace ? ' there' : ''}: ${listNames(others)}).${didYouMean(ref.name, others)} Fix: ${fix}` };
  }

  private keyed(ref: Reference, kind: 'Secret' | 'ConfigMap', fix: string): Problem | undefined {
    const missing = this.named(ref, '', kind, ref.namespace, fix);
    if (missing || ref.key === undefined) return missing;
    const obj = this.index.find('', kind, ref.namespace, ref.name)!.object as KubeObject & { data?: unknown; stringData?: unknown; binaryData?: unknown };
    if (obj.metadata.annotations?.[UNKNOWN_KEYS_ANNOTATION] === 'true') return undefined;
    if (obj.data === undefined && obj.stringData === undefined && obj.binaryData === undefined) return undefined; // keys not known (a stub)
    const keys = [obj.data, obj.stringData, obj.binaryData].flatMap((d) => Object.keys(asObject(d) ?? {}));
    if (keys.includes(ref.key)) return undefined;
    return {
      to: `${kind} ${ref.namespace}/${ref.name} key ${ref.key}`,
      problem: `${kind} ${ref.namespace}/${ref.name} has no key ${ref.key} (keys: ${listNames(keys)}).${didYouMean(ref.key, keys)} Fix: add the key where the ${kind} is made, or use one it has`,
    };
  }

  private servicesIn(namespace: string): ServiceInfo[] {
    return this.model.services.filter((s) => s.namespace === namespace);
  }

  private podsOf(s: ServiceInfo): PodGroup[] {
    return s.selector ? this.model.podGroups.filter((pg) => pg.namespace === s.namespace && matchesLabels(pg.labels, s.selector!)) : [];
  }

  private endpointsKnown(s: ServiceInfo): boolean {
    return !s.origin.release || this.rendered.get(s.origin.release) !== false || s.origin.providedBy !== undefined;
  }

  private service(ref: Reference): Problem | undefined {
    const ns = ref.namespace ?? 'default';
    if (ref.selector) {
      const namespaces = ref.namespaces ?? [ns];
      const matched = this.model.services.filter((s) => namespaces.includes(s.namespace) && matchesSelector(s.labels ?? {}, ref.selector!));
      if (matched.length > 0) return undefined;
      const there = this.model.services.filter((s) => namespaces.includes(s.namespace))
        .map((s) => `${s.name} {${Object.entries(s.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')}}`);
      return {
        to: `Services ${formatSelector(ref.selector)} in ${namespaces.join(',')}`,
        problem: `the selector ${formatSelector(ref.selector)} matches no Service in namespace${namespaces.length > 1 ? 's' : ''} ${namespaces.join(',')} (Services there, with their labels: ${listNames(there, 6)}). Fix: label the Service or fix the selector`,
      };
    }
    const portText = ref.portName !== undefined ? ` port ${ref.portName}` : ref.port !== undefined ? `:${ref.port}` : '';
    const to = `Service ${ns}/${ref.name}${portText}`;
    if (!this.model.namespaces.has(ns)) {
      const names = [...this.model.namespaces.keys()];
      return { to, problem: `no namespace ${ns} in the platform.${didYouMean(ns, names)} Fix: point the reference at a Service of an existing namespace, or install what provides it` };
    }
    const svc = this.servicesIn(ns).find((s) => s.name === ref.name);
    if (!svc) {
      const there = this.servicesIn(ns);
      const listing = there.length === 0 ? 'no Services there' : `Services there: ${there.map((s) => `${s.name}:${s.ports.map((p) => p.port).join(',')}`).join('; ')}`;
      return { to, problem: `no Service ${ref.name} in namespace ${ns} (${listing}).${didYouMean(ref.name, there.map((s) => s.name))} Fix: point the reference at an existing Service, or create the Service (or install the release that provides it)` };
    }
    if (ref.pod !== undefined) {
      if (!svc.headless) {
        return { to, problem: `${ref.pod}.${ref.name} is a pod DNS name, but Service ${ns}/${ref.name} is not headless (clusterIP: None), so its pods have no DNS names. Fix: use the headless Service of the StatefulSet` };
      }
      if (ref.pod !== '*') {
        const pods = this.statefulSetPods(ns, ref.name);
        if (pods !== undefined && !pods.includes(ref.pod)) {
          return { to, problem: `no pod ${ref.pod} behind headless Service ${ns}/${ref.name} (StatefulSet pods with serviceName ${ref.name}: ${listNames(pods)}). Fix: name an existing pod` };
        }
      }
    }
    const pods = this.podsOf(svc);
    if (ref.portName !== undefined) {
      if (!svc.ports.some((p) => p.name === ref.portName)) {
        return { to, problem: `Service ${ns}/${ref.name} has no port named ${ref.portName} (ports: ${portsOf(svc)}).${didYouMean(ref.portName, svc.ports.map((p) => p.name ?? ''))} Fix: name one of its ports, or add the port to the Service` };
      }
    } else if (ref.port !== undefined) {
      const onService = svc.ports.some((p) => p.port === ref.port);
      // A headless Service's clients reach the pods directly: a port of the pods will do.
      const onPods = svc.headless && (pods.some((pg) => pg.ports.some((p) => p.port === ref.port))
        || (svc.ports.length === 0 && pods.every((pg) => pg.ports.length === 0)));
      if (!onService && !onPods) {
        return { to, problem: `Service ${ns}/${ref.name} has no port ${ref.port} (ports: ${portsOf(svc)}). Fix: use one of its ports, or add the port to the Service` };
      }
    }
    if (svc.selector && this.endpointsKnown(svc)) {
      if (pods.length === 0) {
        const inNs = this.model.podGroups.filter((pg) => pg.namespace === ns).map((pg) => pg.id);
        return { to, problem: `Service ${ns}/${ref.name} selects no pods of the platform (selector ${formatSelector({ matchLabels: svc.selector })}; pods in ${ns}: ${listNames(inNs, 6)}). Fix: make its selector match the pods' labels` };
      }
      const used = svc.ports.find((p) => (ref.portName !== undefined ? p.name === ref.portName : p.port === ref.port));
      if (used && typeof used.targetPort === 'string' && pods.every((pg) => pg.ports.length > 0 && !pg.ports.some((p) => p.name === used.targetPort))) {
        return { to, problem: `Service ${ns}/${ref.name} port ${used.port} targets the container port named ${used.targetPort}, which its pods do not declare (${pods.map((pg) => `${pg.id}: ${podPorts(pg)}`).join('; ')}). Fix: name a declared container port` };
      }
    }
    return undefined;
  }

  private statefulSetPods(namespace: string, service: string): string[] | undefined {
    const sets = this.index.all('apps', 'StatefulSet', namespace).filter((mo) => asString(asObject(mo.object.spec)?.serviceName) === service);
    if (sets.length === 0) return undefined;
    return sets.flatMap((mo) => {
      const replicas = typeof asObject(mo.object.spec)?.replicas === 'number' ? asObject(mo.object.spec)!.replicas as number : 1;
      return Array.from({ length: replicas }, (_, i) => `${mo.object.metadata.name}-${i}`);
    });
  }

  private pod(ref: Reference): Problem | undefined {
    if (ref.selector) {
      const namespaces = ref.namespaces ?? [ref.namespace ?? 'default'];
      if (this.model.podGroups.some((pg) => namespaces.includes(pg.namespace) && matchesSelector(pg.labels, ref.selector!))) return undefined;
      const there = this.model.podGroups.filter((pg) => namespaces.includes(pg.namespace)).map((pg) => pg.id);
      return {
        to: `pods ${formatSelector(ref.selector)} in ${namespaces.join(',')}`,
        problem: `the selector ${formatSelector(ref.selector)} matches no pods in namespace${namespaces.length > 1 ? 's' : ''} ${namespaces.join(',')} (pods there: ${listNames(there, 6)}). Fix: correct the selector or the pods' labels`,
      };
    }
    const pg = this.model.podGroups.find((p) => p.id === ref.name);
    const to = `pods of ${ref.name}${ref.portName !== undefined ? ` port ${ref.portName}` : ref.port !== undefined ? `:${ref.port}` : ''}`;
    if (!pg) return { to, problem: `no pods ${ref.name} in the platform` };
    if (pg.ports.length === 0 && !pg.podSpec) return undefined; // ports not known
    if (ref.portName !== undefined && !pg.ports.some((p) => p.name === ref.portName)) {
      return { to, problem: `the pods of ${pg.id} have no container port named ${ref.portName} (ports: ${podPorts(pg)}).${didYouMean(ref.portName, pg.ports.map((p) => p.name ?? ''))} Fix: name one of their ports` };
    }
    if (ref.portName === undefined && ref.port !== undefined && !pg.ports.some((p) => p.port === ref.port)) {
      return { to, problem: `the pods of ${pg.id} declare no container port ${ref.port} (ports: ${podPorts(pg)}). Fix: use one of their ports` };
    }
    return undefined;
  }

  private servingRuntime(ref: Reference): Problem | undefined {
    const ns = ref.namespace ?? 'default';
    const runtimes = [...this.index.all('serving.kserve.io', 'ServingRuntime', ns), ...this.index.all('serving.kserve.io', 'ClusterServingRuntime')];
    const formatsOf = (mo: ModelObject) => {
      const spec = asObject(mo.object.spec);
      return spec ? asArray(spec.supportedModelFormats).map((f) => asObject(f) ?? {}) : undefined;
    };
    const describe = () => listNames(runtimes.map((mo) => {
      const formats = formatsOf(mo);
      return `${mo.object.kind} ${mo.object.metadata.name}${formats ? ` (${formats.map((f) => asString(f.name)).join(',')})` : ''}`;
    }), 8);
    const format = ref.modelFormat?.toLowerCase();
    if (ref.name !== '*') {
      const to = `ServingRuntime or ClusterServingRuntime ${ref.name}`;
      const rt = this.index.find('serving.kserve.io', 'ServingRuntime', ns, ref.name) ?? this.index.find('serving.kserve.io', 'ClusterServingRuntime', undefined, ref.name);
      if (!rt) {
        return { to, problem: `no ServingRuntime ${ref.name} in namespace ${ns} and no ClusterServingRuntime ${ref.name} (runtimes: ${describe()}).${didYouMean(ref.name, runtimes.map((r) => r.object.metadata.name ?? ''))} Fix: install the runtime (KServe's config/runtimes, through a release) or name one that exists — the InferenceService waits forever otherwise` };
      }
      const spec = asObject(rt.object.spec);
      if (spec?.disabled === true) return { to, problem: `${rt.object.kind} ${ref.name} is disabled (spec.disabled). Fix: enable it or name another runtime` };
      const formats = formatsOf(rt);
      if (format && formats && !formats.some((f) => asString(f.name)?.toLowerCase() === format)) {
        return { to, problem: `${rt.object.kind} ${ref.name} does not support model format ${ref.modelFormat} (it supports: ${listNames(formats.map((f) => asString(f.name) ?? ''))}). Fix: name a runtime for ${ref.modelFormat}` };
      }
      return undefined;
    }
    const to = `a runtime for model format ${ref.modelFormat}`;
    const fits = runtimes.some((mo) => {
      const formats = formatsOf(mo);
      if (!formats) return true; // a declared runtime whose formats are not known
      return asObject(mo.object.spec)?.disabled !== true && formats.some((f) => asString(f.name)?.toLowerCase() === format && f.autoSelect === true);
    });
    return fits ? undefined : { to, problem: `no ServingRuntime in namespace ${ns} or ClusterServingRuntime supports model format ${ref.modelFormat} with autoSelect (runtimes: ${describe()}). Fix: install a runtime for it or name one in spec.predictor.model.runtime` };
  }

  private crd(ref: Reference): Problem | undefined {
    const group = ref.targetGroup ?? '';
    const kind = ref.targetKind ?? '';
    const version = ref.apiVersion ? versionOf(ref.apiVersion) : undefined;
    const to = `CustomResourceDefinition of ${kind}.${group}`;
    const installers = this.model.objects.filter((mo) => mo.object.kind === 'CustomResourceDefinition' && groupOf(mo.object.apiVersion) === 'apiextensions.k8s.io'
      && asString(asObject(mo.object.spec)?.group) === group && asString(asObject(asObject(mo.object.spec)?.names)?.kind) === kind);
    if (installers.length === 0) {
      const sameGroup = (this.model.releases ?? [])
        .filter((r) => (r.provides?.customResources ?? []).some((g) => g.group === group))
        .map((r) => r.application);
      const hint = sameGroup.length > 0 ? ` (release${sameGroup.length > 1 ? 's' : ''} ${sameGroup.join(', ')} provide${sameGroup.length > 1 ? '' : 's'} other kinds of ${group})` : '';
      return { to, problem: `no release installs ${kind} (${group}) and the output has no CustomResourceDefinition for it${hint}. Fix: install the operator that defines it (an Application that provides ${kind}) in an earlier sync wave` };
    }
    if (version) {
      const served = installers.map((mo) => {
        const versions = asArray(asObject(mo.object.spec)?.versions).map((v) => asObject(v) ?? {});
        return versions.length === 0 ? undefined : versions.filter((v) => v.served !== false).map((v) => asString(v.name) ?? '');
      });
      if (served.every((s) => s !== undefined && !s.includes(version))) {
        return { to, problem: `the CRD of ${kind}.${group} does not serve ${version} (served: ${listNames(served.flat() as string[])}). Fix: write the object in a served version` };
      }
    }
    const ok = installers.some((mo) => this.installedBefore(mo.origin, ref.origin));
    if (ok) return undefined;
    const by = installers.map((mo) => (mo.origin.release ? `release ${mo.origin.release} (Application in ${waveOf(mo.origin)})` : `${mo.origin.location} (${waveOf(mo.origin)})`));
    return {
      to,
      problem: `${kind} is installed by ${by.join(', ')}, not before this object (${waveOf(ref.origin)}): Argo CD applies a wave without waiting for another Application's sync, so the object is rejected. Fix: put it in a later wave than its installer (or the installer earlier)`,
    };
  }

  private installedBefore(installer: Origin, user: Origin): boolean {
    if (installer.syncWave === Number.NEGATIVE_INFINITY) return true;
    if (installer.release !== undefined && installer.release === user.release) return true;
    if (installer.release === undefined) return installer.syncWave <= user.syncWave; // the same sync as the output
    return installer.syncWave < user.syncWave;
  }

  private namespace(ref: Reference): Problem | undefined {
    const to = `Namespace ${ref.name}`;
    const ns = this.model.namespaces.get(ref.name);
    if (!ns) {
      const names = [...this.model.namespaces.keys()];
      return { to, problem: `no namespace ${ref.name}: neither the output nor a release creates it.${didYouMean(ref.name, names)} Fix: add the Namespace (in an early sync wave)` };
    }
    const declared = ns.origin.release === undefined && ns.origin.providedBy === undefined;
    if (declared && ref.origin.release === undefined && ns.origin.syncWave > ref.origin.syncWave) {
      return { to, problem: `namespace ${ref.name} is created in ${waveOf(ns.origin)} (${ns.origin.location}), after this object (${waveOf(ref.origin)}). Fix: put the Namespace in an earlier wave` };
    }
    return undefined;
  }

  private prometheus(ref: Reference): Problem | undefined {
    const kind = (ref.targetKind ?? 'ServiceMonitor') as MonitorKind;
    const ns = ref.namespace ?? 'default';
    const monitor = this.index.byReferrer(ref.from);
    const labels = monitor ? labelsOf(monitor.object) : {};
    const instances = prometheusInstances(this.model);
    const to = `a Prometheus that selects ${kind} ${ref.from.replace(/^\S+ /, '')}`;
    if (instances.some((p) => prometheusSelects(this.model, p, kind, labels, ns))) return undefined;
    const labelText = Object.keys(labels).length === 0 ? 'no labels' : `labels ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')}`;
    if (instances.length === 0) {
      return { to, problem: `no Prometheus in the platform, so nothing reads this ${kind} (${labelText}). Fix: install a metrics backend (kube-prometheus-stack) whose Prometheus selects it — the Prometheus operator alone runs no Prometheus` };
    }
    return { to, problem: `no Prometheus selects this ${kind} (${labelText}; ${instances.map((p) => describePrometheusSelection(p, kind)).join('; ')}). Fix: add the label the Prometheus selects, or widen its selector` };
  }

  private grafana(ref: Reference): Problem | undefined {
    const ns = ref.namespace ?? 'default';
    const cm = this.index.byReferrer(ref.from);
    const labels = cm ? labelsOf(cm.object) : {};
    const loaders = sidecarLoaders(this.model).filter((l) => l.loads === 'dashboards');
    const to = `a Grafana that loads ${ref.from}`;
    if (loaders.some((l) => loaderLoads(l, labels, ns))) return undefined;
    const labelText = Object.keys(labels).length === 0 ? 'no labels' : `labels ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')}`;
    if (loaders.length === 0) {
      return { to, problem: `no Grafana with a dashboard sidecar in the platform, so the dashboard (${labelText}) is never loaded. Fix: install Grafana (kube-prometheus-stack's, sidecar.dashboards.enabled) with a label this ConfigMap carries` };
    }
    return { to, problem: `no Grafana loads this dashboard (${labelText}; ${loaders.map(describeLoader).join('; ')}). Fix: give the ConfigMap the sidecar's label, or move it into a namespace the sidecar searches` };
  }
}

function describeReference(ref: Reference): string {
  if (ref.text) return ref.text;
  switch (ref.kind) {
    case ReferenceKind.CUSTOM_RESOURCE_DEFINITION: return `${ref.apiVersion} ${ref.targetKind}`;
    case ReferenceKind.PROMETHEUS: return ref.targetKind ?? 'monitor';
    case ReferenceKind.GRAFANA: return 'dashboard';
    case ReferenceKind.SERVING_RUNTIME: return ref.name === '*' ? `model format ${ref.modelFormat}` : `runtime ${ref.name}${ref.modelFormat ? ` for model format ${ref.modelFormat}` : ''}`;
    case ReferenceKind.SERVICE:
    case ReferenceKind.POD:
      if (ref.selector) return `selector ${formatSelector(ref.selector)}`;
      return `${ref.kind === ReferenceKind.POD ? 'pods of ' : 'Service '}${ref.kind === ReferenceKind.SERVICE && ref.namespace ? `${ref.namespace}/` : ''}${ref.name}${ref.portName !== undefined ? ` port ${ref.portName}` : ref.port !== undefined ? `:${ref.port}` : ''}`;
    default: {
      const kind = ref.targetKind ?? ref.kind;
      return `${kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}${ref.key !== undefined ? ` key ${ref.key}` : ''}`;
    }
  }
}

/** Resolves every reference of the model; each one that does not resolve is a finding. */
export function verifyPlatformReferences(model: PlatformModel): PlatformReferenceReport {
  const resolver = new Resolver(model);
  const findings: ReferenceFinding[] = [];
  const counts = new Map<ReferenceKind, { total: number; resolved: number }>();
  for (const kind of Object.values(ReferenceKind)) counts.set(kind, { total: 0, resolved: 0 });
  for (const ref of model.references) {
    const c = counts.get(ref.kind)!;
    c.total++;
    const problem = resolver.resolve(ref);
    if (!problem) {
      c.resolved++;
      continue;
    }
    const location = whereLocated(ref.origin);
    findings.push({
      check: ref.kind,
      from: ref.from,
      path: ref.path,
      location,
      to: problem.to,
      message: `${ref.from} ${ref.path} (${location}): ${describeReference(ref)} → ${problem.problem}`,
      reference: ref,
    });
  }
  const summary = [...counts.entries()].filter(([, c]) => c.total > 0).map(([kind, c]) => ({ kind, ...c }));
  const resolved = summary.reduce((n, s) => n + s.resolved, 0);
  return { valid: findings.length === 0, references: model.references.length, resolved, findings, summary };
}
