import { CelRuleStatus, compileCelRule, SchemaRegistry } from '../../lib/verify/k8s';
import { evaluateCelRule, toCelValue } from '../../lib/verify/k8s/cel';
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
