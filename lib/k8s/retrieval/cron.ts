/**
 * Checks a CronJob schedule the way Kubernetes parses it (standard 5-field cron and the
 * @-macros), so that a typo fails at synth instead of as an invalid object at apply time.
 */

const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldRule {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: string[];
  readonly namesStart?: number;
}

const FIELDS: FieldRule[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesStart: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAYS, namesStart: 0 },
];

/** Returns why `schedule` is not a valid CronJob schedule, or undefined when it is. */
export function cronProblem(schedule: string): string | undefined {
  if (typeof schedule !== 'string' || schedule.trim() !== schedule || schedule.length === 0) {
    return 'a schedule is a non-empty string without surrounding spaces';
  }
  if (schedule.startsWith('@')) {
    return MACROS.includes(schedule) ? undefined : `unknown macro; use one of ${MACROS.join(', ')} or five fields`;
  }
  if (/^(TZ|CRON_TZ)=/.test(schedule)) {
    return 'time zones in the schedule are rejected by Kubernetes; use the CronJob timeZone instead';
  }
  const fields = schedule.split(/\s+/);
  if (fields.length !== 5) return `${fields.length} fields, expected 5 (minute hour day-of-month month day-of-week)`;
  for (let i = 0; i < 5; i++) {
    const problem = fieldProblem(fields[i], FIELDS[i]);
    if (problem) return `${FIELDS[i].name} field "${fields[i]}": ${problem}`;
  }
  return undefined;
}

function fieldProblem(field: string, rule: FieldRule): string | undefined {
  for (const part of field.split(',')) {
    if (part === '') return 'empty list element';
    const [range, step, extra] = part.split('/');
    if (extra !== undefined) return 'more than one "/"';
    if (step !== undefined && !/^[0-9]+$/.test(step)) return `step "${step}" is not a number`;
    if (step !== undefined && Number(step) < 1) return 'a step must be at least 1';
    // "?" (no specific value) is accepted for the two day fields only, as robfig/cron does.
    if (range === '*' || (range === '?' && step === undefined && rule.name.startsWith('day'))) continue;
    const bounds = range.split('-');
    if (bounds.length > 2) return `"${range}" is not a value or a range`;
    const values: number[] = [];
    for (const b of bounds) {
      const v = valueOf(b, rule);
      if (v === undefined) return `"${b}" is not a value from ${rule.min} to ${rule.max}${rule.names ? ` or ${rule.names[0]}-${rule.names[rule.names.length - 1]}` : ''}`;
      values.push(v);
    }
    if (values.length === 2 && values[0] > values[1]) return `range "${range}" runs backwards`;
  }
  return undefined;
}

function valueOf(token: string, rule: FieldRule): number | undefined {
  if (/^[0-9]+$/.test(token)) {
    const n = Number(token);
    return n >= rule.min && n <= rule.max ? n : undefined;
  }
  const i = rule.names ? rule.names.indexOf(token.toUpperCase()) : -1;
  return i >= 0 ? i + (rule.namesStart ?? 0) : undefined;
}
