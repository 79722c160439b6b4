/**
 * The schemas of every kind the verifier knows, loaded lazily and cached per schema
 * directory and Kubernetes version: the core definitions file is parsed on the first core
 * kind, each CRD file on the first object of one of its kinds, and each kind is compiled
 * once.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { EKS } from '../../core/versions';
import { assertSchemaDir, packageRoot, schemaDirHelp, SchemaDirError } from '../schemas';
import { CelRuleStatus, compileCelRule } from './cel';
import { CLUSTER_SCOPED_CORE_KINDS } from './names';
import { compileCrdSchema, CoreDefinitions, emptyNode, RawCelRule, RawSchema, SchemaNode, UncheckedPattern } from './schema-node';

/** The schema of one kind in one API version. */
export interface KindSchema {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The compiled schema of the whole object. */
  readonly node: SchemaNode;
  /** Where the schema comes from: `Kubernetes v1.34.0` or the CRD file. */
  readonly source: string;
  /** True for a custom resource. */
  readonly custom: boolean;
  /** False for cluster-scoped kinds. */
  readonly namespaced: boolean;
  /** False when the CRD defines the version but does not serve it. */
  readonly served: boolean;
}

/** A schema, or why there is none. */
export interface KindLookup {
  readonly schema?: KindSchema;
  readonly error?: string;
}

/** CEL rules of the CRD files, classified without any object. */
export interface CelRuleInventory {
  /** Rules in all CRD files (every version of every CRD document). */
  readonly total: number;
  /** Rules that would be evaluated. */
  readonly evaluable: number;
  /** Transition rules (mention oldSelf), skipped at creation. */
  readonly transition: number;
  /** Rules that cannot be evaluated offline, with the reason. */
  readonly notEvaluated: CelRuleNote[];
}

/** One rule that cannot be evaluated. */
export interface CelRuleNote {
  /** CRD file, version and schema path. */
  readonly location: string;
  readonly rule: string;
  readonly reason: string;
}

interface CrdEntry {
  readonly file: string;
  readonly group: string;
  readonly kind: string;
  /** Index of the document in the file. */
  readonly doc: number;
  readonly rank: number;
}

interface ParsedCrd {
  readonly spec: {
    readonly group: string;
    readonly scope?: string;
    readonly names: { readonly kind: string };
    readonly versions?: Array<{ name: string; served?: boolean; schema?: { openAPIV3Schema?: RawSchema } }>;
  };
}

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/**
 * For kinds defined by two files, the one to use: Katib's published Experiment CRD has no
 * schema, the Notebook CRD as installed carries the kustomization's validation patches, and
 * k8sgpt-operator's chart (0.2.27) installs an older K8sGPT CRD than its repository's
 * config/crd/bases (no security contexts or pod labels): resources are checked against what
 * gets installed.
 */
const PREFERRED_FILES: { [groupKind: string]: string } = {
  'kubeflow.org/Experiment': 'katib-experiments.from-openapi.yaml',
  'kubeflow.org/Notebook': 'notebooks-notebooks.kustomized.yaml',
  'core.k8sgpt.ai/K8sGPT': 'k8sgpt-k8sgpts.helm.yaml',
};

/** `1.34`, `v1.34`, `1.34.0` → `v1.34.0`. */
export function normalizeKubernetesVersion(version: string): string {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(version.trim());
  if (!m) throw new SchemaDirError(`kubernetesVersion "${version}" is not a Kubernetes version like "1.34"`);
  return `v${m[1]}.${m[2]}.${m[3] ?? '0'}`;
}

/** The schemas of one schema directory for one Kubernetes version. */
export class SchemaRegistry {
  /**
   * The registry of `dir` and `kubernetesVersion` (cached: loading and compiling happen once).
   * @param dir an existing schema directory (see resolveSchemaDir)
   * @param kubernetesVersion e.g. `1.34`
   * @param extraCrdFiles more CRD files, preferred over the directory's for the same kind
   */
  public static for(dir: string, kubernetesVersion: string = EKS.defaultKubernetesVersion, extraCrdFiles: string[] = []): SchemaRegistry {
    const version = normalizeKubernetesVersion(kubernetesVersion);
    const extra = extraCrdFiles.map((f) => path.resolve(f));
    const key = [path.resolve(dir), version, ...extra].join('\0');
    let registry = SchemaRegistry.instances.get(key);
    if (!registry) {
      registry = new SchemaRegistry(path.resolve(dir), version, extra);
      SchemaRegistry.instances.set(key, registry);
    }
    return registry;
  }

  private static readonly instances = new Map<string, SchemaRegistry>();

  /** Patterns of the schemas compiled so far that JavaScript cannot check. */
  public readonly uncheckedPatterns: UncheckedPattern[] = [];
  /** The definitions file of the Kubernetes version. */
  public readonly definitionsFile: string;
  private core?: CoreDefinitions;
  private coreIndex?: Map<string, string>;
  private crdIndex?: Map<string, CrdEntry[]>;
  private readonly crdFiles = new Map<string, ParsedCrd[]>();
  private readonly kinds = new Map<string, KindLookup>();

  private constructor(public readonly dir: string, public readonly kubernetesVersion: string, private readonly extraCrdFiles: string[]) {
    assertSchemaDir(dir);
    this.definitionsFile = path.join(dir, 'k8s', `${kubernetesVersion}-definitions.json`);
    if (!fs.existsSync(this.definitionsFile)) {
      const available = listDir(path.join(dir, 'k8s')).filter((f) => f.endsWith('-definitions.json')).map((f) => f.replace('-definitions.json', ''));
      throw new SchemaDirError(`No Kubernetes definitions for ${kubernetesVersion} in ${dir}: ${this.definitionsFile} does not exist `
        + `(available: ${available.join(', ') || 'none'}). Choose one of those with the kubernetesVersion option, or add the file. ${schemaDirHelp()}`);
    }
    for (const f of extraCrdFiles) {
      if (!fs.existsSync(f)) throw new SchemaDirError(`CRD file ${f} (from the crdFiles option) does not exist`);
    }
  }

  /** The schema of `apiVersion`/`kind`, or why there is none. */
  public lookup(apiVersion: string, kind: string): KindLookup {
    const key = `${apiVersion}/${kind}`;
    let found = this.kinds.get(key);
    if (!found) {
      found = this.find(apiVersion, kind);
      this.kinds.set(key, found);
    }
    return found;
  }

  /** The core ObjectMeta schema (also used for custom resources and embedded resources). */
  public get objectMeta(): SchemaNode {
    return this.coreDefinitions().get(OBJECT_META);
  }

  /** Classifies every CEL rule of every CRD file (parses all files: takes about a second). */
  public celRuleInventory(): CelRuleInventory {
    let total = 0;
    let evaluable = 0;
    let transition = 0;
    const notEvaluated: CelRuleNote[] = [];
    for (const file of this.allCrdFiles()) {
      for (const crd of this.crdDocuments(file)) {
        for (const v of crd.spec.versions ?? []) {
          walkRules(v.schema?.openAPIV3Schema, '', (rule, at) => {
            total++;
            const compiled = compileCelRule(rule);
            if (compiled.status === CelRuleStatus.EVALUABLE) evaluable++;
            else if (compiled.status === CelRuleStatus.TRANSITION) transition++;
            else notEvaluated.push({ location: `${this.relative(file)} ${crd.spec.names.kind} ${v.name} ${at || '.'}`, rule: rule.rule, reason: compiled.reason ?? '' });
          });
        }
      }
    }
    return { total, evaluable, transition, notEvaluated };
  }

  private find(apiVersion: string, kind: string): KindLookup {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    const index = this.coreGvkIndex();
    const def = index.get(`${group}/${version}/${kind}`);
    if (def) {
      const groupKind = `${group}/${kind}`;
      return {
        schema: {
          group,
          version,
          kind,
          node: this.coreDefinitions().get(def),
          source: `Kubernetes ${this.kubernetesVersion}`,
          custom: false,
          namespaced: !CLUSTER_SCOPED_CORE_KINDS.has(groupKind),
          served: true,
        },
      };
    }
    const entries = this.crdEntries().get(`${group}/${kind}`);
    if (entries && entries.length > 0) return this.crdKind(entries[0], group, version, kind);
    const coreVersions = [...index.keys()].filter((k) => k.endsWith(`/${kind}`)).map((k) => {
      const [g, v] = k.split('/');
      return g ? `${g}/${v}` : v;
    });
    if (coreVersions.length > 0) {
      return { error: `Kubernetes ${this.kubernetesVersion} has no ${kind} in ${apiVersion}; it serves ${kind} as ${coreVersions.join(', ')}` };
    }
    const otherGroups = [...this.crdEntries().values()].flat().filter((e) => e.kind === kind).map((e) => e.group);
    const hint = otherGroups.length > 0 ? `; CRDs define ${kind} in group ${[...new Set(otherGroups)].join(', ')}` : '';
    return {
      error: `no schema for ${kind} in ${apiVersion}: it is neither a Kubernetes ${this.kubernetesVersion} kind nor defined by a CRD under `
        + `${path.join(this.dir, 'crds')}${hint} (add its CRD there or pass it with the crdFiles option)`,
    };
  }

  private crdKind(entry: CrdEntry, group: string, version: string, kind: string): KindLookup {
    const crd = this.crdDocuments(entry.file)[entry.doc];
    const versions = crd.spec.versions ?? [];
    const v = versions.find((x) => x.name === version);
    const file = this.relative(entry.file);
    if (!v) {
      return { error: `the CRD of ${kind} (${file}) has no version ${version} of ${group}; it defines ${versions.map((x) => `${group}/${x.name}`).join(', ')}` };
    }
    const raw = v.schema?.openAPIV3Schema;
    if (!raw) return { error: `the CRD of ${kind} (${file}) has no schema for ${group}/${version}` };
    const root = compileCrdSchema(raw, `${file} ${version}`, this.uncheckedPatterns);
    // apiVersion, kind and metadata are the API server's: metadata is checked as ObjectMeta.
    const node: SchemaNode = { ...root, properties: new Map(root.properties ?? []) };
    const str = emptyNode();
    str.types = ['string'];
    node.properties!.set('apiVersion', str);
    node.properties!.set('kind', str);
    node.properties!.set('metadata', this.objectMeta);
    return {
      schema: {
        group,
        version,
        kind,
        node,
        source: file,
        custom: true,
        namespaced: crd.spec.scope !== 'Cluster',
        served: v.served !== false,
      },
    };
  }

  private coreDefinitions(): CoreDefinitions {
    if (!this.core) {
      let parsed: { definitions?: { [name: string]: RawSchema } };
      try {
        parsed = JSON.parse(fs.readFileSync(this.definitionsFile, 'utf8'));
      } catch (e) {
        throw new SchemaDirError(`${this.definitionsFile} is not valid JSON (${(e as Error).message}). ${schemaDirHelp()}`);
      }
      if (!parsed.definitions) throw new SchemaDirError(`${this.definitionsFile} has no "definitions". ${schemaDirHelp()}`);
      this.core = new CoreDefinitions(parsed.definitions, `Kubernetes ${this.kubernetesVersion}`);
      this.coreIndex = new Map();
      for (const [name, def] of Object.entries(parsed.definitions)) {
        const gvks = def['x-kubernetes-group-version-kind'];
        if (!Array.isArray(gvks)) continue;
        for (const g of gvks as Array<{ group: string; version: string; kind: string }>) {
          this.coreIndex.set(`${g.group}/${g.version}/${g.kind}`, name);
        }
      }
    }
    return this.core;
  }

  private coreGvkIndex(): Map<string, string> {
    this.coreDefinitions();
    return this.coreIndex!;
  }

  private allCrdFiles(): string[] {
    const dir = path.join(this.dir, 'crds');
    const own = listDir(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f));
    return [...this.extraCrdFiles, ...own];
  }

  /** group/kind → CRD entries, best first. Indexed from each document's head only (fast). */
  private crdEntries(): Map<string, CrdEntry[]> {
    if (this.crdIndex) return this.crdIndex;
    const index = new Map<string, CrdEntry[]>();
    for (const file of this.allCrdFiles()) {
      const extra = this.extraCrdFiles.includes(file);
      const base = path.basename(file);
      heads(fs.readFileSync(file, 'utf8'), () => this.crdDocuments(file)).forEach((head, doc) => {
        if (!head) return;
        const groupKind = `${head.group}/${head.kind}`;
        const rank = extra ? 0 : PREFERRED_FILES[groupKind] === base ? 1 : /\.(kustomized|from-openapi)\./.test(base) ? 2 : 3;
        const list = index.get(groupKind) ?? [];
        list.push({ file, group: head.group, kind: head.kind, doc, rank });
        index.set(groupKind, list);
      });
    }
    for (const list of index.values()) list.sort((a, b) => a.rank - b.rank || a.file.localeCompare(b.file));
    this.crdIndex = index;
    return index;
  }

  private crdDocuments(file: string): ParsedCrd[] {
    let docs = this.crdFiles.get(file);
    if (!docs) {
      docs = parseCrdFile(file);
      this.crdFiles.set(file, docs);
    }
    return docs;
  }

  private relative(file: string): string {
    const rel = path.relative(this.dir, file);
    return rel.startsWith('..') ? path.relative(process.cwd(), file) : rel;
  }
}

/**
 * Group and kind of each CRD document of a YAML file, read from the part of the document
 * before `versions:` (where controller-gen and most tools put group and names), falling
 * back to a full parse when that does not yield them.
 */
function heads(text: string, fullParse: () => ParsedCrd[]): Array<{ group: string; kind: string } | undefined> {
  const docs = text.split(/^---[^\n]*$/m);
  const out: Array<{ group: string; kind: string } | undefined> = [];
  let needFull = false;
  let nonEmpty = 0;
  for (const doc of docs) {
    if (doc.trim() === '' || /^(\s*#[^\n]*\n?)*\s*$/.test(doc)) continue;
    nonEmpty++;
    const cut = doc.search(/^ {2}versions:/m);
    let head: unknown;
    try {
      head = YAML.parse(cut > 0 ? doc.slice(0, cut) : doc);
    } catch {
      needFull = true;
      break;
    }
    const h = head as { kind?: string; spec?: { group?: string; names?: { kind?: string } } } | null;
    if (h?.kind !== 'CustomResourceDefinition') {
      out.push(undefined);
      continue;
    }
    if (typeof h.spec?.group !== 'string' || typeof h.spec?.names?.kind !== 'string') {
      needFull = true;
      break;
    }
    out.push({ group: h.spec.group, kind: h.spec.names.kind });
  }
  if (!needFull && out.length === nonEmpty) return out;
  return fullParse().map((d) => (d ? { group: d.spec.group, kind: d.spec.names.kind } : undefined));
}

/**
 * The documents of a CRD file (undefined for documents that are not CRDs). Parsing YAML is
 * slow (a third of a second for KServe's 2 MB CRD), so the result is also kept as JSON in
 * `.cache/cnai-schemas-parsed`, keyed by the sha256 of the file's content: a changed file
 * is parsed again, and a cache that cannot be written is only slower.
 */
function parseCrdFile(file: string): ParsedCrd[] {
  const text = fs.readFileSync(file, 'utf8');
  const hash = crypto.createHash('sha256').update(text).digest('hex');
  const cached = path.join(packageRoot(), '.cache', 'cnai-schemas-parsed', `${path.basename(file)}.${hash.slice(0, 32)}.json`);
  try {
    return (JSON.parse(fs.readFileSync(cached, 'utf8')) as Array<ParsedCrd | null>).map((d) => d ?? undefined) as ParsedCrd[];
  } catch {
    // Not cached yet (or unreadable): parse.
  }
  // Empty documents are dropped, as heads() drops them, so that indexes agree.
  const docs = YAML.parseAllDocuments(text).filter((d) => d.contents !== null).map((d) => {
    if (d.errors.length > 0) throw new SchemaDirError(`CRD file ${file}: ${d.errors[0].message}`);
    const value = d.toJS({ maxAliasCount: -1 }) as unknown;
    return isCrd(value) ? value : undefined;
  });
  try {
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(docs.map((d) => d ?? null)));
    fs.renameSync(tmp, cached);
  } catch {
    // A read-only installation: no cache.
  }
  return docs as ParsedCrd[];
}

function isCrd(d: unknown): d is ParsedCrd {
  const o = d as { kind?: unknown; spec?: { group?: unknown; names?: { kind?: unknown } } } | null;
  return !!o && o.kind === 'CustomResourceDefinition' && typeof o.spec?.group === 'string' && typeof o.spec?.names?.kind === 'string';
}

function walkRules(raw: unknown, at: string, visit: (rule: RawCelRule, at: string) => void): void {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return;
  const node = raw as RawSchema;
  const rules = node['x-kubernetes-validations'];
  if (Array.isArray(rules)) for (const r of rules) if (r && typeof r.rule === 'string') visit(r as RawCelRule, at);
  const props = node.properties;
  if (props && typeof props === 'object') for (const [k, v] of Object.entries(props)) walkRules(v, `${at}.${k}`, visit);
  walkRules(node.items, `${at}[]`, visit);
  walkRules(node.additionalProperties, `${at}{}`, visit);
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const list = node[key];
    if (Array.isArray(list)) for (const s of list) walkRules(s, at, visit);
  }
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
