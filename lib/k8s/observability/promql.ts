/**
 * Just enough PromQL to know which metrics an expression reads: a tokenizer that skips
 * strings, label matchers, range selectors, label lists of `by`/`without`/`on`/`ignoring`/
 * `group_left`/`group_right`, function names, keywords and numbers, and returns the rest
 * (the metric names). Used at synth time on every alert and dashboard query, so that no
 * query reads a metric that none of the platform's exporters exposes.
 */

import { invalidProp } from '../../core/errors';
import { knownMetricOf } from '../../core/metrics';

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'and', 'or', 'unless', 'atan2', 'inf', 'nan', 'start', 'end']);
// Aggregations may put `by (...)` between their name and their parenthesis.
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/** The metric names an expression reads, in order of first appearance. */
export function metricNamesIn(expr: string): string[] {
  const names: string[] = [];
  let i = 0;
  let skipLabelList = false;
  const n = expr.length;
  while (i < n) {
    const ch = expr[i];
    if (ch === '"' || ch === '\'' || ch === '`') {
      // String literal (escapes only in double/single quotes).
      i++;
      while (i < n && expr[i] !== ch) i += (expr[i] === '\\' && ch !== '`') ? 2 : 1;
      i++;
      continue;
    }
    if (ch === '{' || ch === '[') {
      // Label matchers and ranges: nothing in them is a metric name.
      const close = ch === '{' ? '}' : ']';
      i++;
      while (i < n && expr[i] !== close) {
        if (expr[i] === '"' || expr[i] === '\'' || expr[i] === '`') {
          const q = expr[i++];
          while (i < n && expr[i] !== q) i += (expr[i] === '\\' && q !== '`') ? 2 : 1;
        }
        i++;
      }
      i++;
      continue;
    }
    if (ch === '#') {
      while (i < n && expr[i] !== '\n') i++;
      continue;
    }
    if (/[0-9.]/.test(ch)) {
      // Numbers and durations (5m, 1e3, 0x1f).
      while (i < n && /[0-9a-zA-Z.]/.test(expr[i])) i++;
      continue;
    }
    if (/[A-Za-z_:]/.test(ch)) {
      const start = i;
      while (i < n && /[A-Za-z0-9_:]/.test(expr[i])) i++;
      const word = expr.slice(start, i);
      let j = i;
      while (j < n && /\s/.test(expr[j])) j++;
      if (LABEL_LIST_KEYWORDS.has(word)) {
        skipLabelList = true;
        continue;
      }
      if (KEYWORDS.has(word.toLowerCase()) || AGGREGATIONS.has(word)) continue;
      if (expr[j] === '(') continue; // a function or aggregation
      names.push(word);
      continue;
    }
    if (ch === '(' && skipLabelList) {
      // The label list after by/without/on/ignoring/group_*.
      while (i < n && expr[i] !== ')') i++;
      i++;
      skipLabelList = false;
      continue;
    }
    i++;
  }
  return [...new Set(names)];
}

/** The metric names of an expression that no known exporter exposes. */
export function unknownMetricsIn(expr: string): string[] {
  return metricNamesIn(expr).filter((m) => !knownMetricOf(m));
}

/** Throws a construct error when an expression reads a metric that is not in KNOWN_METRICS. */
export function assertKnownMetrics(where: string, prop: string, expr: string): void {
  const unknown = unknownMetricsIn(expr);
  if (unknown.length > 0) {
    throw invalidProp(where, prop, expr, `reads ${unknown.join(', ')}, which no exporter of the platform exposes (lib/core/metrics.ts)`,
      'build the query from the metric constants of lib/core/metrics.ts, or add the metric there with the exporter version that exposes it');
  }
}
