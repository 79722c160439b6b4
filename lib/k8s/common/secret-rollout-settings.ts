import { DEFAULT_VPC_CIDR, isIpv4Cidr } from './egress';
import type { ResolvedSecretRollout, SecretRolloutOptions } from './secret-rollout';
import { invalidProp } from '../../core/errors';

// Internal (not exported from the library's index): the services that take SecretRolloutOptions
// resolve them here first, so a mistake is named at the service.

/** The default of `SecretRolloutOptions.refreshInterval`. */
export const DEFAULT_SECRET_REFRESH_INTERVAL = '5m';
/** The default of `SecretRolloutOptions.checkIntervalMinutes`. */
export const DEFAULT_SECRET_CHECK_MINUTES = 5;

const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

/**
 * Resolves and checks rollout options once (the constructs that take them call this first).
 * @param where construct path for errors
 */
export function resolveSecretRollout(where: string, options: SecretRolloutOptions): ResolvedSecretRollout {
  const refreshInterval = options.refreshInterval ?? DEFAULT_SECRET_REFRESH_INTERVAL;
  if (typeof refreshInterval !== 'string' || !DURATION.test(refreshInterval)) {
    throw invalidProp(where, 'secretRollout.refreshInterval', refreshInterval, 'not a Go duration', 'write it like "5m", "1h" or "1h30m"');
  }
  const minutes = options.checkIntervalMinutes ?? DEFAULT_SECRET_CHECK_MINUTES;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 59) {
    throw invalidProp(where, 'secretRollout.checkIntervalMinutes', options.checkIntervalMinutes, 'not a whole number of minutes from 1 to 59 (the schedule is "*/N * * * *")',
      'give e.g. 5 (checks every five minutes)');
  }
  const apiServerCidr = options.apiServerCidr ?? DEFAULT_VPC_CIDR;
  if (!isIpv4Cidr(apiServerCidr)) {
    throw invalidProp(where, 'secretRollout.apiServerCidr', apiServerCidr, 'not an IPv4 CIDR block', 'give the VPC block, e.g. "10.0.0.0/16"');
  }
  return { refreshInterval, checkIntervalMinutes: minutes, apiServerCidr, priorityClassName: options.priorityClass?.priorityClassName };
}
