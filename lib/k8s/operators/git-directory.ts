import { invalidProp } from '../../core/errors';

/** A folder of a git repository at an exact revision: where the synthesized manifests are committed. */
export interface GitDirectory {
  /** URL of the repository: `https://...`, `ssh://...` or `git@host:org/repo.git`. */
  readonly repoUrl: string;
  /** Path of the folder, relative to the repository root (`.` for the root). */
  readonly path: string;
  /**
   * Exact revision: a version tag (`v1.4.0`, `platform-v1.4.0`), `refs/tags/<name>`, or a full
   * commit SHA. Never a branch: the platform would change with every push.
   */
  readonly revision: string;
}

const FULL_COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const TAG_REF = /^refs\/tags\/[A-Za-z0-9][A-Za-z0-9._/+-]*$/;
/** A tag that names a version, optionally behind a prefix: v1.4.0, 1.4, platform-v1.4.0-rc.1. */
const VERSION_TAG = /^(?:[A-Za-z0-9][A-Za-z0-9._-]*[-_/])?v?\d+(?:\.\d+)+(?:[-+][0-9A-Za-z.+-]+)?$/;
const REPO_URL = /^(?:https:\/\/[^\s/]+\/\S+|ssh:\/\/[^\s/]+\/\S+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s/]\S*)$/;

/**
 * True for a revision that cannot move: a full commit SHA, `refs/tags/<name>`, or a tag that
 * names a version. A branch name cannot be told from a tag by its spelling, so other names
 * are refused (write them as `refs/tags/<name>`).
 */
export function isPinnedGitRevision(revision: string): boolean {
  return typeof revision === 'string' && (FULL_COMMIT.test(revision) || TAG_REF.test(revision) || VERSION_TAG.test(revision));
}

/**
 * Checks a git folder and returns it with its path normalised (no leading `./`, no trailing
 * `/`). Throws naming `prop` for a repository URL that is neither HTTPS nor SSH, a revision
 * that can move, and a path that is empty, absolute or leaves the repository.
 */
export function checkGitDirectory(construct: string, prop: string, dir: GitDirectory): GitDirectory {
  if (typeof dir.repoUrl !== 'string' || !REPO_URL.test(dir.repoUrl)) {
    throw invalidProp(construct, `${prop}.repoUrl`, dir.repoUrl, 'not an HTTPS or SSH git URL (plain http, git:// and file URLs are neither authenticated nor encrypted)',
      'use https://host/org/repo.git, ssh://git@host/org/repo.git or git@host:org/repo.git');
  }
  if (!isPinnedGitRevision(dir.revision)) {
    throw invalidProp(construct, `${prop}.revision`, dir.revision, 'not an exact revision (a branch, HEAD or a short SHA changes under the platform)',
      'give a version tag such as "platform-v1.0.0", "refs/tags/<tag>", or the full 40-character commit SHA');
  }
  const p = typeof dir.path === 'string' ? dir.path.trim() : '';
  if (p === '') {
    throw invalidProp(construct, `${prop}.path`, dir.path, 'empty', 'give the folder of the manifests relative to the repository root, or "." for the root');
  }
  if (p.startsWith('/')) {
    throw invalidProp(construct, `${prop}.path`, dir.path, 'an absolute path (Argo CD reads paths relative to the repository root)',
      `write it relative to the repository root, e.g. "${p.replace(/^\/+/, '') || '.'}"`);
  }
  if (p.split('/').includes('..')) {
    throw invalidProp(construct, `${prop}.path`, dir.path, 'leaves the repository ("..")', 'give the folder relative to the repository root, without ".."');
  }
  const normalised = p.replace(/^(\.\/)+/, '').replace(/\/+$/, '') || '.';
  return { repoUrl: dir.repoUrl, revision: dir.revision, path: normalised };
}
