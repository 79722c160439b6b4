import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { PlatformChart, prepareApp, rendersThroughSynthesizeChart, synthesizeChart } from '../../../lib/k8s/common/chart-synthesis';

function configMap(scope: Construct, id: string): ApiObject {
  return new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id.toLowerCase() } });
}

const names = (objects: any[]) => objects.map((o) => o.metadata.name);

/**
 * Two charts as the platform has them (one depending on the other), objects that depend on
 * each other inside a chart and across charts, a group construct holding objects, and a
 * validation: what cdk8s's own rendering does to the same app is the reference.
 */
function platformLikeApp(ChartClass: typeof Chart, outdir?: string) {
  const app = new App({ outdir });
  const first = new ChartClass(app, 'platform');
  const operators = new ChartClass(app, 'operators');
  first.addDependency(operators);
  const a = configMap(first, 'A');
  const b = configMap(first, 'B');
  const group = new Construct(first, 'Group');
  const c = configMap(group, 'C');
  configMap(group, 'D');
  a.node.addDependency(c);
  c.node.addDependency(b);
  const op1 = configMap(operators, 'Op1');
  const op2 = configMap(operators, 'Op2');
  op2.node.addDependency(op1);
  const later = new ChartClass(app, 'later');
  const e = configMap(later, 'E');
  e.node.addDependency(group);
  let validations = 0;
  first.node.addValidation({ validate: () => { validations++; return []; } });
  return { app, charts: [first, operators, later], validations: () => validations };
}

describe('synthesizeChart', () => {
  test('renders each chart\'s objects in the order cdk8s renders them', () => {
    const ours = platformLikeApp(PlatformChart);
    const theirs = platformLikeApp(Chart);
    // Dependencies first: B before C before A (D has none), operators' Op1 before Op2.
    expect(ours.charts.map((c) => names(c.toJson()))).toEqual([['b', 'c', 'a', 'd'], ['op1', 'op2'], ['e']]);
    expect(theirs.charts.map((c) => names(c.toJson()))).toEqual([['b', 'c', 'a', 'd'], ['op1', 'op2'], ['e']]);
  });

  test('adds the dependencies cdk8s adds, and runs the validations once per rendered chart', () => {
    const ours = platformLikeApp(PlatformChart);
    const theirs = platformLikeApp(Chart);
    ours.charts.forEach((c) => c.toJson());
    theirs.charts.forEach((c) => c.toJson());
    const deps = (app: App) => app.node.findAll().map((c) => `${c.node.path} -> ${c.node.dependencies.map((d) => d.node.path).sort().join(',')}`);
    expect(deps(ours.app)).toEqual(deps(theirs.app));
    // Every object of the platform chart now depends on every operator object (cdk8s's rule).
    expect(ours.app.node.findChild('platform').node.findChild('A').node.dependencies.map((d) => d.node.path).sort())
      .toEqual(['operators/Op1', 'operators/Op2', 'platform/Group/C']);
    expect(ours.validations()).toBe(3);
    expect(theirs.validations()).toBe(3);
  });

  test('App.synth writes the same files through it', () => {
    const outdir = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `chart-synthesis-${name}-`));
    const read = (dir: string) => fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]);
    const [a, b] = [outdir('ours'), outdir('theirs')];
    platformLikeApp(PlatformChart, a).app.synth();
    platformLikeApp(Chart, b).app.synth();
    const files = read(a);
    expect(files.map((f) => f[0])).toEqual(['0000-operators.k8s.yaml', '0001-platform.k8s.yaml', '0002-later.k8s.yaml']);
    expect(files).toEqual(read(b));
    fs.rmSync(a, { recursive: true, force: true });
    fs.rmSync(b, { recursive: true, force: true });
  });

  test('a chart rendered again after a construct was added prepares the app again', () => {
    const { app, charts } = platformLikeApp(PlatformChart);
    expect(names(charts[0].toJson())).toEqual(['b', 'c', 'a', 'd']);
    const f = configMap(charts[0], 'F');
    charts[0].node.findChild('B').node.addDependency(f);
    const op3 = configMap(charts[1], 'Op3');
    expect(names(charts[0].toJson())).toEqual(['f', 'b', 'c', 'a', 'd']);
    // The new operator object joins the chart-to-chart pairs.
    expect(f.node.dependencies.map((d) => d.node.path)).toContain(op3.node.path);
    expect(app.charts.map((c) => c.node.id)).toEqual(['operators', 'platform', 'later']);
  });

  test('a failing validation fails as in cdk8s', () => {
    const app = new App();
    const chart = new PlatformChart(app, 'c');
    configMap(chart, 'A');
    chart.node.addValidation({ validate: () => ['something is wrong'] });
    expect(() => synthesizeChart(chart)).toThrow('Validation failed with the following errors:\n  [c] something is wrong');
  });

  test('a dependency cycle inside the chart is reported', () => {
    const app = new App();
    const chart = new PlatformChart(app, 'c');
    const a = configMap(chart, 'A');
    const b = configMap(chart, 'B');
    a.node.addDependency(b);
    b.node.addDependency(a);
    expect(() => chart.toJson()).toThrow(/^Dependency cycle detected: c\/A => c\/B => c\/A$|^Dependency cycle detected: c\/B => c\/A => c\/B$/);
  });
});

describe('prepareApp', () => {
  test('orders the charts and their objects as cdk8s, and renders each as its toJson()', () => {
    const theirs = platformLikeApp(Chart);
    const expected = theirs.charts.map((c) => c.toJson());
    const ours = platformLikeApp(Chart);
    const prepared = prepareApp(ours.app);
    expect(prepared.charts.map((c) => c.node.id)).toEqual(['operators', 'platform', 'later']);
    expect(prepared.charts.map((c) => c.node.id)).toEqual(theirs.app.charts.map((c) => c.node.id));
    expect(prepared.objectsOf(ours.charts[0]).map((o) => o.node.id)).toEqual(['B', 'C', 'A', 'D']);
    expect(ours.charts.map((c) => prepared.render(c))).toEqual(expected);
    expect(prepared.hasDependantCharts).toBe(true);
    // Validated once, by the preparation; rendering does not validate again.
    expect(ours.validations()).toBe(1);
  });

  test('a chart class with its own toJson() renders through it', () => {
    class Custom extends Chart {
      public toJson(): any[] {
        return [{ kind: 'Custom' }];
      }
    }
    const app = new App();
    const custom = new Custom(app, 'custom');
    configMap(custom, 'A');
    expect(prepareApp(app).render(custom)).toEqual([{ kind: 'Custom' }]);
  });

  test('charts that do not depend on each other are not dependant', () => {
    const app = new App();
    configMap(new Chart(app, 'one'), 'A');
    configMap(new Chart(app, 'two'), 'B');
    expect(prepareApp(app).hasDependantCharts).toBe(false);
    new Chart(app.node.findChild('one'), 'nested');
    expect(prepareApp(app).hasDependantCharts).toBe(true);
  });
});

describe('rendersThroughSynthesizeChart', () => {
  test('a prepared app renders a declared chart directly, and a subclass that overrides toJson() through its override', () => {
    class Declared extends Chart {
      constructor(scope: Construct, id: string) {
        super(scope, id);
        rendersThroughSynthesizeChart(this, Declared.prototype.toJson);
      }
      public toJson(): any[] {
        return synthesizeChart(this);
      }
    }
    class Overriding extends Declared {
      public toJson(): any[] {
        return [{ kind: 'Overridden' }];
      }
    }
    const app = new App();
    const declared = new Declared(app, 'declared');
    configMap(declared, 'A');
    const overriding = new Overriding(app, 'overriding');
    let validations = 0;
    declared.node.addValidation({ validate: () => { validations++; return []; } });
    const prepared = prepareApp(app);
    expect(names(prepared.render(declared))).toEqual(['a']);
    expect(prepared.render(overriding)).toEqual([{ kind: 'Overridden' }]);
    expect(validations).toBe(1);
  });
});
