import { Chart, Testing } from 'cdk8s';
import {
  AdmissionOperation, AdmissionPolicy, AdmissionPolicyMode, AdmissionPolicyProps, POLICY_DESCRIPTION_ANNOTATION, POLICY_EXEMPTIONS_ANNOTATION,
} from '../../../lib/k8s/governance/admission-policy';

const MINIMAL: AdmissionPolicyProps = {
  name: 'cnai-example',
  description: 'pods carry a team label',
  resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: [AdmissionOperation.CREATE] }],
  validations: [{ expression: "has(object.metadata.labels) && 'team' in object.metadata.labels", message: 'label the pod with its team' }],
  bindings: [{ name: 'cnai-example' }],
};

function synth(props: Partial<AdmissionPolicyProps> = {}): { policy: AdmissionPolicy; objects: any[] } {
  const chart = new Chart(Testing.app(), 'c');
  const policy = new AdmissionPolicy(chart, 'p', { ...MINIMAL, ...props });
  return { policy, objects: Testing.synth(chart) };
}

describe('AdmissionPolicy', () => {
  test('the annotations\' names', () => {
    expect(POLICY_DESCRIPTION_ANNOTATION).toBe('cnai.io/description');
    expect(POLICY_EXEMPTIONS_ANNOTATION).toBe('cnai.io/exemptions');
  });

  test('defaults: one policy failing closed, matching namespaced resources, and a binding that warns and audits everywhere', () => {
    const { policy, objects } = synth();
    expect(policy.policyName).toBe('cnai-example');
    expect(policy.mode).toBe(AdmissionPolicyMode.WARN);
    expect(Object.keys(policy.bindings)).toEqual(['cnai-example']);
    expect(objects).toEqual([
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: 'cnai-example', annotations: { 'argocd.argoproj.io/sync-wave': '-30', 'cnai.io/description': 'pods carry a team label' } },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE'], scope: 'Namespaced' }] },
          validations: [{ expression: "has(object.metadata.labels) && 'team' in object.metadata.labels", message: 'label the pod with its team', reason: 'Forbidden' }],
        },
      },
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: 'cnai-example', annotations: { 'argocd.argoproj.io/sync-wave': '-30' } },
        spec: { policyName: 'cnai-example', validationActions: ['Warn', 'Audit'] },
      },
    ]);
  });

  test('ENFORCE: every binding denies and audits (never Deny with Warn)', () => {
    const { policy, objects } = synth({ mode: AdmissionPolicyMode.ENFORCE, bindings: [{ name: 'a' }, { name: 'b' }] });
    expect(policy.mode).toBe(AdmissionPolicyMode.ENFORCE);
    const bindings = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
    expect(bindings.map((b) => [b.metadata.name, b.spec.policyName, b.spec.validationActions])).toEqual([
      ['a', 'cnai-example', ['Deny', 'Audit']],
      ['b', 'cnai-example', ['Deny', 'Audit']],
    ]);
  });

  test('match conditions, variables in order, message expressions, a namespace selector and exemptions one per line', () => {
    const { objects } = synth({
      matchConditions: [{ name: 'not-kube-system', expression: "request.namespace != 'kube-system'" }],
      variables: [{ name: 'labels', expression: 'object.metadata.labels' }, { name: 'team', expression: "variables.labels['team']" }],
      validations: [{ expression: "variables.team != ''", message: 'an empty team', messageExpression: "'team of ' + object.metadata.name + ' is empty'" }],
      bindings: [{ name: 'teams', namespaceSelector: { matchLabels: { 'cnai.io/team': 'true' } } }],
      exemptions: ['kube-system: the add-ons', 'monitoring: node exporter'],
    });
    const [policy, binding] = objects;
    expect(policy.metadata.annotations['cnai.io/exemptions']).toBe('kube-system: the add-ons\nmonitoring: node exporter');
    expect(policy.spec.matchConditions).toEqual([{ name: 'not-kube-system', expression: "request.namespace != 'kube-system'" }]);
    expect(policy.spec.variables).toEqual([
      { name: 'labels', expression: 'object.metadata.labels' },
      { name: 'team', expression: "variables.labels['team']" },
    ]);
    expect(policy.spec.validations).toEqual([
      { expression: "variables.team != ''", message: 'an empty team', messageExpression: "'team of ' + object.metadata.name + ' is empty'", reason: 'Forbidden' },
    ]);
    expect(binding.spec.matchResources).toEqual({ namespaceSelector: { matchLabels: { 'cnai.io/team': 'true' } } });
  });

  test('empty match conditions, variables and exemptions write nothing', () => {
    const { objects } = synth({ matchConditions: [], variables: [], exemptions: [] });
    expect(Object.keys(objects[0].spec).sort()).toEqual(['failurePolicy', 'matchConstraints', 'validations']);
    expect(Object.keys(objects[0].metadata.annotations).sort()).toEqual(['argocd.argoproj.io/sync-wave', 'cnai.io/description']);
  });

  test('a match condition name of 64 characters is refused; 63 pass', () => {
    expect(() => synth({ matchConditions: [{ name: 'a'.repeat(63), expression: 'true' }] })).not.toThrow();
    expect(() => synth({ matchConditions: [{ name: 'a'.repeat(64), expression: 'true' }] })).toThrow(
      `c/p: invalid matchConditions[0].name = "${'a'.repeat(64)}": not a qualified name. Fix: use letters, digits, "-", "_" and ".", at most 63 characters.`);
  });

  test('a variable name starting with a digit (exact message)', () => {
    expect(() => synth({ variables: [{ name: '1st', expression: 'true' }] })).toThrow(
      'c/p: invalid variables[0].name = "1st": not a unique CEL identifier. Fix: name each variable with letters, digits and "_", starting with a letter.');
  });

  test('a binding name that is not a DNS-1123 subdomain', () => {
    expect(() => synth({ bindings: [{ name: 'Binding_1' }] })).toThrow(/^c\/p: invalid bindings\[0\].name = "Binding_1": not a valid DNS-1123 subdomain/);
  });
});
