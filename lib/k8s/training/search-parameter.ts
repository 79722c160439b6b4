import { invalidProp } from '../../core/errors';

/** Type of a hyperparameter. */
export enum SearchParameterType {
  /** A real number in a range. */
  DOUBLE = 'double',
  /** A whole number in a range. */
  INTEGER = 'int',
  /** One of a list of values. */
  CATEGORICAL = 'categorical',
}

/** Options of {@link SearchParameter.double}. */
export interface DoubleParameterOptions {
  /**
   * Grid step (required for the grid algorithm).
   * @default - none
   */
  readonly step?: number;
  /**
   * Sample on a log scale (learning rates, weight decay). Needs a positive range.
   * @default false
   */
  readonly logScale?: boolean;
}

/** Options of {@link SearchParameter.integer}. */
export interface IntegerParameterOptions {
  /**
   * Step between values.
   * @default 1
   */
  readonly step?: number;
}

const NAME = /^[a-zA-Z][a-zA-Z0-9_]{0,62}$/;

/**
 * One dimension of a hyperparameter search space. Trials receive the chosen value in the
 * environment variable {@link envName} (`HP_<NAME>`), or wherever {@link placeholder} is put
 * in the trial's args.
 *
 * ```ts
 * SearchParameter.double('learning_rate', 1e-5, 1e-3, { logScale: true })
 * SearchParameter.integer('lora_rank', 8, 64, { step: 8 })
 * SearchParameter.categorical('optimizer', ['adamw', 'sgd'])
 * ```
 */
export class SearchParameter {
  /** A real number from `min` to `max`. */
  public static double(name: string, min: number, max: number, options: DoubleParameterOptions = {}): SearchParameter {
    return new SearchParameter(name, SearchParameterType.DOUBLE, min, max, options.step, undefined, options.logScale ?? false);
  }

  /** A whole number from `min` to `max`. */
  public static integer(name: string, min: number, max: number, options: IntegerParameterOptions = {}): SearchParameter {
    return new SearchParameter(name, SearchParameterType.INTEGER, min, max, options.step, undefined, false);
  }

  /** One of `values`. */
  public static categorical(name: string, values: string[]): SearchParameter {
    return new SearchParameter(name, SearchParameterType.CATEGORICAL, undefined, undefined, undefined, [...(values ?? [])], false);
  }

  /** Name (letters, digits and "_", starting with a letter). */
  public readonly name: string;
  /** Type. */
  public readonly type: SearchParameterType;
  /** Lower bound (double and int). */
  public readonly min?: number;
  /** Upper bound (double and int). */
  public readonly max?: number;
  /** Step (double and int). */
  public readonly step?: number;
  /** Values (categorical). */
  public readonly values?: string[];
  /** Sampled on a log scale. */
  public readonly logScale: boolean;

  private constructor(name: string, type: SearchParameterType, min: number | undefined, max: number | undefined, step: number | undefined,
    values: string[] | undefined, logScale: boolean) {
    this.name = name;
    this.type = type;
    this.min = min;
    this.max = max;
    this.step = step;
    this.values = values;
    this.logScale = logScale;
  }

  /** Katib's substitution that a trial's args can contain: `${trialParameters.<name>}`. */
  public get placeholder(): string {
    return `\${trialParameters.${this.name}}`;
  }

  /** The environment variable trials receive the value in: `HP_<NAME>`. */
  public get envName(): string {
    return `HP_${this.name.toUpperCase()}`;
  }

  /**
   * Checks the parameter and returns how many points its grid has (undefined: not
   * griddable, a double without a step).
   * @internal
   */
  public _check(where: string, prop: string): number | undefined {
    if (typeof this.name !== 'string' || !NAME.test(this.name)) {
      throw invalidProp(where, `${prop}.name`, this.name, 'not a parameter name', 'use letters, digits and "_", starting with a letter (at most 63 characters)');
    }
    if (this.type === SearchParameterType.CATEGORICAL) {
      const values = this.values ?? [];
      if (values.length === 0) {
        throw invalidProp(where, `${prop}.values`, values, `the search space of ${this.name} is empty: no value to try`, 'list at least two values, or drop the parameter');
      }
      if (new Set(values).size !== values.length) {
        throw invalidProp(where, `${prop}.values`, values, 'a value is listed twice', 'list each value once');
      }
      return values.length;
    }
    const min = this.min!;
    const max = this.max!;
    const integer = this.type === SearchParameterType.INTEGER;
    if (!Number.isFinite(min) || !Number.isFinite(max) || (integer && (!Number.isInteger(min) || !Number.isInteger(max)))) {
      throw invalidProp(where, `${prop}.min`, min, `the bounds of ${this.name} are not ${integer ? 'whole numbers' : 'numbers'}`,
        'give finite bounds of the parameter\'s type');
    }
    if (min >= max) {
      throw invalidProp(where, `${prop}.max`, max, `the search space of ${this.name} is an empty range (min ${min} is not below max ${max})`,
        'give a min below the max, or fix the value in the trial\'s env instead of searching it');
    }
    if (this.logScale && min <= 0) {
      throw invalidProp(where, `${prop}.min`, min, 'a log-scale range must be positive', 'give a min above 0, or drop logScale');
    }
    const step = this.step ?? (this.type === SearchParameterType.INTEGER ? 1 : undefined);
    if (step === undefined) return undefined;
    if (!(step > 0) || step > max - min || (this.type === SearchParameterType.INTEGER && !Number.isInteger(step))) {
      throw invalidProp(where, `${prop}.step`, step, `not a step within the range of ${this.name} (${min} to ${max})`, `give a positive step of at most ${max - min}`);
    }
    return Math.floor((max - min) / step + 1e-9) + 1;
  }

  /** The Katib parameter. @internal */
  public _render(): { name: string; parameterType: string; feasibleSpace: { [key: string]: any } } {
    const fs: { [key: string]: any } = this.type === SearchParameterType.CATEGORICAL
      ? { list: [...this.values!] }
      : {
        min: String(this.min),
        max: String(this.max),
        ...(this.step !== undefined ? { step: String(this.step) } : {}),
        ...(this.logScale ? { distribution: 'logUniform' } : {}),
      };
    return { name: this.name, parameterType: this.type, feasibleSpace: fs };
  }
}
