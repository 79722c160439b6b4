/**
 * The reference platform (both layers, synthesized as test/contract does) passes the policy
 * packs with zero unsuppressed findings. What is suppressed is asserted literally: the
 * library's own exceptions (each with its reason, written by the construct that needs it) and
 * the findings still open, which the reference suppresses with an `OPEN` reason.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App as CdktfApp } from 'cdktf';
import { buildReferenceAws, buildReferenceK8s, k8sApp, STACK_NAME } from '../../../examples/reference-platform/main';
import { REFERENCE_SPEC } from '../../../examples/reference-platform/spec';
import { previewContract } from '../../../lib/aws';
import { formatPolicyReport, PolicyFinding, runPolicyPacks } from '../../../lib/verify/policy';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-policy-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const tfApp = new CdktfApp({ outdir: path.join(tmp, 'cdktf.out') });
const stack = buildReferenceAws(tfApp);
tfApp.synth();
const contract = previewContract(stack);
const app = k8sApp(path.join(tmp, 'dist'));
buildReferenceK8s(app, contract);
app.synth();
const files = fs.readdirSync(path.join(tmp, 'dist')).filter((f) => f.endsWith('.yaml')).sort().map((f) => ({ file: path.join(tmp, 'dist', f) }));

const report = runPolicyPacks({ kubernetes: files, terraform: [{ file: path.join(tmp, 'cdktf.out', 'stacks', STACK_NAME) }] }, { spec: REFERENCE_SPEC, contract });
const line = (f: PolicyFinding) => `${f.ruleId} ${f.resource}${f.subject ? ` ${f.subject}` : ''}`;
const pools = REFERENCE_SPEC.gpuPools.map((p) => p.name);
const devicePlugins = pools.map((p) => `DaemonSet nvidia-gpu/nvidia-device-plugin-${p}`);

describe('the reference platform passes the policy packs', () => {
  test('zero unsuppressed findings, no malformed or unused suppression; every rule ran', () => {
    if (!report.passed) throw new Error(formatPolicyReport(report));
    expect(report.findings.filter((f) => !f.suppression)).toEqual([]);
    expect(report.invalidSuppressions).toEqual([]);
    expect(report.unusedSuppressions).toEqual([]);
    expect(report.rules.filter((r) => r.skipped)).toEqual([]);
    expect(report.resourcesChecked.terraform).toBeGreaterThan(100);
    expect(report.resourcesChecked.kubernetes).toBeGreaterThan(100);
  });

  test('the library\'s own exceptions: the NVIDIA device plugin (at its construct) and the namespaces weaker than restricted', () => {
    const library = report.findings.filter((f) => f.suppression && !f.suppression.reason.startsWith('ACCEPTED (README, security findings): '));
    expect(library.map(line).sort()).toEqual([
      ...devicePlugins.flatMap((d) => [
        `pod-host-path ${d} volume device-plugins`,
        `pod-probes ${d} container nvidia-device-plugin`,
        `pod-run-as-non-root ${d} container nvidia-device-plugin`,
        `pod-run-as-user ${d} container nvidia-device-plugin`,
      ]),
      'aws-s3-kms-encryption aws_s3_bucket.model-store_access-logs_bucket_C6B158CB',
      // served models: long-running servers, exempt from Kueue by name (the admission policy says the same)
      'ai-gpu-kueue Deployment ai-apps/chat',
      'ai-gpu-kueue InferenceService ai-apps/embed',
      // developers create pods where service accounts have IAM roles: the enforced identity policies refuse them those accounts
      'pod-create-workload-identity Role ai-apps/ml-developer',
      'pod-create-workload-identity Role ml-research/ml-developer',
      ...['aws-efa-device-plugin', 'envoy-ai-gateway-system', 'envoy-gateway-system', 'external-secrets', 'keda', 'kserve', 'kubeflow', 'kubeflow-system', 'kueue-system', 'monitoring', 'nvidia-gpu']
        .map((ns) => `pod-namespace-restricted Namespace ${ns}`),
    ].sort());
    expect(library.find((f) => f.ruleId === 'pod-host-path')!.suppression!.reason)
      .toBe('the kubelet device plugin API: the plugin\'s socket and kubelet.sock are in /var/lib/kubelet/device-plugins on the node; nothing else of the host is mounted');
  });

  test('the findings the examples accept, suppressed on the reference with the documented reason', () => {
    const accepted = report.findings.filter((f) => f.suppression?.reason.startsWith('ACCEPTED (README, security findings): '));
    expect(accepted.map(line).sort()).toEqual([
      'aws-rds-iam-authentication aws_db_instance.database_instance_D7FC2283',
      'aws-secrets-rotation aws_secretsmanager_secret.data-services_registry-secret_ECA23A07',
      'aws-secrets-rotation aws_secretsmanager_secret.data-services_vector-knowledge-knowledge-secret_32169C7F',
      'aws-secrets-rotation aws_secretsmanager_secret.metrics-backend_grafana-admin_secret_8D84D4F3',
    ].sort());
  });

  test('every namespace runs default-deny: the operators\' too (their releases declare their flows)', () => {
    expect(report.findings.filter((f) => f.ruleId === 'net-default-deny')).toEqual([]);
    expect(report.rules.find((r) => r.rule.id === 'net-default-deny')).toMatchObject({ nonCompliant: 0 });
  });

  test('what the review found fixed already passes: RDS minor upgrades on, bucket access logs, the DCGM exporter\'s liveness probe, config-manager non-root', () => {
    const summary = (id: string) => report.rules.find((r) => r.rule.id === id)!;
    expect(summary('aws-rds-auto-minor-upgrade')).toMatchObject({ compliant: 1, nonCompliant: 0 });
    // models and datasets log their access; the log bucket itself is not applicable
    expect(summary('aws-s3-access-logging')).toMatchObject({ compliant: 2, nonCompliant: 0 });
    // every pod of the platform's own services and served models names a PriorityClass
    expect(report.findings.filter((f) => f.ruleId === 'pod-priority-class')).toEqual([]);
    expect(report.findings.filter((f) => f.resource.startsWith('DaemonSet nvidia-gpu/nvidia-device-plugin-') && /config-manager/.test(f.subject ?? ''))).toEqual([]);
    expect(report.findings.filter((f) => f.resource === 'DaemonSet nvidia-gpu/dcgm-exporter')).toEqual([]);
  });
});
