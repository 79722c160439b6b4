// Policy packs over synthesized output (Terraform JSON and Kubernetes objects): rules,
// suppressions read from the output, the run and its report.
export * from './types';
export * from './benchmarks';
export * from './terraform-resources';
export * from './kubernetes-resources';
export * from './packs';
export * from './engine';
export * from './report';
export * from './rules';
