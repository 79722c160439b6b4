import * as YAML from 'yaml';
import { PlatformSpec } from '../../../../core/platform-spec';
import { driftPayloadPrefix } from '../../../../core/platform-spec-derivation';
import { Benchmarks } from '../../benchmarks';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity, Results, Violation } from '../../types';

/** Whether the spec's served model `name` of `team` opted in to drift monitoring. */
function optedIn(spec: PlatformSpec, team: string, name: string): boolean {
  return (spec.models ?? []).some((m) => m.team === team && m.name === name && m.monitorDrift === true);
}

/** The S3 prefixes of OpenTelemetry collector awss3 exporters in a ConfigMap's data (collector configurations). */
function payloadExports(data: { [key: string]: unknown }): Array<{ exporter: string; prefix: string }> {
  const out: Array<{ exporter: string; prefix: string }> = [];
  for (const value of Object.values(data)) {
    if (typeof value !== 'string' || !value.includes('awss3')) continue;
    let config: any;
    try {
      config = YAML.parse(value);
    } catch {
      continue;
    }
    for (const [name, exporter] of Object.entries((config?.exporters ?? {}) as { [key: string]: any })) {
      const prefix = exporter?.s3uploader?.s3_prefix;
      if ((name === 'awss3' || name.startsWith('awss3/')) && typeof prefix === 'string') out.push({ exporter: name, prefix });
    }
  }
  return out;
}

/** Payload logging and storage only for models that opted in. */
export const AI_DRIFT_PAYLOAD_OPT_IN: KubernetesRule = {
  id: 'ai-drift-payload-opt-in',
  pack: PolicyPack.AI_PLATFORM,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.HIGH,
  info: 'Request and response payloads are logged and stored only for served models whose spec opted in to drift monitoring.',
  explanation: 'Drift monitoring stores what a model is asked. An InferenceService with a payload logger '
    + '(spec.<component>.logger), and a collector exporter writing payloads to S3 under payloads/<team>/<model>, are '
    + 'compliant only for a model of the spec with monitorDrift: true in that team. Needs the spec.',
  benchmarks: [Benchmarks.other('OWASP Top 10 for LLM Applications 2025', 'LLM02:2025 Sensitive Information Disclosure', 'https://genai.owasp.org/llmrisk/llm022025-sensitive-information-disclosure/'),
    Benchmarks.other('GDPR', 'Article 5(1)(c) data minimisation', 'https://eur-lex.europa.eu/eli/reg/2016/679/oj')],
  needs: ['spec'],
  evaluate(resource, context) {
    const spec = context.spec;
    if (!spec) return Results.notApplicable();
    const o = resource.object;
    if (o.kind === 'InferenceService') {
      const components = ['predictor', 'transformer', 'explainer'].filter((c) => ((o.spec as any)?.[c]?.logger) !== undefined);
      if (components.length === 0) return Results.notApplicable();
      if (optedIn(spec, resource.namespace ?? '', o.metadata.name ?? '')) return Results.compliant();
      return Results.of(components.map((c): Violation => ({ subject: `${c}.logger`, message: 'logs request and response payloads, but its model did not opt in to drift monitoring', fix: 'remove the logger, or set monitorDrift: true on the model in the spec' })));
    }
    if (o.kind === 'ConfigMap' && o.apiVersion === 'v1') {
      const exports = payloadExports((o.data ?? {}) as { [key: string]: unknown });
      if (exports.length === 0) return Results.notApplicable();
      const violations: Violation[] = [];
      for (const e of exports) {
        const m = /^payloads\/([^/]+)\/([^/]+)/.exec(e.prefix);
        if (m && e.prefix.startsWith(driftPayloadPrefix(m[1])) && optedIn(spec, m[1], m[2])) continue;
        violations.push({ subject: `exporter ${e.exporter}`, message: `stores payloads under ${e.prefix}, for no model that opted in to drift monitoring`, fix: 'remove the exporter, or set monitorDrift: true on that model in the spec' });
      }
      return Results.of(violations);
    }
    return Results.notApplicable();
  },
};
