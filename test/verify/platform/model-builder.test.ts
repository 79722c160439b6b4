import { KUBE_PROMETHEUS_STACK, modelOf, PLATFORM } from './fixtures';
import { buildPlatformModel, CLUSTER_SYNC_WAVE, objectsFromProvides } from '../../../lib/verify';
import { PlatformModel } from '../../../lib/verify/platform/model';
import { ReleaseRender, ReleaseSourceType } from '../../../lib/verify/upstream/types';

const OUTPUT = `apiVersion: v1
kind: Namespace
metadata: { name: data, labels: { tier: data }, annotations: { argocd.argoproj.io/sync-wave: "-30" } }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: data, annotations: { argocd.argoproj.io/sync-wave: "2" } }
spec:
  serviceName: db
  replicas: 2
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      serviceAccountName: db
      containers: [{ name: db, image: registry.example/db:1, ports: [{ name: sql, containerPort: 5432 }, { containerPort: 9187, protocol: TCP }] }]
  volumeClaimTemplates:
    - metadata: { name: data }
      spec: { storageClassName: gp2, accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
---
apiVersion: v1
kind: Service
metadata: { name: db, namespace: data }
spec: { clusterIP: None, selector: { app: db }, ports: [{ name: sql, port: 5432, targetPort: sql }, { port: 9187 }] }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: data }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec: { hostNetwork: true, containers: [{ name: agent, image: registry.example/agent:1 }] }
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: backup, namespace: data }
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        metadata: { labels: { job: backup } }
        spec: { restartPolicy: Never, containers: [{ name: backup, image: registry.example/backup:1 }] }
---
apiVersion: v1
kind: Pod
metadata: { name: debug, namespace: data, labels: { app: debug } }
spec: { containers: [{ name: debug, image: registry.example/debug:1 }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: data }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: db-credentials, namespace: data }
spec:
  secretStoreRef: { kind: ClusterSecretStore, name: aws }
  data: [{ secretKey: password, remoteRef: { key: db, property: password } }]
  target:
    template:
      mergePolicy: Merge
      data: { uri: "postgres://db.data.svc:5432/app" }
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: { name: db-tls, namespace: data }
spec: { secretName: db-tls, issuerRef: { name: internal, kind: ClusterIssuer }, dnsNames: [db.data.svc] }
`;

const OPERATOR: ReleaseRender = {
  application: 'db-operator',
  location: 'out.yaml#90',
  namespace: 'db-system',
  syncWave: -10,
  sourceType: ReleaseSourceType.KUSTOMIZE,
  repoUrl: 'https://github.com/example/db-operator',
  chartOrPath: 'config/default',
  revision: 'v1.0.0',
  objects: [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'controller' },
      spec: { selector: { matchLabels: { app: 'db-operator' } }, template: { metadata: { labels: { app: 'db-operator' } }, spec: { containers: [{ name: 'manager', image: 'registry.example/op:1' }] } } },
    },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'db-system' } },
  ],
  rendered: true,
};

function model(): PlatformModel {
  return buildPlatformModel([{ file: 'out.yaml', content: OUTPUT }], [OPERATOR]);
}

describe('objects and origins', () => {
  test('output objects carry file#doc and their sync wave (0 when none)', () => {
    const m = model();
    const origin = (kind: string, name: string) => m.objects.find((o) => o.object.kind === kind && o.object.metadata.name === name)!.origin;
    expect(origin('StatefulSet', 'db')).toEqual({ location: 'out.yaml#1', syncWave: 2 });
    expect(origin('Service', 'db')).toEqual({ location: 'out.yaml#2', syncWave: 0 });
  });

  test('release objects carry the release and its Application\'s wave, and land in its namespace', () => {
    const controller = model().objects.find((o) => o.object.metadata.name === 'controller')!;
    expect(controller.origin).toEqual({ location: 'release db-operator', release: 'db-operator', syncWave: -10 });
    expect(controller.object.metadata.namespace).toBe('db-system');
  });

  test('namespaces: declared (with kubernetes.io/metadata.name), releases\', every cluster\'s, Argo CD\'s', () => {
    const m = model();
    expect([...m.namespaces.keys()].sort()).toEqual(['argocd', 'data', 'db-system', 'default', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect(m.namespaces.get('data')!.labels).toEqual({ 'tier': 'data', 'kubernetes.io/metadata.name': 'data' });
    expect(m.namespaces.get('kube-system')!.origin.syncWave).toBe(CLUSTER_SYNC_WAVE);
    expect(buildPlatformModel([{ file: 'out.yaml', content: OUTPUT }], [], { clusterProvided: false, argoCdNamespace: false }).namespaces.size).toBe(1);
  });
});

describe('pod groups', () => {
  test('from every built-in workload kind, with labels, ports, service account and host network', () => {
    const groups = model().podGroups.map((g) => [g.id, g.labels, g.ports.map((p) => `${p.name ?? ''}:${p.port}/${p.protocol}`), g.serviceAccount, g.hostNetwork, g.podSpecPath]);
    expect(groups).toEqual([
      ['StatefulSet data/db', { app: 'db' }, ['sql:5432/TCP', ':9187/TCP'], 'db', false, 'spec.template.spec'],
      ['DaemonSet data/agent', { app: 'agent' }, [], 'default', true, 'spec.template.spec'],
      ['CronJob data/backup', { job: 'backup' }, [], 'default', false, 'spec.jobTemplate.spec.template.spec'],
      ['Pod data/debug', { app: 'debug' }, [], 'default', false, 'spec'],
      ['Deployment db-system/controller', { app: 'db-operator' }, [], 'default', false, 'spec.template.spec'],
      ['Deployment kube-system/coredns', { 'k8s-app': 'kube-dns', 'eks.amazonaws.com/component': 'coredns' }, ['dns:53/UDP', 'dns-tcp:53/TCP', 'metrics:9153/TCP'], 'coredns', false, 'spec.template.spec'],
    ]);
  });

  test('Job pods get the job-name labels the Job controller sets', () => {
    const job = modelOf(PLATFORM).podGroups.find((g) => g.id === 'Job apps/train')!;
    expect(job.labels).toEqual({ 'job-name': 'train', 'batch.kubernetes.io/job-name': 'train' });
  });
});

describe('Services and NetworkPolicies', () => {
  test('Services with selector, ports and target ports, headless', () => {
    const db = model().services.find((s) => s.name === 'db')!;
    expect(db).toMatchObject({
      namespace: 'data',
      selector: { app: 'db' },
      headless: true,
      ports: [{ name: 'sql', port: 5432, targetPort: 'sql', protocol: 'TCP' }, { port: 9187, targetPort: 9187, protocol: 'TCP' }],
    });
  });

  test('NetworkPolicies', () => {
    expect(model().networkPolicies.map((p) => [p.namespace, p.name, p.spec])).toEqual([['data', 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }]]);
  });
});

describe('what the cluster provides and controllers create', () => {
  const provided = (m: PlatformModel) => m.objects.filter((o) => o.origin.providedBy).map((o) => `${o.object.kind} ${o.object.metadata.namespace ?? ''}/${o.object.metadata.name}: ${o.origin.providedBy}`);

  test('EKS and Kubernetes objects, each with its reason', () => {
    const lines = provided(model());
    expect(lines).toContain('Service kube-system/kube-dns: EKS: CoreDNS add-on (installed by default; the platform\'s EKS layer manages it as an add-on)');
    expect(lines).toContain('Service default/kubernetes: Kubernetes (every cluster): the API server\'s Service (endpoints are the control plane)');
    expect(lines).toContain('PriorityClass /system-node-critical: Kubernetes (every cluster): built-in PriorityClass system-node-critical');
    expect(lines).toContain('StorageClass /gp2: EKS: StorageClass gp2 is created in every cluster');
    expect(lines).toContain('ServiceAccount data/default: Kubernetes (every cluster): the ServiceAccount controller creates ServiceAccount default in every namespace');
    expect(lines).toContain('ConfigMap db-system/kube-root-ca.crt: Kubernetes (every cluster): the root CA publisher creates ConfigMap kube-root-ca.crt in every namespace');
    expect(lines).toContain('CustomResourceDefinition /applications.argoproj.io: Argo CD (it syncs the output; the bootstrap installs it with its CRDs)');
  });

  test('the Secrets of ExternalSecrets and Certificates, the claims of volumeClaimTemplates', () => {
    const m = model();
    const lines = provided(m);
    expect(lines).toContain('Secret data/db-credentials: External Secrets operator (target of ExternalSecret data/db-credentials)');
    expect(lines).toContain('Secret data/db-tls: cert-manager (secretName of Certificate data/db-tls)');
    expect(lines).toContain('PersistentVolumeClaim data/data-db-0: StatefulSet controller (volumeClaimTemplate data of StatefulSet data/db)');
    expect(lines).toContain('PersistentVolumeClaim data/data-db-1: StatefulSet controller (volumeClaimTemplate data of StatefulSet data/db)');
    const secret = m.objects.find((o) => o.object.kind === 'Secret' && o.object.metadata.name === 'db-credentials')!;
    expect(secret.object).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-credentials', namespace: 'data' }, data: { password: '', uri: '' } });
    expect(secret.origin.location).toBe('out.yaml#7');
  });

  test('nothing assumed when told so', () => {
    expect(provided(buildPlatformModel([{ file: 'out.yaml', content: OUTPUT }], [], { clusterProvided: false, argoCdNamespace: false }))).toEqual([
      'PersistentVolumeClaim data/data-db-0: StatefulSet controller (volumeClaimTemplate data of StatefulSet data/db)',
      'PersistentVolumeClaim data/data-db-1: StatefulSet controller (volumeClaimTemplate data of StatefulSet data/db)',
      'Secret data/db-credentials: External Secrets operator (target of ExternalSecret data/db-credentials)',
      'Secret data/db-tls: cert-manager (secretName of Certificate data/db-tls)',
    ]);
  });
});

describe('releases', () => {
  test('a release rendered from nothing stands for its provides declaration', () => {
    const objects = objectsFromProvides({
      customResources: [{ group: 'keda.sh', kinds: ['ScaledObject'] }],
      services: [{ name: 'keda-operator', ports: [{ name: 'metrics', port: 8080 }], selector: { app: 'keda-operator' } }],
      workloads: [{ name: 'keda-operator', podLabels: { app: 'keda-operator' }, ports: [{ name: 'metrics', containerPort: 8080 }], serviceAccount: 'keda-operator' }],
      objects: [{ apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ClusterServingRuntime', name: 'kserve-huggingfaceserver' }],
    }, 'keda');
    expect(objects).toEqual([
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'scaledobjects.keda.sh' }, spec: { group: 'keda.sh', names: { kind: 'ScaledObject', plural: 'scaledobjects' }, scope: 'Namespaced' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'keda-operator', namespace: 'keda' }, spec: { selector: { app: 'keda-operator' }, ports: [{ name: 'metrics', port: 8080, targetPort: 8080, protocol: 'TCP' }] } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'keda-operator', namespace: 'keda' },
        spec: {
          selector: { matchLabels: { app: 'keda-operator' } },
          template: { metadata: { labels: { app: 'keda-operator' } }, spec: { serviceAccountName: 'keda-operator', containers: [{ name: 'keda-operator', ports: [{ name: 'metrics', containerPort: 8080, protocol: 'TCP' }] }] } },
        },
      },
      { apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ClusterServingRuntime', metadata: { name: 'kserve-huggingfaceserver' } },
    ]);
  });
});

describe('kube-prometheus-stack from its values', () => {
  const prometheusSpec = (release: ReleaseRender, output = PLATFORM) => modelOf(output, [release]).objects
    .find((o) => o.object.kind === 'Prometheus')!.object as unknown as { metadata: { name: string; namespace: string }; spec: { [k: string]: unknown } };
  const withSpec = (spec: object, top: object = {}): ReleaseRender => {
    const values = KUBE_PROMETHEUS_STACK.effectiveValues as { prometheus: { prometheusSpec: object } };
    const prometheus = { ...values.prometheus, prometheusSpec: { ...values.prometheus.prometheusSpec, ...spec } };
    return { ...KUBE_PROMETHEUS_STACK, effectiveValues: { ...values, ...top, prometheus } };
  };

  test('*SelectorNilUsesHelmValues: true selects release: <Helm release name> (the Application\'s helm.releaseName)', () => {
    const p = prometheusSpec(KUBE_PROMETHEUS_STACK);
    expect(p.metadata).toEqual({ name: 'kps-kube-prometheus-stack-prometheus', namespace: 'monitoring', labels: { release: 'kps' } });
    expect(p.spec).toEqual({
      serviceAccountName: 'kps-kube-prometheus-stack-prometheus',
      portName: 'http-web',
      serviceMonitorSelector: { matchLabels: { release: 'kps' } },
      serviceMonitorNamespaceSelector: {},
      podMonitorSelector: { matchLabels: { release: 'kps' } },
      podMonitorNamespaceSelector: {},
      ruleSelector: { matchLabels: { release: 'kps' } },
      ruleNamespaceSelector: {},
      alerting: { alertmanagers: [{ namespace: 'monitoring', name: 'kps-kube-prometheus-stack-alertmanager', port: 'http-web' }] },
    });
  });

  test('false selects everything; a selector that is set is used as is; an unset rule selector with false stays nil', () => {
    const p = prometheusSpec(withSpec({
      serviceMonitorSelectorNilUsesHelmValues: false,
      podMonitorSelector: { matchLabels: { team: 'platform' } },
      ruleSelectorNilUsesHelmValues: false,
      ruleSelector: null,
    }));
    expect(p.spec.serviceMonitorSelector).toEqual({});
    expect(p.spec.podMonitorSelector).toEqual({ matchLabels: { team: 'platform' } });
    expect(p.spec.ruleSelector).toBeUndefined();
  });

  test('names: a release name that contains the chart name, fullnameOverride, cleanPrometheusOperatorObjectNames', () => {
    const output = PLATFORM.replace('helm: { releaseName: kps }', 'helm: { releaseName: kube-prometheus-stack }');
    expect(prometheusSpec(KUBE_PROMETHEUS_STACK, output).metadata.name).toBe('kube-prometheus-stack-prometheus');
    expect(prometheusSpec(withSpec({}, { fullnameOverride: 'metrics' })).metadata.name).toBe('metrics-prometheus');
    expect(prometheusSpec(withSpec({}, { fullnameOverride: 'metrics', cleanPrometheusOperatorObjectNames: true })).metadata.name).toBe('metrics');
  });

  test('Grafana with its dashboard and datasource sidecars as the grafana chart renders their env', () => {
    const grafana = modelOf(PLATFORM, [KUBE_PROMETHEUS_STACK]).podGroups.find((g) => g.id === 'Deployment monitoring/kps-grafana')!;
    expect(grafana.labels).toEqual({ 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': 'kps' });
    expect(grafana.podSpec!.containers).toEqual([
      { name: 'grafana', ports: [{ name: 'grafana', containerPort: 3000, protocol: 'TCP' }] },
      { name: 'grafana-sc-dashboard', env: [{ name: 'LABEL', value: 'grafana_dashboard' }, { name: 'LABEL_VALUE', value: '1' }, { name: 'FOLDER', value: '/tmp/dashboards' }, { name: 'RESOURCE', value: 'both' }, { name: 'NAMESPACE', value: 'ALL' }] },
      { name: 'grafana-sc-datasources', env: [{ name: 'LABEL', value: 'grafana_datasource' }, { name: 'LABEL_VALUE', value: '1' }, { name: 'RESOURCE', value: 'both' }] },
    ]);
  });
});
