import { EFA_RESOURCE, KATIB_INJECTION_LABEL, QUEUE_NAME_LABEL, WORKLOAD_LABEL } from '../../../lib/k8s/training/labels';

describe('training labels', () => {
  test('the labels and resource names upstream components read, spelled as they read them', () => {
    expect(QUEUE_NAME_LABEL).toBe('kueue.x-k8s.io/queue-name');
    expect(EFA_RESOURCE).toBe('vpc.amazonaws.com/efa');
    expect(KATIB_INJECTION_LABEL).toBe('katib.kubeflow.org/metrics-collector-injection');
  });

  test('the platform\'s own workload label', () => {
    expect(WORKLOAD_LABEL).toBe('cnai.io/workload');
  });
});
