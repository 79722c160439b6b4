/**
 * The report's bar charts (SVG): GPU capacity per pool with the teams' quotas, monthly cost
 * per pool, per team and per served model. Bar lengths come from the cost report's figures and
 * every printed figure from CostModel.formatFigure, the function the text summary prints with.
 */
import { esc, n, rect, seriesColour, svg, teamColour, text, textWidth } from './svg';
import { CostFigure, CostModel, PlatformCostReport } from '../../core/cost';

const WIDTH = 1360;
const MARGIN = 16;
const BAR_PX = 18;
const ROW_PX = 26;
const LEGEND_PX = 28;

/** One part of a bar. */
export interface BarSegment {
  readonly value: number;
  readonly colour: string;
  /** Tooltip. */
  readonly title: string;
  /** `range` (the part between low and high), `atmost` (an upper bound), or undefined (a known value). */
  readonly style?: 'range' | 'atmost';
}

/** One bar of a chart. */
export interface BarRow {
  readonly label: string;
  readonly segments: BarSegment[];
  /** The figure printed after the bar. */
  readonly valueText: string;
  /**
   * Key of the printed figure, in the attribute {@link dataAttribute} (the browser test compares
   * `data-cost` figures with the text summary).
   * @default - none
   */
  readonly dataKey?: string;
  /**
   * Attribute of {@link dataKey}.
   * @default 'data-cost'
   */
  readonly dataAttribute?: string;
  /**
   * A row that starts a group (drawn with space above).
   * @default false
   */
  readonly groupStart?: boolean;
}

/** A legend entry. */
export interface LegendEntry {
  readonly colour: string;
  readonly label: string;
  readonly style?: 'range' | 'atmost';
}

/**
 * The hatching of upper bounds, one pattern per colour (a pattern's content cannot take the
 * colour of the shape that uses it) and per chart (ids are unique in the page).
 */
class Hatching {
  private readonly colours: string[] = [];

  constructor(private readonly chartId: string) {}

  /** The fill of an upper bound in `colour`. */
  public fill(colour: string): string {
    if (!this.colours.includes(colour)) this.colours.push(colour);
    return `url(#${this.chartId}-atmost-${this.colours.indexOf(colour)})`;
  }

  /** The patterns used. */
  public defs(): string[] {
    return [
      '<defs>',
      ...this.colours.map((c, i) => `<pattern id="${this.chartId}-atmost-${i}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">`
        + `<rect width="6" height="6" fill="#fff"/><rect width="3" height="6" fill="${esc(c)}"/></pattern>`),
      '</defs>',
    ];
  }
}

function segmentRect(x: number, y: number, width: number, height: number, s: BarSegment, hatching: Hatching): string {
  const fill = s.style === 'atmost' ? hatching.fill(s.colour) : s.colour;
  const opacity = s.style === 'range' ? 0.4 : undefined;
  return rect(x, y, width, height, { fill, 'fill-opacity': opacity, 'stroke': s.style === 'atmost' ? s.colour : undefined })
    .replace(/\/>$/, `><title>${esc(s.title)}</title></rect>`);
}

/** A horizontal bar chart: labels, bars scaled to the longest, the figure after each bar, a legend. */
export function barChart(id: string, title: string, rows: BarRow[], legend: LegendEntry[]): string {
  const labelPx = Math.ceil(Math.max(60, ...rows.map((r) => textWidth(r.label)))) + 12;
  const valuePx = Math.ceil(Math.max(60, ...rows.map((r) => textWidth(r.valueText)))) + 12;
  const barsPx = WIDTH - 2 * MARGIN - labelPx - valuePx;
  const max = Math.max(0, ...rows.map((r) => r.segments.reduce((s, x) => s + x.value, 0)));
  const scale = max > 0 ? barsPx / max : 0;
  const hatching = new Hatching(id);
  const body: string[] = [];
  let y = MARGIN;
  rows.forEach((r) => {
    if (r.groupStart) y += 8;
    body.push(text(MARGIN, y + 13, r.label, { class: 'label' }));
    let x = MARGIN + labelPx;
    for (const s of r.segments) {
      if (s.value <= 0) continue;
      // At least a pixel, so that a small figure still shows.
      const w = Math.max(1, s.value * scale);
      body.push(segmentRect(x, y, w, BAR_PX, s, hatching));
      x += w;
    }
    body.push(text(x + 6, y + 13, r.valueText, { class: 'value', [r.dataAttribute ?? 'data-cost']: r.dataKey }));
    y += ROW_PX;
  });
  // Legend.
  y += 8;
  let lx = MARGIN + labelPx;
  for (const l of legend) {
    const entryPx = 20 + textWidth(l.label) + 24;
    if (lx > MARGIN + labelPx && lx + entryPx > WIDTH - MARGIN) {
      lx = MARGIN + labelPx;
      y += 22;
    }
    body.push(segmentRect(lx, y, 14, 14, { value: 1, colour: l.colour, title: l.label, style: l.style }, hatching));
    body.push(text(lx + 20, y + 12, l.label, { class: 'legend' }));
    lx += entryPx;
  }
  y += LEGEND_PX;
  return svg(WIDTH, y, title, [...hatching.defs(), ...body], { id, class: 'chart' });
}

/** The segments of a cost figure: known part, range part, or an upper bound. */
export function figureSegments(f: CostFigure, colour: string, what: string): BarSegment[] {
  const tip = `${what}: ${CostModel.formatFigure(f)}`;
  if (f.atMost) return [{ value: f.highUsd, colour, title: tip, style: 'atmost' }];
  return [
    { value: f.lowUsd, colour, title: tip },
    { value: f.highUsd - f.lowUsd, colour, title: `${tip} (the range of the pool's instance types)`, style: 'range' },
  ];
}

const FIGURE_LEGEND: LegendEntry[] = [
  { colour: '#555', label: 'on-demand list price' },
  { colour: '#555', label: 'range over the pool\'s instance types', style: 'range' },
  { colour: '#555', label: 'spot: at most (on-demand price as the upper bound)', style: 'atmost' },
];

/** GPU capacity per pool at its most nodes, split into the teams' nominal quotas and what is not assigned. */
export function capacityChart(cost: PlatformCostReport, teamOrder: string[]): string {
  const rows: BarRow[] = cost.pools.map((p) => {
    const segments: BarSegment[] = [];
    let assigned = 0;
    for (const t of cost.teams) {
      const q = t.quotas.find((x) => x.pool === p.pool);
      if (!q) continue;
      assigned += q.physicalGpus;
      segments.push({ value: q.physicalGpus, colour: teamColour(teamOrder.indexOf(t.team)), title: `${t.team}: quota ${q.gpus}${p.timeSlicingReplicas > 1 ? ` slices = ${q.physicalGpus} GPUs` : ' GPUs'}` });
    }
    const free = Math.max(0, p.maxGpus - assigned);
    segments.push({ value: free, colour: '#d0d0d0', title: `not in a nominal quota: ${n(free)} GPUs` });
    return {
      label: p.pool,
      segments,
      valueText: `${p.maxGpus} GPUs${p.timeSlicingReplicas > 1 ? ` = ${p.maxSchedulableGpus} slices` : ''} (${p.maxNodes} x ${p.gpusPerNode})`,
      dataKey: p.pool,
      dataAttribute: 'data-gpus',
    };
  });
  const legend: LegendEntry[] = [
    ...teamOrder.map((t, i) => ({ colour: teamColour(i), label: `${t} quota` })),
    { colour: '#d0d0d0', label: 'not in a nominal quota' },
  ];
  return barChart('capacity-chart', 'GPU capacity per pool at its most nodes, by team quota', rows, legend);
}

/** Monthly cost per pool: at the floor and at the most nodes; then the totals. */
export function poolCostChart(cost: PlatformCostReport): string {
  const rows: BarRow[] = [];
  cost.pools.forEach((p, i) => {
    const colour = seriesColour(i);
    rows.push({ label: `${p.pool} floor`, segments: figureSegments(p.monthlyFloor, colour, `${p.pool}, ${p.floorNodes} nodes`), valueText: CostModel.formatFigure(p.monthlyFloor), dataKey: `pools.${p.pool}.floor`, groupStart: i > 0 });
    rows.push({ label: `${p.pool} max`, segments: figureSegments(p.monthlyAtMaxNodes, colour, `${p.pool}, ${p.maxNodes} nodes`), valueText: CostModel.formatFigure(p.monthlyAtMaxNodes), dataKey: `pools.${p.pool}.max` });
  });
  rows.push({ label: 'all pools floor', segments: figureSegments(cost.totals.monthlyFloor, '#444', 'all pools at their floor'), valueText: CostModel.formatFigure(cost.totals.monthlyFloor), dataKey: 'totals.floor', groupStart: true });
  rows.push({ label: 'all pools max', segments: figureSegments(cost.totals.monthlyAtMaxNodes, '#444', 'all pools at their most nodes'), valueText: CostModel.formatFigure(cost.totals.monthlyAtMaxNodes), dataKey: 'totals.max' });
  return barChart('pool-cost-chart', 'Monthly cost per pool (USD): floor and most nodes', rows, FIGURE_LEGEND);
}

/** Monthly cost of each team's nominal quota, by pool. */
export function teamCostChart(cost: PlatformCostReport): string {
  const poolIndex = new Map(cost.pools.map((p, i) => [p.pool, i]));
  const rows: BarRow[] = cost.teams.map((t) => ({
    label: t.team,
    segments: t.quotas.flatMap((q) => figureSegments(q.monthly, seriesColour(poolIndex.get(q.pool) ?? 0), `${t.team} on ${q.pool}`)),
    valueText: CostModel.formatFigure(t.monthly),
    dataKey: `teams.${t.team}`,
  }));
  const legend = [...cost.pools.map((p, i) => ({ colour: seriesColour(i), label: p.pool })), ...FIGURE_LEGEND.slice(1)];
  return barChart('team-cost-chart', 'Monthly cost of each team\'s nominal quota (USD), by pool', rows, legend);
}

/** Monthly cost of each served model: one replica, and its most replicas. */
export function modelCostChart(cost: PlatformCostReport): string {
  const poolIndex = new Map(cost.pools.map((p, i) => [p.pool, i]));
  const rows: BarRow[] = [];
  cost.models.forEach((m, i) => {
    const colour = seriesColour(poolIndex.get(m.pool) ?? 0);
    const name = `${m.team}/${m.model}`;
    rows.push({ label: `${name} per replica`, segments: figureSegments(m.monthlyPerReplica, colour, `${name}, one replica`), valueText: CostModel.formatFigure(m.monthlyPerReplica), dataKey: `models.${name}.replica`, groupStart: i > 0 });
    rows.push({ label: `${name} at ${m.maxReplicas}`, segments: figureSegments(m.monthlyAtMaxReplicas, colour, `${name}, ${m.maxReplicas} replicas`), valueText: CostModel.formatFigure(m.monthlyAtMaxReplicas), dataKey: `models.${name}.max` });
  });
  const used = new Set(cost.models.map((m) => m.pool));
  const legend = [
    ...cost.pools.map((p, i) => ({ colour: seriesColour(i), label: p.pool })).filter((l) => used.has(l.label)),
    ...FIGURE_LEGEND.slice(1),
  ];
  return barChart('model-cost-chart', 'Monthly cost of each served model (USD): one replica and its most replicas', rows, legend);
}
