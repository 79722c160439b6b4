/**
 * Test helpers that check operator releases against the upstream install artifacts vendored
 * byte-exact in the shared upstream folder (`<component>/<version>/<upstream path>`): render a
 * kustomize release with `kubectl kustomize` the way Argo CD builds it (namespace, images,
 * patches), check Helm values against a chart's values.yaml and values.schema.json, and check
 * a release's `provides` declaration against a render or a chart's templates.
 *
 * A missing folder or kubectl fails the test with what to install; nothing is skipped.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { ReleaseProvides } from '../../../lib/core/release-provides';
import { OperatorRelease, ReleaseSourceKind } from '../../../lib/k8s';

/** The shared upstream folder: `$CNAI_UPSTREAM_DIR`, else `../shared/upstream` next to the project. */
export function upstreamDir(): string {
  const dir = process.env.CNAI_UPSTREAM_DIR ?? path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'upstream');
  if (!fs.existsSync(path.join(dir, 'SOURCES.tsv'))) {
    throw new Error(`The upstream install artifacts are not at ${dir}: set CNAI_UPSTREAM_DIR to the folder with SOURCES.tsv and MANIFEST.sha256 `
      + '(the shared upstream folder next to the project), which the operator release tests check values, patches and images against.');
  }
  return dir;
}

/** A path inside the upstream folder; fails when it does not exist. */
export function upstreamPath(...parts: string[]): string {
  const p = path.join(upstreamDir(), ...parts);
  if (!fs.existsSync(p)) throw new Error(`${path.join(...parts)} is not in the upstream folder ${upstreamDir()} (see its SOURCES.tsv)`);
  return p;
}

let kubectlChecked = false;
function assertKubectl(): void {
  if (kubectlChecked) return;
  const r = spawnSync('kubectl', ['version', '--client=true'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error('kubectl not found or not runnable: install kubectl (it carries kustomize v5), which renders the kustomize releases against their upstream trees');
  }
  kubectlChecked = true;
}

/** Argo CD's image override (`[old=]new[:tag]`) as a kustomize `images` entry. */
export function kustomizeImage(spec: string): { name: string; newName?: string; newTag?: string } {
  const [name, target] = spec.includes('=') ? spec.split('=', 2) : [undefined, spec];
  const slash = target.lastIndexOf('/');
  const colon = target.lastIndexOf(':');
  const repo = colon > slash ? target.slice(0, colon) : target;
  const tag = colon > slash ? target.slice(colon + 1) : undefined;
  return name === undefined ? { name: repo, newTag: tag } : { name, newName: repo, newTag: tag };
}

/** Options of {@link renderKustomize}. */
export interface RenderOptions {
  /** Leave out the release's images. */
  readonly withoutImages?: boolean;
  /** Leave out the release's patches. */
  readonly withoutPatches?: boolean;
  /**
   * A copy of the source tree to render instead of the upstream one (for upstream trees with
   * remote resources, which the test replaces with their vendored sources).
   */
  readonly sourceDir?: string;
}

const renders = new Map<string, any[]>();

/**
 * Renders a kustomize release as Argo CD builds it: the source path at the release tag
 * (`<component>/<tag>/<path>` in the upstream folder), with the Application's namespace,
 * images and patches in a kustomization over it. Cached per process.
 */
export function renderKustomize(release: OperatorRelease, component: string, options: RenderOptions = {}): any[] {
  const s = release.source;
  if (s.kind !== ReleaseSourceKind.GIT_KUSTOMIZE) throw new Error(`${release.name} is not a kustomize release`);
  const source = options.sourceDir ?? upstreamPath(component, s.version, s.path!);
  const k = s.kustomize ?? {};
  const kustomization: any = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['src'],
    ...(k.namespace ? { namespace: k.namespace } : {}),
    ...(!options.withoutImages && k.images?.length ? { images: k.images.map(kustomizeImage) } : {}),
    ...(!options.withoutPatches && k.patches?.length
      ? { patches: k.patches.map((p) => ({ target: { kind: p.kind, ...(p.name ? { name: p.name } : {}) }, patch: p.patch })) }
      : {}),
  };
  const text = YAML.stringify(kustomization);
  const key = createHash('sha256').update(source).update(text).digest('hex');
  const cached = renders.get(key);
  if (cached) return cached;
  assertKubectl();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-kustomize-'));
  fs.symlinkSync(source, path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'kustomization.yaml'), text);
  const r = spawnSync('kubectl', ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', dir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  fs.rmSync(dir, { recursive: true, force: true });
  if (r.error || r.status !== 0) throw new Error(`kubectl kustomize of ${release.name} (${source}) failed: ${r.error?.message ?? r.stderr}`);
  const objects = YAML.parseAllDocuments(r.stdout).map((d) => d.toJS()).filter((o) => o && o.kind);
  renders.set(key, objects);
  return objects;
}

/** A copy of an upstream tree in a temp folder, with files edited (for remote resources the offline render must replace). */
export function editedCopy(sourceRoot: string, edits: { [relativeFile: string]: (text: string) => string }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-upstream-copy-'));
  fs.cpSync(sourceRoot, dir, { recursive: true, dereference: false });
  for (const [file, edit] of Object.entries(edits)) {
    const p = path.join(dir, file);
    fs.writeFileSync(p, edit(fs.readFileSync(p, 'utf8')));
  }
  return dir;
}

/** The object of a kind and name in a render. */
export function find(objects: any[], kind: string, name: string): any | undefined {
  return objects.find((o) => o.kind === kind && o.metadata?.name === name);
}

/** Every `image` string in an object (containers, init containers, runtime specs). */
export function imagesOf(o: any): string[] {
  const out: string[] = [];
  const walk = (v: any) => {
    if (Array.isArray(v)) {v.forEach(walk);} else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'image' && typeof x === 'string') out.push(x);
        else walk(x);
      }
    }
  };
  walk(o);
  return out;
}

/** An image pinned to a version: a tag that is not latest and not a placeholder, or a digest. */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon < slash) return false;
  const tag = image.slice(colon + 1);
  return /\d/.test(tag) && !/latest|dummy|replace/i.test(tag);
}

/**
 * Checks a JSON 6902 patch against the renders without and with the release's patches: the
 * target exists before, every replaced or removed path exists before, and after the patch the
 * path holds the value (or is gone).
 */
export function assertJsonPatchApplied(before: any[], after: any[], kind: string, name: string, ops: any[]): void {
  const b = find(before, kind, name);
  const a = find(after, kind, name);
  if (!b) throw new Error(`patch target ${kind}/${name} is not in the render`);
  if (!a) throw new Error(`patch target ${kind}/${name} is gone after the patch`);
  for (const op of ops) {
    const before_ = pointer(b, op.path);
    const after_ = pointer(a, op.path);
    if (op.op !== 'add' && before_ === undefined) throw new Error(`${kind}/${name}: ${op.op} ${op.path}: no such field in the render`);
    if (op.op === 'remove') {
      if (after_ !== undefined) throw new Error(`${kind}/${name}: ${op.path} still there after remove`);
    } else if (JSON.stringify(trimString(after_)) !== JSON.stringify(trimString(op.value))) {
      throw new Error(`${kind}/${name}: ${op.path} is ${JSON.stringify(after_)} after the patch, not ${JSON.stringify(op.value)}`);
    }
  }
}

/** kustomize writes a multi-line string without its final newline. */
function trimString(v: any): any {
  return typeof v === 'string' ? v.trimEnd() : v;
}

function pointer(o: any, p: string): any {
  return p.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).reduce((v, k) => (v === undefined || v === null ? undefined : v[k]), o);
}

/** Checks a `provides` declaration against a render: CRDs, Services (ports, selector), workloads (labels, ports, service account), objects. */
export function assertProvidedByRender(provides: ReleaseProvides, objects: any[], namespace: string): void {
  const problems: string[] = [];
  for (const g of provides.customResources ?? []) {
    for (const kind of g.kinds) {
      if (!objects.some((o) => o.kind === 'CustomResourceDefinition' && o.spec.group === g.group && o.spec.names.kind === kind)) {
        problems.push(`no CRD for ${kind}.${g.group}`);
      }
    }
  }
  for (const s of provides.services ?? []) {
    const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === s.name && (o.metadata.namespace ?? namespace) === (s.namespace ?? namespace));
    if (!svc) { problems.push(`no Service ${s.name}`); continue; }
    if (JSON.stringify(sortKeys(svc.spec.selector)) !== JSON.stringify(sortKeys(s.selector))) {
      problems.push(`Service ${s.name} selects ${JSON.stringify(svc.spec.selector)}, declared ${JSON.stringify(s.selector)}`);
    }
    const pods = workloadsOf(objects).filter((w) => matches(s.selector, w.labels));
    for (const p of s.ports) {
      const sp = svc.spec.ports.find((x: any) => x.port === p.port && (p.name === undefined || x.name === p.name));
      if (!sp) { problems.push(`Service ${s.name} has no port ${p.name ?? ''}/${p.port}`); continue; }
      const target = resolveTarget(sp.targetPort ?? sp.port, pods);
      if (target !== (p.targetPort ?? p.port)) problems.push(`Service ${s.name} port ${p.port} goes to ${target}, declared ${p.targetPort ?? p.port}`);
    }
  }
  for (const w of provides.workloads ?? []) {
    const pods = workloadsOf(objects).filter((x) => matches(w.podLabels, x.labels));
    if (pods.length === 0) { problems.push(`no workload with pod labels ${JSON.stringify(w.podLabels)}`); continue; }
    const pod = pods[0];
    if (w.serviceAccount !== undefined && pod.spec.serviceAccountName !== w.serviceAccount) {
      problems.push(`workload ${w.name} runs as ${pod.spec.serviceAccountName}, declared ${w.serviceAccount}`);
    }
    const ports = pod.spec.containers.flatMap((c: any) => c.ports ?? []);
    for (const p of w.ports ?? []) {
      if (!ports.some((x: any) => x.containerPort === p.containerPort && (p.name === undefined || x.name === p.name))) {
        problems.push(`workload ${w.name} has no container port ${p.name ?? ''}/${p.containerPort}`);
      }
    }
  }
  for (const o of provides.objects ?? []) {
    if (!objects.some((x) => x.kind === o.kind && x.apiVersion === o.apiVersion && x.metadata.name === o.name)) problems.push(`no ${o.kind} ${o.name}`);
  }
  if (problems.length > 0) throw new Error(`provides does not match the render:\n  ${problems.join('\n  ')}`);
}

function sortKeys(o: { [k: string]: string }): { [k: string]: string } {
  return Object.fromEntries(Object.entries(o ?? {}).sort(([a], [b]) => a.localeCompare(b)));
}

function matches(selector: { [k: string]: string }, labels: { [k: string]: string }): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function workloadsOf(objects: any[]): { labels: any; spec: any }[] {
  return objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind))
    .map((o) => ({ labels: o.spec.template.metadata?.labels ?? {}, spec: o.spec.template.spec }));
}

function resolveTarget(target: any, pods: { spec: any }[]): number | undefined {
  if (typeof target === 'number') return target;
  for (const p of pods) {
    for (const c of p.spec.containers) {
      const port = (c.ports ?? []).find((x: any) => x.name === target);
      if (port) return port.containerPort;
    }
  }
  return undefined;
}

/**
 * Checks Helm values against a chart: every key path must be in values.yaml (values.tmpl.yaml
 * for charts whose values upstream fills at release) or in
 * values.schema.json (keys upstream documents there only, such as commented-out image tags).
 * A map whose default is empty (`{}`) takes any keys, as do the `freeMaps` named by the caller
 * (label maps such as nodeSelector).
 */
export function assertValuesInChart(values: any, chartDir: string, freeMaps: string[] = []): void {
  const valuesFile = ['values.yaml', 'values.tmpl.yaml'].map((f) => path.join(chartDir, f)).find((f) => fs.existsSync(f)) ?? path.join(chartDir, 'values.yaml');
  const defaults = YAML.parse(fs.readFileSync(valuesFile, 'utf8')) ?? {};
  const schemaFile = path.join(chartDir, 'values.schema.json');
  const schema = fs.existsSync(schemaFile) ? JSON.parse(fs.readFileSync(schemaFile, 'utf8')) : undefined;
  const problems: string[] = [];
  const walk = (v: any, d: any, s: any, at: string[]) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return;
    if (freeMaps.includes(at.join('.'))) return;
    if (d && typeof d === 'object' && !Array.isArray(d) && Object.keys(d).length === 0 && at.length > 0) return;
    for (const [k, x] of Object.entries(v)) {
      const here = [...at, k];
      const inDefaults = d && typeof d === 'object' && k in d;
      const sub = schema ? schemaChild(schema, s, k) : undefined;
      if (!inDefaults && sub === undefined) {
        problems.push(here.join('.'));
        continue;
      }
      walk(x, inDefaults ? d[k] : undefined, sub, here);
    }
  };
  walk(values, defaults, schema, []);
  if (problems.length > 0) throw new Error(`values not in ${chartDir} (values.yaml or values.schema.json): ${problems.join(', ')}`);
}

function schemaChild(root: any, node: any, key: string): any {
  let n = node;
  for (let i = 0; i < 10 && n && n.$ref; i++) n = resolveRef(root, n.$ref);
  if (!n) return undefined;
  if (n.properties && key in n.properties) {
    let c = n.properties[key];
    for (let i = 0; i < 10 && c && c.$ref; i++) c = resolveRef(root, c.$ref);
    return c ?? {};
  }
  for (const k of ['allOf', 'anyOf', 'oneOf']) {
    for (const alt of n[k] ?? []) {
      const c = schemaChild(root, alt, key);
      if (c !== undefined) return c;
    }
  }
  return undefined;
}

function resolveRef(root: any, ref: string): any {
  if (!ref.startsWith('#/')) return undefined;
  return ref.slice(2).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).reduce((v, k) => (v ? v[k] : undefined), root);
}

/** Checks the template paths a chart release's `provides` names: each exists and defines the declared kind. */
export function assertProvidedTemplates(provides: ReleaseProvides, chartDir: string): void {
  const problems: string[] = [];
  const check = (template: string | undefined, kinds: string[], what: string) => {
    if (!template) { problems.push(`${what}: no template named`); return; }
    const p = path.join(chartDir, template);
    if (!fs.existsSync(p)) { problems.push(`${what}: ${template} is not in the chart`); return; }
    const text = fs.readFileSync(p, 'utf8');
    // A kind chosen by a template expression (`kind: {{ $kind }}`) counts as each kind the template names in quotes.
    const templated = /^kind:\s*\{\{/m.test(text) && kinds.some((k) => text.includes(`"${k}"`));
    if (!templated && !kinds.some((k) => new RegExp(`^kind: ${k}\\s*$`, 'm').test(text))) problems.push(`${what}: ${template} defines no ${kinds.join(' or ')}`);
  };
  for (const s of provides.services ?? []) check(s.template, ['Service'], `Service ${s.name}`);
  for (const w of provides.workloads ?? []) check(w.template, ['Deployment', 'DaemonSet', 'StatefulSet'], `workload ${w.name}`);
  for (const o of provides.objects ?? []) check(o.template, [o.kind], `${o.kind} ${o.name}`);
  if (problems.length > 0) throw new Error(`provides does not match ${chartDir}:\n  ${problems.join('\n  ')}`);
}

/** The CRD kinds (group/kind) in the YAML files of a chart directory (crds/ or templates/). */
export function crdKindsIn(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {walk(p);} else if (/\.ya?ml$/.test(e.name)) {
        let text = fs.readFileSync(p, 'utf8');
        // An upstream symlink stored as a file holding its target (karpenter's crds/ -> pkg/apis/crds).
        if (/^\.\.\/[\w./-]+\.ya?ml$/.test(text.trim())) text = fs.readFileSync(path.resolve(d, text.trim()), 'utf8');
        if (!/kind: CustomResourceDefinition/.test(text)) continue;
        const group = /^\s+group: ([\w.-]+)\s*$/m.exec(text)?.[1];
        const kind = /^\s+kind: (\w+)\s*$/m.exec(text.slice(text.indexOf('names:')))?.[1];
        if (group && kind) out.push(`${kind}.${group}`);
      }
    }
  };
  walk(dir);
  return out.sort();
}

/** The kinds a `provides` declaration names, as `Kind.group`. */
export function declaredKinds(provides: ReleaseProvides): string[] {
  return (provides.customResources ?? []).flatMap((g) => g.kinds.map((k) => `${k}.${g.group}`)).sort();
}
