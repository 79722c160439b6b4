/**
 * Reads the synthesized output: its documents with their locations, and the Argo CD
 * Applications among them with their sources, destination, sync wave and declaration.
 */
import * as fs from 'fs';
import * as YAML from 'yaml';
import { KubeObject } from './types';
import { NETWORK_ANNOTATION, ResolvedReleaseNetwork } from '../../core/release-network';
import { PROVIDES_ANNOTATION, ReleaseProvides } from '../../core/release-provides';

/** One manifest file of the output: YAML text or parsed objects (read from disk when `content` is not given). */
export interface OutputFile {
  /** File name shown in findings. */
  readonly file: string;
  /**
   * YAML text or parsed objects.
   * @default - the file is read from disk
   */
  readonly content?: string | unknown[];
}

/** One object of the output and where it is. */
export interface OutputDocument {
  readonly object: KubeObject;
  /** File, when known. */
  readonly file?: string;
  /** Index of the document in its file (or in the input). */
  readonly index: number;
  /** `file#index`. */
  readonly location: string;
}

/** The source of an Application (one entry of `spec.sources`, or `spec.source`). */
export interface ApplicationSource {
  readonly repoURL: string;
  readonly chart?: string;
  readonly path?: string;
  readonly targetRevision: string;
  readonly helm?: {
    readonly releaseName?: string;
    readonly valuesObject?: { [key: string]: unknown };
    readonly values?: string;
    readonly parameters?: Array<{ name: string; value?: string; forceString?: boolean }>;
    readonly valueFiles?: string[];
  };
  readonly kustomize?: {
    readonly namespace?: string;
    readonly images?: string[];
    readonly patches?: Array<{ patch?: string; path?: string; target?: { [key: string]: string }; options?: { [key: string]: boolean } }>;
    readonly [key: string]: unknown;
  };
  readonly directory?: unknown;
  readonly ref?: string;
}

/** An Argo CD Application of the output. */
export interface ParsedApplication {
  readonly name: string;
  readonly location: string;
  /** Destination namespace (`default` when none). */
  readonly namespace: string;
  readonly syncWave: number;
  readonly sources: ApplicationSource[];
  /** The declaration of what it provides, when the annotation is there and parses. */
  readonly provides?: ReleaseProvides;
  /** Why the annotation does not parse. */
  readonly providesError?: string;
  /** The network the release declares (`cnai.io/network`), when the annotation is there and parses. */
  readonly network?: ResolvedReleaseNetwork;
  /** Why the network annotation does not parse. */
  readonly networkError?: string;
  readonly document: OutputDocument;
}

// kubectl reads YAML with go-yaml (YAML 1.1 booleans), like the manifest validator.
const YAML_OPTIONS = { version: '1.1' as const, maxAliasCount: -1 };

/**
 * The documents of the output. `input` is YAML text, an {@link OutputFile}, parsed objects,
 * or an array mixing those (the inputs validateManifests accepts, without cdk8s objects).
 */
export function collectOutputDocuments(input: unknown): OutputDocument[] {
  const out: OutputDocument[] = [];
  const add = (value: unknown, file: string | undefined, index: number) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const o = value as KubeObject;
      out.push({ object: { ...o, metadata: o.metadata ?? {} }, ...(file !== undefined ? { file } : {}), index, location: `${file ?? ''}#${index}` });
    }
  };
  const fromText = (text: string, file: string | undefined) => {
    YAML.parseAllDocuments(text, YAML_OPTIONS).forEach((doc, i) => {
      if (doc.errors.length > 0) return;
      add(doc.toJS({ maxAliasCount: -1 }), file, i);
    });
  };
  const walk = (x: unknown, counter: { next: number }) => {
    if (typeof x === 'string') {
      fromText(x, undefined);
    } else if (Array.isArray(x)) {
      for (const item of x) {
        if (isOutputFile(item) || typeof item === 'string' || Array.isArray(item)) walk(item, counter);
        else add(item, undefined, counter.next++);
      }
    } else if (isOutputFile(x)) {
      const content = x.content ?? fs.readFileSync(x.file, 'utf8');
      if (typeof content === 'string') fromText(content, x.file);
      else content.forEach((o, i) => add(o, x.file, i));
    } else if (x !== null && x !== undefined) {
      add(x, undefined, counter.next++);
    }
  };
  walk(input, { next: 0 });
  return out;
}

function isOutputFile(x: unknown): x is OutputFile {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const o = x as { [k: string]: unknown };
  return typeof o.file === 'string' && !('apiVersion' in o) && !('kind' in o);
}

/** The Argo CD Applications among the documents. */
export function parseApplications(docs: OutputDocument[]): ParsedApplication[] {
  const apps: ParsedApplication[] = [];
  for (const d of docs) {
    const o = d.object;
    if (o.kind !== 'Application' || typeof o.apiVersion !== 'string' || !o.apiVersion.startsWith('argoproj.io/')) continue;
    const spec = (o.spec ?? {}) as { source?: ApplicationSource; sources?: ApplicationSource[]; destination?: { namespace?: string } };
    const annotations = o.metadata.annotations ?? {};
    const wave = Number(annotations['argocd.argoproj.io/sync-wave'] ?? 0);
    let provides: ReleaseProvides | undefined;
    let providesError: string | undefined;
    const raw = annotations[PROVIDES_ANNOTATION];
    if (raw !== undefined) {
      try {
        provides = JSON.parse(raw) as ReleaseProvides;
      } catch (e) {
        providesError = `annotation ${PROVIDES_ANNOTATION} is not JSON: ${(e as Error).message}`;
      }
    }
    let network: ResolvedReleaseNetwork | undefined;
    let networkError: string | undefined;
    const rawNetwork = annotations[NETWORK_ANNOTATION];
    if (rawNetwork !== undefined) {
      try {
        network = JSON.parse(rawNetwork) as ResolvedReleaseNetwork;
      } catch (e) {
        networkError = `annotation ${NETWORK_ANNOTATION} is not JSON: ${(e as Error).message}`;
      }
    }
    apps.push({
      name: o.metadata.name ?? '(unnamed)',
      location: d.location,
      namespace: spec.destination?.namespace ?? 'default',
      syncWave: Number.isFinite(wave) ? wave : 0,
      sources: spec.sources ?? (spec.source ? [spec.source] : []),
      ...(provides ? { provides } : {}),
      ...(providesError ? { providesError } : {}),
      ...(network ? { network } : {}),
      ...(networkError ? { networkError } : {}),
      document: d,
    });
  }
  return apps;
}
