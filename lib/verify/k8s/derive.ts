/**
 * The two schema files that upstream does not publish as such, rebuilt from their pinned
 * upstream inputs so that the schema cache can be filled from upstream alone:
 *
 * - `crds/katib-experiments.from-openapi.yaml`: Katib's Experiment CRD ships without a
 *   schema (`x-kubernetes-preserve-unknown-fields` at the root), so every field would pass.
 *   Its OpenAPI document (`api/openapi-spec/swagger.json`) describes the Go types; the CRD
 *   schema is the `v1beta1.Experiment` definition with every `$ref` inlined.
 * - `crds/notebooks-notebooks.kustomized.yaml`: the Notebook CRD as the notebook controller
 *   installs it (`kubectl kustomize components/notebook-controller/config/crd`), i.e. the
 *   controller-gen base plus the patches of that kustomization: `conversion: None`,
 *   `preserveUnknownFields: false`, and containers that require `image` and at least one item.
 *
 * Both functions reproduce the shipped files byte for byte (checked by sha256 in the tests
 * and by `fetchSchemas`).
 */
import * as YAML from 'yaml';

/** Header line of the derived Katib CRD (part of the file's pinned sha256). */
const KATIB_HEADER = '# GENERATED from kubeflow/katib v0.19.0 api/openapi-spec/swagger.json (not upstream CRD)\n';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/**
 * Builds the Katib Experiment CRD from Katib's OpenAPI v3 document.
 *
 * `$ref` and single-element `allOf: [{$ref}]` are replaced by the referenced schema; the
 * referring node's `description` wins (kept in place when the target has one, appended
 * otherwise) and its other keys (the `default: {}` that openapi-gen adds) are dropped.
 * `metadata` becomes `type: object` (the API server validates ObjectMeta itself) and
 * `status` is left out, as controller-gen does for CRDs with a status subresource.
 *
 * @param openApiJson text of `katib-openapi-spec.json`
 * @returns the CRD as YAML text
 */
export function deriveKatibExperimentCrd(openApiJson: string): string {
  const doc = JSON.parse(openApiJson) as { components?: { schemas?: { [name: string]: Json } } };
  const schemas = doc.components?.schemas;
  if (!schemas || !schemas['v1beta1.Experiment']) {
    throw new Error('Katib OpenAPI document has no components.schemas["v1beta1.Experiment"]: is it kubeflow/katib api/openapi-spec/swagger.json?');
  }
  const inline = (node: Json, seen: string[]): Json => {
    if (Array.isArray(node)) return node.map((n) => inline(n, seen));
    if (node === null || typeof node !== 'object') return node;
    const allOf = node.allOf;
    const ref = typeof node.$ref === 'string' ? node.$ref
      : Array.isArray(allOf) && allOf.length === 1 && isObject(allOf[0]) && typeof allOf[0].$ref === 'string' ? allOf[0].$ref : undefined;
    if (ref !== undefined) {
      const name = ref.split('/').pop() as string;
      if (seen.includes(name)) throw new Error(`Katib OpenAPI document: recursive $ref ${name} cannot be inlined`);
      const target = schemas[name];
      if (target === undefined) throw new Error(`Katib OpenAPI document: unresolved $ref ${ref}`);
      const out = { ...(inline(target, [...seen, name]) as JsonObject) };
      if (node.description !== undefined) out.description = node.description;
      return out;
    }
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' && isObject(value)) {
        out[key] = Object.fromEntries(Object.entries(value).map(([p, s]) => [p, inline(s, seen)]));
      } else if (key === 'description' || key === 'default' || key === 'enum' || key === 'example') {
        out[key] = value;
      } else {
        out[key] = inline(value, seen);
      }
    }
    return out;
  };
  const experiment = inline(schemas['v1beta1.Experiment'], ['v1beta1.Experiment']) as JsonObject;
  const properties = { ...(experiment.properties as JsonObject) };
  properties.metadata = { type: 'object' };
  delete properties.status;
  experiment.properties = properties;
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'experiments.kubeflow.org' },
    spec: {
      group: 'kubeflow.org',
      scope: 'Namespaced',
      names: { kind: 'Experiment', plural: 'experiments', singular: 'experiment' },
      versions: [{ name: 'v1beta1', served: true, storage: true, schema: { openAPIV3Schema: experiment } }],
    },
  };
  return KATIB_HEADER + YAML.stringify(crd, { aliasDuplicateObjects: false });
}

/**
 * Applies the notebook controller's kustomization to the controller-gen Notebook CRD.
 *
 * Mirrors `components/notebook-controller/config/crd/kustomization.yaml`:
 * `patches/trivial_conversion_patch.yaml` (strategic merge: `spec.conversion.strategy: None`,
 * `spec.preserveUnknownFields: false`) and `patches/validation_patches.yaml` (JSON 6902:
 * for each of the three versions, containers `required: [name, image]` and `minItems: 1`).
 * Kustomize writes keys sorted, so inserted keys go to their sorted position.
 *
 * @param baseYaml text of `notebooks-notebooks.yaml` (`kubeflow.org_notebooks.yaml`)
 * @returns the kustomized CRD as YAML text
 */
export function deriveKustomizedNotebookCrd(baseYaml: string): string {
  const doc = YAML.parseDocument(baseYaml);
  if (doc.errors.length > 0) throw new Error(`Notebook CRD: ${doc.errors[0].message}`);
  const spec = doc.get('spec');
  if (!YAML.isMap(spec) || doc.getIn(['spec', 'names', 'kind']) !== 'Notebook') {
    throw new Error('not the Notebook CRD (spec.names.kind is not "Notebook")');
  }
  const insertSorted = (map: YAML.YAMLMap, key: string, value: unknown) => {
    if (map.has(key)) {
      map.set(key, doc.createNode(value));
      return;
    }
    const pair = doc.createPair(key, value);
    const at = map.items.findIndex((p) => String(YAML.isScalar(p.key) ? p.key.value : p.key) > key);
    if (at < 0) map.items.push(pair);
    else map.items.splice(at, 0, pair);
  };
  insertSorted(spec, 'conversion', { strategy: 'None' });
  insertSorted(spec, 'preserveUnknownFields', false);
  const versions = doc.getIn(['spec', 'versions']);
  const count = YAML.isSeq(versions) ? versions.items.length : 0;
  if (count !== 3) throw new Error(`Notebook CRD: expected 3 versions (the kustomization patches /spec/versions/0..2), found ${count}`);
  for (let i = 0; i < count; i++) {
    const containers = ['spec', 'versions', i, 'schema', 'openAPIV3Schema', 'properties', 'spec', 'properties',
      'template', 'properties', 'spec', 'properties', 'containers'];
    const node = doc.getIn(containers);
    if (!YAML.isMap(node)) throw new Error(`Notebook CRD: no containers schema in version ${i}`);
    doc.setIn([...containers, 'items', 'required'], doc.createNode(['name', 'image']));
    insertSorted(node, 'minItems', 1);
  }
  return doc.toString({ lineWidth: 0, indentSeq: false, directives: false });
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
