import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { databaseInitContainer } from './database-init';
import type { AdmittedRegistryClient } from './mlflow-server';
import { RegistryBackend, RegistryBackendKind } from './registry-backend';
import { RegistryConnection } from './registry-connection';
import { KubeflowRegistryEngineOptions } from './registry-engine';
import { ModelRegistryKind } from '../../core/platform-spec';
import { DATA_SERVICE_IMAGES, imageRef } from '../../core/versions';
import { dataServiceLabels } from '../common/data-service-namespace';
import { cidrEgress, dnsEgress, tcpPorts } from '../common/egress';
import { SecretKeyRef } from '../common/secret-key-ref';
import { SecretRollout, SecretRolloutOptions } from '../common/secret-rollout';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../pod-security';
import { TeamNamespace } from '../team-namespace';
import { INamespaceOwner, WorkloadSelector } from '../workload-selector';

/** The Kubeflow Model Registry's REST port. */
export const KUBEFLOW_REGISTRY_PORT = 8080;
/** Key of the database DSN in the Kubeflow Model Registry's database Secret. */
export const KUBEFLOW_REGISTRY_DSN_KEY = 'dsn';

const UID = 65532;

/** Props of {@link KubeflowModelRegistryServer}. */
export interface KubeflowModelRegistryServerProps {
  /** Namespace. */
  readonly namespace: INamespaceOwner;
  /** Backend. */
  readonly backend: RegistryBackend;
  /** Engine options. */
  readonly options: KubeflowRegistryEngineOptions;
  /** Replicas. */
  readonly replicas: number;
  /** PriorityClass of the pods. */
  readonly priorityClassName?: string;
  /**
   * Restart the server when its database Secret changes.
   * @default - none
   */
  readonly secretRollout?: SecretRolloutOptions;
}

/**
 * The Kubeflow Model Registry server (embedded metadata store on PostgreSQL), as a
 * {@link ModelRegistry} builds it: database created before start, non-root, probes, a
 * Service and NetworkPolicies admitting only named clients. The server has no
 * authentication of its own: with Kubeflow, the mesh authenticates callers.
 */
export class KubeflowModelRegistryServer extends Construct {
  /** Name of the Deployment and Service. */
  public readonly serviceName: string;
  /** Cluster DNS name of the Service. */
  public readonly host: string;
  /** Name of the Secret with the DSN. */
  public readonly databaseSecretName: string;
  /** The Deployment. */
  public readonly deployment: k8s.KubeDeployment;
  /** The Service. */
  public readonly service: k8s.KubeService;
  private readonly namespaceOwner: INamespaceOwner;
  private readonly clientRules: k8s.NetworkPolicyIngressRule[] = [];

  constructor(scope: Construct, id: string, props: KubeflowModelRegistryServerProps) {
    super(scope, id);
    const ns = props.namespace.namespaceName;
    this.namespaceOwner = props.namespace;
    this.serviceName = 'model-registry';
    this.host = `${this.serviceName}.${ns}.svc.cluster.local`;
    const labels = {
      ...dataServiceLabels('model-registry', this.serviceName, 'model-registry'),
      ...(props.options.istioSidecar ? { 'sidecar.istio.io/inject': 'true' } : {}),
    };
    const selector = { 'app.kubernetes.io/name': 'model-registry', 'app.kubernetes.io/instance': this.serviceName };

    const backend = props.backend;
    let init: { container: k8s.Container; volumes: k8s.Volume[] } | undefined;
    if (backend.kind === RegistryBackendKind.POSTGRES) {
      const d = backend.database!;
      const db = backend.databaseName ?? 'model_registry';
      this.databaseSecretName = backend.password!.materialize(this, 'Database', {
        namespace: ns,
        name: 'model-registry-database',
        keys: { password: 'password' },
        templates: { [KUBEFLOW_REGISTRY_DSN_KEY]: `postgres://${encodeURIComponent(d.username)}:{{ .password | urlquery }}@${d.host}:${d.port}/${db}?sslmode=require` },
        syncWave: -1,
      });
      init = databaseInitContainer(this, 'CreateDatabases', {
        namespace: ns,
        configMapName: 'model-registry-create-databases',
        database: d,
        password: SecretKeyRef.fromName(this.databaseSecretName, 'password'),
        databases: [db],
      });
    } else {
      this.databaseSecretName = backend.secretName!;
    }

    const sa = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.serviceName, namespace: ns, labels },
      automountServiceAccountToken: false,
    });
    const probe: k8s.Probe = { tcpSocket: { port: k8s.IntOrString.fromString('http') }, periodSeconds: 10, failureThreshold: 6, timeoutSeconds: 3 };
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: this.serviceName, namespace: ns, labels },
      spec: {
        replicas: props.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: sa.name,
            priorityClassName: props.priorityClassName,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(UID),
            initContainers: init ? [init.container] : undefined,
            containers: [{
              name: 'model-registry',
              image: imageRef(DATA_SERVICE_IMAGES.kubeflowModelRegistry),
              command: ['/model-registry', 'proxy'],
              args: [
                '--hostname=0.0.0.0',
                `--port=${KUBEFLOW_REGISTRY_PORT}`,
                '--datastore-type=embedmd',
                '--embedmd-database-type=postgres',
                // Expanded by the kubelet from the env var (from the Secret); never in the manifest.
                '--embedmd-database-dsn=$(MODEL_REGISTRY_DSN)',
              ],
              env: [{ name: 'MODEL_REGISTRY_DSN', valueFrom: { secretKeyRef: { name: this.databaseSecretName, key: KUBEFLOW_REGISTRY_DSN_KEY } } }],
              ports: [{ name: 'http', containerPort: KUBEFLOW_REGISTRY_PORT, protocol: 'TCP' }],
              readinessProbe: probe,
              livenessProbe: probe,
              resources: {
                requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') },
                limits: { memory: k8s.Quantity.fromString('1Gi') },
              },
              securityContext: restrictedContainerSecurityContext(UID),
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } }, ...(init ? init.volumes : [])],
          },
        },
      },
    });
    if (props.secretRollout) {
      SecretRollout.ensure(this, ns, props.secretRollout)
        .restartOnChange(SecretKeyRef.fromName(this.databaseSecretName, KUBEFLOW_REGISTRY_DSN_KEY), this.deployment);
    }
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.serviceName, namespace: ns, labels },
      spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: KUBEFLOW_REGISTRY_PORT, targetPort: k8s.IntOrString.fromString('http') }] },
    });
    new k8s.KubeNetworkPolicy(this, 'Ingress', {
      metadata: { name: 'model-registry-ingress', namespace: ns, labels },
      spec: { podSelector: { matchLabels: selector }, policyTypes: ['Ingress'], ingress: Lazy.any({ produce: () => [...this.clientRules] }) },
    });
    new k8s.KubeNetworkPolicy(this, 'Egress', {
      metadata: { name: 'model-registry-egress', namespace: ns, labels },
      spec: { podSelector: { matchLabels: selector }, policyTypes: ['Egress'], egress: [dnsEgress(), cidrEgress(backend.databaseCidr, backend.database?.port ?? 5432)] },
    });
  }

  /** The server's pods, as a network peer. */
  public workloads(): WorkloadSelector {
    return WorkloadSelector.of(this.namespaceOwner, { 'app.kubernetes.io/name': 'model-registry', 'app.kubernetes.io/instance': this.serviceName });
  }

  /** Opens the network path of a client. */
  public admit(client: AdmittedRegistryClient): void {
    this.clientRules.push({ from: [client.workload.toPeer()], ports: tcpPorts(KUBEFLOW_REGISTRY_PORT) });
    const owner = client.workload.owner;
    if (owner instanceof TeamNamespace) owner.allowTo(this.workloads(), KUBEFLOW_REGISTRY_PORT, client.workload);
  }

  /** The connection settings of an admitted client. */
  public connection(client: AdmittedRegistryClient): RegistryConnection {
    return new RegistryConnection({
      engine: ModelRegistryKind.KUBEFLOW,
      namespace: client.workload.namespace,
      access: client.access,
      host: this.host,
      port: KUBEFLOW_REGISTRY_PORT,
      server: this.workloads(),
    });
  }
}
