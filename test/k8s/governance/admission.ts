/**
 * ValidatingAdmissionPolicy, evaluated offline as the API server does (Kubernetes 1.30+,
 * admissionregistration.k8s.io/v1), with the verifier's CEL engine (lib/verify/k8s/cel.ts):
 *
 * 1. a binding applies when the request matches both the policy's `matchConstraints` and the
 *    binding's `matchResources` (resource rules by group, version, resource/subresource and
 *    operation; `namespaceSelector` on the namespace's labels, which always include
 *    `kubernetes.io/metadata.name`; `objectSelector` on the object's labels);
 * 2. every `matchCondition` must be true;
 * 3. `variables` are evaluated lazily, in order, and visible as `variables.<name>`;
 * 4. each `validation` is evaluated with `object`, `oldObject` (null on CREATE), `request`
 *    (operation, namespace, name, userInfo, kind, resource, subResource), `namespaceObject`
 *    and `params` (null: the platform's policies have no paramKind); false is a violation
 *    with the `messageExpression` (or `message`), an error counts under `failurePolicy: Fail`.
 */
import { celErrorOf, CelProgram, compileCelExpression, toCelValue } from '../../../lib/verify/k8s/cel';
import { matchesSelector } from '../../../lib/verify/platform/label-selectors';

/** Group, version and resource of the kinds the policies match. */
const RESOURCES: { [kind: string]: { group: string; version: string; resource: string } } = {
  Pod: { group: '', version: 'v1', resource: 'pods' },
  Deployment: { group: 'apps', version: 'v1', resource: 'deployments' },
  StatefulSet: { group: 'apps', version: 'v1', resource: 'statefulsets' },
  DaemonSet: { group: 'apps', version: 'v1', resource: 'daemonsets' },
  ReplicaSet: { group: 'apps', version: 'v1', resource: 'replicasets' },
  Job: { group: 'batch', version: 'v1', resource: 'jobs' },
  CronJob: { group: 'batch', version: 'v1', resource: 'cronjobs' },
  InferenceService: { group: 'serving.kserve.io', version: 'v1beta1', resource: 'inferenceservices' },
  TrainJob: { group: 'trainer.kubeflow.org', version: 'v1alpha1', resource: 'trainjobs' },
  ConfigMap: { group: '', version: 'v1', resource: 'configmaps' },
  Secret: { group: '', version: 'v1', resource: 'secrets' },
  // Sent to the `token` subresource of a ServiceAccount (the request's name is the account's).
  TokenRequest: { group: '', version: 'v1', resource: 'serviceaccounts' },
};

/** One admission request. */
export interface AdmissionRequest {
  readonly operation: 'CREATE' | 'UPDATE';
  /** The object (with apiVersion, kind and metadata.namespace). */
  readonly object: any;
  /** The object before the update. */
  readonly oldObject?: any;
  /** Labels of the object's namespace (`kubernetes.io/metadata.name` is added). */
  readonly namespaceLabels?: { [key: string]: string };
  /** Who sends it. */
  readonly username: string;
  readonly groups?: string[];
  /** A subresource (`ephemeralcontainers`). */
  readonly subResource?: string;
}

/** What one binding of one policy decided. */
export interface Verdict {
  readonly policy: string;
  readonly binding: string;
  readonly actions: string[];
  /** Messages of the validations that evaluated to false. */
  readonly violations: string[];
  /** Evaluation errors (they fail the request: failurePolicy Fail). */
  readonly errors: string[];
}

const programs = new Map<string, CelProgram>();
const NAMES = ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'variables', 'authorizer'];

function program(expression: string): CelProgram {
  let p = programs.get(expression);
  if (!p) programs.set(expression, p = compileCelExpression(expression, NAMES));
  return p;
}

/** Compiles every expression of the policies (throws on one the engine cannot evaluate); returns how many. */
export function compileAll(policies: any[]): number {
  let n = 0;
  for (const p of policies) {
    const s = p.spec;
    for (const e of [...(s.matchConditions ?? []), ...(s.variables ?? [])]) { program(e.expression); n++; }
    for (const v of s.validations ?? []) {
      program(v.expression); n++;
      if (v.messageExpression) { program(v.messageExpression); n++; }
    }
  }
  return n;
}

function matchesRules(rules: any[] | undefined, group: string, version: string, resource: string, operation: string): boolean {
  return (rules ?? []).some((r) => (r.apiGroups ?? []).some((g: string) => g === '*' || g === group)
    && (r.apiVersions ?? []).some((v: string) => v === '*' || v === version)
    && (r.resources ?? []).some((x: string) => x === '*' || x === resource)
    && (r.operations ?? []).some((o: string) => o === '*' || o === operation));
}

function matches(m: any | undefined, req: AdmissionRequest, nsLabels: { [key: string]: string }, requireRules: boolean): boolean {
  if (!m) return true;
  const r = RESOURCES[req.object.kind];
  if (!r) throw new Error(`no resource known for kind ${req.object.kind}`);
  const resource = req.subResource ? `${r.resource}/${req.subResource}` : r.resource;
  if ((requireRules || m.resourceRules) && !matchesRules(m.resourceRules, r.group, r.version, resource, req.operation)) return false;
  if (m.excludeResourceRules && matchesRules(m.excludeResourceRules, r.group, r.version, resource, req.operation)) return false;
  if (m.namespaceSelector && !matchesSelector(nsLabels, m.namespaceSelector)) return false;
  const labels = req.object.metadata?.labels ?? req.oldObject?.metadata?.labels ?? {};
  if (m.objectSelector && !matchesSelector(labels, m.objectSelector)) return false;
  return true;
}

function evaluate(expression: string, bindings: { [name: string]: unknown }): { value?: unknown; error?: string } {
  const result = program(expression).evaluate(bindings);
  const error = celErrorOf(result);
  return error !== undefined ? { error } : { value: result };
}

/** The verdicts of every binding that applies to the request (objects: the policies and bindings, as synthesized). */
export function admit(objects: any[], req: AdmissionRequest): Verdict[] {
  const policies = new Map(objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy').map((o) => [o.metadata.name, o]));
  const namespace: string = req.object.metadata?.namespace ?? '';
  const nsLabels = { ...(req.namespaceLabels ?? {}), 'kubernetes.io/metadata.name': namespace };
  const r = RESOURCES[req.object.kind];
  const base: { [name: string]: unknown } = {
    object: toCelValue(undefined, req.object),
    oldObject: req.oldObject ? toCelValue(undefined, req.oldObject) : null,
    request: toCelValue(undefined, {
      operation: req.operation,
      namespace,
      name: req.object.metadata?.name ?? '',
      kind: { group: r.group, version: r.version, kind: req.object.kind },
      resource: { group: r.group, version: r.version, resource: r.resource },
      subResource: req.subResource ?? '',
      userInfo: { username: req.username, groups: req.groups ?? [] },
    }),
    namespaceObject: toCelValue(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: nsLabels } }),
    params: null,
  };
  const out: Verdict[] = [];
  for (const binding of objects.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding')) {
    const policy = policies.get(binding.spec.policyName);
    if (!policy) continue;
    if (!matches(policy.spec.matchConstraints, req, nsLabels, true) || !matches(binding.spec.matchResources, req, nsLabels, false)) continue;
    const violations: string[] = [];
    const errors: string[] = [];
    const defs: any[] = policy.spec.variables ?? [];
    const cache = new Map<string, unknown>();
    const bindings: { [name: string]: unknown } = { ...base };
    bindings.variables = new class extends Map<string, unknown> {
      public get(key: string): unknown {
        if (!cache.has(key)) {
          const def = defs.find((d) => d.name === key);
          cache.set(key, def ? program(def.expression).evaluate(bindings) : undefined);
        }
        return cache.get(key);
      }
    }();
    let matched = true;
    for (const c of policy.spec.matchConditions ?? []) {
      const { value, error } = evaluate(c.expression, bindings);
      if (error !== undefined) errors.push(`matchCondition ${c.name}: ${error}`);
      else if (value !== true) matched = false;
    }
    if (!matched && errors.length === 0) continue;
    if (matched) {
      for (const v of policy.spec.validations) {
        const { value, error } = evaluate(v.expression, bindings);
        if (error !== undefined) {
          errors.push(`${error} in: ${v.expression}`);
        } else if (value !== true) {
          let message: string = v.message;
          if (v.messageExpression) {
            const m = evaluate(v.messageExpression, bindings);
            if (typeof m.value === 'string' && m.value !== '') message = m.value;
          }
          violations.push(message);
        }
      }
    }
    out.push({ policy: policy.metadata.name, binding: binding.metadata.name, actions: binding.spec.validationActions, violations, errors });
  }
  return out;
}

/** The messages (violations and errors) of one policy's verdicts. */
export function problemsOf(verdicts: Verdict[], policy?: string): string[] {
  return verdicts.filter((v) => !policy || v.policy === policy).flatMap((v) => [...v.violations, ...v.errors]);
}
