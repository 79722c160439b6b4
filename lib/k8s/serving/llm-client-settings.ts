import { k8s } from 'cdk8s-plus-27';
import { invalidProp } from '../../core/errors';

/** Anything that receives OTLP over HTTP, e.g. the platform's TelemetryCollector. */
export interface IOtlpEndpoint {
  /** Base URL of the OTLP/HTTP receiver, e.g. `http://otel-collector.monitoring.svc:4318`. */
  readonly otlpHttpEndpoint: string;
}

/** How a client of an LLM service reports its traces (OpenLLMetry / OpenTelemetry). */
export interface LlmClientTelemetryOptions {
  /** The collector the client sends traces and metrics to (a TelemetryCollector, or any OTLP/HTTP endpoint). */
  readonly collector: IOtlpEndpoint;
  /** Name of the client application in traces (`OTEL_SERVICE_NAME`), e.g. `rag-api`. */
  readonly serviceName: string;
  /**
   * Record prompt and completion text in spans. Off by default: prompts carry user data and
   * secrets, and traces are kept and read more widely than the requests themselves.
   * @default false
   */
  readonly traceContent?: boolean;
}

/** Props of {@link LlmClientSettings}. */
export interface LlmClientSettingsProps {
  /** Base URL of the OpenAI-compatible API (ends with `/v1`). */
  readonly baseUrl: string;
  /** Name clients send as `model`. */
  readonly model: string;
  /**
   * Telemetry of the client.
   * @default - no telemetry settings
   */
  readonly telemetry?: LlmClientTelemetryOptions;
}

/**
 * What a client of an LLM service needs, as environment variables: the OpenAI-compatible base
 * URL and model name, and the OpenLLMetry / OpenTelemetry settings that send its traces to
 * the platform's collector, with prompt and completion content off unless opted in.
 *
 * ```ts
 * const settings = chat.clientSettings({ collector, serviceName: 'rag-api' });
 * container.env.push(...settings.toEnvVars());   // or settings.environment for a map
 * ```
 */
export class LlmClientSettings {
  /** Base URL of the OpenAI-compatible API. */
  public readonly baseUrl: string;
  /** Model name. */
  public readonly model: string;
  /** Whether prompt and completion content is traced. */
  public readonly traceContent: boolean;
  /** The environment variables, by name. */
  public readonly environment: { [name: string]: string };

  constructor(props: LlmClientSettingsProps) {
    this.baseUrl = props.baseUrl;
    this.model = props.model;
    this.traceContent = props.telemetry?.traceContent ?? false;
    const env: { [name: string]: string } = {
      // The OpenAI SDKs (Python, Node) and most frameworks read these.
      OPENAI_BASE_URL: props.baseUrl,
      OPENAI_MODEL: props.model,
    };
    const t = props.telemetry;
    if (t) {
      const endpoint = t.collector?.otlpHttpEndpoint;
      if (typeof endpoint !== 'string' || !/^https?:\/\/\S+$/.test(endpoint)) {
        throw invalidProp('LlmClientSettings', 'telemetry.collector.otlpHttpEndpoint', endpoint, 'not an http(s) URL', 'pass the platform\'s TelemetryCollector or an object with otlpHttpEndpoint');
      }
      if (typeof t.serviceName !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(t.serviceName)) {
        throw invalidProp('LlmClientSettings', 'telemetry.serviceName', t.serviceName, 'not a service name', 'give the client application\'s name, e.g. "rag-api"');
      }
      const content = String(this.traceContent);
      Object.assign(env, {
        OTEL_SERVICE_NAME: t.serviceName,
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        // OpenLLMetry (Traceloop SDK): export to the collector, not to Traceloop's cloud.
        TRACELOOP_BASE_URL: endpoint,
        TRACELOOP_TRACE_CONTENT: content,
        TRACELOOP_TELEMETRY: 'false',
        // OpenTelemetry's own GenAI instrumentations.
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: content,
      });
    }
    this.environment = env;
  }

  /** The settings as container env vars, sorted by name. */
  public toEnvVars(): k8s.EnvVar[] {
    return Object.keys(this.environment).sort().map((name) => ({ name, value: this.environment[name] }));
  }
}
