export * from './validate-manifests';
export { FindingCategory, formatPath } from './validator';
export { SchemaRegistry, normalizeKubernetesVersion } from './schema-registry';
export type { KindSchema, KindLookup, CelRuleInventory, CelRuleNote } from './schema-registry';
export { CelRuleStatus, compileCelRule } from './cel';
export { deriveKatibExperimentCrd, deriveKustomizedNotebookCrd } from './derive';
export { checkObjectName, checkQualifiedName, checkLabelValue, nameRuleFor, NameRuleKind } from './names';
export type { SchemaNode, RawCelRule, UncheckedPattern, JsonType, SpecialType, CelRuleHolder } from './schema-node';
export type { CompiledCelRule } from './cel';
