/**
 * Text of a reference report: a summary line, references per kind (resolved of total), and the
 * findings grouped by kind.
 */
import { PlatformReferenceReport } from './verify-references';

/** `References: 312 resolved of 320 (8 unresolved)` and one line per kind. */
export function formatReferenceSummary(report: PlatformReferenceReport): string {
  const lines = [`References: ${report.resolved} resolved of ${report.references}${report.valid ? '' : ` (${report.references - report.resolved} unresolved)`}`];
  const width = Math.max(...report.summary.map((s) => s.kind.length), 4);
  for (const s of report.summary) {
    lines.push(`  ${s.kind.padEnd(width)}  ${String(s.resolved).padStart(4)} of ${String(s.total).padEnd(4)}${s.resolved < s.total ? `  ${s.total - s.resolved} unresolved` : ''}`);
  }
  return lines.join('\n');
}

/** The summary, then every finding grouped by the kind of reference. */
export function formatReferenceReport(report: PlatformReferenceReport): string {
  const lines = [formatReferenceSummary(report)];
  const kinds = [...new Set(report.findings.map((f) => f.check))];
  for (const kind of kinds) {
    const findings = report.findings.filter((f) => f.check === kind);
    lines.push('', `${kind} (${findings.length}):`);
    for (const f of findings) lines.push(`  - ${f.message}`);
  }
  return lines.join('\n');
}
