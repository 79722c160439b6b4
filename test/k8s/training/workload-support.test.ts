import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { SecretKeyRef } from '../../../lib/k8s/common/secret-key-ref';
import { TeamNamespace } from '../../../lib/k8s/team-namespace';
import { envList, ensureServiceAccount, workloadNetwork } from '../../../lib/k8s/training/workload-support';

describe('envList', () => {
  test('literals then Secret keys, later sources winning, sorted by name', () => {
    expect(envList('job', [{ B: '1', A: 'x' }, { B: '2' }], [{ TOKEN: SecretKeyRef.fromName('hf', 'token'), A: SecretKeyRef.fromName('s', 'a') }])).toEqual([
      { name: 'A', valueFrom: { secretKeyRef: { name: 's', key: 'a' } } },
      { name: 'B', value: '2' },
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } },
    ]);
    expect(envList('job', [], [])).toEqual([]);
  });

  test('a literal name starting with a digit (exact message)', () => {
    expect(() => envList('job', [{ '1X': 'v' }], [])).toThrow(
      'job: invalid env.1X = "v": not an environment variable name. Fix: use letters, digits and "_", not starting with a digit.');
  });

  test('a Secret name with a dash: the Secret\'s name is shown, not a value (exact message)', () => {
    expect(() => envList('job', [], [{ 'HF-TOKEN': SecretKeyRef.fromName('hf', 'token') }])).toThrow(
      'job: invalid secretEnv.HF-TOKEN = "hf": not an environment variable name. Fix: use letters, digits and "_", not starting with a digit.');
  });

  test('a plain string where a SecretKeyRef belongs is not shown (exact message)', () => {
    expect(() => envList('job', [], [{ TOKEN: 'hf_abcdef' as unknown as SecretKeyRef }])).toThrow(
      'job: invalid secretEnv.TOKEN = "<not shown>": not a SecretKeyRef. Fix: pass SecretKeyRef.fromName("<secret>", "<key>").');
  });
});

describe('ensureServiceAccount', () => {
  test('created once per namespace and name, labelled and annotated, with the token mount asked for', () => {
    const chart = Testing.chart();
    ensureServiceAccount(new Construct(chart, 'finetune'), 'team-a', 'ml-training', false);
    ensureServiceAccount(new Construct(chart, 'evaluation'), 'team-a', 'ml-training', false);
    ensureServiceAccount(new Construct(chart, 'other-team'), 'team-b', 'ml-training', false);
    const sas = Testing.synth(chart).filter((o) => o.kind === 'ServiceAccount');
    expect(sas.map((o) => o.metadata.namespace)).toEqual(['team-a', 'team-b']);
    expect(sas.slice(0, 1)).toEqual([{
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'ml-training',
        namespace: 'team-a',
        labels: { 'app.kubernetes.io/part-of': 'cnai-training' },
        annotations: { 'cnai.io/purpose': 'workload identity of training workloads (EKS Pod Identity association on the AWS layer)' },
      },
      automountServiceAccountToken: false,
    }]);
  });

  test('a workload that needs the token, after one that declared the account without it (exact message)', () => {
    const chart = Testing.chart();
    ensureServiceAccount(chart, 'team-a', 'ml-training', false);
    const spark = new Construct(chart, 'spark');
    expect(() => ensureServiceAccount(spark, 'team-a', 'ml-training', true)).toThrow(
      'test/spark: invalid serviceAccountName = "ml-training": the ServiceAccount team-a/ml-training exists without a mounted API token, which this workload (a Spark driver) needs. '
      + 'Fix: give this workload its own serviceAccountName.');
  });

  test('an account with the token serves a workload without it too', () => {
    const chart = Testing.chart();
    ensureServiceAccount(chart, 'team-a', 'spark', true);
    expect(() => ensureServiceAccount(chart, 'team-a', 'spark', false)).not.toThrow();
    expect(Testing.synth(chart).filter((o) => o.kind === 'ServiceAccount').map((o) => o.automountServiceAccountToken)).toEqual([true]);
  });
});

describe('workloadNetwork', () => {
  const team = { namespaceName: 'team-a' } as TeamNamespace;
  const synth = (needs: { https: boolean; podIdentity: boolean; peers: boolean }, labels?: { [key: string]: string }) => {
    const chart = Testing.chart();
    workloadNetwork(chart, team, 'finetune', needs, undefined, labels);
    return Testing.synth(chart);
  };

  test('nothing needed: no policy', () => {
    expect(synth({ https: false, podIdentity: false, peers: false })).toEqual([]);
  });

  test('HTTPS and credentials: one egress policy on the workload label', () => {
    expect(synth({ https: true, podIdentity: true, peers: false })).toEqual([{
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'finetune-egress', namespace: 'team-a' },
      spec: {
        podSelector: { matchLabels: { 'cnai.io/workload': 'finetune' } },
        policyTypes: ['Egress'],
        egress: [
          { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] },
          { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }, { ipBlock: { cidr: 'fd00:ec2::23/128' } }], ports: [{ protocol: 'TCP', port: 80 }] },
        ],
      },
    }]);
  });

  test('peers: the workload\'s pods reach each other on any port, selected by the labels given', () => {
    expect(synth({ https: false, podIdentity: false, peers: true }, { 'spark-app': 'etl' })).toEqual([{
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'finetune-peers', namespace: 'team-a' },
      spec: {
        podSelector: { matchLabels: { 'spark-app': 'etl' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { 'spark-app': 'etl' } } }] }],
        egress: [{ to: [{ podSelector: { matchLabels: { 'spark-app': 'etl' } } }] }],
      },
    }]);
  });
});
