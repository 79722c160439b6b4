import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatProfileSummary, summariseCpuProfile } from '../../bench/cpu-profile';

describe('summariseCpuProfile', () => {
  const root = '/repo';
  const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber, scriptId: '0', columnNumber: 0 });
  // (root) -> main (bench) -> build (lib/k8s/serving) -> resolve (cdk8s); and GC.
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', ''), children: [2, 5] },
      { id: 2, callFrame: frame('main', 'file:///repo/bench/synth-child.ts'), children: [3] },
      { id: 3, callFrame: frame('build', 'file:///repo/lib/k8s/serving/llm-service.ts'), children: [4] },
      { id: 4, callFrame: frame('resolve', 'file:///repo/node_modules/cdk8s/lib/resolve.js', 100) },
      { id: 5, callFrame: frame('(garbage collector)', '') },
    ],
    samples: [4, 4, 4, 3, 5],
    timeDeltas: [1000, 1000, 1000, 1000, 1000],
    startTime: 0,
    endTime: 5000,
  };
  let file: string;
  beforeAll(() => {
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cpu-profile-')), 'x.cpuprofile');
    fs.writeFileSync(file, JSON.stringify(profile));
  });

  test('self time by function, file and area', () => {
    const s = summariseCpuProfile(file, root);
    expect(s.totalMs).toBe(5);
    expect(s.topFunctions[0]).toEqual({ name: 'resolve (node_modules/cdk8s/lib/resolve.js:101)', selfMs: 3, percent: 60 });
    expect(s.byArea.map((a) => a.name)).toEqual(['cdk8s', 'gc', 'lib/k8s/serving']);
    expect(s.topFiles.find((f) => f.name.startsWith('lib/'))).toEqual({ name: 'lib/k8s/serving/llm-service.ts', selfMs: 1, percent: 20 });
  });

  test('the project\'s own functions by total time, without the lines of transpiled TypeScript', () => {
    const s = summariseCpuProfile(file, root);
    expect(s.topOwnInclusive).toEqual([
      { name: 'build (lib/k8s/serving/llm-service.ts)', selfMs: 4, percent: 80 },
      { name: 'main (bench/synth-child.ts)', selfMs: 4, percent: 80 },
    ]);
    expect(formatProfileSummary(s).join('\n')).toContain('4 ms  80.0%  build (lib/k8s/serving/llm-service.ts)');
  });

  test('the compiled library counts as the folder of lib/ it comes from; the benchmark\'s transpiled children as their sources', () => {
    const compiled = {
      ...profile,
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2] },
        { id: 2, callFrame: frame('main', 'file:///repo/.tmp/bench/js/bench/synth-child.js', 53), children: [3] },
        { id: 3, callFrame: frame('LlmService', 'file:///repo/build/k8s/serving/llm-service.js', 126), children: [4] },
        { id: 4, callFrame: frame('resolve', 'file:///repo/node_modules/cdk8s/lib/resolve.js', 100) },
      ],
      samples: [4, 3, 3],
      timeDeltas: [1000, 1000, 1000],
    };
    const f = path.join(path.dirname(file), 'compiled.cpuprofile');
    fs.writeFileSync(f, JSON.stringify(compiled));
    const s = summariseCpuProfile(f, root);
    expect(s.byArea.map((a) => [a.name, a.selfMs])).toEqual([['lib/k8s/serving', 2], ['cdk8s', 1]]);
    expect(s.topOwnInclusive.map((x) => x.name)).toEqual(['LlmService (build/k8s/serving/llm-service.js:127)', 'main (bench/synth-child.js:54)']);
  });
});
