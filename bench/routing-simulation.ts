/**
 * What model-aware routing changes for LLM serving, in a small deterministic simulation:
 * round-robin (a plain Service) against the Gateway API Inference Extension's endpoint picker
 * (the scoring the platform installs with each InferencePool: queue-scorer weight 2,
 * kv-cache-utilization-scorer weight 2, prefix-cache-scorer weight 3, max score wins, as
 * gateway-api-inference-extension v1.5.0 config/charts/epplib/templates/_config.yaml sets the
 * default profile), on the same generated trace.
 *
 * Each replica is a continuous-batching engine (vLLM's model): every engine step decodes one
 * token of each running sequence and prefills the prompts admitted in that step (minus the
 * prompt prefix already in its prefix cache); a request waits while the KV cache cannot hold
 * it or the batch is full. The picker reads each replica's metrics as its data source does,
 * refreshed every 50 ms (stale in between), not the true state.
 *
 *   npx ts-node --transpile-only --project tsconfig.dev.json bench/routing-simulation.ts
 */

/** A request of the trace. */
export interface SimRequest {
  readonly id: number;
  /** Arrival time (ms). */
  readonly arrivalMs: number;
  /** Prompt tokens, including the shared prefix. */
  readonly promptTokens: number;
  /** Tokens to generate. */
  readonly outputTokens: number;
  /** Which shared prefix (system prompt) the prompt starts with. */
  readonly prefix: number;
  /** Tokens of that prefix. */
  readonly prefixTokens: number;
}

/** The engine model of one replica. */
export interface EngineModel {
  /** Fixed cost of one engine step (ms). */
  readonly stepMs: number;
  /** Prefill cost per prompt token not served from the prefix cache (ms). */
  readonly prefillMsPerToken: number;
  /** Decode cost per running sequence in a step (ms). */
  readonly decodeMsPerSequence: number;
  /** KV cache capacity in tokens. */
  readonly kvCapacityTokens: number;
  /** Most sequences in a batch (vLLM max_num_seqs). */
  readonly maxSequences: number;
  /** Prefixes kept in the prefix cache (LRU). */
  readonly prefixCacheEntries: number;
}

/** How the trace is generated. */
export interface TraceOptions {
  readonly seed: number;
  readonly requests: number;
  /** Mean arrivals per second (Poisson). */
  readonly ratePerSecond: number;
  /** Distinct shared prefixes (Zipf-distributed popularity). */
  readonly prefixes: number;
  readonly prefixTokens: number;
}

/** Results of one policy on one trace. */
export interface PolicyResult {
  readonly policy: string;
  readonly ttftMs: { readonly p50: number; readonly p95: number; readonly p99: number };
  readonly latencyMs: { readonly p50: number; readonly p95: number };
  /** Mean over time of (longest − shortest) waiting queue across replicas. */
  readonly meanQueueSpread: number;
  /** Largest waiting queue seen on any replica. */
  readonly maxQueue: number;
  /** Share of prompt tokens served from a prefix cache. */
  readonly prefixHitRate: number;
}

/** The engine the platform's chat model stands for: an 8B model on one L40S (orders of magnitude, not a benchmark of vLLM). */
export const DEFAULT_ENGINE: EngineModel = {
  stepMs: 8, prefillMsPerToken: 0.06, decodeMsPerSequence: 0.25, kvCapacityTokens: 150_000, maxSequences: 128, prefixCacheEntries: 6,
};

/** A skewed trace: heavy-tailed prompt and output lengths, a few popular system prompts. */
export const DEFAULT_TRACE: TraceOptions = { seed: 42, requests: 4000, ratePerSecond: 24, prefixes: 24, prefixTokens: 1500 };

/** Park-Miller's minimal standard generator: seeded, so every run sees the same trace. */
function prng(seed: number): () => number {
  let a = (Math.abs(Math.floor(seed)) % 2147483646) + 1;
  return () => {
    a = (a * 48271) % 2147483647;
    return (a - 1) / 2147483646;
  };
}

/** Generates the trace. */
export function generateTrace(o: TraceOptions = DEFAULT_TRACE): SimRequest[] {
  const rand = prng(o.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const logNormal = (median: number, sigma: number) => Math.round(median * Math.exp(sigma * normal()));
  // Zipf(1.1) popularity of prefixes.
  const weights = Array.from({ length: o.prefixes }, (_, i) => 1 / Math.pow(i + 1, 1.1));
  const total = weights.reduce((s, w) => s + w, 0);
  const pickPrefix = () => {
    let r = rand() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r <= 0) return i;
    }
    return weights.length - 1;
  };
  const out: SimRequest[] = [];
  let t = 0;
  for (let id = 0; id < o.requests; id++) {
    t += (-Math.log(1 - rand()) / o.ratePerSecond) * 1000;
    const user = Math.min(12_000, Math.max(16, logNormal(300, 1.1)));
    out.push({
      id,
      arrivalMs: t,
      promptTokens: o.prefixTokens + user,
      outputTokens: Math.min(2048, Math.max(8, logNormal(160, 0.9))),
      prefix: pickPrefix(),
      prefixTokens: o.prefixTokens,
    });
  }
  return out;
}

interface Running {
  readonly req: SimRequest;
  remaining: number;
  firstTokenMs?: number;
  prefilled: boolean;
}

class Replica {
  public waiting: SimRequest[] = [];
  public running: Running[] = [];
  public reservedTokens = 0;
  public busyUntil = 0;
  public readonly prefixCache: number[] = [];
  public cachedTokens = 0;
  public promptTokens = 0;
  constructor(private readonly m: EngineModel) {}

  /** Runs one engine step starting at `now`; returns the requests that finished, with their times. */
  public step(now: number, done: (r: Running, firstTokenMs: number, endMs: number) => void): void {
    // Admit waiting requests FIFO while the KV cache and the batch have room.
    let prefillTokens = 0;
    while (this.waiting.length > 0 && this.running.length < this.m.maxSequences) {
      const r = this.waiting[0];
      const need = r.promptTokens + r.outputTokens;
      if (this.reservedTokens + need > this.m.kvCapacityTokens && this.running.length > 0) break;
      this.waiting.shift();
      this.reservedTokens += need;
      const hit = this.prefixCache.includes(r.prefix);
      const uncached = r.promptTokens - (hit ? r.prefixTokens : 0);
      this.promptTokens += r.promptTokens;
      if (hit) this.cachedTokens += r.prefixTokens;
      prefillTokens += uncached;
      this.touchPrefix(r.prefix);
      this.running.push({ req: r, remaining: r.outputTokens, prefilled: false });
    }
    const duration = this.m.stepMs + prefillTokens * this.m.prefillMsPerToken + this.running.length * this.m.decodeMsPerSequence;
    const end = now + duration;
    for (const s of this.running) {
      if (!s.prefilled) {
        s.prefilled = true;
        s.firstTokenMs = end;
      }
      s.remaining--;
    }
    const finished = this.running.filter((s) => s.remaining <= 0);
    this.running = this.running.filter((s) => s.remaining > 0);
    for (const s of finished) {
      this.reservedTokens -= s.req.promptTokens + s.req.outputTokens;
      done(s, s.firstTokenMs!, end);
    }
    this.busyUntil = end;
  }

  public get idle(): boolean {
    return this.running.length === 0 && this.waiting.length === 0;
  }

  private touchPrefix(p: number): void {
    const i = this.prefixCache.indexOf(p);
    if (i >= 0) this.prefixCache.splice(i, 1);
    this.prefixCache.push(p);
    if (this.prefixCache.length > this.m.prefixCacheEntries) this.prefixCache.shift();
  }
}

/** What the picker sees of a replica (its scraped metrics). */
interface Snapshot {
  readonly queue: number;
  readonly kvUtilisation: number;
  readonly prefixes: number[];
}

/** Routes a request to a replica index, from the snapshots. */
export type Router = (req: SimRequest, snapshots: Snapshot[], counter: number) => number;

/** Round-robin, as a Kubernetes Service (kube-proxy) spreads connections. */
export const roundRobin: Router = (_r, snapshots, counter) => counter % snapshots.length;

/**
 * The endpoint picker's default profile: each scorer scores every replica in [0, 1], the
 * weighted sum wins (ties: the lower index, for determinism). Queue: fewer waiting requests
 * score higher (min-max normalised); KV cache: 1 − utilisation; prefix: 1 when the replica holds
 * the prompt's prefix, else 0 (the plugin scores the matched share of the prompt's blocks).
 */
export const endpointPicker: Router = (req, snapshots) => {
  const queues = snapshots.map((s) => s.queue);
  const min = Math.min(...queues);
  const max = Math.max(...queues);
  let best = 0;
  let bestScore = -Infinity;
  snapshots.forEach((s, i) => {
    const queue = max === min ? 1 : (max - s.queue) / (max - min);
    const kv = 1 - s.kvUtilisation;
    const prefix = s.prefixes.includes(req.prefix) ? 1 : 0;
    const score = 2 * queue + 2 * kv + 3 * prefix;
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  });
  return best;
};

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i]);
}

/** Simulates a trace on `replicas` replicas with one routing policy. */
export function simulate(trace: SimRequest[], router: Router, policy: string, replicas = 4, engine: EngineModel = DEFAULT_ENGINE,
  metricsRefreshMs = 50): PolicyResult {
  const pool = Array.from({ length: replicas }, () => new Replica(engine));
  const ttft: number[] = [];
  const latency: number[] = [];
  let next = 0;
  let counter = 0;
  let snapshots: Snapshot[] = pool.map(() => ({ queue: 0, kvUtilisation: 0, prefixes: [] }));
  let nextRefresh = 0;
  let spreadSum = 0;
  let spreadSamples = 0;
  let maxQueue = 0;
  let now = 0;
  const done = (s: Running, first: number, end: number) => {
    ttft.push(first - s.req.arrivalMs);
    latency.push(end - s.req.arrivalMs);
  };
  while (next < trace.length || pool.some((r) => !r.idle)) {
    // The next event: an arrival, a replica's step ending, or a metrics refresh.
    const busy = pool.filter((r) => !r.idle).map((r) => Math.max(r.busyUntil, now));
    const arrival = next < trace.length ? trace[next].arrivalMs : Infinity;
    now = Math.min(arrival, nextRefresh, ...busy);
    if (now === nextRefresh) {
      snapshots = pool.map((r) => ({
        queue: r.waiting.length, kvUtilisation: r.reservedTokens / engine.kvCapacityTokens, prefixes: [...r.prefixCache],
      }));
      const qs = pool.map((r) => r.waiting.length);
      spreadSum += Math.max(...qs) - Math.min(...qs);
      spreadSamples++;
      nextRefresh += metricsRefreshMs;
      continue;
    }
    while (next < trace.length && trace[next].arrivalMs <= now) {
      const req = trace[next++];
      const i = router(req, snapshots, counter++);
      pool[i].waiting.push(req);
      maxQueue = Math.max(maxQueue, pool[i].waiting.length);
    }
    for (const r of pool) {
      if (!r.idle && r.busyUntil <= now) r.step(now, done);
    }
  }
  ttft.sort((a, b) => a - b);
  latency.sort((a, b) => a - b);
  const cached = pool.reduce((s, r) => s + r.cachedTokens, 0);
  const prompts = pool.reduce((s, r) => s + r.promptTokens, 0);
  return {
    policy,
    ttftMs: { p50: percentile(ttft, 50), p95: percentile(ttft, 95), p99: percentile(ttft, 99) },
    latencyMs: { p50: percentile(latency, 50), p95: percentile(latency, 95) },
    meanQueueSpread: Math.round((spreadSum / Math.max(1, spreadSamples)) * 100) / 100,
    maxQueue,
    prefixHitRate: Math.round((cached / Math.max(1, prompts)) * 1000) / 1000,
  };
}

/** Both policies on the default trace. */
export function compareRouting(trace: SimRequest[] = generateTrace(), replicas = 4): PolicyResult[] {
  return [simulate(trace, roundRobin, 'round-robin (Service)', replicas), simulate(trace, endpointPicker, 'endpoint picker (InferencePool)', replicas)];
}

/** The results as a Markdown table. */
export function formatRouting(results: PolicyResult[]): string {
  const rows = results.map((r) => `| ${r.policy} | ${r.ttftMs.p50} | ${r.ttftMs.p95} | ${r.ttftMs.p99} | ${r.latencyMs.p95} `
    + `| ${r.meanQueueSpread} | ${r.maxQueue} | ${(r.prefixHitRate * 100).toFixed(1)}% |`);
  return ['| routing | TTFT p50 ms | TTFT p95 ms | TTFT p99 ms | latency p95 ms | mean queue spread | max queue | prefix cache hits |', '|---|---|---|---|---|---|---|---|', ...rows].join('\n');
}

if (require.main === module) {
  for (const rate of [16, DEFAULT_TRACE.ratePerSecond]) {
    const t = { ...DEFAULT_TRACE, ratePerSecond: rate };
    console.log(`\n${t.requests} requests at ${t.ratePerSecond}/s (seed ${t.seed}), ${t.prefixes} system prompts of ${t.prefixTokens} tokens, 4 replicas\n`);
    console.log(formatRouting(compareRouting(generateTrace(t))));
  }
}
