/**
 * What each agent of the operations assistant reads and may do: its RBAC rules (only the
 * resources its tools read; never Secrets), the tools of its MCP server, and its instructions.
 * Plain data, tested on its own.
 *
 * The tool names are those of kagent's tool server at the pinned version (kagent-dev/tools
 * v0.2.1: pkg/k8s/k8s.go and pkg/prometheus/prometheus.go). With `--read-only` the server does
 * not register its write tools at all.
 */
import { AgentRole, AgentRule } from './agent-role';
import { AgentWriteVerb, AssistantAgentKind } from '../../core/assistant-spec';

const READ = ['get', 'list', 'watch'];

/** The read-only tools every agent gets (Kubernetes and Prometheus). */
export const READ_TOOLS = [
  'k8s_get_resources', 'k8s_get_resource_yaml', 'k8s_describe_resource', 'k8s_get_events', 'k8s_get_pod_logs', 'k8s_get_available_api_resources',
  'prometheus_query_tool', 'prometheus_query_range_tool', 'prometheus_label_names_tool',
];

/**
 * The write tools each verb enables. Never offered: command execution in pods
 * (`k8s_execute_command`), the connectivity check (it starts a pod), manifests from URLs.
 */
export const WRITE_TOOLS: { readonly [verb: string]: string[] } = {
  [AgentWriteVerb.PATCH]: ['k8s_scale', 'k8s_patch_resource', 'k8s_rollout', 'k8s_label_resource', 'k8s_annotate_resource', 'k8s_remove_label', 'k8s_remove_annotation'],
  [AgentWriteVerb.UPDATE]: ['k8s_apply_manifest'],
  [AgentWriteVerb.CREATE]: ['k8s_create_resource'],
  [AgentWriteVerb.DELETE]: ['k8s_delete_resource'],
};

const CORE_READS: AgentRule[] = [
  { apiGroups: [''], resources: ['pods', 'services', 'endpoints', 'events', 'namespaces', 'persistentvolumeclaims'], verbs: READ },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ },
  { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: READ },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: READ },
];

const KUEUE_READS: AgentRule = {
  apiGroups: ['kueue.x-k8s.io'],
  resources: ['clusterqueues', 'localqueues', 'workloads', 'resourceflavors', 'workloadpriorityclasses', 'cohorts'],
  verbs: READ,
};

/** The roles of the agents, by kind. */
export const AGENT_ROLES: { readonly [kind: string]: AgentRole } = {
  [AssistantAgentKind.DIAGNOSTICS]: {
    name: 'cluster-diagnostics',
    description: 'Diagnoses the cluster: pods, events and logs, Kueue queues and workloads, GPU node pools.',
    instructions: [
      'You are the cluster diagnostics agent of a Cloud Native AI platform on Kubernetes.',
      'You answer questions about why pods do not start or keep restarting, what events and logs say,',
      'why batch workloads wait in Kueue queues (quota, admission, preemption), and the state of the GPU node pools',
      '(nodes, Karpenter NodePools and NodeClaims, GPU capacity and allocation).',
      'Use your tools to read the cluster before answering; quote the objects and events you rely on.',
      'Never guess Secret contents: you cannot read Secrets.',
    ].join(' '),
    readRules: [
      ...CORE_READS,
      { apiGroups: [''], resources: ['nodes'], verbs: READ },
      KUEUE_READS,
      { apiGroups: ['karpenter.sh'], resources: ['nodepools', 'nodeclaims'], verbs: READ },
      { apiGroups: ['karpenter.k8s.aws'], resources: ['ec2nodeclasses'], verbs: READ },
      { apiGroups: ['scheduling.k8s.io'], resources: ['priorityclasses'], verbs: READ },
    ],
    writable: [
      { apiGroups: [''], resources: ['pods'], verbs: [] },
      { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'deployments/scale', 'statefulsets/scale'], verbs: [] },
      { apiGroups: ['batch'], resources: ['jobs'], verbs: [] },
      { apiGroups: ['kueue.x-k8s.io'], resources: ['localqueues', 'workloads'], verbs: [] },
    ],
  },
  [AssistantAgentKind.PLATFORM]: {
    name: 'platform-operations',
    description: 'Answers about the platform: served models and their autoscaling and metrics, training jobs.',
    instructions: [
      'You are the platform agent of a Cloud Native AI platform on Kubernetes.',
      'You answer questions about the served models (vLLM Deployments and KServe InferenceServices, the model gateway routes),',
      'their autoscaling (KEDA ScaledObjects, HorizontalPodAutoscalers) and their metrics from Prometheus',
      '(vLLM queue depth, time to first token, KV-cache usage, GPU utilisation), and about training jobs',
      '(Kubeflow TrainJobs, Katib experiments, JobSets and Kueue workloads).',
      'Query Prometheus with PromQL for figures, and read the objects before answering; quote what you rely on.',
      'Never guess Secret contents: you cannot read Secrets.',
    ].join(' '),
    readRules: [
      ...CORE_READS,
      KUEUE_READS,
      { apiGroups: ['serving.kserve.io'], resources: ['inferenceservices', 'servingruntimes', 'clusterservingruntimes'], verbs: READ },
      { apiGroups: ['keda.sh'], resources: ['scaledobjects', 'scaledjobs'], verbs: READ },
      { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: READ },
      { apiGroups: ['aigateway.envoyproxy.io'], resources: ['aigatewayroutes', 'aiservicebackends'], verbs: READ },
      { apiGroups: ['trainer.kubeflow.org'], resources: ['trainjobs', 'trainingruntimes', 'clustertrainingruntimes'], verbs: READ },
      { apiGroups: ['kubeflow.org'], resources: ['experiments', 'trials', 'suggestions'], verbs: READ },
      { apiGroups: ['jobset.x-k8s.io'], resources: ['jobsets'], verbs: READ },
      { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors', 'podmonitors', 'prometheusrules'], verbs: READ },
    ],
    writable: [
      { apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], verbs: [] },
      { apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], verbs: [] },
      { apiGroups: ['keda.sh'], resources: ['scaledobjects'], verbs: [] },
      { apiGroups: ['trainer.kubeflow.org'], resources: ['trainjobs'], verbs: [] },
      { apiGroups: ['kubeflow.org'], resources: ['experiments'], verbs: [] },
    ],
  },
};

/** The write rules of a role for the verbs given (a patch of a Deployment's scale needs `get` too, which the read rules give). */
export function writeRules(role: AgentRole, verbs: AgentWriteVerb[]): AgentRule[] {
  return role.writable.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...verbs] }));
}

/** The tools an agent may call: the read tools, and the write tools of its verbs. */
export function agentTools(verbs: AgentWriteVerb[]): string[] {
  return [...READ_TOOLS, ...verbs.flatMap((v) => WRITE_TOOLS[v] ?? [])];
}
