import { ApiObject, Chart, ChartProps } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';

/**
 * What `Chart.toJson()` does in cdk8s 2.70 (`App._synthChart`), in linear time: the same
 * dependencies added, the same validations run, the same objects in the same order, each
 * rendered by its own `toJson()`.
 *
 * cdk8s prepares the whole app for every chart it renders (`app.synth()` renders each chart
 * after preparing the app once itself): it turns each dependency between two charts into one
 * between every pair of their objects, and walks up the tree from every construct of every
 * dependency to find its chart, again for every chart. With the platform chart depending on
 * the operators chart (the dependency that numbers the output files in apply order), that is
 * the platform's objects times the operators' objects, for every chart of the app. Here each
 * construct's chart and objects are looked up once per preparation, so preparing the app costs
 * its constructs plus its dependencies, and the chart's order is computed over its own
 * dependencies by construct instead of by path.
 *
 * Internal: the platform's charts (`CnaiKubernetesPlatform`, `PlatformOperators` and the
 * charts `CnaiPlatform` adds) render through it.
 */
export function synthesizeChart(chart: Chart): any[] {
  const root = chart.node.root;
  const all = root.node.findAll();
  const charts = new ChartIndex();
  prepareDependencies(root, all, charts);
  validateAll(all);
  return chartObjects(chart, charts).map((o) => o.toJson());
}

/** An app prepared for rendering: validated, its dependencies added (see {@link prepareApp}). */
export interface PreparedApp {
  /** Whether a chart depends on another (cdk8s then numbers the files in apply order). */
  readonly hasDependantCharts: boolean;
  /** The app's charts in the order of cdk8s's `App.charts`. */
  readonly charts: Chart[];
  /** A chart's objects rendered, as its `toJson()` (a chart class with its own `toJson()` renders through it). */
  render(chart: Chart): any[];
  /** A chart's API objects in the order of its output, as cdk8s's `chartToKube`. */
  objectsOf(chart: Chart): ApiObject[];
}

/**
 * What `App.synth()` does before it renders the charts: validates every construct, then adds
 * the dependencies its charts and objects imply (as {@link synthesizeChart}). The charts are
 * then rendered without preparing the app again for each (cdk8s's `Chart.toJson()` does: the
 * result is the same).
 */
export function prepareApp(root: IConstruct): PreparedApp {
  const all = root.node.findAll();
  validateAll(all);
  const index = new ChartIndex();
  prepareDependencies(root, all, index);
  const hasDependantCharts = all.some((c) => Chart.isChart(c) && c.node.children.some((x) => Chart.isChart(x)))
    || dependenciesOf(all).some((d) => index.of(d.source) !== index.of(d.target));
  const charts = topology(all).filter((c): c is Chart => Chart.isChart(c));
  const objectsOf = (chart: Chart) => chartObjects(chart, index);
  const ownRendering = (chart: Chart) => chart.toJson === Chart.prototype.toJson || chart.toJson === LINEAR.get(chart);
  return {
    hasDependantCharts,
    charts,
    objectsOf,
    render: (chart) => (ownRendering(chart) ? objectsOf(chart).map((o) => o.toJson()) : chart.toJson()),
  };
}

/** Charts whose `toJson()` is {@link synthesizeChart}: a prepared app renders them directly. */
const LINEAR = new WeakMap<Chart, Chart['toJson']>();

/**
 * Declares that `toJson`, the chart class's own, is `synthesizeChart(chart)` (for chart classes
 * of the public API; a subclass that overrides it again renders through its override). Internal.
 */
export function rendersThroughSynthesizeChart(chart: Chart, toJson: Chart['toJson']): void {
  LINEAR.set(chart, toJson);
}

/** A chart of the platform: renders through {@link synthesizeChart}. Internal. */
export class PlatformChart extends Chart {
  constructor(scope: Construct, id: string, props?: ChartProps) {
    super(scope, id, props);
    rendersThroughSynthesizeChart(this, PlatformChart.prototype.toJson);
  }

  public toJson(): any[] {
    return synthesizeChart(this);
  }
}

/** Each construct's closest chart and the API objects under it, looked up once. */
class ChartIndex {
  private readonly charts = new Map<IConstruct, Chart>();
  private readonly objects = new Map<IConstruct, ApiObject[]>();

  /** As `Chart.of`: the construct itself when it is a chart, else its closest enclosing chart. */
  public of(c: IConstruct): Chart {
    let found = this.charts.get(c);
    if (found) return found;
    if (Chart.isChart(c)) {
      found = c;
    } else {
      const parent = c.node.scope;
      if (!parent) throw new Error('cannot find a parent chart (directly or indirectly)');
      found = this.of(parent);
    }
    this.charts.set(c, found);
    return found;
  }

  /** The API objects under `c` (itself included) whose closest chart is `c`'s. */
  public objectsOf(c: IConstruct): ApiObject[] {
    let found = this.objects.get(c);
    if (!found) {
      const chart = this.of(c);
      found = c.node.findAll().filter((x): x is ApiObject => x instanceof ApiObject && this.of(x) === chart);
      this.objects.set(c, found);
    }
    return found;
  }
}

interface Dependency {
  readonly source: IConstruct;
  readonly target: IConstruct;
}

function dependenciesOf(all: IConstruct[]): Dependency[] {
  const deps: Dependency[] = [];
  for (const source of all) for (const target of source.node.dependencies) deps.push({ source, target });
  return deps;
}

/**
 * The constructs of each app as its last preparation left them, and their dependencies: each
 * construct's count, and all targets in order.
 */
interface Prepared {
  readonly all: IConstruct[];
  readonly counts: number[];
  readonly targets: IConstruct[];
}

const prepared = new WeakMap<IConstruct, Prepared>();

function snapshot(all: IConstruct[]): Prepared {
  const counts: number[] = [];
  const targets: IConstruct[] = [];
  for (const c of all) {
    const deps = c.node.dependencies;
    counts.push(deps.length);
    for (const d of deps) targets.push(d);
  }
  return { all, counts, targets };
}

/** The app's constructs and their dependencies are those of `last`, in the same order. */
function unchangedSince(last: Prepared, all: IConstruct[]): boolean {
  if (last.all.length !== all.length) return false;
  let k = 0;
  for (let i = 0; i < all.length; i++) {
    if (all[i] !== last.all[i]) return false;
    const deps = all[i].node.dependencies;
    if (deps.length !== last.counts[i]) return false;
    for (const d of deps) if (d !== last.targets[k++]) return false;
  }
  return true;
}

/**
 * As cdk8s's `resolveDependencies`: nested charts, then chart to chart, then object to object.
 * Each step only adds dependencies implied by those already there, so preparing an app whose
 * constructs and dependencies are exactly those its last preparation left adds nothing: that
 * is skipped (cdk8s prepares the app once per chart it renders).
 */
function prepareDependencies(root: IConstruct, all: IConstruct[], charts: ChartIndex): void {
  const last = prepared.get(root);
  if (last && unchangedSince(last, all)) return;
  for (const parent of all) {
    if (!Chart.isChart(parent)) continue;
    for (const child of parent.node.children) if (Chart.isChart(child)) parent.node.addDependency(child);
  }
  for (const dep of dependenciesOf(all)) {
    const source = charts.of(dep.source);
    const target = charts.of(dep.target);
    if (source !== target) source.node.addDependency(target);
  }
  for (const dep of dependenciesOf(all)) {
    // One object on another, neither with constructs under it: the pair is the dependency itself.
    if (isLeafObject(dep.source) && isLeafObject(dep.target)) continue;
    const targets = charts.objectsOf(dep.target);
    const sources = charts.objectsOf(dep.source);
    for (const target of targets) {
      for (const source of sources) if (target !== source) source.node.addDependency(target);
    }
  }
  prepared.set(root, snapshot(all));
}

function isLeafObject(c: IConstruct): boolean {
  return c instanceof ApiObject && c.node.children.length === 0;
}

/** As cdk8s's `validate`: every construct's validations, the same error. */
function validateAll(all: IConstruct[]): void {
  const errors: string[] = [];
  for (const c of all) for (const e of c.node.validate()) errors.push(`[${c.node.path}] ${e}`);
  if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
}

/**
 * As cdk8s's `chartToKube`: the chart's API objects (those whose closest chart it is) in the
 * topological order of `DependencyGraph` over the chart's subtree, dependencies first.
 *
 * The graph: a vertex per construct of the subtree in pre-order; an edge per dependency whose
 * target is in the subtree (others cross its boundary and are left out), in that order; the
 * constructs nothing depends on hang, in order, under an artificial root, which is walked depth
 * first, each construct listed after its dependencies.
 */
function chartObjects(chart: Chart, charts: ChartIndex): ApiObject[] {
  return topology(chart.node.findAll()).filter((c): c is ApiObject => c instanceof ApiObject && charts.of(c) === chart);
}

/**
 * As cdk8s's `DependencyGraph(...).topology()` over a subtree (given in pre-order): every
 * construct after those it depends on (within the subtree).
 */
function topology(subtree: IConstruct[]): IConstruct[] {
  const outbound = new Map<IConstruct, Set<IConstruct>>();
  const hasInbound = new Set<IConstruct>();
  for (const c of subtree) outbound.set(c, new Set());
  for (const source of subtree) {
    for (const target of source.node.dependencies) {
      if (!outbound.has(target)) continue;
      outbound.get(source)!.add(target);
      hasInbound.add(target);
    }
  }
  const order: IConstruct[] = [];
  const done = new Set<IConstruct>();
  const onPath: IConstruct[] = [];
  const visit = (c: IConstruct): void => {
    if (done.has(c)) return;
    if (onPath.includes(c)) {
      const cycle = [...onPath.slice(onPath.indexOf(c)), c];
      throw new Error(`Dependency cycle detected: ${cycle.map((x) => x.node.path).join(' => ')}`);
    }
    onPath.push(c);
    for (const d of outbound.get(c)!) visit(d);
    onPath.pop();
    done.add(c);
    order.push(c);
  };
  for (const c of subtree) if (!hasInbound.has(c)) visit(c);
  // Every construct of a graph without cycles hangs under one that nothing depends on: one
  // left over is on a cycle, which cdk8s reports (as it adds the edge that closes it).
  for (const c of subtree) visit(c);
  return order;
}
