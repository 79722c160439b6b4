import * as YAML from 'yaml';
import { deleteObjectPatch, jsonPatch } from '../../../lib/k8s';

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
