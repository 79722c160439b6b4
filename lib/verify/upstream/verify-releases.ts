/**
 * Checks every Argo CD Application of a synthesized output against the upstream artifact it
 * installs (../shared/upstream, or $CNAI_UPSTREAM_DIR, or the fetch cache):
 *
 * - the source exists upstream at the pinned version (else a finding naming what to vendor);
 * - Helm: every value set exists in the chart (or its dependencies), the merged values pass
 *   values.schema.json, images set through values are pinned, the declaration
 *   (`cnai.io/provides`) matches the chart's CRDs and templates;
 * - kustomize: `kubectl kustomize` over the vendored tree with the Application's namespace,
 *   images and patches; every patch changes the render; every image is pinned; every object
 *   validates against its schema; embedded configuration decodes without dropped fields; the
 *   declaration is in the render;
 * - no object is installed by two owners (two Applications, or an Application and the output).
 *
 * ```ts
 * const { findings, releases } = verifyReleases([{ file: 'dist/0000-operators.k8s.yaml' }]);
 * console.log(formatReleaseReport({ findings, releases }));
 * ```
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { ApplicationSource, collectOutputDocuments, OutputDocument, parseApplications, ParsedApplication } from './applications';
import { defaultRenderCacheDir } from './cache';
import { findKnownChart, KNOWN_CHARTS, KnownChart } from './chart-repositories';
import { checkEmbeddedConfigs } from './embedded-config';
import { KubernetesFields } from './go-types';
import { allChartCrds, ChartContext, ChartCrd, HelmChart, loadChart, parseCrdsOfText } from './helm-chart';
import { checkHelmRelease, OtherChartVersion } from './helm-check';
import {
  editsOf, findKubectl, findRemoteEntries, KubectlError, KustomizeEdits, REMOTE_RESOURCES, RemoteEntry, RemoteResourceMapping,
  renderKustomize, RenderOutcome,
} from './kustomize';
import { locateGitPath, locateHelmChart, LocateResult, UpstreamKind, UpstreamLocation } from './locate';
import { declarationProblems, envProblems, imageProblems, networkProblems, objectId } from './render-checks';
import { resolveUpstreamDir, sha256, UpstreamDirError, upstreamSourcesOf, UpstreamSource } from './sources';
import { KubeObject, ReleaseCheck, ReleaseFinding, ReleaseRender, ReleaseSourceType } from './types';
import { isPlainObject } from './util';
import { EKS } from '../../core/versions';
import { FindingCategory, normalizeKubernetesVersion, SchemaRegistry, validateManifests } from '../k8s';
import { loadSchemaSources, resolveSchemaDir } from '../schemas';

/** Options of {@link verifyReleases}. */
export interface VerifyReleasesOptions {
  /**
   * The upstream directory.
   * @default - resolveUpstreamDir(): $CNAI_UPSTREAM_DIR, ../shared/upstream next to the package, or the fetch cache
   */
  readonly upstreamDir?: string;
  /**
   * The schema directory (rendered objects are validated against it).
   * @default - resolveSchemaDir()
   */
  readonly schemaDir?: string;
  /**
   * Kubernetes version of the core definitions.
   * @default EKS.defaultKubernetesVersion
   */
  readonly kubernetesVersion?: string;
  /**
   * kubectl binary (kustomize sources are rendered with `kubectl kustomize`).
   * @default - $CNAI_KUBECTL, else kubectl on PATH
   */
  readonly kubectl?: string;
  /**
   * Directory where renders are cached by the sha256 of their inputs.
   * @default - $CNAI_KUSTOMIZE_CACHE_DIR, else `.cache/cnai-kustomize-renders` under the package root
   */
  readonly renderCacheDir?: string;
  /**
   * Remote resources of vendored kustomizations and their vendored stand-ins.
   * @default REMOTE_RESOURCES
   */
  readonly remoteResources?: RemoteResourceMapping[];
  /**
   * Helm repositories and charts with the GitHub repository and directory of their source.
   * @default KNOWN_CHARTS
   */
  readonly knownCharts?: KnownChart[];
}

/** What {@link verifyReleases} found. */
export interface VerifyReleasesResult {
  /** Every problem, in the order of the Applications. */
  readonly findings: ReleaseFinding[];
  /** What each Application installs. */
  readonly releases: ReleaseRender[];
  /** The upstream directory used (empty when the output has no Application). */
  readonly upstreamDir: string;
  /** kubectl renders run (cache misses) and answered from the cache. */
  readonly renders: { readonly run: number; readonly cached: number };
}

interface Work {
  readonly app: ParsedApplication;
  readonly source: ApplicationSource;
  readonly sourceType: ReleaseSourceType;
  readonly repoUrl: string;
  readonly chartOrPath: string;
  readonly revision: string;
  location?: UpstreamLocation;
  chart?: HelmChart;
  edits?: KustomizeEdits[];
  renders?: RenderOutcome[];
  remotes?: RemoteEntry[];
  objects: KubeObject[];
  rendered: boolean;
  effectiveValues?: { [key: string]: unknown };
}

/**
 * Checks the Applications of `objects` against the upstream artifacts.
 *
 * @param objects the output: YAML text, `{ file, content? }` entries (read from disk when
 *   content is missing), parsed objects, or an array mixing those
 * @throws UpstreamDirError when there is no upstream directory (the message says how to get one
 *   and which Applications were not checked)
 * @throws KubectlError when a kustomize source needs kubectl and there is none
 */
export function verifyReleases(objects: unknown, options: VerifyReleasesOptions = {}): VerifyReleasesResult {
  const docs = collectOutputDocuments(objects);
  const apps = parseApplications(docs);
  // Nothing installs a release: nothing to check against upstream, and no directory needed.
  if (apps.length === 0) return { findings: [], releases: [], upstreamDir: '', renders: { run: 0, cached: 0 } };
  let upstreamDir: string;
  try {
    upstreamDir = resolveUpstreamDir(options.upstreamDir);
  } catch (e) {
    if (!(e instanceof UpstreamDirError)) throw e;
    throw new UpstreamDirError(`${e.message}\nNot verified: ${notVerified(apps)}. Nothing was checked against upstream.`);
  }
  const sources = upstreamSourcesOf(upstreamDir);
  const ctx: ChartContext = { upstreamDir, sources };
  const schemaDir = resolveSchemaDir(options.schemaDir);
  const kubernetesVersion = options.kubernetesVersion ?? EKS.defaultKubernetesVersion;
  const registry = SchemaRegistry.for(schemaDir, kubernetesVersion);
  const findings: ReleaseFinding[] = [];
  const finding = (app: ParsedApplication, check: ReleaseCheck, p: string | undefined, message: string) => findings.push({
    application: app.name, location: app.location, check, ...(p !== undefined ? { path: p } : {}), message: `Application ${app.name} (${app.location}): ${message}`,
  });

  // 1. Locate every source.
  const work: Work[] = [];
  for (const app of apps) {
    if (app.providesError) finding(app, ReleaseCheck.PROVIDES, 'metadata.annotations', app.providesError);
    if (app.networkError) finding(app, ReleaseCheck.NETWORK, 'metadata.annotations', app.networkError);
    if (app.sources.length === 0) {
      finding(app, ReleaseCheck.UPSTREAM_SOURCE, 'spec.source', 'has no source');
      continue;
    }
    app.sources.forEach((source, i) => {
      const at = app.sources.length > 1 ? `spec.sources[${i}]` : 'spec.source';
      if (!source.chart && source.path === undefined && source.ref) return; // a values-only source of a multi-source Application
      const repoUrl = String(source.repoURL ?? '');
      const revision = String(source.targetRevision ?? '');
      // A plain directory of manifests (the root Application of an app of apps syncing the output itself).
      if (source.directory !== undefined) {
        work.push({ app, source, sourceType: ReleaseSourceType.DIRECTORY, repoUrl, chartOrPath: source.path ?? '', revision, objects: [], rendered: false });
        return;
      }
      let located: LocateResult;
      if (source.chart) {
        located = locateHelmChart(upstreamDir, sources, repoUrl, source.chart, revision, options.knownCharts ?? KNOWN_CHARTS);
      } else {
        located = locateGitPath(upstreamDir, sources, repoUrl, source.path ?? '', revision);
      }
      const sourceType = source.chart || located.location?.kind === UpstreamKind.HELM ? ReleaseSourceType.HELM : ReleaseSourceType.KUSTOMIZE;
      const w: Work = { app, source, sourceType, repoUrl, chartOrPath: source.chart ?? source.path ?? '', revision, objects: [], rendered: false };
      work.push(w);
      if (!located.location) {
        finding(app, ReleaseCheck.UPSTREAM_SOURCE, at, `${source.chart ? `Helm chart ${source.chart} ${revision} of ${repoUrl}` : `${repoUrl} path ${source.path ?? '.'} at ${revision}`}: ${located.problem}`);
        return;
      }
      w.location = located.location;
    });
  }

  // 2. kubectl, when a kustomize source needs it.
  const kustomizeWork = work.filter((w) => w.location?.kind === UpstreamKind.KUSTOMIZE);
  let kubectl: string | undefined;
  if (kustomizeWork.length > 0) {
    try {
      kubectl = findKubectl(options.kubectl);
    } catch (e) {
      if (!(e instanceof KubectlError)) throw e;
      throw new KubectlError(`${e.message} Needed to render the kustomize sources of ${kustomizeWork.map((w) => `${w.app.name} (${w.repoUrl} ${w.chartOrPath} @ ${w.revision})`).join(', ')}; `
        + 'nothing was checked against upstream.');
    }
  }

  // 3. Render kustomize sources (every patch, and without each patch), read charts.
  let run = 0;
  let cached = 0;
  for (const w of work) {
    if (!w.location) continue;
    if (w.location.kind === UpstreamKind.HELM) {
      w.chart = loadChart(w.location.dir, ctx, w.location.row);
      continue;
    }
    const { edits, unsupported } = editsOf(w.source);
    for (const u of unsupported) finding(w.app, ReleaseCheck.RENDER, `spec.source.kustomize.${u}`, `spec.source.kustomize.${u} is not applied by this check; the render below is without it`);
    const patches = edits.patches ?? [];
    w.edits = [edits, ...patches.map((_, i) => ({ ...edits, patches: patches.filter((__, j) => j !== i) }))];
    w.remotes = findRemoteEntries(w.location.dir, upstreamDir, sources, options.remoteResources ?? REMOTE_RESOURCES);
    w.renders = renderKustomize({
      upstreamDir,
      dir: w.location.dir,
      rootDir: w.location.rootDir,
      remotes: w.remotes,
      kubectl: kubectl!,
      variants: w.edits,
      cacheDir: options.renderCacheDir ?? defaultRenderCacheDir(),
    });
    // A failed render: try without any patch, to still check the rest.
    if (w.renders[0].error && patches.length > 0) {
      const none = renderKustomize({
        upstreamDir,
        dir: w.location.dir,
        rootDir: w.location.rootDir,
        remotes: w.remotes,
        kubectl: kubectl!,
        variants: [{ ...edits, patches: [] }],
        cacheDir: options.renderCacheDir ?? defaultRenderCacheDir(),
      })[0];
      w.renders.push(none);
    }
    for (const r of w.renders) if (r.cached) cached++; else run++;
  }

  // 4. The CRDs of every release (renders and charts): schemas for the rendered custom resources.
  const crdPool: KubeObject[] = [];
  for (const w of work) {
    const objs = w.renders?.find((r) => r.objects)?.objects ?? [];
    crdPool.push(...objs.filter((o) => o.kind === 'CustomResourceDefinition'));
    if (w.chart) crdPool.push(...allChartCrds(w.chart).filter((c) => c.crd).map((c) => c.crd as KubeObject));
  }
  const crdFiles = writeCrdFiles(crdPool, options.renderCacheDir ?? defaultRenderCacheDir());
  const poolScopes = new Map<string, boolean>();
  for (const c of crdPool) {
    const spec = (c as { spec?: { group?: string; names?: { kind?: string }; scope?: string } }).spec;
    if (spec?.group && spec.names?.kind) poolScopes.set(`${spec.group}/${spec.names.kind}`, spec.scope !== 'Cluster');
  }
  const scopeOf = (apiVersion: string, kind: string): boolean => {
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const pooled = poolScopes.get(`${group}/${kind}`);
    if (pooled !== undefined) return pooled;
    return registry.lookup(apiVersion, kind).schema?.namespaced ?? true;
  };
  const k8sFields = kubernetesFields(schemaDir, kubernetesVersion);

  // 5. Check each release.
  for (const w of work) {
    if (!w.location) continue;
    if (w.chart) {
      const known = findKnownChart(w.source.repoURL, w.chart.name, options.knownCharts ?? KNOWN_CHARTS);
      const chart = known?.crdsFromSchemaSources && w.chart.crds.length === 0
        ? { ...w.chart, crds: packagedCrds(schemaDir, known, w.chart.appVersion) } : w.chart;
      const result = checkHelmRelease(w.app, w.source, chart, scopeOf, otherVersions(w.location, sources, ctx));
      findings.push(...result.findings);
      w.objects = result.objects;
      w.effectiveValues = result.effectiveValues;
      continue;
    }
    checkKustomizeRelease(w, finding, { schemaDir, kubernetesVersion, crdFiles, scopeOf, k8sFields, sources });
  }

  // 6. One owner per object.
  checkOwnership(docs, work, scopeOf, finding, apps);

  const releases: ReleaseRender[] = work.map((w) => ({
    application: w.app.name,
    location: w.app.location,
    namespace: w.app.namespace,
    syncWave: w.app.syncWave,
    sourceType: w.sourceType,
    repoUrl: w.repoUrl,
    chartOrPath: w.chartOrPath,
    revision: w.revision,
    ...(w.location ? { upstreamDir: w.location.dir } : {}),
    objects: w.objects,
    rendered: w.rendered,
    ...(w.app.provides ? { provides: w.app.provides } : {}),
    ...(w.effectiveValues ? { effectiveValues: w.effectiveValues } : {}),
  }));
  return { findings, releases, upstreamDir, renders: { run, cached } };
}

type Finding = (app: ParsedApplication, check: ReleaseCheck, p: string | undefined, message: string) => void;

interface KustomizeCheckContext {
  readonly schemaDir: string;
  readonly kubernetesVersion: string;
  readonly crdFiles: string[];
  readonly scopeOf: (apiVersion: string, kind: string) => boolean;
  readonly k8sFields: KubernetesFields;
  readonly sources: UpstreamSource[];
}

function checkKustomizeRelease(w: Work, finding: Finding, c: KustomizeCheckContext): void {
  const loc = w.location!;
  const renders = w.renders!;
  const edits = w.edits!;
  const patches = edits[0].patches ?? [];
  const source = `upstream ${loc.relDir}`;
  for (const r of w.remotes ?? []) {
    if (r.mappedDir) continue;
    finding(w.app, ReleaseCheck.REMOTE_RESOURCE, r.file, `${r.file} pulls the remote ${r.field === 'components' ? 'component' : 'resource'} ${r.entry}, `
      + `${r.problem ? `whose stand-in is not available: ${r.problem}` : 'which has no vendored stand-in'}; the render below leaves it out. `
      + 'Add its source to the upstream directory and a mapping to REMOTE_RESOURCES (lib/verify/upstream/kustomize.ts), or install from a kustomization without it');
  }
  const full = renders[0];
  let objects = full.objects;
  if (full.error) {
    const culprits = patches.map((p, i) => ({ p, i })).filter(({ i }) => renders[i + 1] && !renders[i + 1].error);
    if (culprits.length > 0) {
      for (const { p, i } of culprits) {
        finding(w.app, ReleaseCheck.PATCH, `spec.source.kustomize.patches[${i}]`, `patch ${i} (target ${describeTarget(p)}) breaks the render of ${source}: ${full.error}`);
      }
    } else {
      finding(w.app, ReleaseCheck.RENDER, 'spec.source', `kubectl kustomize of ${source} fails: ${full.error}`);
    }
    objects = renders[renders.length - 1].objects;
  } else {
    // Every patch changes the render.
    const fullJson = JSON.stringify(full.objects);
    patches.forEach((p, i) => {
      const without = renders[i + 1];
      if (!without || without.error || JSON.stringify(without.objects) !== fullJson) return;
      const target = (isPlainObject(p.target) ? p.target : {}) as { [key: string]: string };
      const matches = (without.objects ?? []).filter((o) => (!target.kind || o.kind === target.kind) && (!target.name || nameMatches(target.name, o.metadata.name ?? '')));
      const sameKind = (without.objects ?? []).filter((o) => o.kind === target.kind).map((o) => o.metadata.name);
      const why = matches.length === 0
        ? `matches no object of the render (${target.kind ? `its ${target.kind}s: ${sameKind.join(', ') || 'none'}` : 'no target kind'}), so kustomize drops it without a word`
        : `changes nothing (${matches.map(objectId).join(', ')} already ${matches.length === 1 ? 'has' : 'have'} what it sets)`;
      finding(w.app, ReleaseCheck.PATCH, `spec.source.kustomize.patches[${i}]`, `patch ${i} (target ${describeTarget(p)}) ${why} in ${source}; `
        + 'point the Application at the kustomization that holds the target, or drop the patch');
    });
  }
  if (!objects) return;
  // Argo CD puts namespaced objects without a namespace into the destination namespace.
  objects = objects.map((o) => (o.metadata?.namespace === undefined && c.scopeOf(o.apiVersion, o.kind)
    ? { ...o, metadata: { ...o.metadata, namespace: w.app.namespace } } : o));
  w.objects = objects;
  w.rendered = true;

  for (const p of [...imageProblems(objects), ...envProblems(objects)]) {
    const check = p.message.startsWith('env ') ? ReleaseCheck.SCHEMA : ReleaseCheck.IMAGE;
    finding(w.app, check, `${p.object}: ${p.path}`, `rendered ${p.object} (${source}): ${p.path}: ${p.message}`);
  }
  const report = validateManifests(objects, { schemaDir: c.schemaDir, kubernetesVersion: c.kubernetesVersion, crdFiles: c.crdFiles, file: `render of ${w.app.name}` });
  for (const f of report.findings) {
    const object = `${f.kind ?? '?'} ${f.namespace ? `${f.namespace}/` : ''}${f.name ?? ''}`;
    if (f.category === FindingCategory.KIND && f.reason.startsWith('no schema for')) {
      finding(w.app, ReleaseCheck.SCHEMA, object, `rendered ${object} (${source}) is a ${f.kind} of ${f.apiVersion}, whose CRD no release of the output installs `
        + 'and the schema directory does not have: install the release that ships it before this one (a lower sync wave), or drop the object');
      continue;
    }
    finding(w.app, ReleaseCheck.SCHEMA, `${object}: ${f.path}`, `rendered ${object} (${source}) is invalid: ${f.path ? `${f.path}: ` : ''}${f.reason}`);
  }
  const atRevision = c.sources.filter((s) => s.root === loc.row.root);
  for (const p of checkEmbeddedConfigs(objects, loc.row.repo, loc.rootDir, atRevision, c.k8sFields)) {
    finding(w.app, ReleaseCheck.EMBEDDED_CONFIG, p.path, `${p.message} (${source})`);
  }
  if (w.app.provides) {
    for (const p of declarationProblems(objects, w.app.provides, w.app.namespace)) finding(w.app, ReleaseCheck.PROVIDES, p.path, `${p.message} (${source})`);
  }
  if (w.app.network) {
    for (const p of networkProblems(objects, w.app.network, w.app.namespace)) finding(w.app, ReleaseCheck.NETWORK, p.path, `${p.message} (${source})`);
  }
}

function nameMatches(pattern: string, name: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(name);
  } catch {
    return pattern === name;
  }
}

function describeTarget(p: { [key: string]: unknown }): string {
  const t = isPlainObject(p.target) ? p.target : {};
  const parts = ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'].filter((k) => t[k] !== undefined).map((k) => `${k}=${String(t[k])}`);
  return parts.length > 0 ? parts.join(',') : 'from the patch itself';
}

/** The CRDs as files of the cache (one per CRD, named by content), for validateManifests' crdFiles. */
function writeCrdFiles(crds: KubeObject[], cacheDir: string): string[] {
  const dir = path.join(cacheDir, 'crds');
  const files = new Map<string, string>();
  for (const crd of crds) {
    const json = JSON.stringify(crd);
    const name = `${(crd.metadata?.name ?? 'crd').replace(/[^\w.-]/g, '_')}.${sha256(json).slice(0, 16)}.yaml`;
    const file = path.join(dir, name);
    if (!files.has(file)) {
      if (!fs.existsSync(file)) {
        fs.mkdirSync(dir, { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, YAML.stringify(crd, { aliasDuplicateObjects: false }));
        fs.renameSync(tmp, file);
      }
      files.set(file, json);
    }
  }
  return [...files.keys()].sort();
}

const definitionsMemo = new Map<string, { [name: string]: { properties?: { [k: string]: unknown } } }>();

function kubernetesFields(schemaDir: string, kubernetesVersion: string): KubernetesFields {
  return (definition: string) => {
    const file = path.join(schemaDir, 'k8s', `${normalizeKubernetesVersion(kubernetesVersion)}-definitions.json`);
    let defs = definitionsMemo.get(file);
    if (!defs) {
      try {
        defs = (JSON.parse(fs.readFileSync(file, 'utf8')) as { definitions: { [name: string]: { properties?: { [k: string]: unknown } } } }).definitions;
      } catch {
        defs = {};
      }
      definitionsMemo.set(file, defs);
    }
    const props = defs[definition]?.properties;
    return props ? Object.keys(props) : undefined;
  };
}

function otherVersions(loc: UpstreamLocation, sources: UpstreamSource[], ctx: ChartContext): OtherChartVersion[] {
  return sources
    .filter((s) => s !== loc.row && s.repo === loc.row.repo && s.upstreamPath === loc.row.upstreamPath)
    .map((s) => {
      try {
        const c = loadChart(path.join(ctx.upstreamDir, s.dir), ctx, s);
        return { version: c.version, values: c.values };
      } catch {
        return undefined;
      }
    })
    .filter((x): x is OtherChartVersion => x !== undefined);
}

function notVerified(apps: ParsedApplication[]): string {
  return `the ${apps.length} Application${apps.length === 1 ? '' : 's'} ${apps.map((a) => `${a.name} (${a.location})`).join(', ')}`;
}

const CLUSTER_OWNED_NOT_INSTALLED = new Set(['Application']);

function checkOwnership(docs: OutputDocument[], work: Work[], scopeOf: (apiVersion: string, kind: string) => boolean, finding: Finding,
  apps: ParsedApplication[]): void {
  interface Owner { readonly label: string; readonly app?: ParsedApplication }
  const owners = new Map<string, Owner[]>();
  const keyOf = (o: KubeObject, defaultNamespace?: string): string | undefined => {
    if (!o || typeof o.kind !== 'string' || typeof o.apiVersion !== 'string' || !o.metadata?.name) return undefined;
    const group = o.apiVersion.includes('/') ? o.apiVersion.slice(0, o.apiVersion.indexOf('/')) : '';
    const ns = scopeOf(o.apiVersion, o.kind) ? o.metadata.namespace ?? defaultNamespace ?? 'default' : '';
    return `${group}\0${o.kind}\0${ns}\0${o.metadata.name}`;
  };
  const add = (key: string | undefined, owner: Owner) => {
    if (!key) return;
    const list = owners.get(key) ?? [];
    if (!list.some((x) => x.label === owner.label)) list.push(owner);
    owners.set(key, list);
  };
  for (const d of docs) {
    if (CLUSTER_OWNED_NOT_INSTALLED.has(d.object.kind) && d.object.apiVersion?.startsWith('argoproj.io/')) continue;
    add(keyOf(d.object), { label: `the output (${d.location})` });
  }
  for (const w of work) {
    for (const o of w.objects) {
      if (o.metadata?.annotations?.['cnai.io/declared-workload']) continue;
      add(keyOf(o, w.app.namespace), { label: `Application ${w.app.name} (${w.app.location})`, app: w.app });
    }
  }
  for (const [key, list] of owners) {
    if (list.length < 2) continue;
    const [group, kind, ns, name] = key.split('\0');
    const object = `${kind}${group ? `.${group}` : ''} ${ns ? `${ns}/` : ''}${name}`;
    const blamed = list.filter((o) => o.app).slice(-1)[0]?.app ?? apps[0];
    if (!blamed) continue;
    finding(blamed, ReleaseCheck.OWNERSHIP, object, `${object} is installed by ${list.map((o) => o.label).join(' and by ')}: `
      + 'two owners fight over it (Argo CD syncs it back and forth, pruning one deletes it for both); keep one owner (remove it from the release with a patch '
      + '{"$patch": "delete"}, or stop declaring it in the output)');
  }
}

/**
 * CRDs of a chart that generates them when it is packaged: the schema directory's CRD files
 * from the chart's repository at its appVersion (schema-sources.tsv names repository and tag).
 */
function packagedCrds(schemaDir: string, known: KnownChart, appVersion: string | undefined): ChartCrd[] {
  const out: ChartCrd[] = [];
  for (const s of loadSchemaSources()) {
    if (s.repo !== known.repo || appVersion === undefined || s.ref !== appVersion || !s.file.startsWith('crds/')) continue;
    const file = path.join(schemaDir, s.file);
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    out.push(...parseCrdsOfText(text, `schemas/${s.file}`, text));
  }
  return out;
}
