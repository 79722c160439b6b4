import { dollarQuote, identifierProblem, quoteIdentifier, quoteLiteral } from '../../../lib/k8s/common/postgres-sql';

describe('PostgreSQL quoting', () => {
  test('identifiers are double-quoted with inner quotes doubled; literals single-quoted with quotes doubled', () => {
    expect(quoteIdentifier('x"; DROP TABLE students; --')).toBe('"x""; DROP TABLE students; --"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(() => quoteIdentifier('a\u0000b')).toThrow(/NUL/);
  });

  test('a dollar-quoted body gets a tag that does not occur in it', () => {
    expect(dollarQuote('SELECT 1')).toBe('$cnai$\nSELECT 1\n$cnai$');
    expect(dollarQuote('x $cnai$ y $cnai_1$')).toBe('$cnai_2$\nx $cnai$ y $cnai_1$\n$cnai_2$');
  });

  test('identifier rules: 63 bytes, no NUL or control characters', () => {
    expect(identifierProblem('a'.repeat(63))).toBeUndefined();
    expect(identifierProblem('a'.repeat(64))).toMatch(/64 bytes/);
    expect(identifierProblem('line\nbreak')).toMatch(/control character/);
    expect(identifierProblem('')).toBe('empty');
  });
});
