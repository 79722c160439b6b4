import * as YAML from 'yaml';
import { deleteObjectPatch, DormantServiceAccount, InstallPhase, jsonPatch, OperatorRelease, ReleaseSource } from '../../../lib/k8s';

describe('kustomize patch builders of the release model', () => {
  test('jsonPatch: a JSON 6902 patch as YAML, no value on remove', () => {
    const p = jsonPatch('ConfigMap', 'c', [{ op: 'replace', path: '/data/a', value: 'x' }, { op: 'remove', path: '/data/b', value: 'ignored' }]);
    expect(p.kind).toBe('ConfigMap');
    expect(p.name).toBe('c');
    expect(YAML.parse(p.patch)).toEqual([{ op: 'replace', path: '/data/a', value: 'x' }, { op: 'remove', path: '/data/b' }]);
  });

  test('deleteObjectPatch: a strategic merge patch that deletes the object, by name or every object of the kind', () => {
    const named = deleteObjectPatch('v1', 'Namespace', 'kserve');
    expect(named).toEqual({ kind: 'Namespace', name: 'kserve', patch: YAML.stringify({ $patch: 'delete', apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kserve' } }) });
    const any = deleteObjectPatch('v1', 'Namespace');
    expect(any.name).toBeUndefined();
    expect(YAML.parse(any.patch)).toEqual({ $patch: 'delete', apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'any' } });
  });
});

describe('OperatorRelease.dormantServiceAccounts', () => {
  const release = (dormantServiceAccounts: DormantServiceAccount[]) => new OperatorRelease({
    name: 'local', namespace: 'local-system', source: ReleaseSource.helmDirectory('./charts/local', '1.0.0'), phase: InstallPhase.OPERATORS, dormantServiceAccounts,
  });

  test('none by default; kept as given', () => {
    expect(new OperatorRelease({ name: 'local', namespace: 'x', source: ReleaseSource.helmDirectory('./charts/x', '1.0.0'), phase: InstallPhase.OPERATORS })
      .dormantServiceAccounts).toEqual([]);
    expect(release([{ name: 'reader', reason: 'bound to cluster-wide reads, unused' }]).dormantServiceAccounts)
      .toEqual([{ name: 'reader', reason: 'bound to cluster-wide reads, unused' }]);
  });

  test('a dormant service account without a stated reason is refused', () => {
    expect(() => release([{ name: 'reader', reason: 'unused' }])).toThrow('OperatorRelease(local): invalid dormantServiceAccounts[0].reason = "unused": '
      + 'a dormant service account needs a stated reason. Fix: say what upstream grants it and why nothing runs as it (at least 10 characters); '
      + 'the reason is written on the policy');
  });

  test('a name that is no service account name is refused', () => {
    expect(() => release([{ name: 'Reader!', reason: 'bound to cluster-wide reads, unused' }]))
      .toThrow(/^OperatorRelease\(local\): invalid dormantServiceAccounts\[0\]\.name = "Reader!": not a valid DNS-1123 subdomain/);
  });
});
