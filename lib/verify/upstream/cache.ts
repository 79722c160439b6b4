/**
 * The disk cache of the release checks: kubectl renders and parsed chart CRDs, each keyed by
 * the sha256 of its inputs, so a changed input is never answered from the cache. A cache that
 * cannot be written only makes the next run slower.
 */
import * as fs from 'fs';
import * as path from 'path';
import { packageRoot } from '../schemas';

/** Environment variable naming the cache directory. */
export const RENDER_CACHE_DIR_ENV = 'CNAI_KUSTOMIZE_CACHE_DIR';

/**
 * The default cache directory: `$CNAI_KUSTOMIZE_CACHE_DIR`, else `.cache/cnai-kustomize-renders` under the package root
 * (next to the parsed schema cache; a directory under the shared OS temp dir is at the mercy of whoever cleans it).
 */
export function defaultRenderCacheDir(): string {
  const env = process.env[RENDER_CACHE_DIR_ENV];
  return env !== undefined && env !== '' ? env : path.join(packageRoot(), '.cache', 'cnai-kustomize-renders');
}

/** The cached value of `key` (a sha256), if any. */
export function readCached<T>(dir: string, key: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, `${key}.json`), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Caches `value` under `key` (written atomically). */
export function writeCached(dir: string, key: string, value: unknown): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${key}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(value));
    fs.renameSync(tmp, file);
  } catch {
    // An unwritable cache only makes the next run slower.
  }
}
