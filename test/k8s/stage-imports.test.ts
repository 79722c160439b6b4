/**
 * The pipeline stages of the Kubernetes layer (training, registry, retrieval, serving,
 * observability) are siblings over common/ and operators/: a stage imports another stage only
 * through the interface file that stage exports on purpose, and the engines of a vector database
 * do not import the database that builds them.
 */
import * as fs from 'fs';
import * as path from 'path';

const LIB = path.resolve(__dirname, '..', '..', 'lib');
const STAGES = ['training', 'registry', 'retrieval', 'serving', 'observability', 'features'];

/** The files of other stages a stage may import: each stage's face to the others. */
const STAGE_INTERFACES = ['k8s/registry/registry-connection.ts', 'k8s/features/feature-store-connection.ts'];

/** Relative imports and re-exports (`import type` too) of every .ts file under `dir`, as lib-relative paths. */
function importsUnder(dir: string): { [file: string]: string[] } {
  const graph: { [file: string]: string[] } = {};
  for (const name of fs.readdirSync(path.join(LIB, dir)).filter((f) => f.endsWith('.ts'))) {
    const file = path.join(LIB, dir, name);
    const source = fs.readFileSync(file, 'utf8');
    graph[path.relative(LIB, file)] = [...source.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gm)].map((m) => {
      const target = path.resolve(path.dirname(file), m[1]);
      return path.relative(LIB, fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts'));
    });
  }
  return graph;
}

const stageOf = (file: string): string | undefined => STAGES.find((s) => file.startsWith(`k8s/${s}/`));

describe('imports between the stages of the Kubernetes layer', () => {
  const graph: { [file: string]: string[] } = Object.assign({}, ...STAGES.map((s) => importsUnder(path.join('k8s', s))));

  test('the graph is read (a file of each stage is there, with its imports)', () => {
    for (const stage of STAGES) expect(Object.keys(graph).some((f) => f.startsWith(`k8s/${stage}/`))).toBe(true);
    expect(graph['k8s/training/train-job-options.ts']).toContain('k8s/registry/registry-connection.ts');
    expect(graph['k8s/retrieval/qdrant-cluster.ts']).toContain('k8s/retrieval/vector-engine-binding.ts');
  });

  test('a stage reaches another stage only through its interface file', () => {
    const crossings = Object.entries(graph).flatMap(([file, imports]) => imports
      .filter((target) => stageOf(target) !== undefined && stageOf(target) !== stageOf(file) && !STAGE_INTERFACES.includes(target))
      .map((target) => `${file} -> ${target}`));
    expect(crossings).toEqual([]);
  });

  test('the interface files import no other stage', () => {
    for (const file of STAGE_INTERFACES) {
      expect({ file, imports: graph[file].filter((t) => stageOf(t) !== undefined && stageOf(t) !== stageOf(file)) }).toEqual({ file, imports: [] });
    }
  });

  test('the vector engines do not import the database that builds them', () => {
    for (const file of ['qdrant-cluster', 'pgvector-collections', 'vector-engine-binding']) {
      expect({ file, imports: graph[`k8s/retrieval/${file}.ts`].filter((t) => t === 'k8s/retrieval/vector-database.ts') })
        .toEqual({ file, imports: [] });
    }
  });
});
