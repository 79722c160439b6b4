import {
  CnaiError, CnaiValidationError, formatProblem, formatValue, invalidProp, ProblemCollector, ProblemDetails,
} from '../../lib/core';

const details: ProblemDetails = {
  construct: 'platform/gpu-a10g',
  prop: 'minSize',
  value: 5,
  problem: 'must not exceed maxSize (2).',
  fix: 'lower minSize or raise maxSize.',
};

describe('formatValue', () => {
  test('scalars', () => {
    expect(formatValue(undefined)).toBe('undefined');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(3)).toBe('3');
    expect(formatValue(Number.NaN)).toBe('NaN');
    expect(formatValue(true)).toBe('true');
    expect(formatValue('g5.xlarge')).toBe('"g5.xlarge"');
    expect(formatValue('')).toBe('""');
  });

  test('strings stay on one line and show their quotes', () => {
    expect(formatValue('a\nb "c"')).toBe('"a\\nb \\"c\\""');
  });

  test('functions, objects, arrays', () => {
    expect(formatValue(function namedFn() {})).toBe('[function namedFn]');
    expect(formatValue((() => () => 1)())).toBe('[function anonymous]');
    expect(formatValue({ a: 1, b: ['x'] })).toBe('{"a":1,"b":["x"]}');
    expect(formatValue([1, 'two'])).toBe('[1,"two"]');
  });

  test('values JSON cannot render', () => {
    expect(formatValue(BigInt(10))).toBe('10');
    const circular: any = { name: 'loop' };
    circular.self = circular;
    expect(formatValue(circular)).toBe('[object Object]');
    expect(formatValue(Symbol('s'))).toBe('Symbol(s)');
  });

  test('long values are cut at 200 characters, strings too', () => {
    const long = formatValue({ text: 'x'.repeat(500) });
    expect(long).toHaveLength(200);
    expect(long.endsWith('...')).toBe(true);
    const longString = formatValue('y'.repeat(500));
    expect(longString).toHaveLength(200);
    expect(longString.startsWith('"yyy')).toBe(true);
    expect(formatValue('z'.repeat(198))).toHaveLength(200);
  });
});

describe('formatProblem', () => {
  test('one line: path, prop, value, problem and fix, without doubled periods', () => {
    expect(formatProblem(details)).toBe(
      'platform/gpu-a10g: invalid minSize = 5: must not exceed maxSize (2). Fix: lower minSize or raise maxSize.');
    expect(formatProblem({ ...details, problem: 'too big', fix: 'make it smaller' })).toBe(
      'platform/gpu-a10g: invalid minSize = 5: too big. Fix: make it smaller.');
  });
});

describe('CnaiError', () => {
  test('carries the details and the formatted message', () => {
    const e = new CnaiError(details);
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(CnaiError);
    expect(e.name).toBe('CnaiError');
    expect(e.message).toBe(formatProblem(details));
    expect([e.construct, e.prop, e.value, e.problem, e.fix]).toEqual([details.construct, details.prop, 5, details.problem, details.fix]);
    expect(String(e)).toBe(`CnaiError: ${formatProblem(details)}`);
  });

  test('invalidProp is the positional shorthand', () => {
    const e = invalidProp(details.construct, details.prop, details.value, details.problem, details.fix);
    expect(e).toBeInstanceOf(CnaiError);
    expect(e.message).toBe(new CnaiError(details).message);
  });
});

describe('CnaiValidationError', () => {
  test('lists every problem, one per line', () => {
    const other: ProblemDetails = { construct: 'platform', prop: 'region', value: 'mars-1', problem: 'not an AWS region code', fix: 'use us-west-2' };
    const e = new CnaiValidationError([details, other]);
    expect(e.name).toBe('CnaiValidationError');
    expect(e.problems).toEqual([details, other]);
    expect(e.message).toBe(
      '2 problems found:\n'
      + '  - platform/gpu-a10g: invalid minSize = 5: must not exceed maxSize (2). Fix: lower minSize or raise maxSize.\n'
      + '  - platform: invalid region = "mars-1": not an AWS region code. Fix: use us-west-2.');
  });

  test('singular wording for one problem', () => {
    expect(new CnaiValidationError([details]).message.split('\n')[0]).toBe('1 problem found:');
  });
});

describe('ProblemCollector', () => {
  test('check records failures only and returns the condition', () => {
    const c = new ProblemCollector();
    expect(c.check(true, details)).toBe(true);
    expect(c.problems).toEqual([]);
    expect(c.check(false, details)).toBe(false);
    expect(c.problems).toEqual([details]);
  });

  test('problems is a copy', () => {
    const c = new ProblemCollector();
    c.add(details);
    c.problems.pop();
    expect(c.problems).toHaveLength(1);
  });

  test('throwIfAny: nothing, the single CnaiError, or a CnaiValidationError with all', () => {
    const c = new ProblemCollector();
    expect(() => c.throwIfAny()).not.toThrow();
    c.add(details);
    expect(() => c.throwIfAny()).toThrow(CnaiError);
    expect(() => c.throwIfAny()).toThrow(formatProblem(details));
    c.add({ ...details, prop: 'maxSize' });
    let thrown: unknown;
    try {
      c.throwIfAny();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(CnaiValidationError);
    expect((thrown as CnaiValidationError).problems.map((p) => p.prop)).toEqual(['minSize', 'maxSize']);
  });

  test('capture returns the result, records CnaiErrors and validation errors, and rethrows anything else', () => {
    const c = new ProblemCollector();
    expect(c.capture(() => 42)).toBe(42);
    expect(c.capture(() => {
      throw new CnaiError(details);
    })).toBeUndefined();
    c.capture(() => {
      throw new CnaiValidationError([{ ...details, prop: 'a' }, { ...details, prop: 'b' }]);
    });
    expect(c.problems.map((p) => p.prop)).toEqual(['minSize', 'a', 'b']);
    expect(() => c.capture(() => {
      throw new TypeError('boom');
    })).toThrow(TypeError);
    expect(c.problems).toHaveLength(3);
  });

  test('a captured error is reported with its original message', () => {
    const c = new ProblemCollector();
    c.capture(() => {
      throw invalidProp('svc', 'port', 0, 'must be positive', 'use 8080');
    });
    expect(() => c.throwIfAny()).toThrow('svc: invalid port = 0: must be positive. Fix: use 8080.');
  });
});
