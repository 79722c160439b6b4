/**
 * What model-aware routing changes for LLM serving, in a small deterministic simulation:
 * round-robin (a plain Service) against the Gateway API Inference Extension's endpoint picker
 * (the scoring the platform installs with each InferencePool: queue-scorer weight 2,
 * kv-cache-utilization-scorer weight 2, prefix-cache-scorer weight 3, max score wins, as
 * gateway-api-inference-extension v1.5.0 config/charts/epplib/templates/_config.yaml sets the
 * default profile), on the same generated trace.
 *
 * The trace is skewed on purpose: heavy-tailed (log-normal) prompt and output lengths, a few
 * popular system prompts (Zipf), and bursty arrivals (a two-state Markov-modulated Poisson process:
 * calm periods and bursts at several times the calm rate, same mean rate overall).
 *
 * Each replica is a continuous-batching engine (vLLM's model): every engine step decodes one
 * token of each running sequence and prefills the prompts admitted in that step (minus the
 * prompt prefix already in its prefix cache); a request waits while the KV cache cannot hold
 * it or the batch is full. The picker reads each replica's metrics as its data source does,
 * refreshed every 50 ms (stale in between), not the true state.
 *
 *   npx ts-node --transpile-only --project tsconfig.dev.json bench/routing-simulation.ts [--replicas=N]
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

/** Bursts of a trace: a two-state Markov-modulated Poisson process with the trace's mean rate. */
export interface BurstOptions {
  /** Arrival rate in a burst, as a multiple of the calm rate. */
  readonly factor: number;
  /** Share of the time spent in bursts (0 to 1). */
  readonly share: number;
  /** Mean length of a burst (ms, exponential); calm periods last mean × (1 − share) / share. */
  readonly meanBurstMs: number;
}

/** How the trace is generated. */
export interface TraceOptions {
  readonly seed: number;
  readonly requests: number;
  /** Mean arrivals per second over the whole trace (Poisson within each period). */
  readonly ratePerSecond: number;
  /** Bursty arrivals (none: a plain Poisson process). */
  readonly bursts?: BurstOptions;
  /** Distinct shared prefixes (Zipf-distributed popularity). */
  readonly prefixes: number;
  readonly prefixTokens: number;
}

/** Results of one policy on one trace. */
export interface PolicyResult {
  readonly policy: string;
  readonly ttftMs: { readonly p50: number; readonly p95: number; readonly p99: number };
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number };
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

/**
 * A skewed trace: heavy-tailed prompt and output lengths, a few popular system prompts, and bursts
 * at 4x the calm rate a fifth of the time (about 5 s each); 16 requests/s on average, which 4
 * replicas serve between bursts and not during them.
 */
export const DEFAULT_TRACE: TraceOptions = {
  seed: 42, requests: 4000, ratePerSecond: 16, prefixes: 24, prefixTokens: 1500, bursts: { factor: 4, share: 0.2, meanBurstMs: 5000 },
};

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
  const b = o.bursts;
  // Calm and burst rates (per ms) with the trace's mean rate; without bursts one state.
  const calmRate = (b ? o.ratePerSecond / (b.share * b.factor + 1 - b.share) : o.ratePerSecond) / 1000;
  const rateOf = (burst: boolean) => (burst && b ? calmRate * b.factor : calmRate);
  const meanPeriod = (burst: boolean) => (b ? (burst ? b.meanBurstMs : (b.meanBurstMs * (1 - b.share)) / b.share) : Infinity);
  let burst = false;
  let periodEnd = b ? -Math.log(1 - rand()) * meanPeriod(false) : Infinity;
  let t = 0;
  const nextArrival = () => {
    for (;;) {
      const gap = -Math.log(1 - rand()) / rateOf(burst);
      if (t + gap <= periodEnd) return t + gap;
      // The period ends first: switch state there (arrivals are memoryless, so draw again).
      t = periodEnd;
      burst = !burst;
      periodEnd = t + -Math.log(1 - rand()) * meanPeriod(burst);
    }
  };
  for (let id = 0; id < o.requests; id++) {
    t = nextArrival();
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

/** Weights of the picker's scorers (the platform's `EndpointPickerWeights`). */
export interface PickerWeights {
  readonly queue: number;
  readonly kvCache: number;
  readonly prefixCache: number;
}

/** The picker chart's default profile: queue 2, KV cache 2, prefix cache 3. */
export const DEFAULT_PICKER_WEIGHTS: PickerWeights = { queue: 2, kvCache: 2, prefixCache: 3 };

/**
 * The endpoint picker with the given weights: each scorer scores every replica in [0, 1], the
 * weighted sum wins (ties: taken in turn, so no replica is favoured). Queue: fewer waiting
 * requests score higher (min-max normalised); KV cache: 1 − utilisation; prefix: 1 when the
 * replica holds the prompt's prefix, else 0 (the plugin scores the matched share of the prompt's blocks).
 */
export function pickerRouter(w: PickerWeights): Router {
  return (req, snapshots, counter) => {
    const queues = snapshots.map((s) => s.queue);
    const min = Math.min(...queues);
    const max = Math.max(...queues);
    const scores = snapshots.map((s) => {
      const queue = max === min ? 1 : (max - s.queue) / (max - min);
      const kv = 1 - s.kvUtilisation;
      const prefix = s.prefixes.includes(req.prefix) ? 1 : 0;
      return w.queue * queue + w.kvCache * kv + w.prefixCache * prefix;
    });
    const best = Math.max(...scores);
    const ties = scores.map((x, i) => (x >= best - 1e-12 ? i : -1)).filter((i) => i >= 0);
    return ties[counter % ties.length];
  };
}

/** The endpoint picker's default profile (queue, KV cache and prefix cache). */
export const endpointPicker: Router = pickerRouter(DEFAULT_PICKER_WEIGHTS);

/** The picker on load alone: shortest queue and most free KV cache (no prefix scorer). */
export const leastLoaded: Router = pickerRouter({ queue: 2, kvCache: 2, prefixCache: 0 });

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
    latencyMs: { p50: percentile(latency, 50), p95: percentile(latency, 95), p99: percentile(latency, 99) },
    meanQueueSpread: Math.round((spreadSum / Math.max(1, spreadSamples)) * 100) / 100,
    maxQueue,
    prefixHitRate: Math.round((cached / Math.max(1, prompts)) * 1000) / 1000,
  };
}

/** Round-robin, the picker on load alone, and the picker's default profile, on one trace. */
export function compareRouting(trace: SimRequest[] = generateTrace(), replicas = 4): PolicyResult[] {
  return [
    simulate(trace, roundRobin, 'round-robin (Service)', replicas),
    simulate(trace, leastLoaded, 'picker: queue + KV cache', replicas),
    simulate(trace, endpointPicker, 'picker: default profile (+ prefix cache)', replicas),
  ];
}

/** The results as a Markdown table. */
export function formatRouting(results: PolicyResult[]): string {
  const rows = results.map((r) => `| ${r.policy} | ${r.meanQueueSpread} | ${r.maxQueue} | ${r.ttftMs.p50} | ${r.ttftMs.p95} | ${r.ttftMs.p99} `
    + `| ${r.latencyMs.p50} | ${r.latencyMs.p95} | ${r.latencyMs.p99} | ${(r.prefixHitRate * 100).toFixed(1)}% |`);
  return [
    '| routing | mean queue spread | max queue | TTFT p50 ms | TTFT p95 ms | TTFT p99 ms | latency p50 ms | latency p95 ms | latency p99 ms | prefix cache hits |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

if (require.main === module) {
  const replicas = Number(process.argv.find((a) => a.startsWith('--replicas='))?.split('=')[1] ?? 4);
  for (const rate of [12, DEFAULT_TRACE.ratePerSecond, 20]) {
    const t = { ...DEFAULT_TRACE, ratePerSecond: rate };
    const b = t.bursts!;
    console.log(`\n${t.requests} requests at ${t.ratePerSecond}/s on average (seed ${t.seed}; bursts at ${b.factor}x the calm rate ${b.share * 100}% of the time, `
      + `about ${b.meanBurstMs / 1000} s each), ${t.prefixes} system prompts of ${t.prefixTokens} tokens, ${replicas} replicas\n`);
    console.log(formatRouting(compareRouting(generateTrace(t), replicas)));
  }
}
