/**
 * Every synth-time error of the library is built here, so that each one names the
 * construct path, the prop, the value and the fix in the same shape:
 *
 *   <construct path>: invalid <prop> = <value>: <problem>. Fix: <fix>
 */

/** What went wrong with one prop of one construct. */
export interface ProblemDetails {
  /** Path of the construct in the tree (e.g. `platform/gpu-a10g`), or the spec name. */
  readonly construct: string;
  /** The prop, as the user wrote it (e.g. `minSize`, `pools[2].instanceTypes`). */
  readonly prop: string;
  /** The offending value (rendered with {@link formatValue}). */
  readonly value: unknown;
  /** What is wrong with it. */
  readonly problem: string;
  /** What the user should do instead. */
  readonly fix: string;
}

/** Renders a value for an error message: short, unambiguous and never multi-line. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  let rendered: string;
  try {
    rendered = JSON.stringify(value) ?? String(value);
  } catch {
    // BigInt and circular structures: String() still gives one line for the former.
    rendered = String(value).replace(/\s*\n\s*/g, ' ');
  }
  // Long strings are cut too, so that a pasted file never floods an error message.
  return rendered.length > 200 ? `${rendered.slice(0, 197)}...` : rendered;
}

/** Formats one problem as the one-line message every error of the library uses. */
export function formatProblem(p: ProblemDetails): string {
  const problem = p.problem.replace(/\.$/, '');
  const fix = p.fix.replace(/\.$/, '');
  return `${p.construct}: invalid ${p.prop} = ${formatValue(p.value)}: ${problem}. Fix: ${fix}.`;
}

/**
 * A synth-time error about one prop of one construct.
 *
 * Other languages (jsii) see it as the runtime's error with the same one-line message; its
 * details are the {@link ProblemDetails} struct. jsii cannot export a class that extends
 * `Error`, so it is left out of the jsii surface.
 * @jsii ignore a class extending Error cannot cross the jsii boundary (it is thrown and never constructed by users)
 */
export class CnaiError extends Error {
  public readonly construct: string;
  public readonly prop: string;
  public readonly value: unknown;
  public readonly problem: string;
  public readonly fix: string;

  constructor(details: ProblemDetails) {
    super(formatProblem(details));
    this.name = 'CnaiError';
    this.construct = details.construct;
    this.prop = details.prop;
    this.value = details.value;
    this.problem = details.problem;
    this.fix = details.fix;
  }
}

/**
 * Several problems found together (e.g. a whole platform spec validated at once).
 * Left out of the jsii surface like {@link CnaiError}.
 * @jsii ignore a class extending Error cannot cross the jsii boundary (it is thrown and never constructed by users)
 */
export class CnaiValidationError extends Error {
  public readonly problems: ProblemDetails[];

  constructor(problems: ProblemDetails[]) {
    super(`${problems.length} problem${problems.length === 1 ? '' : 's'} found:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
    this.name = 'CnaiValidationError';
    this.problems = problems;
  }
}

/** Shorthand for `new CnaiError({...})` with positional arguments. */
export function invalidProp(construct: string, prop: string, value: unknown, problem: string, fix: string): CnaiError {
  return new CnaiError({ construct, prop, value, problem, fix });
}

/**
 * Collects problems so that all of them are reported at once.
 *
 * ```ts
 * const problems = new ProblemCollector();
 * problems.check(min <= max, { construct, prop: 'minSize', value: min, problem: '...', fix: '...' });
 * problems.throwIfAny();
 * ```
 */
export class ProblemCollector {
  private readonly found: ProblemDetails[] = [];

  /** Records a problem. */
  public add(problem: ProblemDetails): void {
    this.found.push(problem);
  }

  /** Records the problem when `ok` is false; returns `ok`. */
  public check(ok: boolean, problem: ProblemDetails): boolean {
    if (!ok) this.add(problem);
    return ok;
  }

  /**
   * Runs `fn` and records a {@link CnaiError} (or every problem of a {@link CnaiValidationError}) it throws.
   * @jsii ignore a generic callback (other languages add problems with `add` and `check`)
   */
  public capture<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (e instanceof CnaiError) {
        this.add(e);
        return undefined;
      }
      if (e instanceof CnaiValidationError) {
        e.problems.forEach((p) => this.add(p));
        return undefined;
      }
      throw e;
    }
  }

  /** The problems recorded so far. */
  public get problems(): ProblemDetails[] {
    return [...this.found];
  }

  /** Throws: nothing when empty, the single {@link CnaiError}, or a {@link CnaiValidationError} with all. */
  public throwIfAny(): void {
    if (this.found.length === 0) return;
    if (this.found.length === 1) throw new CnaiError(this.found[0]);
    throw new CnaiValidationError(this.found);
  }
}
