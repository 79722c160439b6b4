/**
 * In-cluster host names in free text (environment values, arguments, configuration files):
 * `name.namespace.svc[.cluster.local]`, `pod.name.namespace.svc[.cluster.local]` (pod DNS of a
 * headless Service), and `name.namespace` / `pod.name.namespace` where `namespace` is one of the
 * platform's, in a URL, with a port, or as the whole value. Ports come from the text or the
 * URL scheme's default.
 */
import * as YAML from 'yaml';
import { asObject } from './kinds';

/** An in-cluster host found in text. */
export interface HostMatch {
  /** The text as written: the URL, or `host[:port]`. */
  readonly text: string;
  readonly service: string;
  readonly namespace: string;
  /** Pod hostname for pod DNS names (`*` when templated, e.g. `${HOSTNAME}`). */
  readonly pod?: string;
  /** Port from the text, or the scheme's default; undefined when neither says. */
  readonly port?: number;
  readonly scheme?: string;
}

/** Default ports of URL schemes (the part before `+`, so `postgresql+psycopg2` is `postgresql`). */
export const SCHEME_PORTS: { [scheme: string]: number } = {
  http: 80,
  https: 443,
  ws: 80,
  wss: 443,
  grpc: 80,
  grpcs: 443,
  h2c: 80,
  postgres: 5432,
  postgresql: 5432,
  mysql: 3306,
  mariadb: 3306,
  redis: 6379,
  rediss: 6379,
  amqp: 5672,
  amqps: 5671,
  mongodb: 27017,
  nats: 4222,
  ldap: 389,
  ldaps: 636,
  memcached: 11211,
};

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const TEMPLATED = /[${}()]/;
// scheme://, user:password@, then a run of host characters and template expressions, then :port.
const CANDIDATE = /(?:([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:[^\s/@:'"]+(?::[^\s/@'"]*)?@)?)?((?:[A-Za-z0-9_.-]|\$\{[^}\s]*\}|\$\([^)\s]*\)|\{\{[^}]*\}\})+)(?::(\d{1,5})(?![\d.]))?/g;

function isName(label: string): boolean {
  return DNS_LABEL.test(label) && !/^\d+$/.test(label);
}

/** The in-cluster hosts in `text`. `namespaces` are the platform's (for the `name.namespace` forms). */
export function findInClusterHosts(text: string, namespaces: ReadonlySet<string>): HostMatch[] {
  const out: HostMatch[] = [];
  const whole = text.trim();
  CANDIDATE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = CANDIDATE.exec(text)) !== null) {
    if (m[0].length === 0) {
      CANDIDATE.lastIndex++;
      continue;
    }
    const scheme = m[1]?.toLowerCase();
    const host = m[2].replace(/\.+$/, '');
    const explicitPort = m[3] ? Number(m[3]) : undefined;
    const labels = host.split('.').map((l) => (TEMPLATED.test(l) ? l : l.toLowerCase()));
    const n = labels.length;
    let svcEnd = -1;
    if (labels[n - 1] === 'svc') svcEnd = n - 1;
    else if (n >= 3 && labels[n - 3] === 'svc' && labels[n - 2] === 'cluster' && labels[n - 1] === 'local') svcEnd = n - 3;
    let service: string | undefined;
    let namespace: string | undefined;
    let podParts: string[] = [];
    if (svcEnd >= 2) {
      namespace = labels[svcEnd - 1];
      service = labels[svcEnd - 2];
      podParts = labels.slice(0, svcEnd - 2);
    } else if (svcEnd < 0 && (n === 2 || n === 3) && namespaces.has(labels[n - 1])) {
      const standalone = `${host}${m[3] ? `:${m[3]}` : ''}` === whole || m[0] === whole;
      if (scheme === undefined && explicitPort === undefined && !standalone) continue;
      namespace = labels[n - 1];
      service = labels[n - 2];
      podParts = labels.slice(0, n - 2);
    }
    if (!service || !namespace || !isName(service) || !isName(namespace)) continue;
    if (podParts.some((p) => p === '')) podParts = ['*'];
    const pod = podParts.length === 0 ? undefined : podParts.length === 1 && isName(podParts[0]) ? podParts[0] : '*';
    const schemePort = scheme ? SCHEME_PORTS[scheme.split('+')[0]] : undefined;
    const port = explicitPort ?? schemePort;
    out.push({
      text: m[0],
      service,
      namespace,
      ...(pod ? { pod } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(scheme ? { scheme } : {}),
    });
  }
  return out;
}

/** A string found in a document, with its path. */
export interface TextSite {
  readonly path: string;
  readonly text: string;
}

/** Every string leaf of a parsed value, with its path (`a.b[0].c`). */
export function stringLeaves(value: unknown, path: string): TextSite[] {
  const out: TextSite[] = [];
  const walk = (v: unknown, p: string) => {
    if (typeof v === 'string') {out.push({ path: p, text: v });} else if (Array.isArray(v)) {v.forEach((x, i) => walk(x, `${p}[${i}]`));} else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(x, /^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? `${p}.${k}` : `${p}["${k}"]`);
    }
  };
  walk(value, path);
  return out;
}

/**
 * The strings of an embedded document (a ConfigMap value): the leaves of its YAML or JSON when
 * it parses to a map or list, else its lines (`path line N`).
 */
export function embeddedSites(text: string, path: string): TextSite[] {
  if (/\n/.test(text) || /^\s*[[{]/.test(text)) {
    try {
      const parsed: unknown = YAML.parse(text);
      if (asObject(parsed) || Array.isArray(parsed)) return stringLeaves(parsed, path);
    } catch {
      // not YAML or JSON: read it as lines
    }
  }
  return text.split('\n').map((line, i) => ({ path: text.includes('\n') ? `${path} line ${i + 1}` : path, text: line }));
}
