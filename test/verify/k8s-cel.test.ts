import { CelRuleStatus, compileCelRule, SchemaRegistry } from '../../lib/verify/k8s';
import { celErrorOf, compileCelExpression, evaluateCelRule, toCelValue } from '../../lib/verify/k8s/cel';
import { emptyNode, SchemaNode } from '../../lib/verify/k8s/schema-node';
import { resolveSchemaDir } from '../../lib/verify/schemas';

function node(types: SchemaNode['types'], props: { [name: string]: SchemaNode } = {}): SchemaNode {
  const n = emptyNode();
  n.types = types;
  if (Object.keys(props).length > 0) n.properties = new Map(Object.entries(props));
  return n;
}

function run(rule: string, self: unknown, schema?: SchemaNode) {
  const compiled = compileCelRule({ rule, message: 'failed' });
  expect(compiled.status).toBe(CelRuleStatus.EVALUABLE);
  return evaluateCelRule(compiled, { rule, message: 'failed' }, toCelValue(schema, self));
}

describe('CEL rules of the schema directory', () => {
  // The schema directory grows with the platform: count nothing over it, classify everything.
  test('every rule is classified as evaluable, transition or not evaluated (with a reason and a location)', () => {
    const inventory = SchemaRegistry.for(resolveSchemaDir()).celRuleInventory();
    expect(inventory.total).toBeGreaterThan(0);
    expect(inventory.evaluable + inventory.transition + inventory.notEvaluated.length).toBe(inventory.total);
    for (const n of inventory.notEvaluated) {
      expect(n.reason).not.toBe('');
      expect(n.location).toMatch(/\.ya?ml /);
    }
  });
});

describe('compileCelRule', () => {
  test('classifies transition rules, Kubernetes-only libraries, and syntax errors', () => {
    expect(compileCelRule({ rule: 'self == oldSelf' }).status).toBe(CelRuleStatus.TRANSITION);
    expect(compileCelRule({ rule: 'has(oldSelf.x) || true' }).status).toBe(CelRuleStatus.TRANSITION);
    expect(compileCelRule({ rule: "quantity(self.limit).isGreaterThan(quantity('1'))" }))
      .toEqual({ status: CelRuleStatus.NOT_EVALUATED, reason: 'uses isGreaterThan, quantity (a Kubernetes CEL library not available offline)' });
    expect(compileCelRule({ rule: 'self.a +' }).reason).toMatch(/^does not parse: /);
    expect(compileCelRule({ rule: 'request.user == "x"' }).reason).toBe('refers to request');
  });

  test('comprehension variables are not free identifiers', () => {
    expect(compileCelRule({ rule: 'self.all(x, x.exists(y, y == 1))' }).status).toBe(CelRuleStatus.EVALUABLE);
  });
});

describe('evaluation', () => {
  test('integers are CEL ints where the schema says integer, doubles where it says number', () => {
    const schema = node(['object'], { n: node(['integer']), d: node(['number']) });
    expect(run('self.n == 3 && type(self.n) == int', { n: 3 }, schema)).toEqual({ kind: 'pass' });
    expect(run('type(self.d) == double', { d: 3 }, schema)).toEqual({ kind: 'pass' });
  });

  test('schema defaults are visible to rules', () => {
    const withDefault = node(['string']);
    withDefault.hasDefault = true;
    withDefault.defaultValue = 'Equal';
    expect(run("self.op == 'Equal'", {}, node(['object'], { op: withDefault }))).toEqual({ kind: 'pass' });
  });

  test('a false rule fails with its message; a missing field is an error the API server also reports', () => {
    expect(run('self.a > 1', { a: 1 })).toEqual({ kind: 'fail', message: 'failed' });
    expect(run('self.b > 1', { a: 1 })).toMatchObject({ kind: 'error', missingField: true });
  });

  test('the Kubernetes regex library (find, findAll) and the strings extension', () => {
    expect(run("self.find('^[^@]+') == 'al2023'", 'al2023@latest')).toEqual({ kind: 'pass' });
    expect(run("self.find('^x') == ''", 'al2023@latest')).toEqual({ kind: 'pass' });
    expect(run("self.findAll('[0-9]+') == ['1', '22']", 'a1b22')).toEqual({ kind: 'pass' });
    expect(run("self.findAll('[0-9]+', 1) == ['1']", 'a1b22')).toEqual({ kind: 'pass' });
    expect(run("self.split('@')[1] == 'latest'", 'al2023@latest')).toEqual({ kind: 'pass' });
  });
});

describe('compileCelExpression (admission policy expressions: several variables, lazy `variables`)', () => {
  test('evaluates over named variables; a lazily computed map entry is computed only when read', () => {
    const p = compileCelExpression("object.kind == 'Pod' || variables.expensive", ['object', 'variables']);
    const reads: string[] = [];
    const variables = new class extends Map<string, unknown> {
      public get(key: string): unknown {
        reads.push(key);
        return true;
      }
    }();
    expect(p.evaluate({ object: toCelValue(undefined, { kind: 'Pod' }), variables })).toBe(true);
    expect(reads).toEqual([]);
    expect(p.evaluate({ object: toCelValue(undefined, { kind: 'Job' }), variables })).toBe(true);
    expect(reads).toEqual(['expensive']);
  });

  test('an evaluation error is returned, not thrown; a missing field is one', () => {
    const p = compileCelExpression('object.spec.x == 1', ['object']);
    const result = p.evaluate({ object: toCelValue(undefined, { spec: {} }) });
    expect(celErrorOf(result)).toMatch(/no such key|not found/);
    expect(celErrorOf(true)).toBeUndefined();
  });

  test('refuses what it cannot judge: unknown names, functions no library here provides, syntax errors', () => {
    expect(() => compileCelExpression('params.x == 1', ['object'])).toThrow(/refers to params, not one of object/);
    expect(() => compileCelExpression("quantity('1').isGreaterThan(quantity('0'))", ['object'])).toThrow(/calls .*quantity.*which this engine does not provide/);
    expect(() => compileCelExpression('object.a +', ['object'])).toThrow(/does not parse/);
  });

  test('the functions the admission policies use: strings extension, regex find, macros', () => {
    const value = (e: string) => compileCelExpression(e, []).evaluate({});
    expect(value("'docker.io/vllm/vllm-openai:v1'.split('/')[0]")).toBe('docker.io');
    expect(value("'a:b:c'.lastIndexOf(':')")).toBe(3n);
    expect(value("'a:b:c'.substring(0, 3)")).toBe('a:b');
    expect(value("['a', 'b'].join(', ')")).toBe('a, b');
    expect(value("' vllm serve  s3://m/served/ --x'.find(' serve +[^ -][^ ]*')")).toBe(' serve  s3://m/served/');
    expect(value("{'ns': ['a']}['ns'].exists(x, x == 'a')")).toBe(true);
  });
});
