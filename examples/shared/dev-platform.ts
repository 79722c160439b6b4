/**
 * Where the single-purpose examples run: one dev platform in one account and region. Replace the
 * account, region and zones with yours; the reference platform names its own (prod) in its spec.
 */
import { PlatformSpec } from 'cnai-constructs';

/** Name, environment, account, region and zones of the examples' dev platform. */
export const DEV_PLATFORM: Pick<PlatformSpec, 'name' | 'environment' | 'region' | 'accountId' | 'availabilityZones'> = {
  name: 'cnai',
  environment: 'dev',
  region: 'us-west-2',
  accountId: '123456789012',
  availabilityZones: ['us-west-2a', 'us-west-2b'],
};
