import { FeatureAccess } from '../../../lib/k8s/features/feature-store-connection';

describe('FeatureAccess', () => {
  test('the three kinds of access a client of the feature store asks for', () => {
    expect(Object.entries(FeatureAccess)).toEqual([['ONLINE', 'online'], ['OFFLINE', 'offline'], ['ALL', 'all']]);
  });
});
