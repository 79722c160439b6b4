/**
 * Configuration that upstream keeps as YAML inside a ConfigMap and decodes into a Go type that
 * drops unknown fields without a word. Each entry of {@link EMBEDDED_CONFIGS} names the
 * ConfigMap and key, and the Go file and root type (in the vendored source of the same
 * release) that decode it; a key the type does not declare is a finding.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { GoFile, KubernetesFields, parseGoFile, unknownFields } from './go-types';
import { UpstreamSource } from './sources';
import { KubeObject } from './types';
import { nearest, orList } from './util';

/** A ConfigMap key holding configuration that a Go type decodes. */
export interface EmbeddedConfig {
  /** GitHub repository of the release that ships the ConfigMap. */
  readonly repo: string;
  /** ConfigMap name (as rendered). */
  readonly configMap: string;
  /** Key in `data`. */
  readonly key: string;
  /** The Go file with the type, relative to the repository root. */
  readonly goFile: string;
  /** The root type. */
  readonly rootType: string;
  /** What reads it, for messages. */
  readonly readBy: string;
  /**
   * Upstream's own way to get what an unknown field was meant for, by `<Go type>.<field>`.
   * @default - none
   */
  readonly hints?: { readonly [field: string]: string };
}

/** The embedded configurations checked. */
export const EMBEDDED_CONFIGS: EmbeddedConfig[] = [
  {
    repo: 'kubeflow/katib',
    configMap: 'katib-config',
    key: 'katib-config.yaml',
    goFile: 'pkg/apis/config/v1beta1/types.go',
    rootType: 'KatibConfig',
    readBy: 'the Katib controller',
    hints: {
      'MetricsCollectorConfig.securityContext': 'set init.controller.injectSecurityContext: true, and the controller gives the injected '
        + 'metrics collector the securityContext of the trial\'s first container',
      'EarlyStoppingConfig.securityContext': 'early stopping takes no securityContext from KatibConfig (EarlyStoppingConfig has image, '
        + 'imagePullPolicy and resources only)',
      'SuggestionConfig.podSecurityContext': 'a suggestion takes container fields only (corev1.Container is inline: securityContext is '
        + 'one); there is no pod-level securityContext',
    },
  },
];

/** One unknown field of an embedded configuration. */
export interface EmbeddedConfigProblem {
  /** `data."<key>".<path>`. */
  readonly path: string;
  readonly message: string;
}

const goFiles = new Map<string, GoFile>();

/**
 * Checks the embedded configurations of rendered objects of a release of `repo` at `revision`.
 * `rootDir` is the vendored repository root (`<upstream dir>/<component>/<version>`).
 */
export function checkEmbeddedConfigs(objects: KubeObject[], repo: string, rootDir: string, sourcesAtRevision: UpstreamSource[],
  k8s?: KubernetesFields, configs: EmbeddedConfig[] = EMBEDDED_CONFIGS): EmbeddedConfigProblem[] {
  const out: EmbeddedConfigProblem[] = [];
  for (const c of configs.filter((x) => x.repo.toLowerCase() === repo.toLowerCase())) {
    for (const o of objects) {
      if (o.kind !== 'ConfigMap' || o.metadata?.name !== c.configMap) continue;
      const data = (o as { data?: { [key: string]: unknown } }).data ?? {};
      const text = data[c.key];
      const where = `ConfigMap ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${c.configMap} key ${c.key}`;
      if (typeof text !== 'string') continue;
      const vendored = sourcesAtRevision.some((s) => c.goFile === s.upstreamPath || c.goFile.startsWith(`${s.upstreamPath}/`));
      const file = path.join(rootDir, c.goFile);
      if (!vendored || !fs.existsSync(file)) {
        out.push({ path: `data.${c.key}`, message: `${where} cannot be checked: ${c.goFile} (type ${c.rootType}) is not in the upstream directory; vendor it` });
        continue;
      }
      let value: unknown;
      try {
        value = YAML.parse(text, { version: '1.1', maxAliasCount: -1 });
      } catch (e) {
        out.push({ path: `data.${c.key}`, message: `${where} is not YAML (${(e as Error).message.split('\n')[0]}); ${c.readBy} cannot read it` });
        continue;
      }
      let go = goFiles.get(file);
      if (!go) {
        go = parseGoFile(fs.readFileSync(file, 'utf8'));
        goFiles.set(file, go);
      }
      // One finding per field, however many list entries repeat it.
      const groups = new Map<string, { u: ReturnType<typeof unknownFields>[number]; entries: string[] }>();
      for (const u of unknownFields(value, go, c.rootType, k8s)) {
        const pattern = u.path.replace(/\[\d+\]/g, '[*]');
        const g = groups.get(pattern) ?? { u, entries: [] };
        g.entries.push(...[...u.path.matchAll(/\[(\d+)\]/g)].map((m) => m[1]).slice(-1));
        groups.set(pattern, g);
      }
      for (const [pattern, { u, entries }] of groups) {
        const close = nearest(u.key, u.known);
        const hint = c.hints?.[`${u.type}.${u.key}`];
        const which = entries.length > 0 ? ` (entr${entries.length === 1 ? 'y' : 'ies'} ${entries.join(', ')})` : '';
        out.push({
          path: `data.${c.key}.${pattern}`,
          message: `${where}: field ${pattern}${which} is not a field of ${u.type} (${c.goFile}), so ${c.readBy} drops it silently; `
            + (close.length > 0 ? `did you mean ${orList(close)}?` : `remove it (${u.type} has ${u.known.join(', ')})`)
            + (hint ? `; upstream's way: ${hint}` : ''),
        });
      }
    }
  }
  return out;
}
