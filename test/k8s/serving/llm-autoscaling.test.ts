import { Testing } from 'cdk8s';
import { KubePrometheusStack, LlmAutoscaling } from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { ofKind, one } from '../helpers';

const WORKSPACE = {
  workspaceId: 'ws-0123abcd-4567-89ef-0123-456789abcdef',
  region: 'us-west-2',
  remoteWriteUrl: 'https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-0123abcd-4567-89ef-0123-456789abcdef/api/v1/remote_write',
  queryUrl: 'https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-0123abcd-4567-89ef-0123-456789abcdef',
};
const LABELS = { 'app.kubernetes.io/name': 'chat' };

function render(metricsBackend?: KubePrometheusStack, scaleToZero = false) {
  const chart = Testing.chart();
  const autoscaling = new LlmAutoscaling(chart, 'chat', {
    name: 'chat',
    namespace: 'team-a',
    deploymentName: 'chat',
    serviceLabel: 'chat',
    kvCache: true,
    labels: LABELS,
    maxReplicas: 3,
    metricsBackend,
    ...(scaleToZero ? { minReplicas: 0, scaleToZero: { activationQuery: 'sum(app_requests_queued) or vector(0)' } } : {}),
  });
  return { autoscaling, objects: Testing.synth(chart) };
}

describe('LlmAutoscaling with the managed Prometheus workspace', () => {
  const backend = new KubePrometheusStack({ managedPrometheus: WORKSPACE, kedaQueriesManagedPrometheus: true });
  const { autoscaling, objects } = render(backend);

  test('a TriggerAuthentication: KEDA\'s aws pod identity provider, the operator\'s own identity', () => {
    expect(one(objects, 'TriggerAuthentication', 'chat-managed-prometheus')).toEqual({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'TriggerAuthentication',
      metadata: { name: 'chat-managed-prometheus', namespace: 'team-a', labels: LABELS },
      spec: { podIdentity: { provider: 'aws', identityOwner: 'keda' } },
    });
  });

  test('every trigger queries the workspace, signed for its region, with that authentication', () => {
    const triggers = one(objects, 'ScaledObject', 'chat').spec.triggers;
    expect(triggers).toEqual([
      {
        type: 'prometheus',
        name: 'waiting-requests',
        metricType: 'AverageValue',
        metadata: {
          serverAddress: 'https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-0123abcd-4567-89ef-0123-456789abcdef',
          query: 'sum(vllm:num_requests_waiting{namespace="team-a",llm_service="chat"}) or vector(0)',
          threshold: '5',
          awsRegion: 'us-west-2',
        },
        authenticationRef: { name: 'chat-managed-prometheus' },
      },
      {
        type: 'prometheus',
        name: 'kv-cache-usage',
        metricType: 'AverageValue',
        metadata: {
          serverAddress: 'https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-0123abcd-4567-89ef-0123-456789abcdef',
          query: 'sum(vllm:kv_cache_usage_perc{namespace="team-a",llm_service="chat"}) or vector(0)',
          threshold: '0.8',
          awsRegion: 'us-west-2',
        },
        authenticationRef: { name: 'chat-managed-prometheus' },
      },
    ]);
    expect(autoscaling.prometheusUrl).toBe(WORKSPACE.queryUrl);
    expect(autoscaling.triggerAuthentication!.name).toBe('chat-managed-prometheus');
  });

  test('the activation trigger of scale to zero is signed too', () => {
    const activation = one(render(backend, true).objects, 'ScaledObject', 'chat').spec.triggers.find((t: any) => t.name === 'activation');
    expect(activation).toMatchObject({ authenticationRef: { name: 'chat-managed-prometheus' }, metadata: { awsRegion: 'us-west-2', activationThreshold: '0' } });
  });

  test('schema-valid against the pinned KEDA CRDs (ScaledObject, TriggerAuthentication)', () => {
    const report = assertValidManifests(objects, { kubernetesVersion: '1.34' });
    expect(report.objectsPerKind).toEqual({ 'keda.sh/v1alpha1/ScaledObject': 1, 'keda.sh/v1alpha1/TriggerAuthentication': 1 });
  });

  test('with the in-cluster Prometheus: no authentication, no region', () => {
    const local = render(KubePrometheusStack.platformDefault()).objects;
    expect(ofKind(local, 'TriggerAuthentication')).toEqual([]);
    for (const t of one(local, 'ScaledObject', 'chat').spec.triggers) {
      expect(t.authenticationRef).toBeUndefined();
      expect(t.metadata.awsRegion).toBeUndefined();
      expect(t.metadata.serverAddress).toBe('http://kube-prometheus-stack-prometheus.monitoring.svc:9090');
    }
    // Remote write alone does not move KEDA's queries.
    expect(ofKind(render(new KubePrometheusStack({ managedPrometheus: WORKSPACE })).objects, 'TriggerAuthentication')).toEqual([]);
  });
});
