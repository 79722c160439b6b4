import { Chart, Testing } from 'cdk8s';
import { DATA_SERVICE_LABEL, DataServiceNamespace, TeamNamespace, dataServiceLabels } from '../../../lib/k8s';
import { ofKind } from '../helpers';

describe('DataServiceNamespace', () => {
  test('a restricted namespace with the platform\'s labels and default-deny, once per app', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    const first = DataServiceNamespace.ensure(a, 'vectors', '1.34');
    expect(DataServiceNamespace.ensure(new Chart(app, 'b'), 'vectors')).toBe(first);
    const objects = Testing.synth(a);
    const ns = ofKind(objects, 'Namespace');
    expect(ns).toHaveLength(1);
    expect(ns[0].metadata.name).toBe('vectors');
    expect(ns[0].metadata.labels).toEqual({
      'app.kubernetes.io/part-of': 'cnai-platform',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.34',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'v1.34',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'v1.34',
    });
    expect(ofKind(objects, 'NetworkPolicy').map((p) => p.metadata.name)).toEqual(['default-deny', 'allow-dns']);
  });

  test('a namespace the app declares otherwise is used as it is', () => {
    const chart = Testing.chart();
    new TeamNamespace(chart, 'team-a');
    const owner = DataServiceNamespace.ensure(chart, 'team-a');
    expect(owner).not.toBeInstanceOf(DataServiceNamespace);
    expect(owner.namespaceName).toBe('team-a');
    expect(ofKind(Testing.synth(chart), 'Namespace')).toHaveLength(1);
  });

  test('the labels of a data service\'s pods', () => {
    expect(dataServiceLabels('qdrant', 'docs', 'vector-database')).toEqual({
      'app.kubernetes.io/name': 'qdrant',
      'app.kubernetes.io/instance': 'docs',
      'app.kubernetes.io/component': 'vector-database',
      'app.kubernetes.io/managed-by': 'cnai-constructs',
      [DATA_SERVICE_LABEL]: 'docs',
    });
    expect(DATA_SERVICE_LABEL).toBe('cnai.io/data-service');
  });

  test('a namespace name that is not a DNS-1123 label', () => {
    expect(() => DataServiceNamespace.ensure(Testing.chart(), 'Vectors')).toThrow(/invalid namespace = "Vectors"/);
  });
});
