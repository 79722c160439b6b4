// The commercial and China endpoints and the shared names are asserted in metrics-backend-spec.test.ts.
import { ManagedPrometheusEndpoints, METRICS_BACKEND } from '../../lib/core';

describe('ManagedPrometheusEndpoints', () => {
  test('GovCloud: the commercial DNS suffix', () => {
    expect(ManagedPrometheusEndpoints.queryUrl('us-gov-west-1', 'ws-1')).toBe('https://aps-workspaces.us-gov-west-1.amazonaws.com/workspaces/ws-1');
  });

  test('China: remote write under the amazonaws.com.cn query URL', () => {
    expect(ManagedPrometheusEndpoints.remoteWriteUrl('cn-northwest-1', 'ws-2'))
      .toBe('https://aps-workspaces.cn-northwest-1.amazonaws.com.cn/workspaces/ws-2/api/v1/remote_write');
  });
});

describe('METRICS_BACKEND', () => {
  test('Grafana\'s admin user is the fixed entry "admin"', () => {
    expect(METRICS_BACKEND.grafanaAdminUser).toBe('admin');
  });

  test('no other names than the ones both layers read', () => {
    expect(Object.keys(METRICS_BACKEND).sort()).toEqual([
      'grafanaAdminKeys', 'grafanaAdminSecretService', 'grafanaAdminUser', 'kedaNamespace', 'kedaServiceAccount', 'namespace', 'prometheusServiceAccount',
    ]);
  });
});
