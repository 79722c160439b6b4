/**
 * The platform on a Kubernetes cluster you already run, with the Kubernetes layer alone: no
 * cdktf, no Terraform, no contract file. You describe the cluster as it is (name, region,
 * version, VPC block, and the node groups with the labels and taints their nodes really
 * carry); GPUs per node and memory per GPU come from the GPU catalogue by instance type.
 *
 * - `ExistingClusterContract.create`: the contract, validated (a wrong GPU count, an unknown
 *   instance type or a node group without a label to select on stops synthesis).
 * - Kueue, asked for explicitly (no other operator is installed), with a queue for the team.
 * - `chat`: Qwen2.5 7B Instruct from the Hugging Face Hub, served by vLLM on the existing A10G
 *   node group: the pods select `eks.amazonaws.com/nodegroup: gpu-a10g` and tolerate the
 *   group's own taint, nothing else.
 * - `knowledge`: Qdrant with API keys generated in the cluster (a Job fills a Secret the
 *   manifest declares without data), snapshots kept on a volume of its own, and only the
 *   team's `rag-api` pods admitted.
 * - No ServiceMonitor anywhere (`monitoring: false`): this cluster has no Prometheus operator.
 *
 *   cd examples/existing-cluster && npx cdk8s synth     # dist/0000-platform-operators.k8s.yaml ...
 *
 * Replace the cluster facts with yours: `kubectl get nodes --show-labels` lists the labels,
 * `kubectl describe nodes | grep Taints` the taints. The GPU nodes must already run the
 * NVIDIA device plugin (GPU operator, or the EKS NVIDIA AMI with the plugin's DaemonSet), and
 * Argo CD must be there to install the Kueue Application (or install Kueue yourself and pass
 * `withoutOperators: true`).
 */
import { App, Chart, YamlOutputType } from 'cdk8s';
import { core } from 'cnai-constructs';
import {
  CnaiApp, CnaiKubernetesPlatform, LlmService, ModelSource, NodePoolReference, OperatorCatalogue, PlatformAdmissionPolicies, Suppressions,
  VectorDatabase, VectorDatabaseEngine, WorkloadPriority,
} from 'cnai-constructs/k8s';
import { EXISTING_CLUSTER, GPU_NODE_GROUP, TEAM } from './cluster';

const { ExistingClusterContract, ModelPresets } = core;

export { EXISTING_CLUSTER, GPU_NODE_GROUP, TEAM } from './cluster';

/** Builds the example app (also used by the tests). */
export function buildExistingClusterApp(outdir?: string): App {
  const app = new CnaiApp({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const contract = ExistingClusterContract.create(EXISTING_CLUSTER);
  const pool = (name: string) => NodePoolReference.fromContract(contract.nodePools.find((p) => p.name === name)!);
  const gpu = pool(GPU_NODE_GROUP);
  const general = pool('general');

  const platform = new CnaiKubernetesPlatform(app, 'platform', {
    contract,
    // Only what this app needs, and without monitors: the cluster has no Prometheus operator.
    operatorReleases: [OperatorCatalogue.kueue({ serviceMonitor: false })],
    teams: [{ name: TEAM, quotas: [{ pool: gpu, gpus: 4 }], developerGroups: ['ai-apps-developers'] }],
  });
  const team = platform.teams[TEAM];
  // The model server and the database outrank training and notebooks.
  const high = platform.queues.priorityClass(WorkloadPriority.HIGH);
  const ragApi = team.workloads({ app: 'rag-api' });

  const data = new Chart(app, 'data');
  data.addDependency(platform);
  const knowledge = new VectorDatabase(data, 'knowledge', {
    contract,
    // On the general node group; keys generated in the cluster and snapshots on a volume are
    // the defaults of a contract without the AWS layer.
    engine: VectorDatabaseEngine.qdrant({ nodePool: general }),
    collections: [{ name: 'docs', dimension: 1024, expectedVectors: 1_000_000 }],
    clients: [{ workload: ragApi }],
    monitoring: false,
    priorityClass: high,
  });

  const serving = new Chart(app, 'serving');
  serving.addDependency(platform);
  const chat = new LlmService(serving, 'chat', {
    model: ModelPresets.QWEN2_5_7B_INSTRUCT,
    maxModelLen: 16384,
    source: ModelSource.huggingFace('Qwen/Qwen2.5-7B-Instruct'),
    contract,
    namespace: team,
    pools: [gpu],
    // KEDA is not installed here: a fixed replica count.
    replicas: 1,
    monitoring: false,
    allowFrom: [ragApi],
    priorityClass: high,
  });
  // Without the AWS layer there is no model store: the weights come from the Hub, which the policy packs flag.
  Suppressions.add(chat, 'ai-model-source', 'a cluster without the AWS layer has no model store: the public Qwen2.5 weights are pulled '
    + 'from the Hugging Face Hub at start; give the contract a bucket and a workload identity to serve reviewed copies with ModelSource.s3Bucket',
  { resource: 'Deployment' });
  // The admission policies, derived from what the platform runs (after every served model): the rules warn,
  // the identity boundaries are enforced, so the developer Roles are accepted for pod-create-workload-identity.
  PlatformAdmissionPolicies.forPlatform(platform, 'AdmissionPolicies', { llmServices: [chat], vectorDatabases: [knowledge] });
  return app;
}

if (require.main === module) {
  buildExistingClusterApp().synth();
}
