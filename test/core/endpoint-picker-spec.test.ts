import { spec } from './spec-fixture';
import { PickerFailureMode } from '../../lib/core/endpoint-picker-spec';
import { CnaiError, CnaiValidationError } from '../../lib/core/errors';
import { GatewaySpec } from '../../lib/core/gateway-spec';
import { PlatformSpec } from '../../lib/core/platform-spec';
import { validatePlatformSpec } from '../../lib/core/platform-spec-validation';

function problemsOf(s: PlatformSpec): string[] {
  try {
    validatePlatformSpec(s);
  } catch (e) {
    if (e instanceof CnaiValidationError) return e.problems.map((p) => `${p.prop} = ${JSON.stringify(p.value)}: ${p.problem}`);
    if (e instanceof CnaiError) return [`${e.prop} = ${JSON.stringify(e.value)}: ${e.problem}`];
    throw e;
  }
  return [];
}

const picker = (endpointPicker: GatewaySpec['endpointPicker']) => spec({ gateway: { endpointPicker } });

describe('the spec\'s gateway.endpointPicker section', () => {
  test('valid settings pass; so do any settings with the picker off', () => {
    expect(problemsOf(picker({}))).toEqual([]);
    const all = { replicas: 2, failureMode: PickerFailureMode.FAIL_CLOSE, weights: { queue: 5, kvCache: 1, prefixCache: 0 }, cpu: 0.5, memoryGiB: 2 };
    expect(problemsOf(picker(all))).toEqual([]);
    expect(problemsOf(picker({ enabled: false, replicas: 0 }))).toEqual([]);
  });

  test('every mistake is one problem, all reported at once', () => {
    expect(problemsOf(picker({ replicas: 11, weights: { queue: -1, kvCache: 2.5 }, cpu: 32 }))).toEqual([
      'gateway.endpointPicker.replicas = 11: not a whole number from 1 to 10',
      'gateway.endpointPicker.weights.queue = -1: not a whole number from 0 to 100',
      'gateway.endpointPicker.weights.kvCache = 2.5: not a whole number from 0 to 100',
      'gateway.endpointPicker.cpu = 32: not between 0.1 and 16 cores',
    ]);
  });

  test('picker replicas out of range', () => {
    expect(problemsOf(picker({ replicas: 0 }))).toEqual(['gateway.endpointPicker.replicas = 0: not a whole number from 1 to 10']);
  });

  test('a failure mode that is not a PickerFailureMode', () => {
    expect(problemsOf(picker({ failureMode: 'FailSafe' as PickerFailureMode }))).toEqual(['gateway.endpointPicker.failureMode = "FailSafe": not a PickerFailureMode']);
  });

  test('a scorer weight out of range', () => {
    expect(problemsOf(picker({ weights: { prefixCache: 101 } }))).toEqual(['gateway.endpointPicker.weights.prefixCache = 101: not a whole number from 0 to 100']);
  });

  test('every scorer weight 0 (the defaults fill the weights left out)', () => {
    expect(problemsOf(picker({ weights: { queue: 0, kvCache: 0, prefixCache: 0 } }))).toEqual([
      'gateway.endpointPicker.weights = "{\\"queue\\":0,\\"kvCache\\":0,\\"prefixCache\\":0}": every scorer has weight 0, so the picker would choose replicas without looking at them',
    ]);
    expect(problemsOf(picker({ weights: { queue: 0, kvCache: 0 } }))).toEqual([]);
  });

  test('picker CPU out of range', () => {
    expect(problemsOf(picker({ cpu: 0.05 }))).toEqual(['gateway.endpointPicker.cpu = 0.05: not between 0.1 and 16 cores']);
  });

  test('picker memory out of range', () => {
    expect(problemsOf(picker({ memoryGiB: 64 }))).toEqual(['gateway.endpointPicker.memoryGiB = 64: not between 0.25 and 32 GiB']);
  });

  test('the message names the spec, the prop and the fix', () => {
    expect(() => validatePlatformSpec(picker({ replicas: 0 }))).toThrow(
      'spec cnai: invalid gateway.endpointPicker.replicas = 0: not a whole number from 1 to 10. Fix: give 1 (upstream\'s recommendation) or, for a standby, 2.');
  });
});
