/** Text reports of the release checks. */
import { ReleaseCheck, ReleaseFinding, ReleaseRender, ReleaseSourceType } from './types';

/** One line per finding, grouped by Application. */
export function formatReleaseFindings(findings: ReleaseFinding[]): string {
  const byApp = new Map<string, ReleaseFinding[]>();
  for (const f of findings) byApp.set(f.application, [...(byApp.get(f.application) ?? []), f]);
  const lines: string[] = [];
  for (const [app, list] of byApp) {
    lines.push(`${app} (${list.length} problem${list.length === 1 ? '' : 's'}):`);
    for (const f of list) lines.push(`  - [${f.check}] ${f.message}`);
  }
  return lines.join('\n');
}

/** A summary line per release and every finding. */
export function formatReleaseReport(result: { findings: ReleaseFinding[]; releases: ReleaseRender[] }): string {
  const n = result.findings.length;
  const head = `${n === 0 ? 'No' : n} problem${n === 1 ? '' : 's'} in ${result.releases.length} release${result.releases.length === 1 ? '' : 's'} checked against upstream`;
  const lines = [n === 0 ? head : `${head}:`];
  for (const r of result.releases) {
    const what = r.sourceType === ReleaseSourceType.HELM ? `chart ${r.chartOrPath} ${r.revision}` : r.sourceType === ReleaseSourceType.KUSTOMIZE
      ? `${r.repoUrl} ${r.chartOrPath} @ ${r.revision}` : `${r.repoUrl} ${r.chartOrPath} (the output itself, not checked against upstream)`;
    const how = r.sourceType === ReleaseSourceType.DIRECTORY ? '' : r.upstreamDir === undefined ? ', no upstream artifact'
      : r.rendered ? `, rendered: ${r.objects.length} objects` : `, ${r.objects.length} declared objects`;
    const count = result.findings.filter((f) => f.application === r.application).length;
    lines.push(`  ${r.application}: ${what}${how}${count > 0 ? `, ${count} problem${count === 1 ? '' : 's'}` : ''}`);
  }
  if (n > 0) lines.push(formatReleaseFindings(result.findings));
  return lines.join('\n');
}

/** Findings per check. */
export function countByCheck(findings: ReleaseFinding[]): { [check in ReleaseCheck]?: number } {
  const out: { [check: string]: number } = {};
  for (const f of findings) out[f.check] = (out[f.check] ?? 0) + 1;
  return out;
}
