/**
 * The fine-tune example composes the platform from constructs and ships its admission policies
 * through PlatformAdmissionPolicies.forPlatform, given its served model and registry: the
 * workloads it runs pass them once enforced (the served model needs its GPU exemption, derived
 * from the LlmService), the TrainJob is admitted as Argo CD applies it, and
 * people's pods as the team's identities, or the served model loading from elsewhere, are refused.
 */
import { Testing } from 'cdk8s';
import { admit, AdmissionRequest, problemsOf } from './admission';
import { ARGO_CD, container, create, pod } from './fixture';
import { namespaceLabelsOf, platformRequests, withoutExemptions } from './platform-requests';
import { buildFineTuneApp } from '../../../examples/fine-tune/main';
import { SERVED_MODEL, SFT_JOB, TEAM } from '../../../examples/fine-tune/spec';

const app = buildFineTuneApp(Testing.app().outdir);
const objects: any[] = app.charts.flatMap((c) => Testing.synth(c));
const { requests, others } = platformRequests(objects);
const teamLabels = namespaceLabelsOf(objects).get(TEAM)!;
const DEVELOPER = { username: 'bob@example.com', groups: ['ml-developers', 'system:authenticated'] };
const byDeveloper = (object: any): AdmissionRequest =>
  create({ ...object, metadata: { ...object.metadata, namespace: TEAM } }, DEVELOPER, teamLabels);
const IMAGE = 'nvcr.io/nvidia/pytorch:25.01-py3';
const served = objects.find((o) => o.kind === 'Deployment' && o.metadata.namespace === TEAM && o.metadata.name === SERVED_MODEL);

describe('the fine-tune example under its admission policies', () => {
  test('its policies: the served model\'s GPU server exempt, the registry\'s namespace checked, the developer Role accepted', () => {
    expect(objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy').map((p) => p.metadata.name).sort()).toEqual([
      'cnai-allowed-images', 'cnai-gpu-workloads-through-kueue', 'cnai-no-host-access', 'cnai-served-model-sources', 'cnai-serving-identity', 'cnai-training-identity',
    ]);
    const platformBinding = objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === 'cnai-allowed-images-platform');
    expect(platformBinding.spec.matchResources.namespaceSelector.matchExpressions).toEqual([{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['mlflow', 'nvidia-gpu'] }]);
    const role = objects.find((o) => o.kind === 'Role' && o.metadata.namespace === TEAM && o.metadata.name === 'ml-developer');
    expect(JSON.parse(role.metadata.annotations['cnai.io/suppress'])[0].reason).toMatch(
      /^people's pods and workloads in team-ml are refused its workload identities \(ml-training, support-bot\) by the enforced admission policies cnai-training-identity and cnai-serving-identity/);
  });

  test('nothing the platform runs would be denied once enforced; without the exemptions, the served model and the device plugin would be', () => {
    expect(others.sort()).toEqual([
      'Experiment team-ml/support-bot-lr (suggestion)',
      'Notebook team-ml/ds-alice',
      `TrainJob team-ml/${SFT_JOB} (dataset-initializer)`,
      `TrainJob team-ml/${SFT_JOB} (model-initializer)`,
      `TrainJob team-ml/${SFT_JOB} (node)`,
    ]);
    expect(requests.filter((r) => problemsOf(admit(objects, r.request)).length > 0).map((r) => r.what)).toEqual([]);
    expect(requests.filter((r) => problemsOf(admit(withoutExemptions(objects), r.request)).length > 0).map((r) => r.what).sort()).toEqual([
      'DaemonSet nvidia-gpu/nvidia-device-plugin-gpu-a10g (applied by Argo CD)',
      'Deployment team-ml/support-bot (applied by Argo CD)',
      'pod of DaemonSet nvidia-gpu/nvidia-device-plugin-gpu-a10g',
      'pod of Deployment team-ml/support-bot',
    ]);
  });

  test('the TrainJob, as Argo CD applies it, is admitted; without its queue label the Kueue rule refuses it', () => {
    const trainJob = objects.find((x) => x.kind === 'TrainJob' && x.metadata.name === SFT_JOB);
    const verdicts = admit(objects, { operation: 'CREATE', object: trainJob, namespaceLabels: teamLabels, ...ARGO_CD });
    expect(problemsOf(verdicts)).toEqual([]);
    expect(verdicts.map((v) => v.binding)).toContain('cnai-gpu-workloads-through-kueue');
    const { 'kueue.x-k8s.io/queue-name': _queue, ...labels } = trainJob.metadata.labels;
    const unqueued = { ...trainJob, metadata: { ...trainJob.metadata, labels } };
    expect(problemsOf(admit(objects, { operation: 'CREATE', object: unqueued, namespaceLabels: teamLabels, ...ARGO_CD }), 'cnai-gpu-workloads-through-kueue')).toHaveLength(1);
  });

  test('a developer\'s pod as the served model\'s or the training identity is denied (enforced); with its own account it is allowed', () => {
    const asServing = byDeveloper(pod({ serviceAccountName: SERVED_MODEL, containers: [container(IMAGE)] }));
    expect(problemsOf(admit(objects, asServing), 'cnai-serving-identity').join('\n')).toMatch(/support-bot/);
    const asTraining = byDeveloper(pod({ serviceAccountName: 'ml-training', containers: [container(IMAGE)] }));
    expect(problemsOf(admit(objects, asTraining), 'cnai-training-identity').join('\n')).toMatch(/bob@example.com may not create or change a pod that runs as ml-training/);
    expect(problemsOf(admit(objects, byDeveloper(pod({ containers: [container(IMAGE)] }))))).toEqual([]);
  });

  test('the served model loads its own training output; from another team\'s, the model-source rule refuses it', () => {
    const args: string[] = served.spec.template.spec.containers.flatMap((c: any) => [...(c.args ?? []), ...(c.command ?? [])]);
    expect(args.join(' ')).toMatch(/s3:\/\/cnai-[a-z0-9-]+-models-[0-9]+-[a-z0-9-]+\/training\/team-ml\/support-bot-sft\//);
    const elsewhere = JSON.parse(JSON.stringify(served).split('/training/team-ml/').join('/training/team-other/'));
    expect(problemsOf(admit(objects, { operation: 'CREATE', object: elsewhere, namespaceLabels: teamLabels, ...ARGO_CD }), 'cnai-served-model-sources')).toHaveLength(1);
  });
});
