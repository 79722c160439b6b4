import { spawnSync } from 'child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { DRIFT_FETCH_SCRIPT, DRIFT_PYTHON_PROGRAM } from '../../../lib/k8s/observability/drift-job-script';

/*
 * The drift job's programs on their own: the fetch script with stand-ins for `aws` (records its
 * calls) and `date` (a fixed clock), and the Python program's functions imported as a module
 * with literal inputs and outputs.
 */

function tool(name: string, install: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error(`${name} is not installed: install ${install} to run the drift job scripts' tests`);
  return found;
}

describe('DRIFT_FETCH_SCRIPT', () => {
  const NOW = 1796553000; // 2026-12-06T10:30:00Z

  function fetch(env: { [key: string]: string }): { status: number | null; stdout: string; stderr: string; calls: string[] } {
    const bash = tool('bash', 'bash');
    const date = tool('date', 'GNU coreutils');
    const dir = mkdtempSync(path.join(tmpdir(), 'cnai-drift-fetch-'));
    try {
      const bin = path.join(dir, 'bin');
      mkdirSync(bin);
      const log = path.join(dir, 'aws.log');
      writeFileSync(path.join(bin, 'aws'), `#!/bin/bash\necho "$*" >> ${JSON.stringify(log)}\nmkdir -p "\${@: -1}"\n`);
      writeFileSync(path.join(bin, 'date'), `#!/bin/bash\nif [ "$*" = "-u +%s" ]; then echo ${NOW}; else exec ${date} "$@"; fi\n`);
      chmodSync(path.join(bin, 'aws'), 0o755);
      chmodSync(path.join(bin, 'date'), 0o755);
      const data = path.join(dir, 'data');
      const script = DRIFT_FETCH_SCRIPT.split('/data/').join(`${data}/`).split('/data ').join(`${data} `);
      const r = spawnSync(bash, ['-c', script], { encoding: 'utf8', env: { PATH: `${bin}:${process.env.PATH}`, HOME: dir, ...env } });
      let calls: string[] = [];
      try { calls = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(data).join('/data')); } catch { /* no call */ }
      return { status: r.status, stdout: r.stdout.split(data).join('/data'), stderr: r.stderr, calls };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const BASE = { BUCKET: 'cnai-dev-payloads', PREFIX: 'team-a/chat', PARTITION: 'year=%Y/month=%m/day=%d/hour=%H', WINDOW_HOURS: '2' };

  test('trailing reference: the last hours, and the same hours the offset earlier', () => {
    const r = fetch({ ...BASE, REFERENCE_MODE: 'trailing', REFERENCE_OFFSET_HOURS: '168' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([
      's3 sync --only-show-errors s3://cnai-dev-payloads/team-a/chat/year=2026/month=12/day=06/hour=10/ /data/recent/year=2026/month=12/day=06/hour=10/',
      's3 sync --only-show-errors s3://cnai-dev-payloads/team-a/chat/year=2026/month=12/day=06/hour=09/ /data/recent/year=2026/month=12/day=06/hour=09/',
      's3 sync --only-show-errors s3://cnai-dev-payloads/team-a/chat/year=2026/month=11/day=29/hour=10/ /data/reference/year=2026/month=11/day=29/hour=10/',
      's3 sync --only-show-errors s3://cnai-dev-payloads/team-a/chat/year=2026/month=11/day=29/hour=09/ /data/reference/year=2026/month=11/day=29/hour=09/',
    ]);
    expect(r.stdout.trim()).toBe('fetched: recent 0 files, reference 0 files');
  });

  test('fixed reference: the recent hours, and the reference location as a whole', () => {
    const r = fetch({ ...BASE, WINDOW_HOURS: '1', REFERENCE_MODE: 'fixed', REFERENCE_URI: 's3://cnai-dev-datasets/drift/chat-reference' });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([
      's3 sync --only-show-errors s3://cnai-dev-payloads/team-a/chat/year=2026/month=12/day=06/hour=10/ /data/recent/year=2026/month=12/day=06/hour=10/',
      's3 sync --only-show-errors s3://cnai-dev-datasets/drift/chat-reference/ /data/reference/',
    ]);
  });

  test('a missing input stops the script before any copy', () => {
    const r = fetch({ BUCKET: 'b', PREFIX: 'p', PARTITION: '%H', REFERENCE_MODE: 'trailing', REFERENCE_OFFSET_HOURS: '1' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('WINDOW_HOURS: unbound variable');
    expect(r.calls).toEqual([]);
  });
});

describe('DRIFT_PYTHON_PROGRAM', () => {
  /** Runs `code` with the program imported as `drift` (its inputs in the environment); returns what the code prints as JSON. */
  function py(code: string, env: { [key: string]: string } = {}): any {
    const python = tool('python3', 'Python 3 (e.g. `apt-get install python3`)');
    const dir = mkdtempSync(path.join(tmpdir(), 'cnai-drift-py-'));
    try {
      writeFileSync(path.join(dir, 'drift.py'), DRIFT_PYTHON_PROGRAM.split('"/data/').join(`"${dir}/data/`));
      const r = spawnSync(python, ['-c', `import json, sys\nsys.path.insert(0, ${JSON.stringify(dir)})\nimport drift\n${code}`], {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          MODEL: 'chat',
          MODEL_NAMESPACE: 'team-a',
          DRIFT_TEST: 'ks',
          FEATURES: '[]',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1/',
          DATA: path.join(dir, 'data'),
          ...env,
        },
      });
      if (r.status !== 0) throw new Error(r.stderr);
      return JSON.parse(r.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('defaults of the sample limits and the OTLP metrics URL', () => {
    expect(py('print(json.dumps([drift.MIN_SAMPLES, drift.MAX_SAMPLES, drift.OTLP, sorted(drift.TESTS)]))'))
      .toEqual([100, 5000, 'http://127.0.0.1:1/v1/metrics', ['ks', 'mean_cosine_distance', 'mmd', 'psi']]);
  });

  test('extract: dotted paths and [*] over lists; missing keys give nothing', () => {
    expect(py(`print(json.dumps([
      drift.extract({"usage": {"prompt_tokens": 7}}, "usage.prompt_tokens"),
      drift.extract({"data": [{"embedding": [1, 2]}, {"embedding": [3]}, {"x": 1}]}, "data[*].embedding"),
      drift.extract({"a": 1}, "b.c"),
      drift.extract({"a": {"b": 1}}, "a[*]"),
    ]))`)).toEqual([[7], [[1, 2], [3]], [], []]);
  });

  test('documents: one JSON document, else JSON lines with bad lines skipped, else nothing', () => {
    expect(py('print(json.dumps([list(drift.documents(\'{"a": 1}\')), list(drift.documents(\'{"a": 1}\\nnot json\\n[2]\')), list(drift.documents("  "))]))'))
      .toEqual([[{ a: 1 }], [{ a: 1 }, [2]], []]);
  });

  test('payloads: OTLP log records by their Ce-Type side, bodies that are not JSON skipped; plain payloads have no side', () => {
    const doc = {
      resourceLogs: [{
        scopeLogs: [{
          logRecords: [
            { body: { stringValue: '{"prompt": "hi"}' }, attributes: [{ key: 'header.Ce-Type', value: { stringValue: 'org.kubeflow.serving.inference.request' } }] },
            { body: { stringValue: '{"usage": {}}' }, attributes: [{ key: 'header.Ce-Type', value: { arrayValue: { values: [{ stringValue: 'org.kubeflow.serving.inference.response' }] } } }] },
            { body: { stringValue: '# HELP up' } },
            { body: { stringValue: '{"other": 1}' } },
            { attributes: [] },
          ],
        }],
      }],
    };
    expect(py(`print(json.dumps([list(drift.payloads(json.loads(${JSON.stringify(JSON.stringify(doc))}))), list(drift.payloads({"x": 1})), list(drift.payloads(3))]))`))
      .toEqual([
        [['request', { prompt: 'hi' }], ['response', { usage: {} }], [null, { other: 1 }]],
        [[null, { x: 1 }]],
        [],
      ]);
  });

  test('the statistics on literal samples', () => {
    expect(py(`print(json.dumps([
      drift.ks([1, 2, 3], [1, 2, 3]), drift.ks([1, 2], [3, 4]), drift.ks([1, 2, 3, 4], [3, 4, 5, 6]),
      drift.psi(list(range(100)), list(range(100))),
      drift.mean_cosine_distance([[1, 0], [1, 0]], [[2, 0]]), drift.mean_cosine_distance([[1, 0]], [[0, 1]]), drift.mean_cosine_distance([[0, 0]], [[1, 1]]),
      drift.mean([[1, 2], [3, 4]]),
    ]))`)).toEqual([0, 1, 0.5, 0, 0, 1, 1, [2, 3]]);
    const psi = py('print(json.dumps(drift.psi(list(range(100)), list(range(50, 150)))))');
    expect(psi).toBeGreaterThan(1);
  });

  test('feature values: numbers (never booleans), lengths, embeddings of numbers, from the feature\'s side only', () => {
    const lines = [
      { usage: { prompt_tokens: 10 }, prompt: 'abcd', emb: [1, 2] },
      { usage: { prompt_tokens: true }, prompt: ['a', 'b'], emb: [1, 'x'] },
      { usage: { prompt_tokens: 2.5 }, prompt: 3, emb: [] },
    ].map((l) => JSON.stringify(l)).join('\n');
    const result = py(`import os
d = os.path.join(os.environ["DATA"], "recent", "hour=10")
os.makedirs(d)
open(os.path.join(d, "payloads.jsonl"), "w").write(${JSON.stringify(lines)})
root = os.path.join(os.environ["DATA"], "recent")
print(json.dumps([
  drift.feature_values(root, {"side": "response", "path": "usage.prompt_tokens", "kind": "numeric", "transform": "value"}),
  drift.feature_values(root, {"side": "request", "path": "prompt", "kind": "numeric", "transform": "length"}),
  drift.feature_values(root, {"side": "request", "path": "emb", "kind": "embedding", "transform": "value"}),
]))`);
    expect(result).toEqual([[10, 2.5], [4, 2], [[1, 2]]]);
  });

  test('a gauge: OTLP JSON with the labels as string attributes', () => {
    const g = py('print(json.dumps(drift.gauge("cnai_model_drift_samples", "Samples", 3, {"model": "chat", "model_namespace": "team-a"})))');
    expect(typeof g.gauge.dataPoints[0].timeUnixNano).toBe('string');
    delete g.gauge.dataPoints[0].timeUnixNano;
    expect(g).toEqual({
      name: 'cnai_model_drift_samples',
      description: 'Samples',
      gauge: { dataPoints: [{ asDouble: 3, attributes: [{ key: 'model', value: { stringValue: 'chat' } }, { key: 'model_namespace', value: { stringValue: 'team-a' } }] }] },
    });
  });

  test('FEATURES that are not JSON: the program stops on import', () => {
    expect(() => py('print(1)', { FEATURES: 'not json' })).toThrow(/JSONDecodeError|Expecting value/);
  });
});
