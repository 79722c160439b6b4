import { DEFAULT_SECRET_CHECK_MINUTES, DEFAULT_SECRET_REFRESH_INTERVAL, resolveSecretRollout } from '../../../lib/k8s/common/secret-rollout-settings';

describe('resolveSecretRollout', () => {
  test('defaults: refresh every 5 minutes, check every 5 minutes, the default VPC block, no priority class', () => {
    expect(DEFAULT_SECRET_REFRESH_INTERVAL).toBe('5m');
    expect(DEFAULT_SECRET_CHECK_MINUTES).toBe(5);
    expect(resolveSecretRollout('x', {})).toEqual({ refreshInterval: '5m', checkIntervalMinutes: 5, apiServerCidr: '10.0.0.0/16', priorityClassName: undefined });
  });

  test('given values are kept', () => {
    expect(resolveSecretRollout('x', { refreshInterval: '1h30m', checkIntervalMinutes: 59, apiServerCidr: '172.16.0.0/12', priorityClass: { priorityClassName: 'cnai-high' } as any }))
      .toEqual({ refreshInterval: '1h30m', checkIntervalMinutes: 59, apiServerCidr: '172.16.0.0/12', priorityClassName: 'cnai-high' });
  });

  test('Go durations: fractions, sub-second units, sequences', () => {
    for (const d of ['1.5h', '300ms', '10s', '2h45m30s', '500us', '1µs', '100ns']) expect(resolveSecretRollout('x', { refreshInterval: d }).refreshInterval).toBe(d);
  });

  test('a duration without a unit, or with days', () => {
    for (const d of ['5', '1d', '', '-5m']) expect(() => resolveSecretRollout('svc', { refreshInterval: d })).toThrow(`svc: invalid secretRollout.refreshInterval = ${JSON.stringify(d)}: not a Go duration`);
  });

  test('check minutes: 1 is the least; a fraction is refused (exact message)', () => {
    expect(resolveSecretRollout('x', { checkIntervalMinutes: 1 }).checkIntervalMinutes).toBe(1);
    expect(() => resolveSecretRollout('svc', { checkIntervalMinutes: 2.5 })).toThrow(
      'svc: invalid secretRollout.checkIntervalMinutes = 2.5: not a whole number of minutes from 1 to 59 (the schedule is "*/N * * * *"). Fix: give e.g. 5 (checks every five minutes).');
  });

  test('an API server block with an octet over 255 or a prefix over 32', () => {
    expect(() => resolveSecretRollout('svc', { apiServerCidr: '10.0.0.256/16' })).toThrow(
      'svc: invalid secretRollout.apiServerCidr = "10.0.0.256/16": not an IPv4 CIDR block. Fix: give the VPC block, e.g. "10.0.0.0/16".');
    expect(() => resolveSecretRollout('svc', { apiServerCidr: '10.0.0.0/33' })).toThrow(/invalid secretRollout.apiServerCidr = "10.0.0.0\/33"/);
  });
});
