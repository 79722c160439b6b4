/**
 * The platform report: one self-contained HTML file, generated at synth from the spec and the
 * whole-platform verification of its output, for people who would rather look than read YAML:
 *
 * - what was verified (the lines of the synth summary);
 * - the architecture diagram of what was synthesized (operators by sync wave, namespaces and
 *   their workloads, team quotas and served models, GPU pools);
 * - GPU capacity per pool by team quota, and the monthly cost per pool, team and served model,
 *   as bar charts and tables;
 * - the network flows the verification derived, as a matrix and a table;
 * - the prices' source and date, and what the figures leave out.
 *
 * Inline CSS and SVG only: no script, no font, image or style sheet fetched (the page's
 * Content-Security-Policy forbids them). Every cost figure is printed by CostModel.formatFigure,
 * the function the text summary prints with, from the same cost report. No date or time is
 * written, so the same output gives the same file.
 */
import { architectureSvg, architectureView } from './architecture';
import { capacityChart, modelCostChart, poolCostChart, teamCostChart } from './charts';
import { flowMatrix, flowsTable } from './flows-section';
import { esc } from './svg';
import { CostFigure, CostModel, PlatformCostReport } from '../../core/cost';
import { PlatformSpec } from '../../core/platform-spec';
import { formatPlatformReport, PlatformVerification } from '../platform/verify-platform';

/** Props of {@link PlatformReport.html}. */
export interface PlatformReportProps {
  /** The spec the output was synthesized from. */
  readonly spec: PlatformSpec;
  /** The whole-platform verification of the output (`verifyPlatform`). */
  readonly verification: PlatformVerification;
  /**
   * The cost report to show.
   * @default - CostModel.report(spec)
   */
  readonly cost?: PlatformCostReport;
  /**
   * Title of the page.
   * @default - `<name>-<environment> platform`
   */
  readonly title?: string;
}

/** The ids of the report's sections, in order. */
const SECTIONS = ['summary', 'architecture', 'capacity', 'cost', 'models', 'flows', 'prices'];

const STYLE = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 24px auto; max-width: 1400px; color: #1a1a1a; padding: 0 12px; }
h1 { font-size: 24px; margin-bottom: 4px; }
h2 { font-size: 19px; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 15px; margin-top: 20px; }
p.lead { color: #444; margin-top: 0; }
pre { background: #f6f6f6; padding: 10px; overflow-x: auto; font-size: 12px; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0 16px; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.blocked td { color: #b00020; }
svg { display: block; margin: 8px 0; max-width: 100%; height: auto; }
svg text { font-family: "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; font-size: 12px; fill: #1a1a1a; }
svg text.band { font-weight: bold; font-size: 13px; }
svg text.wave, svg text.legend, svg text.column { fill: #444; }
svg text.title { font-weight: bold; }
svg text.muted { fill: #777; }
svg text.missing { fill: #b00020; }
svg g.box rect:first-child { stroke: #888; stroke-width: 1; }
svg g.operator rect:first-child { fill: #eef3fb; }
svg g.platform rect:first-child { fill: #f4f4f4; }
svg g.data rect:first-child { fill: #fff4e5; }
svg g.team rect:first-child { fill: #eef8ee; }
svg g.pool rect:first-child { fill: #f3eefa; }
svg rect.cell { stroke: #fff; }
svg rect.cell.empty { fill: #f4f4f4; }
svg rect.cell.allowed { fill: #cfe8cf; }
svg rect.cell.blocked { fill: #f3b4b4; }
.note { color: #444; font-size: 13px; }
`;

/** Builds the platform report. */
export class PlatformReport {
  /** The ids of the report's sections (`<section id="...">`), in order. */
  public static readonly SECTIONS: string[] = SECTIONS;

  /** The report as one self-contained HTML document. */
  public static html(props: PlatformReportProps): string {
    const { spec, verification } = props;
    const cost = props.cost ?? CostModel.report(spec);
    const title = props.title ?? `${spec.name}-${spec.environment} platform`;
    const view = architectureView(spec, verification, cost);
    const f = CostModel.formatFigure;
    const figure = (key: string, value: CostFigure): string => `<td class="num" data-cost="${esc(key)}">${esc(f(value))}</td>`;
    const objects = verification.model.objects.filter((o) => o.origin.release === undefined && o.origin.providedBy === undefined);
    const files = new Map<string, number>();
    for (const o of objects) {
      const file = o.origin.location.replace(/#\d+$/, '');
      files.set(file, (files.get(file) ?? 0) + 1);
    }
    const teamOrder = spec.teams.map((t) => t.name);
    const verificationLines = formatPlatformReport(verification).split('\n');

    const parts: string[] = [
      '<!DOCTYPE html>',
      '<html lang="en">',
      '<head>',
      '<meta charset="utf-8">',
      // No script, and nothing fetched: the page is what it holds.
      '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      `<title>${esc(title)}</title>`,
      `<style>${STYLE}</style>`,
      '</head>',
      '<body>',
      `<h1>${esc(title)}</h1>`,
      `<p class="lead">Generated at synth from the platform spec and the whole-platform verification of its output. Costs: ${esc(cost.prices.statement)}.</p>`,

      '<section id="summary">',
      '<h2>What was verified</h2>',
      `<pre id="verification-summary">${esc(verificationLines.join('\n'))}</pre>`,
      '<table><tbody>',
      `<tr><th>GPU pools</th><td class="num" data-count="pools">${cost.pools.length}</td></tr>`,
      `<tr><th>Teams</th><td class="num" data-count="teams">${cost.teams.length}</td></tr>`,
      `<tr><th>Served models</th><td class="num" data-count="models">${cost.models.length}</td></tr>`,
      `<tr><th>Operators (Argo CD Applications)</th><td class="num" data-count="operators">${verification.releases.releases.length}</td></tr>`,
      `<tr><th>Objects in the output</th><td class="num" data-count="objects">${objects.length}</td></tr>`,
      `<tr><th>Needed network flows</th><td class="num" data-count="flows">${verification.flows.results.length}</td></tr>`,
      '</tbody></table>',
      '</section>',

      '<section id="architecture">',
      '<h2>Architecture of what was synthesized</h2>',
      architectureSvg(view),
      '<h3>Output files</h3>',
      '<table id="files-table"><thead><tr><th>file</th><th>objects</th></tr></thead><tbody>',
      ...[...files.entries()].map(([file, count]) => `<tr><td>${esc(file)}</td><td class="num">${count}</td></tr>`),
      '</tbody></table>',
      '<h3>Operators</h3>',
      '<table id="operators-table"><thead><tr><th>Application</th><th>sync wave</th><th>namespace</th><th>source</th><th>version</th></tr></thead><tbody>',
      ...verification.releases.releases.map((r) => `<tr><td>${esc(r.application)}</td><td class="num">${r.syncWave}</td><td>${esc(r.namespace)}</td>`
        + `<td>${esc(`${r.repoUrl} ${r.chartOrPath}`)}</td><td>${esc(r.revision)}</td></tr>`),
      '</tbody></table>',
      '</section>',

      '<section id="capacity">',
      '<h2>GPU capacity</h2>',
      capacityChart(cost, teamOrder),
      '<table id="pools-table"><thead><tr><th>pool</th><th>bought</th><th>instance types (on-demand price)</th><th>nodes</th><th>GPUs at most nodes</th><th>per GPU-hour</th></tr></thead><tbody>',
      ...cost.pools.map((p) => `<tr><td>${esc(p.pool)}</td><td>${esc(p.basis)}</td>`
        + `<td>${esc(p.instanceTypes.map((t) => `${t.instanceType} ${CostModel.formatHourly(t.hourlyUsd)}${t.estimateNote ? ' (estimate)' : ''}`).join(', '))}</td>`
        + `<td class="num">${p.minNodes}-${p.maxNodes}</td><td class="num">${p.maxGpus}${p.timeSlicingReplicas > 1 ? ` (${p.maxSchedulableGpus} slices)` : ''}</td>`
        + `<td class="num">${esc(p.hourlyPerGpu.lowUsd === p.hourlyPerGpu.highUsd ? CostModel.formatHourly(p.hourlyPerGpu.lowUsd)
          : `${CostModel.formatHourly(p.hourlyPerGpu.lowUsd)}-${CostModel.formatHourly(p.hourlyPerGpu.highUsd)}`)}</td></tr>`),
      '</tbody></table>',
      '</section>',

      '<section id="cost">',
      '<h2>Monthly cost</h2>',
      `<p class="note">USD per month of ${cost.hoursPerMonth} hours: ${esc(cost.prices.statement)}. GPU nodes only.</p>`,
      '<h3>Per pool</h3>',
      poolCostChart(cost),
      '<table id="pool-cost-table"><thead><tr><th>pool</th><th>at fewest nodes</th><th>floor (served models\' minimum replicas)</th><th>at most nodes</th></tr></thead><tbody>',
      ...cost.pools.map((p) => `<tr><td>${esc(p.pool)}</td>${figure(`pools.${p.pool}.min`, p.monthlyAtMinNodes)}${figure(`pools.${p.pool}.floor`, p.monthlyFloor)}${figure(`pools.${p.pool}.max`, p.monthlyAtMaxNodes)}</tr>`),
      `<tr><th>all pools</th>${figure('totals.min', cost.totals.monthlyAtMinNodes)}${figure('totals.floor', cost.totals.monthlyFloor)}${figure('totals.max', cost.totals.monthlyAtMaxNodes)}</tr>`,
      '</tbody></table>',
      '<h3>Per team (nominal quota in use all month)</h3>',
      teamCostChart(cost),
      '<table id="team-cost-table"><thead><tr><th>team</th><th>pool</th><th>quota</th><th>per month</th></tr></thead><tbody>',
      ...cost.teams.flatMap((t) => [
        ...t.quotas.map((q) => `<tr><td>${esc(t.team)}</td><td>${esc(q.pool)}</td><td class="num">${q.gpus}${q.physicalGpus !== q.gpus ? ` slices = ${q.physicalGpus} GPUs` : ' GPUs'}</td>`
          + `${figure(`teams.${t.team}.${q.pool}`, q.monthly)}</tr>`),
        `<tr><th>${esc(t.team)}</th><th>all</th><td></td>${figure(`teams.${t.team}`, t.monthly)}</tr>`,
      ]),
      '</tbody></table>',
      '</section>',

      '<section id="models">',
      '<h2>Served models</h2>',
      ...(cost.models.length > 0 ? [
        modelCostChart(cost),
        '<table id="model-cost-table"><thead><tr><th>model</th><th>pool</th><th>per replica</th><th>replicas</th><th>per month, one replica</th><th>at fewest replicas</th><th>at most replicas</th></tr></thead><tbody>',
        ...cost.models.map((m) => {
          const name = `${m.team}/${m.model}`;
          return `<tr><td>${esc(name)}</td><td>${esc(m.pool)}</td><td>${esc(`${m.gpusPerReplica} ${m.physicalGpusPerReplica !== m.gpusPerReplica ? `slice${m.gpusPerReplica === 1 ? '' : 's'} (${m.physicalGpusPerReplica} GPU)` : `GPU${m.gpusPerReplica === 1 ? '' : 's'}`} of ${m.instanceTypes.join('/')}`)}</td>`
            + `<td class="num">${m.minReplicas}-${m.maxReplicas}</td>${figure(`models.${name}.replica`, m.monthlyPerReplica)}${figure(`models.${name}.min`, m.monthlyAtMinReplicas)}${figure(`models.${name}.max`, m.monthlyAtMaxReplicas)}</tr>`;
        }),
        '</tbody></table>',
      ] : ['<p class="note">The spec serves no model.</p>']),
      '</section>',

      '<section id="flows">',
      '<h2>Network flows</h2>',
      `<p class="note">Every connection the platform needs, derived from the output by the whole-platform verification and checked against its NetworkPolicies: ${verificationLines.find((l) => l.startsWith('Flows:')) ? esc(verificationLines.find((l) => l.startsWith('Flows:'))!) : ''}</p>`,
      flowMatrix(verification.flows.results),
      flowsTable(verification.flows.results),
      '</section>',

      '<section id="prices">',
      '<h2>Prices and what the figures leave out</h2>',
      '<ul>',
      ...cost.pools.flatMap((p) => p.notes.map((note) => `<li>${esc(`${p.pool}: ${note}`)}</li>`)),
      ...cost.notes.map((note) => `<li>${esc(note)}</li>`),
      '</ul>',
      '<details><summary>The cost figures as the synth summary prints them</summary>',
      `<pre id="cost-text">${esc(CostModel.formatText(cost))}</pre>`,
      '</details>',
      '</section>',
      '</body>',
      '</html>',
      '',
    ];
    return parts.join('\n');
  }
}
