/**
 * Runs once before the test suite: makes sure the schema directory exists (the project's
 * own ../shared/schemas, $CNAI_SCHEMA_DIR, or the fetch cache, which it fills from the
 * pinned upstream sources when neither is there), and gives all test files one shared
 * cache of Terraform verdicts so the same stack is never planned twice in a run.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assertSchemaDir, fetchSchemas, resolveSchemaDir, SchemaDirError } from '../../lib/verify/schemas';
import { fetchUpstream, resolveUpstreamDir, UpstreamDirError } from '../../lib/verify/upstream/sources';

export default async function globalSetup(): Promise<void> {
  if (!process.env.CNAI_TF_VERIFY_CACHE_DIR) {
    process.env.CNAI_TF_VERIFY_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-tf-verdicts-'));
  }
  await upstreamDirectory();
  let dir: string;
  try {
    dir = resolveSchemaDir();
  } catch (e) {
    if (!(e instanceof SchemaDirError) || process.env.CNAI_SCHEMA_DIR) throw e;
    // A user's clone without ../shared: fetch the pinned schema files (sha256-checked).
    console.log('\nNo schema directory found: fetching the pinned schema files (see lib/verify/schema-sources.tsv)...');
    try {
      dir = (await fetchSchemas()).dir;
    } catch (f) {
      // The tests that need no schemas still run; each one that does fails with resolveSchemaDir's
      // message (how to get the files). Say the real cause once, here.
      console.log(`\n${(f as Error).message}\nTests that validate against schemas will fail until the files are there.\n`);
      return;
    }
  }
  assertSchemaDir(dir);
  process.env.CNAI_SCHEMA_DIR = dir;
}

/**
 * The upstream install artifacts (for the release checks): $CNAI_UPSTREAM_DIR, ../shared/upstream,
 * or the cache, fetched (sha256-checked) when none exists. Without them, the tests that check
 * releases fail with how to get them; the others run.
 */
async function upstreamDirectory(): Promise<void> {
  try {
    resolveUpstreamDir();
  } catch (e) {
    if (!(e instanceof UpstreamDirError) || process.env.CNAI_UPSTREAM_DIR) throw e;
    console.log('\nNo upstream directory found: fetching the pinned upstream install artifacts (see lib/verify/upstream-sources.tsv)...');
    try {
      await fetchUpstream();
    } catch (f) {
      console.log(`\n${(f as Error).message}\nTests that check releases against upstream will fail until the files are there.\n`);
    }
  }
}
