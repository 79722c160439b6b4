/**
 * A package-lock.json for a consumer app, cut from this repository's lock: the packages a
 * new app installs next to the packed library (its peers, the CDK CLIs, TypeScript) at the
 * versions this repository is built and tested with, plus the tarball. With it, `npm ci
 * --offline` installs from the local npm cache alone: `npm install` would need registry
 * metadata that `npm ci` never cached.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: { [name: string]: string };
  optionalDependencies?: { [name: string]: string };
  peerDependencies?: { [name: string]: string };
  peerDependenciesMeta?: { [name: string]: { optional?: boolean } };
  [key: string]: unknown;
}

/** Where Node finds `name` from the package at `from` (a lock path such as `node_modules/a`). */
function resolveIn(packages: { [p: string]: LockEntry }, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!dir) return undefined;
    const i = dir.lastIndexOf('/node_modules/');
    dir = i < 0 ? '' : dir.slice(0, i);
  }
}

/**
 * The lock of an app whose `dependencies` and `devDependencies` name packages of this
 * repository's lock, plus `cnai-constructs` from `tarball` (relative to the app folder).
 */
export function consumerLock(repoLockFile: string, appDir: string, tarball: string,
  dependencies: { [name: string]: string }, devDependencies: { [name: string]: string }): object {
  const repo = JSON.parse(fs.readFileSync(repoLockFile, 'utf8'));
  const packages: { [p: string]: LockEntry } = repo.packages;
  const self: LockEntry = packages[''];
  const out: { [p: string]: LockEntry } = {};
  const dev = new Set<string>();
  const visit = (p: string, isDev: boolean) => {
    if (out[p] && (isDev || !dev.has(p))) return;
    const e = packages[p];
    const { dev: _d, devOptional: _o, peer: _p, ...rest } = e as any;
    out[p] = rest;
    if (isDev) dev.add(p); else dev.delete(p);
    const needs = { ...e.dependencies, ...e.optionalDependencies };
    for (const [name, meta] of Object.entries(e.peerDependencies ?? {})) {
      if (!e.peerDependenciesMeta?.[name]?.optional) needs[name] = meta;
    }
    for (const name of Object.keys(needs)) {
      const target = resolveIn(packages, p, name);
      if (target) visit(target, isDev);
      else if (!e.optionalDependencies?.[name]) throw new Error(`consumer lock: ${p} needs ${name}, which the repository's lock does not hold`);
    }
  };
  const tgz = path.resolve(appDir, tarball);
  const integrity = `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tgz)).digest('base64')}`;
  const libraryDeps: { [name: string]: string } = { ...self.dependencies };
  for (const name of Object.keys(libraryDeps)) visit(`node_modules/${name}`, false);
  for (const name of Object.keys(dependencies)) visit(`node_modules/${name}`, false);
  for (const name of Object.keys(devDependencies)) visit(`node_modules/${name}`, true);
  for (const p of dev) out[p].dev = true;
  out['node_modules/cnai-constructs'] = {
    version: self.version,
    resolved: `file:${tarball}`,
    integrity,
    license: self.license as string,
    dependencies: libraryDeps,
    peerDependencies: self.peerDependencies,
    peerDependenciesMeta: self.peerDependenciesMeta,
    bin: self.bin as any,
    engines: self.engines as any,
  };
  return {
    name: 'consumer-app',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'consumer-app', version: '1.0.0', dependencies: { 'cnai-constructs': `file:${tarball}`, ...dependencies }, devDependencies },
      ...Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}
