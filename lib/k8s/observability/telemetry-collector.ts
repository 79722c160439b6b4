import { createHash } from 'crypto';
import { ApiObject, Lazy, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  CollectorComponent, CollectorExporter, CollectorExtension, CollectorPort, CollectorProcessor, CollectorReceiver, TelemetrySignal,
} from './collector-components';
import {
  COLLECTOR_TELEMETRY_PORT, CollectorPipeline, RenderedCollectorConfig, checkCollectorConfig, collectorPorts, renderCollectorConfig,
} from './collector-config';
import { TracingOptions, connectWorkload, tracingEnvironment } from './tracing';
import { WorkloadIdentityContract } from '../../core/contract';
import { ProblemCollector, invalidProp } from '../../core/errors';
import { NAME_RULES, assertName } from '../../core/names';
import { OBSERVABILITY_IMAGES, imageRef } from '../../core/versions';
import {
  OpenTelemetryCollector, OpenTelemetryCollectorSpecMode, OpenTelemetryCollectorSpecResourcesLimits, OpenTelemetryCollectorSpecResourcesRequests,
} from '../../imports/opentelemetry.io';
import { apiServerEgress, DEFAULT_VPC_CIDR, dnsEgress, httpsEgress, isIpv4Cidr, podIdentityEgress, tcpPorts } from '../common/egress';
import { IMetricsSource, MetricsComponent, MetricsEndpoint } from '../common/metrics-endpoint';
import { NamespaceIsolation, PLATFORM_NAMESPACE_LABELS } from '../common/namespace-isolation';
import { IMetricsBackend, InstallPhase, KubePrometheusStack, syncWaveOf } from '../operators';
import {
  PodSecurityLevel, SYNC_WAVE_ANNOTATION, createNamespace, restrictedContainerSecurityContext, restrictedPodSecurityContext,
} from '../pod-security';
import { TeamNamespace } from '../team-namespace';
import { WorkloadSelector } from '../workload-selector';

/** How the collector is run. */
export enum CollectorDeploymentMethod {
  /** A plain Deployment with its ConfigMap, Service and RBAC: no operator needed. */
  DEPLOYMENT = 'deployment',
  /** An `OpenTelemetryCollector` (opentelemetry.io/v1beta1) that the OpenTelemetry operator turns into a Deployment. */
  OPERATOR = 'operator',
}

/** Props of {@link TelemetryCollector}. */
export interface TelemetryCollectorProps {
  /**
   * Name of the collector (Deployment or OpenTelemetryCollector).
   * @default "otel-collector"
   */
  readonly name?: string;
  /**
   * Namespace.
   * @default "observability"
   */
  readonly namespace?: string;
  /**
   * Create the namespace (restricted Pod Security). Turn off when another construct declares it.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * Where telemetry goes. Unless `pipelines` is given, one pipeline per signal is derived:
   * each signal's pipeline sends to every exporter that handles it.
   * @default - none; add exporters with addExporter() before synth
   */
  readonly exporters?: CollectorExporter[];
  /**
   * Receivers besides OTLP (e.g. a Prometheus receiver for static targets).
   * @default - OTLP (gRPC 4317, HTTP 4318) only
   */
  readonly receivers?: CollectorReceiver[];
  /**
   * Processors of every pipeline that does not list its own.
   * @default - memory_limiter, k8s_attributes, batch
   */
  readonly processors?: CollectorProcessor[];
  /**
   * Explicit pipelines (replace the derived ones). Every component they use must be in
   * receivers, processors or exporters.
   * @default - one pipeline per signal over all receivers and exporters handling it
   */
  readonly pipelines?: CollectorPipeline[];
  /**
   * How the collector is run.
   * @default CollectorDeploymentMethod.DEPLOYMENT
   */
  readonly deploymentMethod?: CollectorDeploymentMethod;
  /**
   * Replicas.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Memory limit in MiB (the memory limiter refuses data at 80 % of it).
   * @default 1024
   */
  readonly memoryLimitMiB?: number;
  /**
   * CPU request.
   * @default "200m"
   */
  readonly cpuRequest?: string;
  /**
   * The EKS Pod Identity of the collector (from the platform contract), needed by exporters
   * that call AWS (X-Ray, CloudWatch EMF, S3, SigV4 remote write). Its namespace must be
   * the collector's; its service account becomes the collector's.
   * @default - no AWS identity; AWS exporters are refused
   */
  readonly awsIdentity?: WorkloadIdentityContract;
  /**
   * The metrics backend whose scraper reads the collector's metrics ports.
   * @default KubePrometheusStack.platformDefault() (its Prometheus pods)
   */
  readonly metricsBackend?: IMetricsBackend;
  /**
   * The VPC's address block: the collector reaches the API server there (Kubernetes attributes).
   * @default "10.0.0.0/16" (the AWS layer's default VPC)
   */
  readonly vpcCidr?: string;
  /**
   * Kubernetes version the namespace's Pod Security labels pin.
   * @default - EKS.defaultKubernetesVersion
   */
  readonly kubernetesVersion?: string;
}

const DEFAULT_NAME = 'otel-collector';
const CONFIG_FILE = 'collector.yaml';
const CONFIG_DIR = '/conf';
// The contrib image runs as this user.
const COLLECTOR_UID = 10001;

/**
 * An OpenTelemetry Collector for the platform's traces, metrics and model payload logs: a
 * pinned contrib image, OTLP gRPC and HTTP receivers, memory limiter, Kubernetes attributes
 * and batching, and exporters given as typed objects. Its config is generated and checked at
 * synth time (pipelines name only defined components, are not empty, handle their signal;
 * ports are unique). Runs non-root with a read-only root filesystem; a NetworkPolicy opens
 * OTLP to the namespaces that connect to it and metrics to Prometheus.
 *
 * Connect a workload with {@link TelemetryCollector.connect}: it sets the OpenTelemetry and
 * OpenLLMetry environment on its containers, with prompt and completion content off unless
 * `recordPromptsAndCompletions` is set.
 */
export class TelemetryCollector extends Construct implements IMetricsSource {
  /** Collector name. */
  public readonly name: string;
  /** Namespace. */
  public readonly namespace: string;
  /** How it runs. */
  public readonly deploymentMethod: CollectorDeploymentMethod;
  /** Name of the Service that receives OTLP. */
  public readonly serviceName: string;
  /** Labels of the collector pods. */
  public readonly podLabels: { [key: string]: string };
  /** Replicas. */
  public readonly replicas: number;
  /** Memory limit in MiB. */
  public readonly memoryLimitMiB: number;
  /** Service account of the collector pods. */
  public readonly serviceAccountName: string;
  /** The OTLP receiver every connected workload sends to. */
  public readonly otlpReceiver: CollectorReceiver;
  /** The processors of pipelines that list none. */
  public readonly defaultProcessors: CollectorProcessor[];
  /** The API object running the collector (Deployment or OpenTelemetryCollector). */
  public readonly workload: ApiObject;

  /** The collector's own telemetry, as a metrics endpoint. */
  public readonly metricsEndpoint: MetricsEndpoint;

  private readonly receivers: CollectorReceiver[];
  private readonly processors: CollectorProcessor[];
  private readonly exporters: CollectorExporter[] = [];
  private readonly explicitPipelines?: CollectorPipeline[];
  private readonly extraPipelines: CollectorPipeline[] = [];
  private readonly awsIdentity?: WorkloadIdentityContract;
  private readonly senders: WorkloadSelector[] = [];
  private readonly scraper: WorkloadSelector;
  private readonly vpcCidr: string;
  private readonly egressPeers: { peer: WorkloadSelector; port: number }[] = [];
  private readonly shared = new Set<CollectorComponent>();

  constructor(scope: Construct, id: string, props: TelemetryCollectorProps = {}) {
    super(scope, id);
    const where = this.node.path;
    this.name = assertName(where, 'name', props.name ?? DEFAULT_NAME, NAME_RULES.dns1123Label);
    this.namespace = assertName(where, 'namespace', props.namespace ?? 'observability', NAME_RULES.dns1123Label);
    this.deploymentMethod = props.deploymentMethod ?? CollectorDeploymentMethod.DEPLOYMENT;
    this.replicas = props.replicas ?? 2;
    this.memoryLimitMiB = props.memoryLimitMiB ?? 1024;
    this.scraper = (props.metricsBackend ?? KubePrometheusStack.platformDefault()).scraper;
    this.vpcCidr = props.vpcCidr ?? DEFAULT_VPC_CIDR;
    if (!isIpv4Cidr(this.vpcCidr)) {
      throw invalidProp(where, 'vpcCidr', props.vpcCidr, 'not an IPv4 CIDR block', 'give the VPC block, e.g. "10.0.0.0/16"');
    }
    if (!Number.isInteger(this.replicas) || this.replicas < 1) {
      throw invalidProp(where, 'replicas', props.replicas, 'not a positive whole number', 'give 1 or more (2 keeps traces flowing during a rollout)');
    }
    if (!Number.isInteger(this.memoryLimitMiB) || this.memoryLimitMiB < 128) {
      throw invalidProp(where, 'memoryLimitMiB', props.memoryLimitMiB, 'below the 128 MiB the collector needs to start', 'give at least 256 (the default is 1024)');
    }
    this.awsIdentity = props.awsIdentity;
    if (this.awsIdentity && this.awsIdentity.namespace !== this.namespace) {
      throw invalidProp(where, 'awsIdentity.namespace', this.awsIdentity.namespace, `the identity is for namespace ${this.awsIdentity.namespace}, the collector runs in ${this.namespace}`,
        'declare the workload identity in the AWS layer for the collector\'s namespace, or run the collector in the identity\'s namespace');
    }
    this.serviceAccountName = this.awsIdentity?.serviceAccount ?? this.name;

    const operator = this.deploymentMethod === CollectorDeploymentMethod.OPERATOR;
    // The operator names its Service <name>-collector and labels pods with its own keys.
    this.serviceName = operator ? `${this.name}-collector` : this.name;
    this.podLabels = operator
      ? { 'app.kubernetes.io/component': 'opentelemetry-collector', 'app.kubernetes.io/instance': `${this.namespace}.${this.name}` }
      : { 'app.kubernetes.io/name': this.name, 'app.kubernetes.io/component': 'opentelemetry-collector' };
    this.metricsEndpoint = MetricsEndpoint.service({
      name: this.name,
      namespace: this.namespace,
      selector: operator
        ? { 'app.kubernetes.io/instance': `${this.namespace}.${this.name}`, 'operator.opentelemetry.io/collector-service-type': 'monitoring' }
        : { ...this.podLabels },
      portName: operator ? 'monitoring' : COLLECTOR_TELEMETRY_PORT.name,
      component: MetricsComponent.OTEL_COLLECTOR,
    });

    this.otlpReceiver = CollectorReceiver.otlp();
    this.receivers = [this.otlpReceiver, ...(props.receivers ?? [])];
    this.defaultProcessors = props.processors
      ? [...props.processors]
      : [CollectorProcessor.memoryLimiter(), CollectorProcessor.k8sAttributes(), CollectorProcessor.batch()];
    this.processors = [...this.defaultProcessors];
    (props.exporters ?? []).forEach((e) => this.addExporter(e));
    [...this.receivers, ...this.exporters].forEach((c) => this.shared.add(c));
    this.explicitPipelines = props.pipelines ? [...props.pipelines] : undefined;
    // Components the explicit pipelines use are checked against the lists above, at synth.

    const wave = { [SYNC_WAVE_ANNOTATION]: String(syncWaveOf(InstallPhase.PLATFORM)) };
    if (props.createNamespace ?? true) {
      createNamespace(this, 'Namespace', {
        name: this.namespace,
        level: PodSecurityLevel.RESTRICTED,
        kubernetesVersion: props.kubernetesVersion,
        labels: { ...PLATFORM_NAMESPACE_LABELS },
      });
      // The platform's own namespace: nothing in or out but the flows its pods declare.
      NamespaceIsolation.ensure(this, this.namespace);
    }

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.serviceAccountName, namespace: this.namespace, annotations: wave },
      automountServiceAccountToken: false,
    });
    this.rbac(wave);

    this.workload = operator ? this.operatorResource(props, wave) : this.plainDeployment(props, wave);
    this.networkPolicy(wave);

    // Fail at construction for what is known now; the lazy render checks again at synth.
    this.renderChecked();
  }

  /** Adds an exporter (to the derived pipelines of its signals, or for an explicit pipeline). */
  public addExporter(exporter: CollectorExporter): void {
    if (exporter.needsAwsCredentials && !this.awsIdentity) {
      throw invalidProp(this.node.path, 'exporters', exporter.id, `exporter ${exporter.id} calls AWS, but the collector has no AWS workload identity`,
        'pass awsIdentity (the collector\'s WorkloadIdentityContract from the platform contract, for EKS Pod Identity)');
    }
    this.exporters.push(exporter);
  }

  /** Adds a receiver (used by derived pipelines of its signals and available to explicit ones). */
  public addReceiver(receiver: CollectorReceiver): void {
    this.receivers.push(receiver);
  }

  /** Adds a processor definition (for pipelines that list it). */
  public addProcessor(processor: CollectorProcessor): void {
    this.processors.push(processor);
  }

  /**
   * Adds a pipeline besides the main ones (derived or explicit), e.g. the drift monitor's
   * payload logs. Its components must have been added to the collector.
   */
  public addPipeline(pipeline: CollectorPipeline): void {
    this.extraPipelines.push(pipeline);
  }

  /** The components with a given id (to reuse one another construct added). */
  public findComponent(id: string): CollectorComponent | undefined {
    return [...this.receivers, ...this.processors, ...this.exporters].find((c) => c.id === id);
  }

  /** The OTLP/HTTP URL workloads send to (`http://<service>.<namespace>.svc:4318`). */
  public get otlpHttpEndpoint(): string {
    return `http://${this.serviceName}.${this.namespace}.svc:${this.portOf('otlp-http')}`;
  }

  /** The OTLP/gRPC address (`http://<service>.<namespace>.svc:4317`). */
  public get otlpGrpcEndpoint(): string {
    return `http://${this.serviceName}.${this.namespace}.svc:${this.portOf('otlp-grpc')}`;
  }

  /** The collector pods, as a network peer. */
  public workloads(): WorkloadSelector {
    return WorkloadSelector.inNamespace(this.namespace, this.podLabels);
  }

  /**
   * Lets the collector reach an in-cluster backend (e.g. a Tempo or OTLP endpoint an exporter
   * sends to): its own namespace denies all other egress.
   * @param peer the backend's pods
   * @param port the port the exporter sends to
   */
  public allowEgressTo(peer: WorkloadSelector, port: number): void {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw invalidProp(this.node.path, 'port', port, 'not a TCP port', 'give a port from 1 to 65535');
    }
    this.egressPeers.push({ peer, port });
  }

  /** The ports clients send telemetry to. */
  public get ingestPorts(): CollectorPort[] {
    return this.ports().filter((p) => p.ingest);
  }

  /** The URL of a listening receiver's port on the collector's Service (e.g. a webhook receiver). */
  public urlOf(receiver: CollectorReceiver, path: string = ''): string {
    if (!this.receivers.includes(receiver) || receiver.ports.length === 0) {
      throw invalidProp(this.node.path, 'receiver', receiver.id, 'not a listening receiver of this collector', 'add it with addReceiver() first');
    }
    return `http://${this.serviceName}.${this.namespace}.svc:${receiver.ports[0].port}${path}`;
  }

  /**
   * Allows pods to send to the collector's ingest ports. When the pods are in a
   * TeamNamespace, its egress to the collector is opened too.
   */
  public allowFrom(senders: WorkloadSelector): void {
    const key = (s: WorkloadSelector) => `${s.namespace}/${JSON.stringify(s.podLabels)}`;
    if (this.senders.some((s) => key(s) === key(senders))) return;
    this.senders.push(senders);
    if (senders.owner instanceof TeamNamespace) {
      for (const p of this.ingestPorts) senders.owner.allowTo(this.workloads(), p.port, senders);
    }
  }

  /**
   * The environment that sends a workload's traces and metrics to this collector: OTLP
   * endpoint and protocol, service name, resource attributes (namespace, pod), and the
   * OpenLLMetry settings, with prompt and completion content off by default.
   */
  public tracingEnv(options: TracingOptions): k8s.EnvVar[] {
    return tracingEnvironment(this.otlpHttpEndpoint, options);
  }

  /**
   * Connects a workload to the collector in one call: sets the tracing environment on its
   * containers (a Deployment, StatefulSet, DaemonSet, Job, CronJob or InferenceService API
   * object, a cdk8s-plus workload, or anything with `addTracingEnvironment(env)`), and opens
   * the network path from its pods to the collector.
   */
  public connect(workload: Construct, options: TracingOptions): void {
    const senders = connectWorkload(this.node.path, workload, this.tracingEnv(options), options);
    if (senders) this.allowFrom(senders);
  }

  /** The rendered config (checked). */
  public renderConfig(): RenderedCollectorConfig {
    return this.renderChecked();
  }

  private pipelines(): CollectorPipeline[] {
    const main = this.explicitPipelines ?? [TelemetrySignal.TRACES, TelemetrySignal.METRICS, TelemetrySignal.LOGS]
      .map((signal) => new CollectorPipeline({
        signal,
        receivers: this.receivers.filter((r) => r.signals.includes(signal) && this.derivedReceiver(r)),
        exporters: this.exporters.filter((e) => e.signals.includes(signal) && this.derivedExporter(e)),
      }))
      .filter((p) => p.exporters.length > 0);
    return [...main, ...this.extraPipelines];
  }

  // Components added for an extra pipeline (e.g. the payload webhook) stay out of the derived
  // ones; the OTLP receiver and the components given in the props serve both.
  private derivedReceiver(r: CollectorReceiver): boolean {
    return this.shared.has(r) || !this.extraPipelines.some((p) => p.receivers.includes(r));
  }

  private derivedExporter(e: CollectorExporter): boolean {
    return this.shared.has(e) || !this.extraPipelines.some((p) => p.exporters.includes(e));
  }

  private extensions(): CollectorExtension[] {
    const all = [CollectorExtension.healthCheck()];
    for (const c of [...this.receivers, ...this.processors, ...this.exporters]) {
      for (const e of c.extensions) if (!all.some((x) => x.id === e.id)) all.push(e);
    }
    return all;
  }

  private renderChecked(): RenderedCollectorConfig {
    const where = this.node.path;
    const problems = new ProblemCollector();
    const ids = new Map<string, CollectorComponent>();
    for (const c of [...this.receivers, ...this.processors, ...this.exporters]) {
      const kind = c instanceof CollectorReceiver ? 'receiver' : c instanceof CollectorProcessor ? 'processor' : 'exporter';
      const key = `${kind}:${c.id}`;
      const seen = ids.get(key);
      problems.check(!seen || seen === c, {
        construct: where, prop: `${kind}s`, value: c.id, problem: `two different ${kind}s are named ${c.id}`, fix: `give each ${kind} its own name`,
      });
      ids.set(key, c);
    }
    const config = renderCollectorConfig(
      this.receivers, this.processors, this.exporters, this.extensions(), this.pipelines(), this.defaultProcessors);
    checkCollectorConfig(where, config, problems);
    const ports = this.ports();
    const names = new Map<string, number>();
    for (const p of ports) {
      problems.check(!names.has(p.name), {
        construct: where, prop: 'ports', value: p.name, problem: `port name ${p.name} is used twice`, fix: 'give the components different names',
      });
      names.set(p.name, p.port);
    }
    problems.throwIfAny();
    return config;
  }

  private ports(): CollectorPort[] {
    return collectorPorts([...this.receivers, ...this.exporters, ...this.extensions()]);
  }

  private portOf(name: string): number {
    const p = this.ports().find((x) => x.name === name);
    if (!p) throw new Error(`internal: no port ${name}`);
    return p.port;
  }

  private configYaml(): string {
    return Yaml.stringify(this.renderChecked());
  }

  private rbac(wave: { [k: string]: string }): void {
    // Only k8sattributes reads the API: pods and namespaces for metadata, replicasets to name the Deployment.
    const needsApi = () => this.processors.some((p) => p.needsKubernetesApi);
    if (!needsApi()) return;
    const roleName = `cnai-${this.namespace}-${this.name}`.slice(0, 63).replace(/-$/, '');
    new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: roleName, annotations: wave },
      rules: [
        { apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
      ],
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: roleName, annotations: wave },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: this.namespace }],
    });
  }

  private resources(props: TelemetryCollectorProps): k8s.ResourceRequirements {
    return {
      requests: { cpu: k8s.Quantity.fromString(props.cpuRequest ?? '200m'), memory: k8s.Quantity.fromString(`${Math.ceil(this.memoryLimitMiB / 2)}Mi`) },
      limits: { memory: k8s.Quantity.fromString(`${this.memoryLimitMiB}Mi`) },
    };
  }

  private env(): k8s.EnvVar[] {
    // The Go runtime collects garbage before the memory limiter has to refuse data.
    return [{ name: 'GOMEMLIMIT', value: `${Math.floor(this.memoryLimitMiB * 0.8)}MiB` }];
  }

  private plainDeployment(props: TelemetryCollectorProps, wave: { [k: string]: string }): ApiObject {
    const configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: `${this.name}-config`, namespace: this.namespace, annotations: wave },
      data: { [CONFIG_FILE]: Lazy.any({ produce: () => this.configYaml() }) },
    });
    const health = () => this.portOf('health');
    const deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: this.name, namespace: this.namespace, labels: this.podLabels, annotations: wave },
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: this.podLabels },
        template: {
          metadata: {
            labels: this.podLabels,
            // A config change rolls the pods (the collector does not reload its config).
            annotations: { 'cnai.io/config-sha256': Lazy.any({ produce: () => createHash('sha256').update(this.configYaml()).digest('hex').slice(0, 16) }) },
          },
          spec: {
            serviceAccountName: this.serviceAccountName,
            // Only k8sattributes needs an API token (EKS Pod Identity mounts its own for AWS).
            automountServiceAccountToken: Lazy.any({ produce: () => this.processors.some((p) => p.needsKubernetesApi) }),
            securityContext: restrictedPodSecurityContext(COLLECTOR_UID),
            topologySpreadConstraints: [{
              maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: this.podLabels },
            }],
            containers: [{
              name: 'otel-collector',
              image: imageRef(OBSERVABILITY_IMAGES.otelCollectorContrib),
              args: [`--config=${CONFIG_DIR}/${CONFIG_FILE}`],
              env: this.env(),
              ports: Lazy.any({ produce: () => this.ports().map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })) }),
              securityContext: restrictedContainerSecurityContext(COLLECTOR_UID),
              resources: this.resources(props),
              livenessProbe: { httpGet: { path: '/', port: k8s.IntOrString.fromNumber(health()) }, periodSeconds: 15 },
              readinessProbe: { httpGet: { path: '/', port: k8s.IntOrString.fromNumber(health()) }, periodSeconds: 5 },
              volumeMounts: [{ name: 'config', mountPath: CONFIG_DIR, readOnly: true }, { name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [
              { name: 'config', configMap: { name: configMap.name } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
            ],
          },
        },
      },
    });
    new k8s.KubeService(this, 'Service', {
      metadata: { name: this.serviceName, namespace: this.namespace, labels: this.podLabels, annotations: wave },
      spec: {
        selector: this.podLabels,
        ports: Lazy.any({
          produce: () => this.ports().filter((p) => p.name !== 'health')
            .map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: 'TCP' })),
        }),
      },
    });
    new k8s.KubePodDisruptionBudget(this, 'Pdb', {
      metadata: { name: this.name, namespace: this.namespace, annotations: wave },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.podLabels } },
    });
    return deployment;
  }

  private operatorResource(props: TelemetryCollectorProps, wave: { [k: string]: string }): ApiObject {
    return new OpenTelemetryCollector(this, 'Collector', {
      metadata: { name: this.name, namespace: this.namespace, annotations: wave },
      spec: {
        mode: OpenTelemetryCollectorSpecMode.DEPLOYMENT,
        image: imageRef(OBSERVABILITY_IMAGES.otelCollectorContrib),
        replicas: this.replicas,
        serviceAccount: this.serviceAccountName,
        // This construct writes the NetworkPolicy (with the connected namespaces).
        networkPolicy: { enabled: false },
        env: this.env(),
        podSecurityContext: restrictedPodSecurityContext(COLLECTOR_UID) as any,
        securityContext: restrictedContainerSecurityContext(COLLECTOR_UID) as any,
        resources: {
          requests: {
            cpu: OpenTelemetryCollectorSpecResourcesRequests.fromString(props.cpuRequest ?? '200m'),
            memory: OpenTelemetryCollectorSpecResourcesRequests.fromString(`${Math.ceil(this.memoryLimitMiB / 2)}Mi`),
          },
          limits: { memory: OpenTelemetryCollectorSpecResourcesLimits.fromString(`${this.memoryLimitMiB}Mi`) },
        },
        config: Lazy.any({ produce: () => this.renderChecked() }),
      },
    });
  }

  private networkPolicy(wave: { [k: string]: string }): void {
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: `${this.name}-ingress`, namespace: this.namespace, annotations: wave },
      spec: {
        podSelector: { matchLabels: this.podLabels },
        policyTypes: ['Ingress'],
        ingress: Lazy.any({
          produce: () => {
            const rules: k8s.NetworkPolicyIngressRule[] = [];
            const port = (p: CollectorPort) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(p.port) });
            if (this.senders.length > 0) {
              rules.push({ from: this.senders.map((s) => s.toPeer()), ports: this.ingestPorts.map(port) });
            }
            const scraped = this.ports().filter((p) => !p.ingest && p.name !== 'health');
            rules.push({ from: [this.scraper.toPeer()], ports: scraped.map(port) });
            return rules;
          },
        }),
      },
    });
    new k8s.KubeNetworkPolicy(this, 'EgressPolicy', {
      metadata: { name: `${this.name}-egress`, namespace: this.namespace, annotations: wave },
      spec: {
        podSelector: { matchLabels: this.podLabels },
        policyTypes: ['Egress'],
        egress: Lazy.any({ produce: () => this.egressRules() }),
      },
    });
  }

  /**
   * The collector's way out, from its components: DNS; the API server for the Kubernetes
   * attributes processor; the Pod Identity agent and HTTPS for components that call AWS; HTTPS
   * for exporters with an `https://` endpoint; and the in-cluster peers given to allowEgressTo.
   */
  private egressRules(): k8s.NetworkPolicyEgressRule[] {
    const components = [...this.receivers, ...this.processors, ...this.exporters, ...this.extensions()];
    const rules: k8s.NetworkPolicyEgressRule[] = [dnsEgress()];
    if (this.processors.some((p) => p.needsKubernetesApi)) rules.push(apiServerEgress(this.vpcCidr));
    const aws = components.some((c) => c.needsAwsCredentials);
    if (aws) rules.push(podIdentityEgress());
    if (aws || this.exporters.some((e) => typeof e.config.endpoint === 'string' && e.config.endpoint.startsWith('https://'))) rules.push(httpsEgress());
    for (const e of this.egressPeers) rules.push({ to: [e.peer.toPeer()], ports: tcpPorts(e.port) });
    return rules;
  }
}
