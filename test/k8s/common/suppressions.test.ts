import { ApiObject, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Suppressions } from '../../../lib/k8s';
import { runPolicyPacks } from '../../../lib/verify/policy';
import { POD_HOST_PATH } from '../../../lib/verify/policy/rules/pod';

/** A construct with two objects: a DaemonSet mounting a host path and its ConfigMap. */
function agent(scope: Construct): Construct {
  const c = new Construct(scope, 'agent');
  new ApiObject(c, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'agent', namespace: 'nodes' } });
  new ApiObject(c, 'daemonset', {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'nodes' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: {
          containers: [{ name: 'agent', image: 'registry.example.com/agent:1.0.0' }],
          volumes: [{ name: 'sock', hostPath: { path: '/var/lib/kubelet/device-plugins' } }],
        },
      },
    },
  });
  return c;
}

const annotation = (o: any) => o.metadata.annotations?.['cnai.io/suppress'];

describe('Suppressions (Kubernetes layer)', () => {
  test('written as the cnai.io/suppress annotation on every object of the construct; a second one joins the list', () => {
    const chart = new Chart(Testing.app(), 'c');
    const c = agent(chart);
    Suppressions.add(c, 'pod-host-path', 'the kubelet device plugin socket directory', { appliesTo: 'volume sock' });
    Suppressions.add(c, 'pod-probes', 'the agent serves no health endpoint');
    const out = Testing.synth(chart);
    expect(out.map((o) => JSON.parse(annotation(o)))).toEqual([0, 1].map(() => [
      { id: 'pod-host-path', reason: 'the kubelet device plugin socket directory', appliesTo: 'volume sock' },
      { id: 'pod-probes', reason: 'the agent serves no health endpoint' },
    ]));
  });

  test('one object of the construct, by `Kind namespace/name` or by Kind; the same rule and subject again replaces the reason', () => {
    const chart = new Chart(Testing.app(), 'c');
    const c = agent(chart);
    expect(Suppressions.add(c, 'pod-host-path', 'first reason, replaced', { resource: 'DaemonSet nodes/agent' }).map((o) => o.kind)).toEqual(['DaemonSet']);
    Suppressions.add(c, 'pod-host-path', 'the kubelet device plugin socket directory', { resource: 'DaemonSet' });
    const [config, daemonSet] = Testing.synth(chart);
    expect(annotation(config)).toBeUndefined();
    expect(JSON.parse(annotation(daemonSet))).toEqual([{ id: 'pod-host-path', reason: 'the kubelet device plugin socket directory' }]);
  });

  test('the policy packs read it and report the finding with its reason', () => {
    const chart = new Chart(Testing.app(), 'c');
    Suppressions.add(agent(chart), 'pod-host-path', 'the kubelet device plugin socket directory');
    const report = runPolicyPacks({ kubernetes: [{ file: 'c.k8s.yaml', content: Testing.synth(chart) }] }, { packs: [], rules: [POD_HOST_PATH] });
    expect(report.passed).toBe(true);
    expect(report.findings.map((f) => [f.resource, f.subject, f.suppression?.reason])).toEqual([['DaemonSet nodes/agent', 'volume sock', 'the kubelet device plugin socket directory']]);
  });

  test('a reason shorter than 10 characters is an error', () => {
    const c = agent(new Chart(Testing.app(), 'c'));
    expect(() => Suppressions.add(c, 'pod-host-path', 'needed')).toThrow(
      'c/agent: invalid reason = "needed": is shorter than 10 characters. Fix: say why the rule does not apply to this construct (the reason is printed next to every finding it suppresses).');
  });

  test('a rule id that is not one is an error', () => {
    const c = agent(new Chart(Testing.app(), 'c'));
    expect(() => Suppressions.add(c, 'Pod Host Path', 'the kubelet device plugin socket directory')).toThrow(
      'c/agent: invalid ruleId = "Pod Host Path": is not a policy rule id. Fix: pass the id of the rule the finding names (lowercase words joined by "-", e.g. "pod-host-path").');
  });

  test('an empty subject is an error', () => {
    const c = agent(new Chart(Testing.app(), 'c'));
    expect(() => Suppressions.add(c, 'pod-host-path', 'the kubelet device plugin socket directory', { appliesTo: ' ' })).toThrow(
      'c/agent: invalid appliesTo = " ": is empty. Fix: name the finding\'s subject as the report shows it (e.g. "container config-manager"), or leave appliesTo out.');
  });

  test('a resource that names no object of the construct is an error', () => {
    const c = agent(new Chart(Testing.app(), 'c'));
    expect(() => Suppressions.add(c, 'pod-host-path', 'the kubelet device plugin socket directory', { resource: 'DaemonSet other/agent' })).toThrow(
      'c/agent: invalid resource = "DaemonSet other/agent": names no Kubernetes object of the construct. Fix: name an object of the construct as `Kind namespace/name` (`Kind name` when cluster-scoped) or by its Kind.');
  });

  test('a construct without objects is an error', () => {
    const empty = new Construct(new Chart(Testing.app(), 'c'), 'empty');
    expect(() => Suppressions.add(empty, 'pod-host-path', 'the kubelet device plugin socket directory')).toThrow(
      'c/empty: invalid scope = "c/empty": has no Kubernetes objects. Fix: pass the construct that emits the objects, after it has created them.');
  });
});
