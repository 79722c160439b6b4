/**
 * The reference platform's metrics are wired to what really runs: read from its synthesized
 * manifests and from the kube-prometheus-stack release's declaration (the cnai.io/provides
 * annotation of its Application), not from the objects that produced them.
 */
import { referenceContract, buildReferenceK8s, k8sApp } from '../../examples/reference-platform/main';
import { PROVIDES_ANNOTATION, ReleaseProvides } from '../../lib/core';
import { synthApp } from '../k8s/helpers';

const app = k8sApp();
buildReferenceK8s(app, referenceContract());
const objects: any[] = synthApp(app);

type Labels = { [key: string]: string };
const of = (kind: string) => objects.filter((o) => o.kind === kind);
const subset = (selector: Labels | undefined, labels: Labels) => Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

const stackApp = objects.find((o) => o.kind === 'Application' && o.metadata.name === 'kube-prometheus-stack');
const provides: ReleaseProvides = JSON.parse(stackApp.metadata.annotations[PROVIDES_ANNOTATION]);
const prometheus = provides.workloads!.find((w) => w.podLabels['app.kubernetes.io/name'] === 'prometheus')!;
const values = stackApp.spec.source.helm.valuesObject;

/** Labels of a namespace as the API server sees them (with kubernetes.io/metadata.name). */
function namespaceLabels(name: string): Labels {
  const ns = of('Namespace').find((n) => n.metadata.name === name);
  if (!ns) throw new Error(`namespace ${name} is not declared`);
  return { ...ns.metadata.labels, 'kubernetes.io/metadata.name': name };
}

interface Pods {
  readonly owner: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly ports: { name?: string; containerPort: number }[];
}

/** The pods of the output's workloads (and InferenceService predictors, as KServe labels them). */
function allPods(): Pods[] {
  const out: Pods[] = [];
  for (const o of objects) {
    const ns = o.metadata.namespace;
    const template = o.spec?.template ?? o.spec?.jobTemplate?.spec?.template;
    if (['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind) && template) {
      out.push({ owner: `${o.kind} ${ns}/${o.metadata.name}`, namespace: ns, labels: template.metadata.labels, ports: template.spec.containers.flatMap((c: any) => c.ports ?? []) });
    }
    if (o.kind === 'InferenceService') {
      const p = o.spec.predictor;
      out.push({
        owner: `InferenceService ${ns}/${o.metadata.name}`,
        namespace: ns,
        labels: { ...p.labels, 'serving.kserve.io/inferenceservice': o.metadata.name, 'component': 'predictor' },
        ports: [...(p.containers ?? []), ...(p.model ? [p.model] : [])].flatMap((c: any) => c.ports ?? []),
      });
    }
  }
  return out;
}

/** The (pods, container port) pairs a monitor's endpoints scrape. */
function scrapeTargets(monitor: any): { pods: Pods; port: number }[] {
  const ns = monitor.metadata.namespace;
  const pods = allPods().filter((p) => p.namespace === ns);
  const out: { pods: Pods; port: number }[] = [];
  if (monitor.kind === 'PodMonitor') {
    for (const p of pods.filter((x) => subset(monitor.spec.selector.matchLabels, x.labels))) {
      for (const e of monitor.spec.podMetricsEndpoints) out.push({ pods: p, port: p.ports.find((x) => x.name === e.port)!.containerPort });
    }
    return out;
  }
  for (const svc of of('Service').filter((s) => s.metadata.namespace === ns && subset(monitor.spec.selector.matchLabels, s.metadata.labels ?? {}))) {
    for (const e of monitor.spec.endpoints) {
      const sp = svc.spec.ports.find((x: any) => x.name === e.port);
      if (!sp) continue;
      for (const p of pods.filter((x) => subset(svc.spec.selector, x.labels))) {
        const target = sp.targetPort ?? sp.port;
        out.push({ pods: p, port: typeof target === 'number' ? target : p.ports.find((x) => x.name === target)!.containerPort });
      }
    }
  }
  return out;
}

/** Whether the NetworkPolicies let Prometheus' pods into `pods` on `port` (Kubernetes semantics, ingress side). */
function prometheusAdmitted(pods: Pods, port: number): boolean {
  const applying = of('NetworkPolicy').filter((np) => np.metadata.namespace === pods.namespace
    && subset(np.spec.podSelector.matchLabels, pods.labels) && (np.spec.policyTypes ?? ['Ingress']).includes('Ingress'));
  if (applying.length === 0) return true;
  const monitoring = namespaceLabels('monitoring');
  return applying.some((np) => (np.spec.ingress ?? []).some((rule: any) => {
    const fromOk = !rule.from || rule.from.some((peer: any) => !peer.ipBlock
      && (peer.namespaceSelector ? subset(peer.namespaceSelector.matchLabels, monitoring) : pods.namespace === 'monitoring')
      && (!peer.podSelector || subset(peer.podSelector.matchLabels, prometheus.podLabels)));
    const portOk = !rule.ports || rule.ports.some((p: any) => p.port === port || p.port === pods.ports.find((x) => x.containerPort === port)?.name);
    return fromOk && portOk;
  }));
}

describe('the reference platform\'s metrics backend', () => {
  test('kube-prometheus-stack selects the monitors and rules of the namespaces labelled part-of cnai-platform', () => {
    const spec = values.prometheus.prometheusSpec;
    for (const kind of ['serviceMonitor', 'podMonitor', 'probe', 'scrapeConfig', 'rule']) {
      expect([kind, spec[`${kind}SelectorNilUsesHelmValues`], spec[`${kind}NamespaceSelector`]])
        .toEqual([kind, false, { matchLabels: { 'app.kubernetes.io/part-of': 'cnai-platform' } }]);
    }
  });

  test('every ServiceMonitor, PodMonitor and PrometheusRule of the platform is selected (its namespace carries the label)', () => {
    const monitored = [...of('ServiceMonitor'), ...of('PodMonitor'), ...of('PrometheusRule')];
    expect(monitored.map((m) => `${m.kind} ${m.metadata.namespace}/${m.metadata.name}`).sort()).toEqual([
      'PodMonitor ai-apps/embed',
      'PodMonitor envoy-gateway-system/model-gateway-ai-gateway',
      'PrometheusRule monitoring/cnai-gpu-energy',
      'PrometheusRule monitoring/cnai-platform-alerts',
      'PrometheusRule monitoring/drift-ai-apps-embed',
      'ServiceMonitor ai-apps/chat',
      'ServiceMonitor ai-apps/chat-epp',
      'ServiceMonitor knowledge/knowledge',
      'ServiceMonitor mlflow/mlflow',
      'ServiceMonitor nvidia-gpu/dcgm-exporter',
      'ServiceMonitor observability/otel-collector',
      'ServiceMonitor observability/otel-collector-drift',
    ]);
    for (const m of monitored) expect([m.metadata.name, namespaceLabels(m.metadata.namespace)['app.kubernetes.io/part-of']]).toEqual([m.metadata.name, 'cnai-platform']);
  });

  test('every scraped port admits the Prometheus pods, and every monitor scrapes something', () => {
    const scraped: string[] = [];
    // The gateway's proxies are Envoy Gateway's pods (made from the EnvoyProxy, not in the output): their policy is checked below.
    const proxiesMonitor = 'model-gateway-ai-gateway';
    for (const m of [...of('ServiceMonitor'), ...of('PodMonitor')].filter((x) => x.metadata.name !== proxiesMonitor)) {
      const targets = scrapeTargets(m);
      expect([m.metadata.name, targets.length > 0]).toEqual([m.metadata.name, true]);
      for (const t of targets) {
        expect([t.pods.owner, t.port, prometheusAdmitted(t.pods, t.port)]).toEqual([t.pods.owner, t.port, true]);
        scraped.push(`${t.pods.owner}:${t.port}`);
      }
    }
    expect([...new Set(scraped)].sort()).toEqual([
      'DaemonSet nvidia-gpu/dcgm-exporter:9400',
      'Deployment ai-apps/chat-epp:9090',
      'Deployment ai-apps/chat:8000',
      'Deployment mlflow/mlflow:5000',
      'Deployment observability/otel-collector:8888',
      'Deployment observability/otel-collector:8889',
      'InferenceService ai-apps/embed:8080',
      'StatefulSet knowledge/knowledge:6333',
    ]);
    const proxies = of('PodMonitor').find((m) => m.metadata.name === proxiesMonitor);
    expect(proxies.spec.podMetricsEndpoints.map((e: any) => e.port)).toEqual(['aigw-admin']);
    expect(prometheusAdmitted({ owner: 'Envoy proxies', namespace: 'envoy-gateway-system', labels: proxies.spec.selector.matchLabels, ports: [{ name: 'aigw-admin', containerPort: 1064 }] }, 1064)).toBe(true);
    // The check can fail: a pod that no policy opens to Prometheus.
    expect(prometheusAdmitted({ owner: 'x', namespace: 'knowledge', labels: { 'app.kubernetes.io/name': 'qdrant', 'app.kubernetes.io/instance': 'knowledge' }, ports: [] }, 6334)).toBe(false);
  });

  test('the namespaces where the platform runs its own workloads deny everything by default', () => {
    for (const ns of ['ai-apps', 'ml-research', 'knowledge', 'mlflow', 'observability', 'nvidia-gpu', 'monitoring']) {
      const deny = of('NetworkPolicy').find((p) => p.metadata.namespace === ns && p.metadata.name === 'default-deny');
      expect([ns, deny?.spec]).toEqual([ns, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }]);
      expect(of('NetworkPolicy').some((p) => p.metadata.namespace === ns && p.metadata.name === 'allow-dns')).toBe(true);
    }
  });

  test('KEDA queries the Prometheus Service the release provides, and may reach its pods', () => {
    const service = provides.services!.find((s) => s.name === 'kube-prometheus-stack-prometheus')!;
    const url = `http://${service.name}.${service.namespace}.svc:${service.ports[0].port}`;
    expect(url).toBe('http://kube-prometheus-stack-prometheus.monitoring.svc:9090');
    const triggers = of('ScaledObject').flatMap((so) => so.spec.triggers);
    expect(triggers.length).toBeGreaterThan(0);
    for (const t of triggers) expect(t.metadata.serverAddress).toBe(url);
    expect(subset(service.selector, prometheus.podLabels)).toBe(true);
    const ingress = of('NetworkPolicy').find((p) => p.metadata.namespace === 'monitoring' && p.metadata.name === 'prometheus').spec.ingress;
    expect(ingress).toContainEqual({
      from: [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': 'kube-prometheus-stack' } } },
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'keda' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'keda-operator' } } },
      ],
      ports: [{ protocol: 'TCP', port: 9090 }],
    });
    expect(of('Namespace').some((n) => n.metadata.name === 'keda')).toBe(true);
  });

  test('every dashboard is loaded by Grafana: the label and namespace its sidecar watches', () => {
    const sidecar = values.grafana.sidecar.dashboards;
    const dashboards = of('ConfigMap').filter((c) => c.metadata.labels?.[sidecar.label] !== undefined);
    expect(dashboards.map((d) => d.metadata.name).sort()).toEqual(['grafana-dashboard-cnai-gpu-energy', 'grafana-dashboard-cnai-gpus', 'grafana-dashboard-cnai-llm-serving', 'grafana-dashboard-cnai-queues']);
    for (const d of dashboards) {
      expect([d.metadata.name, d.metadata.namespace, d.metadata.labels[sidecar.label]])
        .toEqual([d.metadata.name, sidecar.searchNamespace, sidecar.labelValue]);
    }
  });

  test('Prometheus\' volume is on the platform\'s encrypted StorageClass, which the output declares', () => {
    const claim = values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec;
    const sc = of('StorageClass').find((s) => s.metadata.name === claim.storageClassName);
    expect(sc.parameters).toMatchObject({ type: 'gp3', encrypted: 'true' });
    expect(sc.reclaimPolicy).toBe('Retain');
  });
});
