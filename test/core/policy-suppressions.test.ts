import {
  checkSuppression, mergeSuppressions, MIN_SUPPRESSION_REASON_LENGTH, parseSuppressions, POD_SECURITY_REASON_ANNOTATION,
  SUPPRESSION_ANNOTATION, TERRAFORM_SUPPRESSION_KEY,
} from '../../lib/core/policy-suppressions';

describe('where suppressions are written', () => {
  test('the annotation, the Terraform key, the Pod Security reason annotation and the shortest reason', () => {
    expect(SUPPRESSION_ANNOTATION).toBe('cnai.io/suppress');
    expect(TERRAFORM_SUPPRESSION_KEY).toBe('cnai_suppress');
    expect(POD_SECURITY_REASON_ANNOTATION).toBe('cnai.io/pod-security-reason');
    expect(MIN_SUPPRESSION_REASON_LENGTH).toBe(10);
  });
});

// The rule id, short reason and empty appliesTo messages are asserted through both layers'
// Suppressions.add (test/k8s/common/suppressions.test.ts, test/aws/suppressions.test.ts).
describe('checkSuppression', () => {
  test.each(['pod-host-path', 'aws-s3-kms-encryption', 'rule1', 'a'])('rule id %j is accepted', (id) => {
    expect(() => checkSuppression('c/x', { id, reason: 'ten chars!' })).not.toThrow();
  });

  test.each(['pod--host', '-pod', 'pod-', 'Pod', 'pod_host', ''])('rule id %j is rejected', (id) => {
    expect(() => checkSuppression('c/x', { id, reason: 'a reason long enough' })).toThrow(
      `c/x: invalid ruleId = ${JSON.stringify(id)}: is not a policy rule id. Fix: pass the id of the rule the finding names (lowercase words joined by "-", e.g. "pod-host-path").`);
  });

  test('the reason is measured without surrounding blanks', () => {
    expect(() => checkSuppression('c/x', { id: 'pod-host-path', reason: '   nine char  ' })).toThrow(/^c\/x: invalid reason = "   nine char  ": is shorter than 10 characters\./);
  });

  test('appliesTo may be left out, not blank', () => {
    expect(() => checkSuppression('c/x', { id: 'pod-host-path', reason: 'a reason long enough', appliesTo: 'volume dev' })).not.toThrow();
    expect(() => checkSuppression('c/x', { id: 'pod-host-path', reason: 'a reason long enough', appliesTo: '' })).toThrow(
      'c/x: invalid appliesTo = "": is empty. Fix: name the finding\'s subject as the report shows it (e.g. "container config-manager"), or leave appliesTo out.');
  });
});

describe('mergeSuppressions', () => {
  const A = { id: 'pod-host-path', reason: 'the device plugin reads /dev' };

  test('appends a new rule, trimming reason and appliesTo', () => {
    expect(mergeSuppressions([A], { id: 'pod-privileged', reason: '  needs the GPU driver  ', appliesTo: ' container driver ' })).toEqual([
      A,
      { id: 'pod-privileged', reason: 'needs the GPU driver', appliesTo: 'container driver' },
    ]);
  });

  test('the same rule and subject is replaced, moved to the end', () => {
    const B = { id: 'pod-privileged', reason: 'needs the GPU driver' };
    expect(mergeSuppressions([A, B], { id: 'pod-host-path', reason: 'a better reason' })).toEqual([B, { id: 'pod-host-path', reason: 'a better reason' }]);
  });

  test('the same rule for another subject is kept next to it; no appliesTo key when none is given', () => {
    const merged = mergeSuppressions([A], { id: 'pod-host-path', reason: 'only this volume', appliesTo: 'volume dev' });
    expect(merged).toEqual([A, { id: 'pod-host-path', reason: 'only this volume', appliesTo: 'volume dev' }]);
    expect(Object.keys(mergeSuppressions([], A)[0])).toEqual(['id', 'reason']);
  });

  test('does not change the list it is given', () => {
    const list = [A];
    mergeSuppressions(list, { id: 'pod-host-path', reason: 'a better reason' });
    expect(list).toEqual([A]);
  });
});

describe('parseSuppressions', () => {
  test('the annotation\'s JSON text and the parsed Terraform value read the same', () => {
    const list = [{ id: 'pod-host-path', reason: 'the device plugin reads /dev', appliesTo: 'volume dev' }];
    expect(parseSuppressions(JSON.stringify(list))).toEqual({ suppressions: list, invalid: [] });
    expect(parseSuppressions(list)).toEqual({ suppressions: list, invalid: [] });
  });

  test('reasons are trimmed; an empty appliesTo is dropped', () => {
    expect(parseSuppressions([{ id: 'x', reason: '  a long enough reason ', appliesTo: '' }])).toEqual({
      suppressions: [{ id: 'x', reason: 'a long enough reason' }], invalid: [],
    });
  });

  test('text that is not JSON, cut to 80 characters', () => {
    const text = `{${'y'.repeat(100)}`;
    expect(parseSuppressions(text)).toEqual({ suppressions: [], invalid: [`not JSON: ${text.slice(0, 80)}`] });
  });

  test.each([{ id: 'x' }, 42, null])('not a list: %p', (value) => {
    expect(parseSuppressions(value)).toEqual({ suppressions: [], invalid: ['not a list of {id, reason}'] });
  });

  test('each bad entry is reported, the good ones kept', () => {
    expect(parseSuppressions([
      { reason: 'a long enough reason' },
      null,
      { id: 'short', reason: 'too short' },
      { id: 'no-reason' },
      { id: 'ok', reason: 'a long enough reason' },
    ])).toEqual({
      suppressions: [{ id: 'ok', reason: 'a long enough reason' }],
      invalid: [
        'entry without a rule id: {"reason":"a long enough reason"}',
        'entry without a rule id: null',
        'short: reason shorter than 10 characters',
        'no-reason: reason shorter than 10 characters',
      ],
    });
  });
});
