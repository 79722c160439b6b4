/**
 * Kubernetes label selectors over plain label maps: `matchLabels` and `matchExpressions`
 * (In, NotIn, Exists, DoesNotExist), as the API machinery evaluates them. An empty selector
 * matches everything; callers decide what a missing (nil) selector means, since that differs
 * per field.
 */
import { asArray, asObject, asString, asStringMap } from './kinds';
import { LabelSelector } from './model';

/** Whether `labels` match `selector` (an empty selector matches all). */
export function matchesSelector(labels: { [key: string]: string }, selector: LabelSelector): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In': if (!has || !values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** Whether a map of labels (a Service's selector) matches `labels`. */
export function matchesLabels(labels: { [key: string]: string }, required: { [key: string]: string }): boolean {
  return Object.entries(required).every(([k, v]) => labels[k] === v);
}

/** A label selector from a plain value (undefined when the value is not an object). */
export function toSelector(value: unknown): LabelSelector | undefined {
  const o = asObject(value);
  if (!o) return undefined;
  const matchExpressions = asArray(o.matchExpressions).flatMap((raw) => {
    const e = asObject(raw);
    const key = asString(e?.key);
    const operator = asString(e?.operator);
    if (!e || !key || !operator) return [];
    return [{ key, operator, values: asArray(e.values).filter((v): v is string => typeof v === 'string') }];
  });
  const matchLabels = asStringMap(o.matchLabels);
  return {
    ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
    ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
  };
}

/** Whether a selector is empty (matches everything). */
export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/** `a=b,c in (d,e)` for messages; `(all)` for an empty selector. */
export function formatSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator === 'In' ? 'in' : 'notin'} (${(e.values ?? []).join(',')})`);
  }
  return parts.length === 0 ? '(all)' : parts.join(',');
}
