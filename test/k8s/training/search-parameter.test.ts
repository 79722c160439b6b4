import { SearchParameter, SearchParameterType } from '../../../lib/k8s';

describe('SearchParameter', () => {
  test('renders as a Katib parameter', () => {
    expect(SearchParameter.double('lr', 0.0001, 0.01, { logScale: true })._render())
      .toEqual({ name: 'lr', parameterType: 'double', feasibleSpace: { min: '0.0001', max: '0.01', distribution: 'logUniform' } });
    expect(SearchParameter.integer('rank', 4, 64, { step: 4 })._render()).toEqual({ name: 'rank', parameterType: 'int', feasibleSpace: { min: '4', max: '64', step: '4' } });
    expect(SearchParameter.categorical('opt', ['a', 'b'])._render()).toEqual({ name: 'opt', parameterType: 'categorical', feasibleSpace: { list: ['a', 'b'] } });
  });

  test('grid sizes, placeholder and environment name', () => {
    expect(SearchParameter.integer('rank', 4, 64, { step: 4 })._check('w', 'p')).toBe(16);
    expect(SearchParameter.integer('layers', 1, 3)._check('w', 'p')).toBe(3);
    expect(SearchParameter.double('lr', 0.1, 0.5, { step: 0.1 })._check('w', 'p')).toBe(5);
    expect(SearchParameter.double('lr', 0.1, 0.5)._check('w', 'p')).toBeUndefined();
    expect(SearchParameter.categorical('opt', ['a', 'b', 'c'])._check('w', 'p')).toBe(3);
    const p = SearchParameter.double('learning_rate', 0.1, 0.5);
    expect(p.type).toBe(SearchParameterType.DOUBLE);
    expect(p.placeholder).toBe('${trialParameters.learning_rate}');
    expect(p.envName).toBe('HP_LEARNING_RATE');
  });

  describe('errors', () => {
    test('a name that is no parameter name', () => {
      expect(() => SearchParameter.integer('1x', 1, 2)._check('w', 'p')).toThrow(/w: invalid p.name = "1x": not a parameter name/);
    });

    test('bounds of the wrong type', () => {
      expect(() => SearchParameter.integer('x', 1.5, 2)._check('w', 'p')).toThrow(/invalid p.min = 1.5: the bounds of x are not whole numbers/);
    });

    test('a step outside the range', () => {
      expect(() => SearchParameter.integer('x', 1, 4, { step: 5 })._check('w', 'p')).toThrow(/invalid p.step = 5: not a step within the range of x \(1 to 4\)/);
    });

    test('a log scale over a range that is not positive', () => {
      expect(() => SearchParameter.double('x', 0, 1, { logScale: true })._check('w', 'p')).toThrow(/invalid p.min = 0: a log-scale range must be positive/);
    });

    test('a categorical value listed twice', () => {
      expect(() => SearchParameter.categorical('x', ['a', 'a'])._check('w', 'p')).toThrow(/invalid p.values = \["a","a"\]: a value is listed twice/);
    });
  });
});
