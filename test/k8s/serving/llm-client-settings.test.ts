import { LlmClientSettings } from '../../../lib/k8s/serving/llm-client-settings';

const BASE = { baseUrl: 'http://chat.team-a.svc/v1', model: 'chat' };
const COLLECTOR = { otlpHttpEndpoint: 'https://otel.example.com:4318' };

describe('LlmClientSettings', () => {
  test('without telemetry: the OpenAI base URL and model only, content not traced', () => {
    const s = new LlmClientSettings(BASE);
    expect([s.baseUrl, s.model, s.traceContent]).toEqual(['http://chat.team-a.svc/v1', 'chat', false]);
    expect(s.toEnvVars()).toEqual([{ name: 'OPENAI_BASE_URL', value: 'http://chat.team-a.svc/v1' }, { name: 'OPENAI_MODEL', value: 'chat' }]);
  });

  test('with telemetry and content: every variable, sorted by name', () => {
    const s = new LlmClientSettings({ ...BASE, telemetry: { collector: COLLECTOR, serviceName: 'eval.job_1', traceContent: true } });
    expect(s.traceContent).toBe(true);
    expect(s.toEnvVars()).toEqual([
      { name: 'OPENAI_BASE_URL', value: 'http://chat.team-a.svc/v1' },
      { name: 'OPENAI_MODEL', value: 'chat' },
      { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'https://otel.example.com:4318' },
      { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'http/protobuf' },
      { name: 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', value: 'true' },
      { name: 'OTEL_SERVICE_NAME', value: 'eval.job_1' },
      { name: 'TRACELOOP_BASE_URL', value: 'https://otel.example.com:4318' },
      { name: 'TRACELOOP_TELEMETRY', value: 'false' },
      { name: 'TRACELOOP_TRACE_CONTENT', value: 'true' },
    ]);
  });

  test('a collector endpoint without a scheme (exact message)', () => {
    expect(() => new LlmClientSettings({ ...BASE, telemetry: { collector: { otlpHttpEndpoint: 'otel:4318' }, serviceName: 'rag-api' } })).toThrow(
      'LlmClientSettings: invalid telemetry.collector.otlpHttpEndpoint = "otel:4318": not an http(s) URL. Fix: pass the platform\'s TelemetryCollector or an object with otlpHttpEndpoint.');
  });

  test('a collector without an endpoint', () => {
    expect(() => new LlmClientSettings({ ...BASE, telemetry: { collector: {} as any, serviceName: 'rag-api' } }))
      .toThrow('LlmClientSettings: invalid telemetry.collector.otlpHttpEndpoint = undefined: not an http(s) URL');
  });

  test('a service name with a space (exact message)', () => {
    expect(() => new LlmClientSettings({ ...BASE, telemetry: { collector: COLLECTOR, serviceName: 'rag api' } })).toThrow(
      'LlmClientSettings: invalid telemetry.serviceName = "rag api": not a service name. Fix: give the client application\'s name, e.g. "rag-api".');
  });

  test('service names: at most 63 characters, starting with a letter or digit', () => {
    expect(new LlmClientSettings({ ...BASE, telemetry: { collector: COLLECTOR, serviceName: 'a'.repeat(63) } }).environment.OTEL_SERVICE_NAME).toHaveLength(63);
    for (const name of ['a'.repeat(64), '-rag', '']) {
      expect(() => new LlmClientSettings({ ...BASE, telemetry: { collector: COLLECTOR, serviceName: name } })).toThrow(`invalid telemetry.serviceName = ${JSON.stringify(name)}`);
    }
  });
});
