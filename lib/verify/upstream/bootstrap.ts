/**
 * The bootstrap folder of the output (`dist/bootstrap/kustomization.yaml`: Argo CD from its
 * pinned upstream install by URL, the root Application and what creates it), checked offline:
 * each remote resource that is a pinned raw.githubusercontent.com file of a vendored
 * repository is replaced by the vendored copy, the folder is rendered with `kubectl
 * kustomize`, and the render must hold: every patch changes it, every image pinned, no env
 * with both value and valueFrom, every object valid against its schema (the install's own
 * CRDs for its custom resources).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { findKubectl } from './kustomize';
import { envProblems, imageProblems, objectId } from './render-checks';
import { resolveUpstreamDir, upstreamSourcesOf } from './sources';
import { KubeObject } from './types';
import { isPlainObject } from './util';
import { EKS } from '../../core/versions';
import { validateManifests } from '../k8s';

/** Options of {@link verifyBootstrap}. */
export interface VerifyBootstrapOptions {
  /**
   * Upstream directory.
   * @default - resolveUpstreamDir()
   */
  readonly upstreamDir?: string;
  /**
   * Schema directory.
   * @default - resolveSchemaDir()
   */
  readonly schemaDir?: string;
  /**
   * Kubernetes version of the schemas.
   * @default EKS.defaultKubernetesVersion
   */
  readonly kubernetesVersion?: string;
  /**
   * The kubectl binary.
   * @default - findKubectl()
   */
  readonly kubectl?: string;
}

/** The result of {@link verifyBootstrap}. */
export interface BootstrapVerification {
  /** The folder checked. */
  readonly dir: string;
  /** The rendered objects. */
  readonly objects: KubeObject[];
  /** The remote resources and the vendored files that stood in for them. */
  readonly remotes: Array<{ readonly url: string; readonly vendored: string }>;
  /** Problems, each naming the object or entry and the fix. */
  readonly findings: string[];
}

const RAW = /^https:\/\/raw\.githubusercontent\.com\/([^/]+\/[^/]+)\/([^/]+)\/(.+)$/;

/** Checks a bootstrap kustomization folder (see the module comment). */
export function verifyBootstrap(dir: string, options: VerifyBootstrapOptions = {}): BootstrapVerification {
  const file = path.join(dir, 'kustomization.yaml');
  const where = path.relative(process.cwd(), file) || file;
  const findings: string[] = [];
  const kustomization = YAML.parse(fs.readFileSync(file, 'utf8'));
  if (!isPlainObject(kustomization)) {
    return { dir, objects: [], remotes: [], findings: [`${where}: not a kustomization (a YAML mapping)`] };
  }
  const upstreamDir = resolveUpstreamDir(options.upstreamDir);
  const sources = upstreamSourcesOf(upstreamDir);
  const kubectl = findKubectl(options.kubectl);
  const remotes: Array<{ url: string; vendored: string }> = [];
  const resources = Array.isArray(kustomization.resources) ? kustomization.resources as unknown[] : [];
  const local = resources.map((r) => {
    if (typeof r !== 'string' || !/^[a-z]+:\/\//i.test(r)) return r;
    const m = RAW.exec(r);
    if (!m) {
      findings.push(`${where}: resource ${r} is remote and not a pinned raw.githubusercontent.com file, so it cannot be checked offline; name the upstream install file at its tag`);
      return r;
    }
    const [, repo, ref, repoPath] = m;
    // The file's repository row (by its folder), then the file in the vendored tree.
    const row = sources.find((s) => s.repo.toLowerCase() === repo.toLowerCase() && (s.ref === ref || s.commit === ref)
      && (repoPath === s.upstreamPath || repoPath.startsWith(`${s.upstreamPath.replace(/\/$/, '')}/`)));
    const vendored = row ? path.join(upstreamDir, row.dir, path.relative(row.upstreamPath, repoPath)) : undefined;
    const located = { problem: row ? undefined : `no vendored ${repo} at ${ref} holds ${repoPath}` };
    if (!vendored || !fs.existsSync(vendored)) {
      findings.push(`${where}: resource ${r} is not in the upstream directory (${located.problem ?? `no file ${repoPath} at ${ref}`}); vendor it or pin a vendored release`);
      return r;
    }
    remotes.push({ url: r, vendored });
    return vendored;
  });
  if (findings.length > 0) return { dir, objects: [], remotes, findings };

  const patches = Array.isArray(kustomization.patches) ? kustomization.patches as unknown[] : [];
  const render = (withoutPatch?: number): KubeObject[] => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-bootstrap-'));
    try {
      for (const f of fs.readdirSync(dir)) {
        if (f !== 'kustomization.yaml' && fs.statSync(path.join(dir, f)).isFile()) fs.copyFileSync(path.join(dir, f), path.join(tmp, f));
      }
      const k = { ...kustomization, resources: local, patches: patches.filter((_, i) => i !== withoutPatch) };
      fs.writeFileSync(path.join(tmp, 'kustomization.yaml'), YAML.stringify(k));
      const r = spawnSync(kubectl, ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', tmp], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
      if (r.status !== 0) throw new Error(`kubectl kustomize of ${where} failed: ${(r.stderr || r.error?.message || '').trim()}`);
      return YAML.parseAllDocuments(r.stdout).map((d) => d.toJS({ maxAliasCount: -1 })).filter((o) => isPlainObject(o)) as KubeObject[];
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  };
  const objects = render();
  const full = JSON.stringify(objects);
  patches.forEach((p, i) => {
    if (JSON.stringify(render(i)) === full) {
      const target = isPlainObject(p) && isPlainObject(p.target) ? `${p.target.kind ?? '?'} ${p.target.name ?? ''}`.trim() : 'its target';
      findings.push(`${where}: patches[${i}] (${target}) changes nothing in the render: it matches no object, or sets what is already there; fix the target or drop the patch`);
    }
  });
  for (const p of [...imageProblems(objects), ...envProblems(objects)]) findings.push(`${where}: ${p.object} ${p.path}: ${p.message}`);
  const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
  const crdDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-bootstrap-crds-'));
  try {
    const crdFiles = crds.map((c, i) => {
      const f = path.join(crdDir, `crd-${i}.yaml`);
      fs.writeFileSync(f, YAML.stringify(c));
      return f;
    });
    const report = validateManifests(objects, {
      schemaDir: options.schemaDir,
      kubernetesVersion: options.kubernetesVersion ?? EKS.defaultKubernetesVersion,
      crdFiles,
      file: `render of ${where}`,
    });
    for (const f of report.findings) {
      const id = f.kind ? objectId({ apiVersion: f.apiVersion ?? '', kind: f.kind, metadata: { name: f.name, namespace: f.namespace } }) : `document ${f.documentIndex}`;
      findings.push(`${where}: ${id}: ${f.path ? `${f.path}: ` : ''}${f.reason}`);
    }
  } finally {
    fs.rmSync(crdDir, { recursive: true, force: true });
  }
  return { dir, objects, remotes, findings };
}
