import {
  compareRouting, DEFAULT_TRACE, endpointPicker, generateTrace, leastLoaded, pickerRouter, roundRobin, simulate,
} from '../../bench/routing-simulation';

describe('routing simulation: round-robin against the endpoint picker on one skewed trace', () => {
  test('the trace is deterministic (seeded, no clock) and bursty', () => {
    const a = generateTrace();
    expect(a).toEqual(generateTrace());
    expect(a).toHaveLength(DEFAULT_TRACE.requests);
    expect(a[0]).toEqual({
      id: 0,
      arrivalMs: expect.any(Number),
      promptTokens: expect.any(Number),
      outputTokens: expect.any(Number),
      prefix: expect.any(Number),
      prefixTokens: 1500,
    });
    // Mean rate about as asked (16/s; bursts make the sample mean vary), but arrivals per second vary far more than a Poisson process's (variance = mean).
    const seconds = Math.ceil(a[a.length - 1].arrivalMs / 1000);
    const perSecond = Array.from({ length: seconds }, () => 0);
    for (const r of a) perSecond[Math.floor(r.arrivalMs / 1000)]++;
    const mean = a.length / seconds;
    const variance = perSecond.reduce((s, n) => s + (n - mean) ** 2, 0) / seconds;
    expect(mean).toBeGreaterThan(14);
    expect(mean).toBeLessThan(18);
    expect(variance / mean).toBeGreaterThan(5);
    const plain = generateTrace({ ...DEFAULT_TRACE, bursts: undefined });
    expect(plain).not.toEqual(a);
  });

  test('the figures of the README: 16 requests/s on average in bursts, 4 replicas', () => {
    const [rr, load, picker] = compareRouting();
    expect(rr).toEqual({
      policy: 'round-robin (Service)',
      meanQueueSpread: 1.25,
      maxQueue: 30,
      ttftMs: { p50: 133, p95: 2119, p99: 3686 },
      latencyMs: { p50: 4702, p95: 18348, p99: 28840 },
      prefixHitRate: 0.405,
    });
    expect(load).toEqual({
      policy: 'picker: queue + KV cache',
      meanQueueSpread: 0.73,
      maxQueue: 29,
      ttftMs: { p50: 174, p95: 2284, p99: 3919 },
      latencyMs: { p50: 4698, p95: 18569, p99: 28205 },
      prefixHitRate: 0.401,
    });
    expect(picker).toEqual({
      policy: 'picker: default profile (+ prefix cache)',
      meanQueueSpread: 0.43,
      maxQueue: 12,
      ttftMs: { p50: 53, p95: 322, p99: 827 },
      latencyMs: { p50: 2969, p95: 12361, p99: 21742 },
      prefixHitRate: 0.698,
    });
  });

  test('at a lower load (12/s) the picker on load alone evens the queues and cuts the worst wait; the default profile cuts every percentile', () => {
    const trace = generateTrace({ ...DEFAULT_TRACE, ratePerSecond: 12 });
    const rr = simulate(trace, roundRobin, 'rr');
    const load = simulate(trace, leastLoaded, 'load');
    const picker = simulate(trace, endpointPicker, 'picker');
    expect(load.maxQueue).toBeLessThan(rr.maxQueue);
    expect(load.ttftMs.p99).toBeLessThan(rr.ttftMs.p99);
    expect(picker.ttftMs.p95 * 2).toBeLessThan(rr.ttftMs.p95);
    expect(picker.latencyMs.p99).toBeLessThan(rr.latencyMs.p99);
  });

  test('N replicas: the same load over 8 replicas at twice the rate', () => {
    const trace = generateTrace({ ...DEFAULT_TRACE, ratePerSecond: 32 });
    const rr = simulate(trace, roundRobin, 'rr', 8);
    const picker = simulate(trace, pickerRouter({ queue: 2, kvCache: 2, prefixCache: 3 }), 'picker', 8);
    expect(picker.meanQueueSpread).toBeLessThan(rr.meanQueueSpread);
    expect(picker.latencyMs.p95).toBeLessThan(rr.latencyMs.p95);
  });
});
