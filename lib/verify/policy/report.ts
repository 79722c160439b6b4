/** The policy report as text (for people) and as JSON (for tools). */
import { PolicyReport } from './engine';
import { PolicyFinding } from './types';

function where(f: PolicyFinding): string {
  return `${f.resource}${f.subject ? ` ${f.subject}` : ''}${f.constructPath ? ` (${f.constructPath})` : ''}`;
}

/**
 * The report as text: a summary line, each unsuppressed finding (rule, severity, resource with its
 * construct path, what is wrong, what to change), each suppressed finding with its reason, then
 * unused and malformed suppressions and the rules that were skipped.
 */
export function formatPolicyReport(report: PolicyReport): string {
  const open = report.findings.filter((f) => !f.suppression);
  const suppressed = report.findings.filter((f) => f.suppression);
  const ran = report.rules.filter((r) => !r.skipped).length;
  const verdict = report.passed ? (open.length > 0 ? 'passed with warnings' : 'passed') : 'FAILED';
  const lines = [
    `Policy packs: ${ran} rules over ${report.resourcesChecked.terraform} Terraform resources and ${report.resourcesChecked.kubernetes} Kubernetes objects: `
    + `${open.length} unsuppressed finding${open.length === 1 ? '' : 's'}, ${suppressed.length} suppressed; ${verdict}`,
  ];
  const label = report.warnOnly ? 'WARN' : 'FAIL';
  for (const f of open) {
    lines.push(`  ${label} ${f.ruleId} [${f.severity}] ${where(f)}`, `       ${f.message}`, `       fix: ${f.fix}`);
  }
  if (suppressed.length > 0) {
    // One entry per rule and reason, with every finding it covers.
    lines.push('Suppressed:');
    const groups = new Map<string, PolicyFinding[]>();
    for (const f of suppressed) {
      const key = `${f.ruleId}\u0000${f.suppression!.reason}`;
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    for (const group of groups.values()) {
      const first = group[0];
      lines.push(`  ${first.ruleId} (${group.length} finding${group.length === 1 ? '' : 's'}): ${first.suppression!.reason}`);
      for (const f of group) lines.push(`       ${where(f)}: ${f.message}`);
    }
  }
  if (report.invalidSuppressions.length > 0) {
    lines.push('Malformed suppressions (not applied):');
    for (const s of report.invalidSuppressions) lines.push(`  ${s.resource} (${s.location}): ${s.problem}`);
  }
  if (report.unusedSuppressions.length > 0) {
    lines.push('Suppressions that covered nothing (remove them):');
    for (const u of report.unusedSuppressions) lines.push(`  ${u.suppression.id} on ${u.resource}${u.suppression.appliesTo ? ` ${u.suppression.appliesTo}` : ''}: ${u.why}`);
  }
  const skipped = report.rules.filter((r) => r.skipped);
  if (skipped.length > 0) {
    lines.push('Skipped:');
    for (const r of skipped) lines.push(`  ${r.rule.id}: ${r.skipped}`);
  }
  return lines.join('\n');
}

/** The report as JSON (findings with their suppressions, per-rule counts with benchmarks). */
export function formatPolicyReportJson(report: PolicyReport): string {
  return JSON.stringify(report, null, 2);
}
