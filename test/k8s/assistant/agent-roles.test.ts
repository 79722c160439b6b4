import { AgentWriteVerb, AssistantAgentKind } from '../../../lib/core/assistant-spec';
import { AGENT_ROLES, READ_TOOLS, WRITE_TOOLS, agentTools, writeRules } from '../../../lib/k8s/assistant/agent-roles';

const READ_ONLY_TOOLS = [
  'k8s_get_resources', 'k8s_get_resource_yaml', 'k8s_describe_resource', 'k8s_get_events', 'k8s_get_pod_logs', 'k8s_get_available_api_resources',
  'prometheus_query_tool', 'prometheus_query_range_tool', 'prometheus_label_names_tool',
];

describe('agent tools', () => {
  test('the read tools of kagent\'s tool server every agent gets', () => {
    expect(READ_TOOLS).toEqual(READ_ONLY_TOOLS);
  });

  test('the write tools by verb, never command execution, the connectivity check or manifests from URLs', () => {
    expect(WRITE_TOOLS).toEqual({
      patch: ['k8s_scale', 'k8s_patch_resource', 'k8s_rollout', 'k8s_label_resource', 'k8s_annotate_resource', 'k8s_remove_label', 'k8s_remove_annotation'],
      update: ['k8s_apply_manifest'],
      create: ['k8s_create_resource'],
      delete: ['k8s_delete_resource'],
    });
    const all = Object.values(WRITE_TOOLS).flat();
    for (const never of ['k8s_execute_command', 'k8s_check_service_connectivity', 'k8s_apply_manifest_from_url']) expect(all).not.toContain(never);
  });

  test('read-only: the read tools alone', () => {
    expect(agentTools([])).toEqual(READ_ONLY_TOOLS);
  });

  test('the read tools, then the write tools of the verbs in the order given', () => {
    expect(agentTools([AgentWriteVerb.DELETE, AgentWriteVerb.UPDATE])).toEqual([...READ_ONLY_TOOLS, 'k8s_delete_resource', 'k8s_apply_manifest']);
  });
});

describe('AGENT_ROLES', () => {
  test('two agents, by kind, with their names and descriptions', () => {
    expect(Object.keys(AGENT_ROLES).sort()).toEqual(['diagnostics', 'platform']);
    expect(AGENT_ROLES[AssistantAgentKind.DIAGNOSTICS].name).toBe('cluster-diagnostics');
    expect(AGENT_ROLES[AssistantAgentKind.DIAGNOSTICS].description).toBe('Diagnoses the cluster: pods, events and logs, Kueue queues and workloads, GPU node pools.');
    expect(AGENT_ROLES[AssistantAgentKind.PLATFORM].name).toBe('platform-operations');
    expect(AGENT_ROLES[AssistantAgentKind.PLATFORM].description).toBe('Answers about the platform: served models and their autoscaling and metrics, training jobs.');
  });

  test('every read rule reads, and only pods/log is get alone; no Secrets, ConfigMaps or wildcards', () => {
    for (const role of Object.values(AGENT_ROLES)) {
      for (const rule of role.readRules) {
        expect(rule.verbs).toEqual(rule.resources.includes('pods/log') ? ['get'] : ['get', 'list', 'watch']);
        for (const forbidden of ['secrets', 'configmaps', '*']) expect(rule.resources).not.toContain(forbidden);
        expect(rule.apiGroups).not.toContain('*');
      }
    }
  });

  test('the writable kinds carry no verbs of their own', () => {
    for (const role of Object.values(AGENT_ROLES)) for (const rule of role.writable) expect(rule.verbs).toEqual([]);
  });

  test('every writable resource is one the agent reads (a patch needs get)', () => {
    for (const role of Object.values(AGENT_ROLES)) {
      const read = new Set(role.readRules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((x) => `${g}/${x.split('/')[0]}`))));
      for (const rule of role.writable) for (const g of rule.apiGroups) for (const x of rule.resources) expect([role.name, `${g}/${x.split('/')[0]}`, read.has(`${g}/${x.split('/')[0]}`)]).toEqual([role.name, `${g}/${x.split('/')[0]}`, true]);
    }
  });

  test('instructions: one paragraph, saying the agent cannot read Secrets', () => {
    for (const role of Object.values(AGENT_ROLES)) {
      expect(role.instructions).not.toContain('\n');
      expect(role.instructions.endsWith('Never guess Secret contents: you cannot read Secrets.')).toBe(true);
    }
    expect(AGENT_ROLES.platform.instructions.startsWith('You are the platform agent of a Cloud Native AI platform on Kubernetes.')).toBe(true);
    expect(AGENT_ROLES.diagnostics.instructions.startsWith('You are the cluster diagnostics agent of a Cloud Native AI platform on Kubernetes.')).toBe(true);
  });
});

describe('writeRules', () => {
  test('the platform agent\'s writable kinds with the verbs given, as copies', () => {
    const role = AGENT_ROLES[AssistantAgentKind.PLATFORM];
    const rules = writeRules(role, [AgentWriteVerb.PATCH, AgentWriteVerb.UPDATE]);
    expect(rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], verbs: ['patch', 'update'] },
      { apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], verbs: ['patch', 'update'] },
      { apiGroups: ['keda.sh'], resources: ['scaledobjects'], verbs: ['patch', 'update'] },
      { apiGroups: ['trainer.kubeflow.org'], resources: ['trainjobs'], verbs: ['patch', 'update'] },
      { apiGroups: ['kubeflow.org'], resources: ['experiments'], verbs: ['patch', 'update'] },
    ]);
    rules[0].resources.push('secrets');
    expect(role.writable[0].resources).toEqual(['deployments', 'deployments/scale']);
  });
});
