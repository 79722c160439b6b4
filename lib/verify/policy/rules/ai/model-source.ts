import { ecrRegistryHost } from '../../../../core/partition';
import { Benchmarks } from '../../benchmarks';
import { containersOf } from '../../kubernetes-resources';
import { KubernetesContext, KubernetesResourceInfo, KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity, Results, Violation } from '../../types';

/** A model location a workload loads from, and where it was found. */
interface ModelReference {
  readonly uri: string;
  readonly subject: string;
}

/** `storageUri`s of an InferenceService's components (model spec, framework shorthands, storageUris). */
function inferenceServiceReferences(resource: KubernetesResourceInfo): ModelReference[] {
  const out: ModelReference[] = [];
  const spec = (resource.object.spec ?? {}) as { [key: string]: any };
  for (const component of ['predictor', 'transformer', 'explainer']) {
    const walk = (node: unknown, path: string) => {
      if (Array.isArray(node)) { node.forEach((n, i) => walk(n, `${path}[${i}]`)); return; }
      if (!node || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node as { [key: string]: unknown })) {
        if ((k === 'storageUri' || k === 'uri') && typeof v === 'string') out.push({ uri: v, subject: `${path}.${k}` });
        else if (k !== 'containers' && k !== 'initContainers') walk(v, `${path}.${k}`);
      }
    };
    walk(spec[component], component);
  }
  return out;
}

/** The model a vLLM or Hugging Face server container is started with (`vllm serve <model>`, `--model`, `--model_id`). */
function containerReferences(podSpec: { [key: string]: any }, prefix: string): ModelReference[] {
  const out: ModelReference[] = [];
  for (const c of containersOf(podSpec)) {
    const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
    const words = [...list(c.spec.command), ...list(c.spec.args)].map(String);
    const serve = words.indexOf('serve');
    const vllm = words.some((w) => /(^|\/)vllm$/.test(w) || w.includes('vllm.entrypoints'));
    if (vllm && serve >= 0 && words[serve + 1] && !words[serve + 1].startsWith('-')) out.push({ uri: words[serve + 1], subject: `${prefix}${c.subject}` });
    words.forEach((w, i) => {
      const m = /^--(model|model_id|model-id)(=(.*))?$/.exec(w);
      if (!m) return;
      const value = m[3] ?? words[i + 1];
      if (value && !value.startsWith('-')) out.push({ uri: value, subject: `${prefix}${c.subject}` });
    });
  }
  return out;
}

/** Why a model reference is not from the model store or the registry (undefined: it is, or it is a local path). */
function problem(uri: string, context: KubernetesContext): string | undefined {
  const ecr = context.contract ? `${ecrRegistryHost(context.contract.region, context.contract.accountId)}/` : undefined;
  if (uri.startsWith('/') || uri.startsWith('./')) return undefined;
  if (/^(models|mlflow-artifacts):\//.test(uri)) return undefined;
  const s3 = /^s3:\/\/([^/]+)/.exec(uri);
  if (s3) return context.modelStoreBuckets.includes(s3[1]) ? undefined : `loads from bucket ${s3[1]}, which is not the model store's (${context.modelStoreBuckets.join(', ')})`;
  if (uri.startsWith('oci://')) return ecr && uri.slice('oci://'.length).startsWith(ecr) ? undefined : `loads an OCI model image from ${uri.slice('oci://'.length).split('/')[0]}, not the platform's registry`;
  if (/^hf:\/\//.test(uri) || /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(uri)) return 'loads from the Hugging Face Hub';
  const scheme = /^([a-z0-9+.-]+):\/\//.exec(uri);
  return scheme ? `loads from ${scheme[1]}://, outside the model store` : undefined;
}

/** Served models load from the platform's model store or registry. */
export const AI_MODEL_SOURCE: KubernetesRule = {
  id: 'ai-model-source',
  pack: PolicyPack.AI_PLATFORM,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.HIGH,
  info: 'Model servers load models only from the platform\'s model store or its registry.',
  explanation: 'An InferenceService\'s storageUri, and the model a vLLM (`vllm serve <model>`, `--model`) or KServe '
    + 'Hugging Face server (`--model_id`) container starts with, is s3:// of a model store bucket (the contract\'s, or the '
    + 'Terraform stack\'s), an MLflow registry URI (models:/, mlflow-artifacts:/), or an OCI image of the platform\'s ECR '
    + 'registry: models that were reviewed, scanned and copied in, not whatever a public hub serves today.',
  benchmarks: [Benchmarks.other('OWASP Top 10 for LLM Applications 2025', 'LLM03:2025 Supply Chain', 'https://genai.owasp.org/llmrisk/llm032025-supply-chain/'),
    Benchmarks.other('NIST AI 100-1 (AI RMF)', 'MAP 4.1 / GOVERN 6.1: third-party model provenance', 'https://doi.org/10.6028/NIST.AI.100-1')],
  needs: ['model-store'],
  evaluate(resource, context) {
    const refs: ModelReference[] = resource.object.kind === 'InferenceService' ? inferenceServiceReferences(resource) : [];
    for (const g of resource.podGroups) {
      if (!g.podSpec) continue;
      refs.push(...containerReferences(g.podSpec as { [key: string]: any }, resource.podGroups.length > 1 ? `${g.id.slice(resource.address.length).trim()} ` : ''));
    }
    if (refs.length === 0) return Results.notApplicable();
    const violations: Violation[] = [];
    for (const r of refs) {
      const p = problem(r.uri, context);
      if (p) violations.push({ subject: r.subject, message: `${p} (${r.uri})`, fix: 'copy the model into the model store (s3://<models bucket>/served/<name>/) or register it, and serve it from there (ModelSource.fromModelStore / fromArtifact)' });
    }
    return Results.of(violations);
  },
};
