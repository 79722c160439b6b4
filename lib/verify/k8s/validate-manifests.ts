/**
 * Validates synthesized Kubernetes manifests against the schema of each kind: the
 * Kubernetes OpenAPI definitions for core kinds, the pinned CRDs for custom kinds, plus the
 * API server's name, label and uniqueness rules and the CRDs' CEL rules.
 *
 * ```ts
 * assertValidManifests(Testing.synth(chart));            // in a test: throws with every finding
 * const report = validateManifests(fs.readFileSync('dist/app.k8s.yaml', 'utf8'), { file: 'dist/app.k8s.yaml' });
 * ```
 */
import * as fs from 'fs';
import * as YAML from 'yaml';
import { EKS } from '../../core/versions';
import { resolveSchemaDir } from '../schemas';
import { checkObjectName } from './names';
import { SchemaRegistry } from './schema-registry';
import { CelCounters, FindingCategory, formatPath, newCelCounters, PathFinding, validateValue } from './validator';

/** One manifest file: YAML text or parsed objects, with the name findings show. */
export interface ManifestFile {
  /** File name shown in findings (and read from disk when `content` is not given). */
  readonly file: string;
  /**
   * YAML text (one or more documents) or parsed objects.
   * @default - the file is read from disk
   */
  readonly content?: string | unknown[];
}

/** Options of {@link validateManifests}. */
export interface ValidateManifestsOptions {
  /**
   * Schema directory (with `k8s/` and `crds/`).
   * @default - resolveSchemaDir(): $CNAI_SCHEMA_DIR, ../shared/schemas next to the package, or the fetch cache
   */
  readonly schemaDir?: string;
  /**
   * Kubernetes version whose definitions core kinds are checked against (`1.34`, `v1.34.0`).
   * @default EKS.defaultKubernetesVersion
   */
  readonly kubernetesVersion?: string;
  /**
   * More CRD files (YAML), preferred over the schema directory's CRDs for the same kind.
   * @default - none
   */
  readonly crdFiles?: string[];
  /**
   * Evaluate the CRDs' CEL rules (x-kubernetes-validations).
   * @default true
   */
  readonly cel?: boolean;
  /**
   * File name to show for an input that has none (YAML text or objects).
   * @default - findings show the document index only
   */
  readonly file?: string;
}

/** One problem in one document. */
export interface ManifestFinding {
  /** File the document came from, when known. */
  readonly file?: string;
  /** Index of the document in its file (or in the input), from 0. */
  readonly documentIndex: number;
  /** Line in the file (from 1), when the input was YAML text. */
  readonly line?: number;
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  /** JSON path in the object, like `spec.template.spec.containers[0].imagePullPolicy` ("" for the whole document). */
  readonly path: string;
  /** What is wrong. */
  readonly reason: string;
  /** The kind of problem. */
  readonly category: FindingCategory;
}

/** CEL rule evaluations of one validation run. */
export interface CelStats {
  /** Evaluations that gave a verdict (passed + failed). */
  readonly evaluated: number;
  readonly passed: number;
  /** Evaluations that found a violation (each is a finding). */
  readonly failed: number;
  /** Transition rules met: they compare with the old object and do not apply at creation. */
  readonly skippedTransition: number;
  /** Rules met that could not be evaluated (see notEvaluatedRules). */
  readonly notEvaluated: number;
  /** Each rule that could not be evaluated, with why and how often it was met. */
  readonly notEvaluatedRules: CelRuleSkip[];
}

/** A rule that could not be evaluated. */
export interface CelRuleSkip {
  /** CRD file, version and schema path of the rule. */
  readonly location: string;
  readonly rule: string;
  readonly reason: string;
  /** How many times it was met. */
  readonly count: number;
}

/** The result of {@link validateManifests}. */
export interface ManifestValidationReport {
  /** True when there are no findings. */
  readonly valid: boolean;
  /** Every problem found. */
  readonly findings: ManifestFinding[];
  /** Documents read (empty YAML documents are not counted). */
  readonly documents: number;
  /** Objects validated against a schema. */
  readonly objectsChecked: number;
  /** Objects validated, per `apiVersion/kind` (e.g. `apps/v1/Deployment`). */
  readonly objectsPerKind: { [apiVersionKind: string]: number };
  /** CEL rule evaluations. */
  readonly cel: CelStats;
  /** The Kubernetes definitions used (`v1.34.0`). */
  readonly kubernetesVersion: string;
  /** The schema directory used. */
  readonly schemaDir: string;
  /** Schema patterns met that JavaScript cannot compile, so were not checked. */
  readonly uncheckedPatterns: string[];
}

/** Thrown by {@link assertValidManifests}: the message lists every finding. */
export class ManifestValidationError extends Error {
  constructor(public readonly report: ManifestValidationReport) {
    super(formatReport(report));
    this.name = 'ManifestValidationError';
  }
}

interface SourceDoc {
  readonly file?: string;
  readonly index: number;
  readonly value: unknown;
  readonly yaml?: { doc: YAML.Document; lines: YAML.LineCounter };
}

/**
 * Validates every object of `input` against the schema of its kind.
 *
 * @param input YAML text; a {@link ManifestFile}; objects (e.g. `Testing.synth(chart)`);
 *   anything with a `toJson()` method (a cdk8s Chart or ApiObject); a cdk8s App (its
 *   `charts`); or an array mixing those
 */
export function validateManifests(input: unknown, options: ValidateManifestsOptions = {}): ManifestValidationReport {
  const schemaDir = resolveSchemaDir(options.schemaDir);
  const registry = SchemaRegistry.for(schemaDir, options.kubernetesVersion ?? EKS.defaultKubernetesVersion, options.crdFiles ?? []);
  const docs: SourceDoc[] = [];
  const findings: ManifestFinding[] = [];
  collectDocuments(input, options.file, docs, findings, { next: 0 });

  const counters = newCelCounters();
  const perKind: { [k: string]: number } = {};
  const identities = new Map<string, SourceDoc>();
  let checked = 0;
  const cel = options.cel ?? true;
  const objectMeta = () => registry.objectMeta;

  for (const doc of docs) {
    const local: PathFinding[] = [];
    const obj = doc.value;
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      local.push({ path: [], reason: `document is ${Array.isArray(obj) ? 'a list' : typeof obj === 'string' ? 'a string' : String(obj)}, not a Kubernetes object`, category: FindingCategory.DOCUMENT });
      findings.push(...located(doc, {}, local));
      continue;
    }
    const o = obj as { [key: string]: unknown };
    const apiVersion = typeof o.apiVersion === 'string' && o.apiVersion !== '' ? o.apiVersion : undefined;
    const kind = typeof o.kind === 'string' && o.kind !== '' ? o.kind : undefined;
    const meta = o.metadata && typeof o.metadata === 'object' ? o.metadata as { [key: string]: unknown } : {};
    const name = typeof meta.name === 'string' ? meta.name : undefined;
    const namespace = typeof meta.namespace === 'string' ? meta.namespace : undefined;
    const ident = { apiVersion, kind, name, namespace };
    if (!apiVersion) local.push({ path: ['apiVersion'], reason: 'missing apiVersion: every object names its API version (e.g. "apps/v1")', category: FindingCategory.DOCUMENT });
    if (!kind) local.push({ path: ['kind'], reason: 'missing kind: every object names its kind (e.g. "Deployment")', category: FindingCategory.DOCUMENT });
    if (!apiVersion || !kind) {
      findings.push(...located(doc, ident, local));
      continue;
    }
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const found = registry.lookup(apiVersion, kind);
    let namespaced = true;
    if (found.schema) {
      const schema = found.schema;
      namespaced = schema.namespaced;
      if (!schema.served) local.push({ path: ['apiVersion'], reason: `${apiVersion} ${kind} is defined but not served by its CRD (${schema.source}); use the served version`, category: FindingCategory.KIND });
      checked++;
      const key = `${apiVersion}/${kind}`;
      perKind[key] = (perKind[key] ?? 0) + 1;
      local.push(...validateValue(schema.node, obj, { cel, counters, objectMeta }));
    } else {
      local.push({ path: [], reason: found.error!, category: FindingCategory.KIND });
    }
    if (name === undefined) {
      if (typeof meta.generateName !== 'string') local.push({ path: ['metadata'], reason: 'missing required field "name" (metadata.name)', category: FindingCategory.REQUIRED });
    } else {
      const problem = checkObjectName(group, kind, name);
      if (problem) local.push({ path: ['metadata', 'name'], reason: problem, category: FindingCategory.NAME });
      const id = `${group}\0${kind}\0${namespaced ? namespace ?? '' : ''}\0${name}`;
      const first = identities.get(id);
      if (first) {
        const where = first.file !== undefined && first.file !== doc.file ? `document ${first.index} of ${first.file}` : `document ${first.index}`;
        local.push({
          path: ['metadata', 'name'],
          reason: `duplicate object: ${where} already defines ${kind}${group ? `.${group}` : ''} ${namespaced && namespace ? `${namespace}/` : ''}${name}`,
          category: FindingCategory.DUPLICATE,
        });
      } else {
        identities.set(id, doc);
      }
    }
    findings.push(...located(doc, ident, local));
  }

  return {
    valid: findings.length === 0,
    findings,
    documents: docs.length,
    objectsChecked: checked,
    objectsPerKind: perKind,
    cel: celStats(counters),
    kubernetesVersion: registry.kubernetesVersion,
    schemaDir,
    uncheckedPatterns: [...new Set(registry.uncheckedPatterns.map((p) => p.pattern))],
  };
}

/**
 * Like {@link validateManifests}, but throws a {@link ManifestValidationError} listing every
 * finding when there is any. For one-line use in tests: `assertValidManifests(Testing.synth(chart))`.
 * @returns the report when valid
 */
export function assertValidManifests(input: unknown, options: ValidateManifestsOptions = {}): ManifestValidationReport {
  const report = validateManifests(input, options);
  if (!report.valid) throw new ManifestValidationError(report);
  return report;
}

/** One finding on one line: `file doc N (line L) Kind ns/name: path: reason`. */
export function formatFinding(f: ManifestFinding): string {
  const where = [f.file, `doc ${f.documentIndex}`].filter((x) => x !== undefined).join(' ') + (f.line !== undefined ? ` (line ${f.line})` : '');
  const object = [f.kind, f.name !== undefined ? `${f.namespace ? `${f.namespace}/` : ''}${f.name}` : undefined].filter((x) => x).join(' ');
  return `${where}${object ? ` ${object}` : ''}: ${f.path ? `${f.path}: ` : ''}${f.reason}`;
}

/** The report as text: a summary line and one line per finding. */
export function formatReport(report: ManifestValidationReport): string {
  const n = report.findings.length;
  const head = `${n === 0 ? 'No' : n} problem${n === 1 ? '' : 's'} in Kubernetes manifests (${report.objectsChecked} of ${report.documents} objects checked `
    + `against Kubernetes ${report.kubernetesVersion} and the CRDs in ${report.schemaDir})`;
  return [n === 0 ? head : `${head}:`, ...report.findings.map((f) => `  - ${formatFinding(f)}`)].join('\n');
}

function celStats(c: CelCounters): CelStats {
  return {
    evaluated: c.evaluated,
    passed: c.passed,
    failed: c.failed,
    skippedTransition: c.skippedTransition,
    notEvaluated: c.notEvaluated,
    notEvaluatedRules: [...c.notEvaluatedRules.values()].map((r) => ({ location: r.location, rule: r.rule, reason: r.reason, count: r.count })),
  };
}

interface Identity {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

function located(doc: SourceDoc, ident: Identity, local: PathFinding[]): ManifestFinding[] {
  return local.map((f) => {
    const line = doc.yaml ? lineOf(doc.yaml, f.path) : undefined;
    return {
      ...(doc.file !== undefined ? { file: doc.file } : {}),
      documentIndex: doc.index,
      ...(line !== undefined ? { line } : {}),
      ...(ident.apiVersion !== undefined ? { apiVersion: ident.apiVersion } : {}),
      ...(ident.kind !== undefined ? { kind: ident.kind } : {}),
      ...(ident.namespace !== undefined ? { namespace: ident.namespace } : {}),
      ...(ident.name !== undefined ? { name: ident.name } : {}),
      path: formatPath(f.path),
      reason: f.reason,
      category: f.category,
    };
  });
}

/** The line of the deepest node of `path` that exists in the YAML document. */
function lineOf(yaml: { doc: YAML.Document; lines: YAML.LineCounter }, path: ReadonlyArray<string | number>): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? yaml.doc.contents : yaml.doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return yaml.lines.linePos(range[0]).line;
  }
  return undefined;
}

// kubectl reads YAML with go-yaml v2 (YAML 1.1 booleans such as yes/on), but keeps
// timestamps and sexagesimal numbers as strings.
const YAML_OPTIONS = {
  version: '1.1' as const,
  uniqueKeys: true,
  customTags: (tags: YAML.Tags) => tags.filter((t) => {
    const tag = t as { tag?: string; format?: string };
    return tag.tag !== 'tag:yaml.org,2002:timestamp' && tag.format !== 'TIME' && tag.tag !== 'tag:yaml.org,2002:binary';
  }),
};

function collectDocuments(input: unknown, file: string | undefined, docs: SourceDoc[], findings: ManifestFinding[], counter: { next: number }): void {
  if (typeof input === 'string') {
    parseYaml(input, file, docs, findings);
    return;
  }
  if (Array.isArray(input)) {
    for (const item of input) {
      if (typeof item === 'string' || isManifestFile(item) || hasToJson(item) || hasCharts(item) || Array.isArray(item)) {
        collectDocuments(item, file, docs, findings, counter);
      } else if (item !== null && item !== undefined) {docs.push({ ...(file !== undefined ? { file } : {}), index: counter.next++, value: item });}
    }
    return;
  }
  if (isManifestFile(input)) {
    const content = input.content ?? fs.readFileSync(input.file, 'utf8');
    if (typeof content === 'string') {
      parseYaml(content, input.file, docs, findings);
    } else {
      const own = { next: 0 };
      collectDocuments(content, input.file, docs, findings, own);
    }
    return;
  }
  if (hasToJson(input)) {
    collectDocuments([input.toJson()].flat(), file, docs, findings, counter);
    return;
  }
  if (hasCharts(input)) {
    collectDocuments(input.charts, file, docs, findings, counter);
    return;
  }
  if (input !== null && input !== undefined) docs.push({ ...(file !== undefined ? { file } : {}), index: counter.next++, value: input });
}

function parseYaml(text: string, file: string | undefined, docs: SourceDoc[], findings: ManifestFinding[]): void {
  const lines = new YAML.LineCounter();
  const parsed = YAML.parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter: lines });
  parsed.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        findings.push({
          ...(file !== undefined ? { file } : {}),
          documentIndex: index,
          ...(e.linePos ? { line: e.linePos[0].line } : {}),
          path: '',
          reason: `YAML does not parse: ${e.message.split('\n')[0]}`,
          category: FindingCategory.DOCUMENT,
        });
      }
      return;
    }
    const value = doc.toJS();
    if (value === null || value === undefined) return;
    docs.push({ ...(file !== undefined ? { file } : {}), index, value, yaml: { doc, lines } });
  });
}

function isManifestFile(x: unknown): x is ManifestFile {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const o = x as { [k: string]: unknown };
  return typeof o.file === 'string' && !('apiVersion' in o) && !('kind' in o);
}

/** A cdk8s App (duck-typed: this module does not import cdk8s). */
function hasCharts(x: unknown): x is { charts: unknown[] } {
  return x !== null && typeof x === 'object' && !('apiVersion' in x) && Array.isArray((x as { charts?: unknown }).charts);
}

function hasToJson(x: unknown): x is { toJson(): unknown } {
  return x !== null && typeof x === 'object' && typeof (x as { toJson?: unknown }).toJson === 'function';
}
