/**
 * Printing of the flow check (flows.ts): a text listing grouped by source namespace, and a
 * Mermaid flowchart (https://mermaid.js.org/syntax/flowchart.html) generated from the
 * results, for the synth summary and the docs. Both are in a stable order, so that output
 * can be compared as text.
 */
import { compareText, FlowFinding, FlowKind, FlowResult } from './flows';
import { Endpoint, endpointName, podGroupName, portLabel } from './network-policy';

/** `knowledge/knowledge`, or `AWS services (0.0.0.0/0)` for an end outside the pod network. */
function endText(end: Endpoint): string {
  return end.kind === 'pod' ? endpointName(end) : `${end.name} (${end.cidrs.join(', ')})`;
}

/** What decided a flow, in a few words: `allowed by a, b`, or `blocked: why`. */
function verdict(result: FlowResult): string {
  const d = result.decision;
  if (!d.allowed) return `blocked: ${d.explanation}`;
  if (d.allowedBy.length === 0) return 'allowed (neither end is isolated)';
  return `allowed by ${d.allowedBy.join(', ')}`;
}

const OUTSIDE = 'outside the cluster';

function sourceGroup(result: FlowResult): string {
  return result.flow.from.kind === 'pod' ? result.flow.from.podGroup.namespace : OUTSIDE;
}

/**
 * The flows as text, grouped by source namespace (ends outside the cluster last), one line per
 * flow: `ai-apps/chat → knowledge/knowledge TCP 6333 allowed by knowledge/knowledge-ingress`.
 */
export function formatFlows(results: FlowResult[]): string {
  const groups = new Map<string, string[]>();
  const order = [...results].sort((a, b) => (sourceGroup(a) === OUTSIDE ? 1 : 0) - (sourceGroup(b) === OUTSIDE ? 1 : 0)
    || compareText(sourceGroup(a), sourceGroup(b))
    || compareText(endpointName(a.flow.from), endpointName(b.flow.from))
    || compareText(endText(a.flow.to), endText(b.flow.to))
    || compareText(a.flow.protocol, b.flow.protocol)
    || a.flow.port - b.flow.port);
  for (const r of order) {
    const lines = groups.get(sourceGroup(r)) ?? [];
    lines.push(`  ${endText(r.flow.from)} → ${endText(r.flow.to)} ${portLabel(r.flow.protocol, r.flow.port)} ${verdict(r)}`);
    groups.set(sourceGroup(r), lines);
  }
  return [...groups.entries()].map(([group, lines]) => [group, ...lines].join('\n')).join('\n');
}

/** The findings as text, one per line, blocked flows first. */
export function formatFlowFindings(findings: FlowFinding[]): string {
  return findings.map((f) => `- ${f.message}`).join('\n');
}

/** Options of {@link flowDiagram}. */
export interface FlowDiagramOptions {
  /**
   * Kinds of flows to draw (e.g. without DNS, which every pod group has).
   * @default - every kind
   */
  readonly kinds?: FlowKind[];
  /**
   * Direction of the chart.
   * @default 'LR'
   */
  readonly direction?: 'LR' | 'TB';
}

/** Colour of blocked flows. */
const BLOCKED_STYLE = 'stroke:#d62728,stroke-width:2px,color:#d62728';

function quote(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

function endKey(end: Endpoint): string {
  return end.kind === 'pod' ? `pod ${end.podGroup.id}` : `external ${end.name} ${end.cidrs.join(',')}`;
}

/**
 * A Mermaid flowchart of the flows: one subgraph per namespace with one node per pod group,
 * ends outside the cluster in their own subgraph, one edge per pair of ends labelled with the
 * ports (`TCP 6333, TCP 6334`). Blocked flows are dotted red edges of their own, labelled
 * `blocked`. Node ids are numbered in sorted order, so the text is stable.
 */
export function flowDiagram(results: FlowResult[], options: FlowDiagramOptions = {}): string {
  const shown = results.filter((r) => !options.kinds || options.kinds.includes(r.flow.kind));

  // Nodes: pod groups by namespace, then external ends.
  const ends = new Map<string, Endpoint>();
  for (const r of shown) for (const end of [r.flow.from, r.flow.to]) ends.set(endKey(end), end);
  const pods = [...ends.values()].filter((e) => e.kind === 'pod')
    .sort((a, b) => compareText(endpointName(a), endpointName(b)) || compareText(endKey(a), endKey(b)));
  const externals = [...ends.values()].filter((e) => e.kind === 'external').sort((a, b) => compareText(endText(a), endText(b)));
  const ids = new Map<string, string>();
  pods.forEach((e, i) => ids.set(endKey(e), `n${i + 1}`));
  externals.forEach((e, i) => ids.set(endKey(e), `e${i + 1}`));

  const lines = [`flowchart ${options.direction ?? 'LR'}`];
  const namespaces = [...new Set(pods.map((e) => (e.kind === 'pod' ? e.podGroup.namespace : '')))];
  namespaces.forEach((ns, i) => {
    const members = pods.filter((e) => e.kind === 'pod' && e.podGroup.namespace === ns);
    const names = members.map((e) => (e.kind === 'pod' ? podGroupName(e.podGroup).slice(ns.length + 1) : ''));
    lines.push(`  subgraph ns${i + 1}[${quote(ns)}]`);
    members.forEach((e, j) => {
      // Two pod groups of one name (say a Deployment and a Job) are told apart by their kind.
      const name = names.filter((n) => n === names[j]).length > 1 && e.kind === 'pod' ? e.podGroup.id.replace(/ .*\//, ' ') : names[j];
      lines.push(`    ${ids.get(endKey(e))}[${quote(name)}]`);
    });
    lines.push('  end');
  });
  if (externals.length > 0) {
    lines.push(`  subgraph ext[${quote(OUTSIDE)}]`);
    for (const e of externals) lines.push(`    ${ids.get(endKey(e))}[${quote(endText(e))}]`);
    lines.push('  end');
  }

  // Edges: one per (from, to, allowed), ports sorted by protocol then number.
  const edges = new Map<string, { from: string; to: string; blocked: boolean; ports: Array<{ protocol: string; port: number }> }>();
  for (const r of shown) {
    const from = ids.get(endKey(r.flow.from))!;
    const to = ids.get(endKey(r.flow.to))!;
    const blocked = !r.decision.allowed;
    const key = `${from}|${to}|${blocked}`;
    const edge = edges.get(key) ?? { from, to, blocked, ports: [] };
    if (!edge.ports.some((p) => p.protocol === r.flow.protocol && p.port === r.flow.port)) {
      edge.ports.push({ protocol: r.flow.protocol, port: r.flow.port });
    }
    edges.set(key, edge);
  }
  const rank = (id: string) => (id.startsWith('n') ? 0 : 1) * 1e6 + Number(id.slice(1));
  const ordered = [...edges.values()].sort((a, b) => rank(a.from) - rank(b.from) || rank(a.to) - rank(b.to) || Number(a.blocked) - Number(b.blocked));
  const blockedIndexes: number[] = [];
  ordered.forEach((edge, i) => {
    const ports = edge.ports.sort((a, b) => compareText(a.protocol, b.protocol) || a.port - b.port).map((p) => portLabel(p.protocol, p.port)).join(', ');
    if (edge.blocked) {
      blockedIndexes.push(i);
      lines.push(`  ${edge.from} -.->|${quote(`blocked ${ports}`)}| ${edge.to}`);
    } else {
      lines.push(`  ${edge.from} -->|${quote(ports)}| ${edge.to}`);
    }
  });
  if (externals.length > 0) {
    lines.push('  classDef external fill:#f4f4f4,stroke:#888,stroke-dasharray:3 3');
    lines.push(`  class ${externals.map((e) => ids.get(endKey(e))).join(',')} external`);
  }
  if (blockedIndexes.length > 0) lines.push(`  linkStyle ${blockedIndexes.join(',')} ${BLOCKED_STYLE}`);
  return lines.join('\n');
}
