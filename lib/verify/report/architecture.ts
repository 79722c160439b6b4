/**
 * The architecture diagram of a synthesized platform: what the output installs and runs,
 * read from the whole-platform model (the output's objects and the releases its Argo CD
 * Applications install) and placed against the spec's pools.
 *
 * Bands, top to bottom: the operators (Argo CD Applications, one row per sync wave); the
 * platform's own namespaces with their workloads (GPU support, data services, observability);
 * the team namespaces with their quotas and served models; the GPU pools. Each served model is
 * joined to the pool its replicas run on by a line routed through the gutters of the team grid.
 */
import { Box, BoxLine, drawBoxes, GAP, layoutRows, lineBaseline, PlacedBox } from './layout';
import { esc, line, LINE_PX, n, seriesColour, svg, text } from './svg';
import { PlatformCostReport } from '../../core/cost';
import { PlatformSpec } from '../../core/platform-spec';
import { vectorDatabaseName } from '../../core/platform-spec-derivation';
import { DATA_SERVICE_POD_LABEL } from '../platform/flows';
import { PodGroup } from '../platform/model';
import { PlatformVerification } from '../platform/verify-platform';

/** Width of the diagram in px. */
const WIDTH = 1360;
const MARGIN = 16;
const BAND_LABEL_PX = 28;
const WAVE_LABEL_PX = 128;

/** What the diagram shows, before layout (also what the report's tables list). */
export interface ArchitectureView {
  readonly operators: Array<{ readonly wave: number; readonly boxes: Box[] }>;
  readonly platformNamespaces: Box[];
  readonly teamNamespaces: Box[];
  readonly pools: Box[];
  /** Served model (line key) to pool (box key), in the pool's colour. */
  readonly edges: Array<{ readonly from: string; readonly to: string; readonly colour: string }>;
}

/** A workload of the output in one line: `Deployment chat`. */
function workloadLine(g: PodGroup): string {
  const space = g.id.indexOf(' ');
  const kind = g.id.slice(0, space);
  const name = g.id.slice(g.id.indexOf('/') + 1);
  return `${kind} ${name}`;
}

/** The view of the diagram, from the spec, the verification of its output and its cost report. */
export function architectureView(spec: PlatformSpec, verification: PlatformVerification, cost: PlatformCostReport): ArchitectureView {
  const model = verification.model;
  const releases = verification.releases.releases;
  const releaseNamespaces = new Set(releases.map((r) => r.namespace));
  const poolIndex = new Map(spec.gpuPools.map((p, i) => [p.name, i]));
  const poolKey = (name: string) => `pool:${name}`;

  // Operators, by sync wave.
  const waves = [...new Set(releases.map((r) => r.syncWave))].sort((a, b) => a - b);
  const operators = waves.map((wave) => ({
    wave,
    boxes: releases.filter((r) => r.syncWave === wave).map((r): Box => ({
      key: `release:${r.application}`,
      title: r.application,
      lines: [{ text: `${r.sourceType} ${r.revision}` }, { text: `in ${r.namespace}` }],
      cls: 'operator',
    })),
  }));

  // The output's own workloads per namespace (not what releases install, not what the cluster provides).
  const own = model.podGroups.filter((g) => g.origin.release === undefined && g.origin.providedBy === undefined);
  const byNamespace = new Map<string, PodGroup[]>();
  for (const g of own) byNamespace.set(g.namespace, [...(byNamespace.get(g.namespace) ?? []), g]);
  const outputNamespaces = [...model.namespaces.values()]
    .filter((ns) => ns.origin.release === undefined && ns.origin.providedBy === undefined && ns.origin.location !== 'cluster')
    .map((ns) => ns.name);
  const teams = new Set(spec.teams.map((t) => t.name));
  const dataServiceNamespaces = new Set(own.filter((g) => g.labels[DATA_SERVICE_POD_LABEL] !== undefined).map((g) => g.namespace));
  const vdb = spec.vectorDatabase ? vectorDatabaseName(spec.vectorDatabase) : undefined;

  const platformNamespaces: Box[] = outputNamespaces
    .filter((ns) => !teams.has(ns) && !releaseNamespaces.has(ns))
    .map((ns) => {
      const role = dataServiceNamespaces.has(ns) ? (ns === vdb ? 'vector database' : 'data service') : 'platform';
      const groups = byNamespace.get(ns) ?? [];
      return {
        key: `namespace:${ns}`,
        title: `${ns} (${role})`,
        lines: groups.length > 0 ? groups.map((g) => ({ text: workloadLine(g) })) : [{ text: 'no workloads', cls: 'muted' }],
        cls: dataServiceNamespaces.has(ns) ? 'data' : 'platform',
      };
    });

  const edges: ArchitectureView['edges'] = [];
  const poolsByName = new Map(cost.pools.map((p) => [p.pool, p]));
  const teamNamespaces: Box[] = spec.teams.map((t) => {
    const lines: BoxLine[] = t.quotas.map((q) => {
      const pool = poolsByName.get(q.pool);
      const slices = pool && pool.timeSlicingReplicas > 1 ? ' slices' : ` GPU${q.gpus === 1 ? '' : 's'}`;
      return { text: `quota ${q.gpus}${slices} on ${q.pool}` };
    });
    const groups = byNamespace.get(t.name) ?? [];
    const served = new Set<string>();
    for (const m of cost.models.filter((x) => x.team === t.name)) {
      const g = groups.find((x) => x.id.endsWith(`/${m.model}`) && x.namespace === t.name && /^(Deployment|InferenceService|LeaderWorkerSet) /.test(x.id));
      const colour = seriesColour(poolIndex.get(m.pool) ?? 0);
      const key = `model:${t.name}/${m.model}`;
      lines.push({ text: g ? workloadLine(g) : `${m.model}: not in the output`, marker: colour, key, cls: g ? 'model' : 'missing' });
      lines.push({ text: `  ${m.minReplicas}-${m.maxReplicas} x ${m.gpusPerReplica} ${m.physicalGpusPerReplica < m.gpusPerReplica ? 'slice' : 'GPU'}${m.gpusPerReplica === 1 ? '' : 's'} on ${m.pool}` });
      edges.push({ from: key, to: poolKey(m.pool), colour });
      if (g) served.add(g.id);
    }
    for (const g of groups.filter((x) => !served.has(x.id))) lines.push({ text: workloadLine(g) });
    return { key: `namespace:${t.name}`, title: `${t.name} (team)`, lines, cls: 'team' };
  });

  const pools: Box[] = cost.pools.map((p) => ({
    key: poolKey(p.pool),
    title: p.pool,
    lines: [
      { text: p.instanceTypes.map((x) => x.instanceType).join(', '), marker: seriesColour(poolIndex.get(p.pool) ?? 0) },
      { text: `${p.minNodes}-${p.maxNodes} nodes, ${p.maxGpus} GPUs${p.timeSlicingReplicas > 1 ? ` (${p.maxSchedulableGpus} slices)` : ''}` },
      { text: p.basis },
    ],
    cls: 'pool',
  }));

  return { operators, platformNamespaces, teamNamespaces, pools, edges };
}

/** The diagram as an SVG element. */
export function architectureSvg(view: ArchitectureView): string {
  const body: string[] = [];
  let y = MARGIN;
  const band = (label: string): void => {
    body.push(text(MARGIN, y + 14, label, { class: 'band' }));
    y += BAND_LABEL_PX;
  };

  band('Operators: Argo CD Applications, by sync wave');
  for (const w of view.operators) {
    const { placed, bottom } = layoutRows(w.boxes, MARGIN + WAVE_LABEL_PX, y, WIDTH - 2 * MARGIN - WAVE_LABEL_PX, false);
    body.push(text(MARGIN, y + 20, `wave ${w.wave}`, { class: 'wave' }));
    body.push(...drawBoxes(placed));
    y = bottom + 12;
  }
  y += 12;

  band('Platform namespaces of the output, with their workloads');
  const platform = layoutRows(view.platformNamespaces, MARGIN, y, WIDTH - 2 * MARGIN, false);
  body.push(...drawBoxes(platform.placed));
  y = platform.bottom + 24;

  band('Team namespaces: quotas and served models');
  // Each served model's line runs down the gutter after its team's box, on a track of its own.
  const trackGap = 5;
  const mostEdges = Math.max(0, ...view.teamNamespaces.map((b) => b.lines.filter((l) => l.key !== undefined).length));
  const teamGap = Math.max(GAP, 12 + mostEdges * trackGap);
  const teams = layoutRows(view.teamNamespaces, MARGIN, y, WIDTH - 2 * MARGIN - teamGap, true, teamGap);
  y = teams.bottom;

  // The channel between the teams and the pools: one track per edge.
  const channelTop = y + 10;
  y = channelTop + view.edges.length * trackGap + 16;
  body.push(text(MARGIN, y + 20, 'GPU pools', { class: 'wave' }));
  body.push(text(MARGIN, y + 20 + LINE_PX, '(node groups)', { class: 'wave' }));
  const pools = layoutRows(view.pools, MARGIN + WAVE_LABEL_PX, y, WIDTH - 2 * MARGIN - WAVE_LABEL_PX, true);
  y = pools.bottom + MARGIN;

  body.push(...routeEdges(view, teams.placed, pools.placed, channelTop, trackGap));
  body.push(...drawBoxes(teams.placed));
  body.push(...drawBoxes(pools.placed));
  return svg(WIDTH, y, 'Architecture of the synthesized platform', body, { id: 'architecture-diagram', class: 'diagram' });
}

/**
 * Lines from each served model's marker to its pool: right to the gutter after its box, down
 * the gutter to the channel under the teams, along the channel to above the pool, down into
 * the pool. Each edge has its own track in the gutter and in the channel.
 */
function routeEdges(view: ArchitectureView, teams: PlacedBox[], pools: PlacedBox[], channelTop: number, trackGap: number): string[] {
  const out: string[] = [];
  const poolBoxes = new Map(pools.map((p) => [p.box.key, p]));
  const perPool = new Map<string, number>();
  view.edges.forEach((e, i) => {
    const source = teams.find((p) => p.box.lines.some((l) => l.key === e.from));
    const target = poolBoxes.get(e.to);
    if (!source || !target) return;
    const lineIndex = source.box.lines.findIndex((l) => l.key === e.from);
    const y0 = lineBaseline(source, lineIndex + 1) - 4;
    // From the box's right border at the model's line (the marker at the line's start has the same colour).
    const x0 = source.x + source.width;
    const edgesOfSource = view.edges.filter((x) => source.box.lines.some((l) => l.key === x.from));
    const k = edgesOfSource.indexOf(e);
    const gutterX = source.x + source.width + 4 + k * trackGap;
    const trackY = channelTop + i * trackGap;
    const nth = perPool.get(e.to) ?? 0;
    perPool.set(e.to, nth + 1);
    const targetX = target.x + target.width / 2 + nth * 8;
    const points = [[x0, y0], [gutterX, y0], [gutterX, trackY], [targetX, trackY], [targetX, target.y - 2]].map(([x, y]) => `${n(x)},${n(y)}`).join(' ');
    out.push(`<polyline points="${points}" fill="none" stroke="${esc(e.colour)}" stroke-width="1.5" class="edge" data-edge="${esc(`${e.from}->${e.to}`)}"/>`);
    // The arrow head.
    out.push(line(targetX - 4, target.y - 7, targetX, target.y - 2, { stroke: e.colour }));
    out.push(line(targetX + 4, target.y - 7, targetX, target.y - 2, { stroke: e.colour }));
  });
  return out;
}
