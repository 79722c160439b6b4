/**
 * The AWS layer has no import circles, type-only imports included: what attaches to a cluster
 * (pools, identities, Karpenter) reads it through IClusterRef and never imports the cluster classes.
 */
import * as fs from 'fs';
import * as path from 'path';

const LIB = path.resolve(__dirname, '..', '..', 'lib');

/** Relative imports and re-exports (`import type` too) of every .ts file under `dirs`, as lib-relative paths. */
function importGraph(dirs: string[]): { [file: string]: string[] } {
  const graph: { [file: string]: string[] } = {};
  for (const dir of dirs) {
    for (const name of fs.readdirSync(path.join(LIB, dir)).filter((f) => f.endsWith('.ts'))) {
      const file = path.join(LIB, dir, name);
      const source = fs.readFileSync(file, 'utf8');
      graph[path.relative(LIB, file)] = [...source.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gm)].map((m) => {
        const target = path.resolve(path.dirname(file), m[1]);
        return path.relative(LIB, fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts'));
      });
    }
  }
  return graph;
}

/** The strongly connected components with more than one file (Tarjan), each sorted. */
function circles(graph: { [file: string]: string[] }): string[][] {
  let next = 0;
  const index: { [f: string]: number } = {};
  const low: { [f: string]: number } = {};
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index[v] = low[v] = next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph[v] ?? []) {
      if (index[w] === undefined) {
        visit(w);
        low[v] = Math.min(low[v], low[w]);
      } else if (onStack.has(w)) {
        low[v] = Math.min(low[v], index[w]);
      }
    }
    if (low[v] === index[v]) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of Object.keys(graph)) if (index[v] === undefined) visit(v);
  return found;
}

describe('imports of the AWS layer', () => {
  const graph = importGraph(['aws', 'core']);

  test('the graph is read (a file of each kind is there, with its imports)', () => {
    expect(graph['aws/gpu-node-pool.ts']).toContain('aws/cluster-ref.ts');
    expect(graph['aws/cluster.ts']).toContain('aws/cluster-base.ts');
    expect(graph['aws/cluster-base.ts']).toEqual(expect.arrayContaining(['aws/gpu-node-pool.ts', 'aws/workload-identity.ts', 'aws/karpenter.ts']));
  });

  test('the circle finder finds a circle', () => {
    expect(circles({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] })).toEqual([['a', 'b', 'c']]);
  });

  test('lib/aws and lib/core have no import circles', () => {
    expect(circles(graph)).toEqual([]);
  });

  test('what attaches to a cluster never imports the cluster classes', () => {
    for (const file of ['gpu-node-pool', 'system-node-pool', 'workload-identity', 'karpenter', 'managed-node-group', 'cluster-ref', 'cluster-interface']) {
      expect({ file, imports: graph[`aws/${file}.ts`].filter((f) => ['aws/cluster.ts', 'aws/cluster-base.ts', 'aws/imported-cluster.ts'].includes(f)) })
        .toEqual({ file, imports: [] });
    }
  });
});
