// The run: findings, suppressions read from the output (reported with their reason, targeted,
// malformed ones refused), unused suppressions, warnings, custom rules, and both report formats.
import { deployment, goodContainer, goodPodSpec, stack } from './helpers';
import {
  formatPolicyReport, formatPolicyReportJson, KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity, Results, runPolicyPacks,
} from '../../../lib/verify/policy';
import { KMS_ROTATION } from '../../../lib/verify/policy/rules/aws';
import { POD_HOST_PATH, POD_RUN_AS_NON_ROOT } from '../../../lib/verify/policy/rules/pod';

const hostPathPod = (annotations?: any) => deployment(goodPodSpec({
  containers: [goodContainer('plugin'), { ...goodContainer('sidecar'), securityContext: { ...goodContainer().securityContext, runAsNonRoot: false } }],
  volumes: [{ name: 'sock', hostPath: { path: '/var/lib/kubelet/device-plugins' } }],
}), { name: 'plugin', annotations });
const k8s = (objects: any[]) => ({ kubernetes: [{ file: 'out/test.yaml', content: objects }] });
const only = (...rules: any[]) => ({ packs: [] as PolicyPack[], rules });

describe('suppressions', () => {
  test('an unsuppressed finding fails the run; the report names rule, severity, resource, subject and fix', () => {
    const report = runPolicyPacks(k8s([hostPathPod()]), only(POD_HOST_PATH));
    expect(report.passed).toBe(false);
    expect(report.findings).toEqual([{
      ruleId: 'pod-host-path',
      pack: PolicyPack.POD_SECURITY,
      severity: PolicySeverity.HIGH,
      layer: PolicyLayer.KUBERNETES,
      resource: 'Deployment ns/plugin',
      location: 'out/test.yaml#0',
      subject: 'volume sock',
      message: 'mounts host path /var/lib/kubelet/device-plugins',
      fix: 'use an emptyDir, a ConfigMap or a PersistentVolumeClaim; a node agent that needs the path suppresses with its reason',
    }]);
    expect(formatPolicyReport(report).split('\n').slice(0, 4)).toEqual([
      'Policy packs: 1 rules over 0 Terraform resources and 1 Kubernetes objects: 1 unsuppressed finding, 0 suppressed; FAILED',
      '  FAIL pod-host-path [high] Deployment ns/plugin volume sock',
      '       mounts host path /var/lib/kubelet/device-plugins',
      '       fix: use an emptyDir, a ConfigMap or a PersistentVolumeClaim; a node agent that needs the path suppresses with its reason',
    ]);
  });

  test('a suppression on the object covers its findings and is reported with its reason, never dropped', () => {
    const annotations = { 'cnai.io/suppress': JSON.stringify([{ id: 'pod-host-path', reason: 'the kubelet device plugin socket directory' }]) };
    const report = runPolicyPacks(k8s([hostPathPod(annotations)]), only(POD_HOST_PATH));
    expect(report.passed).toBe(true);
    expect(report.findings.map((f) => f.suppression)).toEqual([{ id: 'pod-host-path', reason: 'the kubelet device plugin socket directory' }]);
    expect(report.rules[0]).toMatchObject({ nonCompliant: 1, findings: 1, suppressed: 1 });
    expect(formatPolicyReport(report)).toContain([
      'Suppressed:',
      '  pod-host-path (1 finding): the kubelet device plugin socket directory',
      '       Deployment ns/plugin volume sock: mounts host path /var/lib/kubelet/device-plugins',
    ].join('\n'));
  });

  test('a targeted suppression covers only its finding', () => {
    const annotations = { 'cnai.io/suppress': JSON.stringify([{ id: 'pod-run-as-non-root', reason: 'signals a root process', appliesTo: 'container sidecar' }]) };
    const pod = hostPathPod(annotations);
    pod.spec.template.spec.securityContext = {};
    pod.spec.template.spec.containers[0].securityContext.runAsNonRoot = undefined;
    const report = runPolicyPacks(k8s([pod]), only(POD_RUN_AS_NON_ROOT));
    expect(report.findings.map((f) => [f.subject, f.suppression?.reason])).toEqual([['container plugin', undefined], ['container sidecar', 'signals a root process']]);
    expect(report.passed).toBe(false);
  });

  test('a malformed suppression (reason too short) is not applied and fails the run', () => {
    const annotations = { 'cnai.io/suppress': JSON.stringify([{ id: 'pod-host-path', reason: 'needed' }]) };
    const report = runPolicyPacks(k8s([hostPathPod(annotations)]), only(POD_HOST_PATH));
    expect(report.findings[0].suppression).toBeUndefined();
    expect(report.invalidSuppressions).toEqual([{ resource: 'Deployment ns/plugin', location: 'out/test.yaml#0', problem: 'pod-host-path: reason shorter than 10 characters' }]);
    expect(runPolicyPacks(k8s([deployment(goodPodSpec(), { annotations })]), only(POD_HOST_PATH)).passed).toBe(false);
  });

  test('suppressions that cover nothing are listed: no finding, or no such rule', () => {
    const annotations = { 'cnai.io/suppress': JSON.stringify([{ id: 'pod-host-path', reason: 'the kubelet device plugin socket directory' }, { id: 'pod-no-such-rule', reason: 'a rule that was renamed' }]) };
    const report = runPolicyPacks(k8s([deployment(goodPodSpec(), { annotations })]), only(POD_HOST_PATH));
    expect(report.passed).toBe(true);
    expect(report.unusedSuppressions.map((u) => [u.suppression.id, u.why])).toEqual([['pod-host-path', 'no finding'], ['pod-no-such-rule', 'no such rule']]);
    expect(formatPolicyReport(report)).toContain('Suppressions that covered nothing (remove them):\n  pod-host-path on Deployment ns/app: no finding');
  });

  test('Terraform: the suppression in the resource\'s // block, with the construct path in the report', () => {
    const json = stack({ aws_kms_key: { k: { '//': { metadata: { path: 'stack/keys/k' }, cnai_suppress: [{ id: 'aws-kms-rotation', reason: 'an imported key rotated by its owner' }] } } } });
    const report = runPolicyPacks({ terraform: [{ name: 's', json }] }, only(KMS_ROTATION));
    expect(report.passed).toBe(true);
    expect(report.findings[0]).toMatchObject({ resource: 'aws_kms_key.k', constructPath: 'stack/keys/k', location: 'stack s', suppression: { reason: 'an imported key rotated by its owner' } });
  });
});

describe('the run', () => {
  test('warnOnly turns unsuppressed findings into warnings', () => {
    const report = runPolicyPacks(k8s([hostPathPod()]), { ...only(POD_HOST_PATH), warnOnly: true });
    expect(report.passed).toBe(true);
    expect(formatPolicyReport(report).split('\n').slice(0, 2)).toEqual([
      'Policy packs: 1 rules over 0 Terraform resources and 1 Kubernetes objects: 1 unsuppressed finding, 0 suppressed; passed with warnings',
      '  WARN pod-host-path [high] Deployment ns/plugin volume sock',
    ]);
  });

  test('a rule of your own runs with the packs', () => {
    const noDefaultNamespace: KubernetesRule = {
      id: 'pod-no-default-namespace',
      pack: PolicyPack.POD_SECURITY,
      layer: PolicyLayer.KUBERNETES,
      severity: PolicySeverity.LOW,
      info: 'Nothing runs in the default namespace.',
      explanation: 'Workloads get their own namespace, with its quota, policies and RBAC.',
      benchmarks: [{ benchmark: 'CIS Amazon EKS Benchmark', control: '4.6.3', url: 'https://www.cisecurity.org/benchmark/kubernetes' }],
      evaluate: (r) => (r.podGroups.length === 0 ? Results.notApplicable() : Results.of(r.namespace === 'default' ? [{ message: 'runs in default', fix: 'move it' }] : [])),
    };
    const report = runPolicyPacks(k8s([deployment(goodPodSpec(), { namespace: 'default' })]), only(noDefaultNamespace));
    expect(report.findings.map((f) => [f.ruleId, f.resource, f.message])).toEqual([['pod-no-default-namespace', 'Deployment default/app', 'runs in default']]);
  });

  test('rules of a layer without output are skipped, and the report says so', () => {
    const report = runPolicyPacks(k8s([deployment()]), { packs: [PolicyPack.AWS_DATA_PROTECTION] });
    expect(report.rules.every((r) => r.skipped === 'no terraform output given')).toBe(true);
    expect(formatPolicyReport(report)).toContain('Skipped:\n  aws-s3-kms-encryption: no terraform output given');
  });

  test('the JSON report carries the findings, the suppressions and the rules with their benchmarks', () => {
    const parsed = JSON.parse(formatPolicyReportJson(runPolicyPacks(k8s([hostPathPod()]), only(POD_HOST_PATH))));
    expect(parsed.passed).toBe(false);
    expect(parsed.findings[0]).toMatchObject({ ruleId: 'pod-host-path', resource: 'Deployment ns/plugin', subject: 'volume sock' });
    expect(parsed.rules[0].rule).toMatchObject({ id: 'pod-host-path', benchmarks: [{ benchmark: 'Kubernetes Pod Security Standards', control: 'baseline: HostPath Volumes' }] });
    expect(parsed.rules[0].rule.evaluate).toBeUndefined();
  });

  test('the packs judge the platform\'s own objects, not what a release renders or the cluster provides', () => {
    const report = runPolicyPacks(k8s([]), { packs: [PolicyPack.POD_SECURITY] });
    // kube-system's CoreDNS and the other cluster-provided objects are in the model, not in the report.
    expect(report.resourcesChecked.kubernetes).toBe(0);
    expect(report.findings).toEqual([]);
  });
});
