import { compareRouting, DEFAULT_TRACE, endpointPicker, generateTrace, roundRobin, simulate } from '../../bench/routing-simulation';

describe('routing simulation: round-robin against the endpoint picker on one skewed trace', () => {
  test('the trace is deterministic (seeded)', () => {
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
  });

  test('near saturation (24 requests/s on 4 replicas) the picker keeps queues even and the tail short', () => {
    const [rr, picker] = compareRouting();
    // The figures of the README (a change of the model or the trace shows here).
    expect(rr).toEqual({
      policy: 'round-robin (Service)', ttftMs: { p50: 214, p95: 5585, p99: 6278 }, latencyMs: { p50: expect.any(Number), p95: 25827 }, meanQueueSpread: 14.22, maxQueue: 42, prefixHitRate: 0.383,
    });
    expect(picker).toEqual({
      policy: 'endpoint picker (InferencePool)', ttftMs: { p50: 52, p95: 220, p99: 423 }, latencyMs: { p50: expect.any(Number), p95: 13054 }, meanQueueSpread: 0.39, maxQueue: 7, prefixHitRate: 0.707,
    });
    expect(picker.ttftMs.p95 * 5).toBeLessThan(rr.ttftMs.p95);
    expect(picker.meanQueueSpread * 5).toBeLessThan(rr.meanQueueSpread);
  });

  test('at moderate load the picker still wins on time to first token, through prefix-cache hits', () => {
    const trace = generateTrace({ ...DEFAULT_TRACE, ratePerSecond: 16 });
    const rr = simulate(trace, roundRobin, 'rr');
    const picker = simulate(trace, endpointPicker, 'picker');
    expect(picker.prefixHitRate).toBeGreaterThan(rr.prefixHitRate + 0.2);
    expect(picker.ttftMs.p50).toBeLessThan(rr.ttftMs.p50);
  });
});
