/**
 * Rebuilds the schema files that upstream does not publish as such, from their inputs in a
 * schema directory, and prints the `bytes` and `sha256` columns for lib/verify/schema-sources.tsv.
 * Run it after bumping Katib or the notebook controller (and their input rows):
 *
 *   npx ts-node scripts/derive-schemas.ts [--schemas <dir>] [--out <dir>]
 *
 * `--schemas` defaults to the resolved schema directory; `--out` to the same directory.
 * fetchSchemas() runs the same derivations and checks them against the pinned sha256.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { deriveKatibExperimentCrd, deriveKustomizedNotebookCrd } from '../lib/verify/k8s/derive';
import { loadSchemaSources, resolveSchemaDir } from '../lib/verify/schemas';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const schemas = resolveSchemaDir(arg('--schemas'));
const out = path.resolve(arg('--out') ?? schemas);
const derivations: Array<[string, string, (input: string) => string]> = [
  ['crds/katib-experiments.from-openapi.yaml', 'crds/katib-openapi-spec.json', deriveKatibExperimentCrd],
  ['crds/notebooks-notebooks.kustomized.yaml', 'crds/notebooks-notebooks.yaml', deriveKustomizedNotebookCrd],
];
const pinned = new Map(loadSchemaSources().map((s) => [s.file, s.sha256]));
for (const [file, input, derive] of derivations) {
  const text = derive(fs.readFileSync(path.join(schemas, input), 'utf8'));
  const target = path.join(out, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
  const sha = crypto.createHash('sha256').update(text).digest('hex');
  const status = pinned.get(file) === sha ? 'matches the pinned sha256' : `differs from the pinned ${pinned.get(file) ?? '(none)'}`;
  console.log(`${file}\tbytes ${Buffer.byteLength(text)}\tsha256 ${sha}\t${status}`);
}
