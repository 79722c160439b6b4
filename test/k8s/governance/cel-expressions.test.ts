import {
  BY_CONTROLLER, CONTAINERS, CONTROLLED, CREATION_OR_SPEC_CHANGE, LABELS, PODSET_LABEL, POD_AND_DEBUG_RULES, POD_RULES, POD_SPEC, QUEUE_LABEL,
  SERVICE_ACCOUNT, WORKLOAD_RULES, celString, celStringList, celStringListMap,
} from '../../../lib/k8s/governance/cel-expressions';
import { celErrorOf, compileCelExpression, toCelValue } from '../../../lib/verify/k8s/cel';

const NAMES = ['object', 'oldObject', 'request', 'variables'];

/** Evaluates an expression with the verifier's CEL engine; `variables` holds already computed values. */
interface CelInput {
  readonly object?: unknown;
  readonly oldObject?: unknown;
  readonly request?: unknown;
  readonly variables?: { [name: string]: unknown };
}

function run(expression: string, input: CelInput): unknown {
  const result = compileCelExpression(expression, NAMES).evaluate({
    object: toCelValue(undefined, input.object ?? {}),
    oldObject: input.oldObject === undefined ? null : toCelValue(undefined, input.oldObject),
    request: toCelValue(undefined, input.request ?? {}),
    variables: new Map(Object.entries(input.variables ?? {}).map(([k, v]) => [k, toCelValue(undefined, v)])),
  });
  const error = celErrorOf(result);
  if (error !== undefined) throw new Error(`${error} in: ${expression}`);
  return result;
}

/** A JSON value as a CEL literal (strings, booleans, integers, lists, maps). */
function lit(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(lit).join(', ')}]`;
  return `{${Object.entries(value as object).map(([k, v]) => `${JSON.stringify(k)}: ${lit(v)}`).join(', ')}}`;
}

/** Whether an expression evaluates to the given JSON value (compared in CEL). */
function yields(expression: string, input: CelInput, expected: unknown): boolean {
  return run(`(${expression}) == ${lit(expected)}`, input) === true;
}

describe('CEL literals', () => {
  test('a string is quoted, with backslashes and single quotes escaped', () => {
    expect(celString('docker.io/vllm')).toBe("'docker.io/vllm'");
    expect(celString("it's")).toBe("'it\\'s'");
    expect(celString('a\\b')).toBe("'a\\\\b'");
    expect(celString('')).toBe("''");
  });

  test('the escaped literals evaluate back to the original strings', () => {
    for (const s of ["it's", 'a\\b', "\\'", 'plain']) expect(run(celString(s), {})).toBe(s);
  });

  test('a list of strings, in the given order', () => {
    expect(celStringList(['b', 'a'])).toBe("['b', 'a']");
    expect(celStringList([])).toBe('[]');
    expect(yields(celStringList(['x', "y'z"]), {}, ['x', "y'z"])).toBe(true);
  });

  test('a map of string lists, keys sorted', () => {
    expect(celStringListMap({ team: ['served/'], alpha: ['a/', 'b/'] })).toBe("{'alpha': ['a/', 'b/'], 'team': ['served/']}");
    expect(celStringListMap({})).toBe('{}');
    expect(yields(celStringListMap({ b: [], a: ['x'] }), {}, { a: ['x'], b: [] })).toBe(true);
  });
});

describe('resource rules', () => {
  test('the labels Kueue reads and writes', () => {
    expect(QUEUE_LABEL).toBe('kueue.x-k8s.io/queue-name');
    expect(PODSET_LABEL).toBe('kueue.x-k8s.io/podset');
  });

  test('pods, pods with ephemeral containers, and the built-in workloads, on creation and update', () => {
    expect(POD_RULES).toEqual([{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE', 'UPDATE'] }]);
    expect(POD_AND_DEBUG_RULES).toEqual([{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'pods/ephemeralcontainers'], operations: ['CREATE', 'UPDATE'] }]);
    expect(WORKLOAD_RULES).toEqual([
      { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'], operations: ['CREATE', 'UPDATE'] },
      { apiGroups: ['batch'], apiVersions: ['v1'], resources: ['jobs', 'cronjobs'], operations: ['CREATE', 'UPDATE'] },
    ]);
  });
});

describe('variables and conditions, evaluated', () => {
  const podSpec = { containers: [{ name: 'c', image: 'i' }] };

  test('creation-or-spec-change: creations and spec changes match, metadata-only updates do not', () => {
    expect(CREATION_OR_SPEC_CHANGE.name).toBe('creation-or-spec-change');
    expect(run(CREATION_OR_SPEC_CHANGE.expression, { request: { operation: 'CREATE' }, object: { spec: { a: 1 } } })).toBe(true);
    expect(run(CREATION_OR_SPEC_CHANGE.expression, { request: { operation: 'UPDATE' }, object: { spec: { a: 2 } }, oldObject: { spec: { a: 1 } } })).toBe(true);
    expect(run(CREATION_OR_SPEC_CHANGE.expression, {
      request: { operation: 'UPDATE' }, object: { metadata: { labels: { x: 'y' } }, spec: { a: 1 } }, oldObject: { metadata: {}, spec: { a: 1 } },
    })).toBe(false);
  });

  test('podSpec: a Pod\'s spec, a CronJob\'s job template\'s, a workload\'s template\'s', () => {
    expect(POD_SPEC.name).toBe('podSpec');
    expect(yields(POD_SPEC.expression, { object: { kind: 'Pod', spec: podSpec } }, podSpec)).toBe(true);
    expect(yields(POD_SPEC.expression, { object: { kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec: podSpec } } } } } }, podSpec)).toBe(true);
    for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']) {
      expect(yields(POD_SPEC.expression, { object: { kind, spec: { template: { spec: podSpec } } } }, podSpec)).toBe(true);
    }
  });

  test('containers: containers, then init containers, then ephemeral containers; missing lists count as empty', () => {
    expect(CONTAINERS.name).toBe('containers');
    expect(yields(CONTAINERS.expression, { variables: { podSpec: { containers: [{ name: 'a' }] } } }, [{ name: 'a' }])).toBe(true);
    expect(yields(CONTAINERS.expression, {
      variables: { podSpec: { containers: [{ name: 'a' }], initContainers: [{ name: 'i' }], ephemeralContainers: [{ name: 'debugger' }] } },
    }, [{ name: 'a' }, { name: 'i' }, { name: 'debugger' }])).toBe(true);
    // The comparison can fail: another order is another list.
    expect(yields(CONTAINERS.expression, { variables: { podSpec: { containers: [{ name: 'a' }], initContainers: [{ name: 'i' }] } } }, [{ name: 'i' }, { name: 'a' }])).toBe(false);
    expect(yields(CONTAINERS.expression, { variables: { podSpec: { containers: [], ephemeralContainers: [{ name: 'e' }] } } }, [{ name: 'e' }])).toBe(true);
  });

  test('labels: the object\'s labels, or none', () => {
    expect(LABELS.name).toBe('labels');
    expect(yields(LABELS.expression, { object: { metadata: { labels: { app: 'x' } } } }, { app: 'x' })).toBe(true);
    expect(yields(LABELS.expression, { object: { metadata: {} } }, {})).toBe(true);
  });

  test('serviceAccount: serviceAccountName, else the deprecated serviceAccount, else "default"', () => {
    expect(SERVICE_ACCOUNT.name).toBe('serviceAccount');
    expect(run(SERVICE_ACCOUNT.expression, { variables: { podSpec: { serviceAccountName: 'ml-training', serviceAccount: 'old' } } })).toBe('ml-training');
    expect(run(SERVICE_ACCOUNT.expression, { variables: { podSpec: { serviceAccount: 'old' } } })).toBe('old');
    expect(run(SERVICE_ACCOUNT.expression, { variables: { podSpec: {} } })).toBe('default');
  });

  test('byController: the controller manager and service accounts, never a person', () => {
    expect(BY_CONTROLLER.name).toBe('byController');
    const by = (username: string) => run(BY_CONTROLLER.expression, { request: { userInfo: { username } } });
    expect(by('system:kube-controller-manager')).toBe(true);
    expect(by('system:serviceaccount:kueue-system:kueue-controller-manager')).toBe(true);
    expect(by('alice@example.com')).toBe(false);
    expect(by('system:node:ip-10-0-1-2')).toBe(false);
    expect(by('system:serviceaccounts')).toBe(false);
  });

  test('controlled: a controller owner reference, and a controller sent the request', () => {
    expect(CONTROLLED.name).toBe('controlled');
    const owner = (controller?: boolean) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', ...(controller === undefined ? {} : { controller }) });
    const controlled = (byController: boolean, metadata: object) => run(CONTROLLED.expression, { variables: { byController }, object: { metadata } });
    expect(controlled(true, { ownerReferences: [owner(true)] })).toBe(true);
    expect(controlled(true, { ownerReferences: [owner(false), owner(true)] })).toBe(true);
    expect(controlled(false, { ownerReferences: [owner(true)] })).toBe(false);
    expect(controlled(true, { ownerReferences: [owner(false)] })).toBe(false);
    expect(controlled(true, { ownerReferences: [owner()] })).toBe(false);
    expect(controlled(true, {})).toBe(false);
  });
});
