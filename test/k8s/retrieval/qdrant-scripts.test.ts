import { spawnSync } from 'child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { dataContract, ofKind, one, synthValid, testChart } from './util';
import { VectorDatabase, VectorDatabaseEngine } from '../../../lib/k8s';

/**
 * Runs the shell scripts the Qdrant construct emits, with bash, against a fake Qdrant (a small
 * Python HTTP server reached through curl's http_proxy) and a fake `aws` CLI that writes to a
 * directory: the snapshot job's listing, URL-encoding, streaming upload, clean-up and pruning,
 * and the collections job's idempotency.
 */

const bash = which('bash');
const python = which('python3');
const curl = which('curl');

const FAKE_QDRANT = `
import json, sys, urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer
collections = {"docs": True, "my docs/v2": True}
created = []
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def reply(self, code, body, raw=False):
        data = body if raw else json.dumps(body).encode()
        self.send_response(code); self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data)
    def route(self, method):
        url = urllib.parse.urlsplit(self.path)
        parts = [urllib.parse.unquote(p) for p in url.path.split("/")[1:]]
        if parts == ["readyz"]: return self.reply(200, b"ok", raw=True)
        if self.headers.get("api-key") != "full-key": return self.reply(401, {"status": "unauthorized"})
        host = url.hostname
        if parts == ["collections"] and method == "GET":
            return self.reply(200, {"result": {"collections": [{"name": n} for n in collections]}, "status": "ok"})
        if len(parts) == 3 and parts[0] == "collections" and parts[2] == "exists":
            return self.reply(200, {"result": {"exists": parts[1] in collections}, "status": "ok"})
        if len(parts) == 2 and parts[0] == "collections" and method == "PUT":
            n = int(self.headers.get("Content-Length", 0)); body = json.loads(self.rfile.read(n))
            collections[parts[1]] = True; created.append(parts[1])
            with open(sys.argv[2], "a") as f: f.write(json.dumps({"created": parts[1], "body": body}) + "\\n")
            return self.reply(200, {"result": True, "status": "ok"})
        if len(parts) == 3 and parts[2] == "snapshots" and method == "POST":
            return self.reply(200, {"result": {"name": parts[1] + "-" + host.split(".")[0] + ".snapshot", "size": 4}, "status": "ok"})
        if len(parts) == 4 and parts[2] == "snapshots" and method == "GET":
            return self.reply(200, ("SNAPSHOT " + parts[3]).encode(), raw=True)
        if len(parts) == 4 and parts[2] == "snapshots" and method == "DELETE":
            with open(sys.argv[2], "a") as f: f.write(json.dumps({"deleted": parts[3]}) + "\\n")
            return self.reply(200, {"result": True, "status": "ok"})
        return self.reply(404, {"status": "not found", "path": parts})
    def do_GET(self): self.route("GET")
    def do_POST(self): self.route("POST")
    def do_PUT(self): self.route("PUT")
    def do_DELETE(self): self.route("DELETE")
s = HTTPServer(("127.0.0.1", 0), H)
with open(sys.argv[1], "w") as f: f.write(str(s.server_port))
s.serve_forever()
`;

// A fake aws CLI: `s3 cp - s3://b/k` stores stdin, `s3 ls s3://b/p/` lists prefixes, `s3 rm --recursive s3://b/p` deletes.
const FAKE_AWS = `#!/usr/bin/env bash
set -euo pipefail
root="$FAKE_S3"
strip() { printf '%s' "\${1#s3://}"; }
case "$1 $2" in
  "s3 cp") key="$(strip "$4")"; mkdir -p "$root/$(dirname "$key")"; cat > "$root/$key" ;;
  "s3 ls") p="$(strip "$3")"; [ -d "$root/$p" ] && for d in "$root/$p"*/; do [ -d "$d" ] && echo "                           PRE $(basename "$d")/"; done; true ;;
  "s3 rm") for a in "$@"; do case "$a" in s3://*) rm -rf "$root/$(strip "$a")" ;; esac; done ;;
  *) echo "fake aws: unsupported $*" >&2; exit 2 ;;
esac
`;

(bash && python && curl ? describe : describe.skip)('Qdrant job scripts (bash, against a fake Qdrant and a fake aws CLI)', () => {
  let dir: string;
  let server: ReturnType<typeof spawnSync> | undefined;
  let proxy: string;
  let child: import('child_process').ChildProcess;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cnai-qdrant-'));
    writeFileSync(path.join(dir, 'qdrant.py'), FAKE_QDRANT);
    mkdirSync(path.join(dir, 'bin'));
    writeFileSync(path.join(dir, 'bin', 'aws'), FAKE_AWS);
    chmodSync(path.join(dir, 'bin', 'aws'), 0o755);
    const { spawn } = await import('child_process');
    child = spawn(python!, [path.join(dir, 'qdrant.py'), path.join(dir, 'port'), path.join(dir, 'events')], { stdio: 'ignore' });
    // Python's start takes seconds on a loaded machine: wait up to 50 s for the port file.
    for (let i = 0; i < 1000 && !existsSync(path.join(dir, 'port')); i++) await new Promise((r) => setTimeout(r, 50));
    if (!existsSync(path.join(dir, 'port'))) throw new Error(`the fake Qdrant (${python} ${path.join(dir, 'qdrant.py')}) wrote no port file in 50 s`);
    await new Promise((r) => setTimeout(r, 100));
    proxy = `http://127.0.0.1:${readFileSync(path.join(dir, 'port'), 'utf8').trim()}`;
    server = undefined;
  }, 60_000);

  afterAll(() => {
    child?.kill();
    rmSync(dir, { recursive: true, force: true });
    void server;
  });

  function synth() {
    const { chart } = testChart();
    new VectorDatabase(chart, 'docs', {
      contract: dataContract(),
      engine: VectorDatabaseEngine.qdrant({ highAvailability: true, snapshotsKept: 2 }),
      collections: [{ name: 'docs', dimension: 8 }, { name: "new 'one' $x", dimension: 4 }],
    });
    return synthValid(chart);
  }

  function run(script: string, env: { [k: string]: string }): { status: number | null; out: string } {
    const r = spawnSync(bash!, ['-c', script], {
      encoding: 'utf8',
      env: { PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`, http_proxy: proxy, FAKE_S3: path.join(dir, 's3'), QDRANT_API_KEY: 'full-key', ...env },
      timeout: 60_000,
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  }

  test('the snapshot job snapshots every collection on every node, streams each to S3, cleans up, marks the set complete and prunes old sets', () => {
    const cron = one(synth(), 'CronJob', 'docs-snapshot');
    const c = cron.spec.jobTemplate.spec.template.spec.containers[0];
    const env = Object.fromEntries(c.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    // Three older sets; after this run the newest two of four remain.
    for (const old of ['2020-01-01T00-00-00Z', '2020-01-02T00-00-00Z', '2020-01-03T00-00-00Z']) {
      mkdirSync(path.join(dir, 's3', env.BUCKET, env.PREFIX, old), { recursive: true });
    }
    const r = run(c.command[2], env);
    expect(r.out).toContain('node 2: my docs/v2');
    expect(r.status).toBe(0);
    const root = path.join(dir, 's3', env.BUCKET, env.PREFIX);
    const sets = readdirSync(root).sort();
    expect(sets).toHaveLength(2);
    expect(sets[0]).toBe('2020-01-03T00-00-00Z');
    const current = path.join(root, sets[1]);
    expect(readFileSync(path.join(current, 'COMPLETE'), 'utf8').trim()).toBe(sets[1]);
    expect(readdirSync(current).sort()).toEqual(['COMPLETE', 'node-0', 'node-1', 'node-2']);
    expect(readdirSync(path.join(current, 'node-1')).sort()).toEqual(['docs', 'my%20docs%2Fv2']);
    expect(readFileSync(path.join(current, 'node-1', 'my%20docs%2Fv2', 'my%20docs%2Fv2-docs-1.snapshot'), 'utf8')).toBe('SNAPSHOT my docs/v2-docs-1.snapshot');
    const events = readFileSync(path.join(dir, 'events'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.filter((e) => e.deleted)).toHaveLength(6);
  });

  test('the snapshot job fails (and marks nothing complete) when Qdrant refuses the key', () => {
    const cron = one(synth(), 'CronJob', 'docs-snapshot');
    const c = cron.spec.jobTemplate.spec.template.spec.containers[0];
    const env = Object.fromEntries(c.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    const r = run(c.command[2], { ...env, QDRANT_API_KEY: 'wrong', PREFIX: 'refused/' });
    expect(r.status).not.toBe(0);
    expect(existsSync(path.join(dir, 's3', env.BUCKET, 'refused'))).toBe(false);
  });

  test('the collections job creates the missing collection only, with the typed body', () => {
    const o = synth();
    const cm = ofKind(o, 'ConfigMap')[0];
    const jobDir = path.join(dir, 'collections');
    mkdirSync(jobDir, { recursive: true });
    for (const [file, content] of Object.entries(cm.data)) writeFileSync(path.join(jobDir, file), content as string);
    // The job mounts the files at /collections: run it with that path rewritten to ours.
    const script = (cm.data['create-collections.sh'] as string)
      .replace(/@\/collections\//g, `@${jobDir}/`)
      .replace('http://docs.docs.svc.cluster.local:6333', 'http://docs.docs.svc.cluster.local:6333');
    const r = run(script, {});
    expect(r.status).toBe(0);
    expect(r.out).toContain('collection docs exists');
    const created = readFileSync(path.join(dir, 'events'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.created);
    expect(created).toEqual([{ created: "new 'one' $x", body: { vectors: { size: 4, distance: 'Cosine' }, hnsw_config: { m: 16, ef_construct: 100 }, shard_number: 3, replication_factor: 2 } }]);
  });

  test('the start script of the StatefulSet parses', () => {
    const sts = one(synth(), 'StatefulSet', 'docs');
    expect(spawnSync(bash!, ['-n', '-c', sts.spec.template.spec.containers[0].command[2]]).status).toBe(0);
  });
});

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}
