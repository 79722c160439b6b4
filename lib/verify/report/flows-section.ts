/**
 * The network flows of the report: the table of every flow the whole-platform verification
 * derived, with what the NetworkPolicies decide, and a matrix of flows between namespaces.
 */
import { esc, rect, svg, text, textWidth } from './svg';
import { compareText, FlowResult } from '../platform/flows';
import { Endpoint, endpointName, portLabel } from '../platform/network-policy';

/** The end's group in the matrix: its namespace, or the external end's name. */
function groupOf(end: Endpoint): string {
  return end.kind === 'pod' ? end.podGroup.namespace : end.name;
}

/** What decided a flow, in a few words (as the flow listing of the verification prints it). */
export function flowVerdict(r: FlowResult): string {
  const d = r.decision;
  if (!d.allowed) return `blocked: ${d.explanation}`;
  if (d.allowedBy.length === 0) return 'allowed (neither end is isolated)';
  return `allowed by ${d.allowedBy.join(', ')}`;
}

/** The table rows, in the verification's order. */
export function flowsTable(results: FlowResult[]): string {
  const rows = results.map((r) => [
    `<tr class="${r.decision.allowed ? 'allowed' : 'blocked'}">`,
    `<td>${esc(endpointName(r.flow.from))}</td>`,
    `<td>${esc(endpointName(r.flow.to))}</td>`,
    `<td>${esc(portLabel(r.flow.protocol, r.flow.port))}</td>`,
    `<td>${esc(r.flow.kind)}</td>`,
    `<td>${esc(flowVerdict(r))}</td>`,
    '</tr>',
  ].join(''));
  return [
    '<table id="flows-table"><thead><tr><th>from</th><th>to</th><th>port</th><th>why</th><th>NetworkPolicies</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody></table>`,
  ].join('\n');
}

const CELL = 30;
const MARGIN = 16;

/**
 * A matrix of flows between namespaces (and ends outside the cluster): a row per source, a
 * column per destination, the number of needed flows in each cell; red when one is blocked.
 */
export function flowMatrix(results: FlowResult[]): string {
  // Namespaces first, then the ends outside the cluster; each by name.
  const order = (ends: string[], external: Set<string>) => [...new Set(ends)]
    .sort((a, b) => Number(external.has(a)) - Number(external.has(b)) || compareText(a, b));
  const external = new Set(results.flatMap((r) => [r.flow.from, r.flow.to]).filter((e) => e.kind === 'external').map(groupOf));
  const sources = order(results.map((r) => groupOf(r.flow.from)), external);
  const targets = order(results.map((r) => groupOf(r.flow.to)), external);
  const counts = new Map<string, { allowed: number; blocked: number }>();
  for (const r of results) {
    const key = `${groupOf(r.flow.from)}\u0000${groupOf(r.flow.to)}`;
    const c = counts.get(key) ?? { allowed: 0, blocked: 0 };
    if (r.decision.allowed) c.allowed++;
    else c.blocked++;
    counts.set(key, c);
  }
  const rowLabelPx = Math.ceil(Math.max(textWidth('from ↓  to →'), ...sources.map(textWidth))) + 16;
  // Column labels are turned 60 degrees: they need the height of their width's sine.
  const colLabelPx = Math.ceil(Math.max(...targets.map(textWidth)) * Math.sin(Math.PI / 3)) + 16;
  const left = MARGIN + rowLabelPx;
  const top = MARGIN + colLabelPx;
  const body: string[] = [text(MARGIN, top - 6, 'from ↓  to →', { class: 'legend' })];
  targets.forEach((t, j) => {
    const x = left + j * CELL + CELL / 2;
    body.push(text(x, top - 6, t, { class: 'column', transform: `rotate(-60 ${x} ${top - 6})` }));
  });
  sources.forEach((s, i) => {
    const y = top + i * CELL;
    body.push(text(MARGIN, y + CELL / 2 + 4, s, { class: 'label' }));
    targets.forEach((t, j) => {
      const c = counts.get(`${s}\u0000${t}`);
      const x = left + j * CELL;
      const cls = !c ? 'cell empty' : c.blocked > 0 ? 'cell blocked' : 'cell allowed';
      body.push(rect(x, y, CELL, CELL, { class: cls }).replace(/\/>$/, `><title>${esc(`${s} → ${t}: ${c ? `${c.allowed} allowed, ${c.blocked} blocked` : 'no flow'}`)}</title></rect>`));
      if (c) body.push(text(x + CELL / 2, y + CELL / 2 + 4, String(c.allowed + c.blocked), { 'class': 'count', 'text-anchor': 'middle' }));
    });
  });
  // A column's label leans right by its width's cosine.
  const labelsRight = Math.max(0, ...targets.map((t, j) => j * CELL + CELL / 2 + textWidth(t) * Math.cos(Math.PI / 3)));
  const width = left + Math.ceil(Math.max(targets.length * CELL, labelsRight)) + MARGIN;
  const height = top + sources.length * CELL + MARGIN;
  return svg(width, height, 'Needed network flows between namespaces', body, { id: 'flow-matrix', class: 'chart' });
}
