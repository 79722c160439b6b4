import { Chart, Testing } from 'cdk8s';
import { compileAll } from './admission';
import { CONTRACT, ECR_TRAINER, policyObjects } from './fixture';
import { GpuInstanceType } from '../../../lib/core';
import {
  AdmissionExemptions, AdmissionPolicy, AdmissionPolicyMode, HostAccess, NodePoolReference, OperatorCatalogue, PlatformAdmissionPolicies,
  PodSecurityLevel,
} from '../../../lib/k8s';
import { validateManifests } from '../../../lib/verify/k8s';
import { gpuPoolContract, one } from '../helpers';

const POLICIES = ['cnai-allowed-images', 'cnai-gpu-workloads-through-kueue', 'cnai-no-host-access', 'cnai-served-model-sources', 'cnai-serving-identity', 'cnai-training-identity'];

describe('PlatformAdmissionPolicies', () => {
  const objects = policyObjects();
  const policies = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy');
  const bindings = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding');

  test('six policies, each bound, the rules in warn mode and the training and serving identity boundaries enforced by default, applied in the namespaces\' sync wave', () => {
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(POLICIES);
    expect(policies.every((p) => p.apiVersion === 'admissionregistration.k8s.io/v1' && p.spec.failurePolicy === 'Fail')).toBe(true);
    expect(bindings.map((b) => [b.metadata.name, b.spec.policyName]).sort()).toEqual([
      ['cnai-allowed-images-platform', 'cnai-allowed-images'],
      ['cnai-allowed-images-teams', 'cnai-allowed-images'],
      ['cnai-gpu-workloads-through-kueue', 'cnai-gpu-workloads-through-kueue'],
      ['cnai-no-host-access', 'cnai-no-host-access'],
      ['cnai-served-model-sources', 'cnai-served-model-sources'],
      ['cnai-serving-identity', 'cnai-serving-identity'],
      ['cnai-training-identity', 'cnai-training-identity'],
    ]);
    expect(bindings.map((b) => `${b.metadata.name}: ${b.spec.validationActions.join(', ')}`).sort()).toEqual([
      'cnai-allowed-images-platform: Warn, Audit',
      'cnai-allowed-images-teams: Warn, Audit',
      'cnai-gpu-workloads-through-kueue: Warn, Audit',
      'cnai-no-host-access: Warn, Audit',
      'cnai-served-model-sources: Warn, Audit',
      'cnai-serving-identity: Deny, Audit',
      'cnai-training-identity: Deny, Audit',
    ]);
    for (const o of objects) expect(o.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-30');
  });

  test('mode ENFORCE is the one setting that makes every binding deny', () => {
    const enforced = policyObjects({ mode: AdmissionPolicyMode.ENFORCE }).filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
    expect(enforced).toHaveLength(7);
    for (const b of enforced) expect(b.spec.validationActions).toEqual(['Deny', 'Audit']);
  });

  test('trainingIdentityMode WARN puts the training identity boundary in warn mode, and nothing else', () => {
    const objs = policyObjects({ trainingIdentityMode: AdmissionPolicyMode.WARN, mode: AdmissionPolicyMode.ENFORCE });
    const actions = objs.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding').map((b) => `${b.metadata.name}: ${b.spec.validationActions.join(', ')}`);
    expect(actions.filter((a) => a.endsWith('Warn, Audit'))).toEqual(['cnai-training-identity: Warn, Audit']);
    expect(actions.filter((a) => a.endsWith('Deny, Audit'))).toHaveLength(6);
  });

  test('servingIdentityMode WARN puts the serving identity boundary in warn mode, and nothing else', () => {
    const objs = policyObjects({ servingIdentityMode: AdmissionPolicyMode.WARN });
    const actions = objs.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding').map((b) => `${b.metadata.name}: ${b.spec.validationActions.join(', ')}`);
    expect(actions.filter((a) => a.endsWith('Deny, Audit'))).toEqual(['cnai-training-identity: Deny, Audit']);
  });

  test('the serving service accounts: the contract\'s workload identities but the training accounts, or as given', () => {
    const withIdentities = {
      ...CONTRACT,
      workloadIdentities: [
        { namespace: 'team-a', serviceAccount: 'chat', roleName: 'r1' }, { namespace: 'team-a', serviceAccount: 'ml-training', roleName: 'r2' },
        { namespace: 'mlflow', serviceAccount: 'mlflow', roleName: 'r3' }, { namespace: 'team-b', serviceAccount: 'chat', roleName: 'r4' },
      ],
    };
    const app = Testing.app();
    const derived = new PlatformAdmissionPolicies(new Chart(app, 'c'), 'a', { contract: withIdentities });
    expect(derived.servingServiceAccounts).toEqual(['chat', 'mlflow']);
    expect(new PlatformAdmissionPolicies(new Chart(app, 'd'), 'a', { contract: withIdentities, servingServiceAccounts: ['embed'] }).servingServiceAccounts).toEqual(['embed']);
  });

  test('error: a serving service account that is not a name', () => {
    expect(() => new PlatformAdmissionPolicies(new Chart(Testing.app(), 'c'), 'a', { contract: CONTRACT, servingServiceAccounts: ['Chat!'] }))
      .toThrow(/c\/a.*servingServiceAccounts\[0\].*"Chat!".*not a service account name.*give the name of a service account/s);
  });

  test('bindings: team namespaces by their team label, the platform\'s namespaces by name, host access everywhere but kube-system', () => {
    const teams = { namespaceSelector: { matchExpressions: [{ key: 'cnai.io/team', operator: 'Exists' }] } };
    expect(one(objects, 'ValidatingAdmissionPolicyBinding', 'cnai-gpu-workloads-through-kueue').spec.matchResources).toEqual(teams);
    expect(one(objects, 'ValidatingAdmissionPolicyBinding', 'cnai-served-model-sources').spec.matchResources).toEqual(teams);
    expect(one(objects, 'ValidatingAdmissionPolicyBinding', 'cnai-training-identity').spec.matchResources).toEqual(teams);
    expect(one(objects, 'ValidatingAdmissionPolicyBinding', 'cnai-allowed-images-teams').spec.matchResources).toEqual(teams);
    expect(one(objects, 'ValidatingAdmissionPolicyBinding', 'cnai-allowed-images-platform').spec.matchResources).toEqual({
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['mlflow', 'nvidia-gpu'] }] },
    });
    expect(one(objects, 'ValidatingAdmissionPolicyBinding', 'cnai-no-host-access').spec.matchResources).toEqual({
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] },
    });
  });

  test('what each policy looks at', () => {
    const rules = (name: string) => one(objects, 'ValidatingAdmissionPolicy', name).spec.matchConstraints.resourceRules
      .map((r: any) => `${r.apiGroups[0] || 'core'}/${r.apiVersions[0]} ${r.resources.join(',')} ${r.operations.join(',')}`);
    const workloads = ['apps/v1 deployments,statefulsets,daemonsets,replicasets CREATE,UPDATE', 'batch/v1 jobs,cronjobs CREATE,UPDATE'];
    expect(rules('cnai-gpu-workloads-through-kueue')).toEqual(['core/v1 pods CREATE', ...workloads, 'trainer.kubeflow.org/v1alpha1 trainjobs CREATE,UPDATE']);
    expect(rules('cnai-allowed-images')).toEqual(['core/v1 pods,pods/ephemeralcontainers CREATE,UPDATE', ...workloads]);
    expect(rules('cnai-no-host-access')).toEqual(['core/v1 pods,pods/ephemeralcontainers CREATE,UPDATE', ...workloads]);
    expect(rules('cnai-served-model-sources')).toEqual(['core/v1 pods CREATE', ...workloads, 'serving.kserve.io/v1beta1 inferenceservices CREATE,UPDATE']);
    expect(rules('cnai-training-identity')).toEqual(['core/v1 pods CREATE,UPDATE', ...workloads]);
    // Metadata-only updates (a controller removing a finalizer) are never held up.
    for (const p of policies) expect(p.spec.matchConditions).toEqual([{ name: 'creation-or-spec-change', expression: "request.operation != 'UPDATE' || oldObject.spec != object.spec" }]);
  });

  test('exemptions are written on their policy with their reasons', () => {
    expect(one(objects, 'ValidatingAdmissionPolicy', 'cnai-gpu-workloads-through-kueue').metadata.annotations['cnai.io/exemptions']).toBe(
      'team-a/chat: served model chat: a long-running server (not a batch workload Kueue admits); its GPUs count against the namespace\'s ResourceQuota, '
      + 'and LlmService checks them against the team\'s quota at synth time');
    expect(one(objects, 'ValidatingAdmissionPolicy', 'cnai-no-host-access').metadata.annotations['cnai.io/exemptions'].split('\n')).toEqual([
      'kube-system (privileged, hostNetwork, hostPID, hostIPC, hostPath): EKS add-ons: the VPC CNI, kube-proxy, the EBS CSI node plugin and the Pod Identity agent '
      + 'configure the node itself (privileged, host network, host paths)',
      'nvidia-gpu (hostPath): the NVIDIA device plugin registers GPUs with the kubelet through its socket directory /var/lib/kubelet/device-plugins (hostPath)',
      'monitoring (hostNetwork, hostPID, hostPath): node exporter reads the node',
    ]);
  });

  test('image sources: the publishers of every pinned image, and the ECR namespace of the contract\'s repositories', () => {
    const app = Testing.app();
    const p = new PlatformAdmissionPolicies(new Chart(app, 'c'), 'a', { contract: CONTRACT, additionalImageSources: ['quay.io', 'docker.io/kserve/agent'] });
    expect(p.imageSources).toEqual([
      '123456789012.dkr.ecr.us-west-2.amazonaws.com/cnai-test',
      '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks',
      // The operations assistant's (kagent, kmcp, k8sgpt).
      'cr.kagent.dev/kagent-dev',
      'docker.io/amazon',
      'docker.io/envoyproxy',
      'docker.io/kserve',
      'docker.io/library/busybox',
      'docker.io/library/postgres',
      'docker.io/library/python',
      'docker.io/library/redis',
      'docker.io/otel',
      'docker.io/pytorch',
      'docker.io/qdrant',
      'docker.io/vllm',
      'ghcr.io/k8sgpt-ai',
      'ghcr.io/kagent-dev',
      'ghcr.io/kubeflow',
      'ghcr.io/mlflow',
      'ghcr.io/open-telemetry',
      'ghcr.io/open-webui',
      'nvcr.io/nvidia',
      'public.ecr.aws/eks',
      'quay.io',
      // The Inference Extension's endpoint picker (InferencePool).
      'registry.k8s.io/gateway-api-inference-extension',
      'registry.k8s.io/kubectl',
      'registry.k8s.io/kueue',
      'registry.k8s.io/lws',
    ]);
    expect(ECR_TRAINER.startsWith(`${p.imageSources[0]}/`)).toBe(true);
    expect(p.modelLocations).toEqual(['s3://cnai-test-models/mlflow/', 's3://cnai-test-models/served/']);
  });

  test('the emitted objects are valid against the Kubernetes 1.36 and 1.34 schemas', () => {
    for (const kubernetesVersion of ['1.36', '1.34']) {
      const report = validateManifests(objects, { kubernetesVersion });
      expect(report.findings).toEqual([]);
      expect(report.objectsChecked).toBe(objects.length);
    }
  });

  test('every expression compiles with the verifier\'s CEL engine (standard CEL, strings extension, Kubernetes regex)', () => {
    expect(compileAll(policies)).toBeGreaterThan(50);
  });

  test('every catalogue release with privileged Pod Security has a host-access exemption with its reason', () => {
    const h100 = NodePoolReference.fromContract(gpuPoolContract('training-h100', GpuInstanceType.P5_48XLARGE, 2));
    const privileged = [
      ...OperatorCatalogue.platformDefaults(),
      OperatorCatalogue.efaDevicePlugin({ pools: [h100] }),
      OperatorCatalogue.nvidiaDevicePlugin({ pools: [h100] }),
      OperatorCatalogue.dcgmExporter({ pools: [h100] }),
    ].filter((r) => r.podSecurity === PodSecurityLevel.PRIVILEGED);
    expect(privileged.map((r) => r.name)).toEqual(['kube-prometheus-stack', 'efa-device-plugin', 'nvidia-device-plugin', 'dcgm-exporter']);
    const exemptions = AdmissionExemptions.ofReleases(privileged);
    expect(exemptions.map((e) => [e.namespace, e.access])).toEqual([
      ['monitoring', [HostAccess.HOST_NETWORK, HostAccess.HOST_PID, HostAccess.HOST_PATH]],
      ['aws-efa-device-plugin', [HostAccess.PRIVILEGED, HostAccess.HOST_NETWORK, HostAccess.HOST_PATH]],
      ['nvidia-device-plugin', [HostAccess.PRIVILEGED, HostAccess.HOST_PATH]],
      ['nvidia-device-plugin', [HostAccess.HOST_PATH]],
    ]);
    expect(exemptions[1].reason).toBe('efa-device-plugin: the device plugin registers EFA devices with the kubelet through a host socket (hostPath, privileged, host network)');
    expect(AdmissionExemptions.ofReleases([OperatorCatalogue.kueue()])).toEqual([]);
  });
});

describe('PlatformAdmissionPolicies errors', () => {
  const make = (props: object) => () => new PlatformAdmissionPolicies(new Chart(Testing.app(), 'c'), 'a', { contract: CONTRACT, ...props });

  test('an exemption without a reason', () => {
    expect(make({ gpuExemptions: [{ namespace: 'team-a', workload: 'x', reason: 'because' }] })).toThrow(
      'c/a: invalid gpuExemptions[0].reason = "because": an exemption needs a stated reason. Fix: say which workload needs it and what for (at least 10 characters); the reason is written on the policy.');
  });

  test('a GPU exemption of something that is not a workload name', () => {
    expect(make({ gpuExemptions: [{ namespace: 'team-a', workload: 'Chat_Server', reason: 'a server we run ourselves' }] })).toThrow(
      'c/a: invalid gpuExemptions[0].workload = "Chat_Server": not a workload name (a DNS-1123 subdomain). Fix: give the name of the Deployment, StatefulSet, DaemonSet or Job whose pods are exempt.');
  });

  test('an exemption of a namespace that is not a namespace name', () => {
    expect(make({ hostAccessExemptions: [{ namespace: 'Monitoring', access: [HostAccess.HOST_PATH], reason: 'node exporter reads the node' }] })).toThrow(
      'c/a: invalid hostAccessExemptions[0].namespace = "Monitoring": not a namespace name (a DNS-1123 label). Fix: give the namespace\'s name.');
  });

  test('a host-access exemption that allows nothing', () => {
    expect(make({ hostAccessExemptions: [{ namespace: 'monitoring', access: [], reason: 'node exporter reads the node' }] })).toThrow(
      'c/a: invalid hostAccessExemptions[0].access = []: an exemption that allows nothing. Fix: list the HostAccess kinds the namespace\'s pods need, e.g. [HostAccess.HOST_PATH].');
  });

  test('an image source with a tag, or without a registry host', () => {
    expect(make({ additionalImageSources: ['quay.io/org/app:1.0'] })).toThrow(/invalid additionalImageSources\[0\] = "quay.io\/org\/app:1.0": not an image source/);
    expect(make({ additionalImageSources: ['my-org/app'] })).toThrow(
      'c/a: invalid additionalImageSources[0] = "my-org/app": not an image source: a registry host, optionally with an organisation or repository, without tag, digest, scheme or trailing "/". '
      + 'Fix: give e.g. "quay.io", "docker.io/my-org" or "123456789012.dkr.ecr.us-west-2.amazonaws.com/team/trainer" (Docker Hub is "docker.io/...").');
  });

  test('a model prefix without its trailing slash, or climbing out', () => {
    expect(make({ additionalModelPrefixes: ['fine-tuned'] })).toThrow(
      'c/a: invalid additionalModelPrefixes[0] = "fine-tuned": not a key prefix of the models bucket ending with "/". Fix: give e.g. "served/" or "fine-tuned/chat/".');
    expect(make({ modelPrefixes: ['served/../'] })).toThrow(/invalid modelPrefixes\[0\] = "served\/..\/"/);
  });

  test('a training service account that is not a name', () => {
    expect(make({ trainingServiceAccounts: ['ML Training'] })).toThrow(
      'c/a: invalid trainingServiceAccounts[0] = "ML Training": not a service account name. Fix: give the name of a service account (a DNS-1123 subdomain).');
  });

  test('a platform namespace that is not a namespace name', () => {
    expect(make({ platformNamespaces: ['data.services'] })).toThrow(/invalid platformNamespaces\[0\] = "data.services": not a namespace name/);
  });

  test('several problems are reported at once', () => {
    expect(make({ trainingServiceAccounts: ['A'], additionalModelPrefixes: ['x'] })).toThrow(/2 problems found/);
  });
});

describe('AdmissionPolicy errors', () => {
  const base = { name: 'p', description: 'd', resourceRules: [], validations: [{ expression: 'true', message: 'm' }], bindings: [{ name: 'p' }] };
  const make = (props: object) => () => new AdmissionPolicy(new Chart(Testing.app(), 'c'), 'p', { ...base, ...props });

  test('no validations', () => {
    expect(make({ validations: [] })).toThrow('c/p: invalid validations = []: a policy without validations checks nothing. Fix: give at least one validation.');
  });

  test('no bindings', () => {
    expect(make({ bindings: [] })).toThrow('c/p: invalid bindings = []: a policy without bindings is never evaluated. Fix: give at least one binding (where the policy applies).');
  });

  test('a variable name that is not a CEL identifier, or twice', () => {
    expect(make({ variables: [{ name: 'pod-spec', expression: 'object.spec' }] })).toThrow(/invalid variables\[0\].name = "pod-spec": not a unique CEL identifier/);
    expect(make({ variables: [{ name: 'a', expression: '1' }, { name: 'a', expression: '2' }] })).toThrow(/invalid variables\[1\].name = "a"/);
  });

  test('a match condition name that is not a qualified name', () => {
    expect(make({ matchConditions: [{ name: 'not ok', expression: 'true' }] })).toThrow(
      'c/p: invalid matchConditions[0].name = "not ok": not a qualified name. Fix: use letters, digits, "-", "_" and ".", at most 63 characters.');
  });

  test('two bindings of the same name', () => {
    expect(make({ bindings: [{ name: 'b' }, { name: 'b' }] })).toThrow('c/p: invalid bindings[1].name = "b": two bindings have the same name. Fix: name each binding differently.');
  });

  test('a policy name that is not a DNS-1123 subdomain', () => {
    expect(make({ name: 'Policy' })).toThrow(/invalid name = "Policy": not a valid DNS-1123 subdomain/);
  });
});
