/**
 * Checks the Helm values of an Application against the chart's source statically (there is
 * no helm binary): every value path set exists in values.yaml (of the chart or of the
 * dependency it belongs to), sits under a free-form map (a default of `{}`, `[]` or null), or
 * is read by a template; the merged values pass values.schema.json; images set through values
 * are pinned; and the Application's declaration of what it provides is found in the chart.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import * as YAML from 'yaml';
import { ApplicationSource, ParsedApplication } from './applications';
import { allChartCrds, ChartCrd, HelmChart } from './helm-chart';
import { imagePinProblem, latestImagesInStrings, parseImage } from './images';
import { ReleaseCheck, ReleaseFinding, KubeObject } from './types';
import { getPath, isPlainObject, joinPath, mergeValues, nearest, orList, setParameter } from './util';
import { ReleaseProvides } from '../../core/release-provides';

/** Whether objects of a kind are namespaced. */
export type ScopeOf = (apiVersion: string, kind: string) => boolean;

/** What the Helm check found and built. */
export interface HelmCheckResult {
  readonly findings: ReleaseFinding[];
  /** The chart's values with the Application's merged over them (dependencies' defaults under their keys). */
  readonly effectiveValues: { [key: string]: unknown };
  /** Objects built from the declaration. */
  readonly objects: KubeObject[];
}

/** Another vendored version of the same chart, for hints. */
export interface OtherChartVersion {
  readonly version: string;
  readonly values: { [key: string]: unknown };
}

/** The Application's Helm values: `values` (YAML), then `valuesObject`, then `parameters`, as Argo CD merges them. */
export function applicationValues(source: ApplicationSource): { values: { [key: string]: unknown }; problems: string[] } {
  const problems: string[] = [];
  let values: { [key: string]: unknown } = {};
  const helm = source.helm ?? {};
  if (typeof helm.values === 'string' && helm.values.trim() !== '') {
    try {
      const parsed = YAML.parse(helm.values, { version: '1.1', maxAliasCount: -1 }) as unknown;
      if (isPlainObject(parsed)) values = mergeValues(values, parsed) as { [key: string]: unknown };
    } catch (e) {
      problems.push(`spec.source.helm.values is not YAML: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (isPlainObject(helm.valuesObject)) values = mergeValues(values, helm.valuesObject) as { [key: string]: unknown };
  for (const p of helm.parameters ?? []) {
    if (typeof p?.name === 'string') setParameter(values, p.name, p.value ?? '');
  }
  if ((helm.valueFiles ?? []).length > 0) {
    problems.push(`spec.source.helm.valueFiles (${helm.valueFiles!.join(', ')}) are not read by this check: put the values into valuesObject`);
  }
  return { values, problems };
}

interface Ctx {
  readonly chart: HelmChart;
  readonly path: string[];
  /** The dependency this context is for, when the key sits under one. */
  readonly via?: string;
}

type Status = 'whole' | 'free' | 'object' | 'leaf' | 'read' | 'unknown';

function statusOf(c: Ctx): Status {
  if (c.chart.reads.isWhole(c.path)) return 'whole';
  const at = getPath(c.chart.values, c.path);
  if (at.exists) {
    const v = at.value;
    if (v === null || v === undefined || (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0)) return 'free';
    return isPlainObject(v) ? 'object' : 'leaf';
  }
  return c.chart.reads.isRead(c.path) ? 'read' : 'unknown';
}

/** Display path of a chart file relative to its repository root (`charts/kueue/values.yaml`). */
export function repoRelative(file: string): string {
  return file.split('/').slice(2).join('/');
}

/**
 * Checks one Helm source of an Application against its chart.
 * @param others other vendored versions of the chart (hints for unknown keys)
 */
export function checkHelmRelease(app: ParsedApplication, source: ApplicationSource, chart: HelmChart, scopeOf: ScopeOf,
  others: OtherChartVersion[] = []): HelmCheckResult {
  const findings: ReleaseFinding[] = [];
  const prefix = `Application ${app.name} (${app.location})`;
  const chartName = `chart ${chart.name} ${chart.version}`;
  const add = (check: ReleaseCheck, p: string | undefined, message: string) => findings.push({
    application: app.name, location: app.location, check, ...(p !== undefined ? { path: p } : {}), message: `${prefix}: ${message}`,
  });

  const { values, problems } = applicationValues(source);
  for (const p of problems) add(ReleaseCheck.HELM_VALUE, undefined, p);

  // 1. Every key set exists (or is free-form, or read by a template).
  const unknownPaths = new Set<string>();
  const walk = (value: unknown, ctxs: Ctx[], full: string[]) => {
    if (!isPlainObject(value)) return;
    for (const [k, v] of Object.entries(value)) {
      const keyPath = [...full, k];
      const next: Ctx[] = ctxs.map((c) => ({ ...c, path: [...c.path, k] }));
      const unresolved: string[] = [];
      for (const c of ctxs) {
        if (c.path.length !== 0) continue;
        if (k === 'global') {
          for (const d of c.chart.dependencies) if (d.chart) next.push({ chart: d.chart, path: ['global'], via: d.key });
        }
        const dep = c.chart.dependencies.find((d) => d.key === k);
        if (dep?.chart) next.push({ chart: dep.chart, path: [], via: dep.key });
        else if (dep?.unresolved) unresolved.push(dep.unresolved);
      }
      const statuses = next.map((c) => ({ c, s: statusOf(c) }));
      if (statuses.some((x) => x.s === 'whole' || x.s === 'free' || x.s === 'leaf')) continue;
      const known = statuses.filter((x) => x.s === 'object' || x.s === 'read').map((x) => x.c);
      if (known.length > 0) {
        walk(v, known, keyPath);
        continue;
      }
      const where = joinPath(keyPath);
      unknownPaths.add(where);
      if (unresolved.length > 0) {
        add(ReleaseCheck.HELM_VALUE, where, `helm value ${where} cannot be checked: ${unresolved.join('; ')} (${chartName}, ${repoRelative(path.join(chart.relDir, 'Chart.yaml'))}); vendor it into the upstream directory`);
        continue;
      }
      add(ReleaseCheck.HELM_VALUE, where, unknownKeyMessage(chart, ctxs, k, where, others, full));
    }
  };
  walk(values, [{ chart, path: [] }], []);

  // 2. Effective values: chart defaults, the dependencies' defaults under their keys, the Application's values.
  const effectiveValues = effective(chart, values);

  // 3. values.schema.json of the chart and of each dependency with one.
  const schemaTargets: Array<{ c: HelmChart; v: unknown; at: string }> = [{ c: chart, v: effectiveValues, at: '' }];
  for (const d of chart.dependencies) if (d.chart?.schema) schemaTargets.push({ c: d.chart, v: effectiveValues[d.key] ?? {}, at: d.key });
  for (const t of schemaTargets) {
    if (!t.c.schema) continue;
    let validate: ValidateFunction;
    try {
      validate = compileSchema(t.c);
    } catch (e) {
      add(ReleaseCheck.HELM_SCHEMA, undefined, `values.schema.json of chart ${t.c.name} ${t.c.version} (${repoRelative(t.c.schemaFile!)}) does not compile: ${(e as Error).message}`);
      continue;
    }
    if (validate(t.v)) continue;
    for (const err of dedupeErrors(validate.errors ?? [])) {
      const at = schemaErrorPath(err, t.at);
      if (unknownPaths.has(at)) continue;
      add(ReleaseCheck.HELM_SCHEMA, at || undefined, `helm values break values.schema.json of chart ${t.c.name} ${t.c.version} (${repoRelative(t.c.schemaFile!)}): `
        + `${at || '(top level)'} ${describeSchemaError(err)}${describeValue(t.v, err)}; set a value the schema allows`);
    }
  }

  // 4. Images set through values are pinned.
  checkImages(values, effectiveValues, chart, add);

  // 5. The declaration.
  const objects = app.provides ? checkHelmProvides(app, chart, app.provides, scopeOf, add) : [];
  return { findings, effectiveValues, objects };
}

function unknownKeyMessage(chart: HelmChart, ctxs: Ctx[], k: string, where: string, others: OtherChartVersion[], full: string[]): string {
  const owner = ctxs.find((c) => c.via !== undefined) ?? ctxs[0];
  const c = owner.chart;
  const known = new Set<string>();
  for (const x of ctxs) {
    const at = getPath(x.chart.values, x.path);
    if (isPlainObject(at.value)) Object.keys(at.value).forEach((key) => known.add(key));
    x.chart.reads.keysUnder(x.path).forEach((key) => known.add(key));
    if (x.path.length === 0) x.chart.dependencies.forEach((d) => known.add(d.key));
  }
  const close = nearest(k, [...known]);
  const chartText = owner.via !== undefined && c !== chart
    ? `chart ${c.name} ${c.version} (${repoRelative(c.valuesFile)}, dependency ${owner.via} of chart ${chart.name} ${chart.version})`
    : `chart ${c.name} ${c.version} (${repoRelative(c.valuesFile)})`;
  let fix: string;
  if (close.length > 0) fix = `did you mean ${orList(close.map((x) => [...full, x].join('.')))}?`;
  else if (known.size > 0) fix = `the values there are ${[...known].sort().slice(0, 12).join(', ')}${known.size > 12 ? ', …' : ''}; remove the key or use one of those`;
  else fix = 'remove the key';
  const elsewhere = owner.via === undefined ? others.filter((o) => getPath(o.values, [...full, k]).exists).map((o) => o.version) : [];
  const hint = elsewhere.length > 0 ? ` (chart ${chart.name} ${elsewhere.join(', ')} has it)` : '';
  return `helm value ${where} is not a value of ${chartText}; ${fix}${hint}`;
}

function effective(chart: HelmChart, values: { [key: string]: unknown }): { [key: string]: unknown } {
  const withDeps = (c: HelmChart, seen: Set<string>): { [key: string]: unknown } => {
    let base = mergeValues({}, c.values) as { [key: string]: unknown };
    for (const d of c.dependencies) {
      if (!d.chart || seen.has(d.chart.dir)) continue;
      const sub = withDeps(d.chart, new Set([...seen, d.chart.dir]));
      base = { ...base, [d.key]: mergeValues(sub, base[d.key] ?? {}) };
    }
    return base;
  };
  return mergeValues(withDeps(chart, new Set([chart.dir])), values) as { [key: string]: unknown };
}

const compiled = new Map<string, ValidateFunction>();

function compileSchema(c: HelmChart): ValidateFunction {
  const key = c.dir;
  let v = compiled.get(key);
  if (v) return v;
  const schema = { ...c.schema! };
  const draft = String(schema.$schema ?? '');
  const options = { strict: false, allErrors: true, validateFormats: false, validateSchema: false };
  const ajv = draft.includes('2020-12') ? new Ajv2020(options) : draft.includes('2019-09') ? new Ajv2019(options) : new Ajv(options);
  if (!draft.includes('2020-12') && !draft.includes('2019-09')) delete schema.$schema;
  v = ajv.compile(schema);
  compiled.set(key, v);
  return v;
}

function dedupeErrors(errors: ErrorObject[]): ErrorObject[] {
  // anyOf/oneOf report every branch; keep the most specific error per path and keyword.
  const seen = new Set<string>();
  return errors.filter((e) => {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') return false;
    const key = `${e.instancePath}\0${e.keyword}\0${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function schemaErrorPath(err: ErrorObject, at: string): string {
  const segs = err.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (err.keyword === 'additionalProperties') segs.push(String((err.params as { additionalProperty: string }).additionalProperty));
  const all = [...(at ? [at] : []), ...segs].map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  return joinPath(all);
}

function describeSchemaError(err: ErrorObject): string {
  if (err.keyword === 'additionalProperties') return 'is not allowed (no such property in the schema)';
  if (err.keyword === 'enum') return `must be one of ${((err.params as { allowedValues: unknown[] }).allowedValues ?? []).map((x) => JSON.stringify(x)).join(', ')}`;
  return err.message ?? err.keyword;
}

function describeValue(root: unknown, err: ErrorObject): string {
  if (err.keyword === 'additionalProperties' || err.keyword === 'required') return '';
  const segs = err.instancePath.split('/').slice(1);
  let n: unknown = root;
  for (const s of segs) n = Array.isArray(n) ? n[Number(s)] : isPlainObject(n) ? n[s] : undefined;
  if (n === undefined || isPlainObject(n) || Array.isArray(n)) return '';
  return ` (got ${JSON.stringify(n)})`;
}

type Add = (check: ReleaseCheck, path: string | undefined, message: string) => void;

function checkImages(values: { [key: string]: unknown }, eff: { [key: string]: unknown }, chart: HelmChart, add: Add): void {
  const chartOf = (p: string[]): HelmChart => chart.dependencies.find((d) => d.key === p[0])?.chart ?? chart;
  const inChart = (p: string[]): string[] => (chart.dependencies.some((d) => d.key === p[0] && d.chart) ? p.slice(1) : p);
  const reported = new Set<string>();
  const walk = (v: unknown, p: string[]) => {
    if (!isPlainObject(v)) return;
    const e = getPath(eff, p).value;
    // An image object: repository (or image) with tag/digest siblings, as most charts split it.
    const split = isPlainObject(e) && ('tag' in e || 'digest' in e || 'sha' in e);
    const repo = isPlainObject(e) ? (typeof e.repository === 'string' ? e.repository : split && typeof e.image === 'string' ? e.image : undefined) : undefined;
    if (isPlainObject(e) && repo !== undefined && ['repository', 'tag', 'registry', 'digest', 'sha', 'image'].some((k) => k in v)) {
      const where = joinPath(p);
      const tag = typeof e.tag === 'string' || typeof e.tag === 'number' ? String(e.tag) : '';
      const digest = typeof e.digest === 'string' && e.digest !== '' ? e.digest : typeof e.sha === 'string' && e.sha !== '' ? e.sha : '';
      const inRepo = parseImage(repo);
      const c = chartOf(p);
      if (tag === 'latest' || inRepo.tag === 'latest') {
        add(ReleaseCheck.IMAGE, `${where}.tag`, `helm value ${where} sets image ${inRepo.name}:latest, a floating tag; pin an exact tag or digest (chart ${c.name} ${c.version})`);
      } else if (tag === '' && !digest && !inRepo.tag && !inRepo.digest && !c.appVersion && !c.reads.isDefaulted([...inChart(p), 'tag'])) {
        add(ReleaseCheck.IMAGE, `${where}.tag`, `helm value ${where} sets image ${repo} without a tag, and chart ${c.name} ${c.version} has no appVersion `
          + `and no template default for it; set ${where}.tag to an exact version`);
      }
      reported.add(where);
    }
    for (const [k, x] of Object.entries(v)) {
      if (k === 'image' && typeof x === 'string' && !split) {
        const problem = imagePinProblem(x);
        const where = joinPath([...p, k]);
        if (problem) add(ReleaseCheck.IMAGE, where, `helm value ${where}: image "${x}" ${problem}; pin an exact tag or digest`);
        reported.add(where);
      }
      walk(x, [...p, k]);
    }
  };
  walk(values, []);
  for (const f of latestImagesInStrings(values)) {
    if ([...reported].some((r) => f.path.startsWith(r))) continue;
    add(ReleaseCheck.IMAGE, f.path, `helm value ${f.path} names image ${f.image}, a floating tag; pin an exact tag or digest`);
  }
}

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** Checks a Helm release's declaration against the chart, and builds its objects. */
function checkHelmProvides(app: ParsedApplication, chart: HelmChart, provides: ReleaseProvides, scopeOf: ScopeOf, add: Add): KubeObject[] {
  const objects: KubeObject[] = [];
  const crds = allChartCrds(chart);
  const chartName = `chart ${chart.name} ${chart.version}`;
  const declaredKinds = new Set<string>();
  for (const g of provides.customResources ?? []) {
    for (const kind of g.kinds) {
      declaredKinds.add(kind);
      const crd = crds.find((c) => c.group === g.group && c.kind === kind);
      if (!crd) {
        const same = crds.filter((c) => c.kind === kind || c.group === g.group).map((c) => `${c.kind}.${c.group}`);
        add(ReleaseCheck.PROVIDES, `provides.customResources.${g.group}`, `declares the CRD of ${kind}.${g.group}, but ${chartName} installs no such CRD `
          + `(${same.length > 0 ? `it has ${[...new Set(same)].join(', ')}` : `its CRDs: ${crds.map((c) => `${c.kind}.${c.group}`).join(', ') || 'none'}`}); `
          + 'remove it from the declaration or install the release that ships it');
      }
      objects.push(crdStub(g.group, kind, crd));
    }
  }
  const crdKinds = new Set([...crds.map((c) => c.kind), ...declaredKinds]);
  const checkTemplate = (what: string, template: string | undefined, kinds: string[], declPath: string) => {
    if (template === undefined) {
      add(ReleaseCheck.PROVIDES, declPath, `declares ${what} without the chart template it comes from, so it cannot be checked against ${chartName}; add its template (e.g. templates/${kinds[0].toLowerCase()}.yaml)`);
      return;
    }
    const file = templateFile(chart, template);
    if (!file) {
      add(ReleaseCheck.PROVIDES, declPath, `declares ${what} from template ${template}, which ${chartName} does not have (${repoRelative(chart.relDir)}); name one of its templates`);
      return;
    }
    const text = fs.readFileSync(file, 'utf8');
    const defined = [...text.matchAll(/^kind:\s*["']?(\w+)/gm)].map((m) => m[1]);
    // A kind chosen by a template expression (`kind: {{ $kind }}`, Open WebUI's workload-manager.yaml):
    // the kinds the template names in quotes are the ones it can define.
    if (/^kind:\s*\{\{/m.test(text)) defined.push(...[...text.matchAll(/"([A-Z]\w+)"/g)].map((m) => m[1]));
    if (!kinds.some((k) => defined.includes(k))) {
      add(ReleaseCheck.PROVIDES, declPath, `declares ${what} from template ${template} of ${chartName}, but that template defines ${defined.length > 0 ? [...new Set(defined)].join(', ') : 'no object'}, not ${orList(kinds)}`);
    }
  };
  (provides.services ?? []).forEach((s, i) => {
    checkTemplate(`Service ${s.name}`, s.template, ['Service'], `provides.services[${i}]`);
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: s.name, namespace: s.namespace ?? app.namespace },
      spec: {
        selector: { ...s.selector },
        ports: s.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, targetPort: p.targetPort ?? p.port, protocol: p.protocol ?? 'TCP' })),
      },
    });
  });
  (provides.workloads ?? []).forEach((w, i) => {
    checkTemplate(`workload ${w.name}`, w.template, [...WORKLOAD_KINDS, ...crdKinds], `provides.workloads[${i}]`);
    objects.push(workloadObject(w, app.namespace));
  });
  (provides.objects ?? []).forEach((o, i) => {
    checkTemplate(`${o.kind} ${o.name}`, o.template, [o.kind], `provides.objects[${i}]`);
    const namespaced = scopeOf(o.apiVersion, o.kind);
    const metadata = { name: o.name, ...(namespaced ? { namespace: o.namespace ?? app.namespace } : {}) };
    objects.push({ apiVersion: o.apiVersion, kind: o.kind, metadata });
  });
  return objects;
}

/** The file of a template path, in the chart or (for `charts/<dependency>/…`) in the vendored dependency. */
function templateFile(chart: HelmChart, template: string): string | undefined {
  const direct = path.join(chart.dir, template);
  if (fs.existsSync(direct)) return direct;
  const m = /^charts\/([^/]+)\/(.+)$/.exec(template);
  if (!m) return undefined;
  const dep = chart.dependencies.find((d) => d.name === m[1] || d.key === m[1]);
  return dep?.chart ? templateFile(dep.chart, m[2]) : undefined;
}

/** A stub of a CRD (group, names, scope, versions), from the chart's CRD when found. */
export function crdStub(group: string, kind: string, crd?: ChartCrd): KubeObject {
  const plural = crd?.plural ?? `${kind.toLowerCase()}s`;
  return crdObject(group, { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` }, crd?.scope ?? 'Namespaced',
    (crd?.versions ?? []).map((v) => ({ name: v.name, served: v.served, storage: v.storage })));
}

/**
 * A CustomResourceDefinition named `<plural>.<group>` with the given names, scope and versions (none: left out).
 * @internal
 */
export function crdObject(group: string, names: { kind: string; plural: string; [key: string]: string }, scope: string,
  versions?: Array<{ name: string; served: boolean; storage: boolean }>): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${names.plural}.${group}` },
    spec: { group, names, scope, ...(versions ? { versions } : {}) },
  };
}

/** Annotation that marks the Deployment-shaped stand-in of a declared workload. */
const DECLARED_WORKLOAD_ANNOTATIONS = { 'cnai.io/declared-workload': 'true' };

/**
 * A Deployment-shaped object for a declared workload (marked declared by its annotations; the
 * whole-platform model's stand-ins carry none).
 */
export function workloadObject(w: NonNullable<ReleaseProvides['workloads']>[number], namespace: string,
  annotations: { [key: string]: string } = DECLARED_WORKLOAD_ANNOTATIONS): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: w.name,
      namespace: w.namespace ?? namespace,
      ...(Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
    },
    spec: {
      selector: { matchLabels: { ...w.podLabels } },
      template: {
        metadata: { labels: { ...w.podLabels } },
        spec: {
          ...(w.serviceAccount ? { serviceAccountName: w.serviceAccount } : {}),
          ...(w.hostNetwork ? { hostNetwork: true } : {}),
          containers: [{
            name: w.name,
            ports: (w.ports ?? []).map((p) => ({ ...(p.name ? { name: p.name } : {}), containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' })),
            // Declared connections, as the pod's environment would carry them: references and flows of the pods.
            ...(w.connectsTo && w.connectsTo.length > 0 ? { env: w.connectsTo.map((value, i) => ({ name: `CNAI_DECLARED_CONNECTION_${i}`, value })) } : {}),
          }],
        },
      },
    },
  };
}
