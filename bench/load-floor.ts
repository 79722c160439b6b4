/**
 * The load floor of a layer, in a process of its own (started by synth-bench.ts, transpiled to
 * .tmp/bench/js first): only the CDK modules the layer needs, and nothing of the library.
 *
 * - k8s: cdk8s and cdk8s-plus-27;
 * - aws: cdktf and every @cdktf/provider-aws resource module the compiled AWS layer imports
 *   (read from build/aws), never the provider's package root.
 *
 *   node .tmp/bench/js/bench/load-floor.js '{"layer":"aws","resultFile":"..."}'
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';

/** What the parent asks for. */
export interface FloorRequest {
  readonly layer: 'aws' | 'k8s';
  /** Where to write the {@link FloorResult}. */
  readonly resultFile: string;
}

/** What the floor process measured. */
export interface FloorResult {
  readonly layer: string;
  /** The modules required. */
  readonly modules: string[];
  /** Loading them (ms). */
  readonly loadMs: number;
  /** Peak resident set size of the process (MB). */
  readonly maxRssMB: number;
  /** User + system CPU time of the whole process (ms). */
  readonly processCpuMs: number;
}

/** The provider resource modules the compiled AWS layer under `dir` requires. */
export function providerModulesOf(dir: string): string[] {
  const found = new Set<string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {walk(p);} else if (e.name.endsWith('.js')) {
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/require\("(@cdktf\/provider-aws\/lib\/[^"]+)"\)/g)) found.add(m[1]);
      }
    }
  };
  walk(dir);
  return [...found].sort();
}

function main(): void {
  const req: FloorRequest = JSON.parse(process.argv[2]);
  const root = path.resolve(__dirname, '..', '..', '..', '..');
  const modules = req.layer === 'k8s' ? ['cdk8s', 'cdk8s-plus-27'] : ['cdktf', ...providerModulesOf(path.join(root, 'build', 'aws'))];
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const m of modules) require(m);
  const loadMs = performance.now() - t0;
  const cpu = process.cpuUsage();
  const result: FloorResult = {
    layer: req.layer,
    modules,
    loadMs: Math.round(loadMs),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    processCpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
  fs.writeFileSync(req.resultFile, JSON.stringify(result));
}

if (require.main === module) main();
