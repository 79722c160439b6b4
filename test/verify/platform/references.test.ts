import { EXTERNAL_SECRETS, findingsOf, KEDA, KSERVE, KUBE_PROMETHEUS_STACK, KUEUE, modelOf, PLATFORM, platformPlus, platformWith, RELEASES } from './fixtures';
import { formatReferenceReport, formatReferenceSummary, ReferenceKind, verifyPlatformReferences } from '../../../lib/verify';

const WEB = 'Deployment apps/web spec.template.spec.containers[web]';

describe('a platform whose references resolve', () => {
  test('no findings, every kind of reference counted', () => {
    const report = verifyPlatformReferences(modelOf(PLATFORM));
    expect(report.findings.map((f) => f.message)).toEqual([]);
    expect(report.valid).toBe(true);
    const counts = Object.fromEntries(report.summary.map((s) => [s.kind, `${s.resolved}/${s.total}`]));
    expect(counts).toEqual({
      Service: '8/8',
      Secret: '1/1',
      ConfigMap: '1/1',
      ServiceAccount: '5/5',
      PriorityClass: '1/1',
      LocalQueue: '1/1',
      ServingRuntime: '1/1',
      CustomResourceDefinition: '14/14',
      SecretStore: '1/1',
      ClusterQueue: '1/1',
      ResourceFlavor: '1/1',
      Namespace: '30/30',
      Pod: '2/2',
      Prometheus: '3/3',
      Grafana: '1/1',
      Object: '1/1',
    });
  });

  test('the summary and the report print resolved of total per kind', () => {
    const report = verifyPlatformReferences(modelOf(PLATFORM));
    const summary = formatReferenceSummary(report);
    expect(summary.split('\n')[0]).toBe('References: 72 resolved of 72');
    expect(summary).toContain('  ServiceAccount               5 of 5');
    expect(formatReferenceReport(report)).toBe(summary);
  });
});

describe('in-cluster hosts', () => {
  test('a Service name typo names both ends and the Services there', () => {
    expect(findingsOf(platformWith('http://collector.observability.svc:4317', 'http://colector.observability.svc:4317'))).toEqual([
      `${WEB}.env[OTEL_EXPORTER_OTLP_ENDPOINT] (out/platform.yaml#7): http://colector.observability.svc:4317 → no Service colector in namespace observability (Services there: collector:4317). Did you mean collector? Fix: point the reference at an existing Service, or create the Service (or install the release that provides it)`,
    ]);
  });

  test('a wrong port', () => {
    expect(findingsOf(platformWith('http://collector.observability.svc:4317', 'http://collector.observability.svc:4318'))).toEqual([
      `${WEB}.env[OTEL_EXPORTER_OTLP_ENDPOINT] (out/platform.yaml#7): http://collector.observability.svc:4318 → Service observability/collector has no port 4318 (ports: otlp-grpc:4317→otlp-grpc). Fix: use one of its ports, or add the port to the Service`,
    ]);
  });

  test('a namespace that does not exist', () => {
    expect(findingsOf(platformWith('http://collector.observability.svc:4317', 'http://collector.observabilty.svc.cluster.local:4317'))).toEqual([
      `${WEB}.env[OTEL_EXPORTER_OTLP_ENDPOINT] (out/platform.yaml#7): http://collector.observabilty.svc.cluster.local:4317 → no namespace observabilty in the platform. Did you mean observability? Fix: point the reference at a Service of an existing namespace, or install what provides it`,
    ]);
  });

  test('a host inside an embedded YAML file of a ConfigMap, with the pods that mount it as client', () => {
    const model = modelOf(platformWith('url: http://api.apps.svc.cluster.local:8080/v1', 'url: http://api.apps.svc.cluster.local:9090/v1'));
    const report = verifyPlatformReferences(model);
    expect(report.findings.map((f) => f.message)).toEqual([
      'ConfigMap apps/web-config data["config.yaml"].upstream.url (out/platform.yaml#6): http://api.apps.svc.cluster.local:9090 → Service apps/api has no port 9090 (ports: http:8080→http). Fix: use one of its ports, or add the port to the Service',
    ]);
    expect(report.findings[0].reference.clientPodGroup).toBe('Deployment apps/web');
  });

  test('the scheme gives the port when the URL has none', () => {
    expect(findingsOf(platformWith('http://collector.observability.svc:4317', 'https://collector.observability'))).toEqual([
      `${WEB}.env[OTEL_EXPORTER_OTLP_ENDPOINT] (out/platform.yaml#7): https://collector.observability → Service observability/collector has no port 443 (ports: otlp-grpc:4317→otlp-grpc). Fix: use one of its ports, or add the port to the Service`,
    ]);
  });

  test('pod DNS names need a headless Service', () => {
    expect(findingsOf(platformWith('http://collector.observability.svc:4317', 'http://collector-0.collector.observability.svc.cluster.local:4317'))).toEqual([
      `${WEB}.env[OTEL_EXPORTER_OTLP_ENDPOINT] (out/platform.yaml#7): http://collector-0.collector.observability.svc.cluster.local:4317 → collector-0.collector is a pod DNS name, but Service observability/collector is not headless (clusterIP: None), so its pods have no DNS names. Fix: use the headless Service of the StatefulSet`,
    ]);
  });

  test('a pod DNS name of a StatefulSet pod that does not exist', () => {
    const yaml = platformPlus(`apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: apps }
spec:
  serviceName: db-headless
  replicas: 2
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      containers:
        - name: db
          image: registry.example/db:1.0.0
          ports: [{ name: peer, containerPort: 7000 }]
          env: [{ name: SEED, value: "db-2.db-headless.apps.svc:7000" }]
---
apiVersion: v1
kind: Service
metadata: { name: db-headless, namespace: apps }
spec:
  clusterIP: None
  selector: { app: db }
  ports: [{ name: peer, port: 7000, targetPort: peer }]
`);
    expect(findingsOf(yaml)).toEqual([
      'StatefulSet apps/db spec.template.spec.containers[db].env[SEED] (out/platform.yaml#24): db-2.db-headless.apps.svc:7000 → no pod db-2 behind headless Service apps/db-headless (StatefulSet pods with serviceName db-headless: db-0, db-1). Fix: name an existing pod',
    ]);
  });

  test('a Service that selects no pods', () => {
    expect(findingsOf(platformWith('selector: { app: collector }\n  ports', 'selector: { app: otel-collector }\n  ports'))).toEqual([
      `${WEB}.env[OTEL_EXPORTER_OTLP_ENDPOINT] (out/platform.yaml#7): http://collector.observability.svc:4317 → Service observability/collector selects no pods of the platform (selector app=otel-collector; pods in observability: Deployment observability/collector). Fix: make its selector match the pods' labels`,
    ]);
  });

  test('a Service whose named target port its pods do not declare', () => {
    expect(findingsOf(platformWith('ports: [{ name: otlp-grpc, port: 4317, targetPort: otlp-grpc }]', 'ports: [{ name: otlp-grpc, port: 4317, targetPort: grpc }]'))).toEqual([
      `${WEB}.env[OTEL_EXPORTER_OTLP_ENDPOINT] (out/platform.yaml#7): http://collector.observability.svc:4317 → Service observability/collector port 4317 targets the container port named grpc, which its pods do not declare (Deployment observability/collector: otlp-grpc:4317). Fix: name a declared container port`,
    ]);
  });

  test('a KEDA trigger naming prometheus-operated with no Prometheus installed', () => {
    const messages = findingsOf(PLATFORM, [KEDA, KUEUE, EXTERNAL_SECRETS, KSERVE]);
    expect(messages).toContain(
      'ScaledObject apps/web spec.triggers[0].metadata.serverAddress (out/platform.yaml#13): http://prometheus-operated.monitoring.svc:9090 → no namespace monitoring in the platform. Fix: point the reference at a Service of an existing namespace, or install what provides it',
    );
  });

  test('hosts a server only accepts (allowed hosts, no-proxy lists) are not connections', () => {
    const yaml = platformWith('- { name: OTEL_EXPORTER_OTLP_ENDPOINT, value: "http://collector.observability.svc:4317" }',
      '- { name: ALLOWED_HOSTS, value: "web.apps:9999,web.apps.svc:9999" }');
    const refs = modelOf(yaml).references.filter((r) => r.kind === ReferenceKind.SERVICE && r.from === 'Deployment apps/web');
    expect(refs).toEqual([]);
  });
});

describe('objects pods need', () => {
  test('a missing Secret', () => {
    expect(findingsOf(platformWith('secretKeyRef: { name: db, key: password }', 'secretKeyRef: { name: db-credentials, key: password }'))).toEqual([
      `${WEB}.env[DB_PASSWORD].valueFrom.secretKeyRef (out/platform.yaml#7): Secret apps/db-credentials key password → no Secret db-credentials in namespace apps (Secrets there: db). Fix: create it, or an ExternalSecret whose target is this Secret`,
    ]);
  });

  test('a Secret key its ExternalSecret does not write', () => {
    expect(findingsOf(platformWith('secretKeyRef: { name: db, key: password }', 'secretKeyRef: { name: db, key: passwd }'))).toEqual([
      `${WEB}.env[DB_PASSWORD].valueFrom.secretKeyRef (out/platform.yaml#7): Secret apps/db key passwd → Secret apps/db has no key passwd (keys: password). Did you mean password? Fix: add the key where the Secret is made, or use one it has`,
    ]);
  });

  test('a missing ConfigMap', () => {
    expect(findingsOf(platformWith('configMap: { name: web-config }', 'configMap: { name: web-configs }'))).toEqual([
      'Deployment apps/web spec.template.spec.volumes[config].configMap (out/platform.yaml#7): ConfigMap apps/web-configs → no ConfigMap web-configs in namespace apps (ConfigMaps there: kube-root-ca.crt, web-config). Did you mean web-config? Fix: create it, or point at one that exists',
    ]);
  });

  test('a missing ServiceAccount', () => {
    expect(findingsOf(platformWith('serviceAccountName: web', 'serviceAccountName: web-app'))).toEqual([
      'Deployment apps/web spec.template.spec.serviceAccountName (out/platform.yaml#7): ServiceAccount apps/web-app → no ServiceAccount web-app in namespace apps (ServiceAccounts there: api, default, web). Fix: create the ServiceAccount (or name one that exists)',
    ]);
  });

  test('a missing PriorityClass and StorageClass', () => {
    const yaml = platformWith('priorityClassName: system-cluster-critical', 'priorityClassName: platform-critical') + `---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data, namespace: apps }
spec: { storageClassName: gp3, accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
`;
    expect(findingsOf(yaml)).toEqual([
      'Deployment apps/web spec.template.spec.priorityClassName (out/platform.yaml#7): PriorityClass platform-critical → no PriorityClass platform-critical (PriorityClasss: system-cluster-critical, system-node-critical). Fix: create the PriorityClass, or name one that exists',
      'PersistentVolumeClaim apps/data spec.storageClassName (out/platform.yaml#24): StorageClass gp3 → no StorageClass gp3 (StorageClasss: gp2). Did you mean gp2? Fix: create the StorageClass, or name one that exists',
    ]);
  });
});

describe('objects custom resources name', () => {
  test('a LocalQueue that does not exist', () => {
    expect(findingsOf(platformWith('kueue.x-k8s.io/queue-name: apps', 'kueue.x-k8s.io/queue-name: team-a'))).toEqual([
      'Job apps/train metadata.labels["kueue.x-k8s.io/queue-name"] (out/platform.yaml#17): LocalQueue apps/team-a → no LocalQueue team-a in namespace apps (LocalQueues there: apps). Fix: Kueue leaves the workload suspended until the queue exists: create a LocalQueue there, or name one that exists',
    ]);
  });

  test('a ClusterQueue and a ResourceFlavor that do not exist', () => {
    expect(findingsOf(platformWith('spec: { clusterQueue: apps }', 'spec: { clusterQueue: apps-queue }'))).toEqual([
      'LocalQueue apps/apps spec.clusterQueue (out/platform.yaml#16): ClusterQueue apps-queue → no ClusterQueue apps-queue (ClusterQueues: apps). Fix: the LocalQueue admits nothing until it exists: create the ClusterQueue, or name one that exists',
    ]);
    expect(findingsOf(platformWith('flavors: [{ name: default,', 'flavors: [{ name: on-demand,'))).toEqual([
      'ClusterQueue apps spec.resourceGroups[0].flavors[0].name (out/platform.yaml#15): ResourceFlavor on-demand → no ResourceFlavor on-demand (ResourceFlavors: default). Fix: the ClusterQueue stays inactive until it exists: create the ResourceFlavor',
    ]);
  });

  test('an ExternalSecret whose store does not exist', () => {
    expect(findingsOf(platformWith('secretStoreRef: { kind: ClusterSecretStore, name: aws }', 'secretStoreRef: { kind: ClusterSecretStore, name: vault }'))).toEqual([
      'ExternalSecret apps/db spec.secretStoreRef (out/platform.yaml#4): ClusterSecretStore vault → no ClusterSecretStore vault (ClusterSecretStores: aws). Fix: create the store, or name one that exists',
    ]);
  });

  test('a scale target that does not exist', () => {
    expect(findingsOf(platformWith('scaleTargetRef: { name: web }', 'scaleTargetRef: { name: web-server }'))).toEqual([
      'ScaledObject apps/web spec.scaleTargetRef (out/platform.yaml#13): Deployment apps/web-server → no Deployment web-server in namespace apps (Deployments there: api, embed-predictor, web). Fix: create it, or name one that exists',
    ]);
  });

  test('an InferenceService with no runtime for its model format', () => {
    expect(findingsOf(platformWith('modelFormat: { name: huggingface }', 'modelFormat: { name: sklearn }'))).toEqual([
      'InferenceService apps/embed spec.predictor.model.modelFormat (out/platform.yaml#18): model format sklearn → no ServingRuntime in namespace apps or ClusterServingRuntime supports model format sklearn with autoSelect (runtimes: ClusterServingRuntime kserve-huggingfaceserver (huggingface)). Fix: install a runtime for it or name one in spec.predictor.model.runtime',
    ]);
  });

  test('an InferenceService naming a runtime that is not installed', () => {
    expect(findingsOf(platformWith('modelFormat: { name: huggingface }', 'modelFormat: { name: huggingface }\n      runtime: kserve-huggingface'))).toEqual([
      'InferenceService apps/embed spec.predictor.model.runtime (out/platform.yaml#18): runtime kserve-huggingface for model format huggingface → no ServingRuntime kserve-huggingface in namespace apps and no ClusterServingRuntime kserve-huggingface (runtimes: ClusterServingRuntime kserve-huggingfaceserver (huggingface)). Did you mean kserve-huggingfaceserver? Fix: install the runtime (KServe\'s config/runtimes, through a release) or name one that exists — the InferenceService waits forever otherwise',
    ]);
  });

  test('an InferenceService naming a runtime that does not support its format', () => {
    expect(findingsOf(platformWith('modelFormat: { name: huggingface }', 'modelFormat: { name: onnx }\n      runtime: kserve-huggingfaceserver'))).toEqual([
      'InferenceService apps/embed spec.predictor.model.runtime (out/platform.yaml#18): runtime kserve-huggingfaceserver for model format onnx → ClusterServingRuntime kserve-huggingfaceserver does not support model format onnx (it supports: huggingface). Fix: name a runtime for onnx',
    ]);
  });

  test('a TrainJob whose runtime is not installed', () => {
    const trainer = { ...KUEUE, application: 'kubeflow-trainer', namespace: 'kubeflow-system', provides: { customResources: [{ group: 'trainer.kubeflow.org', kinds: ['TrainJob', 'ClusterTrainingRuntime', 'TrainingRuntime'] }] } };
    const yaml = platformPlus(`apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainJob
metadata: { name: finetune, namespace: apps, annotations: { argocd.argoproj.io/sync-wave: "1" } }
spec:
  runtimeRef: { name: torch-distributed }
`);
    expect(findingsOf(yaml, [...RELEASES, trainer])).toEqual([
      'TrainJob apps/finetune spec.runtimeRef (out/platform.yaml#24): ClusterTrainingRuntime torch-distributed → no ClusterTrainingRuntime torch-distributed (ClusterTrainingRuntimes: none). Fix: install the Trainer runtimes (a release) or name a runtime that exists',
    ]);
  });
});

describe('custom kinds are installed before they are used', () => {
  const notebook = `apiVersion: kubeflow.org/v1
kind: Notebook
metadata: { name: lab, namespace: apps }
spec:
  template:
    spec:
      containers: [{ name: lab, image: registry.example/jupyter:1.0.0 }]
`;

  test('a custom kind no release installs', () => {
    expect(findingsOf(platformPlus(notebook))).toEqual([
      'Notebook apps/lab apiVersion (out/platform.yaml#24): kubeflow.org/v1 Notebook → no release installs Notebook (kubeflow.org) and the output has no CustomResourceDefinition for it. Fix: install the operator that defines it (an Application that provides Notebook) in an earlier sync wave',
    ]);
  });

  test('a custom kind installed by a release in the same wave', () => {
    expect(findingsOf(platformWith('metadata: { name: web, namespace: apps, annotations: { argocd.argoproj.io/sync-wave: "1" } }', 'metadata: { name: web, namespace: apps, annotations: { argocd.argoproj.io/sync-wave: "-10" } }'))).toEqual([
      'ScaledObject apps/web apiVersion (out/platform.yaml#13): keda.sh/v1alpha1 ScaledObject → ScaledObject is installed by release keda (Application in wave -10), not before this object (wave -10): Argo CD applies a wave without waiting for another Application\'s sync, so the object is rejected. Fix: put it in a later wave than its installer (or the installer earlier)',
    ]);
  });

  test('a custom kind installed by a release in a later wave', () => {
    expect(findingsOf(PLATFORM, [KUBE_PROMETHEUS_STACK, { ...KEDA, syncWave: 5 }, KUEUE, EXTERNAL_SECRETS, KSERVE])).toEqual([
      'ScaledObject apps/web apiVersion (out/platform.yaml#13): keda.sh/v1alpha1 ScaledObject → ScaledObject is installed by release keda (Application in wave 5), not before this object (wave 1): Argo CD applies a wave without waiting for another Application\'s sync, so the object is rejected. Fix: put it in a later wave than its installer (or the installer earlier)',
    ]);
  });

  test('a CRD in the output itself may share the wave of its objects; a version it does not serve is a finding', () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: notebooks.kubeflow.org }
spec:
  group: kubeflow.org
  names: { kind: Notebook, plural: notebooks }
  scope: Namespaced
  versions: [{ name: v1beta1, served: true, storage: true }]
`;
    expect(findingsOf(platformPlus(`${crd}---\n${notebook.replace('kubeflow.org/v1', 'kubeflow.org/v1beta1')}`))).toEqual([]);
    expect(findingsOf(platformPlus(`${crd}---\n${notebook}`))).toEqual([
      'Notebook apps/lab apiVersion (out/platform.yaml#25): kubeflow.org/v1 Notebook → the CRD of Notebook.kubeflow.org does not serve v1 (served: v1beta1). Fix: write the object in a served version',
    ]);
  });

  test('an object in a namespace nothing creates, or created in a later wave', () => {
    expect(findingsOf(platformWith('metadata: { name: api, namespace: apps }\n---\napiVersion: apps/v1', 'metadata: { name: api, namespace: payments }\n---\napiVersion: apps/v1'))).toEqual([
      'Deployment apps/api spec.template.spec.serviceAccountName (out/platform.yaml#10): ServiceAccount apps/api → no ServiceAccount api in namespace apps (ServiceAccounts there: default, web). Fix: create the ServiceAccount (or name one that exists)',
      'ServiceAccount payments/api metadata.namespace (out/platform.yaml#9): Namespace payments → no namespace payments: neither the output nor a release creates it. Fix: add the Namespace (in an early sync wave)',
    ]);
    const late = findingsOf(platformWith('name: observability\n  annotations: { argocd.argoproj.io/sync-wave: "-30" }', 'name: observability\n  annotations: { argocd.argoproj.io/sync-wave: "2" }'));
    expect(late).toHaveLength(4);
    expect(late[0]).toBe('Deployment observability/collector metadata.namespace (out/platform.yaml#20): Namespace observability → namespace observability is created in wave 2 (out/platform.yaml#1), after this object (wave 0). Fix: put the Namespace in an earlier wave');
  });
});

describe('monitoring', () => {
  test('a monitor no Prometheus selects', () => {
    expect(findingsOf(platformWith('metadata: { name: api, namespace: apps, labels: { release: kps } }', 'metadata: { name: api, namespace: apps, labels: { release: prometheus } }'))).toEqual([
      'ServiceMonitor apps/api metadata.labels (out/platform.yaml#12): ServiceMonitor → no Prometheus selects this ServiceMonitor (labels release=prometheus; Prometheus monitoring/kps-kube-prometheus-stack-prometheus: serviceMonitorSelector release=kps, all namespaces). Fix: add the label the Prometheus selects, or widen its selector',
    ]);
  });

  test('monitors with no Prometheus at all (the Prometheus operator alone)', () => {
    const operatorOnly = { ...KUBE_PROMETHEUS_STACK, application: 'prometheus-operator', chartOrPath: '.', sourceType: KSERVE.sourceType, effectiveValues: undefined };
    const messages = findingsOf(PLATFORM, [operatorOnly, KEDA, KUEUE, EXTERNAL_SECRETS, KSERVE]);
    expect(messages).toContain('PrometheusRule observability/platform-alerts metadata.labels (out/platform.yaml#22): PrometheusRule → no Prometheus in the platform, so nothing reads this PrometheusRule (labels release=kps). Fix: install a metrics backend (kube-prometheus-stack) whose Prometheus selects it — the Prometheus operator alone runs no Prometheus');
    expect(messages).toContain('ScaledObject apps/web spec.triggers[0].metadata.serverAddress (out/platform.yaml#13): http://prometheus-operated.monitoring.svc:9090 → no Service prometheus-operated in namespace monitoring (no Services there). Fix: point the reference at an existing Service, or create the Service (or install the release that provides it)');
  });

  test('serviceMonitorSelectorNilUsesHelmValues false selects every ServiceMonitor', () => {
    const values = KUBE_PROMETHEUS_STACK.effectiveValues as { prometheus: { prometheusSpec: object } };
    const everything = {
      ...KUBE_PROMETHEUS_STACK,
      effectiveValues: {
        ...values,
        prometheus: { ...values.prometheus, prometheusSpec: { ...values.prometheus.prometheusSpec, serviceMonitorSelectorNilUsesHelmValues: false } },
      },
    };
    const yaml = platformWith('metadata: { name: api, namespace: apps, labels: { release: kps } }', 'metadata: { name: api, namespace: apps }');
    expect(findingsOf(yaml, [everything, KEDA, KUEUE, EXTERNAL_SECRETS, KSERVE])).toEqual([]);
    expect(findingsOf(yaml)).toHaveLength(1);
  });

  test('a ServiceMonitor whose port name is not on the Service', () => {
    expect(findingsOf(platformWith('endpoints: [{ port: http, path: /metrics }]', 'endpoints: [{ port: metrics, path: /metrics }]'))).toEqual([
      'ServiceMonitor apps/api spec.endpoints[0].port (out/platform.yaml#12): Service apps/api port metrics → Service apps/api has no port named metrics (ports: http:8080→http). Fix: name one of its ports, or add the port to the Service',
    ]);
  });

  test('a ServiceMonitor whose selector matches no Service', () => {
    expect(findingsOf(platformWith('selector: { matchLabels: { app: api } }\n  endpoints', 'selector: { matchLabels: { app: api-server } }\n  endpoints'))).toEqual([
      'ServiceMonitor apps/api spec.selector (out/platform.yaml#12): selector app=api-server → the selector app=api-server matches no Service in namespace apps (Services there, with their labels: api {app=api}, embed-predictor {serving.kserve.io/inferenceservice=embed,component=predictor,app=isvc.embed-predictor}, web {}). Fix: label the Service or fix the selector',
    ]);
  });

  test('a PodMonitor whose port name the pods do not declare', () => {
    expect(findingsOf(platformWith('podMetricsEndpoints: [{ port: http }]', 'podMetricsEndpoints: [{ port: metrics }]'))).toEqual([
      'PodMonitor apps/embed spec.podMetricsEndpoints[0].port (out/platform.yaml#19): pods of InferenceService apps/embed port metrics → the pods of InferenceService apps/embed have no container port named metrics (ports: http:8080). Fix: name one of their ports',
    ]);
  });

  test('scrape targets are references from the selecting Prometheus (for the flow checks)', () => {
    const refs = modelOf(PLATFORM).references.filter((r) => r.from === 'ServiceMonitor apps/api' && r.kind === ReferenceKind.SERVICE && r.selector === undefined);
    expect(refs.map((r) => [r.namespace, r.name, r.portName, r.port, r.clientPodGroup])).toEqual([
      ['apps', 'api', 'http', 8080, 'Prometheus monitoring/kps-kube-prometheus-stack-prometheus'],
    ]);
  });

  test('a dashboard no Grafana loads', () => {
    expect(findingsOf(platformWith('labels: { grafana_dashboard: "1" }', 'labels: { grafana-dashboard: "1" }'))).toEqual([
      'ConfigMap observability/dashboard-web data["web.json"] (out/platform.yaml#23): dashboard → no Grafana loads this dashboard (labels grafana-dashboard=1; Deployment monitoring/kps-grafana grafana-sc-dashboard: label grafana_dashboard=1 in all namespaces). Fix: give the ConfigMap the sidecar\'s label, or move it into a namespace the sidecar searches',
    ]);
  });

  test('dashboards with no Grafana at all', () => {
    const messages = findingsOf(PLATFORM, [KEDA, KUEUE, EXTERNAL_SECRETS, KSERVE]);
    expect(messages).toContain('ConfigMap observability/dashboard-web data["web.json"] (out/platform.yaml#23): dashboard → no Grafana with a dashboard sidecar in the platform, so the dashboard (labels grafana_dashboard=1) is never loaded. Fix: install Grafana (kube-prometheus-stack\'s, sidecar.dashboards.enabled) with a label this ConfigMap carries');
  });

  test('the grafana chart\'s own default searches only Grafana\'s namespace', () => {
    const values = KUBE_PROMETHEUS_STACK.effectiveValues as { grafana: { sidecar: { dashboards: object } } };
    const ownNamespace = {
      ...KUBE_PROMETHEUS_STACK,
      effectiveValues: { ...values, grafana: { ...values.grafana, sidecar: { ...values.grafana.sidecar, dashboards: { enabled: true, label: 'grafana_dashboard', labelValue: '1' } } } },
    };
    expect(findingsOf(PLATFORM, [ownNamespace, KEDA, KUEUE, EXTERNAL_SECRETS, KSERVE])).toEqual([
      'ConfigMap observability/dashboard-web data["web.json"] (out/platform.yaml#23): dashboard → no Grafana loads this dashboard (labels grafana_dashboard=1; Deployment monitoring/kps-grafana grafana-sc-dashboard: label grafana_dashboard=1 in namespace monitoring). Fix: give the ConfigMap the sidecar\'s label, or move it into a namespace the sidecar searches',
    ]);
  });
});

describe('Argo Rollouts references', () => {
  test('a Rollout names its Deployment and its AnalysisTemplates; each that is missing is a finding', () => {
    const yaml = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: { name: chat, namespace: ai }
spec:
  selector: { matchLabels: { app: chat } }
  workloadRef: { apiVersion: apps/v1, kind: Deployment, name: chat }
  strategy:
    canary:
      analysis: { templates: [{ templateName: chat-gates }] }
      steps:
      - analysis: { templates: [{ templateName: chat-evaluation }] }
      - setWeight: 25
---
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: { name: chat-gates, namespace: ai }
spec:
  metrics:
  - name: ttft
    provider: { prometheus: { address: "http://prometheus.monitoring.svc:9090", query: "vector(0)" } }
`;
    const messages = verifyPlatformReferences(modelOf(yaml)).findings.map((f) => `${f.path}: ${f.message}`);
    expect(messages.filter((m) => m.startsWith('spec.workloadRef') || m.startsWith('spec.strategy'))).toEqual([
      expect.stringMatching(/^spec\.workloadRef: .*Deployment.*chat/),
      expect.stringMatching(/^spec\.strategy\.canary\.steps\[0\]\.analysis\.templates\[0\]: .*AnalysisTemplate.*chat-evaluation/),
    ]);
  });
});
