/**
 * The endpoint picker's vocabulary, shared by the spec (`gateway.endpointPicker`) and the
 * Kubernetes layer's InferencePool: what the proxies do when the picker does not answer, the
 * scorers' weights, and the checks of those settings with one problem per mistake, so that the
 * spec validation and InferencePool report the same messages. Plain data.
 */
import { ProblemDetails } from './errors';

/** What the gateway does when the endpoint picker does not answer. */
export enum PickerFailureMode {
  /** Requests go to a replica chosen by the proxy (upstream's default): serving continues, unbalanced. */
  FAIL_OPEN = 'FailOpen',
  /** Requests fail: nothing reaches a replica the picker did not choose. */
  FAIL_CLOSE = 'FailClose',
}

/**
 * Weights of the endpoint picker's scorers (its default scheduling profile): each scorer gives
 * every replica a score in [0, 1], the weighted sum picks the replica. A weight of 0 leaves the
 * scorer out.
 */
export interface EndpointPickerWeights {
  /**
   * `queue-scorer`: fewer waiting requests (vLLM's `vllm:num_requests_waiting`) score higher.
   * @default 2
   */
  readonly queue?: number;
  /**
   * `kv-cache-utilization-scorer`: more free KV cache (1 − `vllm:kv_cache_usage_perc`) scores higher.
   * @default 2
   */
  readonly kvCache?: number;
  /**
   * `prefix-cache-scorer`: a replica that has served the prompt's prefix (e.g. the same system prompt) scores higher.
   * @default 3
   */
  readonly prefixCache?: number;
}

/**
 * The picker's default scorer weights (the v1.5.0 chart's default profile).
 * @internal
 */
export const DEFAULT_PICKER_WEIGHTS = { queue: 2, kvCache: 2, prefixCache: 3 };

/**
 * The endpoint picker's settings: those the spec's `gateway.endpointPicker` and InferencePool both
 * take (the picker of every vLLM model a gateway routes, one InferencePool per model).
 */
export interface EndpointPickerSettings {
  /**
   * Picker replicas per model (1 to 10). Upstream recommends one active replica (its prefix-cache
   * state is in memory); more run active-passive with leader election (and get a PodDisruptionBudget).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * What the proxies do when the picker does not answer.
   * @default PickerFailureMode.FAIL_OPEN
   */
  readonly failureMode?: PickerFailureMode;
  /**
   * Scorer weights (each a whole number from 0 to 100, not all 0).
   * @default - queue 2, KV cache 2, prefix cache 3 (the chart's default profile)
   */
  readonly weights?: EndpointPickerWeights;
  /**
   * CPU cores of each picker (0.1 to 16; requests = limits).
   * @default 1
   */
  readonly cpu?: number;
  /**
   * Memory of each picker in GiB (0.25 to 32; requests = limits).
   * @default 1
   */
  readonly memoryGiB?: number;
}

/** The spec's `gateway.endpointPicker`: model-aware load balancing of the vLLM models the gateway routes. */
export interface GatewayEndpointPickerSpec extends EndpointPickerSettings {
  /**
   * Route vLLM models through InferencePools and their pickers (false: through their Service, round-robin).
   * @default true
   */
  readonly enabled?: boolean;
}

/** Where the problems of picker settings are reported. */
export interface EndpointPickerCheckContext {
  /** Construct path or spec name. */
  readonly construct: string;
  /** Prefix of the props (`gateway.endpointPicker.` in the spec, empty for InferencePool). */
  readonly prefix: string;
}

/** Checks of the endpoint picker's settings, shared by the spec validation and InferencePool. */
export class EndpointPickerChecks {
  /** The problems of the picker's settings: one per mistake. */
  public static problems(context: EndpointPickerCheckContext, picker: EndpointPickerSettings): ProblemDetails[] {
    const out: ProblemDetails[] = [];
    const p = (prop: string, value: unknown, problem: string, fix: string) => out.push({ construct: context.construct, prop: `${context.prefix}${prop}`, value, problem, fix });
    const whole = (prop: string, value: number | undefined, min: number, max: number, fix: string): boolean => {
      if (value === undefined) return true;
      if (Number.isInteger(value) && value >= min && value <= max) return true;
      p(prop, value, `not a whole number from ${min} to ${max}`, fix);
      return false;
    };
    whole('replicas', picker.replicas, 1, 10, 'give 1 (upstream\'s recommendation) or, for a standby, 2');
    if (picker.failureMode !== undefined && !Object.values(PickerFailureMode).includes(picker.failureMode)) {
      p('failureMode', picker.failureMode, 'not a PickerFailureMode', 'use PickerFailureMode.FAIL_OPEN (serving goes on unbalanced) or PickerFailureMode.FAIL_CLOSE');
    }
    const w = picker.weights ?? {};
    const ok = [
      whole('weights.queue', w.queue, 0, 100, `give a whole number from 0 to 100 (the default is ${DEFAULT_PICKER_WEIGHTS.queue})`),
      whole('weights.kvCache', w.kvCache, 0, 100, `give a whole number from 0 to 100 (the default is ${DEFAULT_PICKER_WEIGHTS.kvCache})`),
      whole('weights.prefixCache', w.prefixCache, 0, 100, `give a whole number from 0 to 100 (the default is ${DEFAULT_PICKER_WEIGHTS.prefixCache})`),
    ].every((x) => x);
    const resolved = {
      queue: w.queue ?? DEFAULT_PICKER_WEIGHTS.queue,
      kvCache: w.kvCache ?? DEFAULT_PICKER_WEIGHTS.kvCache,
      prefixCache: w.prefixCache ?? DEFAULT_PICKER_WEIGHTS.prefixCache,
    };
    if (ok && resolved.queue + resolved.kvCache + resolved.prefixCache === 0) {
      p('weights', JSON.stringify(resolved), 'every scorer has weight 0, so the picker would choose replicas without looking at them',
        'give at least one scorer a positive weight, or leave weights out for the default profile (queue 2, KV cache 2, prefix cache 3)');
    }
    if (picker.cpu !== undefined && !(picker.cpu >= 0.1 && picker.cpu <= 16)) {
      p('cpu', picker.cpu, 'not between 0.1 and 16 cores', 'give 1 (the default) or more for high request rates (upstream sized 4 cores for its scale tests)');
    }
    if (picker.memoryGiB !== undefined && !(picker.memoryGiB >= 0.25 && picker.memoryGiB <= 32)) {
      p('memoryGiB', picker.memoryGiB, 'not between 0.25 and 32 GiB', 'give 1 (the default) or more');
    }
    return out;
  }

  private constructor() {}
}
