/**
 * The examples, `npm run synth` and the benchmark import the package by its name, which Node
 * resolves to the compiled build/ (the `exports` map): build/ must be there and current.
 * `ensureBuild()` compiles (the project's compile and post-compile tasks) when build/ is
 * missing or older than a file of lib/; processes that call it at the same time (jest workers)
 * wait for one compile instead of racing.
 *
 *   ts-node --transpile-only scripts/ensure-build.ts     # the same from a shell
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
/** A file every compile writes (tsc rewrites every output when any input changed). */
const BUILT = path.join('build', 'index.js');
/** The data files post-compile copies next to the verifier's code. */
const DATA_FILES = /\.(tsv|sha256)$/;
const LOCK_WAIT_MS = 10 * 60_000;

/** Newest modification time of the files under `dir` whose names match `re` (0 when none). */
export function newestMtime(dir: string, re: RegExp): number {
  let t = 0;
  if (!fs.existsSync(dir)) return t;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newestMtime(p, re));
    else if (re.test(e.name)) t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

/** Why build/ of `root` must be compiled again, or undefined when it is current. */
export function buildStaleness(root: string = ROOT): string | undefined {
  const built = path.join(root, BUILT);
  if (!fs.existsSync(built)) return `${BUILT} is missing`;
  if (newestMtime(path.join(root, 'lib'), /\.ts$/) > fs.statSync(built).mtimeMs) return 'lib/ changed since the last compile';
  const verify = path.join(root, 'lib', 'verify');
  for (const f of fs.readdirSync(verify).filter((x) => DATA_FILES.test(x))) {
    const copy = path.join(root, 'build', 'verify', f);
    if (!fs.existsSync(copy) || fs.statSync(path.join(verify, f)).mtimeMs > fs.statSync(copy).mtimeMs) return `build/verify/${f} is missing or older than lib/verify/${f}`;
  }
  return undefined;
}

/**
 * Compiles the library into build/ when it is missing or stale; returns why it compiled, or
 * undefined when build/ was current.
 */
export function ensureBuild(root: string = ROOT, log: (line: string) => void = () => undefined): string | undefined {
  if (buildStaleness(root) === undefined) return undefined;
  const lock = path.join(root, '.tmp', 'build.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A lock left by a killed process: older than any compile takes.
      if (Date.now() - fs.statSync(lock).mtimeMs > LOCK_WAIT_MS) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() - started > LOCK_WAIT_MS) throw new Error(`waited ${LOCK_WAIT_MS / 1000} s for another compile (${lock}); remove it if no compile runs`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    // Another process may have compiled while this one waited.
    const reason = buildStaleness(root);
    if (reason === undefined) return undefined;
    log(`compiling the library into build/ (${reason})`);
    for (const task of ['compile', 'post-compile']) {
      execFileSync('npx', ['projen', task], { cwd: root, stdio: 'pipe', encoding: 'utf8' });
    }
    return reason;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const reason = ensureBuild(ROOT, (line) => console.log(line));
  console.log(reason === undefined ? 'build/ is up to date' : 'build/ compiled');
}
