import { Benchmarks } from '../../benchmarks';
import { containersOf } from '../../kubernetes-resources';
import { KubernetesContext, KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity, Violation } from '../../types';
import { evaluatePods } from '../pod/pod-rule';

/** OpenLLMetry (Traceloop SDK): prompts and completions on spans unless this is false. */
export const TRACELOOP_TRACE_CONTENT = 'TRACELOOP_TRACE_CONTENT';
/** OpenTelemetry GenAI instrumentations: message content on spans or events when set. */
export const OTEL_GENAI_CAPTURE_CONTENT = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';

/** The environment of a container: literal values, ConfigMap keys it names, and ConfigMaps it imports (envFrom). */
function environment(container: { [key: string]: any }, namespace: string, context: KubernetesContext): Map<string, string | undefined> {
  const configMap = (name: string) => context.objects.find(({ object }) => object.kind === 'ConfigMap' && object.metadata.namespace === namespace && object.metadata.name === name)?.object;
  const env = new Map<string, string | undefined>();
  for (const from of Array.isArray(container.envFrom) ? container.envFrom : []) {
    const cm = from?.configMapRef?.name ? configMap(from.configMapRef.name) : undefined;
    for (const [k, v] of Object.entries((cm?.data ?? {}) as { [key: string]: string })) env.set(`${from.prefix ?? ''}${k}`, v);
  }
  for (const e of Array.isArray(container.env) ? container.env : []) {
    if (!e || typeof e.name !== 'string') continue;
    const ref = e.valueFrom?.configMapKeyRef;
    env.set(e.name, typeof e.value === 'string' ? e.value : ref ? (configMap(ref.name)?.data as any)?.[ref.key] : undefined);
  }
  return env;
}

/** LLM tracing records no prompt or completion content. */
export const AI_TRACING_CONTENT_OFF: KubernetesRule = {
  id: 'ai-tracing-content-off',
  pack: PolicyPack.AI_PLATFORM,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.HIGH,
  info: 'LLM tracing is configured without prompt and completion content.',
  explanation: `A container configured for OpenLLMetry (any TRACELOOP_* setting) sets ${TRACELOOP_TRACE_CONTENT}=false (the `
    + `SDK records prompts and completions on spans by default); ${OTEL_GENAI_CAPTURE_CONTENT} is unset or false everywhere. `
    + 'Traces then carry model, token counts and latencies, not what users asked or what the model answered.',
  benchmarks: [Benchmarks.other('OWASP Top 10 for LLM Applications 2025', 'LLM02:2025 Sensitive Information Disclosure', 'https://genai.owasp.org/llmrisk/llm022025-sensitive-information-disclosure/'),
    Benchmarks.other('OpenTelemetry semantic conventions for generative AI', 'Capturing content is opt-in', 'https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/')],
  evaluate(resource, context) {
    return evaluatePods(resource, context, (pod) => containersOf(pod.podSpec).flatMap((c) => {
      const env = environment(c.spec, pod.group.namespace, context);
      const out: Violation[] = [];
      const traceloop = [...env.keys()].some((k) => k.startsWith('TRACELOOP_') && k !== TRACELOOP_TRACE_CONTENT);
      const content = env.get(TRACELOOP_TRACE_CONTENT);
      if ((traceloop || env.has(TRACELOOP_TRACE_CONTENT)) && String(content).toLowerCase() !== 'false') {
        out.push({ subject: `${pod.prefix}${c.subject}`, message: `records prompts and completions on traces (${TRACELOOP_TRACE_CONTENT} ${content ?? 'unset'})`, fix: `set ${TRACELOOP_TRACE_CONTENT}=false` });
      }
      const otel = env.get(OTEL_GENAI_CAPTURE_CONTENT);
      if (env.has(OTEL_GENAI_CAPTURE_CONTENT) && !['false', 'no_content'].includes(String(otel).toLowerCase())) {
        out.push({ subject: `${pod.prefix}${c.subject}`, message: `captures GenAI message content (${OTEL_GENAI_CAPTURE_CONTENT} ${otel ?? 'from a source the output does not show'})`, fix: `remove ${OTEL_GENAI_CAPTURE_CONTENT} or set it to false` });
      }
      return out;
    }));
  },
};
