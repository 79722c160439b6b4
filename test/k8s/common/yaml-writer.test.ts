import { Yaml } from 'cdk8s';
import { stringifyYaml } from '../../../lib/k8s/common/yaml-writer';

/** Strings whose YAML form is not plain: keywords, numbers, indicators, blocks, document markers. */
const STRINGS = [
  'a', 'name', 'app.kubernetes.io/name', 'y', 'Y', 'yes', 'No', 'on', 'OFF', 'true', 'False', 'null', '~', '', ' ', ' lead', 'trail ',
  'a: b', 'a:b', 'a:', ':a', '#x', 'a #b', 'a#b', '-', '- x', '-x', '?', '? x', '8080', '0.5', '1e3', '0x1F', '012', '1_000', '190:20:30',
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '.inf', '-.inf', '.NaN', '<<', '=', '*x', '&x', '!x', '%x', '@x', '`x', '"q"', "'q'",
  "it's", 'say "hi"', 'multi\nline', 'multi\nline\n', 'multi\nline\n\n', '\nlead nl', '  indented\nnext', 'a\n\nb', 'a \nb', 'tab\there',
  'ctl\x01', 'uni é ☃', 'emoji 😀', '---', '...', 'a\n---\nb', '%YAML', 'x'.repeat(200), 'w '.repeat(100), 'line1\n  line2\n    line3',
  'a\tb\n', '{a}', '[a]', 'a,b', 'a{b}', 'http://x.y/z?q=1&r=2', 'repo/img:1.2.3@sha256:abc', '10Gi', '500m', '0', '-1', '+1', 'NaN',
  'Infinity', 'a\r\nb', 'end\\', '\\n', 'a\tb', 'a b c', 'x: ', 'x:y z', 'Yes please', 'null value', 'a ---', 'a...', 'a\u0085b',
  'a\u2028b', 'k'.repeat(1100), 'a - b', 'a ? b', 'a | b', 'a > b', "a 'b'", 'a, b', 'a [b]', 'a: #b',
];
const NUMBERS = [0, 1, -1, 42, 1.5, -0, 1e21, 2 ** 53, 0.1, NaN, Infinity, -Infinity, 1e-7];
const KEYS = ['a', 'b', 'metadata', 'app.kubernetes.io/name', 'x-y'];

/** Random documents from a fixed seed (the same every run). */
function randomDocuments(seed: number, count: number): unknown[][] {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  const scalar = (): unknown => {
    const r = rnd();
    return r < 0.7 ? pick(STRINGS) : r < 0.85 ? pick(NUMBERS) : r < 0.9 ? rnd() < 0.5 : r < 0.95 ? null : undefined;
  };
  const value = (depth: number): unknown => {
    const r = rnd();
    if (depth > 4 || r < 0.45) return scalar();
    const n = Math.floor(rnd() * 4);
    if (r < 0.7) return Array.from({ length: n }, () => value(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) o[rnd() < 0.6 ? `${pick(KEYS)}${i}` : pick(STRINGS)] = value(depth + 1);
    return o;
  };
  return Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => {
    if (rnd() < 0.05) return undefined;
    const o: Record<string, unknown> = {};
    const n = 1 + Math.floor(rnd() * 4);
    for (let j = 0; j < n; j++) o[pick(STRINGS) + (rnd() < 0.5 ? '' : j)] = value(0);
    return o;
  }));
}

describe('stringifyYaml', () => {
  test('writes maps, lists, scalars and blocks in the block style of cdk8s', () => {
    const doc = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', labels: { 'app.kubernetes.io/name': 'cfg' }, annotations: {} },
      data: { 'config.yaml': 'a: 1\nb: 2\n', 'port': '8080', 'enabled': 'true', 'empty': '' },
      items: [{ name: 'x', ports: [80, 443] }, [1, [2]], [], null, undefined, true, 1.5],
    };
    expect(stringifyYaml([doc, { kind: 'Second' }])).toBe([
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: cfg',
      '  labels:',
      '    app.kubernetes.io/name: cfg',
      '  annotations: {}',
      'data:',
      '  config.yaml: |',
      '    a: 1',
      '    b: 2',
      '  port: "8080"',
      '  enabled: "true"',
      '  empty: ""',
      'items:',
      '  - name: x',
      '    ports:',
      '      - 80',
      '      - 443',
      '  - - 1',
      '    - - 2',
      '  - []',
      '  - null',
      '  - null',
      '  - true',
      '  - 1.5',
      '---',
      'kind: Second',
      '',
    ].join('\n'));
  });

  test('matches Yaml.stringify of cdk8s byte for byte over 3000 random documents', () => {
    const mismatches = randomDocuments(20261206, 3000).filter((docs) => stringifyYaml(docs) !== Yaml.stringify(...docs));
    expect(mismatches).toEqual([]);
  });

  test('leaves to the YAML library what it writes with anchors, class instances and top-level scalars', () => {
    const shared = { a: 1 };
    class Thing {
      public readonly x = 'y';
    }
    const docs = [{ one: shared, two: shared }, { thing: new Thing() }, 'scalar', [1, 2], {}, undefined];
    expect(stringifyYaml(docs)).toBe(Yaml.stringify(...docs));
    expect(stringifyYaml([{ one: shared, two: shared }])).toBe('one: &a1\n  a: 1\ntwo: *a1\n');
  });

  test('quotes keys that start with a document marker as the library does at every depth', () => {
    const docs = [{ '---': { '---': { '...': 1 } }, 'a': [{ '---': 2 }] }];
    expect(stringifyYaml(docs)).toBe(Yaml.stringify(...docs));
  });
});
