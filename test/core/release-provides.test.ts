// The declarations themselves are checked against the upstream artifacts (test/verify) and rendered
// onto the Applications (test/k8s/operators); this file is types and the annotation's name.
import { PROVIDES_ANNOTATION } from '../../lib/core/release-provides';

describe('release provides', () => {
  test('the annotation the Argo CD renderer writes and the verifier reads', () => {
    expect(PROVIDES_ANNOTATION).toBe('cnai.io/provides');
  });
});
