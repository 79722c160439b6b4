/**
 * Served models load only from the platform's model store: in team namespaces, an
 * InferenceService's storage URIs and a vLLM server's model argument are `s3://` locations
 * of the contract's models bucket under an allowed prefix (served models, the model
 * registry's artifacts, the team's own training outputs), or an OCI image of the platform's
 * ECR repositories.
 *
 * How the platform's servers name their model (LlmService): the vLLM Deployment runs
 * `vllm serve <model> ...` (command `[vllm, serve]`, the model as the first argument); an
 * InferenceService has `spec.predictor.model.storageUri`, which KServe's storage initializer
 * downloads to `/mnt/models` for the server. KServe's vLLM runtime passes `--model=/mnt/models`.
 *
 * What admission cannot see: code that downloads something else at run time. The team
 * namespaces' default-deny egress is what keeps Hugging Face and other hosts out of reach.
 */
import { k8s } from 'cdk8s-plus-27';
import { AdmissionOperation, AdmissionPolicyProps } from './admission-policy';
import { BY_CONTROLLER, CONTAINERS, CONTROLLED, CREATION_OR_SPEC_CHANGE, POD_RULES, POD_SPEC, WORKLOAD_RULES, celString, celStringList } from './cel-expressions';
import { TRAINING } from '../../core/contract';
import { LLM_SERVER_PATHS } from '../serving';

/** Name of the policy. */
export const MODEL_SOURCE_POLICY = 'cnai-served-model-sources';

/** Keys of an InferenceService predictor that hold a model (the model spec, or a framework shorthand), as in KServe v0.20.0's CRD. */
const PREDICTOR_MODEL_KEYS = ['model', 'sklearn', 'xgboost', 'tensorflow', 'pytorch', 'triton', 'onnx', 'huggingface', 'pmml', 'lightgbm', 'paddle'];

/** Where KServe's storage initializer puts the model (KServe's DefaultModelLocalMountPath). */
const KSERVE_MODEL_PATH = LLM_SERVER_PATHS.kserveModel;
/** Where LlmService copies an OCI model for vLLM (from an init container running the model image). */
const OCI_MODEL_PATH = LLM_SERVER_PATHS.ociModel;

/** CEL: the image reference `i` is in one of the platform's image sources `r` (a repository, or a namespace of repositories). */
function inPlatformRegistry(i: string): string {
  return `variables.ociSources.exists(r, ${i} == r || ${i}.startsWith(r + ':') || ${i}.startsWith(r + '@') || ${i}.startsWith(r + '/'))`;
}

/** CEL: the location `x` (a string expression) is in the model store, or an OCI image of the platform's ECR. */
function allowedLocation(x: string): string {
  return `(!${x}.contains('/../') && (variables.prefixes.exists(p, ${x}.startsWith(p))`
    + ` || (${x}.startsWith('oci://') && ${inPlatformRegistry(`${x}.substring(6)`)})))`;
}

/** CEL: a vLLM model `m` that is a local path filled from a checked location. */
function allowedLocalPath(m: string): string {
  const k = celString(KSERVE_MODEL_PATH);
  const o = celString(OCI_MODEL_PATH);
  return `(((${m} == ${k} || ${m}.startsWith(${k} + '/')) && variables.controlled)`
    + ` || ((${m} == ${o} || ${m}.startsWith(${o} + '/')) && has(variables.podSpec.initContainers)`
    + ` && variables.podSpec.initContainers.exists(i, has(i.image) && ${inPlatformRegistry('i.image')})))`;
}

/**
 * The served model source policy.
 * @param bucket the models bucket
 * @param prefixes allowed key prefixes (each ending with `/`); `training/<namespace>/` is added per namespace
 * @param ociSources the platform's ECR repositories or their namespace (image names)
 * @param teams selector of the team namespaces
 */
export function modelSourcePolicy(bucket: string, prefixes: string[], ociSources: string[], teams: k8s.LabelSelector): AdmissionPolicyProps {
  const predictor = (k: string) => `object.spec.predictor.${k}`;
  const storageUris = [
    ...PREDICTOR_MODEL_KEYS.map((k) => `(has(${predictor(k)}) && has(${predictor(k)}.storageUri) ? [${predictor(k)}.storageUri] : [])`),
    '(has(object.spec.predictor.storageUris) ? object.spec.predictor.storageUris.map(s, s.uri) : [])',
  ].join(' + ');
  const storageSpec = PREDICTOR_MODEL_KEYS.map((k) => `(has(${predictor(k)}) && has(${predictor(k)}.storage))`).join(' || ');
  const hubArgs = [
    ...PREDICTOR_MODEL_KEYS.map((k) => `(has(${predictor(k)}) && has(${predictor(k)}.args) && ${predictor(k)}.args.exists(a, a.startsWith('--model_id')))`),
    '(has(object.spec.predictor.containers) && object.spec.predictor.containers.exists(c, has(c.args) && c.args.exists(a, a.startsWith(\'--model_id\'))))',
  ].join(' || ');
  const envUris = 'has(object.spec.predictor.containers) && object.spec.predictor.containers.exists(c, has(c.env) && c.env.exists(e, e.name == \'STORAGE_URI\'))';
  const s3 = `s3://${bucket}/`;
  return {
    name: MODEL_SOURCE_POLICY,
    description: `Served models (InferenceServices, vLLM servers) in team namespaces load only from the model store: ${prefixes.map((p) => `${s3}${p}`).join(', ')}, `
      + `${s3}${TRAINING.outputPrefix}<namespace>/, or an OCI image of the platform's ECR repositories.`,
    resourceRules: [
      ...POD_RULES.map((r) => ({ ...r, operations: [AdmissionOperation.CREATE] })),
      ...WORKLOAD_RULES,
      { apiGroups: ['serving.kserve.io'], apiVersions: ['v1beta1'], resources: ['inferenceservices'], operations: [AdmissionOperation.CREATE, AdmissionOperation.UPDATE] },
    ],
    matchConditions: [CREATION_OR_SPEC_CHANGE],
    variables: [
      { name: 'prefixes', expression: `${celStringList(prefixes.map((p) => `${s3}${p}`))} + [${celString(`${s3}${TRAINING.outputPrefix}`)} + request.namespace + '/']` },
      { name: 'ociSources', expression: celStringList(ociSources) },
      BY_CONTROLLER,
      CONTROLLED,
      { name: 'storageUris', expression: `object.kind != 'InferenceService' ? [] : ${storageUris}` },
      { name: 'envUris', expression: `object.kind == 'InferenceService' && ${envUris}` },
      POD_SPEC,
      CONTAINERS,
      {
        name: 'vllm',
        expression: 'object.kind == \'InferenceService\' ? [] : variables.containers.filter(c, (has(c.image) && c.image.contains(\'vllm-openai\'))'
          + ' || (has(c.command) && c.command.exists(a, a == \'vllm\' || a.endsWith(\'/vllm\') || a.startsWith(\'vllm.entrypoints\'))))',
      },
      {
        // `vllm serve <model>`, else `--model <model>` / `--model=<model>`; '' when the server names none.
        name: 'vllmModels',
        expression: 'variables.vllm.map(c, \' \' + ((has(c.command) ? c.command : []) + (has(c.args) ? c.args : [])).join(\' \') + \' \')'
          + '.map(s, s.find(\' serve +[^ -][^ ]*\') != \'\' ? s.find(\' serve +[^ -][^ ]*\').split(\' \').filter(t, t != \'\')[1]'
          + ' : s.find(\' --model[= ][^ ]+\') != \'\' ? s.find(\' --model[= ][^ ]+\').substring(9) : \'\')',
      },
      { name: 'badVllmModels', expression: `variables.vllmModels.filter(m, !(${allowedLocation('m')} || ${allowedLocalPath('m')}))` },
    ],
    validations: [
      {
        expression: `object.kind != 'InferenceService' || variables.storageUris.all(u, ${allowedLocation('u')})`,
        message: 'An InferenceService loads its model from the platform\'s model store (s3://<models bucket>/ under served/, the registry\'s prefix or '
          + 'training/<namespace>/) or from an OCI image of the platform\'s ECR repositories.',
        messageExpression: `'InferenceService ' + object.metadata.name + ' loads from outside the model store: ' + variables.storageUris.filter(u, !${allowedLocation('u')}).join(', ')`,
      },
      {
        expression: 'object.kind != \'InferenceService\' || size(variables.storageUris) > 0 || variables.envUris',
        message: 'An InferenceService names its model location with storageUri: without one the server downloads from the Hub or serves whatever its image holds.',
      },
      {
        expression: `object.kind != 'InferenceService' || !(${storageSpec} || ${hubArgs})`,
        message: 'An InferenceService does not name its model through a storage secret (storage.key/path) or a Hugging Face id (--model_id): '
          + 'use storageUri with a model store location.',
      },
      {
        expression: 'object.kind != \'InferenceService\' || !has(object.spec.predictor.containers) || object.spec.predictor.containers.all(c, !has(c.env) '
          + `|| c.env.all(e, e.name != 'STORAGE_URI' || (has(e.value) && ${allowedLocation('e.value')})))`,
        message: 'A custom predictor container\'s STORAGE_URI is a model store location (a literal value, not a reference).',
      },
      {
        expression: 'size(variables.badVllmModels) == 0',
        message: 'A vLLM server loads its model from the platform\'s model store (its first argument after serve, or --model): an s3:// location of the '
          + `models bucket under an allowed prefix, ${KSERVE_MODEL_PATH} in pods KServe makes, or ${OCI_MODEL_PATH} copied from an image of the platform's ECR repositories.`,
        messageExpression: '\'vLLM servers must load from the model store, not: \' + variables.badVllmModels.map(m, m == \'\' ? \'(no model named: vLLM would fetch its default from Hugging Face)\' : m).join(\', \')',
      },
    ],
    bindings: [{ name: MODEL_SOURCE_POLICY, namespaceSelector: teams }],
  };
}
