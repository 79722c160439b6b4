import { AdmissionExemptions, HostAccess } from '../../../lib/k8s/governance/admission-options';

describe('HostAccess', () => {
  test('the pod spec fields the host-access policy reads', () => {
    expect([HostAccess.PRIVILEGED, HostAccess.HOST_NETWORK, HostAccess.HOST_PID, HostAccess.HOST_IPC, HostAccess.HOST_PATH])
      .toEqual(['privileged', 'hostNetwork', 'hostPID', 'hostIPC', 'hostPath']);
  });
});

describe('AdmissionExemptions', () => {
  test('kube-system: every kind of host access, for the EKS add-ons', () => {
    expect(AdmissionExemptions.kubeSystem()).toEqual({
      namespace: 'kube-system',
      access: ['privileged', 'hostNetwork', 'hostPID', 'hostIPC', 'hostPath'],
      reason: 'EKS add-ons: the VPC CNI, kube-proxy, the EBS CSI node plugin and the Pod Identity agent configure the node itself (privileged, host network, host paths)',
    });
  });

  test('the GPU device plugin: host paths only, in the given namespace', () => {
    expect(AdmissionExemptions.gpuDevicePlugin('nvidia-gpu')).toEqual({
      namespace: 'nvidia-gpu',
      access: ['hostPath'],
      reason: 'the NVIDIA device plugin registers GPUs with the kubelet through its socket directory /var/lib/kubelet/device-plugins (hostPath)',
    });
  });

  test('a served model: its workload, with the model named in the reason', () => {
    expect(AdmissionExemptions.servedModel('team-a', 'chat-predictor', 'llama-3-8b')).toEqual({
      namespace: 'team-a',
      workload: 'chat-predictor',
      reason: 'served model llama-3-8b: a long-running server (not a batch workload Kueue admits); '
        + 'its GPUs count against the namespace\'s ResourceQuota, and LlmService checks them against the team\'s quota at synth time',
    });
  });

  test('no releases: no exemptions', () => {
    expect(AdmissionExemptions.ofReleases([])).toEqual([]);
  });
});
